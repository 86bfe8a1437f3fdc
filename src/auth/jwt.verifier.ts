import { createPublicKey } from 'node:crypto';
import {
  createRemoteJWKSet,
  customFetch,
  errors,
  importSPKI,
  jwtVerify,
  type CryptoKey,
  type JWSHeaderParameters,
  type JWTPayload,
  type JWTVerifyOptions,
  type FlattenedJWSInput,
  type FetchImplementation,
} from 'jose';
import { HttpTransport } from '../upstream/http.transport.js';
import type { Caller } from './caller.js';
import { isScope, type Scope } from './scope.registry.js';

/**
 * Verifies a caller's bearer JWT (OIDC style) and turns it into a `Caller`.
 *
 * Contract: only asymmetric signatures (RS256, ES256, EdDSA) from the configured keys (a JWKS by
 * `kid`, or one PEM public key); `iss` equal to the issuer, `aud` containing the audience, `exp`
 * and `nbf` checked with a leeway, `sub` and `exp` required. Every refusal is an
 * `AuthenticationFailed` with a stable `code` and a short message that names no secret; a refusal
 * that may be our fault (the JWKS cannot be fetched, an unexpected error) also carries `cause`.
 */

export interface JwtVerifierSettings {
  /** AUTH_JWKS_URL: keys by `kid`, cached, refetched when a token names an unknown kid. */
  jwksUrl?: string;
  /** AUTH_PUBLIC_KEY: one SPKI PEM public key (exactly one of jwksUrl and publicKeyPem). */
  publicKeyPem?: string;
  /** AUTH_ISSUER: `iss` must equal it. */
  issuer: string;
  /** AUTH_AUDIENCE: `aud` must contain it. */
  audience: string;
  /** AUTH_SCOPES_CLAIM: a space-separated string or an array of strings. */
  scopesClaim: string;
  /** AUTH_CUSTOMER_CLAIM: the Bond customer id, when a non-empty string. */
  customerClaim: string;
  /** Leeway for `exp` and `nbf`; default 60. */
  clockToleranceSeconds?: number;
  /** Minimum time between JWKS refetches on an unknown kid; default 30 000 (tests use 0). */
  jwksCooldownMs?: number;
}

export interface JwtVerifier {
  verify(token: string): Promise<Caller>;
}

export type AuthFailureCode =
  | 'too_large'
  | 'malformed'
  | 'algorithm_not_allowed'
  | 'unknown_key'
  | 'bad_signature'
  | 'expired'
  | 'not_yet_valid'
  | 'wrong_issuer'
  | 'wrong_audience'
  | 'missing_sub'
  | 'missing_exp'
  | 'invalid_claims'
  | 'keys_unavailable'
  | 'unverifiable';

const REASONS: Readonly<Record<AuthFailureCode, string>> = {
  too_large: 'the token is too large',
  malformed: 'the token is malformed',
  algorithm_not_allowed: "the token's signing algorithm is not allowed",
  unknown_key: "the token's signing key is unknown",
  bad_signature: "the token's signature is invalid",
  expired: 'the token has expired',
  not_yet_valid: 'the token is not yet valid',
  wrong_issuer: "the token's issuer is not accepted",
  wrong_audience: 'the token is not meant for this API',
  missing_sub: 'the token names no subject',
  missing_exp: 'the token has no expiry',
  invalid_claims: "the token's claims are invalid",
  keys_unavailable: 'the signing keys could not be fetched',
  unverifiable: 'the token could not be verified',
};

/** A refused token. `cause` is set only when the fault may be ours (log it); the message is safe to show. */
export class AuthenticationFailed extends Error {
  override readonly name = 'AuthenticationFailed';
  readonly code: AuthFailureCode;

  constructor(code: AuthFailureCode, options?: { cause: unknown }) {
    super(REASONS[code], options);
    this.code = code;
  }
}

/** Tokens beyond this are refused before parsing: no legitimate access token is this big. */
export const MAX_TOKEN_LENGTH = 8192;

const ALGORITHMS = ['RS256', 'ES256', 'EdDSA'] as const;
type Algorithm = (typeof ALGORITHMS)[number];

type KeyResolver = (header: JWSHeaderParameters, token: FlattenedJWSInput) => Promise<CryptoKey>;

/** Raised inside the key resolver so a JWKS outage is not mistaken for a bad token. */
class KeysUnavailable extends Error {}

export function createJwtVerifier(settings: JwtVerifierSettings): JwtVerifier {
  const { jwksUrl, publicKeyPem } = settings;
  if ((jwksUrl === undefined) === (publicKeyPem === undefined)) {
    throw new Error('set exactly one of AUTH_JWKS_URL and AUTH_PUBLIC_KEY');
  }
  const { key, algorithms } =
    jwksUrl !== undefined ? remoteKeys(jwksUrl, settings.jwksCooldownMs ?? 30_000) : pemKey(publicKeyPem ?? '');
  const options: JWTVerifyOptions = {
    algorithms: [...algorithms],
    issuer: settings.issuer,
    audience: settings.audience,
    clockTolerance: settings.clockToleranceSeconds ?? 60,
    requiredClaims: ['sub', 'exp'],
  };

  // A frontend sends the same token on every request until it expires, and an ES256 check costs
  // about 0.2 ms of CPU: a token verified once is trusted until it expires, for at most
  // VERIFIED_TTL_MS (so a key withdrawn from the JWKS stops working within that time). Failures are
  // never kept, so a rotated key is picked up on the next request.
  const verified = new Map<string, { caller: Caller; until: number }>();
  return {
    async verify(token: string): Promise<Caller> {
      if (token.length > MAX_TOKEN_LENGTH) throw new AuthenticationFailed('too_large');
      const known = verified.get(token);
      if (known && known.until > Date.now()) return known.caller;
      if (known) verified.delete(token);
      let payload: JWTPayload;
      try {
        payload = await verifyWithCandidates(token, key, options);
      } catch (error) {
        throw toAuthenticationFailed(error);
      }
      const caller = toCaller(payload, settings);
      verified.set(token, { caller, until: Math.min((payload.exp ?? 0) * 1000, Date.now() + VERIFIED_TTL_MS) });
      if (verified.size > MAX_VERIFIED_TOKENS) verified.delete(verified.keys().next().value!);
      return caller;
    },
  };
}

const VERIFIED_TTL_MS = 5 * 60_000;
const MAX_VERIFIED_TOKENS = 10_000;

/** A token without `kid` may match several keys of a JWKS (during a rotation): try each, as jose documents. */
async function verifyWithCandidates(token: string, key: KeyResolver, options: JWTVerifyOptions): Promise<JWTPayload> {
  try {
    return (await jwtVerify(token, key, options)).payload;
  } catch (error) {
    if (!(error instanceof errors.JWKSMultipleMatchingKeys)) throw error;
    for await (const candidate of error) {
      try {
        return (await jwtVerify(token, candidate, options)).payload;
      } catch (attempt) {
        if (!(attempt instanceof errors.JWSSignatureVerificationFailed)) throw attempt;
      }
    }
    throw new errors.JWSSignatureVerificationFailed();
  }
}

/** "Bearer x" (scheme case-insensitive, RFC 6750) → x; anything else → undefined. */
export function bearerToken(authorizationHeader: string | undefined): string | undefined {
  const match = /^Bearer +([^\s]+) *$/i.exec(authorizationHeader ?? '');
  return match?.[1];
}

function toCaller(payload: JWTPayload, settings: JwtVerifierSettings): Caller {
  const sub = payload.sub;
  if (typeof sub !== 'string' || sub === '') throw new AuthenticationFailed('missing_sub');
  const customer = payload[settings.customerClaim];
  return {
    id: sub,
    scopes: new Set(scopesFrom(payload[settings.scopesClaim])),
    customerId: typeof customer === 'string' && customer !== '' ? customer : undefined,
    expiresAt: typeof payload.exp === 'number' ? payload.exp * 1000 : undefined,
  };
}

/** A space-separated string (OAuth `scope`) or an array of strings (`scp`, `permissions`); anything else grants nothing. */
function scopesFrom(claim: unknown): Scope[] {
  const names: unknown[] = typeof claim === 'string' ? claim.split(/\s+/) : Array.isArray(claim) ? claim : [];
  return names.filter((name): name is Scope => typeof name === 'string' && isScope(name));
}

function remoteKeys(jwksUrl: string, cooldownDuration: number): { key: KeyResolver; algorithms: readonly Algorithm[] } {
  const url = URL.canParse(jwksUrl) ? new URL(jwksUrl) : undefined;
  if (url?.protocol !== 'https:' && url?.protocol !== 'http:') throw new Error('AUTH_JWKS_URL must be an http(s) URL');
  const jwks = createRemoteJWKSet(url, { cooldownDuration, cacheMaxAge: 10 * 60_000, timeoutDuration: 5000, [customFetch]: jwksFetch(url) });
  const key: KeyResolver = async (header, token) => {
    try {
      return await jwks(header, token);
    } catch (error) {
      // Errors about the token's kid or alg are the caller's; anything else (network, status, JSON) is the JWKS's.
      if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) throw error;
      if (error instanceof errors.JOSENotSupported || error instanceof errors.JOSEAlgNotAllowed) throw error;
      throw new KeysUnavailable('JWKS unavailable', { cause: error });
    }
  };
  return { key, algorithms: ALGORITHMS };
}

function pemKey(pem: string): { key: KeyResolver; algorithms: readonly Algorithm[] } {
  const algorithm = pemAlgorithm(pem);
  const imported = importSPKI(pem, algorithm);
  // Awaited on every verify; this only keeps an (impossible after createPublicKey) failure from going unhandled.
  imported.catch(() => undefined);
  return { key: () => imported, algorithms: [algorithm] };
}

/** The one algorithm a PEM key may sign with, so a token cannot pick a weaker reading of the same key. */
function pemAlgorithm(pem: string): Algorithm {
  let publicKey;
  try {
    publicKey = createPublicKey({ key: pem, format: 'pem' });
  } catch {
    throw new Error('AUTH_PUBLIC_KEY is not a PEM public key');
  }
  const type = publicKey.asymmetricKeyType;
  if (type === 'rsa') return 'RS256';
  if (type === 'ed25519') return 'EdDSA';
  if (type === 'ec' && publicKey.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  throw new Error(`AUTH_PUBLIC_KEY must be an RSA, EC P-256 or Ed25519 public key (got ${type ?? 'unknown'})`);
}

function toAuthenticationFailed(error: unknown): AuthenticationFailed {
  if (error instanceof AuthenticationFailed) return error;
  if (error instanceof KeysUnavailable) return new AuthenticationFailed('keys_unavailable', { cause: error.cause });
  if (error instanceof errors.JWTExpired) return new AuthenticationFailed('expired');
  if (error instanceof errors.JWTClaimValidationFailed) return new AuthenticationFailed(claimFailure(error));
  if (error instanceof errors.JOSEAlgNotAllowed) return new AuthenticationFailed('algorithm_not_allowed');
  if (error instanceof errors.JOSENotSupported) return new AuthenticationFailed('algorithm_not_allowed');
  if (error instanceof errors.JWKSNoMatchingKey) return new AuthenticationFailed('unknown_key');
  if (error instanceof errors.JWSSignatureVerificationFailed) return new AuthenticationFailed('bad_signature');
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return new AuthenticationFailed('malformed');
  return new AuthenticationFailed('unverifiable', { cause: error });
}

function claimFailure(error: InstanceType<typeof errors.JWTClaimValidationFailed>): AuthFailureCode {
  if (error.claim === 'iss') return 'wrong_issuer';
  if (error.claim === 'aud') return 'wrong_audience';
  if (error.claim === 'sub') return 'missing_sub';
  if (error.claim === 'exp' && error.reason === 'missing') return 'missing_exp';
  if (error.claim === 'nbf' && error.reason === 'check_failed') return 'not_yet_valid';
  return 'invalid_claims';
}

/**
 * The key set fetched with Node's HTTP client, as the upstreams are: the global fetch would load a
 * second HTTP stack (undici, with a WebAssembly parser whose compile alone takes about 35 MiB).
 * jose needs only the status and the JSON; a timeout is reported as the TimeoutError it expects.
 */
function jwksFetch(url: URL): FetchImplementation {
  // Fetched once in minutes: no connection kept between fetches.
  const transport = new HttpTransport(url.href, 2, false);
  return async (href, { headers, signal }) => {
    try {
      const answer = await transport.send(href, { method: 'GET', headers: Object.fromEntries(headers), signal });
      return { status: answer.status, json: async () => JSON.parse(answer.raw.toString('utf8')) as unknown } as Response;
    } catch (error) {
      throw signal.aborted ? signal.reason : error;
    }
  };
}
