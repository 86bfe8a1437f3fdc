import { afterEach, describe, expect, it } from 'vitest';
import { BondoraSimulator } from '../../src/simulators/bondora/bondora.simulator.js';
import { BONDORA_RATE_LIMITS } from '../../src/upstream/bondora/bondora.limits.js';
import { startHarness, type Harness } from '../support/gateway.harness.js';

// With the documented budgets on (GET /auction/{id} 1/s per credential), a hot active auction read
// by many callers at once is answered from the credential's kept active-auctions list when its
// selection needs only fields the list carries; a detail-only field still costs its detail call,
// and an id the list lacks (closed, unknown) still goes to the detail endpoint.

const SUMMARY = 'query ($id: ID!) { auction(id: $id) { id rating interest remainingAmount isActive } }';
const DETAIL = 'query ($id: ID!) { auction(id: $id) { id rating liabilities { creditor } } }';
/** Long enough that all concurrent requests reach the gateway while the first upstream call is still out. */
const LATENCY_MS = 300;
const SECOND = 'hot-auctions-second-investor-token-xxxxxxxx';

const harnesses: Harness[] = [];
afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((h) => h.close()));
});

async function budgeted(listCacheTtlMs = 2_000): Promise<Harness> {
  const h = await startHarness({
    bondora: { rateLimits: true, tokens: [SECOND] },
    upstreams: { bondora: { rateLimits: BONDORA_RATE_LIMITS, listCacheTtlMs } },
  });
  harnesses.push(h);
  for (const route of ['auctions.list', 'auction.get']) h.bondora.router.setFault(route, { latencyMs: LATENCY_MS });
  return h;
}

const sixteen = <T>(run: (i: number) => Promise<T>) => Promise.all(Array.from({ length: 16 }, (_, i) => run(i)));
const routes = (h: Harness) => h.bondora.router.calls().map((c) => c.route);

describe('hot single-id auction reads', () => {
  it('16 concurrent auction(id) of one active auction, summary fields only: at most 1 list call and no detail call', async () => {
    const h = await budgeted();
    const auction = h.bondora.activeAuctions[3]!;
    const results = await sixteen(() => h.gql<{ auction: { id: string; rating: string; isActive: boolean } }>(SUMMARY, { id: auction.AuctionId }));
    for (const res of results) {
      expect(res.errors).toBeUndefined();
      expect(res.data!.auction).toMatchObject({ id: auction.AuctionId, rating: auction.Rating, isActive: true });
    }
    expect(h.bondora.router.calls('auctions.list').length).toBeLessThanOrEqual(1);
    expect(h.bondora.router.calls('auction.get')).toHaveLength(0);
    expect(h.bondora.router.calls().filter((c) => c.status === 429)).toEqual([]);

    // Within the list's TTL the next reads cost nothing at all.
    h.resetTraffic();
    const again = await sixteen(() => h.gql(SUMMARY, { id: auction.AuctionId }));
    for (const res of again) expect(res.errors).toBeUndefined();
    expect(routes(h)).toEqual([]);
  });

  it('16 concurrent auction(id) asking a detail-only field: exactly 1 detail call and no list call', async () => {
    const h = await budgeted();
    const auction = h.bondora.activeAuctions[4]!;
    const results = await sixteen(() => h.gql<{ auction: { id: string; liabilities: unknown[] | null } }>(DETAIL, { id: auction.AuctionId }));
    for (const res of results) {
      expect(res.errors).toBeUndefined();
      expect(Array.isArray(res.data!.auction.liabilities)).toBe(true);
    }
    expect(routes(h)).toEqual(['auction.get']);
  });

  it('a closed auction (not in the list) still comes from its detail endpoint', async () => {
    const h = await budgeted();
    const closed = h.bondora.closedAuctions[0]!;
    const res = await h.gql<{ auction: { id: string; isActive: boolean } }>(SUMMARY, { id: closed.AuctionId });
    expect(res.errors).toBeUndefined();
    expect(res.data!.auction).toMatchObject({ id: closed.AuctionId, isActive: false });
    expect(routes(h).sort()).toEqual(['auction.get', 'auctions.list']);
  });

  it('an unknown id is null, as before', async () => {
    const h = await budgeted();
    const res = await h.gql<{ auction: null }>(SUMMARY, { id: '00000000-0000-4000-8000-000000000000' });
    expect(res.errors).toBeUndefined();
    expect(res.data!.auction).toBeNull();
    expect(h.bondora.router.calls('auction.get')).toHaveLength(1);
  });

  it("one credential's kept list never answers another's reads", async () => {
    const h = await budgeted();
    const id = h.bondora.activeAuctions[5]!.AuctionId;
    await h.gql(SUMMARY, { id });
    await h.gql(SUMMARY, { id }, { 'x-bondora-token': SECOND });
    const lists = h.bondora.router.calls('auctions.list');
    expect(lists).toHaveLength(2);
    expect(lists.map((c) => c.headers.authorization).sort()).toEqual([`Bearer ${BondoraSimulator.DEMO_TOKEN}`, `Bearer ${SECOND}`].sort());
  });

  it('without a kept list (BONDORA_LIST_CACHE_TTL_MS=0) a lone id goes to its detail endpoint, as before', async () => {
    const h = await budgeted(0);
    const res = await h.gql(SUMMARY, { id: h.bondora.activeAuctions[6]!.AuctionId });
    expect(res.errors).toBeUndefined();
    expect(routes(h)).toEqual(['auction.get']);
  });

  it('a bid with its auction takes the same path: summary fields from the kept list', async () => {
    const h = await budgeted();
    const res = await h.gql<{ bids: { nodes: Array<{ auction: { id: string } | null }> } }>('{ bids(first: 1) { nodes { auction { id rating } } } }');
    expect(res.errors).toBeUndefined();
    const auctionId = res.data!.bids.nodes[0]!.auction?.id;
    const active = h.bondora.activeAuctions.some((a) => a.AuctionId === auctionId);
    // An active auction needs no detail call; a closed one needs exactly its own.
    expect(h.bondora.router.calls('auction.get')).toHaveLength(active ? 0 : 1);
  });

  it('_entities of a router: a detail field goes straight to the detail calls, summary fields come from the kept list', async () => {
    const h = await budgeted();
    const ids = h.bondora.activeAuctions.slice(5, 8).map((a) => a.AuctionId);
    const entities = (fields: string) =>
      h.gql<{ _entities: Array<{ id: string } | null> }>(`query ($r: [_Any!]!) { _entities(representations: $r) { ... on Auction { ${fields} } } }`, {
        r: ids.map((id) => ({ __typename: 'Auction', id })),
      });
    // Nothing kept yet: the detail calls alone, not the list first and the details after it.
    const detail = await entities('id liabilities { creditor }');
    expect(detail.errors).toBeUndefined();
    expect(detail.data!._entities.map((e) => e?.id)).toEqual(ids);
    expect(routes(h)).toEqual(['auction.get', 'auction.get', 'auction.get']);

    h.resetTraffic();
    const summary = await entities('id rating isActive');
    expect(summary.errors).toBeUndefined();
    expect(summary.data!._entities.map((e) => e?.id)).toEqual(ids);
    expect(routes(h)).toEqual(['auctions.list']);
  }, 15_000);
});
