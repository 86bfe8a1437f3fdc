import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/server/gateway.server.js';
import { BondoraSimulator } from '../../src/simulators/bondora/bondora.simulator.js';
import { BONDORA_RATE_LIMITS } from '../../src/upstream/bondora/bondora.limits.js';
import { startRedisReplicas, testRedis } from '../support/redis.replicas.js';
import { startHarness, type Harness } from '../support/gateway.harness.js';

// Kept answers shared by replicas on Redis: Bondora allows 12 balance reads an hour per user, so a
// balance one replica fetched serves every replica for the rest of its window, with the time it
// was fetched; a write through any replica drops it everywhere; the answers are sealed at rest.

const { redis, unavailable } = await testRedis();

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
  [a, b] = (await startRedisReplicas(h, redis!, prefix)) as [Gateway, Gateway];
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
