import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { IncomingEvent } from '../../src/events/event.log.js';
import { startHarness, type Harness } from '../support/gateway.harness.js';
import { CALLBACK_PROTOCOL, startCallbackReceiver, type CallbackMessage, type CallbackReceiver } from '../support/callback.receiver.js';

// Subscriptions for a federating router over Apollo's HTTP callback protocol (callback/1.0): the
// router POSTs the subscription to /graphql with extensions.subscription; the gateway checks the
// callback URL, answers the router, then POSTs `next` messages, a `check` per heartbeat interval
// and a final `complete` to the callback URL. The caller's rights hold as they do over WebSocket.

const harnesses: Harness[] = [];
const receivers: CallbackReceiver[] = [];
afterEach(async () => {
  // The gateway first: its shutdown still sends `complete` to the receivers of open subscriptions.
  await Promise.all(harnesses.splice(0).map((h) => h.close()));
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

async function setup(): Promise<{ h: Harness; receiver: CallbackReceiver }> {
  const h = await startHarness();
  harnesses.push(h);
  const receiver = await startCallbackReceiver();
  receivers.push(receiver);
  return { h, receiver };
}

const VERIFIER = 'some-verifier';
const HEARTBEAT_MS = 1000;
const AUCTIONS = 'subscription { auctionPublished { cursor auction { id } } }';
const APPLICATIONS = 'subscription { creditApplicationEvents { typeRaw applicationId application { applicant { customerId } } } }';

interface RouterRequest {
  id: string;
  status: number;
  contentType: string | null;
  body: { data?: unknown; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
}

/** What a router sends to start a subscription in a subgraph over callback. */
async function routerSubscribe(h: Harness, receiver: CallbackReceiver, query: string, token: string | undefined): Promise<RouterRequest> {
  const id = randomUUID();
  receiver.expect(id, VERIFIER);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    // The router announces the protocol in Accept; Apollo needs no other header (JSON passes its CSRF check).
    accept: 'application/json;callbackSpec=1.0',
  };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${h.gateway.url}/graphql`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      query,
      extensions: { subscription: { callbackUrl: receiver.callbackUrl(id), subscriptionId: id, verifier: VERIFIER, heartbeatIntervalMs: HEARTBEAT_MS } },
    }),
  });
  const text = await response.text();
  return { id, status: response.status, contentType: response.headers.get('content-type'), body: JSON.parse(text) as RouterRequest['body'] };
}

let eventIds = 0;
function auctionEvent(h: Harness, index = 0): IncomingEvent {
  return {
    source: 'bondora',
    type: 'auction.published',
    dedupeKey: `callback-evt-${++eventIds}`,
    occurredAt: new Date().toISOString(),
    payload: h.bondora.activeAuctions[index]!,
  };
}

function applicationEvent(h: Harness, applicationId: string, type = 'credit.application.submitted'): IncomingEvent {
  return {
    source: 'bond',
    type,
    dedupeKey: `${type}|callback-${++eventIds}|${applicationId}`,
    occurredAt: new Date().toISOString(),
    payload: h.bond.application(applicationId)!,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const actions = (messages: CallbackMessage[]) => messages.map((m) => m.action);

describe('subscriptions over the HTTP callback protocol', () => {
  it('checks the callback URL, answers the router, then delivers events as next messages with heartbeats', async () => {
    const { h, receiver } = await setup();
    const started = await routerSubscribe(h, receiver, AUCTIONS, h.operatorToken);

    // The answer to the router: 200 with `{ data: null }`, sent only after the check succeeded.
    expect(started.status).toBe(200);
    expect(started.contentType).toMatch(/^application\/json/);
    expect(started.body).toEqual({ data: null });
    const first = receiver.of(started.id)[0];
    expect(first).toMatchObject({ kind: 'subscription', action: 'check', id: started.id, verifier: VERIFIER, status: 204 });
    expect(first!.headers['subscription-protocol']).toBe(CALLBACK_PROTOCOL);
    expect(first!.headers['content-type']).toMatch(/^application\/json/);

    const auction = h.bondora.activeAuctions[0]!;
    const appended = await h.gateway.events.append(auctionEvent(h, 0));
    const next = await receiver.waitFor((m) => m.pathId === started.id && m.action === 'next');
    expect(next).toMatchObject({ kind: 'subscription', id: started.id, verifier: VERIFIER, status: 200 });
    expect(next.headers['content-type']).toMatch(/^application\/json/);
    expect(next.payload?.errors).toBeUndefined();
    expect(next.payload?.data).toEqual({ auctionPublished: { cursor: appended.event.cursor, auction: { id: auction.AuctionId } } });

    // Heartbeats: a further `check` per interval while the subscription is open.
    // (Apollo Server 5 sends each heartbeat as another `check`; the protocol has no separate heartbeat action.)
    const checksOf = () => receiver.of(started.id).filter((m) => m.action === 'check');
    await receiver.waitFor(() => checksOf().length >= 3, 4 * HEARTBEAT_MS);
    const checks = checksOf();
    expect(checks[2]!.at - checks[1]!.at).toBeGreaterThanOrEqual(HEARTBEAT_MS * 0.8);
    expect(checks.every((m) => m.status === 204 && m.headers['subscription-protocol'] === CALLBACK_PROTOCOL && m.verifier === VERIFIER)).toBe(true);
  });

  it('a 404 from the router ends the subscription: no further next or heartbeat is sent', async () => {
    const { h, receiver } = await setup();
    const started = await routerSubscribe(h, receiver, AUCTIONS, h.operatorToken);
    expect(started.status).toBe(200);
    await h.gateway.events.append(auctionEvent(h, 0));
    await receiver.waitFor((m) => m.pathId === started.id && m.action === 'next');

    // The router forgets the subscription: the next message it gets is answered 404.
    receiver.end(started.id);
    await h.gateway.events.append(auctionEvent(h, 1));
    const refused = await receiver.waitFor((m) => m.pathId === started.id && m.status === 404, 3 * HEARTBEAT_MS);
    expect(['next', 'check']).toContain(refused.action);
    // A heartbeat already in flight when the 404 was answered may still land; give it a moment.
    await sleep(200);
    const countAtEnd = receiver.of(started.id).length;

    // Events and heartbeat intervals go by; the gateway sends nothing more for this subscription.
    await h.gateway.events.append(auctionEvent(h, 2));
    await h.gateway.events.append(auctionEvent(h, 3));
    await sleep(2.5 * HEARTBEAT_MS);
    expect(receiver.of(started.id).slice(countAtEnd)).toEqual([]);
    expect(receiver.of(started.id).filter((m) => m.action === 'next' && m.status === 200)).toHaveLength(1);
    expect(receiver.of(started.id).filter((m) => m.action === 'next').length).toBeLessThanOrEqual(2);

    // Another subscription on the same gateway is unaffected.
    const other = await routerSubscribe(h, receiver, AUCTIONS, h.operatorToken);
    await h.gateway.events.append(auctionEvent(h, 4));
    const delivered = await receiver.waitFor((m) => m.pathId === other.id && m.action === 'next');
    expect((delivered.payload?.data?.auctionPublished as { auction: { id: string } }).auction.id).toBe(h.bondora.activeAuctions[4]!.AuctionId);
    expect(receiver.of(started.id).slice(countAtEnd)).toEqual([]);
  });

  it('a caller without auctions:read gets FORBIDDEN in a complete message, and no event', async () => {
    const { h, receiver } = await setup();
    const token = await h.token({ sub: 'no-auctions', scopes: ['bids:read'] });
    const started = await routerSubscribe(h, receiver, AUCTIONS, token);

    // The router's request itself succeeds: the refusal comes through the callback URL.
    expect(started.status).toBe(200);
    expect(started.body).toEqual({ data: null });
    const complete = await receiver.waitFor((m) => m.pathId === started.id && m.action === 'complete');
    expect(complete.status).toBe(202);
    expect(complete.errors).toHaveLength(1);
    expect(complete.errors![0]!.extensions?.code).toBe('FORBIDDEN');
    expect(complete.errors![0]!.message).toContain('auctions:read');
    expect(actions(receiver.of(started.id)).slice(0, 2)).toEqual(['check', 'complete']);

    await h.gateway.events.append(auctionEvent(h, 0));
    await sleep(2.5 * HEARTBEAT_MS);
    expect(receiver.of(started.id).filter((m) => m.action === 'next')).toEqual([]);
    // After `complete` the router has forgotten the id; at most one heartbeat more, answered 404, ends it all.
    const after = receiver.of(started.id).slice(2);
    expect(after.length).toBeLessThanOrEqual(1);
    expect(after.every((m) => m.action === 'check' && m.status === 404)).toBe(true);
  });

  it("creditApplicationEvents over callback delivers only the caller's own customer's events", async () => {
    const { h, receiver } = await setup();
    const [own, other] = [h.bond.customers[0]!.customer_id, h.bond.customers[1]!.customer_id];
    const ownApplication = h.bond.applications.find((a) => a.applicant.customer_id === own)!.application_id;
    const otherApplication = h.bond.applications.find((a) => a.applicant.customer_id === other)!.application_id;
    const token = await h.token({ sub: 'customer-a', scopes: ['applications:read'], customerId: own });
    const started = await routerSubscribe(h, receiver, APPLICATIONS, token);
    expect(started.status).toBe(200);
    expect(started.body).toEqual({ data: null });

    // The stranger's event first, so that had it been delivered it would precede the caller's own.
    await h.gateway.events.append(applicationEvent(h, otherApplication, 'credit.application.approved'));
    await h.gateway.events.append(applicationEvent(h, ownApplication, 'credit.application.submitted'));
    const next = await receiver.waitFor((m) => m.pathId === started.id && m.action === 'next');
    expect(next.payload?.errors).toBeUndefined();
    expect(next.payload?.data).toEqual({
      creditApplicationEvents: { typeRaw: 'credit.application.submitted', applicationId: ownApplication, application: { applicant: { customerId: own } } },
    });
    await sleep(500);
    const nexts = receiver.of(started.id).filter((m) => m.action === 'next');
    expect(nexts).toHaveLength(1);
    expect(JSON.stringify(receiver.of(started.id))).not.toContain(otherApplication);
  });

  it('without a token the router request is 401 and the callback URL hears nothing', async () => {
    const { h, receiver } = await setup();
    const started = await routerSubscribe(h, receiver, AUCTIONS, undefined);
    expect(started.status).toBe(401);
    expect(started.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    await h.gateway.events.append(auctionEvent(h, 0));
    await sleep(HEARTBEAT_MS + 500);
    expect(receiver.messages).toEqual([]);
  });

  it("an upstream failure inside an event keeps its code on the router's path, and nothing unexpected leaks", async () => {
    const { h, receiver } = await setup();
    const started = await routerSubscribe(h, receiver, 'subscription { auctionPublished { auction { id myBids { id } } } }', h.operatorToken);
    expect(started.status).toBe(200);
    h.bondora.router.setFault('bids.list', { status: 500 });
    await h.gateway.events.append(auctionEvent(h, 0));
    const next = await receiver.waitFor((m) => m.pathId === started.id && m.action === 'next');
    const error = next.payload?.errors?.[0] as { message: string; extensions?: Record<string, unknown> } | undefined;
    expect(error?.extensions).toMatchObject({ code: 'UPSTREAM_ERROR', upstream: 'bondora' });
    expect(error?.message).toBe('Bondora answered with HTTP 500');
    expect(JSON.stringify(next.payload)).not.toContain(h.bondora.url);
  });
});
