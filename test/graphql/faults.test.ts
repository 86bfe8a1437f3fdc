import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Fault } from '../../src/simulators/sim.router.js';
import { BONDORA_RATE_LIMITS } from '../../src/upstream/bondora/bondora.limits.js';
import { startHarness, type Harness } from '../support/gateway.harness.js';

// Upstream faults through the simulators: each maps to the contract's code with a message the
// gateway wrote, the neighbouring field keeps its data, the process stays up, and nothing is left
// as an unhandled rejection.

let h: Harness;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  h = await startHarness({ timeoutMs: 400, upstreams: { bondora: { rateLimits: BONDORA_RATE_LIMITS }, rateLimitWaitMs: 2500 } });
});
afterAll(async () => {
  await h.close();
  process.off('unhandledRejection', onUnhandled);
});
beforeEach(() => h.resetTraffic());

const QUERY = 'query ($auction: ID!, $application: ID!) { auction(id: $auction) { id rating } creditApplication(id: $application) { id status } }';

async function both(auctionIndex: number) {
  return h.gql<{ auction: { id: string } | null; creditApplication: { id: string } | null }>(QUERY, {
    auction: h.bondora.activeAuctions[auctionIndex]!.AuctionId,
    application: h.bond.applications[0]!.application_id,
  });
}

describe('upstream faults', () => {
  it.each<[string, Fault, string, string]>([
    ['latency beyond the timeout', { latencyMs: 1000 }, 'UPSTREAM_TIMEOUT', 'Bondora did not answer within 400 ms'],
    ['a hanging connection', { hang: true }, 'UPSTREAM_TIMEOUT', 'Bondora did not answer within 400 ms'],
    ['500', { status: 500 }, 'UPSTREAM_ERROR', 'Bondora answered with HTTP 500'],
    ['503', { status: 503 }, 'UPSTREAM_UNAVAILABLE', 'Bondora answered with HTTP 503'],
    ['malformed JSON', { malformed: true }, 'UPSTREAM_ERROR', 'Bondora returned a response that is not valid JSON'],
    ['a truncated gzip body', { truncatedGzip: true }, 'UPSTREAM_ERROR', 'Bondora sent a corrupt compressed response'],
    ['a reset connection', { reset: true }, 'UPSTREAM_UNAVAILABLE', 'Bondora could not be reached'],
    ['Success: false inside a 200', { body: { Success: false, Errors: [{ Code: 500, Message: 'Unexpected failure', Details: null }] } }, 'UPSTREAM_ERROR', 'Bondora answered with HTTP 500'],
  ])('%s on Bondora: %s, and the Bond field keeps its data', async (_name, fault, code, message) => {
    h.bondora.router.setFault('auction.get', fault);
    const res = await both(3);
    expect(res.status).toBe(200);
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0]!.path).toEqual(['auction']);
    expect(res.errors![0]!.extensions).toMatchObject({ code, upstream: 'bondora' });
    // The gateway's words; Bondora's own ("Unexpected failure") go to the log only.
    expect(res.errors![0]!.message).toBe(message);
    expect(res.text).not.toContain('Unexpected failure');
    expect(res.data!.auction).toBeNull();
    expect(res.data!.creditApplication!.id).toBe(h.bond.applications[0]!.application_id);
  });

  it('the same faults on Bond leave the Bondora field intact', async () => {
    for (const [fault, code] of [
      [{ status: 503 }, 'UPSTREAM_UNAVAILABLE'],
      [{ malformed: true }, 'UPSTREAM_ERROR'],
      [{ reset: true }, 'UPSTREAM_UNAVAILABLE'],
      [{ latencyMs: 1000 }, 'UPSTREAM_TIMEOUT'],
    ] as Array<[Fault, string]>) {
      h.resetTraffic();
      h.bond.router.setFault('application.get', fault);
      const res = await both(4);
      expect(res.errors?.[0]?.extensions).toMatchObject({ code, upstream: 'bond' });
      expect(res.errors![0]!.message).toMatch(/^Bond (answered|returned|could not|did not)/);
      expect(res.data!.auction!.id).toBe(h.bondora.activeAuctions[4]!.AuctionId);
      expect(res.data!.creditApplication).toBeNull();
    }
  });

  it('a 429 storm: concurrent operations wait within their budget, then fail with RATE_LIMITED, without multiplying calls', async () => {
    h.bondora.router.setFault('auction.get', { status: 429, retryAfterSeconds: 1 });
    const started = Date.now();
    const results = await Promise.all(Array.from({ length: 10 }, () => both(5)));
    for (const res of results) {
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', upstream: 'bondora' });
      expect(res.errors![0]!.extensions!.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(res.data!.creditApplication).not.toBeNull();
    }
    // The ten identical reads share one upstream call and its retries: 1 + at most 2.
    expect(h.bondora.router.calls('auction.get').length).toBeLessThanOrEqual(3);
    expect(Date.now() - started).toBeLessThan(5000);
    // The storm passes; the next operation succeeds once Retry-After has run out.
    h.bondora.router.clearFaults();
    await new Promise((r) => setTimeout(r, 1100));
    const after = await both(5);
    expect(after.errors).toBeUndefined();
  });

  it('the process stayed up and nothing was left unhandled', async () => {
    const health = await fetch(`${h.gateway.url}/healthz`);
    expect(health.status).toBe(200);
    expect(unhandled).toEqual([]);
    expect(h.logger.lines.filter((l) => l.message === 'unexpected error')).toEqual([]);
  });
});
