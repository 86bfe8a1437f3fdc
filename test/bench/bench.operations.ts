import { readFileSync } from 'node:fs';
import type { AuctionDto, BidSummaryDto } from '../../src/upstream/bondora/bondora.dto.js';
import { PORTFOLIO_PAGE } from './bench.facts.js';
import { applicationFields, auctionFields, portfolioInvestmentFields, type DirectClient } from './direct.client.js';
import {
  APPLICATIONS_PAGE_MINIMUM,
  AUCTION_BY_ID_MINIMUM,
  AUCTIONS_PAGE_MINIMUM,
  UPDATE_APPLICANT_MINIMUM,
  applicationsByIdMinimum,
  bidsWithAuctionsPlan,
  portfolioMinimum,
} from './minimum.calls.js';

// The seven canonical operations: document, variables of the n-th request, the direct client's
// equivalent (the minimal upstream calls, parallel where independent), and the minimum call count.
//
// Requests vary (auction ids, page windows, investor tokens) so that no two requests in flight
// ask an upstream for the same thing: the gateway shares identical in-flight GETs of one
// credential, and the latency columns are meant to measure its overhead, not that sharing.

/** What the bench learnt from the upstreams before measuring. */
export interface BenchFacts {
  activeAuctionIds: string[];
  /** AuctionId of each of an investor's 50 newest bids (every bench investor bids on the same auctions). */
  bidAuctionIds: string[];
  /** Every credit application, in list order (newest first). */
  applicationIds: string[];
  /** Windows of op 4: the gateway's cursor and the application id it stands for (null: first page). */
  applicationWindows: Array<{ cursor: string | null; afterId: string | undefined }>;
  /** An application in a status Bond lets PATCH (created, kyc_started, resubmit_required). */
  updatableApplicationId: string;
  /** Extra Bondora investors' tokens (ops 2 and 3 rotate them: each caller's calls are its own). */
  investorTokens: string[];
  /**
   * Op 7's investor: the simulator's demo investor, the one seeded with a large portfolio (the extra
   * tokens hold about 30 investments each, too few for a page of 100), and the loan parts of the
   * 100 newest of their investments (the page op 7 asks for).
   */
  portfolio: { token: string; loanPartIds: string[]; totalInvestments: number };
}

export interface BenchOperation {
  index: number;
  title: string;
  /** The operation's text, from operations/*.graphql. */
  document: string;
  /** Fixed request rate of the latency phase, per target (gateway and direct client each); absent: calls only, no latency phase. */
  ratePerSecond?: number;
  latencyTarget?: { p50Ms: number; p99Ms: number };
  minimum: number;
  /** Why the minimum is what it is, for the report (the derivations live in minimum.calls.ts). */
  minimumNote: string;
  /** Calls of a resolver that loads every item on its own, where that differs from the minimum. */
  naivePerItem?: number;
  variables(n: number): Record<string, unknown> | undefined;
  headers(n: number): Record<string, string>;
  /** The same data straight from the simulators with the minimal calls. */
  direct(client: DirectClient, n: number): Promise<unknown>;
}

export const LATENCY_TARGET = { p50Ms: 1, p99Ms: 5 };
/** Ops 3 and 5 wait on several upstream calls, some in a second round trip: a wider target. */
export const FAN_OUT_LATENCY_TARGET = { p50Ms: 5, p99Ms: 10 };
/** Rate of the latency phase for the operations with a target; the others use what fits 2 cores. */
export const TARGET_RATE = 200;
/** Applications per op-5 request. */
const BY_ID_COUNT = 20;

const document = (file: string) => readFileSync(new URL(`operations/${file}`, import.meta.url), 'utf8');
const pick = <T>(items: readonly T[], n: number): T => items[n % items.length]!;

export function benchOperations(facts: BenchFacts): BenchOperation[] {
  const plan = bidsWithAuctionsPlan(facts.bidAuctionIds, new Set(facts.activeAuctionIds));
  // Disjoint groups of 20 ids, so consecutive requests never share an id.
  const groups: string[][] = [];
  for (let i = 0; i + BY_ID_COUNT <= facts.applicationIds.length; i += BY_ID_COUNT) groups.push(facts.applicationIds.slice(i, i + BY_ID_COUNT));
  const income = (n: number) => 6_000_000 + (n % 2) * 250_000;

  return [
    {
      index: 1,
      title: 'auction by id, 10 fields',
      document: document('1-auction.graphql'),
      ratePerSecond: TARGET_RATE,
      latencyTarget: LATENCY_TARGET,
      minimum: AUCTION_BY_ID_MINIMUM,
      minimumNote: '1 GET /auction/{id}',
      variables: (n) => ({ id: pick(facts.activeAuctionIds, n) }),
      headers: () => ({}),
      direct: async (client, n) => auctionFields(await client.auction(pick(facts.activeAuctionIds, n))),
    },
    {
      index: 2,
      title: 'auctions(first: 50), 10 fields each',
      document: document('2-auctions.graphql'),
      ratePerSecond: 100,
      minimum: AUCTIONS_PAGE_MINIMUM,
      minimumNote: '1 GET /auctions page',
      variables: () => undefined,
      headers: (n) => ({ 'x-bondora-token': pick(facts.investorTokens, n) }),
      direct: async (client, n) => (await client.auctions(50, 1, pick(facts.investorTokens, n))).map(auctionFields),
    },
    {
      index: 3,
      title: 'bids(first: 50) with each auction',
      document: document('3-bids-with-auctions.graphql'),
      ratePerSecond: 20,
      latencyTarget: FAN_OUT_LATENCY_TARGET,
      minimum: plan.calls,
      minimumNote:
        plan.strategy === 'list'
          ? `1 bids + 1 active-auctions list + ${plan.closedAuctionIds.length} closed (of ${plan.distinctAuctions} distinct auctions)`
          : `1 bids + ${plan.distinctAuctions} auctions by id`,
      naivePerItem: 1 + facts.bidAuctionIds.length,
      variables: () => undefined,
      headers: (n) => ({ 'x-bondora-token': pick(facts.investorTokens, n) }),
      direct: (client, n) => bidsWithAuctions(client, plan.strategy, pick(facts.investorTokens, n)),
    },
    {
      index: 4,
      title: 'creditApplications(first: 50) with applicants',
      document: document('4-credit-applications.graphql'),
      ratePerSecond: TARGET_RATE,
      latencyTarget: LATENCY_TARGET,
      minimum: APPLICATIONS_PAGE_MINIMUM,
      minimumNote: '1 GET /credit/applications (limit 50)',
      variables: (n) => ({ after: pick(facts.applicationWindows, n).cursor }),
      headers: () => ({}),
      direct: async (client, n) => (await client.applications(50, pick(facts.applicationWindows, n).afterId)).data.map(applicationFields),
    },
    {
      index: 5,
      title: `creditApplication × ${BY_ID_COUNT} (aliases)`,
      document: document('5-credit-applications-by-id.graphql'),
      ratePerSecond: 20,
      latencyTarget: FAN_OUT_LATENCY_TARGET,
      minimum: applicationsByIdMinimum(groups[0] ?? []),
      minimumNote: `${BY_ID_COUNT} GET /credit/applications/{id} (no bulk get)`,
      variables: (n) => Object.fromEntries(pick(groups, n).map((id, i) => [`id${i}`, id])),
      headers: () => ({}),
      direct: async (client, n) => (await Promise.all(pick(groups, n).map((id) => client.application(id)))).map(applicationFields),
    },
    {
      index: 6,
      title: 'updateCreditApplicant',
      document: document('6-update-credit-applicant.graphql'),
      ratePerSecond: TARGET_RATE,
      latencyTarget: LATENCY_TARGET,
      minimum: UPDATE_APPLICANT_MINIMUM,
      minimumNote: '1 PATCH',
      variables: (n) => ({ input: { applicationId: facts.updatableApplicationId, totalAnnualIncome: income(n) } }),
      headers: () => ({}),
      direct: async (client, n) => applicationFields(await client.updateApplicant(facts.updatableApplicationId, { total_annual_income: income(n) })),
    },
    {
      index: 7,
      title: `portfolio screen: balance, investments(first: ${PORTFOLIO_PAGE}) with loan parts and schedules`,
      document: document('7-portfolio.graphql'),
      minimum: portfolioMinimum(facts.portfolio.loanPartIds),
      minimumNote: `1 GET /account/balance + 1 GET /account/investments (page of ${PORTFOLIO_PAGE} of the investor's ${facts.portfolio.totalInvestments}) + 1 POST /loanpart/list (${facts.portfolio.loanPartIds.length} ids, ≤ 1000 a call)`,
      naivePerItem: 2 + facts.portfolio.loanPartIds.length,
      variables: () => undefined,
      // Calls only, no latency phase. Measured at 20/s it took 12.6 s plus 5.6 s of warm-up (a 165 s
      // run against 147 s without it), and what it measured was not the gateway: the simulator, building 100
      // loan parts with schedules for both sides, was the bottleneck (p50 ~400 ms either way), and
      // with one investor only (below) concurrent requests shared balance and investments GETs in
      // flight (1.45 gateway calls per operation against the direct client's 3).
      // The demo investor: the only one with 100 investments (the extra bench tokens hold about 30).
      headers: () => ({ 'x-bondora-token': facts.portfolio.token }),
      direct: (client) => portfolio(client, facts.portfolio.token),
    },
  ];
}

/** Op 7 straight from Bondora, as minimum.calls.ts derives it: balance and investments at once, then the list. */
async function portfolio(client: DirectClient, token: string) {
  const [balance, investments] = await Promise.all([client.balance(token), client.investments(PORTFOLIO_PAGE, 1, token)]);
  const parts = await client.loanParts(investments.items.map((i) => i.LoanPartId), token);
  return {
    balance: { totalAvailable: balance.TotalAvailable, balance: balance.Balance, reserved: balance.Reserved },
    investments: { totalCount: investments.totalCount, nodes: investments.items.map((i, k) => portfolioInvestmentFields(i, parts[k] ?? null)) },
  };
}

/** Op 3 straight from Bondora, as minimum.calls.ts derives it. */
async function bidsWithAuctions(client: DirectClient, strategy: 'list' | 'per-id', token: string) {
  const byId = new Map<string, AuctionDto>();
  let bids: BidSummaryDto[];
  if (strategy === 'list') {
    // The list does not depend on the bids: both at once, then the auctions it lacks at once.
    let active: AuctionDto[];
    [bids, active] = await Promise.all([client.bids(50, 1, token), client.auctions(20_000, 1, token)]);
    for (const a of active) byId.set(a.AuctionId.toLowerCase(), a);
  } else {
    bids = await client.bids(50, 1, token);
  }
  const missing = [...new Set(bids.map((b) => b.AuctionId.toLowerCase()))].filter((id) => !byId.has(id));
  for (const a of await Promise.all(missing.map((id) => client.auction(id, token)))) byId.set(a.AuctionId.toLowerCase(), a);
  return bids.map((b) => {
    const a = byId.get(b.AuctionId.toLowerCase());
    return {
      id: b.Id,
      status: b.StatusCode,
      requestedAmount: b.RequestedBidAmount,
      requestedAt: b.BidRequestedDate,
      auction: a && { id: a.AuctionId, rating: a.Rating, interest: a.Interest, remainingAmount: a.RemainingAmount, isActive: !a.ActualCloseDate },
    };
  });
}
