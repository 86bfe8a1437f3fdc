import { HttpClient, type HttpRequest, type UpstreamErrorBody } from '../http.js';
import type { RateLimitTable } from '../rate.scheduler.js';
import type { RequestScope } from '../request.scope.js';
import { UpstreamError } from '../upstream.error.js';
import type { BondoraCredential } from './bondora.credential.js';
import { BONDORA_CACHED_LISTS, BONDORA_INVALIDATES, BONDORA_RATE_LIMITS } from './bondora.limits.js';
import type {
  AuctionDto,
  AuctionExtendedDto,
  AuctionRequestDto,
  BidDto,
  BidResponseDto,
  BidSummariesRequestDto,
  BidSummaryDto,
  BondoraEnvelope,
  BondoraPagedEnvelope,
} from './bondora.dto.js';

export interface BondoraPage<T> {
  items: T[];
  pageSize: number;
  pageNr: number;
  totalCount: number;
}

export interface BondoraHttpOptions {
  baseUrl: string;
  timeoutMs: number;
  /** Client-side budgets (the documented Bondora limits by default); false sends unthrottled. */
  rateLimits?: RateLimitTable | false;
  /** How long the hot lists (active auctions, the investor's bids) are kept per credential; 0 keeps nothing. */
  listCacheTtlMs?: number;
  /** The most of the gateway's own token's budgets one caller may spend (CALLER_SHARE_PERCENT). */
  callerSharePercent?: number;
}

export function createBondoraHttp(options: BondoraHttpOptions): HttpClient {
  const ttl = options.listCacheTtlMs ?? 0;
  return new HttpClient({
    upstream: 'bondora',
    baseUrl: options.baseUrl,
    timeoutMs: options.timeoutMs,
    describeError: describeBondoraError,
    failureInBody: bondoraFailureStatus,
    rateLimits: options.rateLimits === false ? undefined : (options.rateLimits ?? BONDORA_RATE_LIMITS),
    cache: { ttlMs: Object.fromEntries(BONDORA_CACHED_LISTS.map((endpoint) => [endpoint, ttl])) },
    invalidates: BONDORA_INVALIDATES,
    callerSharePercent: options.callerSharePercent,
  });
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

  private async paged<T>(req: HttpRequest): Promise<BondoraPage<T>> {
    const envelope = (await this.envelope(req)) as BondoraPagedEnvelope<T>;
    if (!Array.isArray(envelope.Payload)) throw this.shapeError('a list');
    return {
      items: envelope.Payload,
      pageSize: envelope.PageSize,
      pageNr: envelope.PageNr,
      totalCount: envelope.TotalCount,
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
    return envelope;
  }

  private shapeError(expected: string): UpstreamError {
    return new UpstreamError('bondora', 'ERROR', `Bondora returned an unexpected response (expected ${expected})`);
  }
}
