import { afterEach, describe, expect, it } from 'vitest';
import { BOND_RATE_LIMITS } from '../../src/upstream/bond/bond.limits.js';
import { startHarness, type Harness } from '../support/gateway.harness.js';

// One caller cannot starve the others: the shared Bond key (1000 calls a minute, enforced by the
// simulator as Bond does) is split so that one caller spends at most CALLER_SHARE_PERCENT of it,
// each caller's GraphQL requests are rate-limited, and an upstream Retry-After is capped to the
// endpoint's documented window.

const harnesses: Harness[] = [];
afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((h) => h.close()));
});

async function fairHarness(callers: { sharePercent?: number; rateLimit?: { limit: number; periodMs: number } | false } = {}): Promise<Harness> {
  const h = await startHarness({
    bond: { rateLimit: 1000 },
    upstreams: { bond: { rateLimits: BOND_RATE_LIMITS }, rateLimitWaitMs: 1500 },
    callers: { sharePercent: 25, ...callers },
  });
  harnesses.push(h);
  return h;
}

const aliased = (ids: string[]) => `{ ${ids.map((id, i) => `a${i}: creditApplication(id: "${id}") { id }`).join(' ')} }`;

describe('fair shares of the shared Bond budget', () => {
  it("while one caller floods Bond by-id reads, another caller's creditApplications succeeds within 2 s every time", async () => {
    const h = await fairHarness();
    const flooder = await h.token({ sub: 'flooder', scopes: ['applications:read', 'applications:all'] });
    const other = await h.token({ sub: 'other', scopes: ['applications:read', 'applications:all'] });
    const ids = h.bond.applications.map((a) => a.application_id);

    // The flooder: 4 requests at a time of 40 distinct by-id reads each, for 5 s, as fast as it is answered.
    let stop = false;
    const flood = { requests: 0, served: 0, rateLimited: 0 };
    const flooding = Promise.all(
      Array.from({ length: 4 }, async (_, worker) => {
        for (let round = 0; !stop; round++) {
          const start = ((worker * 997 + round * 40) % (ids.length - 40)) | 0;
          const res = await h.gql(aliased(ids.slice(start, start + 40)), undefined, { authorization: `Bearer ${flooder}` });
          flood.requests++;
          for (const error of res.errors ?? []) if (error.extensions?.code === 'RATE_LIMITED') flood.rateLimited++;
          flood.served += Object.values(res.data ?? {}).filter(Boolean).length;
        }
      }),
    );

    const latencies: number[] = [];
    const failures: unknown[] = [];
    for (let i = 0; i < 10; i++) {
      await new Promise((r) => setTimeout(r, 500));
      const started = performance.now();
      const res = await h.gql('{ creditApplications(first: 20) { edges { node { id } } } }', undefined, { authorization: `Bearer ${other}` });
      latencies.push(performance.now() - started);
      if (res.errors || res.data?.creditApplications == null) failures.push(res.errors);
    }
    stop = true;
    await flooding;

    const bondCalls = h.bond.router.calls();
    const throttled = bondCalls.filter((c) => c.status === 429).length;
    const byId = bondCalls.filter((c) => c.route === 'application.get').length;
    console.info(
      `fair share: flooder ${flood.requests} requests, ${byId} Bond by-id calls made (share 250/min), ${flood.served} served, ${flood.rateLimited} fields RATE_LIMITED; ` +
        `other caller ${latencies.length} lists, max ${Math.max(...latencies).toFixed(0)} ms, median ${[...latencies].sort((a, b) => a - b)[5]!.toFixed(0)} ms; Bond 429s ${throttled}`,
    );
    expect(failures).toEqual([]);
    expect(Math.max(...latencies)).toBeLessThan(2000);
    // The flooder got its share and no more; the upstream never had to throttle anyone.
    expect(byId).toBeGreaterThanOrEqual(200);
    expect(byId).toBeLessThanOrEqual(250);
    expect(flood.rateLimited).toBeGreaterThan(0);
    expect(throttled).toBe(0);
  });

  it('without shares the same flood leaves the other caller RATE_LIMITED (the test can tell the difference)', async () => {
    const h = await fairHarness({ sharePercent: 100 });
    const flooder = await h.token({ sub: 'flooder', scopes: ['applications:read', 'applications:all'] });
    const other = await h.token({ sub: 'other', scopes: ['applications:read', 'applications:all'] });
    const ids = h.bond.applications.map((a) => a.application_id);
    // By-id reads, one request after another per worker, until the key's minute is spent.
    let drained = false;
    await Promise.all(
      Array.from({ length: 4 }, async (_, worker) => {
        for (let round = 0; !drained && round < 200; round++) {
          const start = ((worker * 997 + round * 40) % (ids.length - 40)) | 0;
          const res = await h.gql(aliased(ids.slice(start, start + 40)), undefined, { authorization: `Bearer ${flooder}` });
          if (res.errors?.some((e) => e.extensions?.code === 'RATE_LIMITED')) drained = true;
        }
      }),
    );
    expect(drained).toBe(true);
    expect(h.bond.router.calls('application.get').length).toBeGreaterThan(900);
    const res = await h.gql('{ creditApplications(first: 20) { edges { node { id } } } }', undefined, { authorization: `Bearer ${other}` });
    expect(res.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
  });
});

describe('per-caller request rate (CALLER_RATE_LIMIT)', () => {
  it('answers 429 RATE_LIMITED with Retry-After past the limit, and other callers are not affected', async () => {
    const h = await fairHarness({ rateLimit: { limit: 5, periodMs: 1000 } });
    const busy = await h.token({ sub: 'busy', scopes: ['applications:read', 'applications:all'] });
    const calm = await h.token({ sub: 'calm', scopes: ['applications:read', 'applications:all'] });
    const query = '{ creditApplications(first: 1) { edges { node { id } } } }';
    // Distinct page sizes, so no two requests share one upstream call.
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => h.gql(`{ creditApplications(first: ${i + 1}) { edges { node { id } } } }`, undefined, { authorization: `Bearer ${busy}` })),
    );
    const refused = results.filter((r) => r.status === 429);
    expect(results.filter((r) => r.status === 200)).toHaveLength(5);
    expect(refused).toHaveLength(3);
    for (const r of refused) {
      expect(r.errors).toHaveLength(1);
      expect(r.errors![0]!.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 1 });
    }
    // The refused requests made no upstream call.
    expect(h.bond.router.calls('applications.list')).toHaveLength(5);
    const response = await fetch(`${h.gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${busy}` },
      body: JSON.stringify({ query }),
    });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('1');
    expect((await h.gql(query, undefined, { authorization: `Bearer ${calm}` })).status).toBe(200);
  });
});

describe('an upstream Retry-After beyond the documented window', () => {
  it('is capped to the window: a Bond 429 asking for an hour blocks Bond fields for at most a minute', async () => {
    const h = await fairHarness();
    h.bond.router.setFault('applications.list', { status: 429, retryAfterSeconds: 3600, times: 1 });
    const res = await h.gql('{ creditApplications(first: 1) { edges { node { id } } } }');
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', upstream: 'bond' });
    expect(res.errors![0]!.extensions!.retryAfterSeconds).toBeLessThanOrEqual(60);
    // The block is 60 s, not an hour: the next call's wait is bounded by the window.
    const next = await h.gql('{ creditApplications(first: 1) { edges { node { id } } } }');
    expect(next.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    expect(next.errors![0]!.extensions!.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect(next.errors![0]!.extensions!.retryAfterSeconds).toBeGreaterThan(50);
  });
});
