import { afterEach, describe, expect, it } from 'vitest';
import type { CheckResult, ReadinessCheck } from '../../src/server/readiness.js';
import { startHarness, type Harness } from '../support/gateway.harness.js';

// /healthz says the process lives; /readyz whether to send it traffic: 200 while it can serve, even
// degraded (an upstream away), and 503 only while it cannot (shutting down). The upstream checks
// trust any answer of the last minute (a clock the test moves) and otherwise probe the upstream.

type Readiness = { status: string; reason?: string; checks: Record<string, CheckResult> };

const harnesses: Harness[] = [];
afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((h) => h.close()));
});

async function start(options: Parameters<typeof startHarness>[0] = {}): Promise<Harness> {
  const h = await startHarness(options);
  harnesses.push(h);
  return h;
}

async function get(h: Harness, path: string): Promise<{ status: number; body: Readiness }> {
  const response = await fetch(`${h.gateway.url}${path}`);
  return { status: response.status, body: (await response.json()) as Readiness };
}

async function gauge(h: Harness, check: string): Promise<number | undefined> {
  const text = await (await fetch(`${h.gateway.url}/metrics`)).text();
  const m = new RegExp(`^gateway_readiness\\{check="${check}"\\} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : undefined;
}

const APPLICATIONS = '{ creditApplications(first: 1) { edges { node { id } } } }';

describe('/healthz', () => {
  it('answers 200 ok', async () => {
    const h = await start();
    expect(await get(h, '/healthz')).toEqual({ status: 200, body: { status: 'ok' } });
  });
});

describe('/readyz', () => {
  it('is ok with both simulators up, by probing them when there was no traffic', async () => {
    const h = await start();
    const { status, body } = await get(h, '/readyz');
    expect(status).toBe(200);
    expect(body).toEqual({ status: 'ok', checks: { bondora: { status: 'ok' }, bond: { status: 'ok' } } });
    // The probe was one GET of each origin.
    expect(h.bond.router.calls().filter((c) => c.path === '/')).toHaveLength(1);
    expect(await gauge(h, 'bond')).toBe(1);
    expect(await gauge(h, 'bondora')).toBe(1);
  });

  it('trusts an answer of the last minute, then probes; a stopped Bond makes it degraded, still 200', async () => {
    let clock = 1_000_000;
    const h = await start({ gateway: { upstreamReadiness: { now: () => clock } } });
    expect((await h.gql(APPLICATIONS)).errors).toBeUndefined();
    h.resetTraffic();
    await h.bond.stop();

    // Bond answered a moment ago: no probe, still ok.
    expect((await get(h, '/readyz')).body.checks.bond).toEqual({ status: 'ok' });

    clock += 61_000;
    const { status, body } = await get(h, '/readyz');
    expect(status).toBe(200);
    expect(body.status).toBe('degraded');
    expect(body.checks.bondora).toEqual({ status: 'ok' });
    expect(body.checks.bond!.status).toBe('degraded');
    expect(body.checks.bond!.reason).toMatch(/^Bond could not be reached: ECONNREFUSED$/);
    expect(await gauge(h, 'bond')).toBe(0.5);

    // The probe's answer stands for 10 s; a failed one is asked again after that.
    clock += 5_000;
    expect((await get(h, '/readyz')).body.checks.bond!.status).toBe('degraded');
  });

  it('probes at most once per 10 s however often it is asked', async () => {
    let clock = 5_000_000;
    const h = await start({ gateway: { upstreamReadiness: { now: () => clock } } });
    for (let i = 0; i < 5; i++) expect((await get(h, '/readyz')).status).toBe(200);
    expect(h.bondora.router.calls().filter((c) => c.path === '/')).toHaveLength(1);
    clock += 11_000;
    await get(h, '/readyz');
    expect(h.bondora.router.calls().filter((c) => c.path === '/')).toHaveLength(2);
  });

  it('reports extra checks (Redis, from main.ts) beside the built-in ones', async () => {
    const redis: ReadinessCheck = {
      name: 'redis',
      check: async () => ({ status: 'degraded', reason: 'Redis is unavailable (connection reconnecting)' }),
    };
    const h = await start({ gateway: { readiness: [redis] } });
    const { status, body } = await get(h, '/readyz');
    expect(status).toBe(200);
    expect(body.status).toBe('degraded');
    expect(body.checks.redis).toEqual({ status: 'degraded', reason: 'Redis is unavailable (connection reconnecting)' });
    expect(await gauge(h, 'redis')).toBe(0.5);
  });

  it('answers 503 once shutdown has begun', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let asked!: () => void;
    const checking = new Promise<void>((resolve) => (asked = resolve));
    const slow: ReadinessCheck = {
      name: 'slow',
      check: async () => {
        asked();
        await held;
        return { status: 'ok' };
      },
    };
    const h = await startHarness({ gateway: { readiness: [slow] } });
    const answer = fetch(`${h.gateway.url}/readyz`).then(async (r) => ({ status: r.status, body: (await r.json()) as Readiness }));
    await checking;
    // Shutdown starts while the request is in flight; it drains that request before closing.
    const closed = h.close();
    release();
    const { status, body } = await answer;
    expect(status).toBe(503);
    expect(body.status).toBe('down');
    expect(body.reason).toBe('the gateway is shutting down');
    await closed;
  });
});
