import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebhooksConfig } from '../../src/config.js';
import { startHarness, type Harness } from '../support/gateway.harness.js';
import { signBond } from '../support/webhook.signing.js';

// A scripted run through the gateway, then /metrics: every counter must equal what the run did,
// and the upstream counters must equal what the simulators' request logs saw.

const METRICS_TOKEN = 'metrics-token-0123456789';
const BOND_SECRET = 'whsec_metrics_test_0123456789abcdef';
const WEBHOOKS: WebhooksConfig = { publicUrl: undefined, bondoraKeys: {}, bondSecrets: [BOND_SECRET], toleranceSeconds: 300, eventLogSize: 100 };

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    gateway: { metricsToken: METRICS_TOKEN, webhooks: WEBHOOKS },
    // The active-auctions list is kept a minute, so asking for it again is a cache hit.
    upstreams: { bondora: { listCacheTtlMs: 60_000 } },
  });
});
afterAll(async () => h.close());

/** `name{labels} value` lines of the exposition text, by name and exact label set. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .sort()
    .join(',');
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = (m[2] ?? '').match(/[a-zA-Z_]+="(?:[^"\\]|\\.)*"/g)?.sort().join(',') ?? '';
    if (got === wanted) return Number(m[3]);
  }
  return undefined;
}

function sum(text: string, name: string, match: Record<string, string>): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    if (Object.entries(match).every(([k, v]) => line.includes(`${k}="${v}"`))) total += Number(line.split(' ').pop());
  }
  return total;
}

async function scrape(token: string | null = METRICS_TOKEN): Promise<{ status: number; text: string; type: string | null }> {
  const response = await fetch(`${h.gateway.url}/metrics`, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
  return { status: response.status, text: await response.text(), type: response.headers.get('content-type') };
}

async function deliverBond(body: string, signature: string): Promise<number> {
  const response = await fetch(`${h.gateway.url}/webhooks/bond`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'bond-signature': signature },
    body,
  });
  await response.text();
  return response.status;
}

describe('GET /metrics after a scripted run', () => {
  let text: string;
  const N_AUCTIONS = 3;
  const N_APPLICATIONS = 2;
  const K_REJECTED = 4;

  beforeAll(async () => {
    h.resetTraffic();
    for (let i = 0; i < N_AUCTIONS; i++) {
      const res = await h.gql('query AuctionsPage { auctions(first: 3) { edges { node { id } } } }');
      expect(res.errors).toBeUndefined();
    }
    let applicationId = '';
    for (let i = 0; i < N_APPLICATIONS; i++) {
      const res = await h.gql<{ creditApplications: { edges: Array<{ node: { id: string } }> } }>(
        'query ApplicationsPage { creditApplications(first: 2) { edges { node { id } } } }',
      );
      expect(res.errors).toBeUndefined();
      applicationId = res.data!.creditApplications.edges[0]!.node.id;
    }
    const anonymous = await h.gql('{ creditApplications(first: 1) { edges { node { id } } } }');
    expect(anonymous.errors).toBeUndefined();
    // One failing upstream call: Bond answers 503 once.
    h.bond.router.setFault('application.get', { status: 503, times: 1 });
    const failing = await h.gql('query OneApplication($id: ID!) { creditApplication(id: $id) { id } }', { id: applicationId });
    expect(failing.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');

    const event = JSON.stringify({
      event: 'credit.application.approved',
      occurred_at: new Date().toISOString(),
      details: { resource: 'credit.application', data: { application_id: 'app_m1', customer_id: 'cus_m1', application_status: 'approved' } },
    });
    for (let i = 0; i < K_REJECTED; i++) expect(await deliverBond(event, signBond({ body: event, secret: 'whsec_not_the_secret_000000' }))).toBe(401);
    const good = signBond({ body: event, secret: BOND_SECRET });
    expect(await deliverBond(event, good)).toBe(200);
    expect(await deliverBond(event, good)).toBe(200);

    const scraped = await scrape();
    expect(scraped.status).toBe(200);
    expect(scraped.type).toMatch(/^text\/plain; version=0\.0\.4/);
    text = scraped.text;
  });

  it('counts GraphQL operations per name and outcome', () => {
    const ops = 'gateway_graphql_operations_total';
    expect(sample(text, ops, { operation: 'AuctionsPage', type: 'query', code: 'OK' })).toBe(N_AUCTIONS);
    expect(sample(text, ops, { operation: 'ApplicationsPage', type: 'query', code: 'OK' })).toBe(N_APPLICATIONS);
    expect(sample(text, ops, { operation: 'anonymous', type: 'query', code: 'OK' })).toBe(1);
    expect(sample(text, ops, { operation: 'OneApplication', type: 'query', code: 'UPSTREAM_UNAVAILABLE' })).toBe(1);
    expect(sum(text, ops, {})).toBe(N_AUCTIONS + N_APPLICATIONS + 2);
  });

  it("counts one upstream request per attempt the simulators saw, per endpoint and status", () => {
    const requests = 'gateway_upstream_requests_total';
    for (const [upstream, sim] of [['bondora', h.bondora], ['bond', h.bond]] as const) {
      const routes = new Set(sim.router.calls().map((c) => c.route));
      expect(routes.size).toBeGreaterThan(0);
      for (const route of routes) {
        const seen = sim.router.calls(route);
        for (const status of new Set(seen.map((c) => c.status))) {
          const expected = seen.filter((c) => c.status === status).length;
          expect(sample(text, requests, { upstream, endpoint: route, method: seen[0]!.method, status: String(status) }), `${upstream} ${route} ${status}`).toBe(expected);
        }
      }
      expect(sum(text, requests, { upstream })).toBe(sim.router.calls().length);
    }
    expect(h.bondora.router.calls('auctions.list')).toHaveLength(1);
    expect(sample(text, requests, { upstream: 'bond', endpoint: 'application.get', method: 'GET', status: '503' })).toBe(1);
    // Every attempt is timed.
    expect(sum(text, 'gateway_upstream_request_duration_seconds_count', { upstream: 'bond' })).toBe(h.bond.router.calls().length);
  });

  it('counts the kept active-auctions list as hits after the first miss', () => {
    const cache = 'gateway_upstream_cache_total';
    expect(sample(text, cache, { upstream: 'bondora', endpoint: 'auctions.list', result: 'miss' })).toBe(1);
    expect(sample(text, cache, { upstream: 'bondora', endpoint: 'auctions.list', result: 'hit' })).toBe(N_AUCTIONS - 1);
    expect(sample(text, cache, { upstream: 'bond', endpoint: 'applications.list', result: 'miss' })).toBe(N_APPLICATIONS + 1);
  });

  it('counts webhook deliveries by result', () => {
    const deliveries = 'gateway_webhook_deliveries_total';
    expect(sample(text, deliveries, { source: 'bond', result: 'rejected' })).toBe(K_REJECTED);
    expect(sample(text, deliveries, { source: 'bond', result: 'accepted' })).toBe(1);
    expect(sample(text, deliveries, { source: 'bond', result: 'duplicate' })).toBe(1);
  });

  it('exports the open subscriptions and the process metrics of its own registry', () => {
    expect(sample(text, 'gateway_active_subscriptions', {})).toBe(0);
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m);
  });
});

describe('METRICS_TOKEN', () => {
  it('refuses a scrape without the token or with another one, and answers one with it', async () => {
    expect((await scrape(null)).status).toBe(401);
    expect((await scrape('metrics-token-0123456788')).status).toBe(401);
    const ok = await scrape(METRICS_TOKEN);
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('# TYPE gateway_upstream_requests_total counter');
  });

  it('leaves /metrics open when no token is configured', async () => {
    const open = await startHarness();
    try {
      const response = await fetch(`${open.gateway.url}/metrics`);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('gateway_graphql_operations_total');
    } finally {
      await open.close();
    }
  });
});
