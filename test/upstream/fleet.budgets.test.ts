import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TokenCipher } from '../../src/auth/token.cipher.js';
import { RedisBudgetStore } from '../../src/server/redis.budgets.js';
import { RedisFlights } from '../../src/server/redis.flights.js';
import { RedisHealth } from '../../src/server/redis.health.js';
import { connectRedis, RedisConnectionStore, RedisResponseStore } from '../../src/server/redis.stores.js';
import { BondoraSimulator } from '../../src/simulators/bondora/bondora.simulator.js';
import { BONDORA_RATE_LIMITS } from '../../src/upstream/bondora/bondora.limits.js';
import { createBondoraHttp } from '../../src/upstream/bondora/bondora.client.js';
import { CallerShares } from '../../src/upstream/caller.share.js';
import type { HttpClient } from '../../src/upstream/http.js';
import { ResponseCache, type SharedResponseStore } from '../../src/upstream/response.cache.js';
import { freePort } from '../fleet/fleet.harness.js';
import { RedisProcess } from '../fleet/redis.process.js';
import { RateLimitWait } from '../../src/upstream/rate.scheduler.js';

// Three HTTP clients in one test process stand for three replicas: each has its own Redis
// connections, budgets, flights and in-process caches, exactly as a gateway process builds them.
// Bondora's simulator enforces the documented 1 request per second per endpoint and token.

const REDIS_URL = 'redis://127.0.0.1:6379/0';
const cipher = TokenCipher.fromBase64Key(randomBytes(32).toString('base64'));
const auth = { authorization: `Bearer ${BondoraSimulator.DEMO_TOKEN}` };

interface Replica {
  http: HttpClient;
  health: RedisHealth;
  close(): Promise<void>;
}

const opened: Array<() => Promise<void> | void> = [];
let sim: BondoraSimulator;
let simUrl: string;

beforeAll(async () => {
  sim = new BondoraSimulator({ rateLimits: true });
  simUrl = await sim.start(0);
});
afterAll(async () => {
  await sim.stop();
});
afterEach(async () => {
  for (const close of opened.splice(0).reverse()) await close();
  sim.router.clearFaults();
});

async function replica(options: { url?: string; prefix: string; fleetSize?: number; budgets?: boolean; flights?: boolean; shared?: boolean }): Promise<Replica> {
  const url = options.url ?? REDIS_URL;
  const redis = await connectRedis(url, () => {}, true);
  const health = new RedisHealth(redis, options.fleetSize ?? 1);
  const flights = options.flights === false ? undefined : new RedisFlights(redis, redis.duplicate(), options.prefix, cipher, health);
  await flights?.start();
  const http = createBondoraHttp({
    baseUrl: simUrl,
    timeoutMs: 5000,
    rateLimits: options.budgets === false ? false : BONDORA_RATE_LIMITS,
    ...(options.shared === false
      ? {}
      : {
          sharedResponses: new RedisResponseStore(redis, options.prefix, cipher, health),
          sharedFlights: flights,
          sharedBudgets: options.budgets === false ? undefined : new RedisBudgetStore(redis, options.prefix, health),
          fleetSize: options.fleetSize,
        }),
  });
  const close = async () => {
    await http.close();
    flights?.close();
    redis.disconnect();
  };
  opened.push(close);
  return { http, health, close };
}

const getAuction = (r: Replica, id: string) =>
  r.http.request({ method: 'GET', endpoint: 'auction.get', path: `/api/v1/auction/${id}`, headers: auth, deadline: Date.now() + 20_000 });
const listAuctions = (r: Replica) =>
  r.http.request({ method: 'GET', endpoint: 'auctions.list', path: '/api/v1/auctions', query: { PageSize: 10 }, headers: auth, deadline: Date.now() + 20_000 });

/** The simulator's own 1/s window has passed whatever an earlier test sent; its log starts empty. */
async function freshWindow(): Promise<void> {
  await new Promise((r) => setTimeout(r, 1100));
  sim.router.clearLog();
}

const gaps = (route: string) => {
  const at = sim.router.calls(route).map((c) => c.at);
  return at.slice(1).map((t, i) => t - at[i]!);
};

describe('upstream budgets shared by a fleet (Redis)', () => {
  it('a burst spread over three replicas keeps to Bondora’s 1/s per endpoint: no 429, all answered', async () => {
    const prefix = `test:${randomUUID()}:`;
    const replicas = await Promise.all([0, 1, 2].map(() => replica({ prefix, flights: false })));
    sim.router.clearLog();
    const ids = sim.activeAuctions.slice(0, 6).map((a) => a.AuctionId);
    const answers = await Promise.all(ids.map((id, i) => getAuction(replicas[i % 3]!, id)));
    expect(answers.map((a) => a.status)).toEqual(ids.map(() => 200));
    expect(sim.router.calls('auction.get').map((c) => c.status)).toEqual(ids.map(() => 200));
    for (const gap of gaps('auction.get')) expect(gap).toBeGreaterThanOrEqual(990);
  }, 20_000);

  it('waiters are served in the order they asked, whichever replica they wait on', async () => {
    const prefix = `test:${randomUUID()}:`;
    const replicas = await Promise.all([0, 1, 2].map(() => replica({ prefix, flights: false })));
    const ids = sim.activeAuctions.slice(10, 16).map((a) => a.AuctionId);
    await freshWindow();
    // One every 60 ms, on replicas 2, 0, 1, 2, 0, 1: all but the first wait for the 1/s budget.
    const answers: Array<Promise<unknown>> = [];
    for (const [i, id] of ids.entries()) {
      answers.push(getAuction(replicas[(i + 2) % 3]!, id));
      await new Promise((r) => setTimeout(r, 60));
    }
    await Promise.all(answers);
    expect(sim.router.calls('auction.get').map((c) => c.path.split('/').pop())).toEqual(ids);
    for (const gap of gaps('auction.get')) expect(gap).toBeGreaterThanOrEqual(990);
  }, 20_000);

  it('a waiter that gives up leaves the queue at once: the one behind it is not held up', async () => {
    const prefix = `test:${randomUUID()}:`;
    const [a, b, c] = await Promise.all([0, 1, 2].map(() => replica({ prefix, flights: false })));
    const ids = sim.activeAuctions.slice(16, 19).map((x) => x.AuctionId);
    await freshWindow();
    const first = getAuction(a!, ids[0]!);
    await new Promise((r) => setTimeout(r, 50));
    // A second second's slot is too far for a caller prepared to wait 300 ms: it fails at once.
    const impatient = b!.http.request({ method: 'GET', endpoint: 'auction.get', path: `/api/v1/auction/${ids[1]}`, headers: auth, deadline: Date.now() + 300 });
    await expect(impatient).rejects.toMatchObject({ kind: 'RATE_LIMITED' });
    const patient = getAuction(c!, ids[2]!);
    await Promise.all([first, patient]);
    const calls = sim.router.calls('auction.get');
    expect(calls.map((x) => x.path.split('/').pop())).toEqual([ids[0], ids[2]]);
    // Served as soon as the budget allowed, not after the gone waiter's place timed out (2 s).
    expect(calls[1]!.at - calls[0]!.at).toBeLessThan(1500);
  }, 20_000);

  it('a request that joins an identical call still waiting for the budget waits no longer than its own deadline', async () => {
    const prefix = `test:${randomUUID()}:`;
    const [a, b] = await Promise.all([0, 1].map(() => replica({ prefix })));
    const [x, y] = sim.activeAuctions.slice(19, 21).map((auction) => auction.AuctionId) as [string, string];
    await freshWindow();
    await getAuction(a!, x); // the second's slot of GET /auction/{id} is spent
    const started = Date.now();
    const leader = getAuction(a!, y); // waits about a second for the next slot
    const impatient = (r: Replica) =>
      r.http.request({ method: 'GET', endpoint: 'auction.get', path: `/api/v1/auction/${y}`, headers: auth, deadline: Date.now() + 300 }).then(
        () => ({ ok: true, after: Date.now() - started }),
        (error: { kind?: string }) => ({ ok: false, kind: error.kind, after: Date.now() - started }),
      );
    // One joins the call on the same replica, one the flight from the other replica.
    const [sameReplica, otherReplica] = await Promise.all([impatient(a!), impatient(b!)]);
    for (const outcome of [sameReplica, otherReplica]) {
      expect(outcome).toMatchObject({ ok: false, kind: 'RATE_LIMITED' });
      expect(outcome.after).toBeLessThan(800);
    }
    expect((await leader).status).toBe(200);
    expect(sim.router.calls('auction.get').map((c) => c.path.split('/').pop())).toEqual([x, y]);
  }, 20_000);

  it('without the shared budget the same burst from three processes draws 429s (what the test guards against)', async () => {
    const prefix = `test:${randomUUID()}:`;
    const replicas = await Promise.all([0, 1, 2].map(() => replica({ prefix, shared: false })));
    sim.router.clearLog();
    const ids = sim.activeAuctions.slice(0, 3).map((a) => a.AuctionId);
    await Promise.allSettled(ids.map((id, i) => getAuction(replicas[i]!, id)));
    expect(sim.router.calls('auction.get').filter((c) => c.status === 429).length).toBeGreaterThan(0);
  }, 20_000);

  it('30 identical GETs in flight on three replicas make one upstream call, and every replica gets the answer', async () => {
    const prefix = `test:${randomUUID()}:`;
    const replicas = await Promise.all([0, 1, 2].map(() => replica({ prefix, budgets: false })));
    sim.router.clearLog();
    // The first call is slow, so all 30 are asked while it is in flight.
    sim.router.setFault('auctions.list', { latencyMs: 300, times: 1 });
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => listAuctions(replicas[i % 3]!)));
    expect(sim.router.calls('auctions.list')).toHaveLength(1);
    const bodies = new Set(answers.map((a) => JSON.stringify(a.body)));
    expect(bodies.size).toBe(1);
    expect(answers.every((a) => a.status === 200)).toBe(true);
  });

  it('a failed call is never handed on: each waiting replica calls for itself', async () => {
    const prefix = `test:${randomUUID()}:`;
    const replicas = await Promise.all([0, 1, 2].map(() => replica({ prefix, budgets: false })));
    sim.router.clearLog();
    sim.router.setFault('auctions.list', { latencyMs: 300, status: 500, times: 1 });
    const answers = await Promise.allSettled([0, 1, 2].map((i) => listAuctions(replicas[i]!)));
    const statuses = sim.router.calls('auctions.list').map((c) => c.status);
    // The leader's 500 reached only its own replica; the two others asked again and were answered.
    expect(statuses.filter((s) => s === 500)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 'rejected')).toHaveLength(1);
    expect(answers.filter((a) => a.status === 'fulfilled')).toHaveLength(2);
  });

  it('answers are sealed in Redis: no auction data readable there', async () => {
    const prefix = `test:${randomUUID()}:`;
    const replicas = await Promise.all([0, 1].map(() => replica({ prefix, budgets: false })));
    sim.router.setFault('auctions.list', { latencyMs: 200, times: 1 });
    const first = await Promise.all([listAuctions(replicas[0]!), listAuctions(replicas[1]!)]);
    const redis = await connectRedis(REDIS_URL);
    try {
      const keys = await redis.keys(`${prefix}flight-answer:*`);
      expect(keys.length).toBeGreaterThan(0);
      const auctionId = (first[0]!.body as { Payload: Array<{ AuctionId: string }> }).Payload[0]!.AuctionId;
      for (const key of keys) expect(await redis.get(key)).not.toContain(auctionId);
    } finally {
      redis.disconnect();
    }
  });
});

describe('a kept answer and the flight that fetched it', () => {
  it('a replica that missed the store just before the answer was written, and found the flight over just after, takes the stored answer', async () => {
    const prefix = `test:${randomUUID()}:`;
    const cache = async (store: (real: RedisResponseStore) => SharedResponseStore) => {
      const redis = await connectRedis(REDIS_URL, () => {}, true);
      const health = new RedisHealth(redis, 1);
      const flights = new RedisFlights(redis, redis.duplicate(), prefix, cipher, health);
      await flights.start();
      opened.push(() => {
        flights.close();
        redis.disconnect();
      });
      const codec = { store: store(new RedisResponseStore(redis, prefix, cipher, health)), flights, encode: (v: string) => v, decode: (t: string) => t };
      return new ResponseCache<string>({ ttlMs: { list: 2000 } }, Date.now, codec);
    };
    let loads = 0;
    const load = async () => `answer ${++loads}`;
    // Replica B reads the store (a miss), then stalls before it joins the flight, as a busy event loop does.
    let resume!: () => void;
    const stalled = new Promise<void>((r) => (resume = r));
    let missed!: () => void;
    const missedStore = new Promise<void>((r) => (missed = r));
    const a = await cache((real) => real);
    const b = await cache((real) => ({
      get available() {
        return real.available;
      },
      get: async (...args) => {
        const text = await real.get(...args);
        missed();
        await stalled;
        return text;
      },
      set: (...args) => real.set(...args),
      invalidate: (...args) => real.invalidate(...args),
      drop: (...args) => real.drop(...args),
    }));
    const fromB = b.get('cred', 'list', 'GET /list', load);
    await missedStore;
    // A leads, calls, stores and ends its flight while B is stalled.
    expect(await a.get('cred', 'list', 'GET /list', load)).toBe('answer 1');
    await new Promise((r) => setTimeout(r, 50));
    resume();
    expect(await fromB).toBe('answer 1');
    expect(loads).toBe(1);
  });
});

describe('callers’ shares across the fleet', () => {
  it('a caller’s share of a budget is one share for all replicas, not one per replica', async () => {
    const prefix = `test:${randomUUID()}:`;
    const clients = await Promise.all([0, 1].map(() => connectRedis(REDIS_URL, () => {}, true)));
    opened.push(() => clients.forEach((c) => c.disconnect()));
    const [a, b] = clients.map((client) => new CallerShares(25, { client, prefix, fleetSize: 2 }));
    const limit = { limit: 8, periodMs: 60_000, scope: 'credential' as const };
    // 25% of 8 per minute is 2: one on each replica uses it up for both.
    await a!.take('caller-1', 'bond *', limit, Date.now());
    await b!.take('caller-1', 'bond *', limit, Date.now());
    await expect(a!.take('caller-1', 'bond *', limit, Date.now())).rejects.toBeInstanceOf(RateLimitWait);
    await expect(b!.take('caller-1', 'bond *', limit, Date.now())).rejects.toBeInstanceOf(RateLimitWait);
    // Another caller has a share of its own.
    await b!.take('caller-2', 'bond *', limit, Date.now());
  });
});

describe('when Redis fails at run time', () => {
  let server: RedisProcess | undefined;
  afterEach(async () => {
    await server?.kill();
    server = undefined;
  });

  it('each replica falls back to 1/FLEET_SIZE of the limit, and shares again once Redis is back', async () => {
    server = new RedisProcess(await freePort());
    await server.start();
    const prefix = `test:${randomUUID()}:`;
    const r = await replica({ url: server.url, prefix, fleetSize: 3, flights: false });
    const ids = sim.activeAuctions.slice(0, 4).map((a) => a.AuctionId);

    await server.kill();
    await until(() => !r.health.available);
    expect(r.health.state()).toMatchObject({ status: 'degraded', reason: expect.stringContaining('1/3') });
    sim.router.clearLog();
    await getAuction(r, ids[0]!);
    await getAuction(r, ids[1]!);
    // This replica's share of 1 per second is 1 per 3 seconds.
    expect(gaps('auction.get')[0]).toBeGreaterThanOrEqual(2_990);

    await server.start();
    await until(() => r.health.available, 10_000);
    sim.router.clearLog();
    await getAuction(r, ids[2]!);
    await getAuction(r, ids[3]!);
    const gap = gaps('auction.get')[0]!;
    expect(gap).toBeGreaterThanOrEqual(990);
    expect(gap).toBeLessThan(2_500);
    const redis = await connectRedis(server.url);
    try {
      expect(await redis.keys(`${prefix}budget:*`)).not.toEqual([]);
    } finally {
      redis.disconnect();
    }
  }, 30_000);

  it('an investor’s stored connection is unavailable, not absent: no fallback to another credential', async () => {
    server = new RedisProcess(await freePort());
    await server.start();
    const prefix = `test:${randomUUID()}:`;
    const redis = await connectRedis(server.url, () => {}, true);
    opened.push(() => redis.disconnect());
    const store = new RedisConnectionStore(redis, prefix, cipher);
    await store.save('investor-1', { accessToken: 'a'.repeat(40), refreshToken: 'r'.repeat(40) });
    expect(await store.load('investor-1')).toMatchObject({ accessToken: 'a'.repeat(40) });
    await server.kill();
    await until(() => redis.status !== 'ready');
    await expect(store.load('investor-1')).rejects.toMatchObject({ kind: 'UNAVAILABLE', extensions: { code: 'UPSTREAM_UNAVAILABLE' } });
  });
});

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
