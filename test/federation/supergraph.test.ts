import { readFile } from 'node:fs/promises';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SCHEMA_ARTIFACTS } from '../../src/server/schema.print.js';
import { startHarness, type Harness } from '../support/gateway.harness.js';
import { startWatchlistSubgraph, watchersOf, WATCHLIST_SDL, type WatchlistSubgraph } from './watchlist.subgraph.js';

// A real @apollo/gateway in front of this gateway and a second subgraph, all over HTTP.
//
// Our SDL carries @authenticated / @requiresScopes, which compose into `for: SECURITY` links that
// Apollo Router enforces. @apollo/gateway implements neither and refuses a supergraph that demands
// them, so the router here gets the same supergraph with those two links demoted to optional
// features: it then ignores the directives, and the access rules are left to this gateway, which
// enforces them itself on every request the router forwards (with the caller's bearer token).

let h: Harness;
let watchlist: WatchlistSubgraph;
let router: ApolloServer<RouterContext>;
let supergraph: string;

/** What the router forwards to the subgraphs: the caller's Authorization header, if any. */
interface RouterContext {
  authorization?: string;
}

const SECURITY_LINKS = /(@link\(url: "https:\/\/specs\.apollo\.dev\/(?:authenticated|requiresScopes)\/v[\d.]+"), for: SECURITY\)/g;

beforeAll(async () => {
  [h, watchlist] = await Promise.all([startHarness(), startWatchlistSubgraph()]);
  const ours = await readFile(SCHEMA_ARTIFACTS[1]!.file, 'utf8');
  const { supergraphSdl, errors } = composeServices([
    { name: 'gateway', url: `${h.gateway.url}/graphql`, typeDefs: parse(ours) },
    { name: 'watchlist', url: watchlist.url, typeDefs: parse(WATCHLIST_SDL) },
  ]);
  if (errors?.length || !supergraphSdl) throw new Error(`composition failed: ${errors?.map((e) => e.message).join('; ')}`);
  supergraph = supergraphSdl;
  router = new ApolloServer<RouterContext>({
    gateway: new ApolloGateway({
      supergraphSdl: supergraphSdl.replace(SECURITY_LINKS, '$1)'),
      buildService: ({ url }) =>
        new RemoteGraphQLDataSource<RouterContext>({
          url,
          willSendRequest({ request, context }) {
            if (context.authorization) request.http!.headers.set('authorization', context.authorization);
          },
        }),
    }),
  });
  await router.start();
});
afterAll(async () => {
  await router?.stop();
  await Promise.all([h?.close(), watchlist?.close()]);
});
beforeEach(() => h.resetTraffic());

type RouterErrors = Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;

/** Runs an operation on the router as the operator, or with the given Authorization ('' sends none). */
async function execute<T>(query: string, authorization = `Bearer ${h.operatorToken}`): Promise<{ data?: T | null; errors?: RouterErrors }> {
  const response = await router.executeOperation({ query }, { contextValue: { authorization: authorization || undefined } });
  if (response.body.kind !== 'single') throw new Error('expected a single result');
  return response.body.singleResult as { data?: T | null; errors?: RouterErrors };
}

describe('the composed supergraph', () => {
  it('carries our access rules for a router that enforces them', () => {
    expect(supergraph).toContain('@link(url: "https://specs.apollo.dev/authenticated/v0.1", for: SECURITY)');
    expect(supergraph).toContain('@link(url: "https://specs.apollo.dev/requiresScopes/v0.1", for: SECURITY)');
    expect(supergraph).toContain('): AuctionConnection @join__field(graph: GATEWAY) @requiresScopes(scopes: [["auctions:read"]])');
    expect(supergraph).toContain('placeBids(input: PlaceBidsInput!): PlaceBidsPayload! @requiresScopes(scopes: [["bids:write"]])');
    expect(supergraph).toContain('email: String @authenticated');
    // Exactly the two links are demoted for @apollo/gateway, nothing else.
    expect(supergraph.match(SECURITY_LINKS)).toHaveLength(2);
  });
});

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

describe('a router that ignores the access directives still cannot get past this gateway', () => {
  it('without a caller token our subgraph answers 401: no data from us and no upstream call', async () => {
    const res = await execute<{ auctions: unknown }>('{ auctions(first: 5) { edges { node { id rating watchers } } } }', '');
    expect(res.data).toEqual({ auctions: null });
    expect(res.errors).toHaveLength(1);
    // The router passes on our 401 and its one UNAUTHENTICATED error.
    expect(res.errors![0]!.extensions).toMatchObject({
      code: 'UNAUTHENTICATED',
      response: { status: 401, body: { errors: [{ message: expect.any(String), extensions: { code: 'UNAUTHENTICATED' } }] } },
    });
    expect(h.bondora.router.calls()).toHaveLength(0);
    expect(h.bond.router.calls()).toHaveLength(0);
  });

  it('a caller without the scope gets FORBIDDEN at the field, and the watchlist subgraph is not asked for it', async () => {
    const token = await h.token({ sub: 'bid-reader', scopes: ['bids:read', 'bondora:shared'] });
    const res = await execute<{ auctions: unknown }>('{ auctions(first: 5) { edges { node { id rating watchers } } } }', `Bearer ${token}`);
    expect(res.data).toEqual({ auctions: null });
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0]!.path).toEqual(['auctions']);
    expect(res.errors![0]!.extensions?.code).toBe('FORBIDDEN');
    expect(res.errors![0]!.message).toContain('auctions:read');
    expect(h.bondora.router.calls()).toHaveLength(0);
  });
});
