import { afterEach, describe, expect, it } from 'vitest';
import { BondoraSimulator } from '../../src/simulators/bondora/bondora.simulator.js';
import { BONDORA_RATE_LIMITS } from '../../src/upstream/bondora/bondora.limits.js';
import { AuctionsPageDocument } from '../operations/operations.generated.js';
import { startHarness, type Harness } from '../support/gateway.harness.js';

// The simulator enforces Bondora's documented limits (1 request per second per endpoint and token);
// the gateway's scheduler must keep every burst under them instead of drawing 429s.

const harnesses: Harness[] = [];
afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((h) => h.close()));
});

async function throttled(options: { rateLimitWaitMs?: number; listCacheTtlMs?: number } = {}): Promise<Harness> {
  const h = await startHarness({
    bondora: { rateLimits: true },
    upstreams: {
      bondora: { rateLimits: BONDORA_RATE_LIMITS, listCacheTtlMs: options.listCacheTtlMs ?? 0 },
      rateLimitWaitMs: options.rateLimitWaitMs,
    },
  });
  harnesses.push(h);
  return h;
}

const statuses = (h: Harness) => h.bondora.router.calls().map((c) => c.status);

describe('rate limits', () => {
  it('20 concurrent operations reading auctions and bids draw no 429 and all succeed', async () => {
    // Production defaults: documented budgets and a 2 s list cache.
    const h = await throttled({ listCacheTtlMs: 2000 });
    const sizes = [5, 10, 15];
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        h.gql<{ auctions: { edges: unknown[] }; bids: { edges: unknown[] } }>(
          `query ($n: Int) { auctions(first: $n) { edges { node { id } } } bids(first: $n) { edges { node { id status } } } }`,
          { n: sizes[i % sizes.length] },
        ),
      ),
    );
    for (const [i, res] of results.entries()) {
      expect(res.errors, `operation ${i}`).toBeUndefined();
      expect(res.data!.auctions.edges).toHaveLength(sizes[i % sizes.length]!);
    }
    const t0 = h.bondora.router.calls()[0]?.at ?? 0;
    expect(statuses(h).filter((s) => s === 429), JSON.stringify(h.bondora.router.calls().map((c) => [c.route, c.query, c.at - t0, c.status]))).toEqual([]);
    // Three distinct pages per endpoint: identical ones were shared, distinct ones queued a second apart.
    for (const route of ['auctions.list', 'bids.list']) {
      const at = h.bondora.router.calls(route).map((c) => c.at);
      expect(at).toHaveLength(3);
      for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(990);
    }
  });

  it('a burst beyond the wait budget fails only the throttled field, with RATE_LIMITED and retryAfterSeconds', async () => {
    const h = await throttled({ rateLimitWaitMs: 1500 });
    const auctions = h.bondora.activeAuctions.slice(0, 4).map((a) => a.AuctionId);
    const application = h.bond.applications[0]!.application_id;
    const results = await Promise.all(
      auctions.map((id) =>
        h.gql<{ auction: { id: string } | null; creditApplication: { id: string } | null }>(
          'query ($id: ID!, $app: ID!) { auction(id: $id) { id rating } creditApplication(id: $app) { id status } }',
          { id, app: application },
        ),
      ),
    );
    const limited = results.filter((r) => r.errors?.[0]?.extensions?.code === 'RATE_LIMITED');
    const served = results.filter((r) => r.errors === undefined);
    expect(served.length).toBeGreaterThanOrEqual(2);
    expect(limited.length).toBeGreaterThanOrEqual(1);
    for (const res of limited) {
      expect(res.errors).toHaveLength(1);
      expect(res.errors![0]!.path).toEqual(['auction']);
      expect(res.errors![0]!.extensions).toMatchObject({ code: 'RATE_LIMITED', upstream: 'bondora' });
      expect(res.errors![0]!.extensions!.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(res.data!.auction).toBeNull();
      expect(res.data!.creditApplication!.id).toBe(application);
    }
    expect(statuses(h).filter((s) => s === 429)).toEqual([]);
    // The refused requests never reached Bondora.
    expect(h.bondora.router.calls('auction.get')).toHaveLength(served.length);
  });

  it('100 concurrent identical auctions operations cause one upstream call', async () => {
    const h = await throttled({ listCacheTtlMs: 2000 });
    const results = await Promise.all(Array.from({ length: 100 }, () => h.gql(AuctionsPageDocument, { first: 10 })));
    for (const res of results) expect(res.errors).toBeUndefined();
    expect(new Set(results.map((r) => JSON.stringify(r.data))).size).toBe(1);
    expect(h.bondora.router.calls('auctions.list')).toHaveLength(1);
  });

  it('cached lists are never shared between credentials, errors are not kept, and a bid write refreshes them', async () => {
    const second = 'investor-two-token-bbbbbbbbbbbbbbbb';
    const h = await startHarness({ bondora: { tokens: [second] }, upstreams: { bondora: { listCacheTtlMs: 5000 } } });
    harnesses.push(h);
    const bids = '{ bids(first: 100) { totalCount edges { node { id } } } }';
    const mine = await h.gql<{ bids: { totalCount: number } }>(bids);
    const theirs = await h.gql<{ bids: { totalCount: number } }>(bids, {}, { 'x-bondora-token': second });
    expect(mine.data!.bids.totalCount).toBe(h.bondora.bidsOf(BondoraSimulator.DEMO_TOKEN).length);
    expect(theirs.data!.bids.totalCount).toBe(0);
    expect(h.bondora.router.calls('bids.list')).toHaveLength(2);

    await h.gql(bids);
    expect(h.bondora.router.calls('bids.list')).toHaveLength(2);

    h.bondora.router.setFault('auctions.list', { status: 500, times: 1 });
    const failed = await h.gql(AuctionsPageDocument, { first: 3 });
    expect(failed.errors?.[0]?.extensions?.code).toBe('UPSTREAM_ERROR');
    const retried = await h.gql(AuctionsPageDocument, { first: 3 });
    expect(retried.errors).toBeUndefined();
    expect(h.bondora.router.calls('auctions.list')).toHaveLength(2);

    const auction = h.bondora.activeAuctions[7]!.AuctionId;
    const placed = await h.gql('mutation ($a: ID!) { placeBids(input: { bids: [{ auctionId: $a, amount: "10" }] }) { bids { id } } }', { a: auction });
    expect(placed.errors).toBeUndefined();
    const after = await h.gql<{ bids: { totalCount: number } }>(bids);
    expect(after.data!.bids.totalCount).toBe(mine.data!.bids.totalCount + 1);
  });
});
