import { describe, expect, it } from 'vitest';
import { parseBondSignature, verifyBondSignature } from '../../src/events/bond.signature.js';
import { parseSignatureParams, verifyBondoraSignature, type BondoraSignedRequest } from '../../src/events/bondora.signature.js';
import { bondoraKey, signBond, signBondora, type BondoraSigningOptions } from '../support/webhook.signing.js';

// Both verifiers on their own: what each accepts, and each way a delivery can be forged, replayed,
// redirected or garbled, with the reason it is refused (the reason goes to the log, never a secret).

const NOW = Date.parse('2024-05-01T12:00:00Z');
const HOST = 'gateway.example.com';
const URL_ = `https://${HOST}/webhooks/bondora`;
const KEY_ID = 'test-key-01';
const SECRET = bondoraKey('secret:test-key-01');
const KEYS = { [KEY_ID]: SECRET };
const BODY = JSON.stringify({ EventId: 'e-1', EventType: 'auction.published', Payload: { AuctionId: 'a-1' } });

function delivery(overrides: Partial<BondoraSigningOptions> = {}, body: string = BODY): BondoraSignedRequest {
  const signed = signBondora({ url: URL_, body: overrides.body ?? body, keyId: KEY_ID, secretBase64: SECRET, date: new Date(NOW), ...overrides });
  const headers: Record<string, string | undefined> = { host: '127.0.0.1:4000', 'content-length': String(Buffer.byteLength(body)) };
  for (const [name, value] of Object.entries(signed)) headers[name.toLowerCase()] = value;
  return { method: 'POST', path: '/webhooks/bondora', headers, rawBody: Buffer.from(body) };
}

function verify(req: BondoraSignedRequest, options: { keys?: Record<string, string>; host?: string; now?: number } = {}) {
  return verifyBondoraSignature(req, { keys: options.keys ?? KEYS, host: options.host ?? HOST, toleranceSeconds: 300, now: options.now ?? NOW });
}

function withHeader(req: BondoraSignedRequest, name: string, value: string | undefined): BondoraSignedRequest {
  return { ...req, headers: { ...req.headers, [name]: value } };
}

describe('verifyBondoraSignature', () => {
  it("accepts Bondora's default signed list, the minimal list, and a signature without an algorithm", () => {
    expect(verify(delivery())).toEqual({ ok: true, keyId: KEY_ID });
    expect(verify(delivery({ headers: ['digest', 'date', 'host', '(request-target)'] }))).toEqual({ ok: true, keyId: KEY_ID });
    expect(verify(delivery({ algorithm: null }))).toEqual({ ok: true, keyId: KEY_ID });
    expect(verify(delivery({ algorithm: 'HMAC-SHA256' }))).toEqual({ ok: true, keyId: KEY_ID });
  });

  it('signs the configured host, not the Host header the request arrived with', () => {
    const req = delivery();
    expect(verify(withHeader(req, 'host', 'attacker.example'))).toMatchObject({ ok: true });
    expect(verify(req, { host: '127.0.0.1:4000' })).toEqual({ ok: false, reason: 'signature does not match' });
    expect(verify(delivery({ url: `https://other.example/webhooks/bondora` }))).toEqual({ ok: false, reason: 'signature does not match' });
  });

  it('covers the method, the path and the query', () => {
    expect(verify({ ...delivery(), method: 'PUT' })).toMatchObject({ ok: false, reason: 'signature does not match' });
    expect(verify(delivery({ url: `https://${HOST}/webhooks/bond` }))).toMatchObject({ ok: false, reason: 'signature does not match' });
    expect(verify({ ...delivery(), path: '/webhooks/bondora?x=1' })).toMatchObject({ ok: false, reason: 'signature does not match' });
    expect(verify({ ...delivery({ url: `${URL_}?x=1` }), path: '/webhooks/bondora?x=1' })).toMatchObject({ ok: true });
  });

  it('refuses everything when no key is configured', () => {
    expect(verify(delivery(), { keys: {} })).toEqual({ ok: false, reason: 'no Bondora webhook keys are configured' });
  });

  it('refuses a wrong key, an unknown keyId and keyIds that are Object properties', () => {
    expect(verify(delivery({ secretBase64: bondoraKey('secret:another-key') }))).toEqual({ ok: false, reason: 'signature does not match' });
    expect(verify(delivery({ keyId: 'nobody' }))).toEqual({ ok: false, reason: 'unknown keyId' });
    for (const keyId of ['__proto__', 'constructor', 'toString']) {
      expect(verify(delivery({ keyId }))).toEqual({ ok: false, reason: 'unknown keyId' });
    }
  });

  it('accepts a delivery signed by any configured key (rotation)', () => {
    const keys = { old: bondoraKey('secret:old-key-0001'), new: bondoraKey('secret:new-key-0002') };
    for (const keyId of ['old', 'new'] as const) {
      expect(verify(delivery({ keyId, secretBase64: keys[keyId] }), { keys })).toEqual({ ok: true, keyId });
    }
  });

  it('refuses algorithms other than hmac-sha256', () => {
    for (const algorithm of ['rsa-sha256', 'hmac-sha1', 'hs2019', '']) {
      expect(verify(delivery({ algorithm }))).toEqual({ ok: false, reason: 'unsupported signature algorithm' });
    }
  });

  it('refuses a signed list that leaves out (request-target), host, date or digest', () => {
    for (const left of ['(request-target)', 'host', 'date', 'digest']) {
      const headers = ['(request-target)', 'host', 'date', 'digest', 'content-type'].filter((name) => name !== left);
      expect(verify(delivery({ headers }))).toEqual({ ok: false, reason: `signature does not cover ${left}` });
    }
    expect(verify(delivery({ headers: ['(request-target)', 'host', 'date', 'digest', 'date'] }))).toMatchObject({ reason: 'signed header list repeats a name' });
  });

  it('refuses a signed header the request does not carry, and pseudo-headers Bondora does not send', () => {
    const headers = ['(request-target)', 'host', 'date', 'digest', 'x-bondora-trace'];
    expect(verify(delivery({ headers }))).toEqual({ ok: false, reason: 'signed header x-bondora-trace is missing' });
    expect(verify(delivery({ headers: ['(request-target)', '(created)', 'host', 'date', 'digest'] }))).toEqual({
      ok: false,
      reason: 'signed header (created) is missing',
    });
  });

  it('checks Date: RFC 1123, within the tolerance either side', () => {
    expect(verify(delivery({ date: new Date(NOW - 300_000) }))).toMatchObject({ ok: true });
    expect(verify(delivery({ date: new Date(NOW + 300_000) }))).toMatchObject({ ok: true });
    for (const date of [new Date(NOW - 301_000), new Date(NOW + 301_000)]) {
      expect(verify(delivery({ date }))).toEqual({ ok: false, reason: 'Date outside the allowed clock skew' });
    }
    expect(verify(delivery({ date: new Date(NOW).toISOString() }))).toEqual({ ok: false, reason: 'missing or malformed Date' });
    expect(verify(withHeader(delivery(), 'date', undefined))).toEqual({ ok: false, reason: 'missing or malformed Date' });
  });

  it('checks the Digest against the raw body', () => {
    const req = delivery();
    expect(verify({ ...req, rawBody: Buffer.from(BODY.replace('a-1', 'a-2')) })).toEqual({ ok: false, reason: 'Digest does not match the body' });
    const otherDigest = `SHA-256=${Buffer.alloc(32, 7).toString('base64')}`;
    expect(verify(delivery({ digest: otherDigest }))).toEqual({ ok: false, reason: 'Digest does not match the body' });
    for (const digest of ['', 'MD5=abc', 'SHA-256=not-base64', 'SHA-256=']) {
      expect(verify(delivery({ digest }))).toEqual({ ok: false, reason: 'missing or malformed SHA-256 Digest' });
    }
    const sha = req.headers['digest']!;
    expect(verify(delivery({ digest: `SHA-512=${Buffer.alloc(64).toString('base64')}, ${sha}` }))).toMatchObject({ ok: true });
  });

  it('refuses a missing, malformed or non-base64 Signature header', () => {
    const req = delivery();
    const signature = req.headers['signature']!;
    expect(verify(withHeader(req, 'signature', undefined))).toEqual({ ok: false, reason: 'no Signature header' });
    for (const garbage of [
      'garbage',
      `${signature},`,
      `${signature},${signature}`,
      signature.replace(/,/g, ' '),
      signature.replace('keyId="test-key-01"', 'keyId=test-key-01'),
      `Signature ${signature}`,
    ]) {
      expect(verify(withHeader(req, 'signature', garbage))).toEqual({ ok: false, reason: 'malformed Signature header' });
    }
    expect(verify(withHeader(req, 'signature', signature.replace(/,signature="[^"]*"/, '')))).toMatchObject({ reason: 'Signature header lacks keyId or signature' });
    expect(verify(withHeader(req, 'signature', signature.replace(/signature="[^"]*"/, 'signature="!!!"')))).toMatchObject({ reason: 'signature does not match' });
    expect(verify(withHeader(req, 'signature', signature.replace(/signature="[^"]*"/, 'signature="AAAA"')))).toMatchObject({ reason: 'signature does not match' });
  });

  it('names no secret or signature in its reasons', () => {
    const req = delivery({ secretBase64: bondoraKey('secret:another-key') });
    const verdict = verify(req);
    expect(verdict.ok).toBe(false);
    const text = JSON.stringify(verdict);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(/signature="([^"]*)"/.exec(req.headers['signature']!)![1]);
  });
});

describe('parseSignatureParams', () => {
  it('reads quoted values with spaces around separators and bare integers', () => {
    expect(parseSignatureParams(' keyId = "k" , algorithm="hmac-sha256",created=1714564800 ,headers="a b"')).toEqual({
      keyId: 'k',
      algorithm: 'hmac-sha256',
      created: '1714564800',
      headers: 'a b',
    });
  });

  it('refuses repeats, empty entries, unterminated quotes and bare words', () => {
    for (const header of ['', 'keyId="a",keyId="b"', 'keyId="a",,headers="b"', 'keyId="a', 'keyId=abc', '="a"', 'keyId="a" headers="b"']) {
      expect(parseSignatureParams(header)).toBeUndefined();
    }
  });
});

describe('verifyBondSignature', () => {
  const secret = 'whsec_0123456789abcdef0123';
  const raw = Buffer.from(JSON.stringify({ event: 'credit.application.approved', occurred_at: '2024-05-01T12:00:00+00:00' }));
  const t = NOW / 1000;
  const check = (header: string | undefined, options: { secrets?: string[]; now?: number; body?: Buffer } = {}) =>
    verifyBondSignature(options.body ?? raw, header, { secrets: options.secrets ?? [secret], toleranceSeconds: 300, now: options.now ?? NOW });

  it('accepts v2 over `${t}.` + the raw body, in any order, upper- or lower-case hex', () => {
    const header = signBond({ body: raw, secret, t });
    expect(check(header)).toEqual({ ok: true });
    expect(check(header.split(',').reverse().join(' , '))).toEqual({ ok: true });
    expect(check(header.replace(/v2=([0-9a-f]+)/, (_, hex: string) => `v2=${hex.toUpperCase()}`))).toEqual({ ok: true });
  });

  it('accepts any of several v2 values, and any of several secrets (rotation)', () => {
    const header = signBond({ body: raw, secret, t });
    const stale = signBond({ body: raw, secret: 'whsec_retired_secret_000000', t }).match(/v2=[0-9a-f]+/)![0];
    expect(check(`${stale},${header}`)).toEqual({ ok: true });
    expect(check(`${header},${stale}`)).toEqual({ ok: true });
    const secrets = ['whsec_first_secret_00000000', 'whsec_second_secret_0000000'];
    for (const s of secrets) expect(check(signBond({ body: raw, secret: s, t }), { secrets })).toEqual({ ok: true });
  });

  it('refuses with no secrets configured, no header, or a header that is garbage', () => {
    const header = signBond({ body: raw, secret, t });
    expect(check(header, { secrets: [] })).toEqual({ ok: false, reason: 'no Bond webhook secrets are configured' });
    expect(check(undefined)).toEqual({ ok: false, reason: 'no Bond-Signature header' });
    expect(check('')).toEqual({ ok: false, reason: 'no Bond-Signature header' });
    const v2 = header.match(/v2=[0-9a-f]+/)![0];
    for (const garbage of ['nonsense', `${v2}`, `t=${t},t=${t},${v2}`, `t=soon,${v2}`, `t=${t},v2=xyz`, `t=${t},${v2},`, `t=${t};${v2}`]) {
      expect(check(garbage)).toEqual({ ok: false, reason: 'malformed Bond-Signature header' });
    }
    expect(check(`t=${t},v1=${'0'.repeat(64)}`)).toEqual({ ok: false, reason: 'Bond-Signature has no v2 signature' });
  });

  it('refuses a wrong secret, a changed body, and a signature made for another t', () => {
    expect(check(signBond({ body: raw, secret: 'whsec_not_the_configured_one', t }))).toEqual({ ok: false, reason: 'signature does not match' });
    const changed = Buffer.from(raw);
    changed.writeUInt8(changed.readUInt8(changed.length - 3) ^ 1, changed.length - 3);
    expect(check(signBond({ body: raw, secret, t }), { body: changed })).toEqual({ ok: false, reason: 'signature does not match' });
    const header = signBond({ body: raw, secret, t });
    expect(check(header.replace(`t=${t}`, `t=${t + 1}`))).toEqual({ ok: false, reason: 'signature does not match' });
  });

  it('refuses a t outside the tolerance either side', () => {
    expect(check(signBond({ body: raw, secret, t: t - 300 }))).toEqual({ ok: true });
    expect(check(signBond({ body: raw, secret, t: t + 300 }))).toEqual({ ok: true });
    for (const at of [t - 301, t + 301]) {
      expect(check(signBond({ body: raw, secret, t: at }))).toEqual({ ok: false, reason: 't outside the allowed clock skew' });
    }
  });

  it('parses v1, v2 and t and ignores other versions', () => {
    expect(parseBondSignature(`v0=abc, t=1 ,v2=${'a'.repeat(64)},v2=${'b'.repeat(64)}`)).toEqual({ t: '1', v2: ['a'.repeat(64), 'b'.repeat(64)] });
  });
});
