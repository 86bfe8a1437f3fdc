import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type {
  AuctionDto,
  AuctionExtendedDto,
  BidResponseDto,
  BidSummaryDto,
  BondoraApiError,
} from '../../src/upstream/bondora/bondora.dto.js';
import { BondoraSimulator, type BondoraInvestor } from '../../src/simulators/bondora/bondora.simulator.js';

const DEMO = BondoraSimulator.DEMO_TOKEN;
const OTHER = 'bondora-other-investor-token-00000000';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const UNKNOWN_ID = '11111111-2222-4333-8444-555555555555';

interface Envelope<T> {
  PageSize?: number;
  PageNr?: number;
  TotalCount?: number;
  Count?: number;
  Payload?: T;
  Success: boolean;
  Errors: BondoraApiError[] | null;
}

interface Reply<T> {
  status: number;
  headers: Headers;
  body: Envelope<T>;
}

async function call<T>(
  sim: BondoraSimulator,
  path: string,
  init: { method?: string; token?: string | null; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...init.headers };
  const token = init.token === undefined ? DEMO : init.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  let body: string | undefined;
  if (typeof init.body === 'string') body = init.body;
  else if (init.body !== undefined) {
    body = JSON.stringify(init.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(`${sim.url}${path}`, { method: init.method ?? 'GET', headers, body });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as Envelope<T> };
}

function ids(items: Array<{ AuctionId: string }>): string[] {
  return items.map((a) => a.AuctionId);
}

const [DEMO_INVESTOR, SECOND, THIRD] = BondoraSimulator.INVESTORS as [BondoraInvestor, BondoraInvestor, BondoraInvestor];
const CALLBACK = 'http://127.0.0.1:1/cb?app=one&lang=et';
const STATE = 'st<a>te "&\' x';

function authorizeQuery(extra: Record<string, string> = {}): URLSearchParams {
  return new URLSearchParams({
    response_type: 'code',
    client_id: BondoraSimulator.DEMO_CLIENT_ID,
    scope: 'BidsRead BidsEdit',
    redirect_uri: CALLBACK,
    state: STATE,
    ...extra,
  });
}

function unescapeHtml(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39);/g, (_m, name: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[name]!);
}

/** The authorize page's investor links, resolved against the page's URL. */
async function consentLinks(sim: BondoraSimulator): Promise<{ res: Response; html: string; links: Array<{ name: string; url: URL }> }> {
  const pageUrl = `${sim.url}/oauth/authorize?${authorizeQuery().toString()}`;
  const res = await fetch(pageUrl, { redirect: 'manual' });
  const html = await res.text();
  const links = [...html.matchAll(/<a href="([^"]*)">([^<]*)<\/a>/g)].map((m) => ({
    name: unescapeHtml(m[2]!),
    url: new URL(unescapeHtml(m[1]!), pageUrl),
  }));
  return { res, html, links };
}

/** Consent as `investor`, then the code exchange: the token response. */
async function connect(sim: BondoraSimulator, investor: string): Promise<{ access_token: string; refresh_token: string }> {
  const consent = await fetch(`${sim.url}/oauth/authorize?${authorizeQuery({ investor }).toString()}`, { redirect: 'manual' });
  expect(consent.status).toBe(302);
  const code = new URL(consent.headers.get('location')!).searchParams.get('code')!;
  return (await tokenRequest(sim, { grant_type: 'authorization_code', code, redirect_uri: CALLBACK })).json() as Promise<{
    access_token: string;
    refresh_token: string;
  }>;
}

function tokenRequest(sim: BondoraSimulator, fields: Record<string, string>): Promise<Response> {
  return fetch(`${sim.url}/oauth/access_token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_id: BondoraSimulator.DEMO_CLIENT_ID, client_secret: BondoraSimulator.DEMO_CLIENT_SECRET, ...fields }),
  });
}

async function listedBidIds(sim: BondoraSimulator, token: string): Promise<string[]> {
  const reply = await call<BidSummaryDto[]>(sim, '/api/v1/bids', { token });
  expect(reply.status).toBe(200);
  return reply.body.Payload!.map((b) => b.Id);
}

function firstError(reply: Reply<unknown>): BondoraApiError {
  expect(reply.body.Success).toBe(false);
  expect(reply.body.Payload).toBeUndefined();
  expect(reply.body.Errors).toHaveLength(1);
  return reply.body.Errors![0]!;
}

describe('BondoraSimulator', () => {
  const sim = new BondoraSimulator({ tokens: [OTHER] });

  beforeAll(async () => {
    await sim.start(0);
  });
  afterAll(async () => {
    await sim.stop();
  });
  beforeEach(() => sim.reset());

  describe('seed', () => {
    it('has enough active and closed auctions, every country × rating, and consistent amounts', () => {
      const active = sim.activeAuctions;
      const closed = sim.closedAuctions;
      expect(active.length).toBeGreaterThanOrEqual(220);
      expect(closed.length).toBeGreaterThanOrEqual(40);
      const combos = new Set(active.map((a) => `${a.Country}:${a.Rating}`));
      for (const country of ['EE', 'FI', 'ES', 'SK']) {
        for (const rating of ['AA', 'A', 'B', 'C', 'D', 'E', 'F', 'HR']) expect(combos).toContain(`${country}:${rating}`);
      }
      const now = Date.now();
      for (const a of active) {
        expect(a.AuctionId).toMatch(GUID);
        expect(a.AppliedAmount).toBeGreaterThanOrEqual(500);
        expect(a.AppliedAmount).toBeLessThanOrEqual(10000);
        expect(a.Interest).toBeGreaterThanOrEqual(10);
        expect(a.Interest).toBeLessThanOrEqual(100);
        expect([3, 9, 12, 18, 24, 36, 48, 60]).toContain(a.LoanDuration);
        expect(a.RemainingAmount).toBeCloseTo(a.AppliedAmount - a.WinningBidsAmount, 2);
        expect(a.ActualCloseDate).toBeNull();
        expect(Date.parse(a.ListedOnUTC!)).toBeLessThanOrEqual(now);
        expect(Date.parse(a.PlannedCloseDate!)).toBeGreaterThan(now);
        expect(a.CreditScoreEeMini !== null).toBe(a.Country === 'EE');
        expect(a.CreditScoreFiAsiakasTietoRiskGrade !== null).toBe(a.Country === 'FI');
        expect(a.CreditScoreEsMicroL !== null && a.CreditScoreEsEquifaxRisk !== null).toBe(a.Country === 'ES');
        expect(a.Liabilities!.length).toBeLessThanOrEqual(4);
        expect(a.Debts!.length).toBeLessThanOrEqual(2);
        expect(a.BorrowerHistory).not.toBeNull();
      }
      for (const a of closed) {
        expect(a.ActualCloseDate).not.toBeNull();
        expect(Date.parse(a.ActualCloseDate!)).toBeLessThan(now);
      }
      const activeIds = new Set(ids(active));
      expect(closed.some((a) => activeIds.has(a.AuctionId))).toBe(false);
    });

    it('gives the demo investor bids on active and closed auctions, newest first', () => {
      const bids = sim.bidsOf(DEMO);
      expect(bids.length).toBeGreaterThanOrEqual(60);
      const activeIds = new Set(ids(sim.activeAuctions));
      const closedIds = new Set(ids(sim.closedAuctions));
      const onClosed = bids.filter((b) => closedIds.has(b.AuctionId));
      expect(new Set(onClosed.map((b) => b.AuctionId)).size).toBeGreaterThanOrEqual(15);
      for (const b of onClosed) expect([2, 3]).toContain(b.StatusCode);
      for (const b of onClosed.filter((x) => x.StatusCode === 3)) expect(b.FailureReason).toBeGreaterThan(0);
      for (const b of bids.filter((x) => activeIds.has(x.AuctionId))) expect([0, 1, 4]).toContain(b.StatusCode);
      expect(new Set(bids.map((b) => b.AuctionId)).size).toBeLessThan(bids.length);
      for (const b of bids) {
        expect(b.Id).toMatch(GUID);
        expect(b.RequestedBidAmount).toBeGreaterThanOrEqual(5);
        expect(b.RequestedBidAmount).toBeLessThanOrEqual(200);
      }
      const dates = bids.map((b) => b.BidRequestedDate!);
      expect(dates).toEqual([...dates].sort().reverse());
      expect(sim.bidsOf(OTHER)).toEqual([]);
    });

    it('is deterministic per seed and base time', () => {
      const base = new Date('2026-03-01T10:00:00Z');
      const a = new BondoraSimulator({ seed: 5, baseTime: base });
      const b = new BondoraSimulator({ seed: 5, baseTime: base });
      const c = new BondoraSimulator({ seed: 6, baseTime: base });
      expect(b.activeAuctions).toEqual(a.activeAuctions);
      expect(b.bidsOf(DEMO)).toEqual(a.bidsOf(DEMO));
      expect(ids(c.activeAuctions)).not.toEqual(ids(a.activeAuctions));
    });
  });

  describe('GET /api/v1/auctions', () => {
    it('wraps active auctions in the paged envelope with Auction fields only', async () => {
      const reply = await call<AuctionDto[]>(sim, '/api/v1/auctions');
      expect(reply.status).toBe(200);
      expect(Object.keys(reply.body)).toEqual(['PageSize', 'PageNr', 'TotalCount', 'Count', 'Payload', 'Success', 'Errors']);
      expect(reply.body).toMatchObject({ PageSize: 10000, PageNr: 1, Success: true, Errors: null });
      const active = sim.activeAuctions;
      expect(reply.body.TotalCount).toBe(active.length);
      expect(reply.body.Count).toBe(active.length);
      expect(ids(reply.body.Payload!)).toEqual(ids(active));
      const { Liabilities: _l, Debts: _d, BorrowerHistory: _h, ...expected } = active[0]!;
      expect(reply.body.Payload![0]).toEqual(expected);
      expect(Object.keys(reply.body.Payload![0]!)).toEqual(Object.keys(expected));
    });

    it('pages with TotalCount over all pages and Count for this page', async () => {
      const active = sim.activeAuctions;
      const page = await call<AuctionDto[]>(sim, '/api/v1/auctions?PageSize=50&PageNr=2');
      expect(page.body).toMatchObject({ PageSize: 50, PageNr: 2, TotalCount: active.length, Count: 50 });
      expect(ids(page.body.Payload!)).toEqual(ids(active.slice(50, 100)));
      const lastNr = Math.ceil(active.length / 50);
      const last = await call<AuctionDto[]>(sim, `/api/v1/auctions?PageSize=50&PageNr=${lastNr}`);
      expect(last.body.Count).toBe(active.length - 50 * (lastNr - 1));
      const beyond = await call<AuctionDto[]>(sim, `/api/v1/auctions?PageSize=50&PageNr=${lastNr + 1}`);
      expect(beyond.body).toMatchObject({ TotalCount: active.length, Count: 0, Payload: [] });
    });

    it('binds keys case-insensitively, with or without the request. prefix', async () => {
      for (const query of ['PageSize=7&PageNr=3', 'request.pageSize=7&request.pageNr=3', 'pagesize=7&PAGENR=3', 'Request.PageSize=7&pageNr=3']) {
        const reply = await call<AuctionDto[]>(sim, `/api/v1/auctions?${query}`);
        expect(reply.body, query).toMatchObject({ PageSize: 7, PageNr: 3, Count: 7 });
        expect(ids(reply.body.Payload!)).toEqual(ids(sim.activeAuctions.slice(14, 21)));
      }
    });

    it('binds arrays as repeated keys and as indexed keys', async () => {
      const expected = ids(sim.activeAuctions.filter((a) => a.Rating === 'A' || a.Rating === 'HR'));
      expect(expected.length).toBeGreaterThan(0);
      for (const query of ['Ratings=A&Ratings=HR', 'Ratings[0]=A&Ratings[1]=HR', 'request.ratings[1]=HR&request.ratings[0]=A', 'ratings=a&RATINGS=hr']) {
        const reply = await call<AuctionDto[]>(sim, `/api/v1/auctions?${query}`);
        expect(ids(reply.body.Payload!), query).toEqual(expected);
        expect(reply.body.TotalCount).toBe(expected.length);
      }
    });

    const filters: Array<[string, (a: AuctionExtendedDto) => boolean]> = [
      ['Countries=EE&Countries=FI', (a) => a.Country === 'EE' || a.Country === 'FI'],
      ['Countries=ES&Ratings=B', (a) => a.Country === 'ES' && a.Rating === 'B'],
      ['Terms=12&Terms=60', (a) => a.LoanDuration === 12 || a.LoanDuration === 60],
      ['SumMin=2000&SumMax=5000', (a) => a.AppliedAmount >= 2000 && a.AppliedAmount <= 5000],
      ['InterestMin=20.5&InterestMax=40', (a) => a.Interest >= 20.5 && a.Interest <= 40],
      ['AgeMin=30&AgeMax=40', (a) => a.Age >= 30 && a.Age <= 40],
      ['Gender=1', (a) => a.Gender === 1],
      ['ExpectedLossMin=0.1&ExpectedLossMax=0.2', (a) => a.ExpectedLoss >= 0.1 && a.ExpectedLoss <= 0.2],
      ['IncomeTotalMin=1500&IncomeTotalMax=2500', (a) => a.IncomeTotal >= 1500 && a.IncomeTotal <= 2500],
      ['CreditScoresEeMini=1000&CreditScoresEeMini=500', (a) => a.CreditScoreEeMini === '1000' || a.CreditScoreEeMini === '500'],
    ];
    it.each(filters)('filters by %s', async (query, predicate) => {
      const expected = ids(sim.activeAuctions.filter(predicate));
      expect(expected.length).toBeGreaterThan(0);
      expect(expected.length).toBeLessThan(sim.activeAuctions.length);
      const reply = await call<AuctionDto[]>(sim, `/api/v1/auctions?${query}`);
      expect(reply.status).toBe(200);
      expect(ids(reply.body.Payload!)).toEqual(expected);
      expect(reply.body.TotalCount).toBe(expected.length);
    });

    it('filters by LoanNumber, UserName and the ListedOnUTC window', async () => {
      const target = sim.activeAuctions[17]!;
      const byNumber = await call<AuctionDto[]>(sim, `/api/v1/auctions?LoanNumber=${target.LoanNumber}`);
      expect(ids(byNumber.body.Payload!)).toEqual([target.AuctionId]);
      const byName = await call<AuctionDto[]>(sim, `/api/v1/auctions?userName=${target.UserName.toLowerCase()}`);
      expect(ids(byName.body.Payload!)).toEqual([target.AuctionId]);
      const active = sim.activeAuctions;
      const from = active[40]!.ListedOnUTC!;
      const to = active[10]!.ListedOnUTC!;
      const window = await call<AuctionDto[]>(
        sim,
        `/api/v1/auctions?ListedOnUTCFrom=${encodeURIComponent(from)}&request.listedOnUTCTo=${encodeURIComponent(to)}`,
      );
      expect(ids(window.body.Payload!)).toEqual(ids(active.slice(10, 41)));
    });

    it.each([
      ['PageSize=abc', "The value 'abc' is not valid for PageSize."],
      ['PageNr=0', 'PageNr must be between 1 and 2147483647.'],
      ['PageSize=0', 'PageSize must be between 1 and 20000.'],
      ['PageSize=20001', 'PageSize must be between 1 and 20000.'],
      ['Terms=12&Terms=long', "The value 'long' is not valid for Terms."],
      ['InterestMin=1,5', "The value '1,5' is not valid for InterestMin."],
      ['ListedOnUTCFrom=yesterday', "The value 'yesterday' is not valid for ListedOnUTCFrom."],
    ])('rejects %s with 400', async (query, message) => {
      const reply = await call(sim, `/api/v1/auctions?${query}`);
      expect(reply.status).toBe(400);
      expect(firstError(reply)).toEqual({ Code: 400, Message: message, Details: null });
    });

    it('accepts the largest page size', async () => {
      const reply = await call<AuctionDto[]>(sim, '/api/v1/auctions?PageSize=20000');
      expect(reply.status).toBe(200);
    });
  });

  describe('GET /api/v1/auction/{id}', () => {
    it('returns the extended auction, detail-only fields first', async () => {
      const auction = sim.activeAuctions[3]!;
      const reply = await call<AuctionExtendedDto>(sim, `/api/v1/auction/${auction.AuctionId}`);
      expect(reply.status).toBe(200);
      expect(Object.keys(reply.body)).toEqual(['Payload', 'Success', 'Errors']);
      expect(reply.body.Payload).toEqual(auction);
      expect(Object.keys(reply.body.Payload!).slice(0, 4)).toEqual(['Liabilities', 'Debts', 'BorrowerHistory', 'LoanId']);
    });

    it('finds closed auctions that the list never shows', async () => {
      const closed = sim.closedAuctions[0]!;
      const list = await call<AuctionDto[]>(sim, '/api/v1/auctions');
      expect(ids(list.body.Payload!)).not.toContain(closed.AuctionId);
      const reply = await call<AuctionExtendedDto>(sim, `/api/v1/auction/${closed.AuctionId.toUpperCase()}`);
      expect(reply.status).toBe(200);
      expect(reply.body.Payload!.AuctionId).toBe(closed.AuctionId);
      expect(reply.body.Payload!.ActualCloseDate).not.toBeNull();
    });

    it('answers 404 for an unknown id and 400 for a malformed one', async () => {
      const missing = await call(sim, `/api/v1/auction/${UNKNOWN_ID}`);
      expect(missing.status).toBe(404);
      expect(firstError(missing)).toMatchObject({ Code: 404, Message: 'Auction with the provided ID was not found' });
      for (const bad of ['not-a-guid', '00000000-0000-0000-0000-000000000000', '']) {
        const reply = await call(sim, `/api/v1/auction/${bad}`);
        expect(reply.status, bad).toBe(400);
        expect(firstError(reply).Message).toBe('Auction ID is not provided');
      }
    });
  });

  describe('authentication', () => {
    it('answers 401 "Missing token" without a bearer token', async () => {
      const variants: Array<Record<string, string>> = [{}, { authorization: 'Basic Zm9vOmJhcg==' }, { authorization: 'Bearer ' }];
      for (const headers of variants) {
        const reply = await call(sim, '/api/v1/auctions', { token: null, headers });
        expect(reply.status).toBe(401);
        const error = firstError(reply);
        expect(error.Code).toBe(401);
        expect(error.Message).toBe('Missing token');
        expect(error.Details).toContain('/oauth/access_token');
        expect(error.Details).toContain('Bearer {access_token}');
      }
    });

    it('answers 401 "Invalid token" for an unknown token on every route', async () => {
      const paths: Array<[string, string]> = [
        ['GET', '/api/v1/auctions'],
        ['GET', `/api/v1/auction/${UNKNOWN_ID}`],
        ['GET', '/api/v1/bids'],
        ['GET', `/api/v1/bid/${UNKNOWN_ID}`],
        ['POST', '/api/v1/bid'],
        ['POST', `/api/v1/bid/${UNKNOWN_ID}/cancel`],
      ];
      for (const [method, path] of paths) {
        const reply = await call(sim, path, { method, token: 'nope-not-a-token' });
        expect(reply.status, path).toBe(401);
        expect(firstError(reply).Message).toBe('Invalid token');
      }
    });

    it('accepts the extra tokens as separate investors', async () => {
      const reply = await call<BidSummaryDto[]>(sim, '/api/v1/bids', { token: OTHER });
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({ TotalCount: 0, Count: 0, Payload: [] });
    });
  });

  describe('investors', () => {
    it('seeds the demo investor and two more, each with their own static token and a handful of bids', async () => {
      expect(BondoraSimulator.INVESTORS.map((i) => i.id)).toEqual(['demo-investor', 'second-investor', 'third-investor']);
      expect(DEMO_INVESTOR.token).toBe(DEMO);
      const auctionIds = new Set([...ids(sim.activeAuctions), ...ids(sim.closedAuctions)]);
      const seen = new Set<string>();
      for (const investor of BondoraSimulator.INVESTORS) {
        expect(investor.token).toHaveLength(DEMO.length);
        expect(sim.investorOf(investor.token)).toEqual(investor);
        const own = sim.bidsOf(investor.token);
        if (investor !== DEMO_INVESTOR) {
          expect(own.length).toBeGreaterThanOrEqual(6);
          expect(own.length).toBeLessThanOrEqual(12);
        }
        for (const bid of own) {
          expect(auctionIds).toContain(bid.AuctionId);
          expect(seen).not.toContain(bid.Id);
          seen.add(bid.Id);
        }
        expect(await listedBidIds(sim, investor.token)).toEqual(own.map((b) => b.Id));
      }
      expect(sim.investorOf(OTHER)).toBeUndefined();
      expect(sim.investorOf('nope-not-a-token')).toBeUndefined();
    });

    it('is deterministic per seed for every investor', () => {
      const base = new Date('2026-03-01T10:00:00Z');
      const a = new BondoraSimulator({ seed: 5, baseTime: base });
      const b = new BondoraSimulator({ seed: 5, baseTime: base });
      for (const investor of BondoraSimulator.INVESTORS) expect(b.bidsOf(investor.token)).toEqual(a.bidsOf(investor.token));
      expect(a.bidsOf(SECOND.token)).not.toEqual(a.bidsOf(THIRD.token));
    });

    it('counts UserBids and UserBidAmount per investor', async () => {
      const live = sim.bidsOf(SECOND.token).find((b) => b.StatusCode === 0 || b.StatusCode === 1)!;
      const expected = (token: string) => {
        const counted = sim.bidsOf(token).filter((b) => b.AuctionId === live.AuctionId && b.StatusCode !== 3 && b.StatusCode !== 4);
        return { UserBids: counted.length, UserBidAmount: counted.reduce((sum, b) => Math.round((sum + b.RequestedBidAmount) * 100) / 100, 0) };
      };
      for (const investor of BondoraSimulator.INVESTORS) {
        const detail = await call<AuctionExtendedDto>(sim, `/api/v1/auction/${live.AuctionId}`, { token: investor.token });
        expect(detail.body.Payload, investor.id).toMatchObject(expected(investor.token));
      }
      expect(expected(SECOND.token).UserBids).toBeGreaterThan(0);
    });

    it('answers 403 for another investor’s bid and lets no one else cancel it', async () => {
      const theirs = sim.bidsOf(SECOND.token).find((b) => b.StatusCode === 0 || b.StatusCode === 1)!;
      for (const token of [DEMO, THIRD.token, OTHER]) {
        const read = await call(sim, `/api/v1/bid/${theirs.Id}`, { token });
        expect(read.status).toBe(403);
        const cancel = await call(sim, `/api/v1/bid/${theirs.Id}/cancel`, { method: 'POST', token });
        expect(cancel.status).toBe(403);
        expect(firstError(cancel).Message).toBe('The user has no rights to cancel the Bid');
      }
      expect(sim.bidsOf(SECOND.token).find((b) => b.Id === theirs.Id)).toEqual(theirs);
      const demoBid = sim.bidsOf(DEMO)[0]!;
      expect((await call(sim, `/api/v1/bid/${demoBid.Id}`, { token: THIRD.token })).status).toBe(403);
      expect((await call(sim, `/api/v1/bid/${theirs.Id}/cancel`, { method: 'POST', token: SECOND.token })).status).toBe(202);
    });

    it('places a bid for the investor whose token sent it', async () => {
      const auction = sim.activeAuctions[0]!;
      const placed = await call<BidResponseDto[]>(sim, '/api/v1/bid', {
        method: 'POST',
        token: THIRD.token,
        body: { Bids: [{ AuctionId: auction.AuctionId, Amount: 10 }] },
      });
      const id = placed.body.Payload![0]!.Id;
      expect(await listedBidIds(sim, THIRD.token)).toContain(id);
      expect(await listedBidIds(sim, SECOND.token)).not.toContain(id);
      expect(sim.bidsOf(DEMO).map((b) => b.Id)).not.toContain(id);
    });
  });

  describe('OAuth', () => {
    it('authorize without investor answers a page linking each investor to the same request', async () => {
      const { res, html, links } = await consentLinks(sim);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(html).not.toContain('<a>');
      expect(html).not.toContain(STATE);
      expect(links.map((l) => l.name)).toEqual(BondoraSimulator.INVESTORS.map((i) => i.name));
      const original = [...authorizeQuery().entries()];
      for (const [i, link] of links.entries()) {
        expect(`${link.url.origin}${link.url.pathname}`).toBe(`${sim.url}/oauth/authorize`);
        const params = [...link.url.searchParams.entries()];
        expect(params.filter(([key]) => key !== 'investor')).toEqual(original);
        expect(link.url.searchParams.getAll('investor')).toEqual([BondoraSimulator.INVESTORS[i]!.id]);
      }

      const consent = await fetch(links[1]!.url, { redirect: 'manual' });
      expect(consent.status).toBe(302);
      const back = new URL(consent.headers.get('location')!);
      expect(`${back.origin}${back.pathname}`).toBe('http://127.0.0.1:1/cb');
      expect(back.searchParams.get('app')).toBe('one');
      expect(back.searchParams.get('state')).toBe(STATE);
      expect(back.searchParams.get('code')).toMatch(/^[\w-]{20,}$/);
    });

    it('gives each investor’s tokens their own bids, also after a refresh', async () => {
      const second = await connect(sim, SECOND.id);
      const third = await connect(sim, THIRD.id);
      const flows = [[second, SECOND], [third, THIRD]] as const;
      const own = (investor: BondoraInvestor) => sim.bidsOf(investor.token).map((b) => b.Id);
      expect(own(SECOND)).not.toEqual(own(THIRD));
      for (const [tokens, investor] of flows) {
        expect(await listedBidIds(sim, tokens.access_token)).toEqual(own(investor));
        expect(sim.investorOf(tokens.access_token)).toEqual(investor);
        expect(sim.oauth.accountOf(tokens.access_token)).toBe(investor.token);
        expect(sim.oauth.accountOfRefreshToken(tokens.refresh_token)).toBe(investor.token);
      }

      sim.oauth.expireAccessTokens();
      for (const [tokens, investor] of flows) {
        expect((await call(sim, '/api/v1/bids', { token: tokens.access_token })).status).toBe(401);
        const refresh = await tokenRequest(sim, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
        expect(refresh.status).toBe(200);
        const refreshed = (await refresh.json()) as { access_token: string };
        expect(await listedBidIds(sim, refreshed.access_token)).toEqual(own(investor));
        expect(sim.investorOf(refreshed.access_token)).toEqual(investor);
        const other = investor === SECOND ? THIRD : SECOND;
        expect((await call(sim, `/api/v1/bid/${sim.bidsOf(other.token)[0]!.Id}`, { token: refreshed.access_token })).status).toBe(403);
      }
    });

    it('answers 400 without redirecting for an unknown investor or a wrong client', async () => {
      for (const query of [
        authorizeQuery({ investor: 'nobody' }),
        authorizeQuery({ investor: '' }),
        authorizeQuery({ investor: SECOND.id, client_id: 'someone-else' }),
        authorizeQuery({ investor: SECOND.id, redirect_uri: 'https://evil.example/cb' }),
        authorizeQuery({ client_id: 'someone-else' }),
      ]) {
        const res = await fetch(`${sim.url}/oauth/authorize?${query.toString()}`, { redirect: 'manual' });
        expect(res.status, query.toString()).toBe(400);
        expect(res.headers.get('location')).toBeNull();
      }
    });

    it('redirects response_type and scope errors before asking for an investor', async () => {
      for (const [extra, error] of [
        [{ response_type: 'token' }, 'unsupported_response_type'],
        [{ scope: 'BidsRead Nope' }, 'invalid_scope'],
      ] as const) {
        const res = await fetch(`${sim.url}/oauth/authorize?${authorizeQuery(extra).toString()}`, { redirect: 'manual' });
        expect(res.status).toBe(302);
        expect(new URL(res.headers.get('location')!).searchParams.get('error')).toBe(error);
      }
    });

    it('revoke makes that access token answer 401 and leaves the others', async () => {
      const second = await connect(sim, SECOND.id);
      const third = await connect(sim, THIRD.id);
      const revoke = (token: string) => call(sim, '/oauth/access_token/revoke', { method: 'POST', token });
      const revoked = await revoke(second.access_token);
      expect(revoked.status).toBe(202);
      expect(revoked.body).toEqual({ Success: true, Errors: null });
      const after = await call(sim, '/api/v1/bids', { token: second.access_token });
      expect(after.status).toBe(401);
      expect(firstError(after).Message).toBe('Invalid token');
      expect(sim.oauth.accountOf(second.access_token)).toBeUndefined();
      expect((await revoke(second.access_token)).status).toBe(401);
      expect(await listedBidIds(sim, third.access_token)).toEqual(sim.bidsOf(THIRD.token).map((b) => b.Id));
    });
  });

  describe('bids', () => {
    it('lists the caller’s bids in the paged envelope', async () => {
      const own = sim.bidsOf(DEMO);
      const reply = await call<BidSummaryDto[]>(sim, '/api/v1/bids?PageSize=20&PageNr=2');
      expect(Object.keys(reply.body)).toEqual(['PageSize', 'PageNr', 'TotalCount', 'Count', 'Payload', 'Success', 'Errors']);
      expect(reply.body).toMatchObject({ PageSize: 20, PageNr: 2, TotalCount: own.length, Count: 20, Errors: null });
      expect(reply.body.Payload).toEqual(own.slice(20, 40));
    });

    it('filters by BidStatusCode, bidStatus and the request date window', async () => {
      const own = sim.bidsOf(DEMO);
      const open = own.filter((b) => b.StatusCode === 1);
      expect(open.length).toBeGreaterThan(0);
      for (const query of ['BidStatusCode=1', 'bidStatus=1', 'request.bidStatusCode=1', 'BIDSTATUS=1']) {
        const reply = await call<BidSummaryDto[]>(sim, `/api/v1/bids?${query}`);
        expect(reply.body.Payload, query).toEqual(open);
      }
      const start = own[30]!.BidRequestedDate!;
      const end = own[5]!.BidRequestedDate!;
      for (const query of [`StartDate=${encodeURIComponent(start)}&EndDate=${encodeURIComponent(end)}`, `startDate=${encodeURIComponent(start)}&endDate=${encodeURIComponent(end)}`]) {
        const reply = await call<BidSummaryDto[]>(sim, `/api/v1/bids?${query}`);
        expect(reply.body.Payload).toEqual(own.slice(5, 31));
      }
      const bad = await call(sim, '/api/v1/bids?bidStatus=open');
      expect(bad.status).toBe(400);
      expect(firstError(bad).Message).toBe("The value 'open' is not valid for BidStatusCode.");
    });

    it('gets one bid; 404 when unknown, 403 when another investor’s, 400 when malformed', async () => {
      const bid = sim.bidsOf(DEMO)[7]!;
      const reply = await call<BidSummaryDto>(sim, `/api/v1/bid/${bid.Id}`);
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual({ Payload: bid, Success: true, Errors: null });
      expect(Object.keys(reply.body.Payload!)).toEqual([
        'Id', 'AuctionId', 'RequestedBidAmount', 'ActualBidAmount', 'RequestedBidMinimumLimit',
        'BidRequestedDate', 'BidProcessedDate', 'IsRequestBeingProcessed', 'StatusCode', 'FailureReason',
      ]);
      const missing = await call(sim, `/api/v1/bid/${UNKNOWN_ID}`);
      expect(missing.status).toBe(404);
      expect(firstError(missing).Message).toBe('Bid with specified ID is not found');
      const foreign = await call(sim, `/api/v1/bid/${bid.Id}`, { token: OTHER });
      expect(foreign.status).toBe(403);
      expect(firstError(foreign).Code).toBe(403);
      const malformed = await call(sim, '/api/v1/bid/12345');
      expect(malformed.status).toBe(400);
      expect(firstError(malformed).Message).toBe('No Bid id specified');
    });

    it('places a bid, lists it as pending, cancels it once, then refuses with 409', async () => {
      const auction = sim.activeAuctions.find((a) => a.UserBids === 0)!;
      const placed = await call<BidResponseDto[]>(sim, '/api/v1/bid', {
        method: 'POST',
        body: { Bids: [{ AuctionId: auction.AuctionId, Amount: 12.5, MinAmount: 5 }] },
      });
      expect(placed.status).toBe(202);
      expect(placed.body.Success).toBe(true);
      expect(placed.body.Errors).toBeNull();
      const [response] = placed.body.Payload!;
      expect(response).toEqual({ Id: expect.stringMatching(GUID), AuctionId: auction.AuctionId, Amount: 12.5, MinAmount: null });

      const listed = await call<BidSummaryDto[]>(sim, '/api/v1/bids?BidStatusCode=0');
      const mine = listed.body.Payload!.find((b) => b.Id === response!.Id);
      expect(mine).toMatchObject({ AuctionId: auction.AuctionId, RequestedBidAmount: 12.5, StatusCode: 0, IsRequestBeingProcessed: true, FailureReason: 0 });
      expect(listed.body.Payload![0]!.Id).toBe(response!.Id);
      const detail = await call<AuctionExtendedDto>(sim, `/api/v1/auction/${auction.AuctionId}`);
      expect(detail.body.Payload).toMatchObject({ UserBids: 1, UserBidAmount: 12.5 });
      const seenByOther = await call<AuctionExtendedDto>(sim, `/api/v1/auction/${auction.AuctionId}`, { token: OTHER });
      expect(seenByOther.body.Payload).toMatchObject({ UserBids: 0, UserBidAmount: 0 });

      const foreign = await call(sim, `/api/v1/bid/${response!.Id}/cancel`, { method: 'POST', token: OTHER });
      expect(foreign.status).toBe(403);
      expect(firstError(foreign).Message).toBe('The user has no rights to cancel the Bid');

      const cancelled = await call(sim, `/api/v1/bid/${response!.Id}/cancel`, { method: 'POST' });
      expect(cancelled.status).toBe(202);
      expect(cancelled.body).toEqual({ Success: true, Errors: null });
      const after = await call<BidSummaryDto>(sim, `/api/v1/bid/${response!.Id}`);
      expect(after.body.Payload).toMatchObject({ StatusCode: 4, IsRequestBeingProcessed: false });

      const again = await call(sim, `/api/v1/bid/${response!.Id}/cancel`, { method: 'POST' });
      expect(again.status).toBe(409);
      expect(firstError(again)).toEqual({ Code: 409, Message: 'Can not cancel Bid.', Details: null });
      const unknown = await call(sim, `/api/v1/bid/${UNKNOWN_ID}/cancel`, { method: 'POST' });
      expect(unknown.status).toBe(404);
      expect(firstError(unknown).Message).toBe('Bid with specified ID is not found');
    });

    it('cancels an open seeded bid but not a successful one', async () => {
      const own = sim.bidsOf(DEMO);
      const open = own.find((b) => b.StatusCode === 1)!;
      const won = own.find((b) => b.StatusCode === 2)!;
      expect((await call(sim, `/api/v1/bid/${open.Id}/cancel`, { method: 'POST' })).status).toBe(202);
      expect(sim.bidsOf(DEMO).find((b) => b.Id === open.Id)!.StatusCode).toBe(4);
      expect((await call(sim, `/api/v1/bid/${won.Id}/cancel`, { method: 'POST' })).status).toBe(409);
    });

    it('fails a bid on a closed auction with AuctionIsClosed', async () => {
      const closed = sim.closedAuctions[2]!;
      const placed = await call<BidResponseDto[]>(sim, '/api/v1/bid', {
        method: 'POST',
        body: { bids: [{ auctionId: closed.AuctionId, amount: '20' }] },
      });
      expect(placed.status).toBe(202);
      const bid = await call<BidSummaryDto>(sim, `/api/v1/bid/${placed.body.Payload![0]!.Id}`);
      expect(bid.body.Payload).toMatchObject({ StatusCode: 3, FailureReason: 6, IsRequestBeingProcessed: false, RequestedBidAmount: 20 });
    });

    it('rejects the whole batch when one auction is unknown', async () => {
      const before = sim.bidsOf(DEMO).length;
      const reply = await call(sim, '/api/v1/bid', {
        method: 'POST',
        body: { Bids: [{ AuctionId: sim.activeAuctions[0]!.AuctionId, Amount: 10 }, { AuctionId: UNKNOWN_ID, Amount: 10 }] },
      });
      expect(reply.status).toBe(404);
      expect(firstError(reply).Message).toBe('Auction with specified ID is not found');
      expect(sim.bidsOf(DEMO)).toHaveLength(before);
    });

    it('rejects empty and oversized batches and unsupported media types', async () => {
      for (const body of [{}, { Bids: [] }, { Bids: null }]) {
        const reply = await call(sim, '/api/v1/bid', { method: 'POST', body });
        expect(reply.status).toBe(400);
        expect(firstError(reply).Message).toBe('No bids specified');
      }
      const noBody = await call(sim, '/api/v1/bid', { method: 'POST' });
      expect(firstError(noBody).Message).toBe('No bids specified');
      const auctionId = sim.activeAuctions[0]!.AuctionId;
      const tooMany = await call(sim, '/api/v1/bid', {
        method: 'POST',
        body: { Bids: Array.from({ length: 101 }, () => ({ AuctionId: auctionId, Amount: 5 })) },
      });
      expect(tooMany.status).toBe(400);
      expect(firstError(tooMany).Message).toBe('Too many items. Max items 100');
      const negative = await call(sim, '/api/v1/bid', { method: 'POST', body: { Bids: [{ AuctionId: auctionId, Amount: -5 }] } });
      expect(negative.status).toBe(400);
      const text = await call(sim, '/api/v1/bid', {
        method: 'POST',
        body: JSON.stringify({ Bids: [{ AuctionId: auctionId, Amount: 5 }] }),
        headers: { 'content-type': 'text/plain' },
      });
      expect(text.status).toBe(415);
      const broken = await call(sim, '/api/v1/bid', { method: 'POST', body: '{"Bids":[', headers: { 'content-type': 'application/json' } });
      expect(broken.status).toBe(400);
      expect(firstError(broken).Code).toBe(400);
    });

    it('accepts form-urlencoded bids', async () => {
      const [a, b] = sim.activeAuctions;
      const form = new URLSearchParams({
        'Bids[0][AuctionId]': a!.AuctionId,
        'Bids[0][Amount]': '15',
        'Bids[1].AuctionId': b!.AuctionId,
        'Bids[1].Amount': '7.5',
      });
      const reply = await call<BidResponseDto[]>(sim, '/api/v1/bid', {
        method: 'POST',
        body: form.toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(reply.status).toBe(202);
      expect(reply.body.Payload!.map((r) => [r.AuctionId, r.Amount])).toEqual([[a!.AuctionId, 15], [b!.AuctionId, 7.5]]);
    });

    it('turns pending bids into open ones after bidProcessingMs', async () => {
      const quick = new BondoraSimulator({ bidProcessingMs: 0 });
      await quick.start();
      try {
        const placed = await call<BidResponseDto[]>(quick, '/api/v1/bid', {
          method: 'POST',
          body: { Bids: [{ AuctionId: quick.activeAuctions[0]!.AuctionId, Amount: 10 }] },
        });
        const bid = await call<BidSummaryDto>(quick, `/api/v1/bid/${placed.body.Payload![0]!.Id}`);
        expect(bid.body.Payload).toMatchObject({ StatusCode: 1, IsRequestBeingProcessed: false, ActualBidAmount: 10 });
      } finally {
        await quick.stop();
      }
    });
  });

  describe('HTTP surface', () => {
    it('answers 405 for a wrong method and 404 for an unknown path, both enveloped', async () => {
      const wrong = await call(sim, '/api/v1/auctions', { method: 'DELETE' });
      expect(wrong.status).toBe(405);
      expect(firstError(wrong).Code).toBe(405);
      const getOnPost = await call(sim, '/api/v1/bid');
      expect(getOnPost.status).toBe(405);
      const unknown = await call(sim, '/api/v1/nothing-here');
      expect(unknown.status).toBe(404);
      expect(firstError(unknown).Code).toBe(404);
    });

    it('gzips when asked', async () => {
      const res = await fetch(`${sim.url}/api/v1/auctions?PageSize=5`, {
        headers: { authorization: `Bearer ${DEMO}`, 'accept-encoding': 'gzip' },
      });
      expect(res.headers.get('content-encoding')).toBe('gzip');
      const body = (await res.json()) as Envelope<AuctionDto[]>;
      expect(body.Count).toBe(5);
      const plain = await fetch(`${sim.url}/api/v1/auctions?PageSize=5`, {
        headers: { authorization: `Bearer ${DEMO}`, 'accept-encoding': 'identity' },
      });
      expect(plain.headers.get('content-encoding')).toBeNull();
    });

    it('records requests in the log with route names', async () => {
      await call(sim, '/api/v1/auctions?Ratings=A');
      await call(sim, `/api/v1/auction/${UNKNOWN_ID}`);
      await call(sim, '/api/v1/nowhere');
      const [list] = sim.router.calls('auctions.list');
      expect(list).toMatchObject({ method: 'GET', path: '/api/v1/auctions', query: 'Ratings=A', status: 200 });
      expect(list!.headers.authorization).toBe(`Bearer ${DEMO}`);
      expect(sim.router.calls('auction.get')).toHaveLength(1);
      expect(sim.router.calls('auction.get')[0]!.status).toBe(404);
      expect(sim.router.calls('unmatched')).toHaveLength(1);
      expect(sim.router.routeNames).toEqual([
        'oauth.authorize',
        'oauth.token',
        'oauth.revoke',
        'auctions.list',
        'auction.get',
        'bids.list',
        'bid.get',
        'bid.place',
        'bid.cancel',
        'account.balance',
        'account.investments',
        'eventlog.list',
        'secondarymarket.search',
        'secondarymarket.list',
        'secondarymarket.buy',
        'secondarymarket.sell',
        'secondarymarket.cancel',
        'secondarymarket.get',
        'secondarymarket.item.cancel',
        'loanpart.list',
        'loanpart.get',
      ]);
    });

    it('reset() drops placed bids, the log and faults', async () => {
      const before = sim.bidsOf(DEMO);
      await call(sim, '/api/v1/bid', { method: 'POST', body: { Bids: [{ AuctionId: sim.activeAuctions[0]!.AuctionId, Amount: 10 }] } });
      sim.router.setFault('bids.list', { status: 500 });
      sim.reset();
      expect(sim.bidsOf(DEMO)).toEqual(before);
      expect(sim.router.calls()).toHaveLength(0);
      expect((await call(sim, '/api/v1/bids')).status).toBe(200);
    });
  });

  describe('faults', () => {
    it('injects a status with a Bondora-shaped body, for a limited number of times', async () => {
      sim.router.setFault('auctions.list', { status: 503, times: 2 });
      for (let i = 0; i < 2; i++) {
        const reply = await call(sim, '/api/v1/auctions');
        expect(reply.status).toBe(503);
        expect(firstError(reply).Code).toBe(503);
      }
      expect((await call(sim, '/api/v1/auctions')).status).toBe(200);
      expect((await call(sim, '/api/v1/bids')).status).toBe(200);
    });

    it('injects latency and malformed bodies', async () => {
      sim.router.setFault('bids.list', { latencyMs: 120, times: 1 });
      const started = Date.now();
      expect((await call(sim, '/api/v1/bids')).status).toBe(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(110);
      sim.router.setFault('bid.get', { malformed: true, times: 1 });
      const res = await fetch(`${sim.url}/api/v1/bid/${UNKNOWN_ID}`, { headers: { authorization: `Bearer ${DEMO}` } });
      expect(res.status).toBe(200);
      await expect(res.json()).rejects.toThrow();
    });

    it('takes faults through the HTTP control API', async () => {
      const put = await fetch(`${sim.url}/__sim/faults/auctions.list`, {
        method: 'PUT',
        body: JSON.stringify({ status: 429, retryAfterSeconds: 7, times: 1 }),
      });
      expect(put.status).toBe(200);
      const limited = await call(sim, '/api/v1/auctions');
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('7');
      expect(firstError(limited).Code).toBe(429);
      expect((await call(sim, '/api/v1/auctions')).status).toBe(200);
      const log = (await (await fetch(`${sim.url}/__sim/log`)).json()) as Array<{ route: string; status: number }>;
      expect(log.filter((e) => e.route === 'auctions.list').map((e) => e.status)).toEqual([429, 200]);
    });
  });
});

describe('BondoraSimulator rate limits', () => {
  const sim = new BondoraSimulator({ rateLimits: true, tokens: [OTHER] });

  beforeAll(async () => {
    await sim.start();
  });
  afterAll(async () => {
    await sim.stop();
  });

  it('allows 1 per Second per token and route, then 429 with Retry-After', async () => {
    const first = await call(sim, '/api/v1/auctions?PageSize=1');
    expect(first.status).toBe(200);
    const second = await call(sim, '/api/v1/auctions?PageSize=1');
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toBe('1');
    expect(firstError(second)).toEqual({
      Code: 429,
      Message: 'API calls quota exceeded! maximum admitted 1 per Second.',
      Details: 'Retry after 1 second(s).',
    });
    // Another investor and another route each have their own budget.
    expect((await call(sim, '/api/v1/auctions?PageSize=1', { token: OTHER })).status).toBe(200);
    expect((await call(sim, '/api/v1/bids?PageSize=1')).status).toBe(200);
    // The window resets after its period.
    await new Promise((resolve) => setTimeout(resolve, 1050));
    expect((await call(sim, '/api/v1/auctions?PageSize=1')).status).toBe(200);
  });

  it('does not charge requests rejected with 401', async () => {
    const path = `/api/v1/auction/${UNKNOWN_ID}`;
    expect((await call(sim, path, { token: 'bad-token' })).status).toBe(401);
    expect((await call(sim, path, { token: null })).status).toBe(401);
    expect((await call(sim, path)).status).toBe(404);
    expect((await call(sim, path)).status).toBe(429);
  });

  it('takes a limit table per route and names the period', async () => {
    const hourly = new BondoraSimulator({ rateLimits: { 'bids.list': { limit: 2, periodSeconds: 3600 } } });
    await hourly.start();
    try {
      expect((await call(hourly, '/api/v1/bids')).status).toBe(200);
      expect((await call(hourly, '/api/v1/bids')).status).toBe(200);
      const third = await call(hourly, '/api/v1/bids');
      expect(third.status).toBe(429);
      const retryAfter = Number(third.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(3590);
      expect(retryAfter).toBeLessThanOrEqual(3600);
      expect(firstError(third).Message).toBe('API calls quota exceeded! maximum admitted 2 per Hour.');
      expect(firstError(third).Details).toBe(`Retry after ${retryAfter} second(s).`);
      // Routes without an override keep the documented 1 per Second.
      expect((await call(hourly, '/api/v1/auctions')).status).toBe(200);
      expect((await call(hourly, '/api/v1/auctions')).status).toBe(429);
    } finally {
      await hourly.stop();
    }
  });
});
