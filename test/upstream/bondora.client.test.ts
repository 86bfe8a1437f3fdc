import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BONDORA_RATE_LIMITS as SIMULATED_LIMITS } from '../../src/simulators/bondora/bondora.ratelimit.js';
import { BondoraSimulator } from '../../src/simulators/bondora/bondora.simulator.js';
import type { HttpClient } from '../../src/upstream/http.js';
import { BondoraClient, createBondoraHttp } from '../../src/upstream/bondora/bondora.client.js';
import { fixedCredential } from '../../src/upstream/bondora/bondora.credential.js';
import { BONDORA_INVALIDATES, BONDORA_RATE_LIMITS } from '../../src/upstream/bondora/bondora.limits.js';
import { UpstreamError } from '../../src/upstream/upstream.error.js';

// BondoraClient's account, loan-part and secondary-market methods against the simulator over
// real HTTP: typed results, one named endpoint per method, the documented batch limits refused
// before any call, and envelope errors as UpstreamError.

const DEMO = BondoraSimulator.DEMO_TOKEN;
const SECOND = BondoraSimulator.INVESTORS[1]!.token;
const UNKNOWN_ID = '11111111-2222-4333-8444-555555555555';

async function rejection(promise: Promise<unknown>): Promise<UpstreamError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UpstreamError);
  return error as UpstreamError;
}

describe('BondoraClient account and market methods', () => {
  const sim = new BondoraSimulator();
  let http: HttpClient;
  let demo: BondoraClient;
  let second: BondoraClient;

  beforeAll(async () => {
    const url = await sim.start(0);
    http = createBondoraHttp({ baseUrl: url, timeoutMs: 5000, rateLimits: false });
    demo = new BondoraClient(http, fixedCredential(DEMO));
    second = new BondoraClient(http, fixedCredential(SECOND));
  });
  afterAll(async () => {
    await http.close();
    await sim.stop();
  });
  beforeEach(() => sim.reset());

  /** The routes the simulator saw, in order. */
  const routes = () => sim.router.calls().map((e) => `${e.method} ${e.route}`);

  it('getBalance and listInvestments: typed answers of the caller’s own account', async () => {
    expect(await demo.getBalance()).toEqual(sim.balanceOf(DEMO));
    expect(await second.getBalance()).toEqual(sim.balanceOf(SECOND));
    const page = await demo.listInvestments({ PageSize: 40, PageNr: 2, Countries: ['EE', 'FI'], IsInRepayment: true });
    const expected = sim.investmentsOf(DEMO).filter((i) => ['EE', 'FI'].includes(i.Country) && i.LoanStatusCode !== 4);
    expect(page).toMatchObject({ pageSize: 40, pageNr: 2, totalCount: expected.length });
    expect(page.items.map((i) => i.LoanPartId)).toEqual(expected.slice(40, 80).map((i) => i.LoanPartId));
    expect(sim.router.calls('account.investments')[0]!.query).toBe('PageSize=40&PageNr=2&Countries=EE&Countries=FI&IsInRepayment=true');
    expect(routes()).toEqual(['GET account.balance', 'GET account.balance', 'GET account.investments']);
  });

  it('listSecondaryMarket, getSecondaryMarketItem and listSecondaryMarketItems (null gaps in order, one POST)', async () => {
    const mine = await demo.listSecondaryMarket({ ShowMyItems: true });
    expect(mine.items.map((i) => i.Id).sort()).toEqual(sim.marketItems(DEMO).map((i) => i.Id).sort());
    const others = await demo.listSecondaryMarket({ ShowMyItems: false, PageSize: 3 });
    expect(others.items).toHaveLength(3);
    const [a, b] = others.items;
    expect(await demo.getSecondaryMarketItem(a!.Id)).toMatchObject({ Id: a!.Id, LoanPart_id: a!.LoanPartId, StatusCode: 1 });
    const summaries = await demo.listSecondaryMarketItems([a!.Id, UNKNOWN_ID, b!.Id]);
    expect(summaries.map((s) => s?.Id ?? null)).toEqual([a!.Id, null, b!.Id]);
    const [bulk] = sim.router.calls('secondarymarket.list');
    expect(bulk).toMatchObject({ method: 'POST', path: '/api/v1/secondarymarket/list' });
    expect(JSON.parse(bulk!.body)).toEqual({ ItemIds: [a!.Id, UNKNOWN_ID, b!.Id] });
    expect(routes()).toEqual(['GET secondarymarket.search', 'GET secondarymarket.search', 'GET secondarymarket.get', 'POST secondarymarket.list']);
  });

  it('getLoanPart and listLoanParts: 1,000 ids in one call with null gaps; more is refused before any call', async () => {
    const own = sim.investmentsOf(DEMO)[0]!;
    const part = await demo.getLoanPart(own.LoanPartId);
    expect(part.LoanPartId).toBe(own.LoanPartId);
    expect(part.ScheduledPayments!.length).toBe(part.NrOfScheduledPayments);
    const ids = Array.from({ length: 1000 }, (_, i) => (i === 999 ? own.LoanPartId : UNKNOWN_ID));
    const parts = await demo.listLoanParts(ids);
    expect(parts).toHaveLength(1000);
    expect(parts.slice(0, 999).every((p) => p === null)).toBe(true);
    expect(parts[999]!.LoanPartId).toBe(own.LoanPartId);
    expect(await demo.listLoanParts([])).toEqual([]);
    const refused = await rejection(demo.listLoanParts([...ids, ...ids.slice(0, 500)]));
    expect(refused.kind).toBe('BAD_REQUEST');
    const refusedMarket = await rejection(demo.listSecondaryMarketItems(Array.from({ length: 1001 }, () => UNKNOWN_ID)));
    expect(refusedMarket.kind).toBe('BAD_REQUEST');
    expect(routes()).toEqual(['GET loanpart.get', 'POST loanpart.list']);
  });

  it('sell, cancel and buy: 202 effects visible on the next reads and in the event log', async () => {
    const [a, b] = sim.investmentsOf(DEMO).filter((i) => i.ListedInSecondMarketOn === null && i.LoanStatusCode !== 4);
    const sale = await demo.sellLoanParts({
      Items: [
        { LoanPartId: a!.LoanPartId, DesiredDiscountRate: -2 },
        { LoanPartId: b!.LoanPartId, DesiredDiscountRate: 0 },
      ],
    });
    expect(sale.map((s) => [s.LoanPartId, s.DesiredDiscountRate])).toEqual([
      [a!.LoanPartId, -2],
      [b!.LoanPartId, 0],
    ]);
    const mine = await demo.listSecondaryMarket({ ShowMyItems: true });
    expect(mine.items.map((i) => i.Id)).toEqual(expect.arrayContaining(sale.map((s) => s.Id)));

    await demo.cancelSecondaryMarketItem(sale[0]!.Id);
    await demo.cancelSecondaryMarketItems([sale[1]!.Id]);
    expect((await demo.listSecondaryMarketItems(sale.map((s) => s.Id))).map((s) => s?.StatusCode)).toEqual([3, 3]);

    const target = (await second.listSecondaryMarket({ ShowMyItems: false, LoanStatusCode: [2] })).items[0]!;
    await second.buySecondaryMarketItems([target.Id]);
    expect((await second.listInvestments({ SalesStatus: 0 })).items.map((i) => i.LoanPartId)).toContain(target.LoanPartId);

    const events = await demo.listEventLog();
    expect(events.items.map((e) => e.EventType)).toEqual([5, 5, 3]);
    expect(JSON.parse(events.items[0]!.Data!)).toEqual({ ItemIds: [sale[1]!.Id] });
    expect((await second.listEventLog({ EventType: 4 })).items).toHaveLength(1);
    expect(routes()).toEqual([
      'POST secondarymarket.sell',
      'GET secondarymarket.search',
      'POST secondarymarket.item.cancel',
      'POST secondarymarket.cancel',
      'POST secondarymarket.list',
      'GET secondarymarket.search',
      'POST secondarymarket.buy',
      'GET account.investments',
      'GET eventlog.list',
      'GET eventlog.list',
    ]);
  });

  it('refuses empty and oversized batches and fractional rates before any call', async () => {
    const ids = Array.from({ length: 101 }, () => UNKNOWN_ID);
    for (const attempt of [
      demo.buySecondaryMarketItems([]),
      demo.buySecondaryMarketItems(ids),
      demo.cancelSecondaryMarketItems(ids),
      demo.sellLoanParts({ Items: ids.map((id) => ({ LoanPartId: id, DesiredDiscountRate: 0 })) }),
      demo.sellLoanParts({ Items: [{ LoanPartId: UNKNOWN_ID, DesiredDiscountRate: 1.5 }] }),
    ]) {
      expect((await rejection(attempt)).kind).toBe('BAD_REQUEST');
    }
    expect(sim.router.calls()).toEqual([]);
  });

  it('turns the envelope’s errors into typed UpstreamErrors in the gateway’s words', async () => {
    const missing = await rejection(demo.getLoanPart(UNKNOWN_ID));
    expect(missing).toMatchObject({ upstream: 'bondora', kind: 'NOT_FOUND', status: 404, code: 404 });
    expect(missing.message).not.toContain('LoanPart');
    expect(missing.upstreamText).toBe('LoanPart with the provided ID was not found');

    const ownItem = sim.marketItems(DEMO)[0]!;
    const own = await rejection(demo.buySecondaryMarketItems([ownItem.Id]));
    expect(own).toMatchObject({ kind: 'BAD_REQUEST', status: 409, code: 409 });
    expect(own.upstreamText).toContain('Investment cannot be bought');

    const foreign = await rejection(second.cancelSecondaryMarketItems([ownItem.Id]));
    expect(foreign).toMatchObject({ kind: 'FORBIDDEN', status: 403 });
    expect(foreign.upstreamText).toContain('User has no rights');

    const unknownMarket = await rejection(demo.getSecondaryMarketItem(UNKNOWN_ID));
    expect(unknownMarket.kind).toBe('NOT_FOUND');
    const notOwned = await rejection(
      second.sellLoanParts({ Items: [{ LoanPartId: sim.investmentsOf(DEMO)[0]!.LoanPartId, DesiredDiscountRate: 0 }] }),
    );
    expect(notOwned).toMatchObject({ kind: 'BAD_REQUEST', status: 409 });
  });
});

describe('BondoraClient against the documented limits', () => {
  const sim = new BondoraSimulator({ rateLimits: true });
  let http: HttpClient;

  beforeAll(async () => {
    const url = await sim.start(0);
    http = createBondoraHttp({ baseUrl: url, timeoutMs: 5000, rateLimits: false });
  });
  afterAll(async () => {
    await http.close();
    await sim.stop();
  });

  it('a spent hourly window is RATE_LIMITED with the upstream’s Retry-After', async () => {
    const client = new BondoraClient(http, fixedCredential(DEMO));
    for (let i = 0; i < 12; i++) await client.getBalance();
    const limited = await rejection(client.getBalance());
    expect(limited).toMatchObject({ kind: 'RATE_LIMITED', status: 429 });
    expect(limited.retryAfterSeconds).toBeGreaterThan(3590);
    expect(limited.extensions).toMatchObject({ code: 'RATE_LIMITED', upstream: 'bondora' });
    // The simulator answered the 13th once: a wait that long is not retried.
    expect(sim.router.calls('account.balance')).toHaveLength(13);
  });

  it('the client’s budget table and the simulator’s agree endpoint by endpoint', () => {
    const names = sim.router.routeNames.filter((name) => !name.startsWith('oauth.'));
    for (const name of names) {
      const client = BONDORA_RATE_LIMITS.endpoints?.[name] ?? BONDORA_RATE_LIMITS.default;
      const simulated = SIMULATED_LIMITS[name];
      expect(simulated, name).toBeDefined();
      expect({ name, limit: client.limit, periodMs: client.periodMs }).toEqual({ name, limit: simulated!.limit, periodMs: simulated!.periodSeconds * 1000 });
    }
    for (const name of Object.keys(BONDORA_RATE_LIMITS.endpoints ?? {})) expect(names).toContain(name);
  });

  it('a market write makes the balance, investments, market, loan parts and event log stale', () => {
    for (const write of ['secondarymarket.buy', 'secondarymarket.sell', 'secondarymarket.cancel', 'secondarymarket.item.cancel']) {
      expect(BONDORA_INVALIDATES[write]).toEqual(
        expect.arrayContaining([
          'account.balance',
          'account.investments',
          'secondarymarket.search',
          'secondarymarket.get',
          'secondarymarket.list',
          'loanpart.get',
          'loanpart.list',
          'eventlog.list',
        ]),
      );
    }
    expect(BONDORA_INVALIDATES['bid.place']).toEqual(expect.arrayContaining(['account.balance', 'eventlog.list']));
  });
});
