import { randomBytes, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJwtVerifier } from '../../src/auth/jwt.verifier.js';
import { TokenCipher } from '../../src/auth/token.cipher.js';
import { startGateway, type Gateway } from '../../src/server/gateway.server.js';
import { memoryLogger } from '../../src/server/logger.js';
import { connectRedis, RedisConnectionStore, RedisLoginStateStore, RedisResponseStore, RedisTokenStore } from '../../src/server/redis.stores.js';
import { BondoraSimulator } from '../../src/simulators/bondora/bondora.simulator.js';
import { BONDORA_RATE_LIMITS } from '../../src/upstream/bondora/bondora.limits.js';
import { startHarness, type Harness } from '../support/gateway.harness.js';

// Kept answers shared by replicas on Redis: Bondora allows 12 balance reads an hour per user, so a
// balance one replica fetched serves every replica for the rest of its window, with the time it
// was fetched; a write through any replica drops it everywhere; the answers are sealed at rest.

const REDIS_URL = 'redis://127.0.0.1:6379/0';
let redis: Redis | undefined;
let unavailable = '';
try {
  redis = await connectRedis(REDIS_URL);
} catch (error) {
  unavailable = (error as Error).message;
  if (process.env.CI === 'true') throw new Error(`Redis is required under CI=true: ${unavailable}`);
}

const prefix = `test:${randomUUID()}:`;
const [DEMO] = BondoraSimulator.INVESTORS.map((i) => i.token) as [string];
const BALANCE = '{ account { balance { totalAvailable fetchedAt } } }';
let h: Harness;
let a: Gateway;
let b: Gateway;
let token: string;

beforeAll(async () => {
  if (!redis) return;
  h = await startHarness({ upstreams: { bondora: { rateLimits: BONDORA_RATE_LIMITS } } });
  const verifier = createJwtVerifier({
    jwksUrl: h.idp.jwksUrl,
    issuer: h.idp.issuer,
    audience: h.idp.audience,
    scopesClaim: 'scope',
    customerClaim: 'bond_customer_id',
    jwksCooldownMs: 0,
  });
  const key = randomBytes(32).toString('base64');
  const start = () => {
    const cipher = TokenCipher.fromBase64Key(key);
    return startGateway({
      upstreams: h.settings,
      logger: memoryLogger(),
      auth: { mode: 'jwt', verifier },
      callers: { maxUpstreamCallsPerRequest: 50, sharePercent: 100, rateLimit: false },
      sharedState: {
        loginStates: new RedisLoginStateStore(redis!, prefix),
        connections: new RedisConnectionStore(redis!, prefix, cipher),
        tokens: new RedisTokenStore(redis!, prefix, cipher),
        responses: new RedisResponseStore(redis!, prefix, cipher),
      },
    });
  };
  [a, b] = await Promise.all([start(), start()]);
  token = await h.token({ sub: 'investor', scopes: ['investments:read', 'bids:write'] });
});

afterAll(async () => {
  if (!redis) return;
  await Promise.all([a?.close(), b?.close()]);
  await h?.close();
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});

async function gql(gateway: Gateway, query: string): Promise<{ data?: any; errors?: unknown[] }> {
  const res = await fetch(`${gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-bondora-token': DEMO },
    body: JSON.stringify({ query }),
  });
  return (await res.json()) as never;
}

describe.skipIf(!redis)(`kept answers shared through Redis${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  it("a balance fetched by replica A serves replica B for its window, with A's fetch time", async () => {
    h.resetTraffic();
    const first = await gql(a, BALANCE);
    expect(first.errors).toBeUndefined();
    expect(h.bondora.router.calls('account.balance')).toHaveLength(1);
    const second = await gql(b, BALANCE);
    expect(second.errors).toBeUndefined();
    expect(h.bondora.router.calls('account.balance')).toHaveLength(1);
    expect(second.data.account.balance).toEqual(first.data.account.balance);
  });

  it('a bid placed through replica B drops the kept balance for replica A too', async () => {
    await gql(a, BALANCE);
    h.resetTraffic();
    const auction = h.bondora.activeAuctions[0]!;
    const placed = await gql(b, `mutation { placeBids(input: { bids: [{ auctionId: "${auction.AuctionId}", amount: "5" }] }) { bids { id } } }`);
    expect(placed.errors).toBeUndefined();
    await gql(a, BALANCE);
    expect(h.bondora.router.calls('account.balance')).toHaveLength(1);
  });

  it('the kept answers are sealed at rest', async () => {
    await gql(a, BALANCE);
    await expect.poll(async () => (await redis!.keys(`${prefix}responses:*`)).length).toBeGreaterThan(0);
    const keys = await redis!.keys(`${prefix}responses:*`);
    for (const key of keys) {
      for (const value of Object.values(await redis!.hgetall(key))) {
        expect(value.startsWith('v1.')).toBe(true);
        expect(value).not.toMatch(/TotalAvailable|Balance/);
      }
    }
  });
});
