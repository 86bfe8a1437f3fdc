import { setMaxListeners } from 'node:events';
import type { Server } from 'node:http';
import { GraphQLError, parse, specifiedRules, validate, type DocumentNode, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { OPERATOR, type Caller } from '../auth/caller.js';
import { AuthenticationFailed, bearerToken } from '../auth/jwt.verifier.js';
import type { GatewayContext } from '../graphql/context.js';
import { aliasLimitRule } from '../graphql/limits/alias.rule.js';
import { depthLimitRule } from '../graphql/limits/depth.rule.js';
import { estimateUpstreamCalls } from '../graphql/limits/upstream-calls.estimate.js';
import type { QueryLimits } from '../graphql/limits/query.limits.js';
import type { CallerAuthentication } from './caller.middleware.js';
import { isAllowedOrigin, type CorsConfig } from './cors.middleware.js';
import { BONDORA_TOKEN_HEADER, type CallerRequest } from './context.factory.js';
import type { Logger } from './logger.js';

// GraphQL subscriptions over WebSocket on the API's own path (the graphql-ws protocol). The caller
// authenticates in connection_init with the same rules as HTTP (`Authorization: Bearer …` in the
// payload); a missing or invalid token closes the socket with 4401 before any operation. Every
// operation passes the same validation limits as over HTTP, and every error is formatted by the
// same formatter, so nothing an upstream said reaches the socket. graphql-ws sends a subscription's
// next event only once the previous one is written, so a subscriber that stops reading stops
// pulling from its event stream; that stream's bounded queue then cuts it off (event.stream.ts).

export const CLOSE_UNAUTHORIZED = 4401;

interface SocketExtra extends Record<PropertyKey, unknown> {
  socket: WebSocket;
  caller?: Caller;
  bondoraToken?: string;
  aborts?: AbortController;
  /** Closes the socket when the caller's token expires. */
  expiry?: NodeJS.Timeout;
}

/** setTimeout's longest delay (about 24.8 days): a token living longer has its socket closed then. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface SubscriptionServerOptions {
  httpServer: Server;
  path: string;
  schema: GraphQLSchema;
  auth: CallerAuthentication;
  limits: QueryLimits;
  context: (request: CallerRequest) => GatewayContext;
  /**
   * Turns a subscribe message into the text to run, as over HTTP: a persisted id or hash resolved,
   * and, with TRUSTED_DOCUMENTS_ONLY, anything not in the manifest refused (callers with operations:adhoc excepted).
   */
  operations?: (payload: { query: string; extensions?: Record<string, unknown> | null }, caller: Caller) => Promise<{ query: string } | { code: string; message: string; reason?: string }>;
  /** Upstream calls one operation may make, estimated before it runs (as over HTTP). */
  maxUpstreamCalls?: number;
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  logger: Logger;
  /** Browser origins besides the gateway's own that may open a socket (none when omitted). */
  frontends?: CorsConfig;
}

export interface SubscriptionServer {
  /** Open subscriptions, for tests and metrics. */
  readonly active: number;
  close(): Promise<void>;
}

export function serveSubscriptions(options: SubscriptionServerOptions): SubscriptionServer {
  const wss = new WebSocketServer({
    server: options.httpServer,
    path: options.path,
    // Browsers apply no CORS to WebSockets: a page on any other origin is refused here, as over HTTP.
    verifyClient: ({ origin, req }, accept) => {
      if (isAllowedOrigin(origin || undefined, options.frontends, req.headers.host)) return accept(true);
      options.logger.warn('WebSocket upgrade refused: origin not allowed', { origin });
      accept(false, 403, 'Origin not allowed');
    },
  });
  const rules = [...specifiedRules, depthLimitRule(options.limits.maxDepth), aliasLimitRule(options.limits.maxAliases)];
  let active = 0;
  const format = (errors: readonly GraphQLError[]) => errors.map((error) => options.formatError(error.toJSON(), error));

  const server = useServer<Record<string, unknown> | undefined, SocketExtra>(
    {
      schema: options.schema,
      onConnect: async (ctx) => {
        const params = ctx.connectionParams ?? {};
        const header = String(params.Authorization ?? params.authorization ?? '');
        let caller: Caller;
        try {
          if (options.auth.mode === 'disabled') caller = OPERATOR;
          else {
            const token = bearerToken(header);
            if (!token) throw new AuthenticationFailed('malformed');
            caller = await options.auth.verifier.verify(token);
          }
        } catch (error) {
          if (!(error instanceof AuthenticationFailed)) throw error;
          ctx.extra.socket.close(CLOSE_UNAUTHORIZED, 'Unauthorized');
          return false;
        }
        ctx.extra.caller = caller;
        // A socket may outlive its token; it ends when the token does, as an HTTP request with it would be refused.
        if (caller.expiresAt !== undefined) {
          const socket = ctx.extra.socket;
          ctx.extra.expiry = setTimeout(() => socket.close(CLOSE_UNAUTHORIZED, 'Token expired'), Math.min(Math.max(0, caller.expiresAt - Date.now()), MAX_TIMER_MS));
          ctx.extra.expiry.unref();
        }
        const bondoraToken = params[BONDORA_TOKEN_HEADER];
        if (typeof bondoraToken === 'string' && bondoraToken.trim()) ctx.extra.bondoraToken = bondoraToken.trim();
        ctx.extra.aborts = new AbortController();
        // Every subscription on the socket and each of their upstream calls listens to it: not a leak.
        setMaxListeners(0, ctx.extra.aborts.signal);
        return true;
      },
      onSubscribe: async (ctx, _id, payload) => {
        let query = payload.query;
        if (options.operations) {
          const resolved = await options.operations(payload, ctx.extra.caller!);
          if ('code' in resolved) {
            return [new GraphQLError(resolved.message, { extensions: { code: resolved.code, ...(resolved.reason ? { reason: resolved.reason } : {}) } })];
          }
          query = resolved.query;
        }
        let document: DocumentNode;
        try {
          document = parse(query, { maxTokens: options.limits.maxTokens });
        } catch (error) {
          return [error instanceof GraphQLError ? error : new GraphQLError('The operation could not be parsed')];
        }
        const errors = validate(options.schema, document, rules);
        if (errors.length > 0) return errors;
        if (options.maxUpstreamCalls !== undefined) {
          const calls = estimateUpstreamCalls(options.schema, document, { operationName: payload.operationName, variables: payload.variables });
          if (calls > options.maxUpstreamCalls) {
            return [
              new GraphQLError(`This operation could make up to ${calls} upstream calls; the limit is ${options.maxUpstreamCalls}`, {
                extensions: { code: 'BAD_USER_INPUT', reason: 'TOO_MANY_UPSTREAM_CALLS', estimatedCalls: calls, maxCalls: options.maxUpstreamCalls },
              }),
            ];
          }
        }
        return {
          schema: options.schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
        };
      },
      context: (ctx) =>
        options.context({
          caller: ctx.extra.caller!,
          bondoraToken: ctx.extra.bondoraToken,
          signal: ctx.extra.aborts!.signal,
        }),
      onOperation: () => {
        active++;
      },
      onNext: (_ctx, _id, _payload, _args, result) => (result.errors ? { ...result, errors: format(result.errors) } : undefined),
      onError: (_ctx, _id, _payload, errors) => format(errors),
      onComplete: () => {
        active--;
      },
      onClose: (ctx) => {
        clearTimeout(ctx.extra.expiry);
        ctx.extra.aborts?.abort();
      },
    },
    wss,
  );

  return {
    get active() {
      return active;
    },
    async close() {
      await server.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
