import { BOND_MAX_PAGE_SIZE } from '../../upstream/bond/bond.dto.js';

/**
 * The upstream calls each schema coordinate may cost, and the one place a new field declares its
 * cost. A coordinate not listed costs nothing itself (a plain object field); its selection is still
 * walked. Every root field of Query and Mutation must be listed (a test checks it), so a new root
 * field cannot escape the per-request budget.
 */
export type UpstreamCost =
  /** A fixed number of calls each time the field resolves: every alias, every parent item. */
  | { kind: 'calls'; calls: number }
  /**
   * A connection read in upstream pages of `pageSize` items: ceil(items / pageSize) calls, plus one
   * read of the cursor's own item when `after`/`before` is given and `anchorRead` is set.
   */
  | { kind: 'pages'; pageSize: number; anchorRead?: boolean }
  /** A connection served from an offset window, which spans at most `calls` upstream pages. */
  | { kind: 'window'; calls: number }
  /** One call per parent item, shared by every field of the same `detail` group on that item. */
  | { kind: 'perItem'; detail: string }
  /** One list call per operation, however many parents, aliases or fields read it. */
  | { kind: 'perOperation'; list: string }
  /** Federation's `_entities`: each representation costs what its `__typename`'s rule says. */
  | { kind: 'entities'; types: Readonly<Record<string, EntityCost>> };

/** `each`: one call per representation (no bulk get); `perOperation`: one list call for the whole group. */
export type EntityCost = { kind: 'each' } | { kind: 'perOperation'; list: string };

/** Bondora's active-auctions page: the auction loader answers a batch of ids from it. */
export const ACTIVE_AUCTIONS_LIST = 'bondora:active-auctions';
/** Bondora's list of the investor's bids: the bid and bids-by-auction loaders answer from it. */
export const INVESTOR_BIDS_LIST = 'bondora:investor-bids';
/** GET /auction/{id}: the extended model behind the detail-only auction fields. */
export const AUCTION_DETAIL = 'bondora:auction-detail';
/** GET /credit/applications/{id}/adverse-actions: Bond has no bulk read, so one call per application. */
export const ADVERSE_ACTION = 'bond:adverse-action';
/** POST loanpart/list: the loan-part loader answers every id of a request in one call (per 1000 ids). */
export const LOAN_PART_LIST = 'bondora:loan-part-list';
/** POST secondarymarket/list: the market-item loader answers every id of a request in one call (per 1000 ids). */
export const MARKET_ITEM_LIST = 'bondora:market-item-list';

const free: UpstreamCost = { kind: 'calls', calls: 0 };
const calls = (n: number): UpstreamCost => ({ kind: 'calls', calls: n });
const auctionDetail: UpstreamCost = { kind: 'perItem', detail: AUCTION_DETAIL };
const activeAuctions: UpstreamCost = { kind: 'perOperation', list: ACTIVE_AUCTIONS_LIST };
const investorBids: UpstreamCost = { kind: 'perOperation', list: INVESTOR_BIDS_LIST };

export const UPSTREAM_CALL_COSTS: Readonly<Record<string, UpstreamCost>> = {
  // Root lookups by id: one call per occurrence, so every alias counts.
  'Query.auction': calls(1),
  'Query.bid': calls(1),
  'Query.creditApplication': calls(1),
  // Connections: Bond pages hold 50 items; a Bondora offset window needs at most two pages.
  // A caller limited to their own customer pays one read of the cursor's application, to check it is theirs.
  'Query.creditApplications': { kind: 'pages', pageSize: BOND_MAX_PAGE_SIZE, anchorRead: true },
  'Query.auctions': { kind: 'window', calls: 2 },
  'Query.bids': { kind: 'window', calls: 2 },
  'Query.me': free,
  'Query._service': free,
  'Query._entities': {
    kind: 'entities',
    types: {
      CreditApplication: { kind: 'each' },
      Auction: { kind: 'perOperation', list: ACTIVE_AUCTIONS_LIST },
      Bid: { kind: 'perOperation', list: INVESTOR_BIDS_LIST },
    },
  },

  // Detail-only auction fields share one GET /auction/{id} per auction.
  'Auction.liabilities': auctionDetail,
  'Auction.debts': auctionDetail,
  'Auction.borrowerHistory': auctionDetail,
  // Batched through per-request loaders that answer every parent from one list call.
  'Auction.myBids': investorBids,
  'Bid.auction': activeAuctions,
  'PlacedBid.auction': activeAuctions,
  'PlacedBid.bid': investorBids,
  'CancelBidPayload.bid': investorBids,
  'CreditApplication.adverseAction': { kind: 'perItem', detail: ADVERSE_ACTION },

  // The investor's account. Query.account itself only checks that the caller has a Bondora
  // credential (no upstream call). The balance and investments are kept per credential for their
  // window, so a call here may well be answered without reaching Bondora; the bound counts it anyway.
  'Query.account': free,
  'Account.balance': calls(1),
  // Investments come in blocks of 1000, events in pages: a window of at most 100 spans at most two.
  'Account.investments': { kind: 'window', calls: 2 },
  'Account.events': { kind: 'window', calls: 2 },
  'Investment.loanPart': { kind: 'perOperation', list: LOAN_PART_LIST },
  // A lookup by id: each alias counts (aliases of one level share one call in fact).
  'Query.loanPart': calls(1),

  // The secondary market: a listing window spans at most two pages; by-id reads and loan parts go
  // through the bulk loaders, one list call per request (after each write, since writes clear them).
  'Query.secondaryMarket': { kind: 'window', calls: 2 },
  'Query.secondaryMarketItem': { kind: 'perOperation', list: MARKET_ITEM_LIST },
  'SecondaryMarketItem.loanPart': { kind: 'perOperation', list: LOAN_PART_LIST },
  'SecondaryMarketItem.number': { kind: 'perOperation', list: MARKET_ITEM_LIST },
  'SecondaryMarketItem.plannedCloseDate': { kind: 'perOperation', list: MARKET_ITEM_LIST },
  'BuySecondaryMarketItemsPayload.items': { kind: 'perOperation', list: MARKET_ITEM_LIST },
  'CancelSecondaryMarketItemsPayload.items': { kind: 'perOperation', list: MARKET_ITEM_LIST },
  'ListedLoanPart.item': { kind: 'perOperation', list: MARKET_ITEM_LIST },
  'ListedLoanPart.loanPart': { kind: 'perOperation', list: LOAN_PART_LIST },
  'Mutation.buySecondaryMarketItems': calls(1),
  'Mutation.sellLoanParts': calls(1),
  'Mutation.cancelSecondaryMarketItems': calls(1),

  // Writes: updateCreditApplicant reads the application to check ownership before its PATCH.
  'Mutation.updateCreditApplicant': calls(2),
  'Mutation.submitCreditApplication': calls(2),
  'Mutation.createCreditApplication': calls(1),
  'Mutation.placeBids': calls(1),
  'Mutation.cancelBid': calls(1),
  'Mutation.connectBondora': free,
  'Mutation.disconnectBondora': calls(1),
};
