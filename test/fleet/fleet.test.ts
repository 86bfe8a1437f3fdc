import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, wsClient } from '../support/ws.client.js';
import { startFleet, type Fleet, type Replica } from './fleet.harness.js';

// Three `npm start` processes on one Redis behave as one gateway towards the upstreams: Bondora's
// per-endpoint budget is spent once for the fleet (no 429s however the calls are spread), identical
// reads in flight on different replicas make one upstream call, and a webhook any replica receives
// reaches subscribers on every replica exactly once. The simulators enforce the documented limits.

let fleet: Fleet;
beforeAll(async () => {
  fleet = await startFleet({ replicas: 3 });
}, 120_000);
afterAll(async () => {
  await fleet?.stop();
}, 60_000);

const roundRobin = (i: number): Replica => fleet.replicas[i % fleet.replicas.length]!;
const failures = (results: Array<{ status: number; errors?: unknown[] }>) => results.filter((r) => r.status !== 200 || r.errors);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a Bondora budget shared by the fleet', () => {
  // GET /api/v1/auction/{id} allows 1 request a second per token. Six distinct ids, two per replica,
  // sent at once: three budgets of their own would send three in the first second (429s); one
  // budget sends them a second apart, the last ~5 s in, inside RATE_LIMIT_WAIT_MS (10 s by default).
  // `liabilities` is detail-only, so each operation needs its own GET /auction/{id}.
  const BURST = 6;

  it('a burst over three replicas draws no 429 and every operation succeeds', async () => {
    const ids = fleet.bondora.activeAuctions.slice(0, BURST).map((a) => a.AuctionId);
    // A fresh window at the simulator, whatever ran before.
    await sleep(1100);
    fleet.resetTraffic();
    const results = await Promise.all(
      ids.map((id, i) => fleet.gql<{ auction: { id: string } }>(roundRobin(i), 'query ($id: ID!) { auction(id: $id) { id rating liabilities { creditor } } }', { id })),
    );
    expect(failures(results)).toEqual([]);
    expect(results.map((r) => r.data!.auction.id)).toEqual(ids);
    expect(fleet.upstream429s()).toEqual({ bondora: 0, bond: 0 });
    const calls = fleet.bondora.router.calls('auction.get');
    expect(calls).toHaveLength(BURST);
    // Spaced by the one budget: any two calls at least (almost) a second apart.
    const at = calls.map((c) => c.at).sort((a, b) => a - b);
    for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(950);
  }, 60_000);
});

describe('identical reads in flight on several replicas', () => {
  it('30 concurrent auctions(first: 10) over three replicas make exactly one GET /api/v1/auctions', async () => {
    // The kept list (BONDORA_LIST_CACHE_TTL_MS, 2 s) and the list budget's window have both run out.
    await sleep(2500);
    fleet.resetTraffic();
    const query = '{ auctions(first: 10) { totalCount edges { node { id } } } }';
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => fleet.gql<{ auctions: { totalCount: number; edges: Array<{ node: { id: string } }> } }>(roundRobin(i), query)),
    );
    expect(failures(results)).toEqual([]);
    const first = JSON.stringify(results[0]!.data);
    expect(results.every((r) => JSON.stringify(r.data) === first)).toBe(true);
    expect(results[0]!.data!.auctions.edges).toHaveLength(10);
    expect(fleet.bondora.router.calls('auctions.list').map((c) => `${c.method} ${c.path} ${c.status}`)).toEqual(['GET /api/v1/auctions 200']);
    expect(fleet.upstream429s()).toEqual({ bondora: 0, bond: 0 });
  }, 60_000);
});

describe('webhooks across the fleet', () => {
  it('a delivery to replica A reaches a subscriber on replica C once; the same delivery to replica B is a duplicate', async () => {
    const [a, b, c] = fleet.replicas as [Replica, Replica, Replica];
    const client = wsClient(c.url, fleet.operatorToken);
    try {
      const sub = collect(client, 'subscription { bondoraEvents(eventTypes: ["auction.published"]) { eventId eventType } }');
      // graphql-ws does not acknowledge a subscribe: give the server a moment to register it.
      await sleep(500);
      const eventId = randomUUID();
      const body = JSON.stringify({ EventId: eventId, EventType: 'auction.published', Payload: fleet.bondora.activeAuctions[0] });

      const first = await fleet.deliverBondora(a, body);
      expect(first).toEqual({ status: 200, body: { received: true, duplicate: false } });
      const [event] = await sub.until(1, 10_000);
      expect(event!.data!.bondoraEvents).toEqual({ eventId, eventType: 'auction.published' });

      const again = await fleet.deliverBondora(b, body);
      expect(again).toEqual({ status: 200, body: { received: true, duplicate: true } });
      await sleep(1000);
      expect(sub.results.map((r) => r.data!.bondoraEvents.eventId)).toEqual([eventId]);
    } finally {
      await client.dispose();
    }
  }, 30_000);
});
