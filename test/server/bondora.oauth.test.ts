import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Scope } from '../../src/auth/scope.registry.js';
import { startGateway, type Gateway, type UpstreamSettings } from '../../src/server/gateway.server.js';
import { memoryLogger } from '../../src/server/logger.js';
import { BondoraSimulator } from '../../src/simulators/bondora/bondora.simulator.js';
import { idpVerifier, startHarness, type GraphQLResponse, type Harness } from '../support/gateway.harness.js';

// Each caller's own Bondora OAuth connection, end to end over real HTTP: connectBondora, the
// simulator's consent page (one of several investors), the gateway's callback, then Bondora calls
// made with that caller's token only. Which credential a request acts with (own connection, then
// x-bondora-token, then the server token for bondora:shared, else BONDORA_NOT_CONNECTED), refresh
// per caller, disconnect, and the callback's defences. Upstream calls are counted in the simulator's log.

const CALLBACK_PATH = '/auth/bondora/callback';
/** The frontend the callback may send a browser back to (AUTH_RETURN_URLS). */
const APP = 'http://127.0.0.1:5173/app';
/** An investor's scopes, without bondora:shared: no fallback to the gateway's own token. */
const INVESTOR: readonly Scope[] = ['auctions:read', 'bids:read', 'bids:write'];

const ME = 'query { me { id scopes customerId bondora { connected expiresAt scope needsReconnect credential } } }';
const BIDS = 'query { bids(first: 50) { totalCount edges { node { id } } } }';
const CONNECT = 'mutation ($returnTo: String) { connectBondora(returnTo: $returnTo) { authorizeUrl expiresAt } }';
const DISCONNECT = 'mutation { disconnectBondora { wasConnected revoked } }';

type CredentialSource = 'CONNECTION' | 'HEADER' | 'SHARED' | 'NONE';
interface BondoraStatus {
  connected: boolean;
  expiresAt: string | null;
  scope: string | null;
  needsReconnect: boolean;
  credential: CredentialSource;
}
interface MeData {
  me: { id: string; scopes: string[]; customerId: string | null; bondora: BondoraStatus };
}
interface BidsData {
  bids: { totalCount: number; edges: Array<{ node: { id: string } }> } | null;
}

interface Reply {
  status: number;
  location: string | null;
  text: string;
}

/** A caller of the gateway (a JWT subject with scopes). */
interface Client {
  sub: string;
  gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse<T>>;
}

interface Rig {
  h: Harness;
  /** Every body and Location the gateway answered with in this test, to prove no token reaches a client. */
  responses: string[];
  caller(sub: string, scopes?: readonly Scope[]): Promise<Client>;
  /** A browser's GET, redirects not followed; the gateway's answers are recorded. */
  browse(url: string, headers?: Record<string, string>): Promise<Reply>;
}

const harnesses: Harness[] = [];
const gateways: Gateway[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(gateways.splice(0).map((g) => g.close()));
  await Promise.all(harnesses.splice(0).map((h) => h.close()));
});

interface RigOptions {
  /** The gateway's own token (BONDORA_ACCESS_TOKEN); the demo investor's unless given (undefined: none). */
  accessToken?: string;
  /** Lifetime of the simulator's access tokens. */
  ttlSeconds?: number;
  listCacheTtlMs?: number;
}

/** Simulators and a gateway with the demo OAuth application and APP on its return-URL list. */
async function oauthRig(options: RigOptions = {}): Promise<Rig> {
  const h = await startHarness({
    bondora: { accessTokenTtlSeconds: options.ttlSeconds },
    gateway: { returnUrls: [APP] },
    upstreams: {
      bondora: {
        accessToken: 'accessToken' in options ? options.accessToken : BondoraSimulator.DEMO_TOKEN,
        listCacheTtlMs: options.listCacheTtlMs ?? 0,
        oauth: {
          clientId: BondoraSimulator.DEMO_CLIENT_ID,
          clientSecret: BondoraSimulator.DEMO_CLIENT_SECRET,
          authorizeUrl: 'http://placeholder.invalid/oauth/authorize',
          scopes: 'BidsRead BidsEdit',
        },
      },
    },
  });
  harnesses.push(h);
  // The authorize page lives on the simulator, known only once it has started.
  h.settings.bondora.oauth!.authorizeUrl = `${h.bondora.url}/oauth/authorize`;
  const responses: string[] = [];
  return {
    h,
    responses,
    async caller(sub, scopes = INVESTOR) {
      const token = await h.token({ sub, scopes });
      return {
        sub,
        async gql<T>(query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}) {
          const res = await h.gql<T>(query, variables, { authorization: `Bearer ${token}`, ...headers });
          responses.push(res.text);
          return res;
        },
      };
    },
    async browse(url, headers = {}) {
      const res = await fetch(url, { redirect: 'manual', headers });
      const reply = { status: res.status, location: res.headers.get('location'), text: await res.text() };
      if (url.startsWith(h.gateway.url)) responses.push(reply.text, reply.location ?? '');
      return reply;
    },
  };
}

const investor = (id: string) => {
  const found = BondoraSimulator.INVESTORS.find((i) => i.id === id);
  if (!found) throw new Error(`no seeded investor ${id}`);
  return found;
};

/** The ids of an investor's bids as the simulator holds them. */
const bidIdsOf = (h: Harness, investorId: string) =>
  h.bondora
    .bidsOf(investor(investorId).token)
    .map((b) => b.Id)
    .sort();

const idsIn = (res: GraphQLResponse<BidsData>) => res.data!.bids!.edges.map((e) => e.node.id).sort();

/** Bearer tokens the simulator received on a route, in order. */
const bearers = (h: Harness, route = 'bids.list') => h.bondora.router.calls(route).map((c) => String(c.headers.authorization).replace(/^Bearer /, ''));

const trafficOf = (h: Harness) => h.bondora.router.calls().map((c) => `${c.route} ${c.status}`);

/** connectBondora: Bondora's authorize URL for this caller. */
async function startLogin(client: Client, returnTo?: string): Promise<URL> {
  const res = await client.gql<{ connectBondora: { authorizeUrl: string; expiresAt: string } }>(CONNECT, { returnTo });
  expect(res.errors).toBeUndefined();
  return new URL(res.data!.connectBondora.authorizeUrl);
}

/** The user consents on Bondora's page as this investor; Bondora's redirect to the gateway's callback. */
async function consent(rig: Rig, authorize: URL, investorId: string): Promise<string> {
  const url = new URL(authorize);
  url.searchParams.set('investor', investorId);
  const res = await rig.browse(url.toString());
  expect(res.status).toBe(302);
  return res.location!;
}

/** The whole browser path: connect `client` as the seeded investor `investorId`. */
async function connect(rig: Rig, client: Client, investorId: string): Promise<void> {
  const callback = await rig.browse(await consent(rig, await startLogin(client), investorId));
  expect(callback.status).toBe(200);
  expect(JSON.parse(callback.text)).toEqual({ status: 'connected' });
}

async function bondoraStatus(client: Client, headers?: Record<string, string>): Promise<BondoraStatus> {
  const res = await client.gql<MeData>(ME, undefined, headers);
  expect(res.errors).toBeUndefined();
  return res.data!.me.bondora;
}

/** None of these values appears in anything the gateway answered or logged. */
function expectNowhere(rig: Rig, secrets: readonly string[]): void {
  const logged = JSON.stringify(rig.h.logger.lines);
  for (const secret of secrets) {
    expect(secret.length).toBeGreaterThan(8);
    for (const text of rig.responses) expect(text).not.toContain(secret);
    expect(logged).not.toContain(secret);
  }
}

function expectNotConnectedError(res: GraphQLResponse, path: string): void {
  const error = res.errors?.find((e) => e.path?.[0] === path);
  expect(error?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', upstream: 'bondora', reason: 'BONDORA_NOT_CONNECTED' });
}

describe('connecting a caller through the browser', () => {
  it('connectBondora, consent as the second investor, callback: the caller then sees exactly that investor’s bids', async () => {
    const rig = await oauthRig();
    const { h } = rig;
    const alice = await rig.caller('alice');
    expect(await bondoraStatus(alice)).toMatchObject({ connected: false, needsReconnect: false, credential: 'NONE' });

    const authorize = await startLogin(alice);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${h.bondora.url}/oauth/authorize`);
    expect(Object.fromEntries(authorize.searchParams)).toEqual({
      response_type: 'code',
      client_id: BondoraSimulator.DEMO_CLIENT_ID,
      scope: 'BidsRead BidsEdit',
      redirect_uri: `${h.gateway.url}${CALLBACK_PATH}`,
      state: expect.stringMatching(/^[\w-]{32,}$/),
    });
    // Bondora's page without a chosen investor: the simulator's picker.
    const picker = await rig.browse(authorize.toString());
    expect(picker.status).toBe(200);
    expect(picker.text).toContain('Second Investor');
    expect(picker.text).toContain('investor=second-investor');

    const callbackUrl = await consent(rig, authorize, 'second-investor');
    const callback = new URL(callbackUrl);
    expect(`${callback.origin}${callback.pathname}`).toBe(`${h.gateway.url}${CALLBACK_PATH}`);
    expect(callback.searchParams.get('state')).toBe(authorize.searchParams.get('state'));
    const code = callback.searchParams.get('code')!;
    const done = await rig.browse(callbackUrl);
    expect(done.status).toBe(200);
    expect(JSON.parse(done.text)).toEqual({ status: 'connected' });
    const [exchange] = h.bondora.router.calls('oauth.token');
    expect(JSON.parse(exchange!.body)).toMatchObject({
      grant_type: 'authorization_code',
      code,
      client_id: BondoraSimulator.DEMO_CLIENT_ID,
      redirect_uri: `${h.gateway.url}${CALLBACK_PATH}`,
    });

    const status = await bondoraStatus(alice);
    expect(status).toMatchObject({ connected: true, needsReconnect: false, credential: 'CONNECTION', scope: 'BidsRead BidsEdit' });
    expect(new Date(status.expiresAt!).getTime()).toBeGreaterThan(Date.now() + 3_500_000);

    h.resetTraffic();
    const bids = await alice.gql<BidsData>(BIDS);
    expect(bids.errors).toBeUndefined();
    expect(idsIn(bids)).toEqual(bidIdsOf(h, 'second-investor'));
    expect(bids.data!.bids!.totalCount).toBe(bidIdsOf(h, 'second-investor').length);
    const [issued] = bearers(h);
    expect(h.bondora.investorOf(issued!)?.id).toBe('second-investor');
    expect(BondoraSimulator.INVESTORS.map((i) => i.token)).not.toContain(issued);
    expectNowhere(rig, [issued!, code]);
  });
});

describe('several callers at once', () => {
  it('two logins interleaved connect each caller to their own investor; with the list cache on neither sees the other’s bids', async () => {
    const rig = await oauthRig({ listCacheTtlMs: 2000 });
    const { h } = rig;
    const [alice, bob] = await Promise.all([rig.caller('alice'), rig.caller('bob')]);
    // Both start, both consent, then the callbacks arrive in the other order.
    const [aliceAuthorize, bobAuthorize] = await Promise.all([startLogin(alice), startLogin(bob)]);
    expect(aliceAuthorize.searchParams.get('state')).not.toBe(bobAuthorize.searchParams.get('state'));
    const aliceCallback = await consent(rig, aliceAuthorize, 'second-investor');
    const bobCallback = await consent(rig, bobAuthorize, 'third-investor');
    expect((await rig.browse(bobCallback)).status).toBe(200);
    expect((await rig.browse(aliceCallback)).status).toBe(200);

    h.resetTraffic();
    const [aliceFirst, bobFirst] = [await alice.gql<BidsData>(BIDS), await bob.gql<BidsData>(BIDS)];
    expect(idsIn(aliceFirst)).toEqual(bidIdsOf(h, 'second-investor'));
    expect(idsIn(bobFirst)).toEqual(bidIdsOf(h, 'third-investor'));
    expect(bidIdsOf(h, 'second-investor')).not.toEqual(bidIdsOf(h, 'third-investor'));
    const [aliceToken, bobToken] = bearers(h);
    expect(h.bondora.investorOf(aliceToken!)?.id).toBe('second-investor');
    expect(h.bondora.investorOf(bobToken!)?.id).toBe('third-investor');

    // Repeated and concurrent: every answer is the caller's own, and all come from the cache.
    const rounds = await Promise.all(
      Array.from({ length: 4 }, async () => ({ alice: await alice.gql<BidsData>(BIDS), bob: await bob.gql<BidsData>(BIDS) })),
    );
    for (const round of rounds) {
      expect(idsIn(round.alice)).toEqual(bidIdsOf(h, 'second-investor'));
      expect(idsIn(round.bob)).toEqual(bidIdsOf(h, 'third-investor'));
      expect(round.alice.text).not.toContain(bobToken);
      expect(round.bob.text).not.toContain(aliceToken);
    }
    expect(h.bondora.router.calls('bids.list')).toHaveLength(2);
    expect(await bondoraStatus(alice)).toMatchObject({ connected: true, credential: 'CONNECTION' });
    expect(await bondoraStatus(bob)).toMatchObject({ connected: true, credential: 'CONNECTION' });
    expectNowhere(rig, [aliceToken!, bobToken!]);
  });
});

describe('the callback', () => {
  it('a forged, missing, malformed or replayed state is refused with 400 and no code is exchanged', async () => {
    const rig = await oauthRig();
    const { h } = rig;
    const alice = await rig.caller('alice');
    const callbackUrl = await consent(rig, await startLogin(alice), 'second-investor');
    const real = new URL(callbackUrl);
    const forged = new URL(real);
    forged.searchParams.set('state', 'forged-state-value-000000000000000');
    const missing = new URL(real);
    missing.searchParams.delete('state');
    const malformed = new URL(real);
    malformed.searchParams.set('state', `${real.searchParams.get('state')}<script>`);
    for (const url of [forged, missing, malformed]) {
      const res = await rig.browse(url.toString());
      expect(res.status).toBe(400);
      expect(JSON.parse(res.text)).toMatchObject({ error: { code: 'BAD_REQUEST' } });
    }
    expect(h.bondora.router.calls('oauth.token')).toHaveLength(0);
    expect((await bondoraStatus(alice)).connected).toBe(false);

    expect((await rig.browse(callbackUrl)).status).toBe(200);
    const replay = await rig.browse(callbackUrl);
    expect(replay.status).toBe(400);
    expect(JSON.parse(replay.text)).toMatchObject({ error: { code: 'BAD_REQUEST' } });
    expect(h.bondora.router.calls('oauth.token')).toHaveLength(1);
  });

  it('a login started by one caller can only connect that caller, whoever’s browser brings it back', async () => {
    const rig = await oauthRig();
    const alice = await rig.caller('alice');
    const bob = await rig.caller('bob');
    const callbackUrl = await consent(rig, await startLogin(alice), 'second-investor');
    // Bob's browser delivers the callback, even carrying Bob's token: it is Alice's login.
    const bobToken = await rig.h.token({ sub: 'bob', scopes: INVESTOR });
    expect((await rig.browse(callbackUrl, { authorization: `Bearer ${bobToken}` })).status).toBe(200);
    expect(await bondoraStatus(bob)).toMatchObject({ connected: false, credential: 'NONE' });
    expect(await bondoraStatus(alice)).toMatchObject({ connected: true, credential: 'CONNECTION' });
    rig.h.resetTraffic();
    expectNotConnectedError(await bob.gql(BIDS), 'bids');
    expect(rig.h.bondora.router.calls()).toHaveLength(0);
    expect(idsIn(await alice.gql<BidsData>(BIDS))).toEqual(bidIdsOf(rig.h, 'second-investor'));
  });

  it('Bondora’s error=access_denied ends at a clear failure and stores nothing', async () => {
    const rig = await oauthRig();
    const alice = await rig.caller('alice');
    const authorize = await startLogin(alice);
    const denied = new URL(`${rig.h.gateway.url}${CALLBACK_PATH}`);
    denied.searchParams.set('state', authorize.searchParams.get('state')!);
    denied.searchParams.set('error', 'access_denied');
    denied.searchParams.set('error_description', 'The user denied access');
    const res = await rig.browse(denied.toString());
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text)).toMatchObject({ error: { code: 'ACCESS_DENIED', message: expect.stringMatching(/did not grant/) } });
    expect(rig.h.bondora.router.calls('oauth.token')).toHaveLength(0);
    expect(await bondoraStatus(alice)).toMatchObject({ connected: false, needsReconnect: false, credential: 'NONE' });
    // The state was spent by the refusal: a code arriving for it later changes nothing.
    const late = new URL(denied);
    late.searchParams.delete('error');
    late.searchParams.delete('error_description');
    late.searchParams.set('code', 'a-code-for-a-spent-state');
    expect((await rig.browse(late.toString())).status).toBe(400);
    expect(rig.h.bondora.router.calls('oauth.token')).toHaveLength(0);
  });

  it('a returnTo on the allow-list gets a 303 back with bondora=connected (or failed) and nothing secret in it', async () => {
    const rig = await oauthRig();
    const alice = await rig.caller('alice');
    const returnTo = `${APP}/settings?tab=bondora`;
    const callbackUrl = await consent(rig, await startLogin(alice, returnTo), 'second-investor');
    const done = await rig.browse(callbackUrl);
    expect(done.status).toBe(303);
    const back = new URL(done.location!);
    expect(`${back.origin}${back.pathname}`).toBe(`${APP}/settings`);
    expect(Object.fromEntries(back.searchParams)).toEqual({ tab: 'bondora', bondora: 'connected' });
    expect((await bondoraStatus(alice)).connected).toBe(true);

    const bob = await rig.caller('bob');
    const bobAuthorize = await startLogin(bob, APP);
    const denied = await rig.browse(`${rig.h.gateway.url}${CALLBACK_PATH}?state=${bobAuthorize.searchParams.get('state')}&error=access_denied`);
    expect(denied.status).toBe(303);
    expect(Object.fromEntries(new URL(denied.location!).searchParams)).toEqual({ bondora: 'failed', error: 'ACCESS_DENIED' });
    expect((await bondoraStatus(bob)).connected).toBe(false);
  });

  it('a returnTo off the list is BAD_USER_INPUT at connectBondora, before any login state exists', async () => {
    const rig = await oauthRig();
    const alice = await rig.caller('alice');
    const authorize = vi.spyOn(rig.h.gateway.bondoraConnections!, 'authorize');
    const refused = [
      'https://evil.example/',
      '//evil.example',
      'http://127.0.0.1:5173.evil.example/',
      'http://127.0.0.1:5173.evil.example/app',
      'http://127.0.0.1:51730/app',
      'http://127.0.0.1:5173@evil.example/app',
      'http://127.0.0.1:5174/app',
      'https://127.0.0.1:5173/app',
      'http://127.0.0.1:5173/application',
      'http://127.0.0.1:5173/app/../admin',
      'javascript:alert(1)//127.0.0.1:5173/app',
      '/app',
    ];
    for (const returnTo of refused) {
      const res = await alice.gql<{ connectBondora: unknown }>(CONNECT, { returnTo });
      expect(res.data).toBeNull();
      expect(res.errors?.[0]?.extensions, returnTo).toMatchObject({ code: 'BAD_USER_INPUT', field: 'returnTo' });
    }
    expect(authorize).not.toHaveBeenCalled();
    // The same mutation with an allowed returnTo does issue one.
    await startLogin(alice, `${APP}/done`);
    expect(authorize).toHaveBeenCalledTimes(1);
  });

  it('a stored returnTo is checked again at the callback: off the list, the browser gets JSON, not a redirect', async () => {
    // As when AUTH_RETURN_URLS changed between the login's start and its callback.
    const rig = await oauthRig();
    const alice = await rig.caller('alice');
    const { url } = await rig.h.gateway.bondoraConnections!.authorize('alice', 'https://evil.example/');
    const done = await rig.browse(await consent(rig, new URL(url), 'second-investor'));
    expect(done.location).toBeNull();
    expect(done.status).toBe(200);
    expect(JSON.parse(done.text)).toEqual({ status: 'connected' });
    expect((await bondoraStatus(alice)).connected).toBe(true);
  });
});

describe('anonymous callers', () => {
  it('cannot start, finish or read a connection, and the old gateway-wide login routes are gone', async () => {
    const rig = await oauthRig();
    const { h } = rig;
    const authorize = vi.spyOn(h.gateway.bondoraConnections!, 'authorize');
    const anonymous = { authorization: '' };
    const start = await h.gql(CONNECT, { returnTo: null }, anonymous);
    expect(start.status).toBe(401);
    expect(start.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(authorize).not.toHaveBeenCalled();
    const me = await h.gql(ME, undefined, anonymous);
    expect(me.status).toBe(401);
    expect(me.data).toBeUndefined();

    // Without a state from connectBondora, a callback is refused before Bondora is asked anything.
    for (const query of ['', '?code=abc', `?state=${'a'.repeat(32)}&code=abc`, '?error=access_denied']) {
      const res = await rig.browse(`${h.gateway.url}${CALLBACK_PATH}${query}`);
      expect(res.status, query).toBe(400);
    }
    expect(h.bondora.router.calls()).toHaveLength(0);

    for (const path of ['/auth/bondora/login', '/auth/bondora/status']) {
      const res = await rig.browse(`${h.gateway.url}${path}`, { authorization: `Bearer ${h.operatorToken}` });
      expect(res.status, path).toBe(404);
      expect(res.location).toBeNull();
    }
    expect(h.bondora.router.calls()).toHaveLength(0);
  });
});

describe('which Bondora credential a request acts with', () => {
  it('a caller with no connection, no x-bondora-token and no bondora:shared gets BONDORA_NOT_CONNECTED and no Bondora call; Bond still answers', async () => {
    const rig = await oauthRig();
    const { h } = rig;
    const investorOnly = await rig.caller('ivy', [...INVESTOR, 'applications:read', 'applications:all']);
    h.resetTraffic();
    const res = await investorOnly.gql<{ bids: unknown; auctions: unknown; creditApplications: { edges: unknown[] }; me: MeData['me'] }>(
      'query { bids(first: 5) { totalCount } auctions(first: 5) { totalCount } creditApplications(first: 2) { edges { node { id } } } me { bondora { credential } } }',
    );
    expect(res.data!.bids).toBeNull();
    expect(res.data!.auctions).toBeNull();
    expectNotConnectedError(res, 'bids');
    expectNotConnectedError(res, 'auctions');
    expect(res.errors).toHaveLength(2);
    expect(res.data!.creditApplications.edges).toHaveLength(2);
    expect(res.data!.me.bondora.credential).toBe('NONE');
    expect(h.bondora.router.calls()).toHaveLength(0);
    expect(h.bond.router.calls().length).toBeGreaterThan(0);
  });

  it('bondora:shared uses the server token (SHARED); x-bondora-token comes before it (HEADER); an own connection before both (CONNECTION)', async () => {
    const rig = await oauthRig();
    const { h } = rig;
    const sharer = await rig.caller('sam', [...INVESTOR, 'bondora:shared']);
    const third = { 'x-bondora-token': investor('third-investor').token };

    h.resetTraffic();
    expect((await bondoraStatus(sharer)).credential).toBe('SHARED');
    const shared = await sharer.gql<BidsData>(BIDS);
    expect(shared.errors).toBeUndefined();
    expect(shared.data!.bids!.totalCount).toBe(bidIdsOf(h, 'demo-investor').length);
    expect(bearers(h)).toEqual([BondoraSimulator.DEMO_TOKEN]);

    h.resetTraffic();
    expect((await bondoraStatus(sharer, third)).credential).toBe('HEADER');
    expect(idsIn(await sharer.gql<BidsData>(BIDS, undefined, third))).toEqual(bidIdsOf(h, 'third-investor'));
    const headerOnly = await rig.caller('hal');
    expect((await bondoraStatus(headerOnly, third)).credential).toBe('HEADER');
    expect(idsIn(await headerOnly.gql<BidsData>(BIDS, undefined, third))).toEqual(bidIdsOf(h, 'third-investor'));
    expect(bearers(h)).toEqual([investor('third-investor').token, investor('third-investor').token]);

    await connect(rig, sharer, 'second-investor');
    h.resetTraffic();
    expect((await bondoraStatus(sharer, third)).credential).toBe('CONNECTION');
    expect(idsIn(await sharer.gql<BidsData>(BIDS, undefined, third))).toEqual(bidIdsOf(h, 'second-investor'));
    expect(bearers(h)).not.toContain(investor('third-investor').token);
    expect(bearers(h)).not.toContain(BondoraSimulator.DEMO_TOKEN);
  });
});

describe('disconnectBondora', () => {
  it('revokes the token at Bondora, forgets the connection, and later Bondora fields fall back in order', async () => {
    const rig = await oauthRig();
    const { h } = rig;
    const ivy = await rig.caller('ivy');
    const sam = await rig.caller('sam', [...INVESTOR, 'bondora:shared']);
    await connect(rig, ivy, 'third-investor');
    await connect(rig, sam, 'second-investor');
    h.resetTraffic();
    await ivy.gql<BidsData>(BIDS);
    const [ivyToken] = bearers(h);
    expect(h.bondora.oauth.accountOf(ivyToken!)).toBe(investor('third-investor').token);

    h.resetTraffic();
    const res = await ivy.gql<{ disconnectBondora: { wasConnected: boolean; revoked: boolean } }>(DISCONNECT);
    expect(res.data).toEqual({ disconnectBondora: { wasConnected: true, revoked: true } });
    const revokes = h.bondora.router.calls('oauth.revoke');
    expect(revokes.map((c) => [c.status, c.headers.authorization])).toEqual([[202, `Bearer ${ivyToken}`]]);
    expect(h.bondora.oauth.accountOf(ivyToken!)).toBeUndefined();
    expect(await bondoraStatus(ivy)).toMatchObject({ connected: false, needsReconnect: false, credential: 'NONE' });

    // Without bondora:shared nothing is left: no Bondora call at all.
    h.resetTraffic();
    expectNotConnectedError(await ivy.gql(BIDS), 'bids');
    expect(h.bondora.router.calls()).toHaveLength(0);
    // Another caller's connection is untouched by Ivy's disconnect.
    expect(idsIn(await sam.gql<BidsData>(BIDS))).toEqual(bidIdsOf(h, 'second-investor'));
    // A second disconnect has nothing to revoke.
    h.resetTraffic();
    const again = await ivy.gql<{ disconnectBondora: unknown }>(DISCONNECT);
    expect(again.data).toEqual({ disconnectBondora: { wasConnected: false, revoked: false } });
    expect(h.bondora.router.calls()).toHaveLength(0);

    // With bondora:shared, a disconnected caller falls back to the server token.
    expect((await sam.gql<{ disconnectBondora: unknown }>(DISCONNECT)).data).toEqual({ disconnectBondora: { wasConnected: true, revoked: true } });
    h.resetTraffic();
    expect((await bondoraStatus(sam)).credential).toBe('SHARED');
    expect((await sam.gql<BidsData>(BIDS)).data!.bids!.totalCount).toBe(bidIdsOf(h, 'demo-investor').length);
    expect(bearers(h)).toEqual([BondoraSimulator.DEMO_TOKEN]);
    expectNowhere(rig, [ivyToken!]);
  });

  it('a disconnect while a refresh is in flight stays disconnected: the refreshed token is not kept', async () => {
    const rig = await oauthRig();
    const { h } = rig;
    const ivy = await rig.caller('ivy');
    await connect(rig, ivy, 'second-investor');
    h.bondora.oauth.expireAccessTokens();
    h.resetTraffic();
    h.bondora.router.setFault('oauth.token', { latencyMs: 400, times: 1 });
    const inFlight = ivy.gql<BidsData>(BIDS);
    // The list call has drawn its 401, so the refresh is on its way (held 400 ms by the simulator).
    await vi.waitFor(() => expect(h.bondora.router.calls('bids.list').map((c) => c.status)).toEqual([401]), { interval: 5 });
    const res = await ivy.gql<{ disconnectBondora: { wasConnected: boolean } }>(DISCONNECT);
    expect(res.data!.disconnectBondora.wasConnected).toBe(true);
    await inFlight;
    expect(h.bondora.router.calls('oauth.token').map((c) => c.status)).toEqual([200]);

    expect(await bondoraStatus(ivy)).toMatchObject({ connected: false, credential: 'NONE' });
    h.resetTraffic();
    expectNotConnectedError(await ivy.gql(BIDS), 'bids');
    expect(h.bondora.router.calls()).toHaveLength(0);
  });
});

describe('refresh, per caller', () => {
  it('an access token that expired upstream draws one 401, one refresh of that caller’s token, and the query succeeds', async () => {
    const rig = await oauthRig();
    const { h } = rig;
    const alice = await rig.caller('alice');
    const bob = await rig.caller('bob');
    await connect(rig, alice, 'second-investor');
    await connect(rig, bob, 'third-investor');
    h.bondora.oauth.expireAccessTokens();
    h.resetTraffic();

    // Three of Alice's operations at once share one refresh.
    const results = await Promise.all([alice.gql<BidsData>(BIDS), alice.gql<BidsData>(BIDS), alice.gql<BidsData>(BIDS)]);
    for (const res of results) expect(idsIn(res)).toEqual(bidIdsOf(h, 'second-investor'));
    const refreshes = h.bondora.router.calls('oauth.token');
    expect(refreshes.map((c) => c.status)).toEqual([200]);
    const refresh = JSON.parse(refreshes[0]!.body) as Record<string, string>;
    expect(refresh).toMatchObject({ grant_type: 'refresh_token', client_id: BondoraSimulator.DEMO_CLIENT_ID });
    expect(h.bondora.oauth.accountOfRefreshToken(refresh.refresh_token!)).toBe(investor('second-investor').token);
    // (Identical GETs in flight may be shared, so the number of list calls is not fixed; their tokens are.)
    const stale = bearers(h)[0]!;
    const fresh = bearers(h).at(-1)!;
    expect(fresh).not.toBe(stale);
    expect(h.bondora.investorOf(fresh)?.id).toBe('second-investor');
    const lists = h.bondora.router.calls('bids.list').map((c, i) => [c.status, bearers(h)[i]]);
    expect(lists).toContainEqual([401, stale]);
    for (const [status, token] of lists) expect([status, token]).toEqual(status === 401 ? [401, stale] : [200, fresh]);

    // Bob's connection was not refreshed by Alice's: his own refresh, for his own investor.
    h.resetTraffic();
    expect(idsIn(await bob.gql<BidsData>(BIDS))).toEqual(bidIdsOf(h, 'third-investor'));
    expect(trafficOf(h)).toEqual(['bids.list 401', 'oauth.token 200', 'bids.list 200']);
    const bobRefresh = JSON.parse(h.bondora.router.calls('oauth.token')[0]!.body) as Record<string, string>;
    expect(h.bondora.oauth.accountOfRefreshToken(bobRefresh.refresh_token!)).toBe(investor('third-investor').token);
    expectNowhere(rig, [stale, fresh, refresh.refresh_token!, bobRefresh.refresh_token!]);
  });

  it('a token about to expire is refreshed before use, so no call draws a 401', async () => {
    // 62 s lifetime and a 60 s refresh margin: fresh just after the login, expiring a second or two later.
    const rig = await oauthRig({ ttlSeconds: 62 });
    const { h } = rig;
    const alice = await rig.caller('alice');
    await connect(rig, alice, 'second-investor');
    h.resetTraffic();
    expect((await alice.gql<BidsData>(BIDS)).errors).toBeUndefined();
    expect(trafficOf(h)).toEqual(['bids.list 200']);

    const { expiresAt } = await bondoraStatus(alice);
    await new Promise((resolve) => setTimeout(resolve, new Date(expiresAt!).getTime() - 60_000 - Date.now() + 150));
    h.resetTraffic();
    const res = await alice.gql<BidsData>(BIDS);
    expect(idsIn(res)).toEqual(bidIdsOf(h, 'second-investor'));
    expect(trafficOf(h)).toEqual(['oauth.token 200', 'bids.list 200']);
    expect(new Date((await bondoraStatus(alice)).expiresAt!).getTime()).toBeGreaterThan(new Date(expiresAt!).getTime());
  });

  it('a refused refresh is UNAUTHENTICATED once, drops the connection (needsReconnect) and is not tried again', async () => {
    const rig = await oauthRig();
    const { h } = rig;
    const alice = await rig.caller('alice');
    await connect(rig, alice, 'second-investor');
    h.resetTraffic();
    await alice.gql(BIDS);
    const [accessToken] = bearers(h);
    h.bondora.oauth.expireAccessTokens();
    h.bondora.oauth.revokeRefreshTokens();
    h.resetTraffic();

    const res = await alice.gql<BidsData>(BIDS);
    expect(res.data!.bids).toBeNull();
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', upstream: 'bondora' });
    expect(trafficOf(h)).toEqual(['bids.list 401', 'oauth.token 400']);
    const refreshToken = (JSON.parse(h.bondora.router.calls('oauth.token')[0]!.body) as Record<string, string>).refresh_token!;

    expect(await bondoraStatus(alice)).toMatchObject({ connected: false, needsReconnect: true, expiresAt: null, credential: 'NONE' });
    // Later operations neither hammer the token endpoint nor send the dead token.
    h.resetTraffic();
    for (let i = 0; i < 2; i++) expectNotConnectedError(await alice.gql(BIDS), 'bids');
    expect(h.bondora.router.calls()).toHaveLength(0);
    expectNowhere(rig, [accessToken!, refreshToken, BondoraSimulator.DEMO_CLIENT_SECRET]);

    // Connecting again clears needsReconnect.
    await connect(rig, alice, 'second-investor');
    expect(await bondoraStatus(alice)).toMatchObject({ connected: true, needsReconnect: false, credential: 'CONNECTION' });
  });
});

/** An application's own login against the simulator (as an operator would do once), form-encoded like several clients. */
async function refreshTokenFrom(simulator: string): Promise<string> {
  const redirect = 'http://127.0.0.1:1/cb';
  const consent = await fetch(
    `${simulator}/oauth/authorize?response_type=code&client_id=${BondoraSimulator.DEMO_CLIENT_ID}&scope=BidsRead&redirect_uri=${encodeURIComponent(redirect)}&state=s&investor=demo-investor`,
    { redirect: 'manual' },
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

/** A second gateway on the harness's simulators and identity provider, with other Bondora settings. */
async function gatewayWith(h: Harness, bondora: Partial<UpstreamSettings['bondora']>): Promise<Gateway> {
  const verifier = idpVerifier(h.idp);
  const gateway = await startGateway({
    upstreams: { ...h.settings, bondora: { ...h.settings.bondora, ...bondora } },
    logger: memoryLogger(),
    auth: { mode: 'jwt', verifier },
    callers: { maxUpstreamCallsPerRequest: 50, sharePercent: 100, rateLimit: false },
  });
  gateways.push(gateway);
  return gateway;
}

describe('the gateway’s own token', () => {
  it('a configured refresh token (BONDORA_REFRESH_TOKEN) serves bondora:shared callers, and only them', async () => {
    const rig = await oauthRig({ accessToken: undefined });
    const { h } = rig;
    const refreshToken = await refreshTokenFrom(h.bondora.url);
    const gateway = await gatewayWith(h, { accessToken: undefined, oauth: { ...h.settings.bondora.oauth!, refreshToken } });
    const ask = async (sub: string, scopes: readonly Scope[]) => {
      const res = await fetch(`${gateway.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await h.token({ sub, scopes })}` },
        body: JSON.stringify({ query: '{ bids(first: 2) { totalCount } me { bondora { connected credential } } }' }),
      });
      const text = await res.text();
      return { text, ...(JSON.parse(text) as { data?: { bids: { totalCount: number } | null; me: { bondora: Partial<BondoraStatus> } }; errors?: GraphQLResponse['errors'] }) };
    };

    h.resetTraffic();
    const shared = await ask('sam', [...INVESTOR, 'bondora:shared']);
    expect(shared.errors).toBeUndefined();
    expect(shared.data!.bids!.totalCount).toBe(bidIdsOf(h, 'demo-investor').length);
    expect(shared.data!.me.bondora).toEqual({ connected: false, credential: 'SHARED' });
    expect(trafficOf(h)).toEqual(['oauth.token 200', 'bids.list 200']);
    expect(JSON.parse(h.bondora.router.calls('oauth.token')[0]!.body)).toMatchObject({ grant_type: 'refresh_token', refresh_token: refreshToken });
    expect(h.bondora.investorOf(bearers(h)[0]!)?.id).toBe('demo-investor');
    expect(shared.text).not.toContain(refreshToken);

    h.resetTraffic();
    const investorOnly = await ask('ivy', INVESTOR);
    expect(investorOnly.data!.bids).toBeNull();
    expect(investorOnly.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'BONDORA_NOT_CONNECTED' });
    expect(h.bondora.router.calls()).toHaveLength(0);
  });
});
