import DataLoader from 'dataloader';
import type { BondoraClient } from '../upstream/bondora/bondora.client.js';
import { BONDORA_MAX_LIST_IDS, type LoanPartDetailsDto, type SecondMarketItemSummaryDto } from '../upstream/bondora/bondora.dto.js';
import { mapSettledLimit } from './concurrency.js';
import { BATCHING, idLoaderOptions, type LoaderSettings } from './loader.options.js';
import { nullIfNotFound } from './not-found.js';

/** Bulk calls of one batch in flight at once: each spends one of an hourly budget's few calls anyway. */
const CHUNK_CONCURRENCY = 2;

/**
 * Per-request loaders over Bondora's two bulk endpoints (`loanpart/list`, `secondarymarket/list`).
 * A batch is answered with one call per 1000 distinct ids (compared case-insensitively). Bondora
 * answers in id order with null where it found nothing: such a key loads as null, not as an error.
 * A failed call fails only the keys it carried.
 *
 * One exception: a batch of a single loan part goes to GET loanpart/{id}, which Bondora allows once
 * a second, rather than spend one of the list's 12 calls an hour (a 404 there is null too). Market
 * items have no such bargain (their per-id endpoint allows 5 an hour), so they always use the list.
 */
export class BondoraAccountLoaders {
  readonly loanPart: DataLoader<string, LoanPartDetailsDto | null>;
  readonly secondaryMarketItem: DataLoader<string, SecondMarketItemSummaryDto | null>;

  constructor(client: BondoraClient, settings: LoaderSettings = BATCHING) {
    const options = idLoaderOptions(settings);
    this.loanPart = new DataLoader(
      (ids) =>
        ids.length === 1
          ? mapSettledLimit(ids, 1, (id) => nullIfNotFound(client.getLoanPart(id)))
          : bulkLoad(ids, (chunk) => client.listLoanParts(chunk)),
      options,
    );
    this.secondaryMarketItem = new DataLoader((ids) => bulkLoad(ids, (chunk) => client.listSecondaryMarketItems(chunk)), options);
  }

  /** Makes loan parts fetched elsewhere available to later loads in the same request. */
  primeLoanParts(parts: readonly LoanPartDetailsDto[]): void {
    for (const part of parts) this.loanPart.prime(part.LoanPartId, part);
  }

  /** After a secondary-market write: loan parts and market items may have changed hands or status. */
  forgetMarket(): void {
    this.loanPart.clearAll();
    this.secondaryMarketItem.clearAll();
  }
}

/** Splits the distinct ids into chunks of at most BONDORA_MAX_LIST_IDS and maps the answers back to every key. */
async function bulkLoad<T>(
  keys: readonly string[],
  list: (ids: readonly string[]) => Promise<Array<T | null>>,
): Promise<Array<T | null | Error>> {
  const distinct = [...new Map(keys.map((key) => [key.toLowerCase(), key])).values()];
  const chunks: string[][] = [];
  for (let i = 0; i < distinct.length; i += BONDORA_MAX_LIST_IDS) chunks.push(distinct.slice(i, i + BONDORA_MAX_LIST_IDS));
  const answers = await mapSettledLimit(chunks, CHUNK_CONCURRENCY, list);
  const byId = new Map<string, T | null | Error>();
  chunks.forEach((chunk, c) => {
    const answer = answers[c]!;
    chunk.forEach((id, i) => byId.set(id.toLowerCase(), answer instanceof Error ? answer : (answer[i] ?? null)));
  });
  return keys.map((key) => byId.get(key.toLowerCase()) ?? null);
}
