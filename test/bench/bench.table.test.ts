import { describe, expect, it } from 'vitest';
import { renderReport, targetResults, type BenchReport, type BudgetsReport, type EventsReport } from './bench.table.js';
import { sequentialRoundTrips } from './round.trips.js';
import { percentile, summarize } from './latency.stats.js';
import { applicationsByIdMinimum, bidsWithAuctionsPlan, portfolioMinimum } from './minimum.calls.js';
import { callDifferences, callsBeyond, type SimLogEntry } from './sim.control.js';

// The bench's arithmetic, not its timings: minimum-call derivations, percentiles, verdicts, table.

describe('minimum upstream calls', () => {
  it('bids with auctions: the bids page, the active list and one call per closed auction', () => {
    const active = new Set(['A1', 'A2', 'A3', 'A4']);
    const plan = bidsWithAuctionsPlan(['a1', 'A2', 'A1', 'C1', 'c1', 'C2', 'A3', 'A4'], active);
    expect(plan).toMatchObject({ strategy: 'list', distinctAuctions: 6, calls: 1 + 1 + 2 });
    expect(plan.closedAuctionIds).toEqual(['c1', 'c2']);
  });

  it('bids with auctions: by id when that is fewer calls than the list', () => {
    expect(bidsWithAuctionsPlan(['C1', 'C2', 'C1'], new Set(['A1']))).toMatchObject({ strategy: 'per-id', calls: 1 + 2 });
    expect(bidsWithAuctionsPlan(['A1', 'C1'], new Set(['A1']))).toMatchObject({ strategy: 'per-id', calls: 1 + 2 });
  });

  it('applications by id: one call per distinct id', () => {
    expect(applicationsByIdMinimum(['x', 'y', 'X', 'z'])).toBe(3);
  });

  it('portfolio: balance, investments, and one loanpart/list per 1000 distinct parts', () => {
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `part-${i}`);
    expect(portfolioMinimum(ids(100))).toBe(1 + 1 + 1);
    expect(portfolioMinimum([...ids(100), 'PART-0'])).toBe(3);
    expect(portfolioMinimum(ids(1000))).toBe(3);
    expect(portfolioMinimum(ids(1001))).toBe(4);
    expect(portfolioMinimum([])).toBe(2);
  });
});

describe('latency percentiles', () => {
  it('nearest rank, no interpolation or bucketing', () => {
    const samples = Array.from({ length: 200 }, (_, i) => (i + 1) / 100);
    expect(percentile(samples, 50)).toBe(1);
    expect(percentile(samples, 99)).toBe(1.98);
    expect(summarize([0.31, 0.12, 0.2])).toEqual({ p50: 0.2, p99: 0.31, count: 3 });
  });
});

describe('simulator log comparison', () => {
  const entry = (method: string, path: string, query = ''): SimLogEntry => ({ at: 0, method, path, query, route: 'x', status: 200, headers: {} });
  it('names the calls beyond the expected ones, ignoring query order', () => {
    const expected = [entry('GET', '/api/v1/bids', 'PageSize=50&PageNr=1'), entry('GET', '/api/v1/auction/1')];
    const actual = [entry('GET', '/api/v1/bids', 'PageNr=1&PageSize=50'), entry('GET', '/api/v1/auction/1'), entry('GET', '/api/v1/auction/1')];
    expect(callsBeyond(actual, expected)).toEqual([entry('GET', '/api/v1/auction/1')]);
  });

  it('tells a call with another query (a larger page) from a call on top', () => {
    const expected = [entry('GET', '/api/v1/account/balance'), entry('GET', '/api/v1/account/investments', 'PageSize=100&PageNr=1')];
    const actual = [
      entry('GET', '/api/v1/account/investments', 'PageNr=1&PageSize=1000'),
      entry('GET', '/api/v1/account/balance'),
      entry('GET', '/api/v1/account/balance'),
    ];
    expect(callDifferences(actual, expected)).toEqual({
      beyond: [entry('GET', '/api/v1/account/balance')],
      inPlaceOf: [{ actual: actual[0], expected: expected[1] }],
    });
    expect(callDifferences(expected, expected)).toEqual({ beyond: [], inPlaceOf: [] });
  });
});

describe('report table', () => {
  const latency = (gw: [number, number], direct: [number, number]) => ({
    ratePerSecond: 200,
    gateway: { p50: gw[0], p99: gw[1], count: 1000 },
    direct: { p50: direct[0], p99: direct[1], count: 1000 },
    failed: { gateway: 0, direct: 0 },
    target: { p50Ms: 1, p99Ms: 5 },
    cpu: 'gateway 50%',
    othersPct: 0,
    gatewayCpuMsPerOp: 2,
  });
  const report: BenchReport = {
    machine: 'test machine',
    upstreamLatencyMs: 20,
    operations: [
      { index: 1, title: 'fast', calls: { gateway: 1, naive: 1, minimum: 1, minimumNote: '', extra: [] }, latency: latency([21.5, 24], [21, 23]) },
      { index: 4, title: 'slow', calls: { gateway: 3, naive: 5, minimum: 2, minimumNote: '', extra: ['GET /x -> 200'] }, latency: latency([23, 30], [21, 23]) },
    ],
    throughput: { gatewayRps: [700, 800, 900], bareRps: [1000, 1000, 1000], bareFetchRps: [900, 1000, 1100], connections: 16, roundS: 4, target: 0.7, cpu: [], othersPct: 35, gatewayCpuMsPerOp: 1.25, bareCpuMsPerOp: 0.25, bareFetchCpuMsPerOp: 1 },
    floor: { ratePerSecond: 200, bare: { p50: 1.5, p99: 4, count: 1000 }, cpuMsPerOp: 0.5 },
    memory: { afterStartBytes: 50 * 1024 * 1024, peakBytes: 100 * 1024 * 1024 },
    startup: { afterStartBytes: 101 * 1024 * 1024, peakBytes: 120 * 1024 * 1024, ok: 1000, failed: 0 },
    notes: ['a note'],
  };

  it('checks every target', () => {
    // op 1 calls + latency, op 4 calls + latency, throughput (0.8 >= 0.7), row M (50 → 100 MiB), row P (101 MiB at start: over 100)
    expect(targetResults(report)).toEqual([true, true, false, false, true, true, false]);
    expect(targetResults({ ...report, startup: { ...report.startup!, afterStartBytes: 100 * 1024 * 1024 } }).at(-1)).toBe(true);
    expect(targetResults({ ...report, memory: { ...report.memory!, peakBytes: 161 * 1024 * 1024 } }).at(-2)).toBe(false);
  });

  it('prints FAIL rows, signed added latency and the ratio', () => {
    const text = renderReport(report);
    expect(text).toContain('| 1 | fast | 1 / 1 / 1 | 200/s | 21.50 / 24.00 | 21.00 / 23.00 | +0.50 / +1.00 | calls PASS · latency PASS');
    expect(text).toContain('calls **FAIL** (+1) · latency **FAIL**');
    expect(text).toContain('ratio 80.0% | throughput PASS (≥ 70%) · ⚠ other processes used 35% of a core |');
    expect(text).toContain('50.0 → 100.0 MiB | – | – | memory PASS (≤ 100 → ≤ 160 MiB) |');
    expect(text).toContain('101.0 → 120.0 MiB; 1,000 answers, 0 failed | – | – | memory **FAIL** (≤ 100 → ≤ 160 MiB) |');
    expect(text).toContain('bare Apollo 1.50 / 4.00, 0.50 ms CPU each');
    expect(text).toContain('Targets: 4 of 7 PASS — 3 **FAIL**.');
    expect(text).toContain('20 ms in rows 1–4, 0 ms in rows T and U');
  });

  it('an operation without a latency phase has its calls checked alone', () => {
    const calls = { gateway: 3, naive: 102, minimum: 3, minimumNote: '', extra: [] };
    const mixed: BenchReport = { ...report, operations: [...report.operations, { index: 7, title: 'portfolio', calls }] };
    expect(targetResults(mixed)).toEqual([true, true, false, false, true, true, true, false]);
    const text = renderReport(mixed);
    expect(text).toContain('| 7 | portfolio | 3 / 102 / 3 | – | – | – | – | calls PASS |');
    expect(text).toContain('20 ms in rows 1–7, 0 ms in rows T and U (row F has no upstream). Row 7: upstream calls only, no latency phase.');
    expect(targetResults({ ...mixed, operations: [{ index: 7, title: 'portfolio', calls: { ...calls, gateway: 4 } }] })).toEqual([false, true, true, false]);
  });

  it('--calls-only: the calls column alone', () => {
    const callsOnly: BenchReport = {
      machine: 'test machine',
      upstreamLatencyMs: 20,
      operations: report.operations.map(({ index, title, calls }) => ({ index, title, calls })),
      notes: [],
    };
    const text = renderReport(callsOnly);
    expect(text).toContain('| 1 | fast | 1 / 1 / 1 | – | – | – | – | calls PASS |');
    expect(text).toContain('| 4 | slow | 3 / 5 / 2 | – | – | – | – | calls **FAIL** (+1) |');
    expect(text).toContain('20 ms in rows 1–4. Upstream calls only (--calls-only): no latency, throughput or events measured.');
    expect(text).not.toContain('| T |');
    expect(text).toContain('Targets: 1 of 2 PASS — 1 **FAIL**.');
  });
});

describe('live events rows', () => {
  const events = (over: { received?: number; p99?: number; non2xx?: number } = {}): EventsReport => ({
    fanOut: {
      subscribers: 1000,
      sockets: 100,
      ratePerSecond: 10,
      events: 100,
      afterAnswer: { p50: 12.5, p99: over.p99 ?? 40, count: over.received ?? 100_000 },
      afterSend: { p50: 14, p99: 45.25, count: over.received ?? 100_000 },
      expectedPairs: 100_000,
      receivedPairs: over.received ?? 100_000,
      failedDeliveries: 0,
      upstreamCalls: 0,
      target: { p99Ms: 50 },
      cpu: 'gateway 70%',
      othersPct: 0,
      gatewayCpuMsPerEvent: 70.5,
    },
    endpoint: {
      ratePerSecond: 200,
      latency: { p50: 2, p99: 11.5, count: 2000 },
      sent: 2000,
      non2xx: over.non2xx ?? 0,
      unanswered: 0,
      subscribersConnected: 0,
      upstreamCalls: 0,
      target: { p99Ms: 50 },
      cpu: 'gateway 23%',
      othersPct: 30,
      gatewayCpuMsPerDelivery: 1.25,
    },
  });
  const eventsOnly = (e: EventsReport): BenchReport => ({ machine: 'test machine', upstreamLatencyMs: 0, operations: [], events: e, notes: [] });

  it('renders W1 and W2 alone, with absolute p99 targets', () => {
    const text = renderReport(eventsOnly(events()));
    expect(text).toContain(
      '| W1 | webhook accepted → auctionPublished event at 1,000 subscribers (100 sockets × 10) | 0 / – / 0 | 10 webhooks/s | answer → receipt 12.50 / 40.00; send → receipt 14.00 / 45.25; 70.50 ms CPU per event | – | – | latency PASS (p99 ≤ 50) · 100,000 of 100,000 received |',
    );
    expect(text).toContain(
      '| W2 | signed auction.published webhook, POST until its answer is read (no subscribers connected) | 0 / – / 0 | 200/s | 2.00 / 11.50, 1.25 ms CPU each | – | – | latency PASS (p99 ≤ 50) · 0 non-2xx · ⚠ other processes used 30% of a core |',
    );
    expect(text).not.toContain('| T |');
    expect(text).not.toContain('rows 1–6');
    expect(text).toContain('Targets: 2 of 2 PASS.');
  });

  it('W1 fails when a pair is missing even within the p99, W2 on any non-2xx answer', () => {
    expect(targetResults(eventsOnly(events({ received: 99_999 })))).toEqual([false, true]);
    expect(targetResults(eventsOnly(events({ p99: 50.01 })))).toEqual([false, true]);
    expect(targetResults(eventsOnly(events({ non2xx: 1 })))).toEqual([true, false]);
    expect(renderReport(eventsOnly(events({ received: 99_999 })))).toContain('latency **FAIL** (p99 ≤ 50) · 99,999 of 100,000 received');
  });
});

describe('sequential round trips in a simulator log', () => {
  const at = (...times: number[]) => times.map((t) => ({ at: t }));
  it('calls that start within the first call of their round trip overlap it; later ones open the next', () => {
    expect(sequentialRoundTrips([], 20)).toBe(0);
    expect(sequentialRoundTrips(at(1000, 1003), 20)).toBe(1);
    // Warm op 3: both lists together. Cold: the lists, then closed details a second apart.
    expect(sequentialRoundTrips(at(0, 2, 30, 1030, 2030), 20)).toBe(4);
    expect(sequentialRoundTrips(at(40, 0, 20), 20)).toBe(3);
  });
});

describe('budgets table', () => {
  const run = (ms: number, calls: number, roundTrips: number) => ({ ms, calls, roundTrips });
  const budgets = (over: { warmTrips?: number; rps?: number; failed?: number } = {}): BudgetsReport => ({
    upstreamLatencyMs: 20,
    coldOp3: { runs: [run(5300, 8, 7), run(5320, 8, 7)], failed: 0, direct: { p50Ms: 62, calls: 8, roundTrips: 2 } },
    warmOp3: {
      runs: [run(40, 2, 1), run(44.5, 2, over.warmTrips ?? 1), run(60, 2, 1)],
      failed: over.failed ?? 0,
      direct: { p50Ms: 62, calls: 8, roundTrips: 2 },
      targetRoundTrips: 1,
    },
    hotOp1: { connections: 16, durationS: 5, rps: over.rps ?? 2223.4, p50Ms: 5, calls: 3, failed: 0, targetRps: 160, beforeRps: 16 },
    mix: [
      { entityCache: true, ratePerSecond: 4, measureS: 5, operations: [{ index: 5, callsPerOp: 5, p50Ms: 4.63, failed: 0 }] },
      { entityCache: false, ratePerSecond: 4, measureS: 5, operations: [{ index: 5, callsPerOp: 20, p50Ms: 33.61, failed: 0 }] },
    ],
  });
  const alone = (b: BudgetsReport): BenchReport => ({ machine: 'test machine', upstreamLatencyMs: 20, operations: [], budgets: b, notes: [] });

  it('renders cold and warm op 3, hot op 1 and the mix rows, and only them with --budgets-only', () => {
    const text = renderReport(alone(budgets()));
    expect(text).toContain('With the documented budgets on');
    expect(text).toContain('| B1 | op 3 cold: 2 credentials the gateway never served (no closed auction seen), at once | 8 | 7 | p50 5300.00 ms | 62.00 ms, 8 calls, 2 round trips (no budget, no cache) | – |');
    expect(text).toContain('| B2 | op 3 warm: the same credentials after their lists\' TTL (closed auctions kept), 3 runs | 2 | 1 | p50 44.50 ms |');
    expect(text).toContain('round trips PASS (≤ 1) |');
    expect(text).toContain('| 2,223 req/s, p50 5.00 ms | – | throughput PASS (≥ 160 req/s; 16 before) |');
    expect(text).toContain('entity cache on | per op: op 5 5.00 | – | p50 (ms): op 5 4.63 |');
    expect(text).toContain('entity cache off | per op: op 5 20.00 | – | p50 (ms): op 5 33.61 |');
    expect(text).not.toContain('| # | Operation |');
    expect(text).toContain('Targets: 2 of 2 PASS.');
  });

  it('warm op 3 fails beyond one round trip or on a failed run; hot op 1 below 160 req/s', () => {
    expect(targetResults(alone(budgets({ warmTrips: 2 })))).toEqual([false, true]);
    expect(targetResults(alone(budgets({ failed: 1 })))).toEqual([false, true]);
    expect(targetResults(alone(budgets({ rps: 159.9 })))).toEqual([true, false]);
    expect(renderReport(alone(budgets({ rps: 159.9 })))).toContain('throughput **FAIL** (≥ 160 req/s; 16 before)');
  });
});
