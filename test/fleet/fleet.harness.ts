import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { ALL_SCOPES, type Scope } from '../../src/auth/scope.registry.js';
import { BondSimulator, type BondSimulatorOptions } from '../../src/simulators/bond/bond.simulator.js';
import { BondoraSimulator, type BondoraSimulatorOptions } from '../../src/simulators/bondora/bondora.simulator.js';
import { ProcessSupervisor, type Child } from '../bench/process.supervisor.js';
import { GATEWAY_NODE_FLAGS } from '../bench/startup.probe.js';
import type { GraphQLResponse } from '../support/gateway.harness.js';
import { startTestJwks, type TestJwks } from '../support/jwt.fixtures.js';
import { bondoraKey, signBond, signBondora } from '../support/webhook.signing.js';

/**
 * A fleet: N gateway processes (`npm start`'s src/main.ts, configured only by the environment) on
 * one Redis, in front of both simulators and a test JWKS that run in the test process, so a test
 * counts every upstream call in the simulators' logs whichever replica made it.
 *
 *   const fleet = await startFleet({ replicas: 3 });          // beforeAll: starting takes seconds
 *   await fleet.gql(fleet.replicas[0]!, '{ auction(id: "…") { id } }');
 *   await fleet.readyz(fleet.replicas[2]!);                     // { status, body }
 *   await fleet.deliverBondora(fleet.replicas[1]!, body);        // a signed webhook
 *   await fleet.stop();                                         // afterAll; always, also on failure
 *
 * Each fleet has its own REDIS_KEY_PREFIX, whose keys stop() deletes.
 */

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export interface Replica {
  name: string;
  url: string;
  pid: number;
  port: number;
  /** The last lines the replica wrote to stderr (its JSON log), for failure messages. */
  stderrTail(): string;
}

export interface FleetOptions {
  /** Default 3. */
  replicas?: number;
  /** Default DEFAULT_REDIS_URL. */
  redisUrl?: string;
  /** Extra variables for every replica (FLEET_SIZE, RATE_LIMIT_WAIT_MS, ...). */
  env?: Record<string, string>;
  /** Default: the documented limits, answered with 429 beyond them. */
  bondora?: BondoraSimulatorOptions;
  /** Default: the simulator's documented 1000 requests a minute per key. */
  bond?: BondSimulatorOptions;
}

export interface FleetWebhookKeys {
  /** The URL a load balancer in front of the replicas would have: upstreams sign for it, whichever replica receives. */
  publicUrl: string;
  bondora: { keyId: string; secretBase64: string };
  bondSecret: string;
}

export interface WebhookReply {
  status: number;
  body: { received?: boolean; duplicate?: boolean; error?: { code: string; message: string } };
}

export interface Fleet {
  bondora: BondoraSimulator;
  bond: BondSimulator;
  idp: TestJwks;
  redisUrl: string;
  prefix: string;
  replicas: Replica[];
  webhookKeys: FleetWebhookKeys;
  /** A token of the test JWKS; default subject "fleet-operator" with every scope. */
  token(claims?: { sub?: string; scopes?: readonly Scope[]; customerId?: string }): Promise<string>;
  operatorToken: string;
  /** One GraphQL operation on one replica, as the operator unless `token` says otherwise. */
  gql<T = Record<string, any>>(replica: Replica, query: string, variables?: Record<string, unknown>, token?: string): Promise<GraphQLResponse<T>>;
  readyz(replica: Replica): Promise<{ status: number; body: ReadyzBody | undefined }>;
  /** Signs `body` as Bondora does and posts it to the replica's receiver. */
  deliverBondora(replica: Replica, body: string): Promise<WebhookReply>;
  deliverBond(replica: Replica, body: string): Promise<WebhookReply>;
  /** Keys under this fleet's prefix (SCAN), or an empty list when Redis cannot be reached. */
  redisKeys(): Promise<string[]>;
  /** Clears both simulators' request logs and faults. */
  resetTraffic(): void;
  /** 429s in both simulators' request logs since the last reset. */
  upstream429s(): { bondora: number; bond: number };
  stop(): Promise<void>;
}

export interface ReadyzBody {
  status: 'ok' | 'degraded' | string;
  checks?: Record<string, { status: string; reason?: string }>;
}

/** A TCP port nobody listens on right now (the kernel's choice for port 0). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Whether a process with this id is still running. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The environment that makes `npm start` one replica of a fleet over the given upstreams. */
export function replicaEnvironment(settings: {
  port: number;
  redisUrl: string;
  prefix: string;
  tokenEncryptionKey: string;
  bondoraUrl: string;
  bondUrl: string;
  auth: { jwksUrl: string; issuer: string; audience: string } | 'disabled';
  webhookKeys: FleetWebhookKeys;
}): Record<string, string> {
  const auth: Record<string, string> =
    settings.auth === 'disabled'
      ? { AUTH_DISABLED: 'true' }
      : { AUTH_JWKS_URL: settings.auth.jwksUrl, AUTH_ISSUER: settings.auth.issuer, AUTH_AUDIENCE: settings.auth.audience };
  return {
    PORT: String(settings.port),
    HOST: '127.0.0.1',
    REDIS_URL: settings.redisUrl,
    REDIS_KEY_PREFIX: settings.prefix,
    TOKEN_ENCRYPTION_KEY: settings.tokenEncryptionKey,
    BONDORA_API_URL: settings.bondoraUrl,
    BONDORA_ACCESS_TOKEN: BondoraSimulator.DEMO_TOKEN,
    BOND_API_URL: settings.bondUrl,
    BOND_IDENTITY: BondSimulator.DEMO_IDENTITY,
    BOND_API_KEY: BondSimulator.DEMO_API_KEY,
    ...auth,
    BONDORA_WEBHOOK_KEYS: `${settings.webhookKeys.bondora.keyId}:${settings.webhookKeys.bondora.secretBase64}`,
    BOND_WEBHOOK_SECRETS: settings.webhookKeys.bondSecret,
    WEBHOOK_PUBLIC_URL: settings.webhookKeys.publicUrl,
    // One caller drives every test: the per-caller limits would measure that caller, not the fleet.
    CALLER_RATE_LIMIT: 'off',
    CALLER_SHARE_PERCENT: '100',
  };
}

export function newWebhookKeys(): FleetWebhookKeys {
  const keyId = `fleet-${randomBytes(4).toString('hex')}`;
  return {
    publicUrl: 'http://localhost:4000',
    bondora: { keyId, secretBase64: bondoraKey(`secret:${keyId}:${randomBytes(8).toString('hex')}`) },
    bondSecret: `whsec_${randomBytes(18).toString('base64url')}`,
  };
}

/** Starts N replicas at once (a tsx start takes seconds); a replica that fails to start stops the rest. */
export async function startReplicas(
  supervisor: ProcessSupervisor,
  count: number,
  environment: (port: number) => Record<string, string>,
  /** Each replica as `npm start` runs it: dist/main.js (built first when stale) with its node flags, instead of src/ through tsx. */
  compiled = false,
): Promise<Replica[]> {
  const ports = await Promise.all(Array.from({ length: count }, () => freePort()));
  const started = await Promise.allSettled(
    ports.map((port, i) =>
      supervisor.start<{ url: string }>(`replica ${i + 1}`, '../fleet/fleet.gateway.ts', {
        env: { ...environment(port), ...(compiled ? { FLEET_GATEWAY_COMPILED: 'true' } : {}) },
        nodeArgs: compiled ? GATEWAY_NODE_FLAGS : [],
        readyTimeoutMs: 90_000,
      }),
    ),
  );
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await supervisor.stopAll();
    throw failed.reason;
  }
  return (started as Array<PromiseFulfilledResult<Child<{ url: string }>>>).map(({ value: child }, i) => ({
    name: child.name,
    url: child.ready.url,
    pid: child.pid,
    port: ports[i]!,
    stderrTail: child.stderrTail,
  }));
}

/** Every key under `prefix` (SCAN, not KEYS, so a shared Redis never stalls). */
export async function scanKeys(redis: Redis, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  return keys;
}

/** Deletes every key under `prefix`; a Redis that is gone has nothing left to clean. */
export async function deleteKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 2000 });
  redis.on('error', () => {});
  try {
    await redis.connect();
    const keys = await scanKeys(redis, prefix);
    for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
  } catch {
    // Nothing to clean in a Redis that is not there.
  } finally {
    redis.disconnect();
  }
}

export async function startFleet(options: FleetOptions = {}): Promise<Fleet> {
  const redisUrl = options.redisUrl ?? DEFAULT_REDIS_URL;
  const prefix = `fleet-test:${randomUUID()}:`;
  const bondora = new BondoraSimulator({ rateLimits: true, ...options.bondora });
  const bond = new BondSimulator({ rateLimit: 1000, ...options.bond });
  const supervisor = new ProcessSupervisor();
  // A test worker that dies must not leave replicas behind (they also exit when their stdin closes).
  const killAll = () => supervisor.killAll();
  process.once('exit', killAll);
  let idp: TestJwks | undefined;

  const stopEverything = async (replicas: Replica[]) => {
    await supervisor.stopAll();
    process.off('exit', killAll);
    await Promise.all([bondora.stop(), bond.stop(), idp?.close()]);
    await deleteKeys(redisUrl, prefix);
    const orphans = replicas.filter((r) => alive(r.pid));
    if (orphans.length > 0) throw new Error(`replicas still running after stop: ${orphans.map((r) => `${r.name} (pid ${r.pid})`).join(', ')}`);
  };

  try {
    const [bondoraUrl, bondUrl, testIdp] = await Promise.all([bondora.start(0), bond.start(0), startTestJwks()]);
    idp = testIdp;
    const webhookKeys = newWebhookKeys();
    const tokenEncryptionKey = randomBytes(32).toString('base64');
    const replicas = await startReplicas(supervisor, options.replicas ?? 3, (port) => ({
      ...replicaEnvironment({ port, redisUrl, prefix, tokenEncryptionKey, bondoraUrl, bondUrl, auth: testIdp, webhookKeys }),
      ...options.env,
    }));

    const token = (claims: { sub?: string; scopes?: readonly Scope[]; customerId?: string } = {}) =>
      testIdp.sign({
        sub: claims.sub ?? 'fleet-operator',
        scope: (claims.scopes ?? ALL_SCOPES).join(' '),
        ...(claims.customerId ? { bond_customer_id: claims.customerId } : {}),
      });
    const operatorToken = await token();
    const post = async (url: string, body: string, headers: Record<string, string>): Promise<WebhookReply> => {
      const response = await fetch(url, { method: 'POST', body, headers, signal: AbortSignal.timeout(10_000) });
      return { status: response.status, body: (await response.json()) as WebhookReply['body'] };
    };

    return {
      bondora,
      bond,
      idp: testIdp,
      redisUrl,
      prefix,
      replicas,
      webhookKeys,
      token,
      operatorToken,
      async gql(replica, query, variables, as = operatorToken) {
        const response = await fetch(`${replica.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(as ? { authorization: `Bearer ${as}` } : {}) },
          body: JSON.stringify({ query, variables }),
          signal: AbortSignal.timeout(60_000),
        });
        const text = await response.text();
        let body: { data?: never; errors?: never } = {};
        try {
          body = JSON.parse(text) as typeof body;
        } catch {
          // Not GraphQL JSON: the status and text say what happened.
        }
        return { status: response.status, data: body.data, errors: body.errors, text };
      },
      async readyz(replica) {
        const response = await fetch(`${replica.url}/readyz`, { signal: AbortSignal.timeout(10_000) });
        const text = await response.text();
        let body: ReadyzBody | undefined;
        try {
          body = JSON.parse(text) as ReadyzBody;
        } catch {
          body = undefined;
        }
        return { status: response.status, body };
      },
      deliverBondora: (replica, body) =>
        post(`${replica.url}/webhooks/bondora`, body, {
          ...signBondora({
            url: `${webhookKeys.publicUrl}/webhooks/bondora`,
            body,
            keyId: webhookKeys.bondora.keyId,
            secretBase64: webhookKeys.bondora.secretBase64,
          }),
        }),
      deliverBond: (replica, body) =>
        post(`${replica.url}/webhooks/bond`, body, { 'Content-Type': 'application/json', 'Bond-Signature': signBond({ body, secret: webhookKeys.bondSecret }) }),
      async redisKeys() {
        const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 2000 });
        redis.on('error', () => {});
        try {
          await redis.connect();
          return await scanKeys(redis, prefix);
        } catch {
          return [];
        } finally {
          redis.disconnect();
        }
      },
      resetTraffic() {
        bondora.router.clearLog();
        bondora.router.clearFaults();
        bond.router.clearLog();
        bond.router.clearFaults();
      },
      upstream429s: () => ({
        bondora: bondora.router.calls().filter((e) => e.status === 429).length,
        bond: bond.router.calls().filter((e) => e.status === 429).length,
      }),
      stop: () => stopEverything(replicas),
    };
  } catch (error) {
    await stopEverything([]).catch(() => undefined);
    throw error;
  }
}
