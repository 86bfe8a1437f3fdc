import type { BenchOperation } from './bench.operations.js';
import type { BudgetedRun, BudgetsReport, DirectRun, MixOperation } from './bench.table.js';
import { DIRECT_USER_AGENT, type DirectClient } from './direct.client.js';
import { postGraphQL } from './gateway.client.js';
import { median, summarize } from './latency.stats.js';
import { driveFixedRate } from './rate.driver.js';
import { sequentialRoundTrips } from './round.trips.js';
import type { SimControl, SimLogEntry } from './sim.control.js';
import { measureThroughput } from './throughput.probe.js';

// The budgets table: the gateway as deployed (documented budgets, production's caches) against the
// same simulators as the first table, with the injected upstream latency on.
//
// B1/B2: op 3 for a few credentials the budgeted gateway has never served, all at once (each
// credential has its own Bondora budget), then again for the same credentials once their lists'
// TTL has passed: the closed auctions' details are kept, so only the two lists remain, side by side.
// B3: 16 closed-loop clients asking one active auction by id (before the kept list answered it,
// they shared one GET /auction/{id} a second: 16 req/s).
// B4/B5: ops 1, 4 and 5 at a fixed rate over a few repeating ids and windows (a screen refreshed),
// through a gateway with the entity cache on and one with it off.

export interface BudgetsProbeOptions {
  /** /graphql of the gateway with budgets and every cache at its default. */
  endpoint: string;
  /** /graphql of the same gateway but with the entity caches off. */
  endpointNoEntityCache: string;
  operations: BenchOperation[];
  direct: DirectClient;
  /** Bondora tokens the budgeted gateways have not used yet: one per cold op 3. */
  freshTokens: string[];
  activeAuctionId: string;
  /** How long the budgeted gateway keeps the lists (BONDORA_LIST_CACHE_TTL_MS). */
  listCacheTtlMs: number;
  controls: SimControl[];
  upstreamLatencyMs: number;
  notes: string[];
  progress(message: string): void;
}

const WARM_ROUNDS = 3;
const HOT = { connections: 16, warmupS: 2, durationS: 5, targetRps: 160, beforeRps: 16 };
const MIX = { ratePerSecond: 4, leadInMs: 1_000, measureMs: 5_000, repeat: 3 };
/** Routes of each mix operation in the simulators' logs, to tell their calls apart while they run together. */
const MIX_ROUTES: Record<number, readonly string[]> = { 1: ['auctions.list', 'auction.get'], 4: ['applications.list'], 5: ['application.get'] };

export async function measureBudgets(options: BudgetsProbeOptions): Promise<BudgetsReport> {
  const { controls, upstreamLatencyMs: latency, notes } = options;
  const op = (index: number) => options.operations.find((o) => o.index === index)!;
  const op3 = op(3);
  const readLog = async () => (await Promise.all(controls.map((c) => c.log()))).flat();
  const clearLogs = () => Promise.all(controls.map((c) => c.clearLog()));
  await Promise.all(controls.map((c) => c.setLatency(latency)));

  /** Op 3 for every token at once through the budgeted gateway, each timed and its calls told apart by credential. */
  const op3Round = async (label: string): Promise<{ runs: BudgetedRun[]; failed: number }> => {
    await clearLogs();
    const settled = await Promise.allSettled(
      options.freshTokens.map(async (token) => {
        const started = performance.now();
        await postGraphQL(options.endpoint, op3.document, undefined, { 'x-bondora-token': token });
        return performance.now() - started;
      }),
    );
    const log = await readLog();
    const runs: BudgetedRun[] = [];
    settled.forEach((result, i) => {
      if (result.status === 'rejected') {
        notes.push(`Budgets, ${label}: ${String(result.reason).slice(0, 200)}`);
        return;
      }
      const mine = log.filter((e) => e.headers.authorization === `Bearer ${options.freshTokens[i]}`);
      runs.push({ ms: result.value, calls: mine.length, roundTrips: sequentialRoundTrips(mine, latency) });
    });
    return { runs, failed: settled.length - runs.length };
  };

  const direct3 = async (): Promise<DirectRun> => {
    const times: number[] = [];
    let log: SimLogEntry[] = [];
    for (let i = 0; i < 5; i++) {
      await clearLogs();
      const started = performance.now();
      await op3.direct(options.direct, i);
      times.push(performance.now() - started);
      log = (await readLog()).filter((e) => e.headers['user-agent'] === DIRECT_USER_AGENT);
    }
    return { p50Ms: median(times), calls: log.length, roundTrips: sequentialRoundTrips(log, latency) };
  };

  // B1 and B2.
  const directOp3 = await direct3();
  const cold = await op3Round('op 3 cold');
  options.progress(`budgets: op 3 cold done (${cold.runs.map((r) => Math.round(r.ms)).join(', ')} ms)`);
  const warmRuns: BudgetedRun[] = [];
  let warmFailed = 0;
  for (let round = 0; round < WARM_ROUNDS; round++) {
    // Past the lists' TTL, so each warm run fetches both lists and only the closed auctions are kept.
    await new Promise((resolve) => setTimeout(resolve, options.listCacheTtlMs + 200));
    const warm = await op3Round('op 3 warm');
    warmRuns.push(...warm.runs);
    warmFailed += warm.failed;
  }
  options.progress('budgets: op 3 warm done');

  // B3.
  const body = () => JSON.stringify({ query: op(1).document, variables: { id: options.activeAuctionId } });
  await measureThroughput({ endpoint: options.endpoint, body, connections: HOT.connections, durationS: HOT.warmupS });
  await clearLogs();
  const hot = await measureThroughput({ endpoint: options.endpoint, body, connections: HOT.connections, durationS: HOT.durationS });
  const hotCalls = (await readLog()).length;
  options.progress(`budgets: hot op 1 done (${Math.round(hot.rps)} req/s)`);

  // B4 and B5.
  const mix: BudgetsReport['mix'] = [];
  for (const [entityCache, endpoint] of [
    [true, options.endpoint],
    [false, options.endpointNoEntityCache],
  ] as const) {
    await clearLogs();
    const ops = [op(1), op(4), op(5)];
    const sent = new Map<number, number>();
    const result = await driveFixedRate({
      ratePerSecond: MIX.ratePerSecond,
      leadInMs: MIX.leadInMs,
      measureMs: MIX.measureMs,
      tasks: ops.map((o) => ({
        name: String(o.index),
        run: (n: number) => {
          sent.set(o.index, (sent.get(o.index) ?? 0) + 1);
          return postGraphQL(endpoint, o.document, o.variables(n % MIX.repeat), o.headers(n % MIX.repeat));
        },
      })),
    });
    const log = await readLog();
    const operations: MixOperation[] = ops.map((o) => {
      const samples = result.byTask.get(String(o.index))!;
      if (samples.firstError) notes.push(`Budgets, mix op ${o.index} (entity cache ${entityCache ? 'on' : 'off'}): ${samples.errors} failed, the first with: ${samples.firstError}`);
      const calls = log.filter((e) => MIX_ROUTES[o.index]!.includes(e.route)).length;
      return { index: o.index, callsPerOp: calls / (sent.get(o.index) ?? 1), p50Ms: summarize(samples.latenciesMs).p50, failed: samples.errors };
    });
    mix.push({ entityCache, ratePerSecond: MIX.ratePerSecond, measureS: MIX.measureMs / 1000, operations });
  }
  options.progress('budgets: mix done');
  await clearLogs();

  return {
    upstreamLatencyMs: latency,
    coldOp3: { ...cold, direct: directOp3 },
    warmOp3: { runs: warmRuns, failed: warmFailed, direct: directOp3, targetRoundTrips: 1 },
    hotOp1: {
      connections: HOT.connections,
      durationS: HOT.durationS,
      rps: hot.rps,
      p50Ms: hot.latencyP50Ms,
      calls: hotCalls,
      failed: hot.failed,
      targetRps: HOT.targetRps,
      beforeRps: HOT.beforeRps,
    },
    mix,
  };
}
