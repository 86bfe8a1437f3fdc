import { badUserInput } from '../error.mapper.js';
import { isUuid } from '../id.input.js';

// Cursors are opaque to clients: base64url of "<kind>:<value>". The kind stops a cursor of one
// connection from being replayed against another; each connection names its own (a short word
// such as 'auction' or 'investment'), so a new connection needs no change here.

export type CursorKind = string;

export function encodeCursor(kind: CursorKind, value: string | number): string {
  return Buffer.from(`${kind}:${value}`, 'utf8').toString('base64url');
}

function decode(kind: CursorKind, cursor: string, argument: string): string {
  const text = /^[A-Za-z0-9_-]{1,200}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  const prefix = `${kind}:`;
  if (!text.startsWith(prefix)) {
    throw badUserInput(`"${argument}" is not a cursor of this connection; pass an endCursor or startCursor it returned`, argument);
  }
  return text.slice(prefix.length);
}

/** Offset cursors (Bondora page-number lists): the 0-based position of the item. */
export function decodeOffsetCursor(kind: CursorKind, cursor: string, argument: string): number {
  const value = decode(kind, cursor, argument);
  if (!/^\d{1,9}$/.test(value)) {
    throw badUserInput(`"${argument}" is not a cursor of this connection; pass an endCursor or startCursor it returned`, argument);
  }
  return Number(value);
}



/** Key cursors (Bond cursor lists): the id of the item. */
export function decodeIdCursor(kind: CursorKind, cursor: string, argument: string): string {
  const value = decode(kind, cursor, argument);
  if (!isUuid(value)) {
    throw badUserInput(`"${argument}" is not a cursor of this connection; pass an endCursor or startCursor it returned`, argument);
  }
  return value;
}
