import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness, type HarnessOptions } from '../support/gateway.harness.js';
import { collect, wsClient } from '../support/ws.client.js';

// Live events end to end: the simulators sign and deliver webhooks as the real APIs do, the
// gateway's receivers verify and log them, and subscribers on graphql-ws receive them.

const harnesses: Harness[] = [];
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
  await Promise.all(harnesses.splice(0).map((h) => h.close()));
});

async function harness(options: HarnessOptions = {}): Promise<Harness> {
  const h = await startHarness({ webhooks: true, ...options });
  harnesses.push(h);
  return h;
}

function subscribe(h: Harness, token: string, query: string) {
  const client = wsClient(h.gateway.url, token);
  cleanups.push(() => client.dispose());
  return collect(client, query);
}

const settle = (ms = 200) => new Promise((r) => setTimeout(r, ms));

describe('Bondora auction.published', () => {
  it('a published auction reaches a subscriber with its bids, and the cached active-auctions list is dropped', async () => {
    const h = await harness({ upstreams: { bondora: { listCacheTtlMs: 60_000 } } });
    const before = await h.gql<{ auctions: { totalCount: number } }>('{ auctions(first: 1) { totalCount } }');
    const sub = subscribe(h, h.operatorToken, 'subscription { auctionPublished { cursor auction { id rating myBids { id } } } }');
    await settle();
    const published = (await (await fetch(`${h.bondora.url}/__sim/publish-auction`, { method: 'POST' })).json()) as { auctionId: string; eventId: string };
    const [event] = await sub.until(1);
    expect(event!.data!.auctionPublished.auction).toEqual({ id: published.auctionId, rating: expect.any(String), myBids: [] });
    // The kept list (60 s) no longer stands: the next read asks Bondora again and counts the new auction.
    h.resetTraffic();
    const after = await h.gql<{ auctions: { totalCount: number } }>('{ auctions(first: 1) { totalCount } }');
    expect(h.bondora.router.calls('auctions.list')).toHaveLength(1);
    expect(after.data!.auctions.totalCount).toBe(before.data!.auctions.totalCount + 1);
  });

  it('the same event delivered three times is answered 2xx each time and reaches a subscriber once', async () => {
    const h = await harness();
    const sub = subscribe(h, h.operatorToken, 'subscription { bondoraEvents(eventTypes: ["auction.published"]) { eventId eventType } }');
    await settle();
    const { eventId } = h.bondora.publishAuction();
    await h.bondora.webhooksIdle();
    expect(h.bondora.redeliver(eventId)).toBe(true);
    expect(h.bondora.redeliver(eventId)).toBe(true);
    await h.bondora.webhooksIdle();
    await settle();
    const attempts = h.bondora.webhookDeliveries.filter((d) => d.eventId === eventId);
    expect(attempts).toHaveLength(3);
    expect(attempts.every((d) => d.ok && d.status === 200)).toBe(true);
    expect(sub.results.map((r) => r.data!.bondoraEvents.eventId)).toEqual([eventId]);
  });
});

describe('Bond credit.application.*', () => {
  it("create → submit → approval reaches the owner's subscription in order, and no other customer's", async () => {
    const h = await harness();
    const customers = h.bond.customers;
    // A customer with no applications yet, whose sandbox KYC approves.
    const owner = customers.find((c) => !h.bond.applications.some((a) => a.applicant.customer_id === c.customer_id))!.customer_id;
    const other = customers[1]!.customer_id;
    const ownerToken = await h.token({ sub: 'owner', scopes: ['applications:read', 'applications:write'], customerId: owner });
    const strangerToken = await h.token({ sub: 'stranger', scopes: ['applications:read'], customerId: other });
    const query = 'subscription { creditApplicationEvents { type typeRaw applicationId application { id status applicant { customerId address { street } } } } }';
    const mine = subscribe(h, ownerToken, query);
    const theirs = subscribe(h, strangerToken, query);
    await settle();

    const as = { authorization: `Bearer ${ownerToken}` };
    const created = await h.gql<{ createCreditApplication: { id: string } }>(
      `mutation { createCreditApplication(input: { programId: "${h.bond.programId}", customerId: "${owner}" }) { id status } }`,
      undefined,
      as,
    );
    const id = created.data!.createCreditApplication.id;
    await h.gql(`mutation { submitCreditApplication(id: "${id}") { id status } }`, undefined, as);
    // Bond completes KYC on the next read.
    await h.gql(`{ creditApplication(id: "${id}") { status } }`, undefined, as);
    const events = await mine.until(3, 10_000);
    expect(events.map((e) => e.data!.creditApplicationEvents.type)).toEqual(['CREATED', 'SUBMITTED', 'APPROVED']);
    expect(events.map((e) => e.data!.creditApplicationEvents.typeRaw)).toEqual([
      'credit.application.created',
      'credit.application.submitted',
      'credit.application.approved',
    ]);
    expect(events.every((e) => e.data!.creditApplicationEvents.applicationId === id)).toBe(true);
    expect(events[2]!.data!.creditApplicationEvents.application.applicant.address.street).toEqual(expect.any(String));
    await h.bond.webhooksIdle();
    await settle();
    expect(theirs.results).toHaveLength(0);
  });

});
