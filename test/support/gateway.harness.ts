import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { startGateway, type Gateway, type GatewayOptions, type UpstreamSettings } from '../../src/server/gateway.server.js';
import { memoryLogger } from '../../src/server/logger.js';
import { BondSimulator } from '../../src/simulators/bond/bond.simulator.js';
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
  /** Sends an operation: a typed document (test/operations) checks its variables and result type at compile time. */
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
  timeoutMs?: number;
  /** Overrides of the gateway's upstream settings (rate limits, list cache TTL, wait budget). */
  upstreams?: {
    bondora?: Partial<Pick<UpstreamSettings['bondora'], 'rateLimits' | 'listCacheTtlMs' | 'oauth' | 'accessToken'>>;
    bond?: Partial<Pick<UpstreamSettings['bond'], 'rateLimits'>>;
    rateLimitWaitMs?: number;
  };
  /** Switches of startGateway (GraphiQL, introspection); both default to on. */
  gateway?: Pick<GatewayOptions, 'graphiql' | 'introspection'>;
}

/** Both simulators and the gateway on free loopback ports, talking real HTTP. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const bondora = new BondoraSimulator({ rateLimits: false, ...options.bondora });
  const bond = new BondSimulator();
  const [bondoraUrl, bondUrl] = await Promise.all([bondora.start(0), bond.start(0)]);
  const settings: UpstreamSettings = {
    // Budgets and list caching are off like the simulators' limits, so tests count every call;
    // the rate-limit and caching tests turn them on.
    bondora: { url: bondoraUrl, accessToken: BondoraSimulator.DEMO_TOKEN, rateLimits: false, listCacheTtlMs: 0, ...options.upstreams?.bondora },
    bond: { url: bondUrl, identity: BondSimulator.DEMO_IDENTITY, apiKey: BondSimulator.DEMO_API_KEY, rateLimits: false, ...options.upstreams?.bond },
    timeoutMs: options.timeoutMs ?? 2_000,
    rateLimitWaitMs: options.upstreams?.rateLimitWaitMs,
  };
  const logger = memoryLogger();
  const gateway = await startGateway({ ...options.gateway, upstreams: settings, logger });

  return {
    bondora,
    bond,
    gateway,
    settings,
    logger,
    async gql(query, variables, headers = {}) {
      const response = await fetch(`${gateway.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
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
      await Promise.all([bondora.stop(), bond.stop()]);
    },
  };
}
