import {
  BONDORA_EVENT_TYPES,
  BONDORA_MAX_LIST_IDS,
  BONDORA_MAX_MARKET_ITEMS_PER_REQUEST,
  BONDORA_MAX_PAGE_SIZE,
  type BidSummaryDto,
  type EventLogItemDto,
  type MyAccountBalanceDto,
  type MyInvestmentItemDto,
  type SecondMarketItemDto,
  type SecondMarketSaleResponseDto,
} from '../../upstream/bondora/bondora.dto.js';
import type { SimRequest, SimResponse } from '../sim.router.js';
import { readItemIds, readSaleRequest } from './bondora.body.js';
import { accepted, fail, ok, paged } from './bondora.envelope.js';
import { eventLogFilter, investmentFilter, marketFilter, type InvestmentRow, type MarketRow } from './bondora.filter.js';
import type { PortfolioSeed, SimAccount, SimHolding, SimLoanPart, SimMarketItem } from './bondora.portfolio.js';
import { bindGuid, type BondoraQuery } from './bondora.query.js';
import { bondoraDate, compareText, DAY_MS, guid, round2, type Random } from './bondora.values.js';
import { MARKET_FEE_RATE, investmentItem, itemSummary, loanPartDetails, marketItem, pricing } from './bondora.views.js';

// The investor side of the Bondora simulator: account balance, investments, loan parts, the
// secondary market and the event log (reference sections 4 to 6). Every investor has their own
// account; what one may see of another's is what Bondora shows: items open on the market (and the
// loan parts behind them), never their holdings, closed items or events. Writes answer 202 and take
// effect at once, so their outcome is visible on the next read.

/** One authenticated call, as the simulator's guard bound it. */
export interface AccountCall {
  req: SimRequest;
  /** The investor the token acts for. */
  account: string;
  /** Whose event log the call writes to and reads: the OAuth client, or the static token itself. */
  application: string;
  query: BondoraQuery;
  /** Scopes the token was granted; undefined for static tokens, which may do everything. */
  scopes: readonly string[] | undefined;
}

export interface AccountHooks {
  /** The investor's bids as they stand now (pending and open ones hold money back). */
  bidsOf(account: string): BidSummaryDto[];
  /** Sends a webhook event (`secondmarket.published` when an investor lists a part). */
  publish(eventType: string, payload: unknown): void;
  /** Refuse calls whose OAuth token lacks the endpoint's scope (403 "User has no rights"). */
  enforceScopes: boolean;
}

interface StoredEvent {
  ms: number;
  seq: number;
  item: EventLogItemDto;
}

const NO_RIGHTS = 'User has no rights';
const TOO_MANY_ITEMS = `Too many items. Max items ${BONDORA_MAX_MARKET_ITEMS_PER_REQUEST}`;
const TOO_MANY_IDS = `Too many items. Max items ${BONDORA_MAX_LIST_IDS}`;

export class BondoraAccounts {
  private baseMs = 0;
  private readonly parts = new Map<string, SimLoanPart>();
  private readonly holdings: SimHolding[] = [];
  /** The current owner's holding per part id (simulated owners only). */
  private readonly current = new Map<string, SimHolding>();
  private readonly items = new Map<string, SimMarketItem>();
  /** The open item per part id. */
  private readonly listed = new Map<string, SimMarketItem>();
  private readonly accounts = new Map<string, SimAccount>();
  private readonly events = new Map<string, StoredEvent[]>();
  private eventSeq = 0;
  private nextItemNumber = 0;
  private idRandom: Random = Math.random;

  constructor(private readonly hooks: AccountHooks) {}

  /** Replaces every account with the seed's; pending and open bids at load time are part of each balance. */
  load(seed: PortfolioSeed, baseMs: number, idRandom: Random): void {
    this.baseMs = baseMs;
    this.idRandom = idRandom;
    this.nextItemNumber = seed.nextItemNumber;
    this.parts.clear();
    this.current.clear();
    this.items.clear();
    this.listed.clear();
    this.accounts.clear();
    this.events.clear();
    this.holdings.length = 0;
    for (const part of seed.parts) this.parts.set(part.id, part);
    for (const holding of seed.holdings) {
      this.holdings.push(holding);
      if (holding.soldMs === null && holding.part.owner === holding.owner) this.current.set(holding.part.id, holding);
    }
    for (const item of seed.items) {
      this.items.set(item.id, item);
      if (item.status === 1) this.listed.set(item.part.id, item);
    }
    for (const [account, seeded] of seed.accounts) {
      const held = this.bidHolds(account);
      this.accounts.set(account, { cash: round2(seeded.cash + held.reserved + held.requested), goGrow: seeded.goGrow });
    }
  }

  // --- reads for tests and tools -------------------------------------------------------------

  balanceOf(account: string): MyAccountBalanceDto {
    const { cash, goGrow } = this.account(account);
    const { reserved, requested } = this.bidHolds(account);
    return {
      Balance: cash,
      Reserved: reserved,
      BidRequestAmount: requested,
      TotalAvailable: round2(cash - reserved - requested),
      GoGrowAccounts: goGrow.map((g) => ({ ...g })),
    };
  }

  /** The investor's active (unsold) investments, newest first. */
  investmentsOf(account: string): MyInvestmentItemDto[] {
    return this.investmentRows(account)
      .filter((r) => !r.sold)
      .map((r) => r.item);
  }

  /** Items open on the market: everyone's, or one investor's. */
  openItems(seller?: string): SecondMarketItemDto[] {
    return this.marketRows(seller ?? '')
      .filter((r) => seller === undefined || r.mine)
      .map((r) => r.item);
  }

  eventsOf(account: string, application: string): EventLogItemDto[] {
    return this.storedEvents(account, application).map((e) => ({ ...e.item }));
  }

  /** Appends to the event log of the call's application (each accepted write, with its request as JSON). */
  record(call: AccountCall, eventType: number, request: unknown): void {
    const key = eventKey(call.account, call.application);
    const list = this.events.get(key) ?? [];
    const ms = Date.now();
    list.push({
      ms,
      seq: this.eventSeq++,
      item: { EventDate: bondoraDate(ms), EventType: eventType, IpAddress: ipOf(call.req), Data: JSON.stringify(request) },
    });
    this.events.set(key, list);
  }

  // --- handlers ------------------------------------------------------------------------------

  /** GET /api/v1/account/balance */
  balance(call: AccountCall): SimResponse {
    return ok(200, this.balanceOf(call.account));
  }

  /** GET /api/v1/account/investments */
  investments(call: AccountCall): SimResponse {
    const denied = this.requireScope(call, 'Investments');
    if (denied) return denied;
    const { pageNr, pageSize } = call.query.paging(BONDORA_MAX_PAGE_SIZE.investments);
    const matches = this.investmentRows(call.account).filter(investmentFilter(call.query));
    const page = matches.slice((pageNr - 1) * pageSize, pageNr * pageSize);
    return paged(pageSize, pageNr, matches.length, page.map((r) => r.item));
  }

  /** GET /api/v1/eventlog: only what was done through this application (token). */
  eventLog(call: AccountCall): SimResponse {
    const { pageNr, pageSize } = call.query.paging(BONDORA_MAX_PAGE_SIZE.eventlog);
    const matches = this.storedEvents(call.account, call.application)
      .map((e) => e.item)
      .filter(eventLogFilter(call.query));
    const page = matches.slice((pageNr - 1) * pageSize, pageNr * pageSize);
    return paged(pageSize, pageNr, matches.length, page.map((e) => ({ ...e })));
  }

  /** GET /api/v1/secondarymarket: the open items. */
  market(call: AccountCall): SimResponse {
    const { pageNr, pageSize } = call.query.paging(BONDORA_MAX_PAGE_SIZE.secondarymarket);
    const matches = this.marketRows(call.account).filter(marketFilter(call.query));
    const page = matches.slice((pageNr - 1) * pageSize, pageNr * pageSize);
    return paged(pageSize, pageNr, matches.length, page.map((r) => r.item));
  }

  /** GET /api/v1/secondarymarket/{id} */
  marketItem(call: AccountCall): SimResponse {
    const id = bindGuid(call.req.params.id);
    if (!id) return fail(400, 'No id specified');
    const item = this.visibleItem(id, call.account);
    if (!item) return fail(404, 'SecondaryMarket item with specified ID is not found');
    return ok(200, itemSummary(item));
  }

  /** GET (with a body) or POST /api/v1/secondarymarket/list: 1:1 with the ids, null where not found. */
  marketList(call: AccountCall): SimResponse {
    const read = this.readIds(call.req);
    if ('status' in read) return read;
    return ok(
      200,
      read.ids.map((id) => {
        const item = this.visibleItem(id, call.account);
        return item ? itemSummary(item) : null;
      }),
    );
  }

  /** GET /api/v1/loanpart/{id} */
  loanPart(call: AccountCall): SimResponse {
    const id = bindGuid(call.req.params.id);
    if (!id) return fail(400, 'LoanPart ID is not provided');
    const part = this.visiblePart(id, call.account);
    if (!part) return fail(404, 'LoanPart with the provided ID was not found');
    return ok(200, loanPartDetails(part, this.current.get(part.id), this.baseMs));
  }

  /** GET (with a body) or POST /api/v1/loanpart/list: 1:1 with the ids, null where not found. */
  loanPartList(call: AccountCall): SimResponse {
    const read = this.readIds(call.req);
    if ('status' in read) return read;
    return ok(
      200,
      read.ids.map((id) => {
        const part = this.visiblePart(id, call.account);
        return part ? loanPartDetails(part, this.current.get(part.id), this.baseMs) : null;
      }),
    );
  }

  /**
   * POST /api/v1/secondarymarket/buy. The whole batch is checked before anything happens; then
   * each part moves to the buyer, the items leave the market, and money changes hands.
   */
  buy(call: AccountCall): SimResponse {
    const denied = this.requireScope(call, 'SmBuy');
    if (denied) return denied;
    const read = readItemIds(call.req);
    if ('status' in read) return read;
    if (read.ids.length === 0) return fail(400, 'No items specified');
    if (read.ids.length > BONDORA_MAX_MARKET_ITEMS_PER_REQUEST) return fail(400, TOO_MANY_ITEMS);
    const ids = [...new Set(read.ids)];
    const items: SimMarketItem[] = [];
    for (const id of ids) {
      const item = this.items.get(id);
      if (!item) return fail(404, 'Not found', `ItemId: ${id}`);
      items.push(item);
    }
    for (const item of items) {
      if (item.seller === call.account) return fail(409, 'Investment cannot be bought', `ItemId: ${item.id} is your own item.`);
      if (item.status !== 1) return fail(409, 'Investment cannot be bought', `ItemId: ${item.id} is no longer on sale.`);
    }
    const cost = round2(items.reduce((sum, item) => sum + pricing(item, this.baseMs).totalCost, 0));
    const available = this.balanceOf(call.account).TotalAvailable;
    if (cost > available) return fail(409, 'Investment cannot be bought', `Not enough funds: the items cost ${cost}, ${available} is available.`);

    const now = Date.now();
    const buyer = this.account(call.account);
    for (const item of items) {
      const { price, totalCost } = pricing(item, this.baseMs);
      buyer.cash = round2(buyer.cash - totalCost);
      const sold = this.current.get(item.part.id);
      if (sold) {
        sold.soldMs = now;
        sold.salePrice = price;
        const seller = this.account(sold.owner);
        seller.cash = round2(seller.cash + price - round2(price * MARKET_FEE_RATE));
      }
      item.status = 2;
      item.closedMs = now;
      item.buyer = call.account;
      this.listed.delete(item.part.id);
      item.part.owner = call.account;
      const holding: SimHolding = {
        owner: call.account,
        part: item.part,
        bidType: 2,
        purchaseMs: now,
        purchasePrice: price,
        boughtFromId: item.id,
        soldMs: null,
        salePrice: null,
      };
      this.holdings.push(holding);
      this.current.set(item.part.id, holding);
    }
    this.record(call, BONDORA_EVENT_TYPES.SmBuy, { ItemIds: read.ids });
    return accepted();
  }

  /** POST /api/v1/secondarymarket/sell: each part becomes an open item of the seller's. */
  sell(call: AccountCall): SimResponse {
    const denied = this.requireScope(call, 'SmSell');
    if (denied) return denied;
    const request = readSaleRequest(call.req);
    if ('status' in request) return request;
    if (request.Items.length === 0) return fail(400, 'No items specified');
    if (request.Items.length > BONDORA_MAX_MARKET_ITEMS_PER_REQUEST) return fail(400, TOO_MANY_ITEMS);
    const parts: SimLoanPart[] = [];
    for (const sell of request.Items) {
      const part = this.parts.get(sell.LoanPartId);
      if (!part) return fail(404, 'Not found', `LoanPartId: ${sell.LoanPartId}`);
      if (part.owner !== call.account) return fail(409, 'Investment cannot be sold', `LoanPartId: ${part.id} is not yours.`);
      if (this.listed.has(part.id) || parts.includes(part)) {
        return fail(409, 'Investment cannot be sold', `LoanPartId: ${part.id} is already on sale.`);
      }
      if (part.loan.statusCode === 4) return fail(409, 'Investment cannot be sold', `LoanPartId: ${part.id} is repaid.`);
      parts.push(part);
    }

    const now = Date.now();
    const responses: SecondMarketSaleResponseDto[] = request.Items.map((sell, i) => {
      const part = parts[i]!;
      const item: SimMarketItem = {
        id: guid(this.idRandom),
        number: this.nextItemNumber++,
        part,
        seller: call.account,
        rate: sell.DesiredDiscountRate,
        listedMs: now,
        status: 1,
        closedMs: null,
        cancelledMs: null,
        buyer: undefined,
        cancelOnPaymentReceived: request.CancelItemOnPaymentReceived,
        cancelOnReschedule: request.CancelItemOnReschedule,
      };
      this.items.set(item.id, item);
      this.listed.set(part.id, item);
      this.hooks.publish('secondmarket.published', marketItem(item, this.baseMs, true));
      return { Id: item.id, LoanPartId: part.id, DesiredDiscountRate: item.rate };
    });
    this.record(call, BONDORA_EVENT_TYPES.SmSell, request);
    return ok(202, responses);
  }

  /** POST /api/v1/secondarymarket/cancel */
  cancelMany(call: AccountCall): SimResponse {
    const denied = this.requireScope(call, 'SmSell');
    if (denied) return denied;
    const read = readItemIds(call.req);
    if ('status' in read) return read;
    if (read.ids.length === 0) return fail(400, 'No items specified');
    if (read.ids.length > BONDORA_MAX_MARKET_ITEMS_PER_REQUEST) return fail(400, TOO_MANY_ITEMS);
    const refused = this.cancel(call, [...new Set(read.ids)]);
    if (refused) return refused;
    this.record(call, BONDORA_EVENT_TYPES.SmCancel, { ItemIds: read.ids });
    return accepted();
  }

  /** POST /api/v1/secondarymarket/{id}/cancel */
  cancelOne(call: AccountCall): SimResponse {
    const denied = this.requireScope(call, 'SmSell');
    if (denied) return denied;
    const id = bindGuid(call.req.params.id);
    if (!id) return fail(400, 'No id specified');
    const refused = this.cancel(call, [id]);
    if (refused) return refused;
    this.record(call, BONDORA_EVENT_TYPES.SmCancel, { Id: id });
    return accepted();
  }

  // --- internals -----------------------------------------------------------------------------

  /** Checks every item, then takes them all off the market; the refusal otherwise (documented codes of #15). */
  private cancel(call: AccountCall, ids: string[]): SimResponse | undefined {
    const items: SimMarketItem[] = [];
    for (const id of ids) {
      const item = this.items.get(id);
      if (!item) return fail(400, 'Not found', `ItemId: ${id}`);
      if (item.seller !== call.account) return fail(403, NO_RIGHTS, `ItemId: ${id}`);
      if (item.status !== 1) return fail(409, 'Cannot cancel item', `ItemId: ${id}`);
      items.push(item);
    }
    const now = Date.now();
    for (const item of items) {
      item.status = 3;
      item.cancelledMs = now;
      item.closedMs = now;
      this.listed.delete(item.part.id);
    }
    return undefined;
  }

  private readIds(req: SimRequest): { ids: string[] } | SimResponse {
    const read = readItemIds(req);
    if ('status' in read) return read;
    if (read.ids.length === 0) return fail(400, 'No ids specified');
    if (read.ids.length > BONDORA_MAX_LIST_IDS) return fail(400, TOO_MANY_IDS);
    return read;
  }

  /** Open items are public; a closed one only to its seller and buyer. */
  private visibleItem(id: string, account: string): SimMarketItem | undefined {
    const item = this.items.get(id);
    if (!item) return undefined;
    return item.status === 1 || item.seller === account || item.buyer === account ? item : undefined;
  }

  /** A part is visible to its owner, and to everyone while it is on sale (buyers look before they buy). */
  private visiblePart(id: string, account: string): SimLoanPart | undefined {
    const part = this.parts.get(id);
    if (!part) return undefined;
    return part.owner === account || this.listed.has(part.id) ? part : undefined;
  }

  private requireScope(call: AccountCall, scope: string): SimResponse | undefined {
    if (!this.hooks.enforceScopes || call.scopes === undefined || call.scopes.includes(scope)) return undefined;
    return fail(403, NO_RIGHTS, `The access token lacks the ${scope} scope.`);
  }

  private account(account: string): SimAccount {
    let found = this.accounts.get(account);
    if (!found) {
      found = { cash: 0, goGrow: [] };
      this.accounts.set(account, found);
    }
    return found;
  }

  /** Open bids hold money as Reserved; pending bid requests as BidRequestAmount. */
  private bidHolds(account: string): { reserved: number; requested: number } {
    let reserved = 0;
    let requested = 0;
    for (const bid of this.hooks.bidsOf(account)) {
      if (bid.StatusCode === 0) requested += bid.RequestedBidAmount;
      else if (bid.StatusCode === 1) reserved += bid.ActualBidAmount ?? bid.RequestedBidAmount;
    }
    return { reserved: round2(reserved), requested: round2(requested) };
  }

  private investmentRows(account: string): InvestmentRow[] {
    const rows: InvestmentRow[] = [];
    for (const holding of this.holdings) {
      if (holding.owner !== account) continue;
      const sold = holding.soldMs !== null;
      const listing = sold ? undefined : this.listed.get(holding.part.id);
      rows.push({
        item: investmentItem(holding, this.baseMs, listing),
        defaultedMs: holding.part.loan.defaultMs,
        sold,
        onSale: listing !== undefined,
      });
    }
    // Newest purchase first; ties by id so pages never overlap.
    return rows.sort((a, b) => compareText(b.item.PurchaseDate ?? '', a.item.PurchaseDate ?? '') || compareText(a.item.LoanPartId, b.item.LoanPartId));
  }

  private marketRows(account: string): MarketRow[] {
    const rows: MarketRow[] = [];
    for (const item of this.listed.values()) {
      const loan = item.part.loan;
      const born = loan.dateOfBirth === null ? NaN : Date.parse(loan.dateOfBirth);
      rows.push({
        item: marketItem(item, this.baseMs),
        loanDuration: loan.duration,
        defaultedMs: loan.defaultMs,
        ageYears: Number.isNaN(born) ? null : Math.floor((this.baseMs - born) / (365.25 * DAY_MS)),
        mine: item.seller === account,
      });
    }
    return rows.sort((a, b) => compareText(b.item.ListedOnDate ?? '', a.item.ListedOnDate ?? '') || compareText(a.item.Id, b.item.Id));
  }

  /** Newest first. */
  private storedEvents(account: string, application: string): StoredEvent[] {
    return [...(this.events.get(eventKey(account, application)) ?? [])].sort((a, b) => b.ms - a.ms || b.seq - a.seq);
  }
}

function eventKey(account: string, application: string): string {
  return `${account}\u0000${application}`;
}

/** The caller's address as the API saw it; the simulator listens on loopback. */
function ipOf(req: SimRequest): string {
  const forwarded = String(req.headers['x-forwarded-for'] ?? '').split(',')[0]?.trim();
  return forwarded || '127.0.0.1';
}

