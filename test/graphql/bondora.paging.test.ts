import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BondoraSimulator } from '../../src/simulators/bondora/bondora.simulator.js';
import { print } from 'graphql';
import { AuctionsPageDocument, BidsPageDocument } from '../operations/operations.generated.js';
import { startHarness, type Harness } from '../support/gateway.harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());
beforeEach(() => h.resetTraffic());

interface Conn {
  totalCount: number;
  edges: Array<{ cursor: string; node: { id: string } }>;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null };
}

const AUCTIONS = print(AuctionsPageDocument);
const BIDS = print(BidsPageDocument);

async function walk(query: string, field: 'auctions' | 'bids', first: number, filter?: unknown) {
  const seen: string[] = [];
  const callsPerPage: number[] = [];
  let after: string | null = null;
  let total = -1;
  for (let guard = 0; guard < 500; guard++) {
    const before = h.bondora.router.calls().length;
    const res: { data?: Record<string, Conn> | null; errors?: unknown } = await h.gql<Record<string, Conn>>(query, { first, after, filter });
    expect(res.errors).toBeUndefined();
    callsPerPage.push(h.bondora.router.calls().length - before);
    const conn: Conn = res.data![field]!;
    total = conn.totalCount;
    seen.push(...conn.edges.map((e) => e.node.id));
    expect(conn.pageInfo.hasPreviousPage).toBe(after !== null);
    if (!conn.pageInfo.hasNextPage) break;
    after = conn.pageInfo.endCursor;
  }
  return { seen, callsPerPage, total };
}

describe('auctions and bids connections over Bondora page numbers', () => {
  it.each([7, 20, 33])('auctions, first %i: every active auction once, in order, at most two calls a page', async (first) => {
    const expected = h.bondora.activeAuctions.map((a) => a.AuctionId);
    const { seen, callsPerPage, total } = await walk(AUCTIONS, 'auctions', first);
    expect(seen).toEqual(expected);
    expect(total).toBe(expected.length);
    expect(Math.max(...callsPerPage)).toBeLessThanOrEqual(2);
  });

  it('bids, first 9: every bid once, in order, with totalCount', async () => {
    const expected = h.bondora.bidsOf(BondoraSimulator.DEMO_TOKEN).map((b) => b.Id);
    const { seen, callsPerPage, total } = await walk(BIDS, 'bids', 9);
    expect(seen).toEqual(expected);
    expect(total).toBe(expected.length);
    expect(Math.max(...callsPerPage)).toBeLessThanOrEqual(2);
  });

  it('a window fits one Bondora page when some page size up to twice the window holds it', async () => {
    const first = await h.gql<{ auctions: Conn }>(AUCTIONS, { first: 3 });
    h.resetTraffic();
    const res = await h.gql<{ auctions: Conn }>(AUCTIONS, { first: 100, after: first.data!.auctions.pageInfo.endCursor });
    expect(res.data!.auctions.edges.map((e) => e.node.id)).toEqual(h.bondora.activeAuctions.slice(3, 103).map((a) => a.AuctionId));
    const pages = h.bondora.router.calls('auctions.list').map((c) => new URLSearchParams(c.query));
    expect(pages.map((p) => [p.get('PageNr'), p.get('PageSize')])).toEqual([['1', '103']]);
  });

  it('a window no single page can hold is served by two adjacent pages', async () => {
    // Two pages are rarely needed; with windows of 5 the first such offset is 68.
    const count = 5;
    const fitsOnePage = (offset: number) =>
      Array.from({ length: count + 1 }, (_, i) => count + i).some((size) => Math.floor(offset / size) === Math.floor((offset + count - 1) / size));
    const offset = Array.from({ length: h.bondora.activeAuctions.length - count }, (_, i) => i + 1).find((o) => !fitsOnePage(o))!;
    expect(offset).toBeDefined();
    const all = h.bondora.activeAuctions.map((a) => a.AuctionId);
    const cursorAt = Buffer.from(`auction:${offset - 1}`).toString('base64url');
    const res = await h.gql<{ auctions: Conn }>(AUCTIONS, { first: count, after: cursorAt });
    expect(res.errors).toBeUndefined();
    expect(res.data!.auctions.edges.map((e) => e.node.id)).toEqual(all.slice(offset, offset + count));
    const pages = h.bondora.router.calls('auctions.list').map((c) => new URLSearchParams(c.query));
    const page = Math.floor(offset / count) + 1;
    expect(pages.map((p) => [p.get('PageNr'), p.get('PageSize')]).sort()).toEqual([
      [String(page), String(count)],
      [String(page + 1), String(count)],
    ]);
  });

  it('filters reach Bondora as its own query keys, and totalCount follows the filter', async () => {
    const filter = { countries: ['ee', 'FI'], ratings: ['A', 'HR'], loanDurations: [12, 24, 36, 48, 60] };
    const res = await h.gql<{ auctions: Conn }>(AUCTIONS, { first: 50, filter });
    expect(res.errors).toBeUndefined();
    const matching = h.bondora.activeAuctions.filter(
      (a) => ['EE', 'FI'].includes(a.Country) && ['A', 'HR'].includes(a.Rating) && [12, 24, 36, 48, 60].includes(a.LoanDuration),
    );
    expect(res.data!.auctions.totalCount).toBe(matching.length);
    expect(res.data!.auctions.edges.map((e) => e.node.id)).toEqual(matching.slice(0, 50).map((a) => a.AuctionId));
    const query = new URLSearchParams(h.bondora.router.calls('auctions.list')[0]!.query);
    expect(query.getAll('Countries')).toEqual(['EE', 'FI']);
    expect(query.getAll('Ratings')).toEqual(['A', 'HR']);
  });

  it('bids filter by status', async () => {
    const res = await h.gql<{ bids: Conn & { edges: Array<{ node: { id: string } }> } }>(BIDS, { first: 100, filter: { status: 'SUCCESSFUL' } });
    expect(res.errors).toBeUndefined();
    const expected = h.bondora.bidsOf(BondoraSimulator.DEMO_TOKEN).filter((b) => b.StatusCode === 2);
    expect(expected.length).toBeGreaterThan(0);
    expect(res.data!.bids.edges.map((e) => e.node.id)).toEqual(expected.map((b) => b.Id));
  });

  it.each([
    ['first 0', { first: 0 }],
    ['first 101', { first: 101 }],
    ['a malformed cursor', { first: 5, after: '!!' }],
    ['a bid cursor on auctions', { first: 5, after: Buffer.from('bid:4').toString('base64url') }],
    ['an unknown rating', { first: 5, filter: { ratings: ['Z'] } }],
    ['a bad country', { first: 5, filter: { countries: ['Estonia'] } }],
    ['min above max', { first: 5, filter: { appliedAmountMin: 5000, appliedAmountMax: 100 } }],
  ])('rejects %s with BAD_USER_INPUT and no upstream call', async (_name, variables) => {
    const res = await h.gql(AUCTIONS, variables);
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(h.bondora.router.calls()).toHaveLength(0);
  });

  it("a caller's x-bondora-token replaces the server token for that request only", async () => {
    const second = 'investor-two-token-aaaaaaaaaaaaaaaa';
    const own = await startHarness({ bondora: { tokens: [second] } });
    try {
      const theirs = await own.gql<{ bids: Conn }>(BIDS, { first: 5 }, { 'x-bondora-token': second });
      expect(theirs.errors).toBeUndefined();
      expect(theirs.data!.bids.totalCount).toBe(0);
      const server = await own.gql<{ bids: Conn }>(BIDS, { first: 5 });
      expect(server.data!.bids.totalCount).toBe(own.bondora.bidsOf(BondoraSimulator.DEMO_TOKEN).length);
      const auth = own.bondora.router.calls('bids.list').map((c) => c.headers.authorization);
      expect(auth).toEqual([`Bearer ${second}`, `Bearer ${BondoraSimulator.DEMO_TOKEN}`]);

      const denied = await own.gql(BIDS, { first: 5 }, { 'x-bondora-token': 'someone-elses-token' });
      expect(denied.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', upstream: 'bondora' });
    } finally {
      await own.close();
    }
  });
});
