import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { APQ_KEY_PREFIX, apqRegistrations } from '../../src/server/persisted.operations.js';
import { RedisKeyValueCache } from '../../src/server/redis.apq.cache.js';
import { connectRedis } from '../../src/server/redis.stores.js';
import { sha256Hex, TrustedManifest } from '../../src/server/trusted-documents.manifest.js';
import { startHarness, type Harness, type HarnessOptions } from '../support/gateway.harness.js';

// Automatic persisted queries (Apollo's APQ protocol): a hash the gateway has not seen is
// PERSISTED_QUERY_NOT_FOUND, hash + text registers it, then the hash alone answers, over GET too.
// The upstream-call budget holds for a hash-only request exactly as for its text, with that
// request's own variables: the hash is resolved before the budget, never after it.

const harnesses: Harness[] = [];
afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((h) => h.close()));
});

async function harness(options: HarnessOptions = {}): Promise<Harness> {
  const h = await startHarness(options);
  harnesses.push(h);
  return h;
}

interface Answer {
  status: number;
  data?: Record<string, any> | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
  headers: Headers;
}

async function answer(res: Response): Promise<Answer> {
  return { status: res.status, headers: res.headers, ...((await res.json()) as object) };
}

function post(h: Harness, body: unknown, token = h.operatorToken): Promise<Answer> {
  return fetch(`${h.gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  }).then(answer);
}

/** A GET as Apollo Client's APQ link sends it: the CSRF-prevention header forces a preflight in browsers. */
function get(h: Harness, params: Record<string, unknown>, headers: Record<string, string> = { 'apollo-require-preflight': 'true' }): Promise<Answer> {
  const search = new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
  return fetch(`${h.gateway.url}/graphql?${search}`, { headers: { authorization: `Bearer ${h.operatorToken}`, ...headers } }).then(answer);
}

const apq = (sha256Hash: string) => ({ persistedQuery: { version: 1, sha256Hash } });
const upstreamCalls = (h: Harness) => h.bondora.router.calls().length + h.bond.router.calls().length;
const aliases = (n: number, field: (i: number) => string) => Array.from({ length: n }, (_, i) => field(i)).join(' ');

const AUCTIONS = 'query TwoAuctions { auctions(first: 2) { edges { node { id rating } } } }';
/** 30 application pages: 30 Bond calls at $n <= 50, 60 above (Bond pages hold at most 50). */
const PAGES = `query Pages($n: Int!) { ${aliases(30, (i) => `p${i}: creditApplications(first: $n) { nodes { id } }`)} }`;
/** The same, fixed at 100 per page: 60 calls, over the default budget of 50 whatever the variables. */
const SIXTY = `query Sixty { ${aliases(30, (i) => `p${i}: creditApplications(first: 100) { nodes { id } }`)} }`;

describe('automatic persisted queries', () => {
  it('hash alone → PERSISTED_QUERY_NOT_FOUND; hash + query registers; then the hash alone answers, by POST and by GET', async () => {
    const h = await harness();
    const hash = sha256Hex(AUCTIONS);

    const unknown = await post(h, { extensions: apq(hash) });
    expect(unknown.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'PERSISTED_QUERY_NOT_FOUND' }) })]);
    expect(upstreamCalls(h)).toBe(0);

    const registered = await post(h, { query: AUCTIONS, extensions: apq(hash) });
    expect(registered.errors).toBeUndefined();
    expect(registered.data!.auctions.edges).toHaveLength(2);

    const byPost = await post(h, { extensions: apq(hash) });
    expect(byPost.data).toEqual(registered.data);
    const byGet = await get(h, { extensions: apq(hash) });
    expect(byGet.status).toBe(200);
    expect(byGet.data).toEqual(registered.data);
    // The hash is matched case-insensitively, as hex is.
    expect((await get(h, { extensions: apq(hash.toUpperCase()) })).data).toEqual(registered.data);
  });

  it("a GET without Apollo's preflight-forcing header is still refused by CSRF prevention", async () => {
    const h = await harness();
    const hash = sha256Hex(AUCTIONS);
    await post(h, { query: AUCTIONS, extensions: apq(hash) });
    h.resetTraffic();
    const simple = await get(h, { extensions: apq(hash) }, {});
    expect(simple.status).toBe(400);
    expect(simple.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    expect(upstreamCalls(h)).toBe(0);
  });

  it('a hash that does not match its query is refused and registers nothing', async () => {
    const h = await harness();
    const wrong = sha256Hex('{ somethingElse }');
    const mismatch = await post(h, { query: AUCTIONS, extensions: apq(wrong) });
    expect(mismatch.status).toBe(400);
    expect(mismatch.errors).toHaveLength(1);
    expect(mismatch.errors![0]!.message).toBe('provided sha does not match query');
    // Apollo's own refusal carries no code (the gateway would mask it); the gateway refuses first, with one.
    expect(mismatch.errors![0]!.extensions).toEqual({ code: 'BAD_REQUEST', reason: 'PERSISTED_QUERY_HASH_MISMATCH' });
    expect(upstreamCalls(h)).toBe(0);
    expect((await post(h, { extensions: apq(wrong) })).errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it("a hash-only request is estimated with its own variables: registered at 30 calls, refused at 60 before any call", async () => {
    const h = await harness();
    const hash = sha256Hex(PAGES);
    const registered = await post(h, { query: PAGES, variables: { n: 1 }, extensions: apq(hash) });
    expect(registered.errors).toBeUndefined();
    h.resetTraffic();

    for (const sent of [post(h, { extensions: apq(hash), variables: { n: 100 } }), get(h, { extensions: apq(hash), variables: { n: 100 } })]) {
      const refused = await sent;
      expect(refused.status).toBe(400);
      expect(refused.errors).toEqual([
        expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', reason: 'TOO_MANY_UPSTREAM_CALLS', estimatedCalls: 60, maxCalls: 50 } }),
      ]);
    }
    // A batch is one request: two hash-only operations of 30 calls each are 60 together.
    const batch = await fetch(`${h.gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${h.operatorToken}` },
      body: JSON.stringify([1, 2].map(() => ({ extensions: apq(hash), variables: { n: 1 } }))),
    });
    expect(batch.status).toBe(400);
    expect(upstreamCalls(h)).toBe(0);
  });

  it("Apollo's own lookup is blind, so nothing resolves a hash after the budget has looked", async () => {
    const stored = new Map<string, string>([['apq:abc', '{ x }']]);
    const view = apqRegistrations(() => ({
      get: async (key) => stored.get(key),
      set: async (key, value) => void stored.set(key, value),
      delete: async (key) => stored.delete(key),
    }));
    expect(await view.get('apq:abc')).toBeUndefined();
    await view.set('apq:def', '{ y }');
    expect(stored.get('apq:def')).toBe('{ y }');
  });

  it('a manifest document over the budget is refused by id and by hash: the text is substituted before the estimate', async () => {
    const manifest = new TrustedManifest([[`sha256:${sha256Hex(SIXTY)}`, SIXTY]]);
    const h = await harness({ gateway: { trustedDocuments: { manifest, only: false } } });
    for (const body of [{ documentId: `sha256:${sha256Hex(SIXTY)}` }, { extensions: apq(sha256Hex(SIXTY)) }]) {
      const refused = await post(h, body);
      expect(refused.status).toBe(400);
      expect(refused.errors?.[0]?.extensions).toMatchObject({ reason: 'TOO_MANY_UPSTREAM_CALLS', estimatedCalls: 60 });
    }
    expect(upstreamCalls(h)).toBe(0);
  });
});

// Replicas behind one load balancer share registrations through Redis (127.0.0.1:6379, a random prefix).
const REDIS_URL = 'redis://127.0.0.1:6379/0';
let redis: Redis | undefined;
try {
  redis = await connectRedis(REDIS_URL);
} catch (error) {
  if (process.env.CI === 'true') throw new Error(`Redis is required under CI=true: ${(error as Error).message}`);
}
const prefix = `test:${randomUUID()}:cache:`;

afterAll(async () => {
  if (!redis) return;
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});

describe.skipIf(!redis)('APQ on Redis (REDIS_URL)', () => {
  it('a query registered on one gateway answers by hash on another, and expires', async () => {
    const cache = new RedisKeyValueCache(redis!, prefix);
    const a = await harness({ gateway: { apqCache: cache } });
    const b = await harness({ gateway: { apqCache: cache } });
    const hash = sha256Hex(AUCTIONS);
    expect((await post(b, { extensions: apq(hash) })).errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const registered = await post(a, { query: AUCTIONS, extensions: apq(hash) });
    expect(registered.errors).toBeUndefined();
    // Apollo registers after answering, without waiting for the write.
    await expect.poll(() => redis!.get(`${prefix}${APQ_KEY_PREFIX}${hash}`)).toBe(AUCTIONS);
    expect(await redis!.ttl(`${prefix}${APQ_KEY_PREFIX}${hash}`)).toBeGreaterThan(86_000);
    const byGet = await get(b, { extensions: apq(hash) });
    expect(byGet.data!.auctions.edges).toHaveLength(2);
  });

  it('a query registered under a larger budget is refused by hash on a gateway whose budget it exceeds, before any call', async () => {
    const cache = new RedisKeyValueCache(redis!, prefix);
    const generous = await harness({ gateway: { apqCache: cache }, callers: { maxUpstreamCallsPerRequest: 100 } });
    const strict = await harness({ gateway: { apqCache: cache } });
    const hash = sha256Hex(SIXTY);
    // The strict gateway will not even register it.
    const notRegistered = await post(strict, { query: SIXTY, extensions: apq(hash) });
    expect(notRegistered.errors?.[0]?.extensions?.reason).toBe('TOO_MANY_UPSTREAM_CALLS');
    const registered = await post(generous, { query: SIXTY, extensions: apq(hash) });
    expect(registered.errors).toBeUndefined();
    await expect.poll(() => redis!.exists(`${prefix}${APQ_KEY_PREFIX}${hash}`)).toBe(1);

    const refused = await get(strict, { extensions: apq(hash) });
    expect(refused.status).toBe(400);
    expect(refused.errors).toEqual([
      expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', reason: 'TOO_MANY_UPSTREAM_CALLS', estimatedCalls: 60, maxCalls: 50 } }),
    ]);
    expect(upstreamCalls(strict)).toBe(0);
  });

  it('keeps, reads and deletes under its prefix, with the TTL Apollo asks for', async () => {
    const cache = new RedisKeyValueCache(redis!, prefix);
    await cache.set('k', 'v', { ttl: 5 });
    expect(await cache.get('k')).toBe('v');
    expect(await redis!.ttl(`${prefix}k`)).toBeLessThanOrEqual(5);
    await cache.set('forever', 'v', { ttl: null });
    expect(await redis!.ttl(`${prefix}forever`)).toBe(-1);
    expect(await cache.delete('k')).toBe(true);
    expect(await cache.get('k')).toBeUndefined();
    expect(await cache.delete('k')).toBe(false);
  });
});
