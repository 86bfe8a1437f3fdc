import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Scope } from '../../src/auth/scope.registry.js';
import { TokenCipher } from '../../src/auth/token.cipher.js';
import { startGateway, type Gateway, type UpstreamSettings } from '../../src/server/gateway.server.js';
import { memoryLogger } from '../../src/server/logger.js';
import { RedisConnectionStore, RedisLoginStateStore, RedisTokenStore } from '../../src/server/redis.stores.js';
import { BondoraSimulator } from '../../src/simulators/bondora/bondora.simulator.js';
import { testRedis } from '../support/redis.replicas.js';
import { idpVerifier, startHarness, type GraphQLResponse, type Harness } from '../support/gateway.harness.js';

// Two gateway processes' worth of state behind one load balancer, in a real Redis (127.0.0.1:6379):
// a login started on one gateway finishes on the other, a caller's connection serves them both,
// one refresh serves both, and the connections are sealed at rest (TokenCipher) and bound to
// their caller. Keys live under a random prefix, removed afterwards.

const { redis, unavailable } = await testRedis();

/** One callback for both gateways, as behind a load balancer; the test delivers it to either. */
const CALLBACK = 'http://127.0.0.1:9/auth/bondora/callback';
const INVESTOR: readonly Scope[] = ['auctions:read', 'bids:read', 'bids:write'];
const ME = '{ me { bondora { connected credential needsReconnect } } }';
const BIDS = '{ bids(first: 50) { totalCount edges { node { id } } } }';

let h: Harness;
let a: Gateway;
let b: Gateway;
const prefix = `test:${randomUUID()}:`;
const connectionKey = (sub: string) => `${prefix}bondora:connection:${createHash('sha256').update(sub).digest('base64url')}`;

beforeAll(async () => {
  if (!redis) return;
  h = await startHarness({ upstreams: { bondora: { accessToken: undefined } } });
  const upstreams: UpstreamSettings = {
    ...h.settings,
    bondora: {
      ...h.settings.bondora,
      accessToken: undefined,
      oauth: {
        clientId: BondoraSimulator.DEMO_CLIENT_ID,
        clientSecret: BondoraSimulator.DEMO_CLIENT_SECRET,
        authorizeUrl: `${h.bondora.url}/oauth/authorize`,
        redirectUri: CALLBACK,
        scopes: 'BidsRead',
      },
    },
  };
  const verifier = idpVerifier(h.idp);
  // Both processes hold the same TOKEN_ENCRYPTION_KEY, each its own store objects.
  const key = randomBytes(32).toString('base64');
  const start = (r: Redis) => {
    const cipher = TokenCipher.fromBase64Key(key);
    return startGateway({
      upstreams,
      logger: memoryLogger(),
      auth: { mode: 'jwt', verifier },
      callers: { maxUpstreamCallsPerRequest: 50, sharePercent: 100, rateLimit: false },
      sharedState: {
        loginStates: new RedisLoginStateStore(r, prefix),
        connections: new RedisConnectionStore(r, prefix, cipher),
        tokens: new RedisTokenStore(r, prefix, cipher),
      },
    });
  };
  [a, b] = await Promise.all([start(redis), start(redis)]);
});

afterAll(async () => {
  if (!redis) return;
  await Promise.all([a?.close(), b?.close(), h?.close()]);
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});

const get = (url: string) => fetch(url, { redirect: 'manual' });

async function gql<T>(gateway: Gateway, sub: string, query: string, scopes: readonly Scope[] = INVESTOR): Promise<GraphQLResponse<T>> {
  const res = await fetch(`${gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await h.token({ sub, scopes })}` },
    body: JSON.stringify({ query }),
  });
  const text = await res.text();
  return { status: res.status, ...(JSON.parse(text) as Omit<GraphQLResponse<T>, 'status' | 'text'>), text };
}

type BidsData = { bids: { totalCount: number; edges: Array<{ node: { id: string } }> } | null };
type MeData = { me: { bondora: { connected: boolean; credential: string; needsReconnect: boolean } } };

const bidIdsOf = (investorId: string) =>
  h.bondora
    .bidsOf(BondoraSimulator.INVESTORS.find((i) => i.id === investorId)!.token)
    .map((bid) => bid.Id)
    .sort();
const idsIn = (res: GraphQLResponse<BidsData>) => res.data!.bids!.edges.map((e) => e.node.id).sort();
const bearers = () => h.bondora.router.calls('bids.list').map((c) => String(c.headers.authorization).replace(/^Bearer /, ''));

/** connectBondora on `starter`, consent as `investorId`; returns the callback's query string, to deliver anywhere. */
async function startLogin(starter: Gateway, sub: string, investorId: string): Promise<string> {
  const res = await gql<{ connectBondora: { authorizeUrl: string } }>(starter, sub, 'mutation { connectBondora { authorizeUrl } }');
  expect(res.errors).toBeUndefined();
  const authorize = new URL(res.data!.connectBondora.authorizeUrl);
  expect(authorize.searchParams.get('redirect_uri')).toBe(CALLBACK);
  authorize.searchParams.set('investor', investorId);
  const consent = await get(authorize.toString());
  expect(consent.status).toBe(302);
  const callback = new URL(consent.headers.get('location')!);
  expect(`${callback.origin}${callback.pathname}`).toBe(CALLBACK);
  return callback.search;
}

/** The whole login of `sub` as `investorId`, started on `starter` and finished on `finisher`. */
async function connect(starter: Gateway, finisher: Gateway, sub: string, investorId: string): Promise<void> {
  const finish = await get(`${finisher.url}/auth/bondora/callback${await startLogin(starter, sub, investorId)}`);
  expect(finish.status).toBe(200);
  expect(await finish.json()).toEqual({ status: 'connected' });
}

describe.skipIf(!redis)(`Bondora connections shared through Redis${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  it('a login started on A finishes on B, and the caller’s Bondora calls then work on both with one token', async () => {
    h.resetTraffic();
    const search = await startLogin(a, 'alice', 'second-investor');
    const finish = await get(`${b.url}/auth/bondora/callback${search}`);
    expect(finish.status).toBe(200);
    expect(await finish.json()).toEqual({ status: 'connected' });
    // The state was used up on B: replaying it on A is refused.
    expect((await get(`${a.url}/auth/bondora/callback${search}`)).status).toBe(400);
    expect(h.bondora.router.calls('oauth.token')).toHaveLength(1);
    expect(await redis!.keys(`${prefix}bondora:login-state:*`)).toEqual([]);

    h.resetTraffic();
    for (const gateway of [a, b]) {
      const me = await gql<MeData>(gateway, 'alice', ME);
      expect(me.data!.me.bondora).toEqual({ connected: true, credential: 'CONNECTION', needsReconnect: false });
      expect(idsIn(await gql<BidsData>(gateway, 'alice', BIDS))).toEqual(bidIdsOf('second-investor'));
      // Another caller has no connection on either gateway.
      expect((await gql<MeData>(gateway, 'bob', ME)).data!.me.bondora).toMatchObject({ connected: false, credential: 'NONE' });
    }
    expect(new Set(bearers()).size).toBe(1);
    expect(h.bondora.investorOf(bearers()[0]!)?.id).toBe('second-investor');
    expect(h.bondora.router.calls('oauth.token')).toHaveLength(0);
  });

  it('one refresh, by whichever gateway meets the expired token first, serves both', async () => {
    await connect(b, a, 'carol', 'third-investor');
    // Both gateways have used Carol's token, so both hold it.
    expect(idsIn(await gql<BidsData>(a, 'carol', BIDS))).toEqual(bidIdsOf('third-investor'));
    expect(idsIn(await gql<BidsData>(b, 'carol', BIDS))).toEqual(bidIdsOf('third-investor'));
    h.bondora.oauth.expireAccessTokens();
    h.resetTraffic();

    expect(idsIn(await gql<BidsData>(b, 'carol', BIDS))).toEqual(bidIdsOf('third-investor'));
    expect(idsIn(await gql<BidsData>(a, 'carol', BIDS))).toEqual(bidIdsOf('third-investor'));
    const refreshes = h.bondora.router.calls('oauth.token');
    expect(refreshes.map((c) => c.status)).toEqual([200]);
    expect(JSON.parse(refreshes[0]!.body)).toMatchObject({ grant_type: 'refresh_token' });
    // A's last call went out with the token B obtained.
    // A may still send the token it held once (a 401) before it takes B's from Redis; it never refreshes itself.
    expect(h.bondora.router.calls('bids.list').filter((c) => c.status === 401).length).toBeLessThanOrEqual(2);
    const successes = h.bondora.router.calls('bids.list').filter((c) => c.status === 200);
    expect(successes).toHaveLength(2);
    expect(new Set(successes.map((c) => c.headers.authorization)).size).toBe(1);
    expect((await gql<MeData>(a, 'carol', ME)).data!.me.bondora.connected).toBe(true);
  });

  it('a connection is sealed at rest: the Redis value is v1.… and holds neither token in plain text, under a hash of the caller', async () => {
    await connect(a, b, 'dora', 'second-investor');
    h.bondora.oauth.expireAccessTokens();
    h.resetTraffic();
    // A refresh shows the refresh token in the simulator's log; the retried call shows the access token.
    expect((await gql<BidsData>(a, 'dora', BIDS)).errors).toBeUndefined();
    const refreshToken = (JSON.parse(h.bondora.router.calls('oauth.token')[0]!.body) as { refresh_token: string }).refresh_token;
    const accessToken = bearers().at(-1)!;
    expect(refreshToken.length).toBeGreaterThan(16);

    const keys = await redis!.keys(`${prefix}*`);
    expect(keys).toContain(connectionKey('dora'));
    // Keys name a hash of the caller (a sha256 in base64url), never the caller.
    const connections = keys.filter((key) => key.startsWith(`${prefix}bondora:connection:`));
    expect(connections.length).toBeGreaterThanOrEqual(3);
    for (const key of connections) expect(key.slice(`${prefix}bondora:connection:`.length)).toMatch(/^[\w-]{43}$/);
    const sealed = (await redis!.get(connectionKey('dora')))!;
    expect(sealed.startsWith('v1.')).toBe(true);
    for (const secret of [accessToken, refreshToken]) {
      expect(sealed).not.toContain(secret);
      expect(sealed).not.toContain(Buffer.from(secret).toString('base64'));
    }
    for (const key of keys) {
      const value = (await redis!.type(key)) === 'string' ? ((await redis!.get(key)) ?? '') : '';
      expect(value).not.toContain(accessToken);
      expect(value).not.toContain(refreshToken);
    }
  });

  it('a sealed value copied under another caller’s key does not open for them, and the gateway carries on', async () => {
    await connect(a, b, 'erin', 'second-investor');
    const stolen = (await redis!.get(connectionKey('erin')))!;
    await redis!.set(connectionKey('mallory'), stolen);
    h.resetTraffic();

    // Mallory never acts as Erin's investor, on either gateway.
    for (const gateway of [a, b]) {
      const bids = await gql<BidsData>(gateway, 'mallory', BIDS);
      expect(bids.data?.bids ?? null).toBeNull();
      expect(bids.text).not.toContain(bidIdsOf('second-investor')[0]);
    }
    expect(h.bondora.router.calls()).toHaveLength(0);
    // Erin's own connection still works.
    expect(idsIn(await gql<BidsData>(a, 'erin', BIDS))).toEqual(bidIdsOf('second-investor'));
  });

  it('that copied value leaves the other caller simply unconnected (no internal error)', async () => {
    // Continues from the previous test: Mallory's key holds Erin's sealed value.
    h.resetTraffic();
    const me = await gql<MeData>(a, 'mallory', ME);
    expect(me.errors).toBeUndefined();
    expect(me.data!.me.bondora).toMatchObject({ connected: false, credential: 'NONE' });
    const bids = await gql<BidsData>(b, 'mallory', BIDS);
    expect(bids.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'BONDORA_NOT_CONNECTED' });
    // Nor is the caller stuck: disconnecting clears what they cannot use.
    const disconnect = await gql(a, 'mallory', 'mutation { disconnectBondora { wasConnected revoked } }');
    expect(disconnect.errors).toBeUndefined();
    expect(h.bondora.router.calls()).toHaveLength(0);
  });

  it('connecting again replaces a value that does not open', async () => {
    await redis!.set(connectionKey('mallory'), (await redis!.get(connectionKey('erin')))!);
    await connect(a, b, 'mallory', 'third-investor');
    expect((await gql<MeData>(b, 'mallory', ME)).data!.me.bondora).toMatchObject({ connected: true, credential: 'CONNECTION' });
    expect(idsIn(await gql<BidsData>(a, 'mallory', BIDS))).toEqual(bidIdsOf('third-investor'));
    expect(idsIn(await gql<BidsData>(a, 'erin', BIDS))).toEqual(bidIdsOf('second-investor'));
  });

  it('a well-formed but unissued state is refused and no code is exchanged', async () => {
    h.resetTraffic();
    const res = await get(`${b.url}/auth/bondora/callback?state=${'x'.repeat(32)}&code=abc`);
    expect(res.status).toBe(400);
    expect(h.bondora.router.calls('oauth.token')).toHaveLength(0);
  });
});
