import type DataLoader from 'dataloader';
import { lowerCaseKey } from './not-found.js';

export interface LoaderSettings {
  /**
   * false makes every load its own upstream call, with no batching, deduplication or caching: what
   * a naive resolver does. Only the benchmark turns it off, to measure what batching saves.
   */
  batching: boolean;
}

export const BATCHING: LoaderSettings = { batching: true };

/** DataLoader options for string ids that upstreams treat case-insensitively. */
export function idLoaderOptions(settings: LoaderSettings): Pick<DataLoader.Options<string, unknown, string>, 'cacheKeyFn' | 'batch' | 'cache'> {
  return { cacheKeyFn: lowerCaseKey, batch: settings.batching, cache: settings.batching };
}
