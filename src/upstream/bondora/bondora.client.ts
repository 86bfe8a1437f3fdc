import { fleetOptionsOf, HttpClient, type FleetOptions, type HttpRequest, type UpstreamErrorBody } from '../http.js';
import type { RateLimitTable } from '../rate.scheduler.js';
import type { RequestScope } from '../request.scope.js';
import { UpstreamError } from '../upstream.error.js';
import type { BondoraCredential } from './bondora.credential.js';
import { BONDORA_CACHED_LISTS, BONDORA_INVALIDATES, BONDORA_RATE_LIMITS, windowCacheTtls } from './bondora.limits.js';
import {
  BONDORA_MAX_LIST_IDS,
  BONDORA_MAX_MARKET_ITEMS_PER_REQUEST,
  type AuctionDto,
  type AuctionExtendedDto,
  type AuctionRequestDto,
  type BidDto,
  type BidResponseDto,
  type BidSummariesRequestDto,
  type BidSummaryDto,
  type BondoraEnvelope,
  type BondoraPagedEnvelope,
  type EventLogItemDto,
  type EventLogRequestDto,
  type LoanPartDetailsDto,
  type MyAccountBalanceDto,
  type MyInvestmentItemDto,
  type MyInvestmentsRequestDto,
  type SecondMarketItemDto,
  type SecondMarketItemSummaryDto,
  type SecondMarketRequestDto,
  type SecondMarketSaleRequestDto,
  type SecondMarketSaleResponseDto,
} from './bondora.dto.js';
import type { UpstreamObserver } from '../upstream.observer.js';

export interface BondoraPage<T> {
  items: T[];
  pageSize: number;
  pageNr: number;
  totalCount: number;
  /** When Bondora gave this answer: a kept answer is served later but keeps its own time. */
  fetchedAt: Date;
}

/** An answer with the time Bondora gave it. */
export interface Fetched<T> {
  value: T;
  fetchedAt: Date;
}

/** Shared state of a fleet (Redis): kept answers, in-flight calls, budgets. */
export interface BondoraHttpOptions extends FleetOptions {
  baseUrl: string;
  timeoutMs: number;
  /** Client-side budgets (the documented Bondora limits by default); false sends unthrottled. */
  rateLimits?: RateLimitTable | false;
  /** How long the hot lists (active auctions, the investor's bids) are kept per credential; 0 keeps nothing. */
  listCacheTtlMs?: number;
  /** How long a closed auction's detail is kept per credential: it can never change again (0 keeps none). */
  closedAuctionTtlMs?: number;
  /** How long an active auction's detail is kept per credential (BONDORA_ENTITY_CACHE_TTL_MS; 0 keeps none). */
  entityCacheTtlMs?: number;
  /** The most of the gateway's own token's budgets one caller may spend (CALLER_SHARE_PERCENT). */
  callerSharePercent?: number;
  /** Metrics, readiness and traces of its calls. */
  observer?: UpstreamObserver;
}

export function createBondoraHttp(options: BondoraHttpOptions): HttpClient {
  const ttl = options.listCacheTtlMs ?? 0;
  const rateLimits = options.rateLimits === false ? undefined : (options.rateLimits ?? BONDORA_RATE_LIMITS);
  return new HttpClient({
    upstream: 'bondora',
    baseUrl: options.baseUrl,
    timeoutMs: options.timeoutMs,
    describeError: describeBondoraError,
    failureInBody: bondoraFailureStatus,
    rateLimits,
    cache: {
      ttlMs: {
        ...Object.fromEntries(BONDORA_CACHED_LISTS.map((endpoint) => [endpoint, ttl])),
        ...windowCacheTtls(rateLimits),
        'auction.get': options.entityCacheTtlMs ?? 0,
      },
      final: options.closedAuctionTtlMs ? { endpoints: ['auction.get'], ttlMs: options.closedAuctionTtlMs, isFinal: isClosedAuction } : undefined,
    },
    invalidates: BONDORA_INVALIDATES,
    callerSharePercent: options.callerSharePercent,
    observer: options.observer,
    ...fleetOptionsOf(options),
  });
}

/** A successful GET /auction/{id} whose auction has closed: its detail is final. */
function isClosedAuction(response: unknown): boolean {
  const envelope = (response as { body?: BondoraEnvelope<AuctionExtendedDto> } | undefined)?.body;
  return envelope?.Success === true && typeof envelope.Payload?.ActualCloseDate === 'string' && envelope.Payload.ActualCloseDate !== '';
}

/** Bondora can report a failure inside a 2xx: the envelope, not the status, is the verdict. */
export function bondoraFailureStatus(body: unknown): number | undefined {
  const envelope = body as BondoraEnvelope<unknown> | undefined;
  if (!envelope || typeof envelope !== 'object' || envelope.Success !== false) return undefined;
  const code = describeBondoraError(envelope)?.code;
  return typeof code === 'number' && code >= 400 && code < 600 ? code : 500;
}

/** Errors[0] of the envelope carries the upstream's code (the HTTP status), message and details. */
export function describeBondoraError(body: unknown): UpstreamErrorBody | undefined {
  const first = (body as BondoraEnvelope<unknown> | undefined)?.Errors?.[0];
  if (!first || typeof first !== 'object') return undefined;
  return {
    code: typeof first.Code === 'number' ? first.Code : undefined,
    message: typeof first.Message === 'string' ? first.Message : undefined,
    details: typeof first.Details === 'string' ? first.Details : undefined,
  };
}

/** When Bondora gave each envelope: the HTTP layer stamps every response, kept ones included (Redis too). */
const ARRIVED = new WeakMap<object, Date>();

function arrivalOf(envelope: object): Date {
  let at = ARRIVED.get(envelope);
  if (!at) ARRIVED.set(envelope, (at = new Date()));
  return at;
}

/**
 * One method per Bondora endpoint, bound to the credential of one GraphQL request
 * (the server token, or the caller's own x-bondora-token).
 */
export class BondoraClient {
  constructor(
    private readonly http: HttpClient,
    private readonly credential: BondoraCredential,
    private readonly scope: RequestScope = {},
  ) {}

  /** Whether the active-auctions list is kept across requests, so reading it usually costs no call. */
  keepsAuctionList(): boolean {
    return this.http.keeps('auctions.list');
  }

  async listAuctions(query: AuctionRequestDto): Promise<BondoraPage<AuctionDto>> {
    return this.paged<AuctionDto>({ method: 'GET', endpoint: 'auctions.list', path: '/api/v1/auctions', query: { ...query } });
  }

  async getAuction(id: string): Promise<AuctionExtendedDto> {
    return this.payload<AuctionExtendedDto>({ method: 'GET', endpoint: 'auction.get', path: `/api/v1/auction/${encodeURIComponent(id)}` });
  }

  async listBids(query: BidSummariesRequestDto): Promise<BondoraPage<BidSummaryDto>> {
    return this.paged<BidSummaryDto>({ method: 'GET', endpoint: 'bids.list', path: '/api/v1/bids', query: { ...query } });
  }

  async getBid(id: string): Promise<BidSummaryDto> {
    return this.payload<BidSummaryDto>({ method: 'GET', endpoint: 'bid.get', path: `/api/v1/bid/${encodeURIComponent(id)}` });
  }

  /** 202: the bids are queued; their outcome shows later in listBids/getBid. */
  async placeBids(bids: BidDto[]): Promise<BidResponseDto[]> {
    const payload = await this.payload<BidResponseDto[] | null>({ method: 'POST', endpoint: 'bid.place', path: '/api/v1/bid', body: { Bids: bids } });
    return payload ?? [];
  }

  async cancelBid(id: string): Promise<void> {
    await this.envelope({ method: 'POST', endpoint: 'bid.cancel', path: `/api/v1/bid/${encodeURIComponent(id)}/cancel` });
  }

  /** 12 per hour at Bondora: the HTTP layer keeps each credential's answer for a slot of that budget. */
  async getBalance(): Promise<MyAccountBalanceDto> {
    return (await this.getBalanceFetched()).value;
  }

  /** The balance with the time Bondora gave it (earlier than now when it is a kept answer). */
  async getBalanceFetched(): Promise<Fetched<MyAccountBalanceDto>> {
    const envelope = await this.envelope({ method: 'GET', endpoint: 'account.balance', path: '/api/v1/account/balance' });
    return { value: envelope.Payload as MyAccountBalanceDto, fetchedAt: arrivalOf(envelope) };
  }

  /** 5 per hour at Bondora; without SalesStatus only active (unsold) investments are listed. */
  async listInvestments(query: MyInvestmentsRequestDto = {}): Promise<BondoraPage<MyInvestmentItemDto>> {
    return this.paged<MyInvestmentItemDto>({ method: 'GET', endpoint: 'account.investments', path: '/api/v1/account/investments', query: { ...query } });
  }

  /** Only the writes made through this application (token) are listed. */
  async listEventLog(query: EventLogRequestDto = {}): Promise<BondoraPage<EventLogItemDto>> {
    return this.paged<EventLogItemDto>({ method: 'GET', endpoint: 'eventlog.list', path: '/api/v1/eventlog', query: { ...query } });
  }

  /** The open items (5 per hour at Bondora); ShowMyItems true/false narrows to the caller's or others'. */
  async listSecondaryMarket(query: SecondMarketRequestDto = {}): Promise<BondoraPage<SecondMarketItemDto>> {
    return this.paged<SecondMarketItemDto>({ method: 'GET', endpoint: 'secondarymarket.search', path: '/api/v1/secondarymarket', query: { ...query } });
  }

  async getSecondaryMarketItem(id: string): Promise<SecondMarketItemSummaryDto> {
    return this.payload<SecondMarketItemSummaryDto>({
      method: 'GET',
      endpoint: 'secondarymarket.get',
      path: `/api/v1/secondarymarket/${encodeURIComponent(id)}`,
    });
  }

  /** One POST secondarymarket/list (at most 1000 ids): results in id order, null where Bondora found none. */
  async listSecondaryMarketItems(ids: readonly string[]): Promise<Array<SecondMarketItemSummaryDto | null>> {
    return this.byIds<SecondMarketItemSummaryDto>('secondarymarket.list', '/api/v1/secondarymarket/list', ids);
  }

  /** 202: queued at Bondora (the outcome shows in investments, the market and the event log). At most 100 items. */
  async buySecondaryMarketItems(ids: readonly string[]): Promise<void> {
    this.checkWriteSize('buy', ids.length);
    await this.envelope({ method: 'POST', endpoint: 'secondarymarket.buy', path: '/api/v1/secondarymarket/buy', body: { ItemIds: [...ids] } });
  }

  /** 202: one new market item per loan part. At most 100 items; DesiredDiscountRate is a whole percent. */
  async sellLoanParts(request: SecondMarketSaleRequestDto): Promise<SecondMarketSaleResponseDto[]> {
    this.checkWriteSize('sell', request.Items.length);
    const fractional = request.Items.find((item) => !Number.isInteger(item.DesiredDiscountRate));
    if (fractional) {
      throw new UpstreamError('bondora', 'BAD_REQUEST', 'Bondora takes the desired discount rate as a whole percent', { field: 'DesiredDiscountRate' });
    }
    const payload = await this.payload<SecondMarketSaleResponseDto[] | null>({
      method: 'POST',
      endpoint: 'secondarymarket.sell',
      path: '/api/v1/secondarymarket/sell',
      body: request,
    });
    return payload ?? [];
  }

  /** 202: takes the caller's own items off the market. At most 100 items. */
  async cancelSecondaryMarketItems(ids: readonly string[]): Promise<void> {
    this.checkWriteSize('cancel', ids.length);
    await this.envelope({ method: 'POST', endpoint: 'secondarymarket.cancel', path: '/api/v1/secondarymarket/cancel', body: { ItemIds: [...ids] } });
  }

  /** 202: POST secondarymarket/{id}/cancel. */
  async cancelSecondaryMarketItem(id: string): Promise<void> {
    await this.envelope({
      method: 'POST',
      endpoint: 'secondarymarket.item.cancel',
      path: `/api/v1/secondarymarket/${encodeURIComponent(id)}/cancel`,
    });
  }

  async getLoanPart(id: string): Promise<LoanPartDetailsDto> {
    return this.payload<LoanPartDetailsDto>({ method: 'GET', endpoint: 'loanpart.get', path: `/api/v1/loanpart/${encodeURIComponent(id)}` });
  }

  /** One POST loanpart/list (at most 1000 ids; chunking is the loader's): in id order, null where not found. */
  async listLoanParts(ids: readonly string[]): Promise<Array<LoanPartDetailsDto | null>> {
    return this.byIds<LoanPartDetailsDto>('loanpart.list', '/api/v1/loanpart/list', ids);
  }

  /**
   * A bulk read. POST rather than GET-with-body: the HTTP layer keys shared GETs by URL, which
   * would hand one id list's answer to another.
   */
  private async byIds<T>(endpoint: string, path: string, ids: readonly string[]): Promise<Array<T | null>> {
    if (ids.length === 0) return [];
    if (ids.length > BONDORA_MAX_LIST_IDS) {
      throw new UpstreamError('bondora', 'BAD_REQUEST', `Bondora answers at most ${BONDORA_MAX_LIST_IDS} ids per call; ${ids.length} were asked for`);
    }
    const payload = await this.payload<Array<T | null> | null>({ method: 'POST', endpoint, path, body: { ItemIds: [...ids] } });
    if (!Array.isArray(payload) || payload.length !== ids.length) throw this.shapeError(`a list of ${ids.length} items in id order`);
    return payload;
  }

  /** Bondora refuses empty and oversized batches with a 400: refuse them before spending a call. */
  private checkWriteSize(what: string, count: number): void {
    if (count === 0) throw new UpstreamError('bondora', 'BAD_REQUEST', `Nothing to ${what}: give at least one item`);
    if (count > BONDORA_MAX_MARKET_ITEMS_PER_REQUEST) {
      throw new UpstreamError(
        'bondora',
        'BAD_REQUEST',
        `Bondora takes at most ${BONDORA_MAX_MARKET_ITEMS_PER_REQUEST} items per ${what} request; ${count} were given`,
      );
    }
  }

  private async paged<T>(req: HttpRequest): Promise<BondoraPage<T>> {
    const envelope = (await this.envelope(req)) as BondoraPagedEnvelope<T>;
    if (!Array.isArray(envelope.Payload)) throw this.shapeError('a list');
    return {
      items: envelope.Payload,
      pageSize: envelope.PageSize,
      pageNr: envelope.PageNr,
      totalCount: envelope.TotalCount,
      fetchedAt: arrivalOf(envelope),
    };
  }

  private async payload<T>(req: HttpRequest): Promise<T> {
    const envelope = (await this.envelope(req)) as BondoraEnvelope<T>;
    return envelope.Payload as T;
  }

  private async envelope(req: HttpRequest): Promise<BondoraEnvelope<unknown>> {
    const token = await this.credential.token();
    if (!token) {
      throw new UpstreamError(
        'bondora',
        'UNAUTHENTICATED',
        'No Bondora access token: the Bondora connection has lapsed; connect again with the connectBondora mutation',
      );
    }
    try {
      return await this.send(req, token);
    } catch (error) {
      // An expired or revoked token is renewed once; a call refused for lack of auth was not applied, so writes may retry too.
      if (!(error instanceof UpstreamError) || error.kind !== 'UNAUTHENTICATED' || !this.credential.renew) throw error;
      const renewed = await this.credential.renew(token);
      if (!renewed || renewed === token) throw error;
      return this.send(req, renewed);
    }
  }

  private async send(req: HttpRequest, token: string): Promise<BondoraEnvelope<unknown>> {
    const response = await this.http.request({
      ...req,
      headers: { authorization: `Bearer ${token}` },
      ...this.scope,
      shareOf: this.credential.shareOf,
    });
    const envelope = response.body as BondoraEnvelope<unknown> | undefined;
    if (!envelope || typeof envelope !== 'object' || typeof envelope.Success !== 'boolean') {
      throw this.shapeError('an API envelope');
    }
    if (!ARRIVED.has(envelope)) ARRIVED.set(envelope, new Date(response.fetchedAt));
    return envelope;
  }

  private shapeError(expected: string): UpstreamError {
    return new UpstreamError('bondora', 'ERROR', `Bondora returned an unexpected response (expected ${expected})`);
  }
}
