import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import type { IncomingEvent } from '../../src/events/event.log.js';
import { startHarness, type Harness, type HarnessOptions } from '../support/gateway.harness.js';
import { collect, wsClient } from '../support/ws.client.js';

// Subscriptions over graphql-ws on /graphql, fed by the event log: authentication in
// connection_init, rights per event, replay after a cursor without a gap or a duplicate, and slow
// subscribers that cannot hold up anyone else.

const harnesses: Harness[] = [];
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
  await Promise.all(harnesses.splice(0).map((h) => h.close()));
});

async function harness(options: HarnessOptions = {}): Promise<Harness> {
  const h = await startHarness(options);
  harnesses.push(h);
  return h;
}

function client(h: Harness, token: string | undefined) {
  const c = wsClient(h.gateway.url, token);
  cleanups.push(() => c.dispose());
  return c;
}

let eventIds = 0;
function auctionEvent(h: Harness, index = 0): IncomingEvent {
  return {
    source: 'bondora',
    type: 'auction.published',
    dedupeKey: `evt-${++eventIds}`,
    occurredAt: new Date().toISOString(),
    payload: h.bondora.activeAuctions[index]!,
  };
}

function applicationEvent(h: Harness, applicationId: string, type: string): IncomingEvent {
  const application = h.bond.application(applicationId)!;
  return {
    source: 'bond',
    type,
    dedupeKey: `${type}|${++eventIds}|${applicationId}`,
    occurredAt: new Date().toISOString(),
    payload: application,
  };
}

/** Closes with the code the server chose, for a connection the server refuses. */
function closeCode(url: string, params: Record<string, unknown>): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: params })));
    socket.on('close', (code) => resolve(code));
    socket.on('error', reject);
  });
}

const settle = () => new Promise((r) => setTimeout(r, 150));
const AUCTIONS = 'subscription($after: String) { auctionPublished(after: $after) { cursor occurredAt auction { id rating } } }';

describe('authentication in connection_init', () => {
  it('closes the socket with 4401 for a missing, malformed or invalid token; accepts a valid one', async () => {
    const h = await harness();
    expect(await closeCode(h.gateway.url, {})).toBe(4401);
    expect(await closeCode(h.gateway.url, { Authorization: 'Basic abc' })).toBe(4401);
    expect(await closeCode(h.gateway.url, { Authorization: 'Bearer not.a.token' })).toBe(4401);
    const expired = await h.idp.sign({ exp: Math.floor(Date.now() / 1000) - 3600 });
    expect(await closeCode(h.gateway.url, { Authorization: `Bearer ${expired}` })).toBe(4401);
    const sub = collect(client(h, h.operatorToken), AUCTIONS);
    await settle();
    await h.gateway.events.append(auctionEvent(h));
    expect((await sub.until(1))[0]!.data!.auctionPublished.auction.id).toBe(h.bondora.activeAuctions[0]!.AuctionId);
  });

  it('closes the socket with 4401 when its token expires, ending its subscriptions', async () => {
    const h = await harness();
    const soon = await h.idp.sign({ scope: 'auctions:read', exp: Math.floor(Date.now() / 1000) + 2 });
    const socket = new WebSocket(`${h.gateway.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
    const closed = new Promise<{ code: number; at: number }>((resolve) => socket.on('close', (code) => resolve({ code, at: Date.now() })));
    const acked = new Promise<void>((resolve) =>
      socket.on('message', (data) => {
        if (JSON.parse(String(data)).type === 'connection_ack') resolve();
      }),
    );
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { Authorization: `Bearer ${soon}` } })));
    await acked;
    socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: AUCTIONS } }));
    await settle();
    expect(h.gateway.activeSubscriptions).toBe(1);
    const { code } = await closed;
    expect(code).toBe(4401);
    await settle();
    expect(h.gateway.activeSubscriptions).toBe(0);
  });

  it('a missing scope fails the subscription with FORBIDDEN and no event is delivered', async () => {
    const h = await harness();
    const token = await h.token({ sub: 'no-auctions', scopes: ['bids:read'] });
    const sub = collect(client(h, token), AUCTIONS);
    await sub.until(1).catch(() => undefined);
    await settle();
    await h.gateway.events.append(auctionEvent(h));
    await settle();
    const first = sub.results[0] as { errors?: Array<{ extensions?: Record<string, unknown> }> } | undefined;
    const errors = first?.errors ?? (sub.error as Array<{ extensions?: Record<string, unknown> }> | undefined);
    expect(errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(sub.results.filter((r) => (r as { data?: unknown }).data)).toHaveLength(0);
  });
});

describe('delivery', () => {
  it('the same upstream event logged three times reaches a subscriber once', async () => {
    const h = await harness();
    const sub = collect(client(h, h.operatorToken), AUCTIONS);
    await settle();
    const event = auctionEvent(h);
    const appended = await Promise.all([1, 2, 3].map(() => h.gateway.events.append(event)));
    expect(appended.filter((a) => !a.duplicate)).toHaveLength(1);
    await sub.until(1);
    await settle();
    expect(sub.results).toHaveLength(1);
  });

  it("application events reach their owner in order, and none reach another customer", async () => {
    const h = await harness();
    const [a, b] = [h.bond.customers[0]!.customer_id, h.bond.customers[1]!.customer_id];
    const ownApplication = h.bond.applications.find((x) => x.applicant.customer_id === a)!.application_id;
    const owner = await h.token({ sub: 'owner', scopes: ['applications:read'], customerId: a });
    const stranger = await h.token({ sub: 'stranger', scopes: ['applications:read'], customerId: b });
    const query = 'subscription { creditApplicationEvents { type typeRaw applicationId application { id applicant { customerId } } } }';
    const mine = collect(client(h, owner), query);
    const theirs = collect(client(h, stranger), query);
    await settle();
    for (const type of ['credit.application.created', 'credit.application.submitted', 'credit.application.approved']) {
      await h.gateway.events.append(applicationEvent(h, ownApplication, type));
    }
    const received = await mine.until(3);
    expect(received.map((r) => r.data!.creditApplicationEvents.type)).toEqual(['CREATED', 'SUBMITTED', 'APPROVED']);
    expect(received.every((r) => r.data!.creditApplicationEvents.applicationId === ownApplication)).toBe(true);
    await settle();
    expect(theirs.results).toHaveLength(0);
    // Another customer naming the owner's customer id is refused outright.
    const prying = collect(client(h, stranger), `subscription { creditApplicationEvents(customerId: "${a}") { type } }`);
    await prying.until(1).catch(() => undefined);
    const refusal = (prying.results[0] as { errors?: Array<{ extensions?: Record<string, unknown> }> } | undefined)?.errors ?? (prying.error as never);
    expect((refusal as Array<{ extensions?: Record<string, unknown> }>)[0]!.extensions!.code).toBe('FORBIDDEN');
  });

  it('resume: after a disconnect, reconnecting with the last cursor replays exactly the missed events in order, then live ones', async () => {
    const h = await harness();
    const first = client(h, h.operatorToken);
    const before = collect(first, AUCTIONS);
    await settle();
    await h.gateway.events.append(auctionEvent(h, 0));
    const [seen] = await before.until(1);
    const lastCursor = seen!.data!.auctionPublished.cursor as string;
    before.stop();
    await first.dispose();

    const missed: string[] = [];
    for (let i = 1; i <= 5; i++) missed.push((await h.gateway.events.append(auctionEvent(h, i))).event.cursor);
    const again = collect(client(h, h.operatorToken), AUCTIONS, { after: lastCursor });
    const replayed = await again.until(5);
    expect(replayed.map((r) => r.data!.auctionPublished.cursor)).toEqual(missed);
    const live = (await h.gateway.events.append(auctionEvent(h, 6))).event.cursor;
    const all = await again.until(6);
    expect(all[5]!.data!.auctionPublished.cursor).toBe(live);
    await settle();
    expect(again.results).toHaveLength(6);
  });

  it('a cursor that is not one of the log is BAD_USER_INPUT', async () => {
    const h = await harness();
    const sub = collect(client(h, h.operatorToken), AUCTIONS, { after: 'garbage' });
    await sub.until(1).catch(() => undefined);
    const errors = (sub.results[0] as { errors?: Array<{ extensions?: Record<string, unknown> }> } | undefined)?.errors ?? (sub.error as never);
    expect((errors as Array<{ extensions?: Record<string, unknown> }>)[0]!.extensions!.code).toBe('BAD_USER_INPUT');
  });
});

describe('slow subscribers', () => {
  it('a subscriber that never reads does not delay delivery to 100 others, and is cut off once it falls too far behind', async () => {
    const h = await harness({ gateway: { subscriberQueueLimit: 50 } });
    // The stuck one: subscribes over a raw socket, then stops reading it.
    const stuck = new WebSocket(`${h.gateway.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
    cleanups.push(() => stuck.terminate());
    const received: Array<{ type: string; payload?: unknown }> = [];
    stuck.on('message', (m) => received.push(JSON.parse(String(m)) as { type: string }));
    await new Promise<void>((resolve) => stuck.on('open', () => resolve()));
    stuck.send(JSON.stringify({ type: 'connection_init', payload: { Authorization: `Bearer ${h.operatorToken}` } }));
    while (received.length === 0) await new Promise((r) => setTimeout(r, 10));
    // Large events, so the kernel's socket buffers fill and the gateway's writes to it stop completing.
    stuck.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: 'subscription { bondoraEvents { eventId payload } }' } }));
    await settle();
    (stuck as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();

    const others = Array.from({ length: 100 }, () => collect(client(h, h.operatorToken), 'subscription { bondoraEvents { eventId } }'));
    await new Promise((r) => setTimeout(r, 500));
    const filler = 'x'.repeat(256 * 1024);
    const events = 400;
    const started = performance.now();
    for (let i = 0; i < events; i++) {
      await h.gateway.events.append({ source: 'bondora', type: 'secondmarket.updated', dedupeKey: `big-${++eventIds}`, occurredAt: new Date().toISOString(), payload: { filler } });
      // Webhooks arrive over time; a short breath every few lets the readers keep pace.
      if (i % 5 === 4) await new Promise((r) => setTimeout(r, 5));
    }
    await Promise.all(others.map((o) => o.until(events, 20_000)));
    const elapsed = performance.now() - started;
    console.info(`slow subscriber: ${events} events reached each of 100 subscribers in ${elapsed.toFixed(0)} ms while one subscriber read nothing`);
    expect(others.every((o) => o.results.length === events)).toBe(true);

    // Reading again, the stuck one finds what fitted in the buffers, then the end of its subscription.
    (stuck as unknown as { _socket: { resume(): void } })._socket.resume();
    const deadline = Date.now() + 10_000;
    while (!received.some((m) => m.type === 'error' || m.type === 'complete') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const nexts = received.filter((m) => m.type === 'next').length;
    const end = received.find((m) => m.type === 'error');
    expect(nexts).toBeLessThan(events);
    expect(JSON.stringify(end?.payload)).toMatch(/fell \d+ events behind/);
    expect(JSON.stringify(end?.payload)).toContain('SUBSCRIBER_TOO_SLOW');
  });
});
