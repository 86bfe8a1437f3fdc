/**
 * Test identity provider: a JWKS over real HTTP (127.0.0.1, port 0) plus token factories.
 *
 *   const idp = await startTestJwks();            // serves KIDS.rsa (RS256), KIDS.ec (ES256), KIDS.ed (EdDSA)
 *   await idp.sign({ scope: 'auctions:read' });   // valid token: iss/aud/sub/iat/exp filled in, signed by KIDS.rsa
 *   await idp.sign({ sub: undefined });           // a claim set to undefined is left out
 *   await idp.sign({}, { kid: KIDS.ec });         // another served key
 *   await idp.sign({}, { kid: 'rsa-2' });         // a kid the JWKS does not serve yet (key made on first use)
 *   await idp.addKey('rsa-2');                    // ...rotate it in (setKeys([...]) replaces the served set)
 *   idp.requests;                                 // JWKS requests served so far, to prove caching
 *   idp.setFailing(true);                         // the JWKS answers 503, to test an unreachable IdP
 *   const bad = await badTokens(idp);             // every token of the refusal battery, by name;
 *                                                 // EXPECTED_REFUSALS[name] is the code each must get
 *   await idp.close();
 *
 * Verifier settings for it: { jwksUrl: idp.jwksUrl, issuer: idp.issuer, audience: idp.audience }.
 */
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import type { AuthFailureCode } from '../../src/auth/jwt.verifier.js';

export type TestAlgorithm = 'RS256' | 'ES256' | 'EdDSA';

/** The keys served from the start, one per accepted algorithm. */
export const KIDS = { rsa: 'rsa-1', ec: 'ec-1', ed: 'ed-1' } as const;

export const TEST_AUDIENCE = 'bondora-bond-gateway';

export interface TestSignOptions {
  /** Which key signs and which `kid` the header names; default KIDS.rsa. */
  kid?: string;
  /** The algorithm of a key made on first use of a new kid; default RS256. */
  alg?: TestAlgorithm;
  /** Sign with this key instead of the kid's own (a forged signature under a real kid). */
  key?: CryptoKey;
  /** Extra or overriding protected header fields. */
  header?: Record<string, unknown>;
}

export interface TestJwks {
  readonly jwksUrl: string;
  readonly issuer: string;
  readonly audience: string;
  /** JWKS requests served so far. */
  readonly requests: number;
  sign(claims?: Record<string, unknown>, options?: TestSignOptions): Promise<string>;
  /** Makes the key (if new) and serves it alongside the others. */
  addKey(kid: string, alg?: TestAlgorithm): Promise<void>;
  /** Serves exactly these (already made) keys. */
  setKeys(kids: readonly string[]): void;
  /** The SPKI PEM of a key, for AUTH_PUBLIC_KEY mode; default KIDS.rsa. */
  publicKeyPem(kid?: string): Promise<string>;
  /** While on, the JWKS answers 503. */
  setFailing(failing: boolean): void;
  close(): Promise<void>;
}

interface TestKey {
  alg: TestAlgorithm;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  jwk: JWK;
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

export async function startTestJwks(): Promise<TestJwks> {
  const keys = new Map<string, TestKey>();
  let served: string[] = [];
  let requests = 0;
  let failing = false;

  const makeKey = async (kid: string, alg: TestAlgorithm): Promise<TestKey> => {
    const existing = keys.get(kid);
    if (existing) return existing;
    const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
    const key: TestKey = { alg, privateKey, publicKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
    keys.set(kid, key);
    return key;
  };
  await Promise.all([makeKey(KIDS.rsa, 'RS256'), makeKey(KIDS.ec, 'ES256'), makeKey(KIDS.ed, 'EdDSA')]);
  served = [KIDS.rsa, KIDS.ec, KIDS.ed];

  const server = createServer((request, response) => {
    if (request.url !== '/.well-known/jwks.json') {
      response.writeHead(404).end();
      return;
    }
    requests += 1;
    if (failing) {
      response.writeHead(503).end();
      return;
    }
    const body = JSON.stringify({ keys: served.map((kid) => keys.get(kid)?.jwk) });
    response.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    jwksUrl: `${issuer}/.well-known/jwks.json`,
    issuer,
    audience: TEST_AUDIENCE,
    get requests(): number {
      return requests;
    },
    async sign(claims: Record<string, unknown> = {}, options: TestSignOptions = {}): Promise<string> {
      const kid = options.kid ?? KIDS.rsa;
      const key = await makeKey(kid, options.alg ?? 'RS256');
      const now = nowSeconds();
      const payload = definedOnly({ iss: issuer, aud: TEST_AUDIENCE, sub: 'test-caller', iat: now, exp: now + 600, ...claims });
      const header = { alg: key.alg, kid, typ: 'JWT', ...options.header };
      return new SignJWT(payload).setProtectedHeader(header).sign(options.key ?? key.privateKey);
    },
    async addKey(kid: string, alg: TestAlgorithm = 'RS256'): Promise<void> {
      await makeKey(kid, alg);
      if (!served.includes(kid)) served = [...served, kid];
    },
    setKeys(kids: readonly string[]): void {
      const unknown = kids.filter((kid) => !keys.has(kid));
      if (unknown.length > 0) throw new Error(`no such test keys: ${unknown.join(', ')}`);
      served = [...kids];
    },
    async publicKeyPem(kid: string = KIDS.rsa): Promise<string> {
      const key = keys.get(kid);
      if (!key) throw new Error(`no such test key: ${kid}`);
      return exportSPKI(key.publicKey);
    },
    setFailing(on: boolean): void {
      failing = on;
    },
    close: () => closeServer(server),
  };
}

/** Every token the verifier must refuse, by the reason it must give. */
export interface BadTokens {
  expired: string;
  /** nbf 5 minutes ahead: beyond the 60 s leeway. */
  notYetValid: string;
  wrongIssuer: string;
  wrongAudience: string;
  missingSub: string;
  /** `alg: none`, hand-built with an empty signature. */
  algNone: string;
  /** HS256 with the RSA public key's PEM as the HMAC secret (the key-confusion attack). */
  hs256WithPublicKey: string;
  /** Signed by a key the JWKS never serves. */
  unknownKid: string;
  /** Signed by another key under a served kid. */
  badSignature: string;
  /** header.payload with the signature cut off. */
  truncated: string;
  garbage: string;
  /** Over 8 kB. */
  oversized: string;
}

/** The `AuthenticationFailed.code` each bad token must be refused with. */
export const EXPECTED_REFUSALS: Readonly<Record<keyof BadTokens, AuthFailureCode>> = {
  expired: 'expired',
  notYetValid: 'not_yet_valid',
  wrongIssuer: 'wrong_issuer',
  wrongAudience: 'wrong_audience',
  missingSub: 'missing_sub',
  algNone: 'algorithm_not_allowed',
  hs256WithPublicKey: 'algorithm_not_allowed',
  unknownKid: 'unknown_key',
  badSignature: 'bad_signature',
  truncated: 'malformed',
  garbage: 'malformed',
  oversized: 'too_large',
};

export async function badTokens(idp: TestJwks): Promise<BadTokens> {
  const now = nowSeconds();
  const valid = { iss: idp.issuer, aud: idp.audience, sub: 'test-caller', iat: now, exp: now + 600 };
  const forger = await generateKeyPair('RS256', { extractable: true });
  const good = await idp.sign();
  return {
    expired: await idp.sign({ iat: now - 3600, exp: now - 600 }),
    notYetValid: await idp.sign({ nbf: now + 300 }),
    wrongIssuer: await idp.sign({ iss: 'https://issuer.invalid' }),
    wrongAudience: await idp.sign({ aud: 'some-other-api' }),
    missingSub: await idp.sign({ sub: undefined }),
    algNone: unsignedToken({ alg: 'none', typ: 'JWT' }, valid),
    hs256WithPublicKey: hs256Token(await idp.publicKeyPem(KIDS.rsa), valid, { kid: KIDS.rsa }),
    unknownKid: await idp.sign({}, { kid: `never-served-${now}` }),
    badSignature: await idp.sign({}, { kid: KIDS.rsa, key: forger.privateKey }),
    truncated: good.slice(0, good.lastIndexOf('.')),
    garbage: 'this-is-not.a-jwt',
    oversized: await idp.sign({ padding: 'x'.repeat(9000) }),
  };
}

/** A JWT with `alg: none`: header.payload. with an empty signature. */
export function unsignedToken(header: Record<string, unknown>, payload: Record<string, unknown>): string {
  return `${encodePart(header)}.${encodePart(payload)}.`;
}

/** An HS256 JWT under any secret, built by hand so no library refuses to make it. */
export function hs256Token(secret: string, payload: Record<string, unknown>, header: Record<string, unknown> = {}): string {
  const input = `${encodePart({ alg: 'HS256', typ: 'JWT', ...header })}.${encodePart(payload)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

function encodePart(value: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function definedOnly(claims: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(claims).filter(([, value]) => value !== undefined));
}

function closeServer(server: Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}
