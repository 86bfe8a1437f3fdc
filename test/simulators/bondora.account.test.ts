import http from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type {
  BondoraApiError,
  EventLogItemDto,
  LoanPartDetailsDto,
  MyAccountBalanceDto,
  MyInvestmentItemDto,
  SecondMarketItemDto,
  SecondMarketItemSummaryDto,
  SecondMarketSaleResponseDto,
} from '../../src/upstream/bondora/bondora.dto.js';
import { BondoraSimulator, type BondoraInvestor } from '../../src/simulators/bondora/bondora.simulator.js';
import { WebhookReceiver } from './webhook.receiver.js';

// The investor side of the Bondora simulator over real HTTP: balance, investments, event log,
// secondary market (list, get, /list, buy, sell, cancel), loan parts, per-investor isolation, 202
// effects, and the documented hourly limits.

const DEMO = BondoraSimulator.DEMO_TOKEN;
const [, SECOND_INVESTOR, THIRD_INVESTOR] = BondoraSimulator.INVESTORS as [BondoraInvestor, BondoraInvestor, BondoraInvestor];
const SECOND = SECOND_INVESTOR.token;
const THIRD = THIRD_INVESTOR.token;
const UNKNOWN_ID = '11111111-2222-4333-8444-555555555555';
const CALLBACK = 'http://127.0.0.1:1/cb';

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
  init: { method?: string; token?: string; body?: unknown; form?: string } = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = { authorization: `Bearer ${init.token ?? DEMO}` };
  let body: string | undefined;
  if (init.form !== undefined) {
    body = init.form;
    headers['content-type'] = 'application/x-www-form-urlencoded';
  } else if (init.body !== undefined) {
    body = JSON.stringify(init.body);
    headers['content-type'] = 'application/json';
  }
  const res = await fetch(`${sim.url}${path}`, { method: init.method ?? (body === undefined ? 'GET' : 'POST'), headers, body });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as Envelope<T> };
}

/** GET with a JSON body, as Bondora's /list endpoints also accept (fetch refuses bodies on GET). */
function getWithBody<T>(sim: BondoraSimulator, path: string, body: unknown, token = DEMO): Promise<Reply<T>> {
  const url = new URL(path, sim.url);
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: 'GET', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const headers = new Headers();
          for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') headers.set(k, v);
          resolve({ status: res.statusCode ?? 0, headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Envelope<T> });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

function error(reply: Reply<unknown>): BondoraApiError {
  expect(reply.body.Success).toBe(false);
  expect(reply.body.Payload).toBeUndefined();
  expect(reply.body.Errors).toHaveLength(1);
  return reply.body.Errors![0]!;
}

async function expectError(reply: Promise<Reply<unknown>>, status: number, message: string): Promise<BondoraApiError> {
  const r = await reply;
  expect(r.status).toBe(status);
  const e = error(r);
  expect(e).toMatchObject({ Code: status, Message: message });
  return e;
}

/** Consent as `investor` with `scope`, then the code exchange: the access token. */
async function oauthToken(sim: BondoraSimulator, investor: string, scope = 'BidsRead BidsEdit'): Promise<string> {
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: BondoraSimulator.DEMO_CLIENT_ID,
    scope,
    redirect_uri: CALLBACK,
    investor,
  });
  const consent = await fetch(`${sim.url}/oauth/authorize?${query.toString()}`, { redirect: 'manual' });
  const code = new URL(consent.headers.get('location')!).searchParams.get('code')!;
  const res = await fetch(`${sim.url}/oauth/access_token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      grant_type: 'authorization_code',
      code,
      redirect_uri: CALLBACK,
      client_id: BondoraSimulator.DEMO_CLIENT_ID,
      client_secret: BondoraSimulator.DEMO_CLIENT_SECRET,
    }),
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

/** An open item listed by a Bondora user outside the simulator, on a current loan. */
function othersItem(sim: BondoraSimulator, skip = 0): SecondMarketItemDto {
  const mine = new Set(BondoraSimulator.INVESTORS.flatMap((i) => sim.marketItems(i.token).map((m) => m.Id)));
  return sim.marketItems().filter((m) => !mine.has(m.Id) && m.LoanStatusCode === 2)[skip]!;
}

/** An active investment of the token's investor that is not on sale and can be sold. */
function sellable(sim: BondoraSimulator, token: string, skip = 0): MyInvestmentItemDto {
  return sim.investmentsOf(token).filter((i) => i.ListedInSecondMarketOn === null && i.LoanStatusCode !== 4)[skip]!;
}

const BALANCE_KEYS = ['Balance', 'Reserved', 'BidRequestAmount', 'TotalAvailable', 'GoGrowAccounts'];
const INVESTMENT_KEYS =
  'LoanPartId Amount AuctionId AuctionName AuctionNumber AuctionBidNumber InvestmentNumber AuctionBidType Country CreditScore CreditScoreEsMicroL CreditScoreEsEquifaxRisk CreditScoreFiAsiakasTietoRiskGrade CreditScoreEeMini Rating Interest UseOfLoan IncomeVerificationStatus LoanId LoanStatusCode LoanStatusActiveFrom UserName Gender DateOfBirth SignedDate ReScheduledOn DebtOccuredOn DebtOccuredOnForSecondary LoanDuration NextPaymentNr NextPaymentDate NextPaymentSum NrOfScheduledPayments LastPaymentDate PrincipalRepaid InterestRepaid LateAmountPaid PrincipalRemaining PrincipalLateAmount InterestLateAmount PenaltyLateAmount LateAmountTotal PrincipalWriteOffAmount InterestWriteOffAmount PenaltyWriteOffAmount DebtServicingCostMainAmount DebtServicingCostInterestAmount DebtServicingCostPenaltyAmount PurchaseDate SoldDate PurchasePrice SalePrice ListedInSecondMarketOn LatestDebtManagementStage LatestDebtManagementSubStage LatestDebtManagementStageType LatestDebtManagementDate NoteLoanTransfersMainAmount NoteLoanTransfersInterestAmount NoteLoanLateChargesPaid NoteLoanTransfersEarningsAmount NoteLoanTransfersTotalRepaimentsAmount BoughtFromId'.split(' ');
const LOAN_PART_KEYS =
  'LoanPartId Amount AuctionId AuctionName AuctionNumber AuctionBidNumber InvestmentNumber Country CreditScore CreditScoreEsMicroL CreditScoreEsEquifaxRisk CreditScoreFiAsiakasTietoRiskGrade CreditScoreEeMini Rating InitialInterest Interest RescheduledInterest UseOfLoan IncomeVerificationStatus LoanId LoanStatusCode UserName Gender DateOfBirth SignedDate ReScheduledOn DebtOccuredOn DebtOccuredOnForSecondary LoanDuration NextPaymentNr NextPaymentDate NextPaymentSum NrOfScheduledPayments LastPaymentDate PrincipalRepaid InterestRepaid LateAmountPaid PrincipalRemaining PrincipalLateAmount InterestLateAmount PenaltyLateAmount LateAmountTotal PrincipalWriteOffAmount InterestWriteOffAmount PenaltyWriteOffAmount WriteOffTotal DebtServicingCostMainAmount DebtServicingCostInterestAmount DebtServicingCostPenaltyAmount DebtServicingCostTotal RepaidPrincipalCurrentOwner RepaidInterestsCurrentOwner LateChargesPaidCurrentOwner RepaidTotalCurrentOwner TotalRepaid DebtManagmentEvents LoanTransfers ScheduledPayments'.split(' ');
const MARKET_ITEM_KEYS =
  'Id LoanPartId Amount AuctionId AuctionName AuctionNumber AuctionBidNumber InvestmentNumber Country CreditScore Rating Interest UseOfLoan IncomeVerificationStatus LoanStatusCode LoanStatusActiveFrom LatestDebtManagementStageType LatestDebtManagementDate UserName Gender DateOfBirth SignedDate ReScheduledOn DebtOccuredOn DebtOccuredOnForSecondary NextPaymentNr NextPaymentDate NextPaymentSum NrOfScheduledPayments LastPaymentDate PrincipalRepaid InterestRepaid LateAmountPaid PrincipalRemaining PrincipalLateAmount InterestLateAmount PenaltyLateAmount LateAmountTotal PrincipalWriteOffAmount InterestWriteOffAmount PenaltyWriteOffAmount DebtServicingCostMainAmount DebtServicingCostInterestAmount DebtServicingCostPenaltyAmount Price Fee TotalCost OutstandingPayments DesiredDiscountRate Xirr ListedOnDate DebtManagmentEvents LoanTransfers ScheduledPayments'.split(' ');
const SUMMARY_KEYS = 'Id Number StartDate PlannedCloseDate ActualCloseDate UserCancelledOn LoanPart_id DesiredDiscountRate DesiredDiscountRateDecimalFraction StatusCode'.split(' ');

describe('BondoraSimulator account side', () => {
  const sim = new BondoraSimulator({ tokens: ['bondora-extra-investor-token-0000000'] });

  beforeAll(async () => {
    await sim.start(0);
  });
  afterAll(async () => {
    await sim.stop();
  });
  beforeEach(() => sim.reset());

  describe('seed', () => {
    it('gives every investor an account and a portfolio of their own, the demo investor enough to page', () => {
      const demo = sim.investmentsOf(DEMO);
      expect(demo.length).toBeGreaterThan(100);
      const statuses = new Set(demo.map((i) => i.LoanStatusCode));
      for (const status of [2, 4, 5, 100]) expect(statuses).toContain(status);
      const owners = BondoraSimulator.INVESTORS.map((i) => new Set(sim.investmentsOf(i.token).map((x) => x.LoanPartId)));
      for (const [i, a] of owners.entries()) {
        expect(a.size).toBeGreaterThanOrEqual(20);
        for (const b of owners.slice(i + 1)) expect([...a].filter((id) => b.has(id))).toEqual([]);
      }
      for (const investor of BondoraSimulator.INVESTORS) {
        const b = sim.balanceOf(investor.token);
        expect(b.TotalAvailable).toBeCloseTo(b.Balance - b.Reserved - b.BidRequestAmount, 2);
        expect(b.TotalAvailable).toBeGreaterThan(0);
        expect(sim.marketItems(investor.token).length).toBeGreaterThan(0);
      }
      expect(sim.marketItems().length).toBeGreaterThan(200);
    });

    it('turns the investor’s successful bids into loan parts of the loans those auctions issued', () => {
      const won = sim.bidsOf(DEMO).filter((b) => b.StatusCode === 2);
      expect(won.length).toBeGreaterThan(0);
      const held = new Set(sim.investmentsOf(DEMO).map((i) => i.AuctionId));
      for (const bid of won) expect(held).toContain(bid.AuctionId);
    });

    it('is deterministic per seed and investor, and an extra token changes no one else’s data', () => {
      const base = Date.UTC(2024, 4, 25, 12);
      const a = new BondoraSimulator({ seed: 9, baseTime: base });
      const b = new BondoraSimulator({ seed: 9, baseTime: base, tokens: ['x-token-000000000000000000'] });
      const c = new BondoraSimulator({ seed: 10, baseTime: base });
      for (const investor of BondoraSimulator.INVESTORS) {
        expect(b.investmentsOf(investor.token)).toEqual(a.investmentsOf(investor.token));
        expect(b.balanceOf(investor.token)).toEqual(a.balanceOf(investor.token));
      }
      expect(b.marketItems()).toHaveLength(a.marketItems().length + b.marketItems('x-token-000000000000000000').length);
      expect(c.investmentsOf(DEMO)).not.toEqual(a.investmentsOf(DEMO));
      // The auction side is untouched by the portfolio seed.
      expect(a.activeAuctions).toEqual(b.activeAuctions);
      expect(a.bidsOf(DEMO)).toEqual(b.bidsOf(DEMO));
    });
  });

  describe('GET /api/v1/account/balance', () => {
    it('answers MyAccountBalance in swagger order; a pending bid moves money into BidRequestAmount', async () => {
      const before = await call<MyAccountBalanceDto>(sim, '/api/v1/account/balance');
      expect(before.status).toBe(200);
      expect(Object.keys(before.body.Payload!)).toEqual(BALANCE_KEYS);
      expect(Object.keys(before.body)).toEqual(['Payload', 'Success', 'Errors']);
      const b = before.body.Payload!;
      expect(b.GoGrowAccounts!.length).toBeGreaterThan(0);
      expect(Object.keys(b.GoGrowAccounts![0]!)).toEqual(['Name', 'NetDeposits', 'NetProfit', 'TotalSaved']);

      const auction = sim.activeAuctions[0]!;
      expect((await call(sim, '/api/v1/bid', { body: { Bids: [{ AuctionId: auction.AuctionId, Amount: 25 }] } })).status).toBe(202);
      const after = (await call<MyAccountBalanceDto>(sim, '/api/v1/account/balance')).body.Payload!;
      expect(after.Balance).toBe(b.Balance);
      expect(after.BidRequestAmount).toBeCloseTo(b.BidRequestAmount + 25, 2);
      expect(after.TotalAvailable).toBeCloseTo(b.TotalAvailable - 25, 2);
    });

    it('is each investor’s own', async () => {
      const demo = (await call<MyAccountBalanceDto>(sim, '/api/v1/account/balance')).body.Payload!;
      const second = (await call<MyAccountBalanceDto>(sim, '/api/v1/account/balance', { token: SECOND })).body.Payload!;
      expect(second).toEqual(sim.balanceOf(SECOND));
      expect(second).not.toEqual(demo);
    });
  });

  describe('GET /api/v1/account/investments', () => {
    it('pages the investor’s active investments with MyInvestmentItem in swagger order', async () => {
      const all = sim.investmentsOf(DEMO);
      const first = await call<MyInvestmentItemDto[]>(sim, '/api/v1/account/investments?PageSize=100');
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ PageSize: 100, PageNr: 1, TotalCount: all.length, Count: 100 });
      expect(Object.keys(first.body.Payload![0]!)).toEqual(INVESTMENT_KEYS);
      const second = await call<MyInvestmentItemDto[]>(sim, '/api/v1/account/investments?request.pageSize=100&request.pageNr=2');
      expect(second.body.Count).toBe(all.length - 100);
      expect([...first.body.Payload!, ...second.body.Payload!].map((i) => i.LoanPartId)).toEqual(all.map((i) => i.LoanPartId));
      for (const i of first.body.Payload!) {
        expect(i.PrincipalRemaining).toBeCloseTo(i.Amount - i.PrincipalRepaid, 2);
        expect(i.LateAmountTotal).toBeCloseTo(i.PrincipalLateAmount + i.InterestLateAmount + i.PenaltyLateAmount, 2);
        expect(i.InvestmentNumber).toBe(`${i.AuctionNumber}-${i.AuctionBidNumber}`);
        expect(i.SoldDate).toBeNull();
      }
    });

    it('filters by country, repeated LoanStatusCode, IsInRepayment, SalesStatus and dates', async () => {
      const all = sim.investmentsOf(DEMO);
      const ee = await call<MyInvestmentItemDto[]>(sim, '/api/v1/account/investments?Countries=EE&Countries=FI');
      expect(ee.body.TotalCount).toBe(all.filter((i) => ['EE', 'FI'].includes(i.Country)).length);
      const late = await call<MyInvestmentItemDto[]>(sim, '/api/v1/account/investments?LoanStatusCode=5&LoanStatusCode=100');
      expect(late.body.TotalCount).toBe(all.filter((i) => i.LoanStatusCode === 5 || i.LoanStatusCode === 100).length);
      expect(late.body.TotalCount).toBeGreaterThan(0);
      for (const i of late.body.Payload!) expect(i.DebtOccuredOn).not.toBeNull();
      const repaying = await call<MyInvestmentItemDto[]>(sim, '/api/v1/account/investments?IsInRepayment=true');
      expect(repaying.body.TotalCount).toBe(all.filter((i) => i.LoanStatusCode !== 4).length);
      const sold = await call<MyInvestmentItemDto[]>(sim, '/api/v1/account/investments?SalesStatus=1');
      expect(sold.body.TotalCount).toBeGreaterThan(0);
      for (const i of sold.body.Payload!) expect(i.SoldDate).not.toBeNull();
      const onSale = await call<MyInvestmentItemDto[]>(sim, '/api/v1/account/investments?SalesStatus=2');
      expect(onSale.body.TotalCount).toBe(sim.marketItems(DEMO).length);
      const notOnSale = await call<MyInvestmentItemDto[]>(sim, '/api/v1/account/investments?SalesStatus=3');
      expect(notOnSale.body.TotalCount).toBe(all.length - onSale.body.TotalCount!);
      const cut = all[40]!.PurchaseDate!;
      const recent = await call<MyInvestmentItemDto[]>(sim, `/api/v1/account/investments?PurchaseDateFrom=${encodeURIComponent(cut)}`);
      expect(recent.body.TotalCount).toBe(all.filter((i) => i.PurchaseDate! >= cut).length);
    });

    it('answers 400 for a value that does not bind and for a page size over 50,000', async () => {
      await expectError(call(sim, '/api/v1/account/investments?IsInRepayment=maybe'), 400, "The value 'maybe' is not valid for IsInRepayment.");
      await expectError(call(sim, '/api/v1/account/investments?PageSize=50001'), 400, 'PageSize must be between 1 and 50000.');
      expect((await call(sim, '/api/v1/account/investments?PageSize=50000')).status).toBe(200);
    });
  });

  describe('GET /api/v1/secondarymarket', () => {
    it('pages the open items with SecondMarketItem in swagger order, webhook-only arrays null', async () => {
      const reply = await call<SecondMarketItemDto[]>(sim, '/api/v1/secondarymarket?PageSize=50&PageNr=2');
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({ PageSize: 50, PageNr: 2, TotalCount: sim.marketItems().length, Count: 50 });
      const item = reply.body.Payload![0]!;
      expect(Object.keys(item)).toEqual(MARKET_ITEM_KEYS);
      expect(item).toMatchObject({ DebtManagmentEvents: null, LoanTransfers: null, ScheduledPayments: null });
      for (const i of reply.body.Payload!) {
        expect(i.Price).toBeCloseTo(i.PrincipalRemaining * (1 + i.DesiredDiscountRate / 100), 1);
        expect(i.TotalCost).toBeCloseTo(i.Price + i.Fee, 2);
      }
    });

    it('ShowMyItems: absent = all, true = only mine, false = only others’', async () => {
      const all = (await call<SecondMarketItemDto[]>(sim, '/api/v1/secondarymarket')).body;
      const mine = (await call<SecondMarketItemDto[]>(sim, '/api/v1/secondarymarket?ShowMyItems=true')).body;
      const others = (await call<SecondMarketItemDto[]>(sim, '/api/v1/secondarymarket?showmyitems=False')).body;
      expect(mine.Payload!.map((i) => i.Id).sort()).toEqual(sim.marketItems(DEMO).map((i) => i.Id).sort());
      expect(mine.TotalCount! + others.TotalCount!).toBe(all.TotalCount);
      const secondMine = (await call<SecondMarketItemDto[]>(sim, '/api/v1/secondarymarket?ShowMyItems=true', { token: SECOND })).body;
      expect(secondMine.Payload!.map((i) => i.Id).sort()).toEqual(sim.marketItems(SECOND).map((i) => i.Id).sort());
      expect(secondMine.Payload!.some((i) => mine.Payload!.some((m) => m.Id === i.Id))).toBe(false);
    });

    it('filters by AuctionId, rating, price and late loans', async () => {
      const target = othersItem(sim);
      const byAuction = (await call<SecondMarketItemDto[]>(sim, `/api/v1/secondarymarket?AuctionId=${target.AuctionId}`)).body.Payload!;
      expect(byAuction.map((i) => i.Id)).toContain(target.Id);
      for (const i of byAuction) expect(i.AuctionId).toBe(target.AuctionId);
      const cheap = (await call<SecondMarketItemDto[]>(sim, '/api/v1/secondarymarket?Ratings=A&Ratings=AA&PriceMax=50')).body.Payload!;
      for (const i of cheap) {
        expect(['A', 'AA']).toContain(i.Rating);
        expect(i.Price).toBeLessThanOrEqual(50);
      }
      const late = (await call<SecondMarketItemDto[]>(sim, '/api/v1/secondarymarket?HasDebt=true')).body;
      expect(late.TotalCount).toBeGreaterThan(0);
      for (const i of late.Payload!) expect(i.LateAmountTotal).toBeGreaterThan(0);
      await expectError(call(sim, '/api/v1/secondarymarket?AuctionId=nope'), 400, "The value 'nope' is not valid for AuctionId.");
    });
  });

  describe('GET /api/v1/secondarymarket/{id} and /list', () => {
    it('answers the summary, 404 for an unknown id, 400 for a malformed one', async () => {
      const item = othersItem(sim);
      const reply = await call<SecondMarketItemSummaryDto>(sim, `/api/v1/secondarymarket/${item.Id}`);
      expect(reply.status).toBe(200);
      expect(Object.keys(reply.body.Payload!)).toEqual(SUMMARY_KEYS);
      expect(reply.body.Payload).toMatchObject({
        Id: item.Id,
        LoanPart_id: item.LoanPartId,
        DesiredDiscountRate: item.DesiredDiscountRate,
        DesiredDiscountRateDecimalFraction: item.DesiredDiscountRate / 100,
        StatusCode: 1,
        ActualCloseDate: null,
        UserCancelledOn: null,
      });
      await expectError(call(sim, `/api/v1/secondarymarket/${UNKNOWN_ID}`), 404, 'SecondaryMarket item with specified ID is not found');
      await expectError(call(sim, '/api/v1/secondarymarket/not-a-guid'), 400, 'No id specified');
    });

    it('/list answers 1:1 in order with null gaps, by POST, by GET with a body and from a form', async () => {
      const [a, b] = [othersItem(sim, 0), othersItem(sim, 1)];
      const ids = [a.Id, UNKNOWN_ID, b.Id, a.Id];
      for (const reply of [
        await call<Array<SecondMarketItemSummaryDto | null>>(sim, '/api/v1/secondarymarket/list', { body: { ItemIds: ids } }),
        await getWithBody<Array<SecondMarketItemSummaryDto | null>>(sim, '/api/v1/secondarymarket/list', { itemIds: ids }),
        await call<Array<SecondMarketItemSummaryDto | null>>(sim, '/api/v1/secondarymarket/list', {
          form: ids.map((id, i) => `ItemIds[${i}]=${id}`).join('&'),
        }),
      ]) {
        expect(reply.status).toBe(200);
        expect(Object.keys(reply.body)).toEqual(['Payload', 'Success', 'Errors']);
        expect(reply.body.Payload!.map((s) => s?.Id ?? null)).toEqual([a.Id, null, b.Id, a.Id]);
      }
    });

    it('/list refuses no ids, more than 1000 ids and malformed ids; 1000 is fine', async () => {
      await expectError(call(sim, '/api/v1/secondarymarket/list', { body: { ItemIds: [] } }), 400, 'No ids specified');
      await expectError(call(sim, '/api/v1/secondarymarket/list', { method: 'POST' }), 400, 'No ids specified');
      const many = Array.from({ length: 1001 }, () => UNKNOWN_ID);
      await expectError(call(sim, '/api/v1/secondarymarket/list', { body: { ItemIds: many } }), 400, 'Too many items. Max items 1000');
      const e = await expectError(call(sim, '/api/v1/secondarymarket/list', { body: { ItemIds: [UNKNOWN_ID, 'x'] } }), 400, 'The request is invalid.');
      expect(e.Details).toBe('ItemIds[1] is not a valid GUID.');
      const ok = await call<unknown[]>(sim, '/api/v1/secondarymarket/list', { body: { ItemIds: many.slice(1) } });
      expect(ok.status).toBe(200);
      expect(ok.body.Payload).toHaveLength(1000);
    });
  });

  describe('GET /api/v1/loanpart/{id} and /list', () => {
    it('answers LoanPartDetails with schedule and payments for the owner', async () => {
      const investment = sim.investmentsOf(DEMO).find((i) => i.LoanStatusCode === 5)!;
      const reply = await call<LoanPartDetailsDto>(sim, `/api/v1/loanpart/${investment.LoanPartId}`);
      expect(reply.status).toBe(200);
      const part = reply.body.Payload!;
      expect(Object.keys(part)).toEqual(LOAN_PART_KEYS);
      expect(part).toMatchObject({ LoanPartId: investment.LoanPartId, Amount: investment.Amount, LoanStatusCode: 5 });
      expect(part.ScheduledPayments).toHaveLength(part.NrOfScheduledPayments);
      const scheduled = part.ScheduledPayments!.reduce((sum, p) => sum + p.PrincipalAmount, 0);
      expect(scheduled).toBeCloseTo(part.Amount, 2);
      const repaid = part.LoanTransfers!.reduce((sum, t) => sum + t.PrincipalAmount, 0);
      expect(repaid).toBeCloseTo(part.PrincipalRepaid, 2);
      expect(part.DebtManagmentEvents!.length).toBeGreaterThan(0);
      expect(Object.keys(part.ScheduledPayments![0]!)).toEqual([
        'ScheduledDate',
        'PrincipalAmount',
        'PrincipalAmountLeft',
        'InterestAmount',
        'IntrestAmountCarriedOver',
        'PenaltyAmountCarriedOver',
        'TotalAmount',
      ]);
      expect(Object.keys(part.LoanTransfers![0]!)).toEqual([
        'Date',
        'PrincipalAmount',
        'InterestAmount',
        'InterestAmountCarriedOver',
        'PenaltyAmountCarriedOver',
        'TotalAmount',
      ]);
      await expectError(call(sim, `/api/v1/loanpart/${UNKNOWN_ID}`), 404, 'LoanPart with the provided ID was not found');
      await expectError(call(sim, '/api/v1/loanpart/zzz'), 400, 'LoanPart ID is not provided');
    });

    it('hides another investor’s parts (404, null in /list) but shows parts on sale to everyone', async () => {
      const secondsOwn = sellable(sim, SECOND);
      await expectError(call(sim, `/api/v1/loanpart/${secondsOwn.LoanPartId}`), 404, 'LoanPart with the provided ID was not found');
      const secondsListed = sim.marketItems(SECOND)[0]!;
      expect((await call<LoanPartDetailsDto>(sim, `/api/v1/loanpart/${secondsListed.LoanPartId}`)).status).toBe(200);
      const onMarket = othersItem(sim);
      const own = sim.investmentsOf(DEMO)[0]!;
      const ids = [own.LoanPartId, secondsOwn.LoanPartId, UNKNOWN_ID, onMarket.LoanPartId, secondsListed.LoanPartId];
      const reply = await call<Array<LoanPartDetailsDto | null>>(sim, '/api/v1/loanpart/list', { body: { ItemIds: ids } });
      expect(reply.status).toBe(200);
      expect(reply.body.Payload!.map((p) => p?.LoanPartId ?? null)).toEqual([own.LoanPartId, null, null, onMarket.LoanPartId, secondsListed.LoanPartId]);
    });

    it('/list keeps 1,000 ids in order with null gaps, by GET with a body too, and refuses 1,500', async () => {
      const own = sim.investmentsOf(DEMO).map((i) => i.LoanPartId);
      const ids = Array.from({ length: 1000 }, (_, i) => (i % 7 === 0 ? own[(i / 7) % own.length]! : UNKNOWN_ID));
      const reply = await getWithBody<Array<LoanPartDetailsDto | null>>(sim, '/api/v1/loanpart/list', { ItemIds: ids });
      expect(reply.status).toBe(200);
      expect(reply.body.Payload!.map((p) => p?.LoanPartId ?? UNKNOWN_ID)).toEqual(ids);
      const tooMany = [...ids, ...ids.slice(0, 500)];
      await expectError(call(sim, '/api/v1/loanpart/list', { body: { ItemIds: tooMany } }), 400, 'Too many items. Max items 1000');
      await expectError(call(sim, '/api/v1/loanpart/list', { body: {} }), 400, 'No ids specified');
      const xml = await fetch(`${sim.url}/api/v1/loanpart/list`, {
        method: 'POST',
        headers: { authorization: `Bearer ${DEMO}`, 'content-type': 'text/plain' },
        body: UNKNOWN_ID,
      });
      expect(xml.status).toBe(415);
      expect(((await xml.json()) as Envelope<unknown>).Errors![0]!.Message).toBe(
        "The request entity's media type 'text/plain' is not supported for this resource.",
      );
    });
  });

  describe('POST /api/v1/secondarymarket/sell', () => {
    it('lists the parts as the seller’s own items (202 with SecondMarketSaleResponse) and logs the request', async () => {
      const [a, b] = [sellable(sim, DEMO, 0), sellable(sim, DEMO, 1)];
      const request = { Items: [{ LoanPartId: a.LoanPartId, DesiredDiscountRate: -3 }, { LoanPartId: b.LoanPartId, DesiredDiscountRate: 2 }], CancelItemOnReschedule: true };
      const reply = await call<SecondMarketSaleResponseDto[]>(sim, '/api/v1/secondarymarket/sell', { body: request });
      expect(reply.status).toBe(202);
      expect(Object.keys(reply.body)).toEqual(['Payload', 'Success', 'Errors']);
      const sale = reply.body.Payload!;
      expect(sale.map((s) => Object.keys(s))).toEqual([
        ['Id', 'LoanPartId', 'DesiredDiscountRate'],
        ['Id', 'LoanPartId', 'DesiredDiscountRate'],
      ]);
      expect(sale.map((s) => [s.LoanPartId, s.DesiredDiscountRate])).toEqual([
        [a.LoanPartId, -3],
        [b.LoanPartId, 2],
      ]);

      const mine = (await call<SecondMarketItemDto[]>(sim, '/api/v1/secondarymarket?ShowMyItems=true')).body.Payload!;
      const listed = mine.find((i) => i.Id === sale[0]!.Id)!;
      expect(listed).toMatchObject({ LoanPartId: a.LoanPartId, DesiredDiscountRate: -3 });
      expect(listed.Price).toBeCloseTo(a.PrincipalRemaining * 0.97, 2);
      // Everyone sees it on the market; only as someone else's.
      const theirs = (await call<SecondMarketItemDto[]>(sim, '/api/v1/secondarymarket?ShowMyItems=false', { token: SECOND })).body.Payload!;
      expect(theirs.map((i) => i.Id)).toContain(sale[0]!.Id);
      const onSale = (await call<MyInvestmentItemDto[]>(sim, '/api/v1/account/investments?SalesStatus=2')).body.Payload!;
      expect(onSale.map((i) => i.LoanPartId)).toEqual(expect.arrayContaining([a.LoanPartId, b.LoanPartId]));
      expect(onSale.find((i) => i.LoanPartId === a.LoanPartId)!.ListedInSecondMarketOn).not.toBeNull();

      const events = (await call<EventLogItemDto[]>(sim, '/api/v1/eventlog')).body;
      expect(events.TotalCount).toBe(1);
      const event = events.Payload![0]!;
      expect(Object.keys(event)).toEqual(['EventDate', 'EventType', 'IpAddress', 'Data']);
      expect(event).toMatchObject({ EventType: 3, IpAddress: '127.0.0.1' });
      expect(JSON.parse(event.Data!)).toEqual({ ...request, CancelItemOnPaymentReceived: false });
    });

    it('refuses empty, oversized and malformed requests, unknown, foreign, listed and repaid parts', async () => {
      const sell = (body: unknown, token = DEMO) => call(sim, '/api/v1/secondarymarket/sell', { body, token });
      const own = sellable(sim, DEMO);
      await expectError(sell({ Items: [] }), 400, 'No items specified');
      const many = Array.from({ length: 101 }, () => ({ LoanPartId: own.LoanPartId, DesiredDiscountRate: 0 }));
      await expectError(sell({ Items: many }), 400, 'Too many items. Max items 100');
      const e = await expectError(sell({ Items: [{ LoanPartId: own.LoanPartId, DesiredDiscountRate: 1.5 }] }), 400, 'The request is invalid.');
      expect(e.Details).toBe('Items[0].DesiredDiscountRate must be a whole number of percent.');
      await expectError(sell({ Items: [{ LoanPartId: own.LoanPartId, DesiredDiscountRate: 41 }] }), 400, 'The request is invalid.');
      await expectError(sell({ Items: [{ LoanPartId: UNKNOWN_ID, DesiredDiscountRate: 0 }] }), 404, 'Not found');
      await expectError(sell({ Items: [{ LoanPartId: own.LoanPartId, DesiredDiscountRate: 0 }] }, SECOND), 409, 'Investment cannot be sold');
      const listed = sim.marketItems(DEMO)[0]!;
      await expectError(sell({ Items: [{ LoanPartId: listed.LoanPartId, DesiredDiscountRate: 0 }] }), 409, 'Investment cannot be sold');
      const repaid = sim.investmentsOf(DEMO).find((i) => i.LoanStatusCode === 4)!;
      await expectError(sell({ Items: [{ LoanPartId: repaid.LoanPartId, DesiredDiscountRate: 0 }] }), 409, 'Investment cannot be sold');
      // Nothing of a refused batch happened.
      await expectError(sell({ Items: [{ LoanPartId: own.LoanPartId, DesiredDiscountRate: 0 }, { LoanPartId: UNKNOWN_ID, DesiredDiscountRate: 0 }] }), 404, 'Not found');
      expect(sim.marketItems(DEMO).map((i) => i.LoanPartId)).not.toContain(own.LoanPartId);
      expect(sim.eventsOf(DEMO)).toEqual([]);
    });
  });

  describe('POST /api/v1/secondarymarket/buy', () => {
    it('moves the part to the buyer, takes the item off the market, charges the total cost, logs the request', async () => {
      const item = othersItem(sim);
      const before = sim.balanceOf(DEMO);
      const reply = await call(sim, '/api/v1/secondarymarket/buy', { body: { ItemIds: [item.Id] } });
      expect(reply.status).toBe(202);
      expect(reply.body).toEqual({ Success: true, Errors: null });

      expect(sim.marketItems().map((i) => i.Id)).not.toContain(item.Id);
      const bought = sim.investmentsOf(DEMO).find((i) => i.LoanPartId === item.LoanPartId)!;
      expect(bought).toMatchObject({ BoughtFromId: item.Id, PurchasePrice: item.Price, SoldDate: null });
      const boughtList = (await call<MyInvestmentItemDto[]>(sim, '/api/v1/account/investments?SalesStatus=0')).body.Payload!;
      expect(boughtList.map((i) => i.LoanPartId)).toContain(item.LoanPartId);
      expect(sim.balanceOf(DEMO).Balance).toBeCloseTo(before.Balance - item.TotalCost, 2);
      const part = await call<LoanPartDetailsDto>(sim, `/api/v1/loanpart/${item.LoanPartId}`);
      expect(part.status).toBe(200);
      expect(part.body.Payload!.RepaidPrincipalCurrentOwner).toBe(0);
      // The buyer still sees the closed item; everyone else no longer does.
      const summary = await call<SecondMarketItemSummaryDto>(sim, `/api/v1/secondarymarket/${item.Id}`);
      expect(summary.body.Payload).toMatchObject({ StatusCode: 2, UserCancelledOn: null });
      expect(summary.body.Payload!.ActualCloseDate).not.toBeNull();
      await expectError(call(sim, `/api/v1/secondarymarket/${item.Id}`, { token: SECOND }), 404, 'SecondaryMarket item with specified ID is not found');
      const events = sim.eventsOf(DEMO);
      expect(events.map((e) => [e.EventType, JSON.parse(e.Data!)])).toEqual([[4, { ItemIds: [item.Id] }]]);
    });

    it('a sale to another investor: the part moves, the seller is paid and sees it as sold', async () => {
      const part = sellable(sim, SECOND);
      const listed = await call<SecondMarketSaleResponseDto[]>(sim, '/api/v1/secondarymarket/sell', {
        token: SECOND,
        body: { Items: [{ LoanPartId: part.LoanPartId, DesiredDiscountRate: -1 }] },
      });
      const itemId = listed.body.Payload![0]!.Id;
      const item = sim.marketItems(SECOND).find((i) => i.Id === itemId)!;
      const sellerBefore = sim.balanceOf(SECOND).Balance;
      expect((await call(sim, '/api/v1/secondarymarket/buy', { token: THIRD, body: { ItemIds: [itemId] } })).status).toBe(202);

      expect(sim.investmentsOf(THIRD).map((i) => i.LoanPartId)).toContain(part.LoanPartId);
      expect(sim.investmentsOf(SECOND).map((i) => i.LoanPartId)).not.toContain(part.LoanPartId);
      const sold = (await call<MyInvestmentItemDto[]>(sim, '/api/v1/account/investments?SalesStatus=1', { token: SECOND })).body.Payload!;
      expect(sold.find((i) => i.LoanPartId === part.LoanPartId)).toMatchObject({ SalePrice: item.Price });
      expect(sim.balanceOf(SECOND).Balance).toBeCloseTo(sellerBefore + item.Price - Math.round(item.Price * 1.5) / 100, 2);
      await expectError(call(sim, `/api/v1/loanpart/${part.LoanPartId}`, { token: SECOND }), 404, 'LoanPart with the provided ID was not found');
      expect((await call(sim, `/api/v1/loanpart/${part.LoanPartId}`, { token: THIRD })).status).toBe(200);
      // The seller still sees their closed item.
      const summary = await call<SecondMarketItemSummaryDto>(sim, `/api/v1/secondarymarket/${itemId}`, { token: SECOND });
      expect(summary.body.Payload!.StatusCode).toBe(2);
    });

    it('refuses empty and oversized batches, unknown items, own items, sold items and a cost over the funds', async () => {
      const buy = (ids: string[], token = DEMO) => call(sim, '/api/v1/secondarymarket/buy', { body: { ItemIds: ids }, token });
      await expectError(buy([]), 400, 'No items specified');
      const some = othersItem(sim).Id;
      await expectError(buy(Array.from({ length: 101 }, () => some)), 400, 'Too many items. Max items 100');
      await expectError(buy([othersItem(sim).Id, UNKNOWN_ID]), 404, 'Not found');
      await expectError(buy([sim.marketItems(DEMO)[0]!.Id]), 409, 'Investment cannot be bought');
      const item = othersItem(sim);
      expect((await buy([item.Id], SECOND)).status).toBe(202);
      await expectError(buy([item.Id]), 409, 'Investment cannot be bought');
      // The third investor's funds do not cover the dearest items on the market taken together.
      const available = sim.balanceOf(THIRD).TotalAvailable;
      const dearest = sim.marketItems().filter((i) => !sim.marketItems(THIRD).some((m) => m.Id === i.Id)).sort((a, b) => b.TotalCost - a.TotalCost);
      const basket: SecondMarketItemDto[] = [];
      for (let cost = 0; cost <= available; cost += basket[basket.length - 1]!.TotalCost) basket.push(dearest[basket.length]!);
      expect(basket.length).toBeLessThanOrEqual(100);
      const poor = THIRD;
      const e = await expectError(buy(basket.map((i) => i.Id), poor), 409, 'Investment cannot be bought');
      expect(e.Details).toMatch(/^Not enough funds/);
      // A refused batch changes nothing.
      for (const i of basket) expect(sim.marketItems().map((m) => m.Id)).toContain(i.Id);
    });
  });

  describe('POST /api/v1/secondarymarket/cancel and /{id}/cancel', () => {
    it('takes the seller’s items off the market; another investor gets 403 and cannot see them afterwards', async () => {
      const [a, b] = sim.marketItems(DEMO);
      await expectError(call(sim, '/api/v1/secondarymarket/cancel', { token: SECOND, body: { ItemIds: [a!.Id] } }), 403, 'User has no rights');
      await expectError(call(sim, `/api/v1/secondarymarket/${a!.Id}/cancel`, { token: SECOND, method: 'POST' }), 403, 'User has no rights');
      expect(sim.marketItems(DEMO).map((i) => i.Id)).toContain(a!.Id);

      expect((await call(sim, '/api/v1/secondarymarket/cancel', { body: { ItemIds: [a!.Id] } })).status).toBe(202);
      expect((await call(sim, `/api/v1/secondarymarket/${b!.Id}/cancel`, { method: 'POST' })).status).toBe(202);
      expect(sim.marketItems(DEMO).map((i) => i.Id)).not.toEqual(expect.arrayContaining([a!.Id]));
      expect(sim.marketItems().map((i) => i.Id)).not.toContain(b!.Id);
      const summary = (await call<SecondMarketItemSummaryDto>(sim, `/api/v1/secondarymarket/${a!.Id}`)).body.Payload!;
      expect(summary.StatusCode).toBe(3);
      expect(summary.UserCancelledOn).not.toBeNull();
      await expectError(call(sim, `/api/v1/secondarymarket/${a!.Id}`, { token: SECOND }), 404, 'SecondaryMarket item with specified ID is not found');
      const list = await call<Array<SecondMarketItemSummaryDto | null>>(sim, '/api/v1/secondarymarket/list', { token: SECOND, body: { ItemIds: [a!.Id, b!.Id] } });
      expect(list.body.Payload).toEqual([null, null]);
      // The part can be listed again.
      expect((await call(sim, '/api/v1/secondarymarket/sell', { body: { Items: [{ LoanPartId: a!.LoanPartId, DesiredDiscountRate: 0 }] } })).status).toBe(202);
      expect(sim.eventsOf(DEMO).map((e) => [e.EventType, JSON.parse(e.Data!)])).toEqual([
        [3, { Items: [{ LoanPartId: a!.LoanPartId, DesiredDiscountRate: 0 }], CancelItemOnPaymentReceived: false, CancelItemOnReschedule: false }],
        [5, { Id: b!.Id }],
        [5, { ItemIds: [a!.Id] }],
      ]);
    });

    it('answers the documented codes: none, too many, unknown, already closed, malformed', async () => {
      const cancel = (ids: string[]) => call(sim, '/api/v1/secondarymarket/cancel', { body: { ItemIds: ids } });
      const own = sim.marketItems(DEMO)[0]!;
      await expectError(cancel([]), 400, 'No items specified');
      await expectError(cancel(Array.from({ length: 101 }, () => own.Id)), 400, 'Too many items. Max items 100');
      await expectError(cancel([UNKNOWN_ID]), 400, 'Not found');
      await expectError(call(sim, `/api/v1/secondarymarket/${UNKNOWN_ID}/cancel`, { method: 'POST' }), 400, 'Not found');
      await expectError(call(sim, '/api/v1/secondarymarket/nope/cancel', { method: 'POST' }), 400, 'No id specified');
      expect((await cancel([own.Id])).status).toBe(202);
      await expectError(cancel([own.Id]), 409, 'Cannot cancel item');
    });
  });

  describe('GET /api/v1/eventlog', () => {
    it('lists only what this token’s application did, newest first, with paging and filters', async () => {
      const auction = sim.activeAuctions[3]!;
      const bid = await call<Array<{ Id: string }>>(sim, '/api/v1/bid', { body: { Bids: [{ AuctionId: auction.AuctionId, Amount: 10 }] } });
      expect((await call(sim, `/api/v1/bid/${bid.body.Payload![0]!.Id}/cancel`, { method: 'POST' })).status).toBe(202);
      expect((await call(sim, '/api/v1/secondarymarket/buy', { body: { ItemIds: [othersItem(sim).Id] } })).status).toBe(202);

      const all = (await call<EventLogItemDto[]>(sim, '/api/v1/eventlog')).body;
      expect(all).toMatchObject({ TotalCount: 3, Count: 3, PageNr: 1, PageSize: 10000 });
      expect(all.Payload!.map((e) => e.EventType)).toEqual([4, 2, 1]);
      expect(JSON.parse(all.Payload![2]!.Data!)).toEqual({ Bids: [{ AuctionId: auction.AuctionId, Amount: 10, MinAmount: null }] });
      expect((await call<EventLogItemDto[]>(sim, '/api/v1/eventlog?EventType=2')).body.Payload!.map((e) => e.EventType)).toEqual([2]);
      expect((await call<EventLogItemDto[]>(sim, '/api/v1/eventlog?PageSize=2&PageNr=2')).body).toMatchObject({ TotalCount: 3, Count: 1 });
      expect((await call<EventLogItemDto[]>(sim, '/api/v1/eventlog?IpAddress=10.0.0.1')).body.TotalCount).toBe(0);
      const future = new Date(Date.now() + 60_000).toISOString();
      expect((await call<EventLogItemDto[]>(sim, `/api/v1/eventlog?EventDateFrom=${future}`)).body.TotalCount).toBe(0);

      // Another investor, and the same investor through another application, see none of it.
      expect((await call<EventLogItemDto[]>(sim, '/api/v1/eventlog', { token: SECOND })).body.TotalCount).toBe(0);
      const oauth = await oauthToken(sim, 'demo-investor');
      expect((await call<EventLogItemDto[]>(sim, '/api/v1/eventlog', { token: oauth })).body.TotalCount).toBe(0);
      expect((await call(sim, '/api/v1/secondarymarket/cancel', { token: oauth, body: { ItemIds: [sim.marketItems(DEMO)[0]!.Id] } })).status).toBe(202);
      expect((await call<EventLogItemDto[]>(sim, '/api/v1/eventlog', { token: oauth })).body.Payload!.map((e) => e.EventType)).toEqual([5]);
      // A later token of the same application sees the application's events.
      const again = await oauthToken(sim, 'demo-investor');
      expect((await call<EventLogItemDto[]>(sim, '/api/v1/eventlog', { token: again })).body.TotalCount).toBe(1);
      expect((await call<EventLogItemDto[]>(sim, '/api/v1/eventlog')).body.TotalCount).toBe(3);
    });
  });

  describe('OAuth tokens act for their investor', () => {
    it('an OAuth token of the second investor sees and trades the second investor’s account', async () => {
      const token = await oauthToken(sim, 'second-investor');
      expect((await call<MyAccountBalanceDto>(sim, '/api/v1/account/balance', { token })).body.Payload).toEqual(sim.balanceOf(SECOND));
      const mine = (await call<SecondMarketItemDto[]>(sim, '/api/v1/secondarymarket?ShowMyItems=true', { token })).body.Payload!;
      expect(mine.map((i) => i.Id).sort()).toEqual(sim.marketItems(SECOND).map((i) => i.Id).sort());
      expect((await call(sim, '/api/v1/secondarymarket/cancel', { token, body: { ItemIds: [mine[0]!.Id] } })).status).toBe(202);
      await expectError(call(sim, '/api/v1/secondarymarket/cancel', { token, body: { ItemIds: [sim.marketItems(DEMO)[0]!.Id] } }), 403, 'User has no rights');
    });
  });
});

describe('BondoraSimulator secondmarket.published webhook', () => {
  const receiver = new WebhookReceiver();
  let sim: BondoraSimulator;
  beforeAll(async () => {
    await receiver.start();
    sim = new BondoraSimulator({
      webhook: { url: receiver.url('/hook'), keyId: 'test-key-01', secretBase64: Buffer.from('secret:test-key-01').toString('base64') },
      webhookDelivery: { backoffBaseMs: 5, timeoutMs: 2_000 },
    });
    await sim.start(0);
  });
  afterAll(async () => {
    await sim.stop();
    await receiver.close();
  });

  it('announces an investor’s new item with the webhook-only arrays', async () => {
    const part = sellable(sim, DEMO);
    const sale = await call<SecondMarketSaleResponseDto[]>(sim, '/api/v1/secondarymarket/sell', {
      body: { Items: [{ LoanPartId: part.LoanPartId, DesiredDiscountRate: -4 }] },
    });
    await sim.webhooksIdle();
    expect(receiver.received).toHaveLength(1);
    const event = JSON.parse(receiver.received[0]!.body) as { EventId: string; EventType: string; Payload: SecondMarketItemDto };
    expect(event.EventType).toBe('secondmarket.published');
    expect(Object.keys(event.Payload)).toEqual(MARKET_ITEM_KEYS);
    expect(event.Payload).toMatchObject({ Id: sale.body.Payload![0]!.Id, LoanPartId: part.LoanPartId, DesiredDiscountRate: -4 });
    expect(event.Payload.ScheduledPayments!.length).toBe(event.Payload.NrOfScheduledPayments);
    expect(Array.isArray(event.Payload.LoanTransfers)).toBe(true);
    expect(Array.isArray(event.Payload.DebtManagmentEvents)).toBe(true);
  });
});

describe('BondoraSimulator scopes (enforceScopes)', () => {
  const sim = new BondoraSimulator({ enforceScopes: true });
  beforeAll(async () => {
    await sim.start(0);
  });
  afterAll(async () => {
    await sim.stop();
  });

  it('refuses market writes and investments without their scope, with 403 "User has no rights"', async () => {
    const bidsOnly = await oauthToken(sim, 'second-investor', 'BidsRead BidsEdit');
    const item = othersItem(sim);
    await expectError(call(sim, '/api/v1/secondarymarket/buy', { token: bidsOnly, body: { ItemIds: [item.Id] } }), 403, 'User has no rights');
    await expectError(
      call(sim, '/api/v1/secondarymarket/sell', { token: bidsOnly, body: { Items: [{ LoanPartId: sellable(sim, SECOND).LoanPartId, DesiredDiscountRate: 0 }] } }),
      403,
      'User has no rights',
    );
    await expectError(call(sim, '/api/v1/account/investments', { token: bidsOnly }), 403, 'User has no rights');
    expect((await call(sim, '/api/v1/account/balance', { token: bidsOnly })).status).toBe(200);
    const trader = await oauthToken(sim, 'second-investor', 'Investments SmBuy SmSell');
    expect((await call(sim, '/api/v1/secondarymarket/buy', { token: trader, body: { ItemIds: [item.Id] } })).status).toBe(202);
    expect((await call(sim, '/api/v1/account/investments', { token: trader })).status).toBe(200);
    // Static tokens may do everything.
    expect((await call(sim, '/api/v1/account/investments', { token: SECOND })).status).toBe(200);
  });
});

describe('BondoraSimulator account rate limits', () => {
  const sim = new BondoraSimulator({ rateLimits: true });
  beforeAll(async () => {
    await sim.start(0);
  });
  afterAll(async () => {
    await sim.stop();
  });
  beforeEach(() => sim.reset());

  async function exhaust(path: string, limit: number, init: Parameters<typeof call>[2] = {}): Promise<Reply<unknown>> {
    for (let i = 0; i < limit; i++) expect((await call(sim, path, init)).status).not.toBe(429);
    return call(sim, path, init);
  }

  function expectHourly(reply: Reply<unknown>, limit: number): void {
    expect(reply.status).toBe(429);
    const retryAfter = Number(reply.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(3590);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    expect(error(reply)).toEqual({
      Code: 429,
      Message: `API calls quota exceeded! maximum admitted ${limit} per Hour.`,
      Details: `Retry after ${retryAfter} second(s).`,
    });
  }

  it('account/balance: 12 per hour per token', async () => {
    expectHourly(await exhaust('/api/v1/account/balance', 12), 12);
    expect((await call(sim, '/api/v1/account/balance', { token: SECOND })).status).toBe(200);
  });

  it('account/investments: 5 per hour', async () => {
    expectHourly(await exhaust('/api/v1/account/investments?PageSize=1', 5), 5);
  });

  it('secondarymarket and secondarymarket/{id}: 5 per hour each', async () => {
    expectHourly(await exhaust('/api/v1/secondarymarket?PageSize=1', 5), 5);
    expectHourly(await exhaust(`/api/v1/secondarymarket/${UNKNOWN_ID}`, 5), 5);
  });

  it('loanpart/list and secondarymarket/list: 12 per hour, GET and POST sharing one budget', async () => {
    for (const path of ['/api/v1/loanpart/list', '/api/v1/secondarymarket/list']) {
      for (let i = 0; i < 6; i++) expect((await getWithBody(sim, path, { ItemIds: [UNKNOWN_ID] })).status).toBe(200);
      expectHourly(await exhaust(path, 6, { body: { ItemIds: [UNKNOWN_ID] } }), 12);
    }
  });

  it('eventlog, loanpart/{id} and the market writes: 1 per second', async () => {
    for (const [path, init] of [
      ['/api/v1/eventlog', {}],
      [`/api/v1/loanpart/${UNKNOWN_ID}`, {}],
      ['/api/v1/secondarymarket/buy', { body: { ItemIds: [UNKNOWN_ID] } }],
      ['/api/v1/secondarymarket/sell', { body: { Items: [] } }],
      ['/api/v1/secondarymarket/cancel', { body: { ItemIds: [UNKNOWN_ID] } }],
      [`/api/v1/secondarymarket/${UNKNOWN_ID}/cancel`, { method: 'POST' }],
    ] as const) {
      const second = await exhaust(path, 1, init);
      expect(second.status).toBe(429);
      expect(second.headers.get('retry-after')).toBe('1');
      expect(error(second).Message).toBe('API calls quota exceeded! maximum admitted 1 per Second.');
    }
  });
});
