import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { ALL_SCOPES, type Scope } from '../../src/auth/scope.registry.js';
import { createJwtVerifier, type JwtVerifier } from '../../src/auth/jwt.verifier.js';
import type { CallerLimitsConfig } from '../../src/config.js';
import { startTestJwks, type TestJwks } from './jwt.fixtures.js';
import { startGateway, type Gateway, type GatewayOptions, type UpstreamSettings } from '../../src/server/gateway.server.js';
import { graphiqlHeaders } from '../../src/server/graphiql.examples.js';
import { wireSimulatedWebhooks } from '../../src/server/upstreams.start.js';
import { memoryLogger, type Logger } from '../../src/server/logger.js';
import { BondSimulator, type BondSimulatorOptions } from '../../src/simulators/bond/bond.simulator.js';
import { BondoraSimulator, type BondoraSimulatorOptions } from '../../src/simulators/bondora/bondora.simulator.js';

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  data?: T | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
  /** The raw response text, for assertions that nothing secret leaks. */
  text: string;
}

export interface Harness {
  bondora: BondoraSimulator;
  bond: BondSimulator;
  gateway: Gateway;
  settings: UpstreamSettings;
  logger: ReturnType<typeof memoryLogger>;
  /** The identity provider the gateway trusts (a JWKS on port 0). */
  idp: TestJwks;
  /** A token of that provider; default subject "test-operator" with every scope. */
  token(claims?: { sub?: string; scopes?: readonly Scope[]; customerId?: string }): Promise<string>;
  /** The operator's token, which gql sends unless the headers say otherwise. */
  operatorToken: string;
  /**
   * Sends an operation: a typed document (test/operations) checks its variables and result type at
   * compile time. Sent as the operator unless `headers.authorization` says otherwise ('' sends none).
   */
  gql<T = Record<string, unknown>, V = Record<string, unknown>>(
    query: string | TypedDocumentNode<T, V>,
    variables?: V,
    headers?: Record<string, string>,
  ): Promise<GraphQLResponse<T>>;
  /** Clears both request logs and all faults. */
  resetTraffic(): void;
  close(): Promise<void>;
}

export interface HarnessOptions {
  bondora?: BondoraSimulatorOptions;
  bond?: BondSimulatorOptions;
  timeoutMs?: number;
  /** Overrides of the gateway's upstream settings (rate limits, list cache TTL, wait budget). */
  upstreams?: {
    bondora?: Partial<Pick<UpstreamSettings['bondora'], 'rateLimits' | 'listCacheTtlMs' | 'closedAuctionTtlMs' | 'entityCacheTtlMs' | 'oauth' | 'accessToken'>>;
    bond?: Partial<Pick<UpstreamSettings['bond'], 'rateLimits' | 'entityCacheTtlMs'>>;
    rateLimitWaitMs?: number;
  };
  /** Switches of startGateway (GraphiQL, introspection, return URLs, production); GraphiQL and introspection default to on. */
  gateway?: Pick<GatewayOptions, 'graphiql' | 'introspection' | 'returnUrls' | 'production' | 'federationTraces' | 'subscriberQueueLimit' | 'events' | 'frontends' | 'apqCache' | 'trustedDocuments' | 'readiness' | 'upstreamReadiness' | 'metricsToken' | 'tracing' | 'webhooks'>;
  /** Where the gateway logs instead of `logger` (which then stays empty): a jsonLogger over a stream, say. */
  logger?: Logger;
  /**
   * Per-request and per-caller limits: by default 50 upstream calls per request as in production,
   * but no per-caller rate limit and no share limit, so single-caller tests count every call.
   */
  callers?: Partial<CallerLimitsConfig>;
  /** 'disabled': AUTH_DISABLED, every caller an operator. */
  auth?: 'disabled';
  /** Point both simulators' webhooks at the gateway's receivers, with fresh secrets, as npm start does. */
  webhooks?: boolean;
}

/** Both simulators and the gateway on free loopback ports, talking real HTTP. */
/** A verifier of the test identity provider's tokens, as the harness's gateway has (another gateway on the same harness uses one too). */
export function idpVerifier(idp: TestJwks): JwtVerifier {
  return createJwtVerifier({
    jwksUrl: idp.jwksUrl,
    issuer: idp.issuer,
    audience: idp.audience,
    scopesClaim: 'scope',
    customerClaim: 'bond_customer_id',
    jwksCooldownMs: 0,
  });
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const bondora = new BondoraSimulator({ rateLimits: false, ...options.bondora });
  const bond = new BondSimulator(options.bond);
  const [bondoraUrl, bondUrl] = await Promise.all([bondora.start(0), bond.start(0)]);
  const settings: UpstreamSettings = {
    // Budgets, list and entity caching are off like the simulators' limits, so tests count every
    // call; the rate-limit and caching tests turn them on.
    bondora: { url: bondoraUrl, accessToken: BondoraSimulator.DEMO_TOKEN, rateLimits: false, listCacheTtlMs: 0, entityCacheTtlMs: 0, ...options.upstreams?.bondora },
    bond: { url: bondUrl, identity: BondSimulator.DEMO_IDENTITY, apiKey: BondSimulator.DEMO_API_KEY, rateLimits: false, entityCacheTtlMs: 0, ...options.upstreams?.bond },
    timeoutMs: options.timeoutMs ?? 2_000,
    rateLimitWaitMs: options.upstreams?.rateLimitWaitMs,
  };
  const logger = memoryLogger();
  const idp = await startTestJwks();
  const verifier = idpVerifier(idp);
  const token = (claims: { sub?: string; scopes?: readonly Scope[]; customerId?: string } = {}) =>
    idp.sign({
      sub: claims.sub ?? 'test-operator',
      scope: (claims.scopes ?? ALL_SCOPES).join(' '),
      ...(claims.customerId ? { bond_customer_id: claims.customerId } : {}),
    });
  const operatorToken = await token();
  const webhooks = { publicUrl: undefined, bondoraKeys: {} as Record<string, string>, bondSecrets: [] as string[], toleranceSeconds: 300, eventLogSize: 10_000 };
  const gateway = await startGateway({
    // GraphiQL sends the operator's token, as it does on npm start's development issuer.
    graphiqlHeaders: graphiqlHeaders(operatorToken),
    webhooks,
    ...options.gateway,
    upstreams: settings,
    logger: options.logger ?? logger,
    auth: options.auth === 'disabled' ? { mode: 'disabled' } : { mode: 'jwt', verifier },
    callers: { maxUpstreamCallsPerRequest: 50, sharePercent: 100, rateLimit: false, ...options.callers },
  });
  if (options.webhooks) await wireSimulatedWebhooks({ bondora, bond }, gateway.url, webhooks);

  return {
    bondora,
    bond,
    gateway,
    settings,
    logger,
    idp,
    token,
    operatorToken,
    async gql(query, variables, headers = {}) {
      const sent: Record<string, string> = { 'content-type': 'application/json', authorization: `Bearer ${operatorToken}` };
      for (const [name, value] of Object.entries(headers)) {
        if (value) sent[name.toLowerCase()] = value;
        else delete sent[name.toLowerCase()];
      }
      const response = await fetch(`${gateway.url}/graphql`, {
        method: 'POST',
        headers: sent,
        body: JSON.stringify({ query: typeof query === 'string' ? query : print(query), variables }),
      });
      const text = await response.text();
      const body = JSON.parse(text) as { data?: never; errors?: never };
      return { status: response.status, data: body.data, errors: body.errors, text };
    },
    resetTraffic() {
      bondora.router.clearLog();
      bondora.router.clearFaults();
      bond.router.clearLog();
      bond.router.clearFaults();
    },
    async close() {
      await gateway.close();
      await Promise.all([bondora.stop(), bond.stop(), idp.close()]);
    },
  };
}
