import { readFile } from 'node:fs/promises';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SCHEMA_ARTIFACTS } from '../../src/server/schema.print.js';
import { startHarness, type Harness } from '../support/gateway.harness.js';
import { startWatchlistSubgraph, watchersOf, WATCHLIST_SDL, type WatchlistSubgraph } from './watchlist.subgraph.js';

// A real @apollo/gateway in front of this gateway and a second subgraph, all over HTTP.

let h: Harness;
let watchlist: WatchlistSubgraph;
let router: ApolloServer;

beforeAll(async () => {
  [h, watchlist] = await Promise.all([startHarness(), startWatchlistSubgraph()]);
  const ours = await readFile(SCHEMA_ARTIFACTS[1]!.file, 'utf8');
  const { supergraphSdl, errors } = composeServices([
    { name: 'gateway', url: `${h.gateway.url}/graphql`, typeDefs: parse(ours) },
    { name: 'watchlist', url: watchlist.url, typeDefs: parse(WATCHLIST_SDL) },
  ]);
  if (errors?.length || !supergraphSdl) throw new Error(`composition failed: ${errors?.map((e) => e.message).join('; ')}`);
  router = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl }) });
  await router.start();
});
afterAll(async () => {
  await router?.stop();
  await Promise.all([h?.close(), watchlist?.close()]);
});
beforeEach(() => h.resetTraffic());

async function execute<T>(query: string): Promise<{ data?: T; errors?: unknown }> {
  const response = await router.executeOperation({ query });
  if (response.body.kind !== 'single') throw new Error('expected a single result');
  return response.body.singleResult as { data?: T; errors?: unknown };
}

describe('a supergraph query that crosses both subgraphs', () => {
  it('a list from us gains fields from the watchlist subgraph', async () => {
    const res = await execute<{ auctions: { edges: Array<{ node: { id: string; rating: string; watchers: number; note: string } }> } }>(
      '{ auctions(first: 5) { edges { node { id rating watchers note } } } }',
    );
    expect(res.errors).toBeUndefined();
    const nodes = res.data!.auctions.edges.map((e) => e.node);
    expect(nodes.map((n) => n.id)).toEqual(h.bondora.activeAuctions.slice(0, 5).map((a) => a.AuctionId));
    for (const node of nodes) expect(node.watchers).toBe(watchersOf(node.id));
    expect(h.bondora.router.calls()).toHaveLength(1);
    expect(h.bondora.router.calls('auctions.list')).toHaveLength(1);
  });

  it("the watchlist's entities come back through us in one batch: a list call plus per-id calls for closed auctions", async () => {
    const active = h.bondora.activeAuctions.slice(20, 28).map((a) => a.AuctionId);
    const closed = h.bondora.closedAuctions.slice(0, 2).map((a) => a.AuctionId);
    watchlist.setWatchedAuctions([...active, ...closed]);
    const apps = h.bond.applications.slice(0, 6).map((a) => a.application_id);
    watchlist.setWatchedApplications(apps);

    const res = await execute<{
      watchedAuctions: Array<{ id: string; rating: string; isActive: boolean; watchers: number; myBids: unknown[] }>;
      watchedApplications: Array<{ id: string; status: string; reviewFlags: string[] }>;
    }>(`{
      watchedAuctions { id rating isActive watchers myBids { id } }
      watchedApplications { id status applicant { customerId } reviewFlags }
    }`);
    expect(res.errors).toBeUndefined();
    expect(res.data!.watchedAuctions.map((a) => a.id)).toEqual([...active, ...closed]);
    expect(res.data!.watchedAuctions.map((a) => a.isActive)).toEqual([...active.map(() => true), false, false]);
    expect(res.data!.watchedApplications.map((a) => a.id)).toEqual(apps);
    expect(res.data!.watchedApplications.every((a) => typeof a.status === 'string')).toBe(true);

    expect(h.bondora.router.calls('auctions.list')).toHaveLength(1);
    expect(h.bondora.router.calls('auction.get')).toHaveLength(2);
    expect(h.bondora.router.calls('bids.list')).toHaveLength(1);
    expect(h.bond.router.calls('application.get')).toHaveLength(6);
  });
});
