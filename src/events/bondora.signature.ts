import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

// Bondora signs webhooks with HTTP Signatures (draft-cavage, hmac-sha256): a Signature header that
// names a key and the headers it covers, a Digest of the raw body, and a Date. A delivery is
// accepted only when the signature covers the request target, our own public host, the date and
// the digest, so a captured delivery cannot be replayed later, to another path, or with another body.

export interface BondoraSignedRequest {
  method: string;
  /** The path as Bondora called it, query included. */
  path: string;
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
  rawBody: Buffer;
}

export interface BondoraSignatureOptions {
  /** keyId → secret as configured (base64). */
  keys: Readonly<Record<string, string>>;
  /** host[:port] of WEBHOOK_PUBLIC_URL: the Host header is the proxy's to change, the signature is not. */
  host: string;
  toleranceSeconds: number;
  /** Epoch milliseconds; defaults to the clock. */
  now?: number;
}

export type SignatureVerdict = { ok: true; keyId: string } | { ok: false; reason: string };

/** Names a signature must cover for the delivery to prove where, when and what. */
export const BONDORA_REQUIRED_SIGNED_HEADERS: readonly string[] = ['(request-target)', 'host', 'date', 'digest'];

const RFC_1123 = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;
const PARAM = /^\s*([A-Za-z][A-Za-z0-9_-]*)\s*=\s*(?:"([^"\\]*)"|(\d+))\s*(?:,|$)/;

export function verifyBondoraSignature(req: BondoraSignedRequest, options: BondoraSignatureOptions): SignatureVerdict {
  if (Object.keys(options.keys).length === 0) return refuse('no Bondora webhook keys are configured');
  const header = req.headers['signature'];
  if (!header) return refuse('no Signature header');
  const params = parseSignatureParams(header);
  if (!params) return refuse('malformed Signature header');

  const { keyId, algorithm, signature } = params;
  if (keyId === undefined || signature === undefined) return refuse('Signature header lacks keyId or signature');
  if (algorithm !== undefined && algorithm.toLowerCase() !== 'hmac-sha256') return refuse('unsupported signature algorithm');
  if (!Object.hasOwn(options.keys, keyId)) return refuse('unknown keyId');

  const signed = (params.headers ?? '').toLowerCase().trim().split(/\s+/).filter(Boolean);
  if (new Set(signed).size !== signed.length) return refuse('signed header list repeats a name');
  const uncovered = BONDORA_REQUIRED_SIGNED_HEADERS.filter((name) => !signed.includes(name));
  if (uncovered.length > 0) return refuse(`signature does not cover ${uncovered.join(', ')}`);

  const date = req.headers['date']?.trim();
  if (!date || !RFC_1123.test(date)) return refuse('missing or malformed Date');
  const skewSeconds = Math.abs((options.now ?? Date.now()) - Date.parse(date)) / 1000;
  if (!(skewSeconds <= options.toleranceSeconds)) return refuse('Date outside the allowed clock skew');

  const digest = sha256Digest(req.headers['digest']);
  if (digest === undefined) return refuse('missing or malformed SHA-256 Digest');
  if (!safeEqual(Buffer.from(digest, 'base64'), createHash('sha256').update(req.rawBody).digest())) {
    return refuse('Digest does not match the body');
  }

  const lines: string[] = [];
  for (const name of signed) {
    const value = signedValue(name, req, options.host);
    if (value === undefined) return refuse(`signed header ${name} is missing`);
    lines.push(`${name}: ${value}`);
  }
  const expected = createHmac('sha256', Buffer.from(options.keys[keyId]!, 'base64')).update(lines.join('\n'), 'utf8').digest();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(signature) || !safeEqual(Buffer.from(signature, 'base64'), expected)) {
    return refuse('signature does not match');
  }
  return { ok: true, keyId };
}

/** `name="value", …` into a map; undefined for anything else, a repeated name included. */
export function parseSignatureParams(header: string): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  let rest = header.trim();
  if (rest === '') return undefined;
  while (rest !== '') {
    const match = PARAM.exec(rest);
    if (!match) return undefined;
    const name = match[1]!;
    if (Object.hasOwn(params, name)) return undefined;
    params[name] = match[2] ?? match[3]!;
    rest = rest.slice(match[0].length);
    // A trailing comma would leave an empty parameter behind it.
    if (rest === '' && match[0].trimEnd().endsWith(',')) return undefined;
  }
  return params;
}

function signedValue(name: string, req: BondoraSignedRequest, host: string): string | undefined {
  if (name === '(request-target)') return `${req.method.toLowerCase()} ${req.path}`;
  if (name === 'host') return host;
  // Pseudo-headers of later drafts ((created), (expires)) are not something Bondora sends.
  if (name.startsWith('(')) return undefined;
  return req.headers[name]?.trim();
}

/** The base64 SHA-256 value of a Digest header, which may list several algorithms. */
function sha256Digest(header: string | undefined): string | undefined {
  for (const part of (header ?? '').split(',')) {
    const at = part.indexOf('=');
    if (at < 0 || part.slice(0, at).trim().toLowerCase() !== 'sha-256') continue;
    const value = part.slice(at + 1).trim();
    return /^[A-Za-z0-9+/]{43}=$/.test(value) ? value : undefined;
  }
  return undefined;
}

function safeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

function refuse(reason: string): SignatureVerdict {
  return { ok: false, reason };
}
