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

  it('_service returns the subgraph SDL with the entity keys', async () => {
    const res = await h.gql<{ _service: { sdl: string } }>('{ _service { sdl } }');
    expect(res.errors).toBeUndefined();
    expect(res.data!._service.sdl).toMatch(/type Auction\s+@key\(fields: "id"\)/);
    expect(res.data!._service.sdl).toContain('@link(url: "https://specs.apollo.dev/federation/v2.3"');
  });
});
