import { request } from 'node:http';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listeners } from '../support/listeners.js';
import { startDevIssuer, type DevIssuer } from '../../src/auth/dev.issuer.js';
import { createJwtVerifier, type JwtVerifier } from '../../src/auth/jwt.verifier.js';

let devIssuer: DevIssuer;
let verifier: JwtVerifier;

beforeAll(async () => {
  devIssuer = await startDevIssuer();
  verifier = createJwtVerifier({
    jwksUrl: devIssuer.jwksUrl,
    issuer: devIssuer.issuer,
    audience: devIssuer.audience,
    scopesClaim: 'scope',
    customerClaim: 'bond_customer_id',
  });
});
afterAll(async () => {
  await devIssuer.close();
});

/** A GET with a chosen host, so a connection refused on another interface shows as an error. */
function get(host: string, port: number, path: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path, method: 'GET', agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject).end();
  });
}

function port(): number {
  return Number(new URL(devIssuer.issuer).port);
}

describe('startDevIssuer', () => {
  it('issues tokens the production verifier accepts through the JWKS', async () => {
    const token = await devIssuer.issue({ sub: 'dev-investor', scopes: ['auctions:read', 'bids:write'], customerId: 'cus_1' });
    const caller = await verifier.verify(token);
    expect(caller.id).toBe('dev-investor');
    expect([...caller.scopes].sort()).toEqual(['auctions:read', 'bids:write']);
    expect(caller.customerId).toBe('cus_1');
  });

  it('signs ES256 with a kid, OIDC claims, and a 12 h default lifetime', async () => {
    const token = await devIssuer.issue({ sub: 'dev', scopes: ['auctions:read', 'pii:read'] });
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'ES256', kid: expect.any(String) });
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({ iss: devIssuer.issuer, aud: 'bondora-bond-gateway', sub: 'dev', scope: 'auctions:read pii:read' });
    expect(claims.bond_customer_id).toBeUndefined();
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(12 * 3600);
    expect(claims.nbf).toBe(claims.iat);
  });

  it('honours ttlSeconds and refuses a nonsensical one', async () => {
    const claims = decodeJwt(await devIssuer.issue({ sub: 'dev', scopes: [], ttlSeconds: 60 }));
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(60);
    await expect(devIssuer.issue({ sub: 'dev', scopes: [], ttlSeconds: 0 })).rejects.toThrow(RangeError);
  });

  it('serves the JWKS and the discovery document, cacheable for 5 minutes, and 404 elsewhere', async () => {
    const jwks = await get('127.0.0.1', port(), '/.well-known/jwks.json');
    expect(jwks.status).toBe(200);
    expect(jwks.headers['cache-control']).toBe('max-age=300');
    const [key] = (JSON.parse(jwks.body) as { keys: Array<Record<string, unknown>> }).keys;
    expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', kid: expect.any(String) });
    expect(key).not.toHaveProperty('d');

    const discovery = await get('127.0.0.1', port(), '/.well-known/openid-configuration');
    expect(JSON.parse(discovery.body)).toMatchObject({ issuer: devIssuer.issuer, jwks_uri: devIssuer.jwksUrl });
    expect((await get('127.0.0.1', port(), '/')).status).toBe(404);
  });

  it('uses a fresh key per start: another instance does not verify its tokens', async () => {
    const other = await startDevIssuer({ audience: 'custom-audience' });
    try {
      expect(other.audience).toBe('custom-audience');
      const token = await other.issue({ sub: 'dev', scopes: [] });
      const cross = createJwtVerifier({
        jwksUrl: devIssuer.jwksUrl,
        issuer: other.issuer,
        audience: 'custom-audience',
        scopesClaim: 'scope',
        customerClaim: 'bond_customer_id',
      });
      await expect(cross.verify(token)).rejects.toMatchObject({ code: expect.stringMatching(/unknown_key|bad_signature/) });
    } finally {
      await other.close();
    }
  });

  it('listens on 127.0.0.1 only', async () => {
    expect(devIssuer.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(devIssuer.jwksUrl).toBe(`${devIssuer.issuer}/.well-known/jwks.json`);
    // The kernel's socket table, not a connection attempt: no traffic leaves loopback.
    expect(listeners(port())).toEqual(['127.0.0.1']);
    await expect(get('127.0.0.1', port(), '/.well-known/jwks.json')).resolves.toMatchObject({ status: 200 });
  });

  it('closes cleanly, twice', async () => {
    const other = await startDevIssuer();
    const otherPort = Number(new URL(other.issuer).port);
    await get('127.0.0.1', otherPort, '/.well-known/jwks.json');
    await other.close();
    await other.close();
    await expect(get('127.0.0.1', otherPort, '/')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
