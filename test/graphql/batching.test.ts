import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BondoraSimulator } from '../../src/simulators/bondora/bondora.simulator.js';
import { AuctionByIdDocument, BidsWithAuctionsDocument } from '../operations/operations.generated.js';
import { startHarness, type Harness } from '../support/gateway.harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());
beforeEach(() => h.resetTraffic());

const count = (route: string) => h.bondora.router.calls(route).length;

describe('Bondora batching', () => {
  it('bids(first: 30) with each auction costs one bids call, one auctions call and one call per distinct closed auction', async () => {
    const res = await h.gql(BidsWithAuctionsDocument, { first: 30 });
    expect(res.errors).toBeUndefined();
    const nodes = res.data!.bids!.edges.map((e) => e.node);
    expect(nodes).toHaveLength(30);

    const closed = new Set(h.bondora.closedAuctions.map((a) => a.AuctionId));
    const distinctClosed = new Set(nodes.map((n) => n.auctionId).filter((id) => closed.has(id)));
    const distinct = new Set(nodes.map((n) => n.auctionId));
    // The seed must make this test meaningful: shared auctions and closed ones among the first 30.
    expect(distinctClosed.size).toBeGreaterThanOrEqual(2);
    expect(distinct.size).toBeLessThan(30);

    for (const node of nodes) {
      expect(node.auction?.id).toBe(node.auctionId);
      expect(node.auction?.rating).toMatch(/^(AA|A|B|C|D|E|F|HR)$/);
    }
    expect(count('bids.list')).toBe(1);
    expect(count('auctions.list')).toBe(1);
    expect(count('auction.get')).toBe(distinctClosed.size);
    const detailIds = h.bondora.router.calls('auction.get').map((c) => c.path.split('/').pop());
    expect(new Set(detailIds).size).toBe(detailIds.length);
  });

  it('two identical lists in one operation share one bids call and one auction batch', async () => {
    const res = await h.gql<{ a: { edges: unknown[] }; b: { edges: unknown[] } }>(
      '{ a: bids(first: 30) { edges { node { auction { id } } } } b: bids(first: 30) { edges { node { auction { rating } } } } }',
    );
    expect(res.errors).toBeUndefined();
    // Identical GETs in flight together are one upstream call; the auctions share one batch.
    expect(count('auctions.list')).toBe(1);
    expect(count('bids.list')).toBe(1);
  });

  it("asking 10 auctions' liabilities makes at most 10 detail calls, deduped across aliases", async () => {
    const res = await h.gql<{ auctions: { edges: Array<{ node: { id: string; liabilities: unknown[] | null } }> } }>(
      `{ auctions(first: 10) { edges { node { id liabilities { creditor outstanding } debts { industry } borrowerHistory { issuedLoans } } } }
         again: auctions(first: 10) { edges { node { id borrowerHistory { overdue } } } } }`,
    );
    expect(res.errors).toBeUndefined();
    const nodes = res.data!.auctions.edges.map((e) => e.node);
    expect(nodes).toHaveLength(10);
    for (const node of nodes) expect(Array.isArray(node.liabilities)).toBe(true);
    expect(count('auction.get')).toBeLessThanOrEqual(10);
    expect(count('auction.get')).toBe(10);
    expect(count('auctions.list')).toBe(1);
  });

  it('one auction by id is a single detail call, and its detail fields need no second call', async () => {
    const active = h.bondora.activeAuctions[5]!;
    const res = await h.gql(AuctionByIdDocument, { id: active.AuctionId });
    expect(res.errors).toBeUndefined();
    expect(res.data!.auction?.id).toBe(active.AuctionId);
    expect(res.data!.auction?.loanNumber).toBe(active.LoanNumber);
    expect(res.data!.auction?.liabilities).toHaveLength(active.Liabilities?.length ?? 0);
    expect(count('auction.get')).toBe(1);
    expect(count('auctions.list')).toBe(0);
  });

  it('several auctions by id: one list call, per-id calls only for the closed ones', async () => {
    const active = h.bondora.activeAuctions.slice(0, 4).map((a) => a.AuctionId);
    const closed = h.bondora.closedAuctions.slice(0, 2).map((a) => a.AuctionId);
    const ids = [...active, ...closed, active[0]!];
    const query = `{ ${ids.map((id, i) => `a${i}: auction(id: "${id}") { id isActive }`).join(' ')} }`;
    const res = await h.gql<Record<string, { id: string; isActive: boolean }>>(query);
    expect(res.errors).toBeUndefined();
    expect(Object.values(res.data!).map((a) => a.id)).toEqual(ids);
    expect(res.data!.a4!.isActive).toBe(false);
    expect(res.data!.a0!.isActive).toBe(true);
    expect(count('auctions.list')).toBe(1);
    expect(count('auction.get')).toBe(2);
  });

  it('an unknown auction or bid is null, not an error', async () => {
    const res = await h.gql('{ auction(id: "00000000-0000-4000-8000-000000000000") { id } bid(id: "00000000-0000-4000-8000-000000000001") { id } }');
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ auction: null, bid: null });
  });

  it("myBids of many auctions come from one bids call", async () => {
    const mine = h.bondora.bidsOf(BondoraSimulator.DEMO_TOKEN);
    const auctionIds = [...new Set(mine.map((b) => b.AuctionId))].slice(0, 6);
    const query = `{ ${auctionIds.map((id, i) => `a${i}: auction(id: "${id}") { id myBids { id auctionId status } }`).join(' ')} }`;
    const res = await h.gql<Record<string, { id: string; myBids: Array<{ auctionId: string }> }>>(query);
    expect(res.errors).toBeUndefined();
    for (const [i, id] of auctionIds.entries()) {
      const expected = mine.filter((b) => b.AuctionId === id).length;
      expect(res.data![`a${i}`]!.myBids).toHaveLength(expected);
    }
    expect(count('bids.list')).toBe(1);
  });
});
