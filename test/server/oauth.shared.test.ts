import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type Gateway } from '../../src/server/gateway.server.js';
import { memoryLogger } from '../../src/server/logger.js';
import { connectRedis, RedisLoginStateStore, RedisTokenStore } from '../../src/server/redis.stores.js';
import { BondoraSimulator } from '../../src/simulators/bondora/bondora.simulator.js';
import { startHarness, type Harness } from '../support/gateway.harness.js';

// Two gateway processes' worth of state behind one load balancer: the login states and tokens
// live in a real Redis (127.0.0.1:6379), so a login started on one gateway can finish on the
// other, and a token one of them refreshed serves both.

const REDIS_URL = 'redis://127.0.0.1:6379/0';
let redis: Redis | undefined;
let unavailable = '';
try {
  redis = await connectRedis(REDIS_URL);
} catch (error) {
  unavailable = (error as Error).message;
  if (process.env.CI === 'true') throw new Error(`Redis is required under CI=true: ${unavailable}`);
}

let h: Harness;
let a: Gateway;
let b: Gateway;
const prefix = `test:${randomUUID()}:`;

beforeAll(async () => {
  if (!redis) return;
  h = await startHarness({ upstreams: { bondora: { accessToken: undefined } } });
  const upstreams = {
    ...h.settings,
    bondora: {
      ...h.settings.bondora,
      accessToken: undefined,
      oauth: {
        clientId: BondoraSimulator.DEMO_CLIENT_ID,
        clientSecret: BondoraSimulator.DEMO_CLIENT_SECRET,
        authorizeUrl: `${h.bondora.url}/oauth/authorize`,
        // One callback for both, as behind a load balancer; the test delivers it to either gateway.
        redirectUri: 'http://127.0.0.1:9/auth/bondora/callback',
        scopes: 'BidsRead',
      },
    },
  };
  const sharedState = { loginStates: new RedisLoginStateStore(redis, prefix), tokens: new RedisTokenStore(redis, prefix) };
  [a, b] = await Promise.all([
    startGateway({ upstreams, logger: memoryLogger(), sharedState }),
    startGateway({ upstreams, logger: memoryLogger(), sharedState }),
  ]);
});

afterAll(async () => {
  if (!redis) return;
  await Promise.all([a?.close(), b?.close(), h?.close()]);
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});

const get = (url: string) => fetch(url, { redirect: 'manual' });

async function bids(gateway: Gateway): Promise<{ errors?: Array<{ extensions: { code: string } }>; data?: { bids: { totalCount: number } } }> {
  const res = await fetch(`${gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ bids(first: 1) { totalCount } }' }),
  });
  return (await res.json()) as never;
}

describe.skipIf(!redis)(`OAuth state shared through Redis${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  it('a login started on one gateway completes on the other, and both then use the one connection', async () => {
    const start = await get(`${a.url}/auth/bondora/login`);
    const consent = await get(start.headers.get('location')!);
    const callback = new URL(consent.headers.get('location')!);
    const finish = await get(`${b.url}/auth/bondora/callback${callback.search}`);
    expect(finish.status).toBe(200);
    expect(((await finish.json()) as { connected: boolean }).connected).toBe(true);
    // The state was used up on b: replaying it on a is refused.
    expect((await get(`${a.url}/auth/bondora/callback${callback.search}`)).status).toBe(400);

    h.resetTraffic();
    const [fromA, fromB] = [await bids(a), await bids(b)];
    expect(fromA.errors).toBeUndefined();
    expect(fromB.errors).toBeUndefined();
    const tokens = new Set(h.bondora.router.calls('bids.list').map((c) => c.headers.authorization));
    expect(tokens.size).toBe(1);
    expect(h.bondora.router.calls('oauth.token')).toHaveLength(0);
  });

  it('a token one gateway refreshed after a 401 serves the other without a second refresh', async () => {
    h.bondora.oauth.expireAccessTokens();
    h.resetTraffic();
    expect((await bids(b)).errors).toBeUndefined();
    expect((await bids(a)).errors).toBeUndefined();
    const calls = h.bondora.router.calls().map((c) => `${c.route} ${c.status}`);
    // b: 401, refresh, retry. a: its stale token draws a 401, then it finds b's new token in Redis.
    expect(calls).toEqual(['bids.list 401', 'oauth.token 200', 'bids.list 200', 'bids.list 401', 'bids.list 200']);
    const status = (await (await get(`${a.url}/auth/bondora/status`)).json()) as { connected: boolean };
    expect(status.connected).toBe(true);
  });

  it('a well-formed but unissued state is refused and no code is exchanged', async () => {
    h.resetTraffic();
    const res = await get(`${b.url}/auth/bondora/callback?state=${'x'.repeat(32)}&code=abc`);
    expect(res.status).toBe(400);
    expect(h.bondora.router.calls('oauth.token')).toHaveLength(0);
  });
});
