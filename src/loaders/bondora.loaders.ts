import DataLoader from 'dataloader';
import type { BondoraClient } from '../upstream/bondora/bondora.client.js';
import {
  BONDORA_MAX_PAGE_SIZE,
  type AuctionDto,
  type AuctionExtendedDto,
  type BidSummaryDto,
} from '../upstream/bondora/bondora.dto.js';
import { Memo, mapSettledLimit } from './concurrency.js';
import { BATCHING, idLoaderOptions, type LoaderSettings } from './loader.options.js';
import { nullIfNotFound } from './not-found.js';

/** Per-id Bondora calls go out together; the HTTP layer's per-endpoint budget spaces them as Bondora allows. */
const allAtOnce = <T, R>(ids: readonly T[], fn: (id: T) => Promise<R>) => mapSettledLimit(ids, ids.length, fn);

/**
 * Per-request loaders over one Bondora credential. Bondora has no "by ids" endpoints, so a batch of
 * ids is answered from one list call (active auctions, the investor's bids) and per-id calls are
 * made only for ids the list does not hold. A batch of a single id goes straight to the per-id
 * endpoint, which is one call either way and a much smaller response, unless the active-auctions
 * list is kept across requests (BONDORA_LIST_CACHE_TTL_MS): then a hot auction read by many
 * callers is answered from that credential's kept list (one call per TTL, shared by every request)
 * instead of queueing each request for a slot of GET /auction/{id}'s 1/s. An id the list lacks
 * (closed or unknown) still goes to the per-id endpoint, and `auctionDetail` always does (for the
 * detail-only fields, which the list does not carry).
 */
export class BondoraLoaders {
  /** GET /auction/{id}: the extended model, for closed auctions and detail-only fields. */
  readonly auctionDetail: DataLoader<string, AuctionExtendedDto | null>;
  /** Auction summaries (an extended auction also satisfies it). */
  readonly auction: DataLoader<string, AuctionDto | null>;
  readonly bid: DataLoader<string, BidSummaryDto | null>;
  /** The investor's bids on each auction. */
  readonly bidsByAuction: DataLoader<string, BidSummaryDto[]>;

  private readonly activeAuctions: Memo<Map<string, AuctionDto>>;
  private readonly allBids: Memo<BidSummaryDto[]>;

  constructor(client: BondoraClient, settings: LoaderSettings = BATCHING) {
    const options = idLoaderOptions(settings);
    this.activeAuctions = new Memo(
      async () => byAuctionId((await client.listAuctions({ PageSize: BONDORA_MAX_PAGE_SIZE.auctions, PageNr: 1 })).items),
      settings.batching,
    );
    this.allBids = new Memo(
      async () => (await client.listBids({ PageSize: BONDORA_MAX_PAGE_SIZE.bids, PageNr: 1 })).items,
      settings.batching,
    );

    this.auctionDetail = new DataLoader(
      (ids) => allAtOnce(ids, (id) => nullIfNotFound(client.getAuction(id))),
      options,
    );

    this.auction = new DataLoader(
      async (ids) => {
        if (ids.length === 1 && !client.keepsAuctionList()) return this.auctionDetail.loadMany(ids);
        const active = await this.activeAuctions.get();
        // Later batches in this request find every active auction in the cache (a lone id seldom has any).
        if (ids.length > 1) for (const [id, auction] of active) this.auction.prime(id, auction);
        const missing = ids.filter((id) => !active.has(id.toLowerCase()));
        const details = new Map(missing.map((id, i) => [id, i]));
        const loaded = missing.length > 0 ? await this.auctionDetail.loadMany(missing) : [];
        return ids.map((id) => active.get(id.toLowerCase()) ?? loaded[details.get(id)!] ?? null);
      },
      options,
    );

    this.bid = new DataLoader(
      async (ids) => {
        if (ids.length === 1) return mapSettledLimit(ids, 1, (id) => nullIfNotFound(client.getBid(id)));
        const mine = new Map((await this.allBids.get()).map((b) => [b.Id.toLowerCase(), b]));
        const missing = ids.filter((id) => !mine.has(id.toLowerCase()));
        const fetched = new Map<string, BidSummaryDto | null | Error>();
        const results = await allAtOnce(missing, (id) => nullIfNotFound(client.getBid(id)));
        missing.forEach((id, i) => fetched.set(id, results[i]!));
        return ids.map((id) => mine.get(id.toLowerCase()) ?? fetched.get(id) ?? null);
      },
      options,
    );

    this.bidsByAuction = new DataLoader(
      async (auctionIds) => {
        const bids = await this.allBids.get();
        const byAuction = new Map<string, BidSummaryDto[]>();
        for (const bid of bids) {
          const key = bid.AuctionId.toLowerCase();
          byAuction.set(key, [...(byAuction.get(key) ?? []), bid]);
          this.bid.prime(bid.Id, bid);
        }
        return auctionIds.map((id) => byAuction.get(id.toLowerCase()) ?? []);
      },
      options,
    );
  }

  /**
   * Starts the active-auctions list now, so a bids page whose selection needs each bid's auction
   * fetches the list beside the bids rather than after them (two round trips, not three).
   */
  prefetchActiveAuctions(): void {
    this.activeAuctions.get().catch(() => undefined);
  }

  /** The same for the investor's bids, which `Auction.myBids` reads. */
  prefetchBids(): void {
    this.allBids.get().catch(() => undefined);
  }

  /** Makes items fetched by a list call available to later by-id loads in the same request. */
  primeAuctions(auctions: readonly AuctionDto[]): void {
    for (const auction of auctions) this.auction.prime(auction.AuctionId, auction);
  }

  primeBids(bids: readonly BidSummaryDto[]): void {
    for (const bid of bids) this.bid.prime(bid.Id, bid);
  }

  /** After a bid write: bids, per-auction bid lists and the investor's bid totals are stale. */
  forgetBids(auctionIds: readonly string[], bidIds: readonly string[] = []): void {
    this.allBids.reset();
    this.bidsByAuction.clearAll();
    for (const id of bidIds) this.bid.clear(id);
    for (const id of auctionIds) {
      this.auction.clear(id);
      this.auctionDetail.clear(id);
    }
  }
}

/**
 * The active auctions by lower-cased id. A kept list is the same array for every request that reads
 * it, so its index is built once rather than per request (a hot single-id read must stay cheap).
 */
const INDEXES = new WeakMap<readonly AuctionDto[], Map<string, AuctionDto>>();
function byAuctionId(items: readonly AuctionDto[]): Map<string, AuctionDto> {
  let index = INDEXES.get(items);
  if (!index) INDEXES.set(items, (index = new Map(items.map((a) => [a.AuctionId.toLowerCase(), a]))));
  return index;
}
