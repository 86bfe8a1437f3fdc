import { badUserInput } from '../error.mapper.js';
import { decodeIdCursor, decodeOffsetCursor, type CursorKind } from './cursor.js';

export const MAX_PAGE_ITEMS = 100;
export const DEFAULT_PAGE_ITEMS = 20;

function count(value: number | null | undefined, argument: string): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 1 || value > MAX_PAGE_ITEMS) {
    throw badUserInput(`"${argument}" must be between 1 and ${MAX_PAGE_ITEMS}, got ${value}`, argument);
  }
  return value;
}

export interface OffsetWindow {
  offset: number;
  count: number;
}

/** Forward-only connections over page-number lists: `first`/`after` become an item window. */
export function forwardWindow(kind: CursorKind, first: number | null | undefined, after: string | null | undefined): OffsetWindow {
  const size = count(first, 'first') ?? DEFAULT_PAGE_ITEMS;
  const offset = after === null || after === undefined ? 0 : decodeOffsetCursor(kind, after, 'after') + 1;
  return { offset, count: size };
}

export type KeysetWindow =
  | { direction: 'forward'; count: number; after?: string }
  | { direction: 'backward'; count: number; before: string };

export interface KeysetArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

/** Two-way connections over cursor lists: `first`/`after` or `last`/`before`, never mixed. */
export function keysetWindow(kind: CursorKind, args: KeysetArgs): KeysetWindow {
  const has = (v: unknown) => v !== null && v !== undefined;
  if (has(args.first) && has(args.last)) throw badUserInput('Pass either "first" or "last", not both', 'last');
  if (has(args.after) && has(args.before)) throw badUserInput('Pass either "after" or "before", not both', 'before');
  if (has(args.last) && !has(args.before)) {
    throw badUserInput('"last" pages backward from a cursor: pass "before" with it (or use "first" to start from the newest)', 'last');
  }
  if (has(args.first) && has(args.before)) throw badUserInput('"before" pages backward: pass "last" with it, not "first"', 'before');
  if (has(args.before)) {
    return {
      direction: 'backward',
      count: count(args.last, 'last') ?? DEFAULT_PAGE_ITEMS,
      before: decodeIdCursor(kind, args.before!, 'before'),
    };
  }
  const window: KeysetWindow = { direction: 'forward', count: count(args.first, 'first') ?? DEFAULT_PAGE_ITEMS };
  if (has(args.after)) window.after = decodeIdCursor(kind, args.after!, 'after');
  return window;
}
