import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebhookSender, type WebhookDelivery } from '../../src/simulators/webhook.sender.js';
import { WebhookReceiver } from './webhook.receiver.js';

// The shared delivery engine over real HTTP: back-off, time-outs, blocking, cancellation.

const receiver = new WebhookReceiver();
const senders: WebhookSender[] = [];

beforeAll(async () => {
  await receiver.start();
});
afterEach(async () => {
  await Promise.all(senders.splice(0).map((s) => s.close()));
  receiver.clear();
});
afterAll(async () => {
  await receiver.close();
});

function sender(options: ConstructorParameters<typeof WebhookSender>[0]): WebhookSender {
  const s = new WebhookSender(options);
  senders.push(s);
  return s;
}

function delivery(eventId: string, url = receiver.url()): WebhookDelivery {
  return {
    webhookId: 'hook-1',
    eventId,
    url,
    body: JSON.stringify({ eventId }),
    headers: (at) => ({ 'Content-Type': 'application/json', 'X-Attempt-At': at.toISOString() }),
  };
}

describe('WebhookSender', () => {
  it('retries failures with exponential back-off, re-computing headers, then succeeds', async () => {
    const s = sender({ backoffBaseMs: 20, maxAttempts: 5 });
    receiver.next(3, 500);
    expect(s.send(delivery('e1'))).toBe(true);
    await s.idle();

    expect(receiver.received.map((r) => r.body)).toEqual(Array(4).fill('{"eventId":"e1"}'));
    expect(s.deliveries.map((d) => [d.attempt, d.status, d.ok])).toEqual([
      [1, 500, false],
      [2, 500, false],
      [3, 500, false],
      [4, 200, true],
    ]);
    const gaps = receiver.received.slice(1).map((r, i) => r.at - receiver.received[i]!.at);
    // Timers never fire early by more than rounding; each gap at least doubles the one before.
    gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(20 * 2 ** i - 2));
    const stamps = new Set(receiver.received.map((r) => r.headers['x-attempt-at']));
    expect(stamps.size).toBe(4);
    expect(s.errorCount('hook-1')).toBe(0);
  });

  it('gives up after maxAttempts', async () => {
    const s = sender({ backoffBaseMs: 1, maxAttempts: 3 });
    receiver.status = 503;
    s.send(delivery('e2'));
    await s.idle();
    expect(receiver.received).toHaveLength(3);
    expect(s.deliveries.every((d) => d.status === 503 && !d.ok)).toBe(true);
  });

  it('treats a time-out as a failure and retries', async () => {
    const s = sender({ backoffBaseMs: 1, timeoutMs: 100 });
    receiver.next(1, 'hang');
    s.send(delivery('e3'));
    await s.idle();
    expect(s.deliveries.map((d) => d.error ?? d.status)).toEqual(['timeout', 200]);
  });

  it('treats a refused connection as a failure', async () => {
    const s = sender({ backoffBaseMs: 1, maxAttempts: 2 });
    s.send(delivery('e4', 'http://127.0.0.1:1/hook'));
    await s.idle();
    expect(s.deliveries).toHaveLength(2);
    expect(s.deliveries[0]!.error).toMatch(/ECONNREFUSED/);
  });

  it('blocks a webhook after N consecutive failures until its errors are reset', async () => {
    const s = sender({ backoffBaseMs: 1, maxAttempts: 10, blockAfterErrors: 4 });
    receiver.status = 500;
    s.send(delivery('e5'));
    await s.idle();
    expect(receiver.received).toHaveLength(4);
    expect(s.isBlocked('hook-1')).toBe(true);

    expect(s.send(delivery('e6'))).toBe(false);
    await s.idle();
    expect(receiver.received).toHaveLength(4);

    s.resetErrors('hook-1');
    receiver.status = 200;
    expect(s.send(delivery('e7'))).toBe(true);
    await s.idle();
    expect(receiver.received.map((r) => r.body).at(-1)).toBe('{"eventId":"e7"}');
    expect(s.isBlocked('hook-1')).toBe(false);
  });

  it('counts only the accepted statuses as delivered', async () => {
    const s = sender({ backoffBaseMs: 1, accepts: (status) => status === 200 || status === 201 });
    receiver.next(1, 204);
    s.send(delivery('e8'));
    await s.idle();
    expect(s.deliveries.map((d) => [d.status, d.ok])).toEqual([
      [204, false],
      [200, true],
    ]);
  });

  it('close() cancels pending retries and aborts attempts in flight', async () => {
    const s = sender({ backoffBaseMs: 60_000 });
    receiver.next(1, 500);
    s.send(delivery('e9'));
    await receiver.waitFor(1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const started = Date.now();
    await s.close();
    expect(Date.now() - started).toBeLessThan(1_000);

    receiver.next(1, 'hang');
    s.send(delivery('e10'));
    await receiver.waitFor(2);
    await s.close();
    expect(s.deliveries.at(-1)).toMatchObject({ eventId: 'e10', error: 'aborted', ok: false });
    expect(receiver.received).toHaveLength(2);
  });
});
