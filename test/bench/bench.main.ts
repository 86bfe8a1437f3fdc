import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gatherFacts } from './bench.facts.js';
import { loadConfig } from '../../src/config.js';
import { benchOperations, TARGET_RATE, type BenchFacts, type BenchOperation } from './bench.operations.js';
import { measureBudgets } from './budgets.probe.js';
import {
  renderReport,
  type BenchReport,
  type BudgetsReport,
  type CallCounts,
  type EventsReport,
  type FloorReport,
  type LatencyReport,
  type OperationReport,
  type ThroughputReport,
} from './bench.table.js';
import { DIRECT_USER_AGENT, DirectClient, type UpstreamEndpoints } from './direct.client.js';
import { measureLiveEvents } from './events.probe.js';
import { postGraphQL } from './gateway.client.js';
import type { GatewayProcessSettings } from './gateway.process.js';
import { summarize } from './latency.stats.js';
import { cpuMeter } from './cpu.meter.js';
import { machineLine, peakRssBytes, rssBytes } from './machine.info.js';
import { ProcessSupervisor, type Child } from './process.supervisor.js';
import { summarizeProfile } from './profile.summary.js';
import { driveFixedRate } from './rate.driver.js';
import { SimControl, callDifferences, describeCall, type SimLogEntry } from './sim.control.js';
import { GATEWAY_NODE_FLAGS, measureStartup } from './startup.probe.js';
import { measureThroughput } from './throughput.probe.js';
import { newWebhookKey } from './webhook.client.js';

// `npm run bench`: the simulators, the gateway, a naive gateway (loaders off) and a bare Apollo
// Server each run in their own process; this process generates the load over loopback and prints
// one markdown table (also written to test/artifacts/bench.md). Exit 0 when the run completed,
// whatever the targets say; non-zero only when the bench itself broke.
//
// BENCH_UPSTREAM_LATENCY_MS sets the latency injected per upstream call (default 20).
// `npm run bench -- --profile` also profiles the gateway (V8 CPU profile) during one extra,
// unmeasured throughput round and prints where its time went.
// `npm run bench -- --events-only` runs just rows W1 and W2 (live events) against fresh simulators
// and a fresh gateway, and writes test/artifacts/bench-events.md instead of bench.md.
// `npm run bench -- --calls-only` runs just the upstream-call counts of rows 1–7 (gateway, naive
// gateway, minimum; no latency, throughput or events) and writes test/artifacts/bench-calls.md.
// `npm run bench -- --budgets-only` runs just the second table ("With the documented budgets on":
// op 3 cold and warm, op 1 hot, a repeated mix with the entity cache on and off) against fresh
// simulators and fresh budgeted gateways, and writes test/artifacts/bench-budgets.md.
// BENCH_EVENT_SOCKETS sets how many WebSocket connections carry W1's 1,000 subscriptions (default
// 100, i.e. 10 subscriptions multiplexed on each; 1000 gives each subscription its own socket).

/** The budgets table adds about 35 s to the run (180 s in all on 2 cores). */
const HARD_DEADLINE_MS = 360_000;
const UPSTREAM_LATENCY_MS = Number(process.env.BENCH_UPSTREAM_LATENCY_MS ?? 20);
const PROFILE = process.argv.includes('--profile');
const EVENTS_ONLY = process.argv.includes('--events-only');
const CALLS_ONLY = process.argv.includes('--calls-only');
const BUDGETS_ONLY = process.argv.includes('--budgets-only');
/** Credentials op 3 runs cold (then warm) for in the budgets table, at once. */
const BUDGET_CREDENTIALS = 4;
/** Untimed lead-in of each fixed-rate phase. */
const LEAD_IN_MS = 2_000;
/** Untimed requests per operation before the latency phase (a quarter for the heavy ones). */
const WARMUP_REQUESTS = 400;
const THROUGHPUT = { connections: 16, warmupS: 2, roundS: 4, rounds: 3, target: 0.7 };
const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));
const PROFILE_FILE = `${ARTIFACTS}gateway-throughput.cpuprofile`;
/** Every server runs as deployed: graphql-js and Express skip their development-only checks. */
const PRODUCTION = { NODE_ENV: 'production' };
/** Rows W1 and W2; the issue's target is p99 ≤ 50 ms for both. */
const SUBSCRIBERS = 1_000;
const EVENT_SOCKETS = Number(process.env.BENCH_EVENT_SOCKETS ?? 100);
const EVENTS = {
  subscribers: { sockets: EVENT_SOCKETS, perSocket: SUBSCRIBERS / EVENT_SOCKETS },
  fanOut: { ratePerSecond: 10, measureMs: 10_000 },
  endpoint: { ratePerSecond: 200, measureMs: 10_000 },
  p99TargetMs: 50,
};
/** Generated for this run: the gateway accepts Bondora deliveries signed with it, and only those. */
const WEBHOOK_KEY = newWebhookKey();

interface SimulatorsReady {
  bondora: { url: string; token: string; investorTokens: string[] };
  bond: { url: string; origin: string; identity: string; apiKey: string };
}
interface ServerReady {
  url: string;
}

const supervisor = new ProcessSupervisor();
const progress = (message: string) => process.stderr.write(`bench: ${message}\n`);

process.on('exit', () => supervisor.killAll());
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    progress(`${signal}: stopping the children`);
    supervisor.killAll();
    process.exit(130);
  });
}
setTimeout(() => {
  progress(`hard deadline of ${HARD_DEADLINE_MS / 1000} s reached: stopping`);
  supervisor.killAll();
  process.exit(2);
}, HARD_DEADLINE_MS).unref();

async function main(): Promise<void> {
  if (!Number.isInteger(EVENTS.subscribers.perSocket) || EVENTS.subscribers.perSocket < 1) {
    throw new Error(`BENCH_EVENT_SOCKETS=${EVENT_SOCKETS} does not divide ${SUBSCRIBERS} subscriptions evenly`);
  }
  if ([EVENTS_ONLY, CALLS_ONLY, BUDGETS_ONLY].filter(Boolean).length > 1) throw new Error('--events-only, --calls-only and --budgets-only exclude each other');
  if (EVENTS_ONLY) return eventsOnly();
  if (CALLS_ONLY) return callsOnly();
  if (BUDGETS_ONLY) return budgetsOnly();
  const startedAt = Date.now();
  const elapsed = () => `${((Date.now() - startedAt) / 1000).toFixed(1)} s`;
  const machine = machineLine();
  progress(machine);
  const notes: string[] = [];

  // Processes: simulators first (the gateways need their URLs), then both gateways at once.
  const sims = await supervisor.start<SimulatorsReady>('simulators', './simulators.process.ts', { env: PRODUCTION });
  const upstreams: UpstreamEndpoints = {
    bondora: { url: sims.ready.bondora.url, token: sims.ready.bondora.token },
    bond: { url: sims.ready.bond.url, identity: sims.ready.bond.identity, apiKey: sims.ready.bond.apiKey },
  };
  const controls = simControls(sims.ready);
  const startGateway = (name: string, batching: boolean, extra: Record<string, string> = {}) => startGatewayChild(sims.ready, name, batching, extra);
  mkdirSync(ARTIFACTS, { recursive: true });
  rmSync(PROFILE_FILE, { force: true });
  const [gateway, naive] = await Promise.all([
    startGateway('gateway', true, PROFILE ? { BENCH_PROFILE_FILE: PROFILE_FILE } : {}),
    startGateway('naive gateway', false),
  ]);
  const endpoint = `${gateway.ready.url}/graphql`;
  const rssAfterStart = rssBytes(gateway.pid);
  progress(`simulators, gateway (pid ${gateway.pid}) and naive gateway up after ${elapsed()}`);

  const direct = new DirectClient(upstreams);
  const facts = await gatherFacts(direct, endpoint, sims.ready.bondora.investorTokens, sims.ready.bondora.token);
  const operations = benchOperations(facts);
  /** The operations with a latency phase (the others are counted only). */
  const timed = operations.filter((op): op is BenchOperation & { ratePerSecond: number } => op.ratePerSecond !== undefined);
  const readLog = async () => (await Promise.all(controls.map((c) => c.log()))).flat();
  const clearLogs = () => Promise.all(controls.map((c) => c.clearLog()));

  // 1. Upstream calls per operation: one request at a time, counted in the simulators' logs.
  const counts = await countCalls(operations, { gateway: endpoint, naive: `${naive.ready.url}/graphql` }, direct, controls, notes);
  await naive.stop();
  progress(`call counts done after ${elapsed()}`);

  // The framework's ceiling and floor answer op 1 with the gateway's own answer as a constant.
  const op1 = operations[0]!;
  const reference = await postGraphQL(endpoint, op1.document, op1.variables(0));
  const bare = await supervisor.start<ServerReady>('bare Apollo', './bare-apollo.process.ts', {
    env: { ...PRODUCTION, BENCH_CONSTANT: JSON.stringify(reference.data.auction) },
  });
  const bareFetch = await supervisor.start<ServerReady>('bare Apollo + fetch', './bare-apollo.process.ts', {
    env: { ...PRODUCTION, BENCH_UPSTREAM: JSON.stringify(upstreams.bondora) },
  });
  const bareEndpoint = `${bare.ready.url}/graphql`;
  for (const server of [bare, bareFetch]) {
    const answer = await postGraphQL(`${server.ready.url}/graphql`, op1.document, op1.variables(0));
    if (answer.text !== reference.text) {
      notes.push(`The ${server.name} answer to op 1 differs from the gateway's (${answer.text.length} vs ${reference.text.length} bytes).`);
    }
  }

  // JIT warm-up, untimed: every timed operation through the gateway and the direct client, as a
  // deployed gateway would have run them many times before; upstream latency off to be quick.
  await Promise.all(controls.map((c) => c.setLatency(0)));
  for (const op of timed) {
    const total = op.ratePerSecond >= 100 ? WARMUP_REQUESTS : WARMUP_REQUESTS / 4;
    let next = 0;
    const worker = async () => {
      for (let n = next++; n < total; n = next++) {
        await Promise.all([postGraphQL(endpoint, op.document, op.variables(n), op.headers(n)), op.direct(direct, n)]);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
  }
  await Promise.all(controls.map((c) => c.setLatency(UPSTREAM_LATENCY_MS)));
  await clearLogs();
  progress(`warm-up done after ${elapsed()}`);

  // 2. Latency, gateway and direct client side by side at a fixed rate, upstream latency injected.
  const latencies = new Map<number, LatencyReport>();
  const lags: string[] = [];
  for (const op of timed) {
    latencies.set(op.index, await measureLatency(op));
    progress(`latency of op ${op.index} done after ${elapsed()}`);
  }

  async function measureLatency(op: BenchOperation & { ratePerSecond: number }): Promise<LatencyReport> {
    await clearLogs();
    let gatewayRequests = 0;
    const usage = cpuMeter({ gateway: gateway.pid, simulators: sims.pid, 'bare Apollo servers (idle)': bare.pid });
    const result = await driveFixedRate({
      ratePerSecond: op.ratePerSecond,
      leadInMs: LEAD_IN_MS,
      measureMs: op.ratePerSecond >= 100 ? 6_000 : 10_000,
      tasks: [
        {
          name: 'gateway',
          run: (n) => {
            gatewayRequests += 1;
            return postGraphQL(endpoint, op.document, op.variables(n), op.headers(n));
          },
        },
        { name: 'direct', run: (n) => op.direct(direct, n) },
      ],
    });
    const cpu = usage();
    lags.push(`op ${op.index} ${result.dispatchLagP99Ms.toFixed(1)} ms`);

    // Calls per operation under load: every logged call that is not the direct client's.
    const log = await readLog();
    await clearLogs();
    const perOp = log.filter((e) => e.headers['user-agent'] !== DIRECT_USER_AGENT).length / gatewayRequests;
    const alone = counts.get(op.index)!.gateway;
    if (perOp < alone - 0.005) {
      notes.push(
        `Op ${op.index} under load: ${perOp.toFixed(2)} upstream calls per operation (${alone} alone): the HTTP client shared GETs that concurrent operations had in flight.`,
      );
    } else if (perOp > alone + 0.005) {
      notes.push(`Op ${op.index} under load: ${perOp.toFixed(2)} upstream calls per operation (${alone} alone).`);
    }
    const failedCalls = log.filter((e) => e.status >= 400 || e.status < 0);
    if (failedCalls.length > 0) notes.push(`Op ${op.index} under load: ${failedCalls.length} upstream calls failed, e.g. ${describeCall(failedCalls[0]!)}.`);

    const side = (name: string) => result.byTask.get(name)!;
    for (const name of ['gateway', 'direct']) {
      if (side(name).firstError) notes.push(`Op ${op.index}, ${name}: ${side(name).errors} requests failed, the first with: ${side(name).firstError}`);
    }
    return {
      ratePerSecond: op.ratePerSecond,
      gateway: summarize(side('gateway').latenciesMs),
      direct: summarize(side('direct').latenciesMs),
      failed: {
        gateway: side('gateway').sent - side('gateway').latenciesMs.length,
        direct: side('direct').sent - side('direct').latenciesMs.length,
      },
      target: op.latencyTarget,
      cpu: cpu.text,
      othersPct: cpu.othersPct,
      gatewayCpuMsPerOp: (1000 * (cpu.seconds.gateway ?? Number.NaN)) / gatewayRequests,
    };
  }

  // 3. Maximum throughput of op 1 with no upstream latency, gateway and bare Apollo in turns.
  const peakAfterLatency = peakRssBytes(gateway.pid);
  await Promise.all(controls.map((c) => c.setLatency(0)));
  const throughput = await measureMaxThroughput(facts);
  progress(`throughput done after ${elapsed()}`);

  async function measureMaxThroughput({ activeAuctionIds: ids }: BenchFacts): Promise<ThroughputReport> {
    // Varying ids keep concurrent requests from sharing one upstream call.
    const body = (n: number) => JSON.stringify({ query: op1.document, variables: { id: ids[n % ids.length] } });
    const run = (target: Child<ServerReady>, durationS: number) =>
      measureThroughput({ endpoint: `${target.ready.url}/graphql`, body, connections: THROUGHPUT.connections, durationS });
    for (const server of [gateway, bareFetch, bare]) await run(server, THROUGHPUT.warmupS);
    const report: ThroughputReport = {
      gatewayRps: [],
      bareRps: [],
      bareFetchRps: [],
      connections: THROUGHPUT.connections,
      roundS: THROUGHPUT.roundS,
      target: THROUGHPUT.target,
      cpu: [],
      othersPct: 0,
      gatewayCpuMsPerOp: Number.NaN,
      bareCpuMsPerOp: Number.NaN,
      bareFetchCpuMsPerOp: Number.NaN,
    };
    const perOp = { gateway: { s: 0, ok: 0 }, bare: { s: 0, ok: 0 }, bareFetch: { s: 0, ok: 0 } };
    let failed = 0;
    for (let round = 0; round < THROUGHPUT.rounds; round++) {
      const turns = [
        [gateway, 'gateway', report.gatewayRps],
        [bareFetch, 'bareFetch', report.bareFetchRps],
        [bare, 'bare', report.bareRps],
      ] as const;
      for (const [target, side, rps] of turns) {
        await clearLogs();
        const usage = cpuMeter({ [side]: target.pid, simulators: sims.pid });
        const result = await run(target, THROUGHPUT.roundS);
        const cpu = usage();
        rps.push(result.rps);
        failed += result.failed;
        perOp[side].s += cpu.seconds[side] ?? Number.NaN;
        perOp[side].ok += result.ok;
        report.cpu.push(cpu.text);
        report.othersPct = Math.max(report.othersPct, cpu.othersPct);
      }
    }
    await clearLogs();
    report.gatewayCpuMsPerOp = (1000 * perOp.gateway.s) / perOp.gateway.ok;
    report.bareCpuMsPerOp = (1000 * perOp.bare.s) / perOp.bare.ok;
    report.bareFetchCpuMsPerOp = (1000 * perOp.bareFetch.s) / perOp.bareFetch.ok;
    if (failed > 0) notes.push(`Throughput: ${failed} requests failed or answered with errors.`);
    notes.push(
      `Throughput rounds (req/s): gateway ${report.gatewayRps.map(Math.round).join(', ')}; bare Apollo + fetch ${report.bareFetchRps.map(Math.round).join(', ')}; bare Apollo ${report.bareRps.map(Math.round).join(', ')}; the medians are compared.`,
    );

    if (PROFILE) {
      gateway.send('profile start');
      await run(gateway, THROUGHPUT.roundS);
      gateway.send('profile stop');
      await waitForFile(PROFILE_FILE, 15_000);
    }
    return report;
  }

  // 4. The framework floor: bare Apollo alone at op 1's rate (no upstream, no gateway work), warm
  // from the throughput rounds.
  const floor = await measureFloor();
  progress(`framework floor done after ${elapsed()}`);

  async function measureFloor(): Promise<FloorReport> {
    let requests = 0;
    const usage = cpuMeter({ bare: bare.pid });
    const result = await driveFixedRate({
      ratePerSecond: TARGET_RATE,
      leadInMs: LEAD_IN_MS,
      measureMs: 6_000,
      tasks: [
        {
          name: 'bare',
          run: (n) => {
            requests += 1;
            return postGraphQL(bareEndpoint, op1.document, op1.variables(n));
          },
        },
      ],
    });
    const cpu = usage();
    const samples = result.byTask.get('bare')!;
    if (samples.errors > 0) notes.push(`Framework floor: ${samples.errors} requests failed, the first with: ${samples.firstError}`);
    return { ratePerSecond: TARGET_RATE, bare: summarize(samples.latenciesMs), cpuMsPerOp: (1000 * (cpu.seconds.bare ?? Number.NaN)) / requests };
  }

  // 5. Live events (rows W1 and W2) on the same gateway, last: its 1,000 subscribers would weigh on
  // row M, so the peak is read before, and the reference servers are no longer needed.
  const peakBeforeEvents = peakRssBytes(gateway.pid);
  await Promise.all([bare.stop(), bareFetch.stop()]);
  const events = await measureEvents(gateway, { simulators: sims.pid }, controls, notes);
  progress(`live events done after ${elapsed()}`);

  // 6. The second table, with the documented budgets on: fresh budgeted gateways over the same simulators.
  await gateway.stop();
  const budgets = await measureBudgetsTable(sims.ready, operations, facts, direct, controls, notes);
  progress(`budgets table done after ${elapsed()}`);

  // 7. Row P: the process `npm start` runs, alone, at the upstreams' full speed.
  await Promise.all(controls.map((c) => c.setLatency(0)));
  const op4 = operations[3]!;
  const startup = await measureStartup({
    upstreams,
    rounds: [
      { body: (n) => JSON.stringify({ query: op1.document, variables: op1.variables(n) }) },
      { body: (n) => JSON.stringify({ query: op4.document, variables: op4.variables(n) }) },
    ],
    roundS: THROUGHPUT.roundS,
    connections: THROUGHPUT.connections,
  });
  if (startup.failed > 0) notes.push(`Row P: ${startup.failed} of ${startup.ok + startup.failed} operations failed.`);
  progress(`npm start's process measured after ${elapsed()}`);

  const report: BenchReport = {
    machine,
    upstreamLatencyMs: UPSTREAM_LATENCY_MS,
    operations: operations.map((op) => ({ index: op.index, title: op.title, calls: counts.get(op.index)!, latency: latencies.get(op.index) })),
    floor,
    throughput,
    memory: { afterStartBytes: rssAfterStart, peakBytes: peakBeforeEvents },
    startup,
    events,
    budgets,
    notes,
  };
  await supervisor.stopAll();

  const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
  notes.push(
    minimumNote(report.operations),
    `Gateway CPU per operation at the fixed rates (each phase's 2 s lead-in included): ${timed.map((o) => `op ${o.index} ${latencies.get(o.index)!.gatewayCpuMsPerOp.toFixed(2)} ms`).join(', ')}.`,
    `Gateway peak RSS ${mib(peakAfterLatency)} after the latency phase, ${mib(peakBeforeEvents)} after the throughput phase (row M, read before rows W1 and W2).`,
    `Load generator dispatch lag (p99, how late requests left): ${lags.join(', ')}.`,
    `CPU while measuring, % of one core: ${timed.map((o) => `op ${o.index}: ${latencies.get(o.index)!.cpu}`).join('; ')}; throughput rounds: ${throughput.cpu.join('; ')}.`,
    `Run time ${elapsed()}.`,
  );
  const markdown = renderReport(report);
  process.stdout.write(`\n${markdown}\n`);
  writeFileSync(`${ARTIFACTS}bench.md`, `${markdown}\n`);
  if (PROFILE) {
    process.stdout.write(`\nGateway CPU profile of one extra throughput round (op 1, upstream latency 0), ${PROFILE_FILE}:\n\n${summarizeProfile(PROFILE_FILE, 25)}\n`);
  }
}

/**
 * Upstream calls of each operation alone, one request at a time, counted in the simulators' logs:
 * through the gateway, through the naive gateway (both must answer without errors), and by the
 * direct client (whose count must be the derived minimum). Upstream latency as in the latency phase.
 */
async function countCalls(
  operations: BenchOperation[],
  endpoints: { gateway: string; naive: string },
  direct: DirectClient,
  controls: SimControl[],
  notes: string[],
): Promise<Map<number, CallCounts>> {
  await Promise.all(controls.map((c) => c.setLatency(UPSTREAM_LATENCY_MS)));
  const logOf = async (run: () => Promise<unknown>): Promise<SimLogEntry[]> => {
    await Promise.all(controls.map((c) => c.clearLog()));
    await run();
    return (await Promise.all(controls.map((c) => c.log()))).flat();
  };
  const counts = new Map<number, CallCounts>();
  for (const op of operations) {
    const viaGateway = await logOf(() => postGraphQL(endpoints.gateway, op.document, op.variables(0), op.headers(0)));
    const viaNaive = await logOf(() => postGraphQL(endpoints.naive, op.document, op.variables(0), op.headers(0)));
    const viaDirect = await logOf(() => op.direct(direct, 0));
    if (viaDirect.length !== op.minimum) {
      throw new Error(`op ${op.index}: the direct client made ${viaDirect.length} calls but the derived minimum is ${op.minimum}`);
    }
    const { beyond, inPlaceOf } = callDifferences(viaGateway, viaDirect);
    const extra = beyond.map(describeCall);
    counts.set(op.index, { gateway: viaGateway.length, naive: viaNaive.length, minimum: op.minimum, minimumNote: op.minimumNote, extra });
    if (extra.length > 0) notes.push(`Op ${op.index}: calls the gateway made beyond the direct client's (simulator log): ${extra.join(', ')}.`);
    if (inPlaceOf.length > 0) {
      const pairs = inPlaceOf.map((p) => `${describeCall(p.actual)} where the direct client made ${describeCall(p.expected)}`);
      notes.push(`Op ${op.index}: the gateway's calls differ from the direct client's in their query, not in number: ${pairs.join('; ')}.`);
    }
    if (op.naivePerItem !== undefined && op.naivePerItem !== viaNaive.length) {
      notes.push(
        `Op ${op.index}, naive column: ${viaNaive.length} calls with the loaders off, because the HTTP client (src/upstream/http.ts) still merges identical GETs in flight at the same time; a resolver loading each item on its own makes ${op.naivePerItem}.`,
      );
    }
    const failed = [...viaGateway, ...viaNaive].filter((e) => e.status >= 400);
    if (failed.length > 0) notes.push(`Op ${op.index}: upstream answered ${failed.map(describeCall).join(', ')}.`);
  }
  return counts;
}

function minimumNote(operations: OperationReport[]): string {
  return `Minimum calls (test/bench/minimum.calls.ts): ${operations.map((o) => `op ${o.index} ${o.calls.minimumNote}`).join('; ')}.`;
}

function simControls(sims: SimulatorsReady): SimControl[] {
  return [new SimControl('Bondora simulator', sims.bondora.url), new SimControl('Bond simulator', sims.bond.origin)];
}

function startGatewayChild(
  sims: SimulatorsReady,
  name: string,
  batching: boolean,
  extra: Record<string, string> = {},
  caching: Pick<GatewayProcessSettings, 'budgets' | 'entityCache'> = {},
): Promise<Child<ServerReady>> {
  const settings: GatewayProcessSettings = {
    bondora: { url: sims.bondora.url, token: sims.bondora.token },
    bond: { url: sims.bond.url, identity: sims.bond.identity, apiKey: sims.bond.apiKey },
    batching,
    webhookKey: WEBHOOK_KEY,
    ...caching,
  };
  // The gateway's own modules compiled by tsc and the node flags of `npm start`, as deployed.
  return supervisor.start<ServerReady>(name, './gateway.process.ts', {
    env: { ...PRODUCTION, BENCH_GATEWAY: JSON.stringify({ ...settings, compiled: true }), ...extra },
    nodeArgs: GATEWAY_NODE_FLAGS,
  });
}

/** Rows W1 and W2 against `gateway`, with the simulators' logs as the count of upstream calls. */
function measureEvents(gateway: Child<ServerReady>, otherPids: Record<string, number>, controls: SimControl[], notes: string[]): Promise<EventsReport> {
  return measureLiveEvents({
    gatewayUrl: gateway.ready.url,
    key: WEBHOOK_KEY,
    ...EVENTS,
    leadInMs: LEAD_IN_MS,
    pids: { gateway: gateway.pid, ...otherPids },
    upstream: {
      clear: async () => {
        await Promise.all(controls.map((c) => c.clearLog()));
      },
      count: async () => (await Promise.all(controls.map((c) => c.log()))).flat().length,
    },
    notes,
    progress,
  });
}

/**
 * The budgets table on two fresh gateways with the documented budgets and production's caches (one
 * with the entity caches off, for row B5), stopped afterwards.
 */
async function measureBudgetsTable(
  sims: SimulatorsReady,
  operations: BenchOperation[],
  facts: BenchFacts,
  direct: DirectClient,
  controls: SimControl[],
  notes: string[],
): Promise<BudgetsReport> {
  const [budgeted, noEntityCache] = await Promise.all([
    startGatewayChild(sims, 'budgeted gateway', true, {}, { budgets: true }),
    startGatewayChild(sims, 'budgeted gateway, entity cache off', true, {}, { budgets: true, entityCache: false }),
  ]);
  try {
    return await measureBudgets({
      endpoint: `${budgeted.ready.url}/graphql`,
      endpointNoEntityCache: `${noEntityCache.ready.url}/graphql`,
      operations,
      direct,
      // Fresh to these gateways: neither has served any credential yet.
      freshTokens: facts.investorTokens.slice(0, BUDGET_CREDENTIALS),
      activeAuctionId: facts.activeAuctionIds[0]!,
      listCacheTtlMs: loadConfig({}).bondora.listCacheTtlMs,
      controls,
      upstreamLatencyMs: UPSTREAM_LATENCY_MS,
      notes,
      progress,
    });
  } finally {
    await Promise.all([budgeted.stop(), noEntityCache.stop()]);
  }
}

/** `--budgets-only`: the budgets table alone, on fresh children. */
async function budgetsOnly(): Promise<void> {
  const startedAt = Date.now();
  const machine = machineLine();
  progress(machine);
  const notes: string[] = [];
  const sims = await supervisor.start<SimulatorsReady>('simulators', './simulators.process.ts', { env: PRODUCTION });
  const gateway = await startGatewayChild(sims.ready, 'gateway', true);
  const direct = new DirectClient({
    bondora: { url: sims.ready.bondora.url, token: sims.ready.bondora.token },
    bond: { url: sims.ready.bond.url, identity: sims.ready.bond.identity, apiKey: sims.ready.bond.apiKey },
  });
  // The facts' cursors come from the unbudgeted gateway, so the budgeted ones start untouched.
  const facts = await gatherFacts(direct, `${gateway.ready.url}/graphql`, sims.ready.bondora.investorTokens, sims.ready.bondora.token);
  await gateway.stop();
  const operations = benchOperations(facts);
  const budgets = await measureBudgetsTable(sims.ready, operations, facts, direct, simControls(sims.ready), notes);
  await supervisor.stopAll();
  notes.push(`Run time ${((Date.now() - startedAt) / 1000).toFixed(1)} s (--budgets-only).`);
  const markdown = renderReport({ machine, upstreamLatencyMs: UPSTREAM_LATENCY_MS, operations: [], budgets, notes });
  process.stdout.write(`\n${markdown}\n`);
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(`${ARTIFACTS}bench-budgets.md`, `${markdown}\n`);
}

/** `--events-only`: rows W1 and W2 alone, on fresh children. */
async function eventsOnly(): Promise<void> {
  const startedAt = Date.now();
  const machine = machineLine();
  progress(machine);
  const notes: string[] = [];
  const sims = await supervisor.start<SimulatorsReady>('simulators', './simulators.process.ts', { env: PRODUCTION });
  const gateway = await startGatewayChild(sims.ready, 'gateway', true);
  progress(`simulators and gateway (pid ${gateway.pid}) up after ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
  const events = await measureEvents(gateway, { simulators: sims.pid }, simControls(sims.ready), notes);
  await supervisor.stopAll();
  notes.push(`Run time ${((Date.now() - startedAt) / 1000).toFixed(1)} s (--events-only).`);
  const markdown = renderReport({ machine, upstreamLatencyMs: 0, operations: [], events, notes });
  process.stdout.write(`\n${markdown}\n`);
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(`${ARTIFACTS}bench-events.md`, `${markdown}\n`);
}

/** `--calls-only`: the upstream-call column of rows 1–7 alone, on fresh children. */
async function callsOnly(): Promise<void> {
  const startedAt = Date.now();
  const machine = machineLine();
  progress(machine);
  const notes: string[] = [];
  const sims = await supervisor.start<SimulatorsReady>('simulators', './simulators.process.ts', { env: PRODUCTION });
  const [gateway, naive] = await Promise.all([startGatewayChild(sims.ready, 'gateway', true), startGatewayChild(sims.ready, 'naive gateway', false)]);
  const endpoint = `${gateway.ready.url}/graphql`;
  progress(`simulators, gateway and naive gateway up after ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
  const direct = new DirectClient({
    bondora: { url: sims.ready.bondora.url, token: sims.ready.bondora.token },
    bond: { url: sims.ready.bond.url, identity: sims.ready.bond.identity, apiKey: sims.ready.bond.apiKey },
  });
  const facts = await gatherFacts(direct, endpoint, sims.ready.bondora.investorTokens, sims.ready.bondora.token);
  const operations = benchOperations(facts);
  const counts = await countCalls(operations, { gateway: endpoint, naive: `${naive.ready.url}/graphql` }, direct, simControls(sims.ready), notes);
  await supervisor.stopAll();
  const report: BenchReport = {
    machine,
    upstreamLatencyMs: UPSTREAM_LATENCY_MS,
    operations: operations.map((op) => ({ index: op.index, title: op.title, calls: counts.get(op.index)! })),
    notes,
  };
  notes.push(minimumNote(report.operations), `Run time ${((Date.now() - startedAt) / 1000).toFixed(1)} s (--calls-only).`);
  const markdown = renderReport(report);
  process.stdout.write(`\n${markdown}\n`);
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(`${ARTIFACTS}bench-calls.md`, `${markdown}\n`);
}

async function waitForFile(path: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!existsSync(path)) {
    if (Date.now() > until) throw new Error(`${path} was not written within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    progress(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    supervisor.killAll();
    process.exit(1);
  },
);
