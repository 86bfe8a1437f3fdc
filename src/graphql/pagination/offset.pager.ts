import { toConnection, type Connection } from './connection.type.js';
import type { CursorKind } from './cursor.js';
import { forwardWindow, type OffsetWindow } from './connection.args.js';

export interface NumberedPage<T> {
  items: T[];
  totalCount: number;
}

export type PageFetcher<T> = (pageNr: number, pageSize: number) => Promise<NumberedPage<T>>;

export interface WindowResult<T> {
  items: T[];
  totalCount: number;
}

/**
 * Serves an item window [offset, offset+count) from a page-number API in at most two calls.
 * One call when some page size between count and 2*count puts the window on a single page;
 * otherwise two adjacent pages of size count, fetched together.
 */
export async function fetchOffsetWindow<T>(window: OffsetWindow, fetchPage: PageFetcher<T>): Promise<WindowResult<T>> {
  const { offset, count } = window;
  for (let size = count; size <= 2 * count; size++) {
    const page = Math.floor(offset / size);
    if (Math.floor((offset + count - 1) / size) === page) {
      const result = await fetchPage(page + 1, size);
      const start = offset - page * size;
      return { items: result.items.slice(start, start + count), totalCount: result.totalCount };
    }
  }
  const page = Math.floor(offset / count);
  const [a, b] = await Promise.all([fetchPage(page + 1, count), fetchPage(page + 2, count)]);
  const start = offset - page * count;
  return { items: [...a.items, ...b.items].slice(start, start + count), totalCount: Math.max(a.totalCount, b.totalCount) };
}

/**
 * A forward connection over a page-number list, in one step: `first`/`after` to a window, the
 * window from at most two upstream pages, each item through `toNode`. `onItems` sees the upstream
 * items first (to prime loaders with them).
 */
export async function pagedConnection<D, N extends object>(
  kind: CursorKind,
  args: { first?: number | null; after?: string | null },
  fetchPage: PageFetcher<D>,
  toNode: (item: D) => N,
  onItems?: (items: readonly D[]) => void,
): Promise<Connection<N>> {
  const window = forwardWindow(kind, args.first, args.after);
  const page = await fetchOffsetWindow(window, fetchPage);
  onItems?.(page.items);
  return offsetConnection(kind, window, page, toNode);
}

/** The Relay connection of an offset window; each edge's cursor is its item's position. */
export function offsetConnection<D, N extends object>(
  kind: CursorKind,
  window: OffsetWindow,
  page: WindowResult<D>,
  toNode: (item: D) => N,
): Connection<N> {
  return toConnection(kind, page.items.map(toNode), (_node, index) => window.offset + index, {
    hasNextPage: window.offset + page.items.length < page.totalCount,
    hasPreviousPage: window.offset > 0,
    totalCount: page.totalCount,
  });
}
