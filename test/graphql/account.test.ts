import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BondoraAccountLoaders } from '../../src/loaders/bondora.account.loaders.js';
import { BondoraSimulator } from '../../src/simulators/bondora/bondora.simulator.js';
import { BondoraClient, createBondoraHttp } from '../../src/upstream/bondora/bondora.client.js';
import { fixedCredential } from '../../src/upstream/bondora/bondora.credential.js';
import { BONDORA_RATE_LIMITS } from '../../src/upstream/bondora/bondora.limits.js';
import type { HttpClient } from '../../src/upstream/http.js';
import { startHarness, type Harness } from '../support/gateway.harness.js';

// The investor's account over real HTTP against the simulator, under Bondora's documented budgets:
// upstream calls counted in the simulator's log, answers kept per credential for their window,
// a spent window answered at once with RATE_LIMITED, and investors' data never crossing.

const [DEMO, SECOND, THIRD] = BondoraSimulator.INVESTORS.map((i) => i.token) as [string, string, string];
const UNKNOWN_ID = '11111111-2222-4333-8444-555555555555';

const PORTFOLIO = `query Portfolio($first: Int) {
  account {
    balance { balance reserved bidRequestAmount totalAvailable goGrowAccounts { name totalSaved } fetchedAt }
    investments(first: $first) {
      totalCount fetchedAt
      pageInfo { hasNextPage endCursor }
      nodes { id loanPartId amount interest loanStatus loanStatusCode principalRemaining
        loanPart { id amount loanStatus scheduledPayments { scheduledDate totalAmount } loanTransfers { date totalAmount } } }
    }
  }
}`;

interface Portfolio {
  account: {
    balance: { balance: string; reserved: string; bidRequestAmount: string; totalAvailable: string; goGrowAccounts: unknown[]; fetchedAt: string } | null;
    investments: {
      totalCount: number;
      fetchedAt: string;
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
      nodes: Array<{
        id: string;
        loanPartId: string;
        amount: string;
        loanStatus: string | null;
        loanPart: { id: string; amount: string; scheduledPayments: unknown[]; loanTransfers: unknown[] } | null;
      }>;
    } | null;
  } | null;
}

const as = (token: string) => ({ 'x-bondora-token': token });

describe('the account under the documented budgets (answers kept per credential)', () => {
  let h: Harness;
  const count = (route: string) => h.bondora.router.calls(route).length;

  beforeAll(async () => {
    h = await startHarness({ upstreams: { bondora: { rateLimits: BONDORA_RATE_LIMITS } } });
  });
  afterAll(async () => h.close());
  beforeEach(() => h.resetTraffic());

  it('the portfolio screen is 1 balance + 1 investments + 1 loanpart/list call, and matches Bondora', async () => {
    const before = Date.now();
    const res = await h.gql<Portfolio>(PORTFOLIO, { first: 100 }, as(DEMO));
    expect(res.errors).toBeUndefined();
    const { balance, investments } = res.data!.account!;

    const expected = h.bondora.balanceOf(DEMO);
    expect(balance).toMatchObject({ balance: String(expected.Balance), totalAvailable: String(expected.TotalAvailable) });
    expect(balance!.goGrowAccounts).toHaveLength(expected.GoGrowAccounts?.length ?? 0);
    expect(Date.parse(balance!.fetchedAt)).toBeGreaterThanOrEqual(before);

    const held = h.bondora.investmentsOf(DEMO);
    expect(investments!.totalCount).toBe(held.length);
    expect(investments!.pageInfo.hasNextPage).toBe(held.length > 100);
    expect(investments!.nodes.map((n) => n.id)).toEqual(held.slice(0, 100).map((i) => i.LoanPartId));
    for (const node of investments!.nodes) {
      expect(node.loanPart?.id).toBe(node.loanPartId);
      expect(node.loanPart?.amount).toBe(node.amount);
      expect(node.loanPart!.scheduledPayments.length).toBeGreaterThan(0);
    }

    expect(count('account.balance')).toBe(1);
    expect(count('account.investments')).toBe(1);
    expect(count('loanpart.list')).toBe(1);
    expect(count('loanpart.get')).toBe(0);
    expect(JSON.parse(h.bondora.router.calls('loanpart.list')[0]!.body).ItemIds).toHaveLength(100);
    expect(h.bondora.router.calls()).toHaveLength(3);
  });

  it('the same operation again within the window makes no balance or investments call, and fetchedAt keeps the fetch time', async () => {
    const first = await h.gql<Portfolio>(PORTFOLIO, { first: 100 }, as(DEMO));
    h.resetTraffic();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const again = await h.gql<Portfolio>(PORTFOLIO, { first: 100 }, as(DEMO));
    expect(again.errors).toBeUndefined();
    expect(count('account.balance')).toBe(0);
    expect(count('account.investments')).toBe(0);
    expect(again.data!.account!.balance!.fetchedAt).toBe(first.data!.account!.balance!.fetchedAt);
    expect(again.data!.account!.investments!.fetchedAt).toBe(first.data!.account!.investments!.fetchedAt);
    // The next page comes from the same kept block of investments.
    const after = first.data!.account!.investments!.pageInfo.endCursor;
    const next = await h.gql<Portfolio>('query ($after: String) { account { investments(first: 100, after: $after) { nodes { id } } } }', { after }, as(DEMO));
    expect(next.data!.account!.investments!.nodes.map((n) => n.id)).toEqual(
      h.bondora.investmentsOf(DEMO).slice(100, 200).map((i) => i.LoanPartId),
    );
    expect(count('account.investments')).toBe(0);
  });

  it('30 concurrent operations make 1 balance call and 1 investments call', async () => {
    const query = '{ account { balance { totalAvailable fetchedAt } investments(first: 20) { totalCount fetchedAt } } }';
    const results = await Promise.all(Array.from({ length: 30 }, () => h.gql<Portfolio>(query, undefined, as(SECOND))));
    for (const res of results) {
      expect(res.errors).toBeUndefined();
      expect(res.data!.account!.balance!.totalAvailable).toBe(String(h.bondora.balanceOf(SECOND).TotalAvailable));
    }
    expect(new Set(results.map((r) => r.data!.account!.balance!.fetchedAt)).size).toBe(1);
    expect(count('account.balance')).toBe(1);
    expect(count('account.investments')).toBe(1);
  });

  it("two investors' accounts never mix, even with answers kept", async () => {
    // Demo's answers are kept from the tests above; Third's are fetched now, concurrently.
    const [demo, third] = await Promise.all([
      h.gql<Portfolio>(PORTFOLIO, { first: 50 }, as(DEMO)),
      h.gql<Portfolio>(PORTFOLIO, { first: 50 }, as(THIRD)),
    ]);
    for (const [res, token] of [
      [demo, DEMO],
      [third, THIRD],
    ] as const) {
      expect(res.errors).toBeUndefined();
      expect(res.data!.account!.balance!.balance).toBe(String(h.bondora.balanceOf(token).Balance));
      expect(res.data!.account!.investments!.nodes.map((n) => n.id)).toEqual(
        h.bondora.investmentsOf(token).slice(0, 50).map((i) => i.LoanPartId),
      );
      expect(res.data!.account!.investments!.nodes.every((n) => n.loanPart?.id === n.loanPartId)).toBe(true);
    }
    expect(h.bondora.balanceOf(DEMO).Balance).not.toBe(h.bondora.balanceOf(THIRD).Balance);
    const demoIds = new Set(demo.data!.account!.investments!.nodes.map((n) => n.id));
    expect(third.data!.account!.investments!.nodes.some((n) => demoIds.has(n.id))).toBe(false);
    // Only Third's account was read from Bondora, with Third's token.
    for (const call of h.bondora.router.calls().filter((c) => c.route.startsWith('account.'))) {
      expect(call.headers.authorization).toBe(`Bearer ${THIRD}`);
    }

    // Another investor's loan part (not on sale) is not theirs to see: null, as Bondora answers.
    const privatePart = h.bondora.investmentsOf(DEMO).find((i) => !i.ListedInSecondMarketOn)!.LoanPartId;
    const query = `{ loanPart(id: "${privatePart}") { id } }`;
    expect((await h.gql<{ loanPart: unknown }>(query, undefined, as(THIRD))).data!.loanPart).toBeNull();
    expect((await h.gql<{ loanPart: { id: string } }>(query, undefined, as(DEMO))).data!.loanPart?.id).toBe(privatePart);
  });

  it('loanPart(id): one GET loanpart/{id}; aliases share one loanpart/list call with null in order for what Bondora lacks', async () => {
    const [a, b] = h.bondora.investmentsOf(DEMO).map((i) => i.LoanPartId);
    const one = await h.gql<{ loanPart: { id: string; scheduledPayments: unknown[]; debtManagementEvents: unknown[] } }>(
      `{ loanPart(id: "${a}") { id loanStatus scheduledPayments { principalAmount } loanTransfers { totalAmount } debtManagementEvents { eventType } } }`,
      undefined,
      as(DEMO),
    );
    expect(one.errors).toBeUndefined();
    expect(one.data!.loanPart.id).toBe(a);
    expect(count('loanpart.get')).toBe(1);
    expect(count('loanpart.list')).toBe(0);

    h.resetTraffic();
    const many = await h.gql<Record<string, { id: string } | null>>(
      `{ a: loanPart(id: "${a}") { id } gap: loanPart(id: "${UNKNOWN_ID}") { id } b: loanPart(id: "${b}") { id } }`,
      undefined,
      as(DEMO),
    );
    expect(many.errors).toBeUndefined();
    expect(many.data).toEqual({ a: { id: a }, gap: null, b: { id: b } });
    expect(count('loanpart.list')).toBe(1);
    expect(JSON.parse(h.bondora.router.calls('loanpart.list')[0]!.body)).toEqual({ ItemIds: [a, UNKNOWN_ID, b] });
  });

  it('events: the writes made through this application, newest data parsed, one eventlog call', async () => {
    const auction = h.bondora.activeAuctions[0]!;
    const bid = await h.gql(`mutation { placeBids(input: { bids: [{ auctionId: "${auction.AuctionId}", amount: "5" }] }) { bids { id } } }`, undefined, as(THIRD));
    expect(bid.errors).toBeUndefined();
    h.resetTraffic();
    const res = await h.gql<{ account: { events: { totalCount: number; nodes: Array<{ eventType: string; eventTypeCode: number; eventDate: string; data: unknown }> } } }>(
      '{ account { events(first: 10, filter: { eventType: MAKE_BID }) { totalCount nodes { eventType eventTypeCode eventDate ipAddress data } } } }',
      undefined,
      as(THIRD),
    );
    expect(res.errors).toBeUndefined();
    const events = res.data!.account.events;
    expect(events.totalCount).toBe(1);
    expect(events.nodes[0]).toMatchObject({ eventType: 'MAKE_BID', eventTypeCode: 1, data: { Bids: [{ AuctionId: auction.AuctionId, Amount: 5 }] } });
    expect(count('eventlog.list')).toBe(1);
    expect(h.bondora.router.calls('eventlog.list')[0]!.query).toContain('EventType=1');
  });

  it('a write makes the kept balance stale: the next read fetches it again', async () => {
    await h.gql('{ account { balance { balance } } }', undefined, as(THIRD));
    h.resetTraffic();
    await h.gql('{ account { balance { balance } } }', undefined, as(THIRD));
    expect(count('account.balance')).toBe(0);
    const auction = h.bondora.activeAuctions[1]!;
    await h.gql(`mutation { placeBids(input: { bids: [{ auctionId: "${auction.AuctionId}", amount: "5" }] }) { bids { id } } }`, undefined, as(THIRD));
    const res = await h.gql<Portfolio>('{ account { balance { bidRequestAmount } } }', undefined, as(THIRD));
    expect(count('account.balance')).toBe(1);
    expect(res.data!.account!.balance!.bidRequestAmount).toBe(String(h.bondora.balanceOf(THIRD).BidRequestAmount));
  });

  it('without investments:read the account is null with FORBIDDEN, other fields served, and Bondora is not called', async () => {
    const token = await h.token({ sub: 'auctions-only', scopes: ['auctions:read', 'bondora:shared'] });
    const res = await h.gql<{ account: unknown; auctions: { totalCount: number } }>(
      '{ account { balance { balance } } auctions(first: 1) { totalCount } }',
      undefined,
      { authorization: `Bearer ${token}` },
    );
    expect(res.data!.account).toBeNull();
    expect(res.data!.auctions.totalCount).toBeGreaterThan(0);
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0]).toMatchObject({ path: ['account'], extensions: { code: 'FORBIDDEN' } });
    expect(count('account.balance')).toBe(0);
  });

  it('without a Bondora credential the account is null with BONDORA_NOT_CONNECTED, once', async () => {
    const token = await h.token({ sub: 'no-bondora', scopes: ['investments:read'] });
    const res = await h.gql<{ account: unknown }>('{ account { balance { balance } investments { totalCount } events { totalCount } } }', undefined, {
      authorization: `Bearer ${token}`,
    });
    expect(res.data!.account).toBeNull();
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0]).toMatchObject({ path: ['account'], extensions: { code: 'UNAUTHENTICATED', reason: 'BONDORA_NOT_CONNECTED' } });
    expect(h.bondora.router.calls()).toHaveLength(0);
  });
});

describe('a spent hourly window', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ bondora: { rateLimits: true }, upstreams: { bondora: { rateLimits: BONDORA_RATE_LIMITS, listCacheTtlMs: 0 } } });
  });
  afterAll(async () => h.close());

  it('is RATE_LIMITED with retryAfterSeconds at once, the other fields served; the next try makes no call', async () => {
    // Someone else spent Demo's 12 balance reads this hour with the same token.
    for (let i = 0; i < 12; i++) {
      const res = await fetch(`${h.settings.bondora.url}/api/v1/account/balance`, { headers: { authorization: `Bearer ${DEMO}` } });
      expect(res.status).toBe(200);
    }
    h.resetTraffic();
    const query = '{ account { balance { balance } investments(first: 5) { totalCount nodes { id } } } }';
    const started = Date.now();
    const res = await h.gql<Portfolio>(query, undefined, as(DEMO));
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(res.data!.account!.balance).toBeNull();
    expect(res.data!.account!.investments!.nodes).toHaveLength(5);
    expect(res.errors).toHaveLength(1);
    const error = res.errors![0]!;
    expect(error.path).toEqual(['account', 'balance']);
    expect(error.extensions).toMatchObject({ code: 'RATE_LIMITED', upstream: 'bondora' });
    expect(error.extensions!.retryAfterSeconds).toBeGreaterThan(3000);
    expect(error.extensions!.retryAfterSeconds).toBeLessThanOrEqual(3600);
    expect(h.bondora.router.calls('account.balance').map((c) => c.status)).toEqual([429]);

    // The gateway now knows the window: the next try is refused without asking Bondora again.
    h.resetTraffic();
    const again = await h.gql<Portfolio>(query, undefined, as(DEMO));
    expect(again.errors![0]!.extensions).toMatchObject({ code: 'RATE_LIMITED' });
    expect(again.data!.account!.investments!.nodes).toHaveLength(5);
    expect(h.bondora.router.calls('account.balance')).toHaveLength(0);
    // Another investor's window is their own.
    const second = await h.gql<Portfolio>('{ account { balance { balance } } }', undefined, as(SECOND));
    expect(second.errors).toBeUndefined();
    expect(second.data!.account!.balance!.balance).toBe(String(h.bondora.balanceOf(SECOND).Balance));
  });
});

describe('BondoraAccountLoaders', () => {
  const sim = new BondoraSimulator();
  let http: HttpClient;
  let loaders: () => BondoraAccountLoaders;

  beforeAll(async () => {
    const url = await sim.start(0);
    http = createBondoraHttp({ baseUrl: url, timeoutMs: 5000, rateLimits: false });
    loaders = () => new BondoraAccountLoaders(new BondoraClient(http, fixedCredential(DEMO)));
  });
  afterAll(async () => {
    await http.close();
    await sim.stop();
  });
  beforeEach(() => sim.router.clearLog());

  /** 1,500 distinct ids: Demo's loan parts spread among ids Bondora does not know. */
  function mixedIds(): { ids: string[]; known: Set<string> } {
    const own = sim.investmentsOf(DEMO).map((i) => i.LoanPartId);
    const ids = Array.from({ length: 1500 }, (_, i) =>
      i % 10 === 0 && own[i / 10] ? own[i / 10]! : `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    );
    return { ids, known: new Set(ids.filter((id) => own.includes(id))) };
  }

  it('1,500 loan-part ids are 2 loanpart/list calls (1000 + 500), null gaps mapped to null in order', async () => {
    const { ids, known } = mixedIds();
    const parts = await loaders().loanPart.loadMany(ids);
    const calls = sim.router.calls('loanpart.list');
    expect(calls).toHaveLength(2);
    expect(calls.map((c) => (JSON.parse(c.body) as { ItemIds: string[] }).ItemIds.length).sort()).toEqual([1000, 500].sort());
    expect(parts).toHaveLength(1500);
    parts.forEach((part, i) => {
      if (known.has(ids[i]!)) expect((part as { LoanPartId: string }).LoanPartId).toBe(ids[i]);
      else expect(part).toBeNull();
    });
    expect(parts.filter((p) => p !== null)).toHaveLength(known.size);
    expect(known.size).toBeGreaterThan(100);
  });

  it('repeated and differently cased ids are asked once; a failed call fails only its own keys', async () => {
    const { ids } = mixedIds();
    const loader = loaders();
    sim.router.setFault('loanpart.list', { status: 500, times: 1 });
    const parts = await loader.loanPart.loadMany([...ids, ...ids.slice(0, 20).map((id) => id.toUpperCase())]);
    const asked = sim.router.calls('loanpart.list').flatMap((c) => (JSON.parse(c.body) as { ItemIds: string[] }).ItemIds);
    expect(asked).toHaveLength(1500);
    const failed = parts.map((p) => p instanceof Error);
    const head = failed.slice(0, 1000);
    const tail = failed.slice(1000, 1500);
    // One chunk's call failed: all of its keys are errors, none of the other's.
    expect([head.every(Boolean) && !tail.some(Boolean), tail.every(Boolean) && !head.some(Boolean)]).toContain(true);
    sim.router.clearFaults();
  });

  it('secondary-market items by id: one secondarymarket/list call, null where Bondora shows none', async () => {
    const open = sim.marketItems().slice(0, 3).map((i) => i.Id);
    const items = await loaders().secondaryMarketItem.loadMany([open[0]!, UNKNOWN_ID, open[1]!, open[2]!]);
    expect(items.map((i) => (i as { Id: string } | null)?.Id ?? null)).toEqual([open[0], null, open[1], open[2]]);
    expect(sim.router.calls('secondarymarket.list')).toHaveLength(1);
  });
});
