import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LogEntry } from '../../src/simulators/sim.router.js';
import { BondoraSimulator } from '../../src/simulators/bondora/bondora.simulator.js';
import { startHarness, type Harness } from '../support/gateway.harness.js';

// Round trips, not just calls: with 200 ms injected per upstream call, calls that do not depend on
// each other must reach the simulator together (each before any of them could have been answered),
// and the call counts stay at the minimum.

const LATENCY_MS = 200;
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());
beforeEach(() => h.resetTraffic());

/** Spread of arrival times: under the latency, none of them waited for another's answer. */
const spread = (entries: LogEntry[]) => Math.max(...entries.map((e) => e.at)) - Math.min(...entries.map((e) => e.at));

describe('independent upstream calls start together', () => {
  it("op 3: a bids page with each bid's auction fetches the bids and the active-auctions list together", async () => {
    for (const route of ['bids.list', 'auctions.list', 'auction.get']) h.bondora.router.setFault(route, { latencyMs: LATENCY_MS });
    const res = await h.gql('{ bids(first: 50) { edges { node { id auction { id rating } } } } }');
    expect(res.errors).toBeUndefined();
    const lists = h.bondora.router.calls().filter((c) => c.route === 'bids.list' || c.route === 'auctions.list');
    expect(lists.map((c) => c.route).sort()).toEqual(['auctions.list', 'bids.list']);
    expect(spread(lists)).toBeLessThan(LATENCY_MS / 2);
    // The closed auctions' details go out together too, after the lists: the second and last round trip.
    const details = h.bondora.router.calls('auction.get');
    expect(details.length).toBeGreaterThan(0);
    expect(spread(details)).toBeLessThan(LATENCY_MS / 2);
    expect(Math.min(...details.map((d) => d.at))).toBeGreaterThanOrEqual(Math.max(...lists.map((l) => l.at)) + LATENCY_MS - 20);
  });

  it('op 5: twenty Bond applications by id are asked for at once', async () => {
    h.bond.router.setFault('application.get', { latencyMs: LATENCY_MS });
    const ids = h.bond.applications.slice(0, 20).map((a) => a.application_id);
    const res = await h.gql(`{ ${ids.map((id, i) => `a${i}: creditApplication(id: "${id}") { id }`).join(' ')} }`);
    expect(res.errors).toBeUndefined();
    const calls = h.bond.router.calls('application.get');
    expect(calls).toHaveLength(20);
    expect(spread(calls)).toBeLessThan(LATENCY_MS / 2);
  });

  it("an auctions page with each auction's myBids fetches the auctions and the investor's bids together", async () => {
    for (const route of ['bids.list', 'auctions.list']) h.bondora.router.setFault(route, { latencyMs: LATENCY_MS });
    const res = await h.gql('{ auctions(first: 10) { nodes { id myBids { id } } } }');
    expect(res.errors).toBeUndefined();
    const lists = h.bondora.router.calls();
    expect(lists.map((c) => c.route).sort()).toEqual(['auctions.list', 'bids.list']);
    expect(spread(lists)).toBeLessThan(LATENCY_MS / 2);
  });

  it('no prefetch costs a call: one bid with its auction is one bids call and one auction call', async () => {
    const res = await h.gql('{ bids(first: 1) { nodes { auction { id } } } }');
    expect(res.errors).toBeUndefined();
    expect(h.bondora.router.calls().map((c) => c.route).sort()).toEqual(['auction.get', 'bids.list']);
  });

  it('without auctions:read, no auctions call is started for a bids page', async () => {
    const token = await h.token({ sub: 'bids-only', scopes: ['bids:read', 'bondora:shared'] });
    const res = await h.gql('{ bids(first: 20) { nodes { id auction { id } } } }', undefined, { authorization: `Bearer ${token}` });
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(h.bondora.router.calls().map((c) => c.route)).toEqual(['bids.list']);
  });
});

describe('final data is kept', () => {
  it('a closed auction is fetched once per credential: a warm bids screen makes no detail call', async () => {
    const warm = await startHarness({ upstreams: { bondora: { closedAuctionTtlMs: 60_000 } } });
    try {
      const screen = '{ bids(first: 50) { nodes { id auction { id rating } } } }';
      const cold = await warm.gql(screen);
      expect(cold.errors).toBeUndefined();
      const details = warm.bondora.router.calls('auction.get').length;
      expect(details).toBeGreaterThan(0);
      warm.resetTraffic();
      const again = await warm.gql(screen);
      expect(again.data).toEqual(cold.data);
      expect(warm.bondora.router.calls('auction.get')).toHaveLength(0);
      // Kept per credential: another investor's token fetches its own.
      const other = BondoraSimulator.INVESTORS[1]!.token;
      await warm.gql('{ auction(id: "' + warm.bondora.closedAuctions[0]!.AuctionId + '") { id } }', undefined, { 'x-bondora-token': other });
      expect(warm.bondora.router.calls('auction.get')).toHaveLength(1);
      // An active auction's detail is not kept: it still changes.
      warm.resetTraffic();
      const active = warm.bondora.activeAuctions[0]!.AuctionId;
      await warm.gql(`{ auction(id: "${active}") { id } }`);
      await warm.gql(`{ auction(id: "${active}") { id } }`);
      expect(warm.bondora.router.calls('auction.get')).toHaveLength(2);
    } finally {
      await warm.close();
    }
  });
});
