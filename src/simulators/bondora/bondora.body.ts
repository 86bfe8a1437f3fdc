import type { BidDto } from '../../upstream/bondora/bondora.dto.js';
import type { SimRequest, SimResponse } from '../sim.router.js';
import { fail } from './bondora.envelope.js';
import { bindGuid } from './bondora.query.js';

// The body of POST /api/v1/bid (BidRequest), bound like ASP.NET Web API: JSON with
// case-insensitive member names, or form-urlencoded `Bids[0][AuctionId]=…&Bids[0][Amount]=…`.

const SUPPORTED_MEDIA = /^(application\/json|text\/json|application\/x-www-form-urlencoded)\b/i;

/** The requested bids (empty when none were sent), or the error response. */
export function readBidRequest(req: SimRequest): { bids: BidDto[] } | SimResponse {
  const contentType = String(req.headers['content-type'] ?? '').trim();
  if (req.body.length === 0) return { bids: [] };
  // XML is also accepted upstream; the simulator speaks JSON and forms only, and says so with a 415.
  if (!SUPPORTED_MEDIA.test(contentType)) {
    const media = contentType.split(';')[0] || 'application/octet-stream';
    return fail(415, `The request entity's media type '${media}' is not supported for this resource.`);
  }
  const body = req.parsedBody();
  const items = /x-www-form-urlencoded/i.test(contentType) ? formItems(body) : jsonItems(body);
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

function jsonItems(body: unknown): unknown[] | undefined {
  const bids = member(body, 'Bids');
  return Array.isArray(bids) ? bids : undefined;
}

/** Form keys `Bids[0][AuctionId]` or `Bids[0].AuctionId` (optionally `request.`-prefixed) into items by index. */
function formItems(body: unknown): unknown[] | undefined {
  if (!isRecord(body)) return undefined;
  const items = new Map<number, Record<string, unknown>>();
  for (const [key, value] of Object.entries(body)) {
    const m = /^(?:request\.)?bids\[(\d+)\](?:\[(\w+)\]|\.(\w+))$/i.exec(key);
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
