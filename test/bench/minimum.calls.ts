// The fewest upstream calls ANY client could make for each bench operation, derived from what the
// two APIs can do (shared/reference/bondora-api.md, bond-api.md), not from what the gateway does.
// The bench's direct client performs exactly these calls, and checks that its count matches.

/**
 * Op 1, one auction by id: 1. Bondora serves one auction by GET /api/v1/auction/{id}; the list
 * cannot be filtered by id. Any answer needs at least one call, so 1 is the minimum.
 */
export const AUCTION_BY_ID_MINIMUM = 1;

/**
 * Op 2, auctions(first: 50): 1. GET /api/v1/auctions?PageSize=50&PageNr=1 returns the window, and
 * the 10 selected fields are all in the list's Auction model (no detail-only field is asked).
 */
export const AUCTIONS_PAGE_MINIMUM = 1;

/**
 * Op 4, creditApplications(first: 50): 1. Bond pages with `limit` <= 50, so one list call holds
 * the whole window, applicants included.
 */
export const APPLICATIONS_PAGE_MINIMUM = 1;

/**
 * Op 6, updateCreditApplicant: 1. PATCH /credit/applications/{id} answers with the updated
 * application, so no read is needed before or after it.
 */
export const UPDATE_APPLICANT_MINIMUM = 1;

export interface BidsWithAuctionsPlan {
  /** 'list': the active-auctions list plus one detail call per auction it lacks; 'per-id': one detail call per distinct auction. */
  strategy: 'list' | 'per-id';
  calls: number;
  distinctAuctions: number;
  /** Distinct auctions of the bids that the active-auctions list does not hold (closed ones). */
  closedAuctionIds: string[];
}

/**
 * Op 3, bids(first: 50) with each bid's auction: 1 call for the bids page (the auction ids are
 * known only from it), then the auctions. Bondora has no "auctions by ids" endpoint: an auction
 * comes either from GET /api/v1/auctions (every active auction in one page: PageSize allows 20000)
 * or from GET /api/v1/auction/{id} (the only way to a closed auction). So the auctions cost
 * min(D, 1 + C) calls for D distinct auctions of which C are closed: the list plus one call per
 * closed auction, unless fetching all D by id is cheaper. The list does not depend on the bids,
 * so a client can run it alongside the bids call; the closed ones follow in parallel.
 */
export function bidsWithAuctionsPlan(bidAuctionIds: readonly string[], activeAuctionIds: ReadonlySet<string>): BidsWithAuctionsPlan {
  const active = new Set([...activeAuctionIds].map((id) => id.toLowerCase()));
  const distinct = [...new Set(bidAuctionIds.map((id) => id.toLowerCase()))];
  const closedAuctionIds = distinct.filter((id) => !active.has(id));
  const viaList = 1 + closedAuctionIds.length;
  const strategy = viaList < distinct.length ? 'list' : 'per-id';
  return { strategy, calls: 1 + Math.min(viaList, distinct.length), distinctAuctions: distinct.length, closedAuctionIds };
}

/**
 * Op 5, 20 credit applications by id: one GET /credit/applications/{id} per distinct id, since
 * Bond has no bulk get and its list filters by customer only. (Listing the brand's whole
 * collection would be ceil(total / 50) calls: 3 for the simulator's 149 applications, but a cost
 * that grows with the brand, not with the operation, and no client can rely on it.)
 */
export function applicationsByIdMinimum(ids: readonly string[]): number {
  return new Set(ids.map((id) => id.toLowerCase())).size;
}

/** Most ids one loanpart/list call may carry (bondora-api.md sections 2 and 4). */
export const BONDORA_LIST_IDS = 1000;

/**
 * Op 7, the portfolio screen (balance, investments(first: 100), each investment's loan part with
 * its schedule): 1 + 1 + ceil(P / 1000) for P distinct loan parts on the page, so 3 for 100.
 * - The balance comes only from GET /api/v1/account/balance: 1 call, independent of the rest.
 * - The investments come only from GET /api/v1/account/investments; PageSize allows 50000, so one
 *   call holds the page of 100 (and the total count). Its items carry NextPaymentDate but no
 *   schedule, and they are the only source of the investor's loan part ids: 1 call, first.
 * - The schedules come only with the loan part details: GET /api/v1/loanpart/{id} (1 call per part)
 *   or the bulk loanpart/list (up to 1000 ids per call, answered in id order). The list needs the
 *   ids, so it follows the investments call: ceil(P / 1000) calls, 1 for a page of 100.
 * A client runs the balance alongside the investments, then the list.
 */
export function portfolioMinimum(loanPartIds: readonly string[]): number {
  const distinct = new Set(loanPartIds.map((id) => id.toLowerCase())).size;
  return 1 + 1 + Math.ceil(distinct / BONDORA_LIST_IDS);
}
