import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/gateway.harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());
beforeEach(() => h.resetTraffic());

const ENTITIES = `query ($representations: [_Any!]!) {
  _entities(representations: $representations) {
    __typename
    ... on Auction { id rating isActive }
    ... on Bid { id bidStatus: status auction { id } }
    ... on CreditApplication { id applicationStatus: status applicant { customerId } }
  }
}`;

type Entity = { __typename: string; id: string } | null;

describe('_entities through the per-request loaders', () => {
  it('50 auctions (40 active, 10 closed) cost one list call and 10 per-id calls', async () => {
    const active = h.bondora.activeAuctions.slice(0, 40).map((a) => a.AuctionId);
    const closed = h.bondora.closedAuctions.slice(0, 10).map((a) => a.AuctionId);
    const ids = [...active, ...closed].sort();
    const res = await h.gql<{ _entities: Entity[] }>(ENTITIES, { representations: ids.map((id) => ({ __typename: 'Auction', id })) });
    expect(res.errors).toBeUndefined();
    expect(res.data!._entities.map((e) => e?.id)).toEqual(ids);
    expect(h.bondora.router.calls('auctions.list')).toHaveLength(1);
    expect(h.bondora.router.calls('auction.get').length).toBeLessThanOrEqual(10);
    expect(h.bondora.router.calls('auction.get')).toHaveLength(10);
  });

  it('50 credit applications: each distinct id fetched at most once, duplicates free', async () => {
    const ids = h.bond.applications.slice(0, 50).map((a) => a.application_id);
    const representations = [...ids, ...ids.slice(0, 10)].map((id) => ({ __typename: 'CreditApplication', id }));
    const res = await h.gql<{ _entities: Entity[] }>(ENTITIES, { representations });
    expect(res.errors).toBeUndefined();
    expect(res.data!._entities.map((e) => e?.id)).toEqual([...ids, ...ids.slice(0, 10)]);
    const fetched = h.bond.router.calls('application.get').map((c) => c.path.split('/').pop());
    expect(fetched).toHaveLength(50);
    expect(new Set(fetched).size).toBe(50);
  });

  it('unknown and malformed ids resolve to null without failing their neighbours', async () => {
    const known = h.bondora.activeAuctions[0]!.AuctionId;
    const app = h.bond.applications[0]!.application_id;
    const res = await h.gql<{ _entities: Entity[] }>(ENTITIES, {
      representations: [
        { __typename: 'Auction', id: known },
        { __typename: 'Auction', id: '00000000-0000-4000-8000-000000000000' },
        { __typename: 'Auction', id: 'not-an-id' },
        { __typename: 'CreditApplication', id: '00000000-0000-4000-8000-000000000001' },
        { __typename: 'CreditApplication', id: app },
        { __typename: 'Bid', id: '00000000-0000-4000-8000-000000000002' },
      ],
    });
    expect(res.errors).toBeUndefined();
    expect(res.data!._entities.map((e) => e?.id ?? null)).toEqual([known, null, null, null, app, null]);
  });

  it('bids resolve from one bids list call, and their auctions batch as usual', async () => {
    const bids = h.bondora.bidsOf((await import('../../src/simulators/bondora/bondora.simulator.js')).BondoraSimulator.DEMO_TOKEN).slice(0, 20);
    const res = await h.gql<{ _entities: Array<{ id: string; auction: { id: string } }> }>(ENTITIES, {
      representations: bids.map((b) => ({ __typename: 'Bid', id: b.Id })),
    });
    expect(res.errors).toBeUndefined();
    expect(res.data!._entities.map((e) => e.auction.id)).toEqual(bids.map((b) => b.AuctionId));
    expect(h.bondora.router.calls('bids.list')).toHaveLength(1);
    expect(h.bondora.router.calls('bid.get')).toHaveLength(0);
    expect(h.bondora.router.calls('auctions.list')).toHaveLength(1);
  });

  it('_service returns the subgraph SDL with the entity keys and the access directives a router enforces', async () => {
    const res = await h.gql<{ _service: { sdl: string } }>('{ _service { sdl } }');
    expect(res.errors).toBeUndefined();
    const sdl = res.data!._service.sdl;
    expect(sdl).toMatch(/type Auction\s+@key\(fields: "id"\)/);
    // Federation 2.5 is the first version with @authenticated and @requiresScopes.
    expect(sdl).toContain('@link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key", "@authenticated", "@requiresScopes"])');
    expect(sdl).not.toContain('federation/v2.3');
    // The same scopes the gateway enforces itself, on the fields it enforces them on.
    expect(sdl).toMatch(/\): AuctionConnection @requiresScopes\(scopes: \[\["auctions:read"\]\]\)/);
    expect(sdl).toMatch(/\): BidConnection @requiresScopes\(scopes: \[\["bids:read"\]\]\)/);
    expect(sdl).toMatch(/\): CreditApplicationConnection @requiresScopes\(scopes: \[\["applications:read"\]\]\)/);
    expect(sdl).toContain('placeBids(input: PlaceBidsInput!): PlaceBidsPayload! @requiresScopes(scopes: [["bids:write"]])');
    expect(sdl).toContain('updateCreditApplicant(input: UpdateCreditApplicantInput!): CreditApplication! @requiresScopes(scopes: [["applications:write"]])');
    expect(sdl).toMatch(/me: Me! @authenticated/);
    expect(sdl).toMatch(/email: String @authenticated/);
  });

  it('_entities needs a caller like every request: no token is 401 before any upstream call', async () => {
    const ids = h.bond.applications.slice(0, 3).map((a) => a.application_id);
    const res = await h.gql(ENTITIES, { representations: ids.map((id) => ({ __typename: 'CreditApplication', id })) }, { authorization: '' });
    expect(res.status).toBe(401);
    expect(res.errors).toEqual([expect.objectContaining({ extensions: { code: 'UNAUTHENTICATED' } })]);
    expect(h.bond.router.calls()).toHaveLength(0);
  });

  it('more than 50 distinct applications are refused before any call (MAX_UPSTREAM_CALLS_PER_REQUEST)', async () => {
    const ids = h.bond.applications.slice(0, 60).map((a) => a.application_id);
    const res = await h.gql<{ _entities: Entity[] }>(ENTITIES, { representations: ids.map((id) => ({ __typename: 'CreditApplication', id })) });
    expect(res.status).toBe(400);
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'TOO_MANY_UPSTREAM_CALLS', estimatedCalls: 60, maxCalls: 50 });
    expect(h.bond.router.calls()).toHaveLength(0);
  });
});

describe('_entities under a raised or lowered per-request bound', () => {
  let wide: Harness;
  let narrow: Harness;
  beforeAll(async () => {
    [wide, narrow] = await Promise.all([
      startHarness({ callers: { maxUpstreamCallsPerRequest: 60 } }),
      startHarness({ callers: { maxUpstreamCallsPerRequest: 20 } }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([wide?.close(), narrow?.close()]);
  });

  it('60 credit applications (MAX_UPSTREAM_CALLS_PER_REQUEST=60): each distinct id fetched once, duplicates free', async () => {
    const ids = wide.bond.applications.slice(0, 60).map((a) => a.application_id);
    const representations = [...ids, ...ids.slice(0, 10)].map((id) => ({ __typename: 'CreditApplication', id }));
    const res = await wide.gql<{ _entities: Entity[] }>(ENTITIES, { representations });
    expect(res.errors).toBeUndefined();
    expect(res.data!._entities.map((e) => e?.id)).toEqual([...ids, ...ids.slice(0, 10)]);
    const fetched = wide.bond.router.calls('application.get').map((c) => c.path.split('/').pop());
    expect(fetched).toHaveLength(60);
    expect(new Set(fetched).size).toBe(60);
  });

  it('the bound holds at run time for calls no estimate foresees: closed auctions behind one list call', async () => {
    // The estimate counts one list call for a group of auctions; closed ones each need a per-id call.
    const ids = narrow.bondora.closedAuctions.slice(0, 30).map((a) => a.AuctionId);
    const res = await narrow.gql<{ _entities: Entity[] }>(ENTITIES, { representations: ids.map((id) => ({ __typename: 'Auction', id })) });
    expect(res.status).toBe(200);
    // Exactly the bound is spent: the list call and 19 details; the rest fail on their own.
    expect(narrow.bondora.router.calls()).toHaveLength(20);
    expect(narrow.bondora.router.calls('auctions.list')).toHaveLength(1);
    const entities = res.data!._entities;
    expect(entities).toHaveLength(30);
    const resolved = entities.flatMap((e, i) => (e ? [i] : []));
    const refused = entities.flatMap((e, i) => (e ? [] : [i]));
    expect(resolved).toHaveLength(19);
    for (const i of resolved) expect(entities[i]!.id).toBe(ids[i]);
    expect(res.errors!.map((e) => e.path)).toEqual(refused.map((i) => ['_entities', i]));
    for (const error of res.errors!) {
      expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', upstream: 'bondora', reason: 'TOO_MANY_UPSTREAM_CALLS' });
      expect(error.message).toContain('limit of 20 upstream calls');
    }
  });
});
