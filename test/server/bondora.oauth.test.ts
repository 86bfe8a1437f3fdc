import { afterEach, describe, expect, it } from 'vitest';
import { BondoraSimulator } from '../../src/simulators/bondora/bondora.simulator.js';
import { startGateway } from '../../src/server/gateway.server.js';
import { memoryLogger } from '../../src/server/logger.js';
import { BidsPageDocument } from '../operations/operations.generated.js';
import { startHarness, type Harness, type HarnessOptions } from '../support/gateway.harness.js';

const harnesses: Harness[] = [];
afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((h) => h.close()));
});

/** A gateway whose Bondora credential is its OAuth connection (no static token). */
async function oauthGateway(options: { refreshToken?: string; ttlSeconds?: number } = {}): Promise<Harness> {
  const opts: HarnessOptions = { bondora: { accessTokenTtlSeconds: options.ttlSeconds } };
  const h = await startHarness({
    ...opts,
    upstreams: {
      bondora: {
        accessToken: undefined,
        oauth: {
          clientId: BondoraSimulator.DEMO_CLIENT_ID,
          clientSecret: BondoraSimulator.DEMO_CLIENT_SECRET,
          authorizeUrl: 'http://placeholder.invalid/oauth/authorize',
          scopes: 'BidsRead BidsEdit',
          refreshToken: options.refreshToken,
        },
      },
    },
  });
  // The authorize page lives on the simulator, known only once it has started.
  h.settings.bondora.oauth!.authorizeUrl = `${h.bondora.url}/oauth/authorize`;
  harnesses.push(h);
  return h;
}

async function get(url: string): Promise<Response> {
  return fetch(url, { redirect: 'manual' });
}

/** Walks the browser's path: gateway login -> Bondora authorize -> gateway callback. */
async function login(h: Harness): Promise<{ callback: Response; body: Record<string, unknown> }> {
  const start = await get(`${h.gateway.url}/auth/bondora/login`);
  expect(start.status).toBe(302);
  const authorize = new URL(start.headers.get('location')!);
  expect(`${authorize.origin}${authorize.pathname}`).toBe(`${h.bondora.url}/oauth/authorize`);
  expect(Object.fromEntries(authorize.searchParams)).toMatchObject({
    response_type: 'code',
    client_id: BondoraSimulator.DEMO_CLIENT_ID,
    scope: 'BidsRead BidsEdit',
    redirect_uri: `${h.gateway.url}/auth/bondora/callback`,
  });
  expect(authorize.searchParams.get('state')).toMatch(/^[\w-]{20,}$/);
  const consent = await get(authorize.toString());
  expect(consent.status).toBe(302);
  const callback = await get(consent.headers.get('location')!);
  return { callback, body: (await callback.json()) as Record<string, unknown> };
}

/** An application's own login against the simulator, with a form-encoded exchange as several clients send it. */
async function refreshTokenFrom(simulator: string): Promise<string> {
  const redirect = 'http://127.0.0.1:1/cb';
  const consent = await get(
    `${simulator}/oauth/authorize?response_type=code&client_id=${BondoraSimulator.DEMO_CLIENT_ID}&scope=BidsRead&redirect_uri=${encodeURIComponent(redirect)}&state=s`,
  );
  const code = new URL(consent.headers.get('location')!).searchParams.get('code')!;
  const exchange = await fetch(`${simulator}/oauth/access_token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirect,
      client_id: BondoraSimulator.DEMO_CLIENT_ID,
      client_secret: BondoraSimulator.DEMO_CLIENT_SECRET,
    }),
  });
  const tokens = (await exchange.json()) as { refresh_token: string; token_type: string; expires_in: number; valid_until: number; scope: string };
  expect(tokens).toMatchObject({ token_type: 'bearer', expires_in: 3600, scope: 'BidsRead' });
  expect(tokens.valid_until).toBeGreaterThan(Date.now() / 1000 + 3500);
  return tokens.refresh_token;
}

const bearer = (h: Harness) => h.bondora.router.calls('bids.list').map((c) => String(c.headers.authorization));

describe('Bondora OAuth', () => {
  it('login, callback and code exchange connect the gateway; its queries then carry the issued token', async () => {
    const h = await oauthGateway();
    const before = await h.gql(BidsPageDocument, { first: 3 });
    expect(before.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(before.errors?.[0]?.message).toMatch(/auth\/bondora\/login/);

    const { callback, body } = await login(h);
    expect(callback.status).toBe(200);
    expect(body).toMatchObject({ status: 'connected', connected: true, scope: 'BidsRead BidsEdit' });
    expect(new Date(String(body.expiresAt)).getTime()).toBeGreaterThan(Date.now() + 3_000_000);
    const exchange = h.bondora.router.calls('oauth.token')[0]!;
    expect(JSON.parse(exchange.body)).toMatchObject({ grant_type: 'authorization_code', client_id: BondoraSimulator.DEMO_CLIENT_ID });

    const after = await h.gql(BidsPageDocument, { first: 3 });
    expect(after.errors).toBeUndefined();
    expect(after.data!.bids.totalCount).toBe(h.bondora.bidsOf(BondoraSimulator.DEMO_TOKEN).length);
    const token = bearer(h).at(-1)!.replace('Bearer ', '');
    expect(token).not.toBe(BondoraSimulator.DEMO_TOKEN);
    expect(JSON.stringify(body)).not.toContain(token);
    expect(JSON.stringify(h.logger.lines)).not.toContain(token);
  });

  it('a callback with a forged, missing or replayed state changes nothing', async () => {
    const h = await oauthGateway();
    const start = await get(`${h.gateway.url}/auth/bondora/login`);
    const consent = await get(start.headers.get('location')!);
    const callback = new URL(consent.headers.get('location')!);
    const forged = new URL(callback);
    forged.searchParams.set('state', 'forged-state-value-0000000000');
    for (const url of [forged.toString(), `${h.gateway.url}/auth/bondora/callback?code=abc`]) {
      const res = await get(url);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('BAD_REQUEST');
    }
    expect(h.bondora.router.calls('oauth.token')).toHaveLength(0);
    expect((await get(callback.toString())).status).toBe(200);
    expect((await get(callback.toString())).status).toBe(400);
    expect(h.bondora.router.calls('oauth.token')).toHaveLength(1);
  });

  it('Bondora denying access ends at a clear error', async () => {
    const h = await oauthGateway();
    const start = await get(`${h.gateway.url}/auth/bondora/login`);
    const authorize = new URL(start.headers.get('location')!);
    authorize.searchParams.set('scope', 'NotAScope');
    const consent = await get(authorize.toString());
    const res = await get(consent.headers.get('location')!);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/invalid_scope/);
  });

  it('an access token that expired upstream is refreshed once after the 401 and the query succeeds', async () => {
    const h = await oauthGateway();
    await login(h);
    h.bondora.oauth.expireAccessTokens();
    h.resetTraffic();
    const res = await h.gql(BidsPageDocument, { first: 2 });
    expect(res.errors).toBeUndefined();
    expect(h.bondora.router.calls().map((c) => `${c.route} ${c.status}`)).toEqual(['bids.list 401', 'oauth.token 200', 'bids.list 200']);
    expect(JSON.parse(h.bondora.router.calls('oauth.token')[0]!.body)).toMatchObject({ grant_type: 'refresh_token' });
    const [stale, fresh] = bearer(h);
    expect(stale).not.toBe(fresh);
  });

  it('a token about to expire is refreshed before use, so no call draws a 401', async () => {
    // 61 s lifetime and a 60 s refresh margin: after one second the token counts as expiring.
    const h = await oauthGateway({ ttlSeconds: 61 });
    await login(h);
    await new Promise((r) => setTimeout(r, 1100));
    h.resetTraffic();
    const res = await h.gql(BidsPageDocument, { first: 2 });
    expect(res.errors).toBeUndefined();
    expect(h.bondora.router.calls().map((c) => `${c.route} ${c.status}`)).toEqual(['oauth.token 200', 'bids.list 200']);
  });

  it('when the refresh is refused the error is UNAUTHENTICATED, tried once, and nothing secret leaks', async () => {
    const h = await oauthGateway();
    await login(h);
    h.bondora.oauth.expireAccessTokens();
    h.bondora.oauth.revokeRefreshTokens();
    h.resetTraffic();
    const res = await h.gql(BidsPageDocument, { first: 2 });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', upstream: 'bondora' });
    expect(h.bondora.router.calls().map((c) => `${c.route} ${c.status}`)).toEqual(['bids.list 401', 'oauth.token 400']);
    expect(res.text).not.toContain(BondoraSimulator.DEMO_CLIENT_SECRET);
    const status = (await (await get(`${h.gateway.url}/auth/bondora/status`)).json()) as Record<string, unknown>;
    expect(status).toMatchObject({ connected: false });
    expect(String(status.lastError)).toMatch(/refresh token/);
    // The refused refresh token is dropped: later operations do not hammer the token endpoint.
    await h.gql(BidsPageDocument, { first: 2 });
    expect(h.bondora.router.calls('oauth.token')).toHaveLength(1);
  });

  it('a configured refresh token (BONDORA_REFRESH_TOKEN) is enough to start working', async () => {
    const h = await oauthGateway();
    const refreshToken = await refreshTokenFrom(h.bondora.url);
    const gateway = await startGateway({
      upstreams: { ...h.settings, bondora: { ...h.settings.bondora, accessToken: undefined, oauth: { ...h.settings.bondora.oauth!, refreshToken } } },
      logger: memoryLogger(),
    });
    try {
      h.resetTraffic();
      const res = await fetch(`${gateway.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ bids(first: 2) { totalCount } }' }),
      });
      const body = (await res.json()) as { data?: { bids: { totalCount: number } }; errors?: unknown };
      expect(body.errors).toBeUndefined();
      expect(body.data!.bids.totalCount).toBe(h.bondora.bidsOf(BondoraSimulator.DEMO_TOKEN).length);
      expect(h.bondora.router.calls().map((c) => `${c.route} ${c.status}`)).toEqual(['oauth.token 200', 'bids.list 200']);
      expect(JSON.parse(h.bondora.router.calls('oauth.token')[0]!.body)).toMatchObject({ grant_type: 'refresh_token', refresh_token: refreshToken });
    } finally {
      await gateway.close();
    }
  });

  it('the simulator revokes a token (202) and then refuses it (401)', async () => {
    const h = await oauthGateway();
    await login(h);
    await h.gql(BidsPageDocument, { first: 1 });
    const token = bearer(h).at(-1)!;
    const revoke = await fetch(`${h.bondora.url}/oauth/access_token/revoke`, { method: 'POST', headers: { authorization: token } });
    expect(revoke.status).toBe(202);
    expect(await revoke.json()).toEqual({ Success: true, Errors: null });
    const after = await fetch(`${h.bondora.url}/api/v1/bids`, { headers: { authorization: token } });
    expect(after.status).toBe(401);
  });
});
