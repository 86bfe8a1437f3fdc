import type { BidDto, SecondMarketSaleRequestDto, SecondMarketSellDto } from '../../upstream/bondora/bondora.dto.js';
import type { SimRequest, SimResponse } from '../sim.router.js';
import { fail } from './bondora.envelope.js';
import { bindGuid } from './bondora.query.js';

// Request bodies bound like ASP.NET Web API: JSON with case-insensitive member names, or
// form-urlencoded with indexed keys (`Bids[0][AuctionId]=…`, `ItemIds[0]=…`). Bodies: BidRequest
// (POST bid), the `ItemIds` lists (secondary-market buy, cancel and /list, loanpart/list) and
// SecondMarketSaleRequest (sell).

const SUPPORTED_MEDIA = /^(application\/json|text\/json|application\/x-www-form-urlencoded)\b/i;

/** The parsed body (undefined when empty), or a 415 for a media type the simulator does not read. */
function readBody(req: SimRequest): { body: unknown; form: boolean } | SimResponse {
  const contentType = String(req.headers['content-type'] ?? '').trim();
  if (req.body.length === 0) return { body: undefined, form: false };
  // XML is also accepted upstream; the simulator speaks JSON and forms only, and says so with a 415.
  if (!SUPPORTED_MEDIA.test(contentType)) {
    const media = contentType.split(';')[0] || 'application/octet-stream';
    return fail(415, `The request entity's media type '${media}' is not supported for this resource.`);
  }
  if (!/x-www-form-urlencoded/i.test(contentType)) return { body: req.parsedBody(), form: false };
  // Repeated keys (`ItemIds=a&ItemIds=b`) bind as a list: index them so none is lost.
  const values = new Map<string, string[]>();
  for (const [key, value] of new URLSearchParams(req.body.toString('utf8'))) values.set(key, [...(values.get(key) ?? []), value]);
  const body: Record<string, string> = {};
  for (const [key, list] of values) {
    if (list.length === 1) body[key] = list[0]!;
    else list.forEach((value, i) => (body[`${key}[${i}]`] = value));
  }
  return { body, form: true };
}

/** The requested bids (empty when none were sent), or the error response. */
export function readBidRequest(req: SimRequest): { bids: BidDto[] } | SimResponse {
  const read = readBody(req);
  if ('status' in read) return read;
  const items = read.form ? formItems(read.body, 'Bids') : jsonItems(read.body, 'Bids');
  if (!items) return { bids: [] };
  const bids: BidDto[] = [];
  for (const [index, item] of items.entries()) {
    const rawId = member(item, 'AuctionId');
    const auctionId = typeof rawId === 'string' ? bindGuid(rawId) : undefined;
    if (!auctionId) return fail(400, 'The request is invalid.', `Bids[${index}].AuctionId is not a valid GUID.`);
    const amount = decimal(member(item, 'Amount'));
    if (amount === undefined || amount <= 0) {
      return fail(400, 'The request is invalid.', `Bids[${index}].Amount must be a positive number.`);
    }
    const minAmount = decimal(member(item, 'MinAmount'));
    bids.push({ AuctionId: auctionId, Amount: amount, MinAmount: minAmount ?? null });
  }
  return { bids };
}

/** The ids of an `ItemIds` body, in the order sent (empty when none), or the error response. */
export function readItemIds(req: SimRequest): { ids: string[] } | SimResponse {
  const read = readBody(req);
  if ('status' in read) return read;
  const raw = read.form ? formList(read.body, 'ItemIds') : member(read.body, 'ItemIds');
  if (raw === undefined || raw === null) return { ids: [] };
  if (!Array.isArray(raw)) return fail(400, 'The request is invalid.', 'ItemIds must be a list of GUIDs.');
  const ids: string[] = [];
  for (const [index, value] of raw.entries()) {
    const id = typeof value === 'string' ? bindGuid(value) : undefined;
    if (!id) return fail(400, 'The request is invalid.', `ItemIds[${index}] is not a valid GUID.`);
    ids.push(id);
  }
  return { ids };
}

/** DesiredDiscountRate bounds: down to a 99 % discount, up to a 40 % mark-up. */
export const SALE_RATE_RANGE = { min: -99, max: 40 } as const;

/** SecondMarketSaleRequest (Items empty when none were sent), or the error response. */
export function readSaleRequest(req: SimRequest): Required<SecondMarketSaleRequestDto> | SimResponse {
  const read = readBody(req);
  if ('status' in read) return read;
  const items = read.form ? formItems(read.body, 'Items') : jsonItems(read.body, 'Items');
  const sells: SecondMarketSellDto[] = [];
  for (const [index, item] of (items ?? []).entries()) {
    const rawId = member(item, 'LoanPartId');
    const loanPartId = typeof rawId === 'string' ? bindGuid(rawId) : undefined;
    if (!loanPartId) return fail(400, 'The request is invalid.', `Items[${index}].LoanPartId is not a valid GUID.`);
    const rate = decimal(member(item, 'DesiredDiscountRate'));
    if (rate === undefined || !Number.isInteger(rate)) {
      return fail(400, 'The request is invalid.', `Items[${index}].DesiredDiscountRate must be a whole number of percent.`);
    }
    if (rate < SALE_RATE_RANGE.min || rate > SALE_RATE_RANGE.max) {
      return fail(400, 'The request is invalid.', `Items[${index}].DesiredDiscountRate must be between ${SALE_RATE_RANGE.min} and ${SALE_RATE_RANGE.max}.`);
    }
    sells.push({ LoanPartId: loanPartId, DesiredDiscountRate: rate });
  }
  const flag = (name: string) => {
    const value = read.form && isRecord(read.body) ? formValue(read.body, name) : member(read.body, name);
    return value === true || (typeof value === 'string' && value.trim().toLowerCase() === 'true');
  };
  return {
    Items: sells,
    CancelItemOnPaymentReceived: flag('CancelItemOnPaymentReceived'),
    CancelItemOnReschedule: flag('CancelItemOnReschedule'),
  };
}

function jsonItems(body: unknown, name: string): unknown[] | undefined {
  const items = member(body, name);
  return Array.isArray(items) ? items : undefined;
}

/** Form keys `ItemIds[0]=…` (or repeated `ItemIds=…`), optionally `request.`-prefixed, in index order. */
function formList(body: unknown, name: string): unknown[] | undefined {
  if (!isRecord(body)) return undefined;
  const values: Array<{ index: number; value: unknown }> = [];
  const pattern = new RegExp(`^(?:request\\.)?${name}(?:\\[(\\d*)\\])?$`, 'i');
  for (const [key, value] of Object.entries(body)) {
    const m = pattern.exec(key);
    if (m) values.push({ index: m[1] ? Number(m[1]) : values.length, value });
  }
  if (values.length === 0) return undefined;
  return values.sort((a, b) => a.index - b.index).map((v) => v.value);
}

function formValue(body: Record<string, unknown>, name: string): unknown {
  const key = Object.keys(body).find((k) => k.toLowerCase() === name.toLowerCase() || k.toLowerCase() === `request.${name.toLowerCase()}`);
  return key === undefined ? undefined : body[key];
}

/** Form keys `Bids[0][AuctionId]` or `Bids[0].AuctionId` (optionally `request.`-prefixed) into items by index. */
function formItems(body: unknown, name: string): unknown[] | undefined {
  if (!isRecord(body)) return undefined;
  const items = new Map<number, Record<string, unknown>>();
  const pattern = new RegExp(`^(?:request\\.)?${name}\\[(\\d+)\\](?:\\[(\\w+)\\]|\\.(\\w+))$`, 'i');
  for (const [key, value] of Object.entries(body)) {
    const m = pattern.exec(key);
    if (!m) continue;
    const index = Number(m[1]);
    const item = items.get(index) ?? {};
    item[(m[2] ?? m[3])!] = value;
    items.set(index, item);
  }
  if (items.size === 0) return undefined;
  return [...items.entries()].sort((a, b) => a[0] - b[0]).map(([, item]) => item);
}

function member(value: unknown, name: string): unknown {
  if (!isRecord(value)) return undefined;
  const key = Object.keys(value).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : value[key];
}

/** Json.NET reads a decimal from a number or a numeric string. */
function decimal(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^\s*[+-]?(\d+(\.\d*)?|\.\d+)\s*$/.test(value)) return Number(value);
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
