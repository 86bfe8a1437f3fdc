import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RateLimitWait, RateScheduler, type RateLimitTable } from '../../src/upstream/rate.scheduler.js';

// Fake timers: Date.now and setTimeout advance only when the test says so.

const TABLE: RateLimitTable = {
  default: { limit: 1, periodMs: 1000, scope: 'endpoint' },
  endpoints: { 'account.balance': { limit: 12, periodMs: 3_600_000, scope: 'endpoint' } },
};

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(1_000_000);
});
afterEach(() => {
  vi.useRealTimers();
});

/** Runs n requests on a budget, each answered `latencyMs` after it goes out; returns send times. */
async function run(scheduler: RateScheduler, n: number, latencyMs: number, endpoint = 'auctions.list', credential = 'cred') {
  const sent: number[] = [];
  const all = Array.from({ length: n }, async () => {
    const release = await scheduler.acquire(credential, endpoint);
    sent.push(Date.now());
    await new Promise((r) => setTimeout(r, latencyMs));
    release();
  });
  await vi.advanceTimersByTimeAsync(60_000);
  await Promise.all(all);
  return sent;
}

describe('RateScheduler', () => {
  it('spaces requests a period after the previous answer, so the upstream never sees two in one window', async () => {
    const sent = await run(new RateScheduler(TABLE, 10), 5, 40);
    const gaps = sent.slice(1).map((t, i) => t - sent[i]!);
    expect(gaps).toEqual([1050, 1050, 1050, 1050]);
  });

  it('keeps separate budgets per endpoint and per credential', async () => {
    const scheduler = new RateScheduler(TABLE, 10);
    const start = Date.now();
    const [a, b, c] = await Promise.all([
      run(scheduler, 1, 5, 'auctions.list', 'a'),
      run(scheduler, 1, 5, 'bids.list', 'a'),
      run(scheduler, 1, 5, 'auctions.list', 'b'),
    ]);
    expect([a, b, c].flat()).toEqual([start, start, start]);
  });

  it('a credential-wide budget counts every endpoint together', async () => {
    const scheduler = new RateScheduler({ default: { limit: 2, periodMs: 60_000, scope: 'credential' } }, 0);
    const start = Date.now();
    const first = await Promise.all([scheduler.acquire('key', 'applications.list'), scheduler.acquire('key', 'application.get')]);
    first.forEach((release) => release());
    expect(scheduler.peek('key', 'application.update')).toBe(start + 60_000);
    expect(scheduler.peek('other', 'application.update')).toBe(start);
  });

  it('an hourly budget allows its burst, then waits for the oldest answer to age out', async () => {
    const scheduler = new RateScheduler(TABLE, 0);
    const start = Date.now();
    for (let i = 0; i < 12; i++) (await scheduler.acquire('a', 'account.balance'))();
    expect(Date.now()).toBe(start);
    expect(scheduler.peek('a', 'account.balance')).toBe(start + 3_600_000);
  });

  it('refuses a turn past the deadline with the wait it would take, and takes no slot', async () => {
    const scheduler = new RateScheduler(TABLE, 0);
    const release = await scheduler.acquire('a', 'auctions.list');
    release();
    await expect(scheduler.acquire('a', 'auctions.list', Date.now() + 500)).rejects.toEqual(new RateLimitWait(1000));
    expect(scheduler.peek('a', 'auctions.list')).toBe(Date.now() + 1000);
  });

  it('a waiting request whose turn moves past the deadline gives up and frees its place', async () => {
    const scheduler = new RateScheduler(TABLE, 0);
    const first = await scheduler.acquire('a', 'auctions.list');
    // The second is planned for +1000 (if the first were answered now) but the first answers late.
    const second = scheduler.acquire('a', 'auctions.list', Date.now() + 1500);
    const failure = expect(second).rejects.toBeInstanceOf(RateLimitWait);
    await vi.advanceTimersByTimeAsync(800);
    first();
    await vi.advanceTimersByTimeAsync(10);
    await failure;
    expect(scheduler.peek('a', 'auctions.list')).toBe(Date.now() - 10 + 1000);
  });

  it('a 429 blocks the budget until its Retry-After', async () => {
    const scheduler = new RateScheduler(TABLE, 0);
    scheduler.penalize('a', 'bids.list', 3000);
    expect(scheduler.peek('a', 'bids.list')).toBe(Date.now() + 3000);
    expect(scheduler.peek('b', 'bids.list')).toBe(Date.now());
  });

  it('an abandoned wait (client gone) frees its place for the next request', async () => {
    const scheduler = new RateScheduler(TABLE, 0);
    (await scheduler.acquire('a', 'auctions.list'))();
    const controller = new AbortController();
    const abandoned = scheduler.acquire('a', 'auctions.list', undefined, controller.signal);
    const failure = expect(abandoned).rejects.toBeDefined();
    controller.abort();
    await failure;
    expect(scheduler.peek('a', 'auctions.list')).toBe(Date.now() + 1000);
  });
});
