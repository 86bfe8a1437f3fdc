import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import type { Scope } from './scope.registry.js';

/**
 * The development issuer of the embedded simulators: a fresh ES256 key pair per start, its public
 * key served as a JWKS (plus an OpenID discovery document) from loopback only, and tokens signed
 * the way a real OIDC provider would, so the gateway verifies them through the same JWKS path it
 * uses in production. It is a development tool: it never listens anywhere but 127.0.0.1.
 */

export interface DevIssuer {
  /** e.g. http://127.0.0.1:PORT */
  readonly issuer: string;
  /** 'bondora-bond-gateway' unless told otherwise. */
  readonly audience: string;
  /** http://127.0.0.1:PORT/.well-known/jwks.json */
  readonly jwksUrl: string;
  /** A signed token: ES256 with `kid`, iat/nbf/exp, iss/aud, `scope` space-separated, `bond_customer_id` when given. */
  issue(claims: DevTokenClaims): Promise<string>;
  close(): Promise<void>;
}

export interface DevTokenClaims {
  sub: string;
  scopes: readonly Scope[];
  customerId?: string;
  /** Default 12 hours: long enough for a day of local development. */
  ttlSeconds?: number;
}

export const DEV_AUDIENCE = 'bondora-bond-gateway';
const DEFAULT_TTL_SECONDS = 12 * 60 * 60;
const LOOPBACK = '127.0.0.1';

export async function startDevIssuer(options: { audience?: string } = {}): Promise<DevIssuer> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const publicJwk: JWK = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const jwks = JSON.stringify({ keys: [{ ...publicJwk, kid, alg: 'ES256', use: 'sig' }] });

  let discovery = '';
  const server = createServer((request, response) => serve(request, response, jwks, discovery));
  await listen(server);
  const { port } = server.address() as AddressInfo;
  const issuer = `http://${LOOPBACK}:${port}`;
  const jwksUrl = `${issuer}/.well-known/jwks.json`;
  discovery = JSON.stringify({ issuer, jwks_uri: jwksUrl, id_token_signing_alg_values_supported: ['ES256'] });
  const audience = options.audience ?? DEV_AUDIENCE;

  return {
    issuer,
    audience,
    jwksUrl,
    async issue(claims: DevTokenClaims): Promise<string> {
      if (claims.sub === '') throw new Error('a dev token needs a non-empty sub');
      const ttl = claims.ttlSeconds ?? DEFAULT_TTL_SECONDS;
      if (!Number.isInteger(ttl) || ttl <= 0) throw new RangeError('ttlSeconds must be a positive integer');
      const now = Math.floor(Date.now() / 1000);
      const payload: Record<string, unknown> = { scope: claims.scopes.join(' ') };
      if (claims.customerId !== undefined) payload.bond_customer_id = claims.customerId;
      return new SignJWT(payload)
        .setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' })
        .setIssuer(issuer)
        .setAudience(audience)
        .setSubject(claims.sub)
        .setIssuedAt(now)
        .setNotBefore(now)
        .setExpirationTime(now + ttl)
        .sign(privateKey);
    },
    close: () => close(server),
  };
}

function serve(request: IncomingMessage, response: ServerResponse, jwks: string, discovery: string): void {
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  const body = request.method !== 'GET' && request.method !== 'HEAD' ? undefined
    : path === '/.well-known/jwks.json' ? jwks
    : path === '/.well-known/openid-configuration' ? discovery
    : undefined;
  if (body === undefined) {
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    return;
  }
  // Verifiers may cache the keys for a while; a restart makes a new key, so keep it short.
  response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=300' }).end(body);
}

function listen(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function close(server: Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    // Keep-alive connections from fetch would otherwise hold close() open.
    server.closeAllConnections();
  });
}
