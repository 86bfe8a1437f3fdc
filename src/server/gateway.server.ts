import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import type { GatewayContext } from '../graphql/context.js';
import type { LoaderSettings } from '../loaders/loader.options.js';
import type { RateLimitTable } from '../upstream/rate.scheduler.js';
import type { SharedBudgetStore } from '../upstream/budget.store.js';
import type { SharedFlights, SharedResponseStore } from '../upstream/response.cache.js';
import { createErrorFormatter } from '../graphql/error.mapper.js';
import { subgraphSchema } from './subgraph.schema.js';
import { createBondHttp, forgetBondApplication } from '../upstream/bond/bond.client.js';
import { createBondoraHttp } from '../upstream/bondora/bondora.client.js';
import { fixedCredential, OAuthCredential, type BondoraCredential, type TokenStore } from '../upstream/bondora/bondora.credential.js';
import { BondoraOAuthClient, createBondoraOAuthHttp } from '../upstream/bondora/bondora.oauth.client.js';
import { BONDORA_CALLBACK_PATH, bondoraOAuthRoutes, type BondoraOAuthSettings } from './bondora.oauth.routes.js';
import {
  DEFAULT_CALLER_RATE_LIMIT,
  DEFAULT_CALLER_SHARE_PERCENT,
  DEFAULT_MAX_UPSTREAM_CALLS_PER_REQUEST,
  DEFAULT_RATE_LIMIT_WAIT_MS,
  type CallerLimitsConfig,
} from '../config.js';
import {
  BondoraConnections,
  MemoryConnectionStore,
  MemoryLoginStateStore,
  type ConnectionStore,
  type LoginStateStore,
} from '../auth/bondora.connections.js';
import { apiResponseHeaders, authenticateCallers, callerRateLimit, type CallerAuthentication } from './caller.middleware.js';
import { corsFor, type CorsConfig } from './cors.middleware.js';
import { createContextBuilder, createContextFactory, type ContextDeps } from './context.factory.js';
import { serveSubscriptions } from './subscriptions.server.js';
import { callbackFetcher } from './subscription.callback.js';
import { MemoryEventLog, type EventLog } from '../events/event.log.js';
import { webhookRoutes } from '../events/webhook.routes.js';
import type { WebhooksConfig } from '../config.js';

const NO_WEBHOOKS: WebhooksConfig = { publicUrl: undefined, bondoraKeys: {}, bondSecrets: [], toleranceSeconds: 300, eventLogSize: 10_000 };
import { ApolloServerPluginSubscriptionCallback } from '@apollo/server/plugin/subscriptionCallback';
import { graphiqlRoutes } from './graphiql.route.js';
import { batchLimit, jsonErrorHandler } from './http.errors.js';
import { upstreamCallBudget } from './upstream-calls.middleware.js';
import { apqRegistrations, persistedOperations, persistedSubscribePayloads, type KeyValueCache } from './persisted.operations.js';
import type { TrustedDocuments } from './trusted-documents.manifest.js';
import { aliasLimitRule } from '../graphql/limits/alias.rule.js';
import { costLimitPlugin } from '../graphql/limits/cost.plugin.js';
import { depthLimitRule } from '../graphql/limits/depth.rule.js';
import { DEFAULT_QUERY_LIMITS, type QueryLimits } from '../graphql/limits/query.limits.js';
import type { Logger } from './logger.js';
import type { TracingConfig } from '../config.js';
import { observers } from '../upstream/upstream.observer.js';
import { accessLog, accessLogPlugin } from './access.log.js';
import { healthRoutes, type ServingState } from './health.routes.js';
import { GatewayMetrics } from './metrics.registry.js';
import { metricsPlugin } from './metrics.plugin.js';
import { metricsRoute } from './metrics.route.js';
import { readinessObserver, UpstreamReadiness, type ReadinessCheck, type UpstreamReadinessOptions } from './readiness.js';

/** Where the upstreams are and how to authenticate, after simulators (if any) have started. */
export interface UpstreamSettings {
  bondora: {
    url: string;
    accessToken: string | undefined;
    /** Client-side budgets: the documented limits when omitted, none when false. */
    rateLimits?: RateLimitTable | false;
    /** TTL of the hot lists per credential; 0 (the default) keeps nothing. */
    listCacheTtlMs?: number;
    /** How long a closed auction's detail is kept per credential; 0 (the default) keeps none. */
    closedAuctionTtlMs?: number;
    /** How long an active auction's detail is kept per credential; 0 (the default) keeps none. */
    entityCacheTtlMs?: number;
    /** OAuth client of the gateway: enables /auth/bondora/* and refreshes the server token. */
    oauth?: BondoraOAuthSettings;
  };
  /** `entityCacheTtlMs`: how long an application read by id is kept; 0 (the default here) keeps none. */
  bond: { url: string; identity: string; apiKey: string; rateLimits?: RateLimitTable | false; entityCacheTtlMs?: number };
  timeoutMs: number;
  /** How long one operation may wait for rate-limit slots before its fields fail with RATE_LIMITED. */
  rateLimitWaitMs?: number;
}

export interface GatewayOptions {
  upstreams: UpstreamSettings;
  logger: Logger;
  /** How callers are identified: verified JWTs, or (AUTH_DISABLED) every caller an operator. */
  auth: CallerAuthentication;
  /** Per-request and per-caller limits (the config's defaults when omitted). */
  callers?: CallerLimitsConfig;
  /** Where the Bondora OAuth callback may send the browser back (AUTH_RETURN_URLS). */
  returnUrls?: readonly string[];
  /** Production hides schema details (field suggestions) from client errors. */
  production?: boolean;
  /** Answer a router's ftv1 trace requests (FEDERATION_TRACES). */
  federationTraces?: boolean;
  /** GraphiQL's headers editor content (the dev issuer's operator token on the embedded simulators). */
  graphiqlHeaders?: string;
  /** The webhook event log subscriptions read (a bounded in-memory ring of 10,000 when omitted). */
  events?: EventLog;
  /** Events a subscriber may fall behind before its subscription is ended as too slow (1000). */
  subscriberQueueLimit?: number;
  /** Webhook receivers' keys and tolerance; without keys each receiver refuses every delivery. */
  webhooks?: WebhooksConfig;
  /** Introspection on (default true); production turns it off unless configured. */
  introspection?: boolean;
  /** Depth, alias, cost, batch and body-size limits (DEFAULT_QUERY_LIMITS when omitted). */
  limits?: QueryLimits;
  /**
   * What replicas share (in this process when omitted): login states and OAuth tokens, kept answers,
   * identical GETs in flight, and the upstream budgets, of which each takes 1/fleetSize while the
   * shared ones are unavailable.
   */
  sharedState?: {
    loginStates: LoginStateStore;
    connections: ConnectionStore;
    tokens: TokenStore;
    responses?: SharedResponseStore;
    flights?: SharedFlights;
    budgets?: SharedBudgetStore;
    fleetSize?: number;
  };
  /** Benchmark-only: `{ batching: false }` measures what a naive resolver would cost upstream. */
  loaders?: LoaderSettings;
  /** GraphiQL for browsers that open /graphql (default true); production turns it off unless configured. */
  graphiql?: boolean;
  /** Browser origins allowed to call /graphql over HTTP and WebSocket (CORS_ORIGINS); none when omitted. */
  frontends?: CorsConfig;
  /** Where automatic persisted queries are kept (REDIS_URL: Redis; else Apollo's bounded in-memory cache). */
  apqCache?: KeyValueCache;
  /** Keys the caller's pseudonym on access lines; replicas given the same key name a caller alike (random when omitted). */
  callerPseudonymKey?: Uint8Array;
  /** TRUSTED_DOCUMENTS(_ONLY): the manifest's operations, and whether only they may run. */
  trustedDocuments?: TrustedDocuments;
  /** Checks /readyz runs beside the built-in upstream ones (Redis, from main.ts). */
  readiness?: readonly ReadinessCheck[];
  /** Tests: the upstream checks' answer window and probe timings (a minute, 10 s, 2 s by default). */
  upstreamReadiness?: UpstreamReadinessOptions;
  /** METRICS_TOKEN: /metrics requires it as a bearer token; open when omitted. */
  metricsToken?: string;
  /** OpenTelemetry traces (OTEL_*); off when omitted. */
  tracing?: TracingConfig;
}

export interface Gateway {
  url: string;
  /** The event log webhooks write and subscriptions read. */
  events: EventLog;
  /** Open subscriptions over WebSocket. */
  readonly activeSubscriptions: number;
  /** Per-caller Bondora connections (undefined without a Bondora application). */
  bondoraConnections: BondoraConnections | undefined;
  close(): Promise<void>;
}

export async function startGateway(options: GatewayOptions, port = 0, host = '127.0.0.1'): Promise<Gateway> {
  const { upstreams, logger } = options;
  const app = express();
  // First: every request gets its id and its access line, whatever answers it.
  app.use(accessLog(logger, options.callerPseudonymKey));
  let serving: ServingState = 'starting';
  // Loaded only when tracing is on: the OpenTelemetry API's modules are otherwise not loaded at all.
  const tracing = options.tracing ? await (await import('./tracing.js')).startTracing(options.tracing) : undefined;
  const metrics = new GatewayMetrics(() => subscriptions.active);
  const upstreamChecks = [
    new UpstreamReadiness('bondora', upstreams.bondora.url, options.upstreamReadiness),
    new UpstreamReadiness('bond', upstreams.bond.url, options.upstreamReadiness),
  ];
  const observer = observers(metrics.upstreamObserver, readinessObserver(upstreamChecks), tracing?.observer);
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);

  const limits = options.limits ?? DEFAULT_QUERY_LIMITS;
  const callers: CallerLimitsConfig = options.callers ?? {
    maxUpstreamCallsPerRequest: DEFAULT_MAX_UPSTREAM_CALLS_PER_REQUEST,
    sharePercent: DEFAULT_CALLER_SHARE_PERCENT,
    rateLimit: DEFAULT_CALLER_RATE_LIMIT,
  };
  const shared = options.sharedState;
  const shares = {
    callerSharePercent: callers.sharePercent,
    sharedResponses: shared?.responses,
    sharedFlights: shared?.flights,
    sharedBudgets: shared?.budgets,
    fleetSize: shared?.fleetSize,
  };
  const bondoraHttp = createBondoraHttp({ ...upstreams.bondora, ...shares, baseUrl: upstreams.bondora.url, timeoutMs: upstreams.timeoutMs, observer });
  const bondHttp = createBondHttp({ ...upstreams.bond, ...shares, baseUrl: upstreams.bond.url, timeoutMs: upstreams.timeoutMs, observer });
  const schema = await subgraphSchema();
  const httpClients = [bondoraHttp, bondHttp];
  const events = options.events ?? new MemoryEventLog();
  const formatError = createErrorFormatter({
    secrets: [
      upstreams.bondora.accessToken,
      upstreams.bondora.oauth?.clientSecret,
      upstreams.bondora.oauth?.refreshToken,
      upstreams.bond.identity,
      upstreams.bond.apiKey,
    ],
    logger,
  });
  const apollo = new ApolloServer<GatewayContext>({
    schema,
    // Every limit refuses before any resolver, and so before any upstream call.
    parseOptions: { maxTokens: limits.maxTokens },
    validationRules: [depthLimitRule(limits.maxDepth), aliasLimitRule(limits.maxAliases)],
    allowBatchedHttpRequests: true,
    cache: options.apqCache ?? 'bounded',
    // APQ: persistedOperations() resolves hashes before the budget; Apollo only registers (see there).
    persistedQueries: { cache: apqRegistrations((): KeyValueCache => apollo.cache) },
    csrfPrevention: true,
    introspection: options.introspection ?? true,
    includeStacktraceInErrorResponses: false,
    // No "did you mean" field suggestions to strangers in production.
    hideSchemaDetailsFromClientErrors: options.production ?? false,
    // main.ts owns shutdown (gateway, then simulators, then exit 0); Apollo's handler would re-raise the signal.
    stopOnTerminationSignals: false,
    formatError,
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
      // Traces show resolver timings and paths: only for a router that is meant to collect them.
      ...(options.federationTraces ? [] : [ApolloServerPluginInlineTraceDisabled()]),
      costLimitPlugin(limits.maxCost),
      metricsPlugin(metrics),
      accessLogPlugin(),
      ...(tracing ? [tracing.plugin] : []),
      // Subscriptions for a federating router: Apollo's HTTP callback protocol.
      ApolloServerPluginSubscriptionCallback({ fetcher: callbackFetcher(logger) }),
    ],
  });
  await apollo.start();

  let publicUrl = '';
  const oauth = upstreams.bondora.oauth;
  const returnUrls = options.returnUrls ?? [];
  let bondoraCredential: BondoraCredential = fixedCredential(upstreams.bondora.accessToken);
  let bondoraConnections: BondoraConnections | undefined;
  if (oauth) {
    const oauthHttp = createBondoraOAuthHttp(upstreams.bondora.url, upstreams.timeoutMs);
    httpClients.push(oauthHttp);
    const client = new BondoraOAuthClient(oauthHttp, oauth);
    // The gateway's own token refreshes itself when it came with a refresh token.
    bondoraCredential = new OAuthCredential(
      client,
      { accessToken: upstreams.bondora.accessToken, refreshToken: oauth.refreshToken },
      options.sharedState?.tokens,
    );
    bondoraConnections = new BondoraConnections(
      client,
      oauth,
      options.sharedState?.loginStates ?? new MemoryLoginStateStore(),
      options.sharedState?.connections ?? new MemoryConnectionStore(),
      () => oauth.redirectUri ?? `${publicUrl}${BONDORA_CALLBACK_PATH}`,
    );
    app.use(bondoraOAuthRoutes({ connections: bondoraConnections, returnUrls, logger }));
  }

  // Before any body parser: a webhook's raw bytes are verified before they are parsed.
  app.use(
    webhookRoutes({
      config: options.webhooks ?? NO_WEBHOOKS,
      publicUrl: () => publicUrl,
      log: events,
      logger,
      onDelivery: (source, result) => metrics.webhookDelivery(source, result),
      onEvent: (event) => {
        // A new auction makes every credential's kept active-auctions list stale.
        if (event.source === 'bondora' && event.type === 'auction.published') bondoraHttp.forget(['auctions.list']);
        // Bond decided something about an application (KYC, approval, denial): its kept copy is stale.
        const application = (event.payload as { application_id?: unknown } | null)?.application_id;
        if (event.source === 'bond' && event.type.startsWith('credit.application.') && typeof application === 'string') {
          void forgetBondApplication(bondHttp, application);
        }
      },
    }),
  );

  app.use(
    healthRoutes({
      checks: [...upstreamChecks, ...(options.readiness ?? [])],
      state: () => serving,
      onResult: (check, status) => metrics.readinessState(check, status),
    }),
  );
  app.use(metricsRoute(metrics, options.metricsToken));
  // First on the API path: a preflight carries no token, and GraphiQL's GET route would answer its OPTIONS.
  app.use('/graphql', corsFor(options.frontends ?? { corsOrigins: [], corsAllowCredentials: false }));
  if (options.graphiql ?? true) {
    // Before Apollo, which would answer a browser's GET with 400 now that its landing page is off.
    app.use(graphiqlRoutes({ endpoint: '/graphql', logger, headers: options.graphiqlHeaders }));
    if (options.introspection === false) logger.warn('GraphiQL is on but introspection is off: its docs and completion stay empty');
  }
  const contextDeps: ContextDeps = {
    bondoraHttp,
    bondHttp,
    bondoraCredential,
    bondoraConnections,
    rateLimitWaitMs: upstreams.rateLimitWaitMs ?? DEFAULT_RATE_LIMIT_WAIT_MS,
    maxUpstreamCalls: callers.maxUpstreamCallsPerRequest,
    returnUrls,
    events,
    subscriberQueueLimit: options.subscriberQueueLimit ?? 1000,
    loaders: options.loaders,
  };
  const subscriptions = serveSubscriptions({
    httpServer,
    path: '/graphql',
    schema,
    auth: options.auth,
    limits,
    context: createContextBuilder(contextDeps),
    operations: persistedSubscribePayloads({ apqCache: apollo.cache, trusted: options.trustedDocuments, logger }),
    maxUpstreamCalls: callers.maxUpstreamCallsPerRequest,
    formatError,
    logger,
    frontends: options.frontends,
  });
  app.use(
    '/graphql',
    apiResponseHeaders,
    ...(tracing ? [tracing.middleware] : []),
    // Who is calling comes first: a request without a valid token is refused before its body is read.
    authenticateCallers(options.auth, logger),
    ...(callers.rateLimit ? [callerRateLimit(callers.rateLimit)] : []),
    express.json({ limit: limits.maxBodyBytes }),
    batchLimit(limits.maxBatch),
    // Ids and hashes become text (or are refused) before the budget estimates the text.
    persistedOperations({ apqCache: apollo.cache, trusted: options.trustedDocuments, logger }),
    upstreamCallBudget(schema, callers.maxUpstreamCallsPerRequest),
    expressMiddleware(apollo, {
      context: createContextFactory(contextDeps),
    }),
  );

  app.use(jsonErrorHandler(logger));

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(port, host, () => resolve());
  });
  const address = httpServer.address() as AddressInfo;
  // A wildcard address is no URL a browser or Bondora's redirect can use: name this machine's loopback instead.
  const reachable = host === '0.0.0.0' || host === '::' || host === '[::]' ? '127.0.0.1' : host;
  publicUrl = `http://${reachable}:${address.port}`;
  serving = 'serving';
  return {
    url: publicUrl,
    bondoraConnections,
    events,
    get activeSubscriptions() {
      return subscriptions.active;
    },
    close: async () => {
      // Load balancers asking /readyz from now on take this replica out.
      serving = 'draining';
      await subscriptions.close();
      await apollo.stop();
      await Promise.all(httpClients.map((client) => client.close()));
      await tracing?.shutdown();
    },
  };
}
