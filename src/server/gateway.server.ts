import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import type { GatewayContext } from '../graphql/context.js';
import type { LoaderSettings } from '../loaders/loader.options.js';
import type { RateLimitTable } from '../upstream/rate.scheduler.js';
import { createErrorFormatter } from '../graphql/error.mapper.js';
import { subgraphSchema } from './subgraph.schema.js';
import { createBondHttp } from '../upstream/bond/bond.client.js';
import { createBondoraHttp } from '../upstream/bondora/bondora.client.js';
import { fixedCredential, OAuthCredential, type BondoraCredential, type TokenStore } from '../upstream/bondora/bondora.credential.js';
import { BondoraOAuthClient, createBondoraOAuthHttp } from '../upstream/bondora/bondora.oauth.client.js';
import { bondoraOAuthRoutes, type BondoraOAuthSettings, type LoginStateStore } from './bondora.oauth.routes.js';
import { DEFAULT_RATE_LIMIT_WAIT_MS } from '../config.js';
import { createContextFactory } from './context.factory.js';
import { graphiqlRoutes } from './graphiql.route.js';
import { batchLimit, jsonErrorHandler } from './http.errors.js';
import { aliasLimitRule } from '../graphql/limits/alias.rule.js';
import { costLimitPlugin } from '../graphql/limits/cost.plugin.js';
import { depthLimitRule } from '../graphql/limits/depth.rule.js';
import { DEFAULT_QUERY_LIMITS, type QueryLimits } from '../graphql/limits/query.limits.js';
import type { Logger } from './logger.js';

/** Where the upstreams are and how to authenticate, after simulators (if any) have started. */
export interface UpstreamSettings {
  bondora: {
    url: string;
    accessToken: string | undefined;
    /** Client-side budgets: the documented limits when omitted, none when false. */
    rateLimits?: RateLimitTable | false;
    /** TTL of the hot lists per credential; 0 (the default) keeps nothing. */
    listCacheTtlMs?: number;
    /** OAuth client of the gateway: enables /auth/bondora/* and refreshes the server token. */
    oauth?: BondoraOAuthSettings;
  };
  bond: { url: string; identity: string; apiKey: string; rateLimits?: RateLimitTable | false };
  timeoutMs: number;
  /** How long one operation may wait for rate-limit slots before its fields fail with RATE_LIMITED. */
  rateLimitWaitMs?: number;
}

export interface GatewayOptions {
  upstreams: UpstreamSettings;
  logger: Logger;
  /** Introspection on (default true); production turns it off unless configured. */
  introspection?: boolean;
  /** Depth, alias, cost, batch and body-size limits (DEFAULT_QUERY_LIMITS when omitted). */
  limits?: QueryLimits;
  /** Login states and OAuth tokens shared with other gateway processes (in this process when omitted). */
  sharedState?: { loginStates: LoginStateStore; tokens: TokenStore };
  /** Benchmark-only: `{ batching: false }` measures what a naive resolver would cost upstream. */
  loaders?: LoaderSettings;
  /** GraphiQL for browsers that open /graphql (default true); production turns it off unless configured. */
  graphiql?: boolean;
}

export interface Gateway {
  url: string;
  close(): Promise<void>;
}

export async function startGateway(options: GatewayOptions, port = 0, host = '127.0.0.1'): Promise<Gateway> {
  const { upstreams, logger } = options;
  const app = express();
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);

  const limits = options.limits ?? DEFAULT_QUERY_LIMITS;
  const bondoraHttp = createBondoraHttp({ ...upstreams.bondora, baseUrl: upstreams.bondora.url, timeoutMs: upstreams.timeoutMs });
  const bondHttp = createBondHttp({ ...upstreams.bond, baseUrl: upstreams.bond.url, timeoutMs: upstreams.timeoutMs });
  const httpClients = [bondoraHttp, bondHttp];
  const apollo = new ApolloServer<GatewayContext>({
    schema: await subgraphSchema(),
    // Every limit refuses before any resolver, and so before any upstream call.
    parseOptions: { maxTokens: limits.maxTokens },
    validationRules: [depthLimitRule(limits.maxDepth), aliasLimitRule(limits.maxAliases)],
    allowBatchedHttpRequests: true,
    csrfPrevention: true,
    introspection: options.introspection ?? true,
    includeStacktraceInErrorResponses: false,
    // main.ts owns shutdown (gateway, then simulators, then exit 0); Apollo's handler would re-raise the signal.
    stopOnTerminationSignals: false,
    formatError: createErrorFormatter({
      secrets: [
        upstreams.bondora.accessToken,
        upstreams.bondora.oauth?.clientSecret,
        upstreams.bondora.oauth?.refreshToken,
        upstreams.bond.identity,
        upstreams.bond.apiKey,
      ],
      logger,
    }),
    logger: {
      debug: () => {},
      info: (m: unknown) => logger.info(String(m)),
      warn: (m: unknown) => logger.warn(String(m)),
      error: (m: unknown) => logger.error(String(m)),
    },
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      // The schema sets no cache hints, and the plugin's hook on every resolved field is pure cost.
      ApolloServerPluginCacheControlDisabled(),
      costLimitPlugin(limits.maxCost),
    ],
  });
  await apollo.start();

  let publicUrl = '';
  const oauth = upstreams.bondora.oauth;
  let bondoraCredential: BondoraCredential = fixedCredential(upstreams.bondora.accessToken);
  if (oauth) {
    const oauthHttp = createBondoraOAuthHttp(upstreams.bondora.url, upstreams.timeoutMs);
    httpClients.push(oauthHttp);
    const client = new BondoraOAuthClient(oauthHttp, oauth);
    const credential = new OAuthCredential(
      client,
      { accessToken: upstreams.bondora.accessToken, refreshToken: oauth.refreshToken },
      options.sharedState?.tokens,
    );
    bondoraCredential = credential;
    app.use(
      bondoraOAuthRoutes({
        settings: oauth,
        oauth: client,
        credential,
        logger,
        states: options.sharedState?.loginStates,
        defaultRedirectUri: () => `${publicUrl}/auth/bondora/callback`,
      }),
    );
  }

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  if (options.graphiql ?? true) {
    // Before Apollo, which would answer a browser's GET with 400 now that its landing page is off.
    app.use(graphiqlRoutes({ endpoint: '/graphql', logger }));
    if (options.introspection === false) logger.warn('GraphiQL is on but introspection is off: its docs and completion stay empty');
  }
  app.use(
    '/graphql',
    express.json({ limit: limits.maxBodyBytes }),
    batchLimit(limits.maxBatch),
    expressMiddleware(apollo, {
      context: createContextFactory({
        bondoraHttp,
        bondHttp,
        bondoraCredential,
        rateLimitWaitMs: upstreams.rateLimitWaitMs ?? DEFAULT_RATE_LIMIT_WAIT_MS,
        loaders: options.loaders,
      }),
    }),
  );

  app.use(jsonErrorHandler(logger));

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(port, host, () => resolve());
  });
  const address = httpServer.address() as AddressInfo;
  publicUrl = `http://${host}:${address.port}`;
  return {
    url: publicUrl,
    close: async () => {
      await apollo.stop();
      await Promise.all(httpClients.map((client) => client.close()));
    },
  };
}
