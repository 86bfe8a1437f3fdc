import { createHmac, timingSafeEqual } from 'node:crypto';

// Bond signs webhooks with `Bond-Signature: t=<unix seconds>,v1=<hex>,v2=<hex>`. Only v2 is checked:
// it is an HMAC over `${t}.` + the raw body, while v1 covers Python's re-serialisation of the JSON,
// which no other runtime can reproduce byte for byte. Several secrets may be configured (rotation),
// and Bond may send several v2 values (one per secret it holds) during its own rotation.

export interface BondSignatureOptions {
  /** Subscription secrets (`whsec_…`), used verbatim as UTF-8 HMAC keys. */
  secrets: readonly string[];
  toleranceSeconds: number;
  /** Epoch milliseconds; defaults to the clock. */
  now?: number;
}

export type BondSignatureVerdict = { ok: true } | { ok: false; reason: string };

interface BondSignatureHeader {
  t: string;
  v2: string[];
}

export function verifyBondSignature(rawBody: Buffer, header: string | undefined, options: BondSignatureOptions): BondSignatureVerdict {
  if (options.secrets.length === 0) return refuse('no Bond webhook secrets are configured');
  if (!header) return refuse('no Bond-Signature header');
  const parsed = parseBondSignature(header);
  if (!parsed) return refuse('malformed Bond-Signature header');
  if (parsed.v2.length === 0) return refuse('Bond-Signature has no v2 signature');

  const skewSeconds = Math.abs((options.now ?? Date.now()) / 1000 - Number(parsed.t));
  if (!(skewSeconds <= options.toleranceSeconds)) return refuse('t outside the allowed clock skew');

  const offered = parsed.v2.map((hex) => Buffer.from(hex, 'hex'));
  for (const secret of options.secrets) {
    const expected = createHmac('sha256', Buffer.from(secret, 'utf8')).update(`${parsed.t}.`, 'utf8').update(rawBody).digest();
    if (offered.some((candidate) => candidate.length === expected.length && timingSafeEqual(candidate, expected))) return { ok: true };
  }
  return refuse('signature does not match');
}

/** `t=…,v1=…,v2=…` in any order; undefined for garbage, a missing or repeated t, or a non-hex v2. */
export function parseBondSignature(header: string): BondSignatureHeader | undefined {
  let t: string | undefined;
  const v2: string[] = [];
  for (const part of header.split(',')) {
    const at = part.indexOf('=');
    if (at < 1) return undefined;
    const name = part.slice(0, at).trim();
    const value = part.slice(at + 1).trim();
    if (name === 't') {
      if (t !== undefined || !/^\d{1,12}$/.test(value)) return undefined;
      t = value;
    } else if (name === 'v2') {
      if (!/^[0-9a-fA-F]{64}$/.test(value)) return undefined;
      v2.push(value);
    } else if (!/^[a-z][a-z0-9_]*$/i.test(name)) {
      return undefined;
    }
  }
  return t === undefined ? undefined : { t, v2 };
}

function refuse(reason: string): BondSignatureVerdict {
  return { ok: false, reason };
}
