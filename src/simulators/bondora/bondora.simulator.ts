import { BondoraOAuthServer } from './bondora.oauth.js';
import type {
  AuctionDto,
  AuctionExtendedDto,
  BidDto,
  BidResponseDto,
  BidSummaryDto,
  EventLogItemDto,
  MyAccountBalanceDto,
  MyInvestmentItemDto,
  SecondMarketItemDto,
} from '../../upstream/bondora/bondora.dto.js';
import { BONDORA_EVENT_TYPES, BONDORA_MAX_BIDS_PER_REQUEST, BONDORA_MAX_PAGE_SIZE } from '../../upstream/bondora/bondora.dto.js';
import { SimRouter, mulberry32, type SimRequest, type SimResponse } from '../sim.router.js';
import { BondoraAccounts, type AccountCall } from './bondora.account.js';
import { readBidRequest } from './bondora.body.js';
import { accepted, bondoraErrorBody, fail, ok, paged } from './bondora.envelope.js';
import { auctionFilter, bidFilter } from './bondora.filter.js';
import { BondoraBadRequest, BondoraQuery, bindGuid } from './bondora.query.js';
import { BondoraRateLimiter, quotaExceededMessage, resolveRateLimits, type RateLimitRule } from './bondora.ratelimit.js';
import { createPortfolioSeed, type PortfolioInvestor } from './bondora.portfolio.js';
import { byBidDateDesc, createBondoraSeed, createPublishedAuction } from './bondora.seed.js';
import { bondoraDate, guid, intBetween, type Random } from './bondora.values.js';
import { BondoraWebhookPublisher, type BondoraWebhookConfig } from './bondora.webhooks.js';
import type { DeliveryRecord, WebhookSenderOptions } from '../webhook.sender.js';

// An HTTP simulator of Bondora API v1, investor side, faithful to shared/reference/bondora-api.md:
// auctions and bids here; account, investments, loan parts, secondary market and event log in
// bondora.account.ts. Envelope, paging, ASP.NET-style query binding, auth, throttling, and the
// signed webhooks (bondora.webhooks.ts).

export interface BondoraSimulatorOptions {
  /** false = no rate limiting (default for tests); true = documented limits; or a table overriding limits per route name. */
  rateLimits?: boolean | Partial<Record<string, RateLimitRule>>;
  /**
   * Extra valid bearer tokens besides the seeded investors' ones; each is a separate investor who
   * starts with no bids and a small portfolio of their own (seeded from the token).
   */
  tokens?: string[];
  /**
   * Refuse OAuth tokens without the endpoint's scope: Investments for account/investments, SmBuy for
   * buy, SmSell for sell and cancel (403 "User has no rights"). Static tokens may do everything.
   * Off by default, so connections asking only for the bid scopes keep working.
   */
  enforceScopes?: boolean;
  /** Lifetime of access tokens issued through OAuth (default 3600 s). */
  accessTokenTtlSeconds?: number;
  /** Seed of the generated auctions, bids and new bid ids. */
  seed?: number;
  /** Instant the seed's dates are relative to; default: construction time, rounded down to the second. */
  baseTime?: Date | number;
  /**
   * Pending bids on active auctions become Open (1) once this many ms have passed since they were
   * requested, applied on the next read. Default: they stay Pending (0) until cancelled.
   */
  bidProcessingMs?: number;
  /** Where `auction.published` events go, signed with this key; unset: events are recorded, not sent. */
  webhook?: BondoraWebhookConfig;
  /** Publish a new auction this often while started; 0 or unset: only on request. */
  publishEveryMs?: number;
  /** Retry, time-out and block settings of webhook delivery (tests use tiny delays); blocks after 25 errors by default. */
  webhookDelivery?: WebhookSenderOptions;
}

export interface PublishedAuction {
  auctionId: string;
  eventId: string;
}

const DEFAULT_SEED = 20240525;
const TOKEN_DETAILS =
  "Request the Access Token from /oauth/access_token endpoint and set the issued token to 'Authorization' header as 'Bearer {access_token}'.";

interface Context extends AccountCall {
  /** The investor the bearer token acts for (what bids are owned by). */
  token: string;
}

/** A seeded investor: `token` is their static bearer token and what their bids are owned by. */
export interface BondoraInvestor {
  id: string;
  name: string;
  token: string;
}

interface OwnedBid {
  owner: string;
  bid: BidSummaryDto;
}

export class BondoraSimulator {
  static readonly DEMO_TOKEN = 'bondora-demo-token-0000000000000000';
  /** The seeded investors, demo first; the OAuth authorize page offers each of them. */
  static readonly INVESTORS: ReadonlyArray<Readonly<BondoraInvestor>> = Object.freeze([
    Object.freeze({ id: 'demo-investor', name: 'Demo Investor', token: BondoraSimulator.DEMO_TOKEN }),
    Object.freeze({ id: 'second-investor', name: 'Second Investor', token: 'bondora-second-investor-token-00000' }),
    Object.freeze({ id: 'third-investor', name: 'Third Investor', token: 'bondora-third-investor-token-000000' }),
  ]);
  /** The registered demo application: any loopback callback URL is accepted for it. */
  static readonly DEMO_CLIENT_ID = 'bondora-demo-client';
  static readonly DEMO_CLIENT_SECRET = 'bondora-demo-client-secret-not-a-real-one';

  /** OAuth 2.0: tokens it issues act for the seeded investor picked on the authorize page. */
  readonly oauth: BondoraOAuthServer;

  readonly router: SimRouter;
  private readonly seedNumber: number;
  private readonly baseMs: number;
  private readonly tokens: Set<string>;
  private readonly limiter: BondoraRateLimiter | undefined;
  private readonly bidProcessingMs: number | undefined;
  private active: AuctionExtendedDto[] = [];
  private closed: AuctionExtendedDto[] = [];
  private readonly auctions = new Map<string, { auction: AuctionExtendedDto; active: boolean }>();
  private readonly bids = new Map<string, OwnedBid>();
  private idRandom: Random = Math.random;
  private publishRandom: Random = Math.random;
  private lastLoanNumber = 0;
  private origin: string | undefined;
  private readonly webhooks: BondoraWebhookPublisher;
  private readonly publishEveryMs: number;
  private publishTimer: NodeJS.Timeout | undefined;
  private readonly extraTokens: string[];
  /** Account, investments, loan parts, secondary market and event log of every investor. */
  private readonly accounts: BondoraAccounts;

  constructor(options: BondoraSimulatorOptions = {}) {
    this.seedNumber = options.seed ?? DEFAULT_SEED;
    const base = options.baseTime ?? Date.now();
    this.baseMs = Math.floor((base instanceof Date ? base.getTime() : base) / 1000) * 1000;
    this.extraTokens = [...new Set(options.tokens ?? [])].filter((t) => !BondoraSimulator.INVESTORS.some((i) => i.token === t));
    this.tokens = new Set([...BondoraSimulator.INVESTORS.map((i) => i.token), ...this.extraTokens]);
    const rules = resolveRateLimits(options.rateLimits);
    this.limiter = rules ? new BondoraRateLimiter(rules) : undefined;
    this.bidProcessingMs = options.bidProcessingMs;
    this.webhooks = new BondoraWebhookPublisher(options.webhook, options.webhookDelivery);
    this.publishEveryMs = options.publishEveryMs ?? 0;
    this.accounts = new BondoraAccounts({
      bidsOf: (account) => this.ownBids(account),
      publish: (eventType, payload) => void this.webhooks.publish(eventType, payload),
      enforceScopes: options.enforceScopes ?? false,
    });
    this.oauth = new BondoraOAuthServer({
      clients: [{ clientId: BondoraSimulator.DEMO_CLIENT_ID, clientSecret: BondoraSimulator.DEMO_CLIENT_SECRET, loopback: true }],
      accessTokenTtlSeconds: options.accessTokenTtlSeconds,
      accounts: BondoraSimulator.INVESTORS.map((i) => ({ id: i.id, name: i.name, account: i.token })),
    });
    this.router = new SimRouter({ errorBody: bondoraErrorBody });
    this.router
      .route('GET', '/oauth/authorize', 'oauth.authorize', (req) => this.oauth.authorize(req))
      .route('POST', '/oauth/access_token', 'oauth.token', (req) => this.oauth.token(req))
      .route('POST', '/oauth/access_token/revoke', 'oauth.revoke', (req) => this.oauth.revoke(req));
    this.router
      .route('GET', '/api/v1/auctions', 'auctions.list', this.guard('auctions.list', (c) => this.listAuctions(c)))
      .route('GET', '/api/v1/auction/:id', 'auction.get', this.guard('auction.get', (c) => this.getAuction(c)))
      .route('GET', '/api/v1/bids', 'bids.list', this.guard('bids.list', (c) => this.listBids(c)))
      .route('GET', '/api/v1/bid/:id', 'bid.get', this.guard('bid.get', (c) => this.getBid(c)))
      .route('POST', '/api/v1/bid', 'bid.place', this.guard('bid.place', (c) => this.placeBids(c)))
      .route('POST', '/api/v1/bid/:id/cancel', 'bid.cancel', this.guard('bid.cancel', (c) => this.cancelBid(c)));
    const accounts = this.accounts;
    // The /list routes come before /{id}, which would otherwise take "list" for an id.
    this.router
      .route('GET', '/api/v1/account/balance', 'account.balance', this.guard('account.balance', (c) => accounts.balance(c)))
      .route('GET', '/api/v1/account/investments', 'account.investments', this.guard('account.investments', (c) => accounts.investments(c)))
      .route('GET', '/api/v1/eventlog', 'eventlog.list', this.guard('eventlog.list', (c) => accounts.eventLog(c)))
      .route('GET', '/api/v1/secondarymarket', 'secondarymarket.search', this.guard('secondarymarket.search', (c) => accounts.market(c)))
      .route('GET', '/api/v1/secondarymarket/list', 'secondarymarket.list', this.guard('secondarymarket.list', (c) => accounts.marketList(c)))
      .route('POST', '/api/v1/secondarymarket/list', 'secondarymarket.list', this.guard('secondarymarket.list', (c) => accounts.marketList(c)))
      .route('POST', '/api/v1/secondarymarket/buy', 'secondarymarket.buy', this.guard('secondarymarket.buy', (c) => accounts.buy(c)))
      .route('POST', '/api/v1/secondarymarket/sell', 'secondarymarket.sell', this.guard('secondarymarket.sell', (c) => accounts.sell(c)))
      .route('POST', '/api/v1/secondarymarket/cancel', 'secondarymarket.cancel', this.guard('secondarymarket.cancel', (c) => accounts.cancelMany(c)))
      .route('GET', '/api/v1/secondarymarket/:id', 'secondarymarket.get', this.guard('secondarymarket.get', (c) => accounts.marketItem(c)))
      .route(
        'POST',
        '/api/v1/secondarymarket/:id/cancel',
        'secondarymarket.item.cancel',
        this.guard('secondarymarket.item.cancel', (c) => accounts.cancelOne(c)),
      )
      .route('GET', '/api/v1/loanpart/list', 'loanpart.list', this.guard('loanpart.list', (c) => accounts.loanPartList(c)))
      .route('POST', '/api/v1/loanpart/list', 'loanpart.list', this.guard('loanpart.list', (c) => accounts.loanPartList(c)))
      .route('GET', '/api/v1/loanpart/:id', 'loanpart.get', this.guard('loanpart.get', (c) => accounts.loanPart(c)));
    this.router
      .controlRoute('POST', '/__sim/publish-auction', () => ({ status: 200, body: this.publishAuction() }))
      .controlRoute('PUT', '/__sim/webhook', (body) => {
        this.configureWebhook(JSON.parse(body.toString('utf8')) as BondoraWebhookConfig);
        return { status: 200, body: { ok: true } };
      })
      .controlRoute('DELETE', '/__sim/webhook', () => (this.clearWebhook(), { status: 200, body: { ok: true } }))
      .controlRoute('POST', '/__sim/webhook/ping', () => (this.resetWebhookErrors(), { status: 200, body: { ok: true } }));
    this.load();
  }

  async start(port = 0, host = '127.0.0.1'): Promise<string> {
    this.origin = await this.router.listen(port, host);
    if (this.publishEveryMs > 0) {
      this.publishTimer = setInterval(() => this.publishAuction(), this.publishEveryMs);
      this.publishTimer.unref();
    }
    return this.origin;
  }

  /** Also stops automatic publishing and cancels pending webhook deliveries. */
  async stop(): Promise<void> {
    clearInterval(this.publishTimer);
    this.publishTimer = undefined;
    await Promise.all([this.router.close(), this.webhooks.sender.close()]);
    this.origin = undefined;
  }

  get url(): string {
    if (!this.origin) throw new Error('BondoraSimulator is not started');
    return this.origin;
  }

  /** Active auctions (what GET /auctions lists), as the demo investor sees them. */
  get activeAuctions(): AuctionExtendedDto[] {
    const totals = this.userBidTotals(BondoraSimulator.DEMO_TOKEN);
    return this.active.map((a) => withUserBids(a, totals));
  }

  /** Closed auctions, reachable only by GET /auction/{id}, as the demo investor sees them. */
  get closedAuctions(): AuctionExtendedDto[] {
    const totals = this.userBidTotals(BondoraSimulator.DEMO_TOKEN);
    return this.closed.map((a) => withUserBids(a, totals));
  }

  /** The seeded investor a static or OAuth access token acts for; undefined for extra and invalid tokens. */
  investorOf(token: string): BondoraInvestor | undefined {
    const account = this.accountOf(token);
    const investor = BondoraSimulator.INVESTORS.find((i) => i.token === account);
    return investor ? { ...investor } : undefined;
  }

  bidsOf(token: string): BidSummaryDto[] {
    return this.ownBids(this.accountOf(token) ?? token).map((b) => ({ ...b }));
  }

  /** The account balance of the investor a token acts for, as GET /account/balance answers it. */
  balanceOf(token: string): MyAccountBalanceDto {
    return this.accounts.balanceOf(this.accountOf(token) ?? token);
  }

  /** The investor's active (unsold) investments, newest purchase first. */
  investmentsOf(token: string): MyInvestmentItemDto[] {
    return this.accounts.investmentsOf(this.accountOf(token) ?? token);
  }

  /** Items open on the secondary market: everyone's, or those the token's investor listed. */
  marketItems(token?: string): SecondMarketItemDto[] {
    return this.accounts.openItems(token === undefined ? undefined : (this.accountOf(token) ?? token));
  }

  /** The event log GET /eventlog shows to this token (its investor, through its application). */
  eventsOf(token: string): EventLogItemDto[] {
    return this.accounts.eventsOf(this.accountOf(token) ?? token, this.applicationOf(token));
  }

  /**
   * Lists a new active auction (GET /auctions and /auction/{id} serve it) and sends
   * `auction.published` with it to the webhook; the event is recorded even when none is configured.
   */
  publishAuction(): PublishedAuction {
    this.lastLoanNumber += intBetween(this.publishRandom, 1, 40);
    const auction = createPublishedAuction(this.publishRandom, Date.now(), this.lastLoanNumber);
    this.active.unshift(auction);
    this.auctions.set(auction.AuctionId, { auction, active: true });
    const eventId = this.webhooks.publish('auction.published', summary(withUserBids(auction, new Map())));
    return { auctionId: auction.AuctionId, eventId };
  }

  /** Sends an earlier event again with the same EventId, as Bondora does when it retries; false when it cannot. */
  redeliver(eventId: string): boolean {
    return this.webhooks.redeliver(eventId);
  }

  /** Sets the webhook URL and signing key; starts with a clean error count. */
  configureWebhook(config: BondoraWebhookConfig): void {
    this.webhooks.configure(config);
  }

  /** No webhook: events are still recorded but not sent; pending retries are dropped. */
  clearWebhook(): void {
    this.webhooks.clear();
  }

  get webhook(): BondoraWebhookConfig | undefined {
    return this.webhooks.webhook;
  }

  /** True after 25 consecutive failed deliveries, until resetWebhookErrors(). */
  get webhookBlocked(): boolean {
    return this.webhooks.blocked;
  }

  /** Bondora's ping/send-test: clears the failure count and unblocks the webhook. */
  resetWebhookErrors(): void {
    this.webhooks.resetErrors();
  }

  /** Every delivery attempt, oldest first. */
  get webhookDeliveries(): DeliveryRecord[] {
    return [...this.webhooks.deliveries];
  }

  /** Resolves when no webhook delivery is in flight or waiting for a retry. */
  webhooksIdle(): Promise<void> {
    return this.webhooks.sender.idle();
  }

  /**
   * Back to the seed state (published auctions go); also clears the request log, faults, rate-limit
   * windows, recorded events and webhook deliveries. The webhook configuration stays.
   */
  reset(): void {
    this.load();
    this.router.clearLog();
    this.router.clearFaults();
    this.limiter?.reset();
    this.oauth.reset();
    this.webhooks.reset();
  }

  private load(): void {
    const [demo, ...others] = BondoraSimulator.INVESTORS;
    const seed = createBondoraSeed(this.seedNumber, this.baseMs, others.length);
    this.active = seed.activeAuctions;
    this.closed = seed.closedAuctions;
    this.auctions.clear();
    for (const auction of this.active) this.auctions.set(auction.AuctionId, { auction, active: true });
    for (const auction of this.closed) this.auctions.set(auction.AuctionId, { auction, active: false });
    this.bids.clear();
    for (const bid of seed.demoBids) this.bids.set(bid.Id, { owner: demo!.token, bid });
    others.forEach((investor, i) => {
      for (const bid of seed.otherInvestorBids[i]!) this.bids.set(bid.Id, { owner: investor.token, bid });
    });
    // New bid ids come from their own stream so they repeat per seed regardless of read traffic.
    this.idRandom = mulberry32(this.seedNumber ^ 0x5eed);
    // Published auctions too, and they take loan numbers after every seeded one.
    this.publishRandom = mulberry32(this.seedNumber ^ 0xa0c7);
    this.lastLoanNumber = Math.max(...[...this.active, ...this.closed].map((a) => a.LoanNumber));
    // The investor side is seeded from streams of its own, so the auctions and bids above stay as they were.
    const holders: PortfolioInvestor[] = [
      ...BondoraSimulator.INVESTORS.map((i) => ({ account: i.token, key: i.id, large: i === demo, bids: this.ownBids(i.token) })),
      ...this.extraTokens.map((token) => ({ account: token, key: `token:${token}`, large: false, bids: [] })),
    ];
    this.accounts.load(createPortfolioSeed(this.seedNumber, this.baseMs, this.closed, holders), this.baseMs, mulberry32(this.seedNumber ^ 0x5a1e));
  }

  /** Whose event log a token's writes go to: the OAuth client it was issued to, or the static token itself. */
  private applicationOf(token: string): string {
    const client = this.tokens.has(token) ? undefined : this.oauth.applicationOf(token);
    return client === undefined ? `token:${token}` : `client:${client}`;
  }

  /** Static tokens are their own investor; OAuth tokens act for the account that consented. */
  private accountOf(token: string): string | undefined {
    return this.tokens.has(token) ? token : this.oauth.accountOf(token);
  }

  /** Auth, then throttling (a 401 costs no budget), then the handler with ASP.NET-style query binding. */
  private guard(route: string, handler: (c: Context) => SimResponse): (req: SimRequest) => SimResponse {
    return (req) => {
      const header = String(req.headers.authorization ?? '');
      const token = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
      if (!token) return fail(401, 'Missing token', TOKEN_DETAILS);
      const account = this.accountOf(token);
      if (!account) return fail(401, 'Invalid token', TOKEN_DETAILS);
      const rejected = this.limiter?.take(token, route);
      if (rejected) {
        const seconds = rejected.retryAfterSeconds;
        return fail(429, quotaExceededMessage(rejected.rule), `Retry after ${seconds} second(s).`, {
          'retry-after': String(seconds),
        });
      }
      try {
        return handler({
          req,
          token: account,
          account,
          application: this.applicationOf(token),
          scopes: this.tokens.has(token) ? undefined : this.oauth.scopesOf(token),
          query: new BondoraQuery(req.query),
        });
      } catch (error) {
        if (error instanceof BondoraBadRequest) return fail(400, error.message, error.details);
        throw error;
      }
    };
  }

  private listAuctions({ token, query }: Context): SimResponse {
    const { pageNr, pageSize } = query.paging(BONDORA_MAX_PAGE_SIZE.auctions);
    const matches = this.active.filter(auctionFilter(query));
    const page = matches.slice((pageNr - 1) * pageSize, pageNr * pageSize);
    const totals = this.userBidTotals(token);
    return paged(pageSize, pageNr, matches.length, page.map((a) => summary(withUserBids(a, totals))));
  }

  private getAuction({ req, token }: Context): SimResponse {
    // A malformed GUID binds to an empty id in ASP.NET, which the API reports as a missing id.
    const id = bindGuid(req.params.id);
    if (!id) return fail(400, 'Auction ID is not provided');
    const found = this.auctions.get(id);
    if (!found) return fail(404, 'Auction with the provided ID was not found');
    return ok(200, withUserBids(found.auction, this.userBidTotals(token)));
  }

  private listBids({ token, query }: Context): SimResponse {
    const { pageNr, pageSize } = query.paging(BONDORA_MAX_PAGE_SIZE.bids);
    const matches = this.ownBids(token).filter(bidFilter(query));
    const page = matches.slice((pageNr - 1) * pageSize, pageNr * pageSize);
    return paged(pageSize, pageNr, matches.length, page.map((b) => ({ ...b })));
  }

  private getBid({ req, token }: Context): SimResponse {
    const id = bindGuid(req.params.id);
    if (!id) return fail(400, 'No Bid id specified');
    const found = this.bids.get(id);
    if (!found) return fail(404, 'Bid with specified ID is not found');
    if (found.owner !== token) return fail(403, 'The user has no rights to view the Bid');
    return ok(200, { ...this.settle(found.bid) });
  }

  private placeBids(call: Context): SimResponse {
    const { req, token } = call;
    const parsed = readBidRequest(req);
    if ('status' in parsed) return parsed;
    const requested: BidDto[] = parsed.bids;
    if (requested.length === 0) return fail(400, 'No bids specified');
    if (requested.length > BONDORA_MAX_BIDS_PER_REQUEST) {
      return fail(400, `Too many items. Max items ${BONDORA_MAX_BIDS_PER_REQUEST}`);
    }
    // One unknown auction rejects the whole batch, so nothing is created.
    const unknown = requested.find((b) => !this.auctions.has(b.AuctionId));
    if (unknown) return fail(404, 'Auction with specified ID is not found', `AuctionId: ${unknown.AuctionId}`);

    const now = Date.now();
    const responses: BidResponseDto[] = requested.map((item) => {
      const auctionIsActive = this.auctions.get(item.AuctionId)!.active;
      const bid: BidSummaryDto = {
        Id: guid(this.idRandom),
        AuctionId: item.AuctionId,
        RequestedBidAmount: item.Amount,
        ActualBidAmount: null,
        RequestedBidMinimumLimit: null,
        BidRequestedDate: bondoraDate(now),
        // A bid on a closed auction fails at once with AuctionIsClosed (6); others wait as Pending.
        BidProcessedDate: auctionIsActive ? null : bondoraDate(now),
        IsRequestBeingProcessed: auctionIsActive,
        StatusCode: auctionIsActive ? 0 : 3,
        FailureReason: auctionIsActive ? 0 : 6,
      };
      this.bids.set(bid.Id, { owner: token, bid });
      return { Id: bid.Id, AuctionId: bid.AuctionId, Amount: item.Amount, MinAmount: null };
    });
    this.accounts.record(call, BONDORA_EVENT_TYPES.MakeBid, { Bids: requested });
    return ok(202, responses);
  }

  private cancelBid(call: Context): SimResponse {
    const { req, token } = call;
    const id = bindGuid(req.params.id);
    if (!id) return fail(400, 'No Bid id specified');
    const found = this.bids.get(id);
    if (!found) return fail(404, 'Bid with specified ID is not found');
    if (found.owner !== token) return fail(403, 'The user has no rights to cancel the Bid');
    const bid = this.settle(found.bid);
    if (bid.StatusCode !== 0 && bid.StatusCode !== 1) return fail(409, 'Can not cancel Bid.');
    bid.StatusCode = 4;
    bid.IsRequestBeingProcessed = false;
    bid.BidProcessedDate ??= bondoraDate(Date.now());
    this.accounts.record(call, BONDORA_EVENT_TYPES.CancelBid, { Id: id });
    return accepted();
  }

  /** The token's bids, newest request first, with due processing applied. */
  private ownBids(token: string): BidSummaryDto[] {
    const own: BidSummaryDto[] = [];
    for (const { owner, bid } of this.bids.values()) if (owner === token) own.push(this.settle(bid));
    return own.sort(byBidDateDesc);
  }

  private settle(bid: BidSummaryDto): BidSummaryDto {
    if (bid.StatusCode !== 0 || this.bidProcessingMs === undefined) return bid;
    const requestedMs = Date.parse(bid.BidRequestedDate ?? '');
    if (Date.now() - requestedMs < this.bidProcessingMs) return bid;
    bid.StatusCode = 1;
    bid.IsRequestBeingProcessed = false;
    bid.ActualBidAmount = bid.RequestedBidAmount;
    bid.BidProcessedDate = bondoraDate(requestedMs + this.bidProcessingMs);
    return bid;
  }

  /** UserBids/UserBidAmount per auction for one investor: their bids that are pending, open or won. */
  private userBidTotals(token: string): Map<string, UserBidTotal> {
    const totals = new Map<string, UserBidTotal>();
    for (const bid of this.ownBids(token)) {
      if (bid.StatusCode === 3 || bid.StatusCode === 4) continue;
      const total = totals.get(bid.AuctionId) ?? { count: 0, amount: 0 };
      total.count += 1;
      total.amount = Math.round((total.amount + bid.RequestedBidAmount) * 100) / 100;
      totals.set(bid.AuctionId, total);
    }
    return totals;
  }
}

interface UserBidTotal {
  count: number;
  amount: number;
}

function withUserBids(auction: AuctionExtendedDto, totals: Map<string, UserBidTotal>): AuctionExtendedDto {
  const total = totals.get(auction.AuctionId);
  return { ...auction, UserBids: total?.count ?? 0, UserBidAmount: total?.amount ?? 0 };
}

/** The list endpoint returns Auction fields only, in swagger order. */
function summary(auction: AuctionExtendedDto): AuctionDto {
  const { Liabilities: _l, Debts: _d, BorrowerHistory: _h, ...rest } = auction;
  return rest;
}
