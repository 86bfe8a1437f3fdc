import type { KeysetWindow } from './connection.args.js';

export interface KeysetPage<T> {
  has_more: boolean;
  data: T[];
}

export interface KeysetQuery {
  limit: number;
  starting_after?: string;
  ending_before?: string;
}

export interface KeysetResult<T> {
  items: T[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
}

/**
 * Serves a Relay window from a `starting_after`/`ending_before` API whose pages hold at most
 * `maxLimit` items, walking consecutive upstream pages when the window is larger.
 */
export async function fetchKeysetWindow<T>(
  window: KeysetWindow,
  maxLimit: number,
  idOf: (item: T) => string,
  fetchPage: (query: KeysetQuery) => Promise<KeysetPage<T>>,
): Promise<KeysetResult<T>> {
  let items: T[] = [];
  let remaining = window.count;
  let more = true;
  if (window.direction === 'forward') {
    let cursor = window.after;
    while (remaining > 0 && more) {
      const page = await fetchPage({ limit: Math.min(maxLimit, remaining), ...(cursor ? { starting_after: cursor } : {}) });
      const taken = page.data.slice(0, remaining);
      items = items.concat(taken);
      remaining -= taken.length;
      more = page.has_more || taken.length < page.data.length;
      if (taken.length === 0) break;
      cursor = idOf(taken[taken.length - 1]!);
    }
    // Having come from a cursor, the item it names lies before this page.
    return { items, hasNextPage: more, hasPreviousPage: window.after !== undefined };
  }
  let cursor = window.before;
  while (remaining > 0 && more) {
    const page = await fetchPage({ limit: Math.min(maxLimit, remaining), ending_before: cursor });
    const taken = page.data.slice(Math.max(0, page.data.length - remaining));
    items = taken.concat(items);
    remaining -= taken.length;
    more = page.has_more || taken.length < page.data.length;
    if (taken.length === 0) break;
    cursor = idOf(taken[0]!);
  }
  return { items, hasNextPage: true, hasPreviousPage: more };
}
