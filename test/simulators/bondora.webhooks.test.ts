import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AuctionDto, AuctionExtendedDto } from '../../src/upstream/bondora/bondora.dto.js';
import { BondoraSimulator } from '../../src/simulators/bondora/bondora.simulator.js';
import { WebhookReceiver, type Received } from './webhook.receiver.js';

// Bondora's signed `auction.published` webhook, verified exactly as bondora-api.md §7 describes
// (draft-cavage HTTP Signature, hmac-sha256, base64-decoded key), plus retries and blocking.

const KEY_ID = 'test-key-01';
const SECRET_BASE64 = Buffer.from('secret:test-key-01').toString('base64');
const PATH = '/hooks/bondora?tenant=t1';

interface Delivery {
  EventId: string;
  EventType: string;
  Payload: AuctionDto;
}

/** Checks a delivery the way a receiver must; returns why it fails, or undefined when it is valid. */
function signatureProblem(req: Received, expectedHost: string): string | undefined {
  const header = String(req.headers['signature'] ?? '');
  const params = Object.fromEntries([...header.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
  if (params['keyId'] !== KEY_ID) return 'keyId';
  if (params['algorithm'] !== 'hmac-sha256') return 'algorithm';
  const digest = `SHA-256=${createHash('sha256').update(req.body, 'utf8').digest('base64')}`;
  if (req.headers['digest'] !== digest) return 'digest';
  if (Number(req.headers['content-length']) !== Buffer.byteLength(req.body)) return 'content-length';
  const skew = Math.abs(Date.now() - Date.parse(String(req.headers['date'])));
  if (!(skew <= 60_000)) return 'date';
  const signingString = (params['headers'] ?? '')
    .split(' ')
    .map((name) => {
      if (name === '(request-target)') return `${name}: ${req.method.toLowerCase()} ${req.url}`;
      if (name === 'host') return `host: ${expectedHost}`;
      if (name === 'digest') return `digest: ${digest}`;
      return `${name}: ${String(req.headers[name])}`;
    })
    .join('\n');
  const expected = createHmac('sha256', Buffer.from(SECRET_BASE64, 'base64')).update(signingString, 'utf8').digest();
  const given = Buffer.from(params['signature'] ?? '', 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected) ? undefined : 'signature';
}

const receiver = new WebhookReceiver();
const sims: BondoraSimulator[] = [];
let host = '';

async function simulator(options: ConstructorParameters<typeof BondoraSimulator>[0] = {}): Promise<BondoraSimulator> {
  const sim = new BondoraSimulator({
    webhook: { url: receiver.url(PATH), keyId: KEY_ID, secretBase64: SECRET_BASE64 },
    webhookDelivery: { backoffBaseMs: 5, timeoutMs: 2_000 },
    ...options,
  });
  sims.push(sim);
  await sim.start();
  return sim;
}

async function api<T>(sim: BondoraSimulator, path: string, method = 'GET'): Promise<{ status: number; body: T }> {
  const res = await fetch(`${sim.url}${path}`, { method, headers: { authorization: `Bearer ${BondoraSimulator.DEMO_TOKEN}` } });
  return { status: res.status, body: (await res.json()) as T };
}

beforeAll(async () => {
  await receiver.start();
  host = new URL(receiver.url()).host;
});
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.stop()));
  receiver.clear();
});
afterAll(async () => {
  await receiver.close();
});

describe('Bondora auction.published webhook', () => {
  it('POST /__sim/publish-auction lists a new auction and delivers a correctly signed event', async () => {
    const sim = await simulator();
    const published = await api<{ auctionId: string; eventId: string }>(sim, '/__sim/publish-auction', 'POST');
    expect(published.status).toBe(200);
    const { auctionId, eventId } = published.body;

    const [req] = await receiver.waitFor(1);
    expect(req!.method).toBe('POST');
    expect(req!.url).toBe(PATH);
    expect(req!.headers['content-type']).toBe('application/json');
    expect(req!.headers['date']).toMatch(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    expect(req!.headers['signature']).toMatch(
      /^keyId="test-key-01",algorithm="hmac-sha256",headers="\(request-target\) host date content-type content-length digest",signature="[A-Za-z0-9+/]+=*"$/,
    );
    expect(signatureProblem(req!, host)).toBeUndefined();
    // A tampered body or a different host must fail the same check.
    expect(signatureProblem({ ...req!, body: req!.body.replace('auction', 'auctioN') }, host)).toBe('digest');
    expect(signatureProblem(req!, 'example.com')).toBe('signature');

    const event = JSON.parse(req!.body) as Delivery;
    expect(Object.keys(event)).toEqual(['EventId', 'EventType', 'Payload']);
    expect(event).toMatchObject({ EventId: eventId, EventType: 'auction.published' });
    expect(event.Payload.AuctionId).toBe(auctionId);
    expect(event.Payload).not.toHaveProperty('Liabilities');
    expect(event.Payload.ActualCloseDate).toBeNull();
    expect(event.Payload.RemainingAmount).toBe(event.Payload.AppliedAmount);
    expect(Math.abs(Date.parse(event.Payload.ListedOnUTC!) - Date.now())).toBeLessThan(5_000);

    const list = await api<{ Payload: AuctionDto[] }>(sim, '/api/v1/auctions');
    expect(list.body.Payload[0]).toEqual(event.Payload);
    const detail = await api<{ Payload: AuctionExtendedDto }>(sim, `/api/v1/auction/${auctionId}`);
    expect(detail.status).toBe(200);
    expect(detail.body.Payload.LoanNumber).toBeGreaterThan(Math.max(...sim.closedAuctions.map((a) => a.LoanNumber)));
  });

  it('records events without a webhook, and redelivers one with the same EventId once configured', async () => {
    const sim = await simulator({ webhook: undefined });
    const { eventId } = sim.publishAuction();
    await sim.webhooksIdle();
    expect(receiver.received).toHaveLength(0);

    sim.configureWebhook({ url: receiver.url(PATH), keyId: KEY_ID, secretBase64: SECRET_BASE64 });
    expect(sim.redeliver(eventId)).toBe(true);
    expect(sim.redeliver('no-such-event')).toBe(false);
    const [req] = await receiver.waitFor(1);
    expect((JSON.parse(req!.body) as Delivery).EventId).toBe(eventId);
    expect(signatureProblem(req!, host)).toBeUndefined();

    sim.clearWebhook();
    sim.publishAuction();
    await sim.webhooksIdle();
    expect(receiver.received).toHaveLength(1);
  });

  it('retries a failing receiver with back-off, the same EventId and a fresh signature each time', async () => {
    const sim = await simulator({ webhookDelivery: { backoffBaseMs: 15, maxAttempts: 6 } });
    receiver.next(3, 500);
    const { eventId } = sim.publishAuction();
    const requests = await receiver.waitFor(4);
    await sim.webhooksIdle();

    expect(requests.map((r) => (JSON.parse(r.body) as Delivery).EventId)).toEqual(Array(4).fill(eventId));
    expect(new Set(requests.map((r) => r.body)).size).toBe(1);
    for (const req of requests) expect(signatureProblem(req, host)).toBeUndefined();
    const gaps = requests.slice(1).map((r, i) => r.at - requests[i]!.at);
    gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(15 * 2 ** i - 2));
    expect(sim.webhookDeliveries.map((d) => d.status)).toEqual([500, 500, 500, 200]);
    expect(sim.webhookBlocked).toBe(false);
  });

  it('blocks the webhook after 25 error responses in a row; the ping reset unblocks it', async () => {
    // One event with attempts to spare, so exactly the 25th failure trips the block.
    const sim = await simulator({ webhookDelivery: { backoffBaseMs: 1, maxBackoffMs: 2, maxAttempts: 40 } });
    receiver.status = 500;
    sim.publishAuction();
    await sim.webhooksIdle();
    expect(receiver.received).toHaveLength(25);
    expect(sim.webhookBlocked).toBe(true);
    expect(new Set(receiver.received.map((r) => r.body)).size).toBe(1);

    sim.publishAuction();
    await sim.webhooksIdle();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(receiver.received).toHaveLength(25);

    receiver.status = 200;
    const ping = await fetch(`${sim.url}/__sim/webhook/ping`, { method: 'POST' });
    expect(ping.status).toBe(200);
    expect(sim.webhookBlocked).toBe(false);
    const { eventId } = sim.publishAuction();
    const requests = await receiver.waitFor(26);
    expect((JSON.parse(requests[25]!.body) as Delivery).EventId).toBe(eventId);
  });

  it('publishes on a timer while started, and stops with the simulator', async () => {
    const sim = await simulator({ publishEveryMs: 20 });
    await receiver.waitFor(2);
    await sim.stop();
    const count = receiver.received.length;
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(receiver.received.length).toBe(count);
    const ids = receiver.received.map((r) => (JSON.parse(r.body) as Delivery).Payload.AuctionId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('reset() drops published auctions and the delivery log but keeps the webhook', async () => {
    const sim = await simulator();
    const { auctionId } = sim.publishAuction();
    await sim.webhooksIdle();
    const before = sim.activeAuctions.length;
    sim.reset();
    expect(sim.activeAuctions.length).toBe(before - 1);
    expect(sim.activeAuctions.some((a) => a.AuctionId === auctionId)).toBe(false);
    expect(sim.webhookDeliveries).toEqual([]);
    expect(sim.webhook?.url).toBe(receiver.url(PATH));
    // The same seed publishes the same auction again.
    expect(sim.publishAuction().auctionId).toBe(auctionId);
  });
});
