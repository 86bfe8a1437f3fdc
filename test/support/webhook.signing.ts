import { createHash, createHmac } from 'node:crypto';

// Test-side signers, written from the upstreams' documentation rather than from the verifiers, so
// a test proves the receivers accept what Bondora and Bond send. Every part can be overridden to
// build a tampered delivery.

/** The headers Bondora signs by default (its sample sender's list). */
export const BONDORA_DEFAULT_SIGNED_HEADERS: readonly string[] = ['(request-target)', 'host', 'date', 'content-type', 'content-length', 'digest'];

export interface BondoraSigningOptions {
  /** The URL Bondora is configured to call: its host and path (with query) are what is signed. */
  url: string;
  body: string | Buffer;
  keyId: string;
  /** The key as configured, base64. */
  secretBase64: string;
  date?: Date | string;
  /** The signed header list, in order. */
  headers?: readonly string[];
  method?: string;
  /** A Digest header to send (and sign) instead of the body's own. */
  digest?: string;
  contentType?: string;
  /** The algorithm parameter; null leaves it out. */
  algorithm?: string | null;
}

/** Date, Digest, Signature and Content-Type of a Bondora delivery. */
export function signBondora(options: BondoraSigningOptions): Record<string, string> {
  const url = new URL(options.url);
  const body = Buffer.isBuffer(options.body) ? options.body : Buffer.from(options.body, 'utf8');
  const date = options.date === undefined ? new Date().toUTCString() : typeof options.date === 'string' ? options.date : options.date.toUTCString();
  const contentType = options.contentType ?? 'application/json';
  const digest = options.digest ?? `SHA-256=${createHash('sha256').update(body).digest('base64')}`;
  const values: Record<string, string> = {
    '(request-target)': `${(options.method ?? 'POST').toLowerCase()} ${url.pathname}${url.search}`,
    host: url.host,
    date,
    'content-type': contentType,
    'content-length': String(body.length),
    digest,
  };
  const names = options.headers ?? BONDORA_DEFAULT_SIGNED_HEADERS;
  const signingString = names.map((name) => `${name}: ${values[name] ?? ''}`).join('\n');
  const signature = createHmac('sha256', Buffer.from(options.secretBase64, 'base64')).update(signingString, 'utf8').digest('base64');
  const algorithm = options.algorithm === undefined ? 'hmac-sha256' : options.algorithm;
  const params = [`keyId="${options.keyId}"`, ...(algorithm === null ? [] : [`algorithm="${algorithm}"`]), `headers="${names.join(' ')}"`, `signature="${signature}"`];
  return { Date: date, Digest: digest, Signature: params.join(','), 'Content-Type': contentType };
}

export interface BondSigningOptions {
  body: string | Buffer;
  secret: string;
  /** Unix seconds; now by default. */
  t?: number;
}

/** The Bond-Signature header value: v2 over `${t}.` + the raw body; v1 stands in for Python's re-serialised JSON. */
export function signBond(options: BondSigningOptions): string {
  const t = options.t ?? Math.floor(Date.now() / 1000);
  const mac = (data: string | Buffer): string => createHmac('sha256', options.secret).update(`${t}.`).update(data).digest('hex');
  const body = Buffer.isBuffer(options.body) ? options.body : Buffer.from(options.body, 'utf8');
  return `t=${t},v1=${mac(reserialised(body))},v2=${mac(body)}`;
}

function reserialised(body: Buffer): string {
  try {
    return JSON.stringify(JSON.parse(body.toString('utf8')));
  } catch {
    return body.toString('utf8');
  }
}

/** The base64 form Bondora's web UI stores a key in (its sample: base64 of `secret:<keyId>`). */
export function bondoraKey(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}
