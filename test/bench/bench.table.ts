import type { Percentiles } from './latency.stats.js';
import { median } from './latency.stats.js';

// The bench's result as data, the target checks, and the markdown table that reports both.

export interface CallCounts {
  gateway: number;
  naive: number;
  minimum: number;
  minimumNote: string;
  /** The gateway's calls beyond the minimum, from the simulator log ("GET /api/v1/... -> 200"). */
  extra: string[];
}

export interface LatencyReport {
  ratePerSecond: number;
  gateway: Percentiles;
  direct: Percentiles;
  /** Requests that failed or did not finish, per side. */
  failed: { gateway: number; direct: number };
  target?: { p50Ms: number; p99Ms: number };
  /** CPU of each process while measuring, e.g. "gateway 61%, simulators 19%, ..." (% of one core). */
  cpu: string;
  /** CPU used meanwhile by processes outside the bench, % of one core. */
  othersPct: number;
  /** The gateway's CPU time per operation at this rate (warm-up included), ms. */
  gatewayCpuMsPerOp: number;
}

export interface OperationReport {
  index: number;
  title: string;
  calls: CallCounts;
  /** Absent when only the calls were counted (`--calls-only`). */
  latency?: LatencyReport;
}

export interface ThroughputReport {
  /** Successful answers per second of each round; the servers take turns within a round. */
  gatewayRps: number[];
  bareRps: number[];
  /** Bare Apollo whose resolver makes op 1's one upstream call (reference, no target). */
  bareFetchRps: number[];
  connections: number;
  roundS: number;
  /** Target ratio gateway / bare, e.g. 0.7. */
  target: number;
  /** CPU per round, gateway's then bare's (% of one core). */
  cpu: string[];
  /** Most CPU that processes outside the bench used in any round, % of one core. */
  othersPct: number;
  /** CPU time per answered request at full load, ms. */
  gatewayCpuMsPerOp: number;
  bareCpuMsPerOp: number;
  bareFetchCpuMsPerOp: number;
}

/** Bare Apollo alone at op 1's fixed rate: what the framework costs on this machine before any gateway work. */
export interface FloorReport {
  ratePerSecond: number;
  bare: Percentiles;
  cpuMsPerOp: number;
}

/** Row W1: signed webhooks at a fixed rate, each event timed at every subscriber. */
export interface FanOutReport {
  subscribers: number;
  sockets: number;
  ratePerSecond: number;
  /** Timed deliveries (lead-in excluded). */
  events: number;
  /** Receipt at a subscriber minus the moment the webhook's 2xx answer was read, over every (event, subscriber) pair. */
  afterAnswer: Percentiles;
  /** Receipt at a subscriber minus the moment the webhook was sent. */
  afterSend: Percentiles;
  /** Timed events × subscribers, and how many of those pairs arrived. */
  expectedPairs: number;
  receivedPairs: number;
  /** Timed deliveries answered other than 2xx, or not at all. */
  failedDeliveries: number;
  /** Upstream calls the simulators logged meanwhile (the auction comes with the webhook: 0 expected). */
  upstreamCalls: number;
  target: { p99Ms: number };
  cpu: string;
  othersPct: number;
  /** The gateway's CPU per delivered event (receiving it and sending it to every subscriber), ms. */
  gatewayCpuMsPerEvent: number;
}

/** Row W2: signed webhooks open loop at a fixed rate, each POST timed until its answer was read. */
export interface WebhookEndpointReport {
  ratePerSecond: number;
  latency: Percentiles;
  /** Timed deliveries. */
  sent: number;
  /** Answered, but not 2xx. */
  non2xx: number;
  /** Not answered at all (network error or timeout). */
  unanswered: number;
  /** Subscriptions open on the gateway meanwhile. */
  subscribersConnected: number;
  upstreamCalls: number;
  target: { p99Ms: number };
  cpu: string;
  othersPct: number;
  gatewayCpuMsPerDelivery: number;
}

export interface EventsReport {
  fanOut: FanOutReport;
  endpoint: WebhookEndpointReport;
}

/** One run of op 3 through the budgeted gateway: its wall time, calls and sequential round trips (simulator log). */
export interface BudgetedRun {
  ms: number;
  calls: number;
  roundTrips: number;
}

/** The direct client's op 3 (no budgets, no cache): what a frontend calling Bondora itself would wait. */
export interface DirectRun {
  p50Ms: number;
  calls: number;
  roundTrips: number;
}

/** One operation of the repeated mix: calls per operation (simulator log) and the p50 of its answers. */
export interface MixOperation {
  index: number;
  callsPerOp: number;
  p50Ms: number;
  failed: number;
}

/**
 * The second table: the gateway as deployed, with Bondora's documented budgets (1/s per endpoint and
 * credential, hourly ones) and Bond's (1000 a minute), the list, closed-auction and entity caches at
 * their defaults, measured against the same simulators and the direct client.
 */
export interface BudgetsReport {
  upstreamLatencyMs: number;
  /** B1: op 3 for credentials the gateway has never served (no closed auction seen), at once. */
  coldOp3: { runs: BudgetedRun[]; failed: number; direct: DirectRun };
  /** B2: op 3 again for the same credentials once their lists' TTL has passed (closed auctions kept). */
  warmOp3: { runs: BudgetedRun[]; failed: number; direct: DirectRun; targetRoundTrips: number };
  /** B3: `connections` closed-loop clients asking one active auction by id for `durationS`. */
  hotOp1: { connections: number; durationS: number; rps: number; p50Ms: number; calls: number; failed: number; targetRps: number; beforeRps: number };
  /** B4 and B5: ops 1, 4 and 5 over a few repeating ids at a fixed rate, entity cache on and off. */
  mix: Array<{ entityCache: boolean; ratePerSecond: number; measureS: number; operations: MixOperation[] }>;
}

/** A full run has every part; `--events-only` has the events rows alone (and no operations), `--calls-only` the operations' calls alone. */
export interface BenchReport {
  machine: string;
  upstreamLatencyMs: number;
  operations: OperationReport[];
  floor?: FloorReport;
  throughput?: ThroughputReport;
  /** The gateway's VmRSS once started, and its VmHWM at the end. */
  memory?: { afterStartBytes: number; peakBytes: number };
  /** Row P: `npm start`'s process (compiled, configured by environment) once started, and at its peak under load. */
  startup?: { afterStartBytes: number; peakBytes: number; ok: number; failed: number };
  events?: EventsReport;
  /** The second table ("With the documented budgets on"); `--budgets-only` has it alone. */
  budgets?: BudgetsReport;
  notes: string[];
}

export function callsPass(calls: CallCounts): boolean {
  return calls.gateway === calls.minimum;
}

export function addedLatency(latency: LatencyReport): { p50: number; p99: number } {
  return { p50: latency.gateway.p50 - latency.direct.p50, p99: latency.gateway.p99 - latency.direct.p99 };
}

/** undefined when the operation has no latency target. */
export function latencyPass(latency: LatencyReport): boolean | undefined {
  if (!latency.target) return undefined;
  const added = addedLatency(latency);
  const clean = latency.failed.gateway === 0 && latency.failed.direct === 0;
  return clean && added.p50 <= latency.target.p50Ms && added.p99 <= latency.target.p99Ms;
}

export function throughputRatio(t: ThroughputReport): number {
  return median(t.gatewayRps) / median(t.bareRps);
}

export function throughputPass(t: ThroughputReport): boolean {
  return throughputRatio(t) >= t.target;
}

/** Every pair arrived, every delivery was accepted, and the p99 is within the target. */
export function fanOutPass(f: FanOutReport): boolean {
  return f.receivedPairs === f.expectedPairs && f.expectedPairs > 0 && f.failedDeliveries === 0 && f.afterAnswer.p99 <= f.target.p99Ms;
}

export function endpointPass(e: WebhookEndpointReport): boolean {
  return e.non2xx === 0 && e.unanswered === 0 && e.latency.count > 0 && e.latency.p99 <= e.target.p99Ms;
}

export function targetResults(report: BenchReport): boolean[] {
  const rows = report.operations.flatMap((op) => {
    const latency = op.latency && latencyPass(op.latency);
    return latency === undefined ? [callsPass(op.calls)] : [callsPass(op.calls), latency];
  });
  const throughput = report.throughput ? [throughputPass(report.throughput)] : [];
  const events = report.events ? [fanOutPass(report.events.fanOut), endpointPass(report.events.endpoint)] : [];
  const budgets = report.budgets ? [warmOp3Pass(report.budgets), hotOp1Pass(report.budgets)] : [];
  const memory = [report.memory, report.startup].flatMap((m) => (m ? [memoryPass(m)] : []));
  return [...rows, ...throughput, ...memory, ...events, ...budgets];
}

/** Start-up and peak RSS targets of a gateway process, in MiB. */
export const MEMORY_TARGET = { afterStartMiB: 100, peakMiB: 160 };

export function memoryPass(m: { afterStartBytes: number; peakBytes: number }): boolean {
  return m.afterStartBytes <= MEMORY_TARGET.afterStartMiB * 1024 * 1024 && m.peakBytes <= MEMORY_TARGET.peakMiB * 1024 * 1024;
}

/** Every warm op 3 answered, each within the target's sequential round trips. */
export function warmOp3Pass(b: BudgetsReport): boolean {
  const { runs, failed, targetRoundTrips } = b.warmOp3;
  return runs.length > 0 && failed === 0 && runs.every((r) => r.roundTrips <= targetRoundTrips);
}

export function hotOp1Pass(b: BudgetsReport): boolean {
  return b.hotOp1.failed === 0 && b.hotOp1.rps >= b.hotOp1.targetRps;
}

/** Above this much CPU used by other processes (% of one core), a row is flagged as measured on a busy machine. */
export const BUSY_MACHINE_PCT = 20;

const verdict = (pass: boolean) => (pass ? 'PASS' : '**FAIL**');
const busy = (othersPct: number) => (othersPct > BUSY_MACHINE_PCT ? [`⚠ other processes used ${othersPct}% of a core`] : []);
const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : 'n/a');
const signed = (v: number) => (Number.isFinite(v) ? `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(2)}` : 'n/a');
const int = (v: number) => Math.round(v).toLocaleString('en-US');

export function renderTable(report: BenchReport): string {
  const lines = [
    '| # | Operation | Upstream calls: gateway / naive / minimum | Fixed rate | Gateway p50 / p99 (ms) | Direct p50 / p99 (ms) | Added p50 / p99 (ms) | Targets |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const op of report.operations) {
    const { calls, latency } = op;
    const over = calls.gateway - calls.minimum;
    const callCell = `${calls.gateway} / ${calls.naive} / ${calls.minimum}`;
    const checks = [`calls ${verdict(callsPass(calls))}${over !== 0 ? ` (${over > 0 ? '+' : ''}${over})` : ''}`];
    if (!latency) {
      lines.push(`| ${op.index} | ${op.title} | ${callCell} | – | – | – | – | ${checks.join(' · ')} |`);
      continue;
    }
    const added = addedLatency(latency);
    const lat = latencyPass(latency);
    if (lat !== undefined) checks.push(`latency ${verdict(lat)} (≤ ${latency.target!.p50Ms} / ≤ ${latency.target!.p99Ms})`);
    const failed = latency.failed.gateway + latency.failed.direct;
    if (failed > 0) checks.push(`${latency.failed.gateway} + ${latency.failed.direct} failed requests`);
    checks.push(...busy(latency.othersPct));
    lines.push(
      `| ${op.index} | ${op.title} | ${callCell} | ${latency.ratePerSecond}/s | ${ms(latency.gateway.p50)} / ${ms(latency.gateway.p99)} | ${ms(latency.direct.p50)} / ${ms(latency.direct.p99)} | ${signed(added.p50)} / ${signed(added.p99)} | ${checks.join(' · ')} |`,
    );
  }
  const t = report.throughput;
  if (t) {
    const ratio = throughputRatio(t);
    lines.push(
      `| T | max throughput of op 1, upstream latency 0 | – | closed loop, ${t.connections} connections | gateway ${int(median(t.gatewayRps))} req/s, ${ms(t.gatewayCpuMsPerOp)} ms CPU each | bare Apollo ${int(median(t.bareRps))} req/s, ${ms(t.bareCpuMsPerOp)} ms CPU each | ratio ${(ratio * 100).toFixed(1)}% | ${[`throughput ${verdict(ratio >= t.target)} (≥ ${Math.round(t.target * 100)}%)`, ...busy(t.othersPct)].join(' · ')} |`,
    );
    const fetchRatio = median(t.gatewayRps) / median(t.bareFetchRps);
    lines.push(
      `| U | same, bare Apollo + op 1's one upstream fetch (no gateway code) | – | closed loop, ${t.connections} connections | gateway ${int(median(t.gatewayRps))} req/s | bare Apollo + fetch ${int(median(t.bareFetchRps))} req/s, ${ms(t.bareFetchCpuMsPerOp)} ms CPU each | ratio ${(fetchRatio * 100).toFixed(1)}% | reference, no target |`,
    );
  }
  const f = report.floor;
  if (f) {
    lines.push(
      `| F | framework floor: bare Apollo answering op 1 with a constant | – | ${f.ratePerSecond}/s | bare Apollo ${ms(f.bare.p50)} / ${ms(f.bare.p99)}, ${ms(f.cpuMsPerOp)} ms CPU each | – | – | – |`,
    );
  }
  const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
  const memoryTarget = (m: { afterStartBytes: number; peakBytes: number }) =>
    `memory ${verdict(memoryPass(m))} (≤ ${MEMORY_TARGET.afterStartMiB} → ≤ ${MEMORY_TARGET.peakMiB} MiB)`;
  if (report.memory) {
    lines.push(
      `| M | gateway memory: RSS after start-up → peak RSS (VmHWM) over rows 1–U | – | – | ${mib(report.memory.afterStartBytes)} → ${mib(report.memory.peakBytes)} MiB | – | – | ${memoryTarget(report.memory)} |`,
    );
  }
  const p = report.startup;
  if (p) {
    lines.push(
      `| P | \`npm start\`'s process (compiled, configured by environment): RSS after its first answer → peak over closed-loop rounds of ops 1 and 4 | – | closed loop, 16 connections | ${mib(p.afterStartBytes)} → ${mib(p.peakBytes)} MiB; ${int(p.ok)} answers, ${int(p.failed)} failed | – | – | ${memoryTarget(p)} |`,
    );
  }
  if (report.events) lines.push(...eventRows(report.events));
  return lines.join('\n');
}

/** Rows W1 and W2: no upstream call, so no direct client to compare with; the targets are absolute. */
export function eventRows({ fanOut: w1, endpoint: w2 }: EventsReport): string[] {
  const fanOutChecks = [
    `latency ${verdict(fanOutPass(w1))} (p99 ≤ ${w1.target.p99Ms})`,
    `${int(w1.receivedPairs)} of ${int(w1.expectedPairs)} received`,
    ...(w1.failedDeliveries > 0 ? [`${w1.failedDeliveries} deliveries not accepted`] : []),
    ...busy(w1.othersPct),
  ];
  const endpointChecks = [
    `latency ${verdict(endpointPass(w2))} (p99 ≤ ${w2.target.p99Ms})`,
    `${w2.non2xx} non-2xx`,
    ...(w2.unanswered > 0 ? [`${w2.unanswered} unanswered`] : []),
    ...busy(w2.othersPct),
  ];
  const subscribers = w2.subscribersConnected > 0 ? `${int(w2.subscribersConnected)} subscribers connected` : 'no subscribers connected';
  return [
    `| W1 | webhook accepted → auctionPublished event at ${int(w1.subscribers)} subscribers (${w1.sockets} sockets × ${w1.subscribers / w1.sockets}) | ${w1.upstreamCalls} / – / 0 | ${w1.ratePerSecond} webhooks/s | answer → receipt ${ms(w1.afterAnswer.p50)} / ${ms(w1.afterAnswer.p99)}; send → receipt ${ms(w1.afterSend.p50)} / ${ms(w1.afterSend.p99)}; ${ms(w1.gatewayCpuMsPerEvent)} ms CPU per event | – | – | ${fanOutChecks.join(' · ')} |`,
    `| W2 | signed auction.published webhook, POST until its answer is read (${subscribers}) | ${w2.upstreamCalls} / – / 0 | ${w2.ratePerSecond}/s | ${ms(w2.latency.p50)} / ${ms(w2.latency.p99)}, ${ms(w2.gatewayCpuMsPerDelivery)} ms CPU each | – | – | ${endpointChecks.join(' · ')} |`,
  ];
}

/** The second table, "With the documented budgets on". */
export function renderBudgetsTable(b: BudgetsReport): string {
  const p50 = (runs: BudgetedRun[]) => median(runs.map((r) => r.ms));
  const most = (runs: BudgetedRun[], key: 'calls' | 'roundTrips') => Math.max(...runs.map((r) => r[key]));
  const direct = (d: DirectRun) => `${ms(d.p50Ms)} ms, ${d.calls} calls, ${d.roundTrips} round trips (no budget, no cache)`;
  const failures = (n: number) => (n > 0 ? [`${n} failed`] : []);
  const { coldOp3: cold, warmOp3: warm, hotOp1: hot } = b;
  const lines = [
    '| # | Measurement | Upstream calls | Sequential round trips | Gateway | Direct client | Targets |',
    '|---|---|---|---|---|---|---|',
    `| B1 | op 3 cold: ${cold.runs.length} credentials the gateway never served (no closed auction seen), at once | ${most(cold.runs, 'calls')} | ${most(cold.runs, 'roundTrips')} | p50 ${ms(p50(cold.runs))} ms | ${direct(cold.direct)} | ${['–', ...failures(cold.failed)].join(' · ')} |`,
    `| B2 | op 3 warm: the same credentials after their lists' TTL (closed auctions kept), ${warm.runs.length} runs | ${most(warm.runs, 'calls')} | ${most(warm.runs, 'roundTrips')} | p50 ${ms(p50(warm.runs))} ms | ${direct(warm.direct)} | ${[`round trips ${verdict(warmOp3Pass(b))} (≤ ${warm.targetRoundTrips})`, ...failures(warm.failed)].join(' · ')} |`,
    `| B3 | op 1: ${hot.connections} clients asking one active auction by id, closed loop, ${hot.durationS} s | ${hot.calls} | – | ${int(hot.rps)} req/s, p50 ${ms(hot.p50Ms)} ms | – | ${[`throughput ${verdict(hotOp1Pass(b))} (≥ ${hot.targetRps} req/s; ${hot.beforeRps} before)`, ...failures(hot.failed)].join(' · ')} |`,
  ];
  b.mix.forEach((mix, i) => {
    const ops = mix.operations;
    const calls = ops.map((o) => `op ${o.index} ${o.callsPerOp.toFixed(2)}`).join(' · ');
    const latency = ops.map((o) => `op ${o.index} ${ms(o.p50Ms)}`).join(' · ');
    const failed = ops.reduce((n, o) => n + o.failed, 0);
    lines.push(
      `| B${4 + i} | ops 1, 4, 5 repeated over 3 ids/windows each, ${mix.ratePerSecond}/s each for ${mix.measureS} s, entity cache ${mix.entityCache ? 'on' : 'off'} | per op: ${calls} | – | p50 (ms): ${latency} | – | ${['reference', ...failures(failed)].join(' · ')} |`,
    );
  });
  return lines.join('\n');
}

function budgetsLine(b: BudgetsReport): string {
  return `With the documented budgets on (Bondora's per endpoint and credential, Bond's 1000 a minute; list, closed-auction and entity caches at their defaults), ${b.upstreamLatencyMs} ms injected per upstream call; round trips counted from the simulators' logs (a call starting after the earliest call of its round trip could have answered opens the next one):`;
}

function upstreamLine(report: BenchReport): string {
  const parts: string[] = [];
  const ops = report.operations;
  if (ops.length > 0) {
    const rows = `row${ops.length > 1 ? 's' : ''} ${ops[0]!.index}${ops.length > 1 ? `–${ops[ops.length - 1]!.index}` : ''}`;
    parts.push(
      report.throughput
        ? `Upstream latency injected per call: ${report.upstreamLatencyMs} ms in ${rows}, 0 ms in rows T and U (row F has no upstream).`
        : `Upstream latency injected per call: ${report.upstreamLatencyMs} ms in ${rows}.`,
    );
    const untimed = ops.filter((op) => !op.latency).map((op) => op.index);
    if (untimed.length === ops.length) parts.push('Upstream calls only (--calls-only): no latency, throughput or events measured.');
    else if (untimed.length > 0) parts.push(`Row${untimed.length > 1 ? 's' : ''} ${untimed.join(', ')}: upstream calls only, no latency phase.`);
  }
  if (report.events) parts.push('Rows W1 and W2 make no upstream call (the auction comes with the webhook); their calls column counts what the simulators logged meanwhile.');
  return parts.join(' ');
}

/** The whole markdown block: machine, table, verdict, notes. */
export function renderReport(report: BenchReport): string {
  const results = targetResults(report);
  const passed = results.filter(Boolean).length;
  return [
    `Machine: ${report.machine}`,
    ...(upstreamLine(report) ? [upstreamLine(report)] : []),
    '',
    ...(report.operations.length > 0 || report.events || report.throughput ? [renderTable(report), ''] : []),
    ...(report.budgets ? [budgetsLine(report.budgets), '', renderBudgetsTable(report.budgets), ''] : []),
    `Targets: ${passed} of ${results.length} PASS${passed < results.length ? ` — ${results.length - passed} **FAIL**` : ''}.`,
    ...(report.notes.length > 0 ? ['', ...report.notes.map((n) => `- ${n}`)] : []),
  ].join('\n');
}
