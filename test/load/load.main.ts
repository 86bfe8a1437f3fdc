import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { ProcessSupervisor, type Child } from '../bench/process.supervisor.js';
import { SimControl } from '../bench/sim.control.js';
import { DEFAULT_REDIS_URL, deleteKeys, newWebhookKeys, replicaEnvironment, startReplicas } from '../fleet/fleet.harness.js';
import { faultMix } from './load.faults.js';
import { EXPECTED_CODES, formatReport, verdict, type LoadResult, type ReplicaMemory } from './load.report.js';

// `npm run load`: the gateway in its own process under many concurrent clients while the
// simulators inject faults on every route. Loopback only; stops by itself.
//   --duration 60 --clients 200 --fault-rate 0.05   (the defaults)
//   --short   10 s, 50 clients: the CI variant. Memory growth is reported but not judged there,
//             since the heap is still finding its working size after a few seconds.
//   --replicas 3 [--redis redis://127.0.0.1:6379]   N `npm start` processes (compiled, its node flags) on one Redis (a key
//             prefix of their own, deleted afterwards), the clients spread evenly over them, against
//             simulators with the documented rate limits on; the report adds each replica's memory
//             and the 429s in the simulators' logs (none when the fleet shares its budgets).

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '60' },
    clients: { type: 'string', default: '200' },
    'fault-rate': { type: 'string', default: '0.05' },
    warmup: { type: 'string', default: '5' },
    short: { type: 'boolean', default: false },
    replicas: { type: 'string' },
    redis: { type: 'string', default: DEFAULT_REDIS_URL },
  },
});
const short = values.short;
const durationSeconds = short ? 10 : Number(values.duration);
const clients = short ? 50 : Number(values.clients);
const faultRate = Number(values['fault-rate']);
const warmupSeconds = Number(values.warmup);
const replicaCount = values.replicas === undefined ? undefined : Number(values.replicas);
if (
  ![durationSeconds, clients, faultRate, warmupSeconds].every(Number.isFinite) ||
  durationSeconds <= 0 ||
  durationSeconds > 600 ||
  clients < 1 ||
  clients > 1000 ||
  (replicaCount !== undefined && (!Number.isInteger(replicaCount) || replicaCount < 1 || replicaCount > 8 || replicaCount > clients))
) {
  throw new Error('usage: npm run load -- [--duration 1..600] [--clients 1..1000] [--fault-rate 0..1] [--warmup seconds] [--replicas 1..8 [--redis URL]]');
}

interface SimulatorsReady {
  bondora: { url: string; token: string };
  bond: { url: string; origin: string; identity: string; apiKey: string };
}

type LoadIds = { auctions: string[]; applications: string[]; updatable: string };

const supervisor = new ProcessSupervisor();
// Whatever happens, nothing outlives the run.
const deadline = setTimeout(() => {
  process.stderr.write('load test exceeded its deadline; stopping\n');
  supervisor.killAll();
  process.exit(2);
}, (durationSeconds + warmupSeconds + 120) * 1000);
deadline.unref();
process.once('SIGINT', () => {
  supervisor.killAll();
  process.exit(130);
});

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function seedIds(sims: SimulatorsReady): Promise<LoadIds> {
  const auctions = (await (
    await fetch(`${sims.bondora.url}/api/v1/auctions?PageSize=100`, { headers: { authorization: `Bearer ${sims.bondora.token}` } })
  ).json()) as { Payload: Array<{ AuctionId: string }> };
  const applications = (await (
    await fetch(`${sims.bond.url}/credit/applications?limit=50`, { headers: { identity: sims.bond.identity, authorization: sims.bond.apiKey } })
  ).json()) as { data: Array<{ application_id: string; application_status: string }> };
  const updatable = applications.data.find((a) => a.application_status === 'created') ?? applications.data[0]!;
  return {
    auctions: auctions.Payload.map((a) => a.AuctionId),
    applications: applications.data.map((a) => a.application_id),
    updatable: updatable.application_id,
  };
}

function operations(ids: LoadIds) {
  let n = 0;
  const pick = <T>(list: T[]) => list[n++ % list.length]!;
  return [
    () => ({ query: '{ auctions(first: 20) { totalCount edges { node { id rating interest remainingAmount } } } }' }),
    () => ({ query: '{ bids(first: 20) { edges { node { id status requestedAmount auction { id rating } } } } }' }),
    () => ({ query: '{ creditApplications(first: 20) { edges { node { id status applicant { customerId totalAnnualIncome } } } } }' }),
    () => ({ query: 'query ($id: ID!) { auction(id: $id) { id rating interest liabilities { creditor } } }', variables: { id: pick(ids.auctions) } }),
    () => ({ query: 'query ($id: ID!) { creditApplication(id: $id) { id status applicant { lastName } } }', variables: { id: pick(ids.applications) } }),
    () => ({
      query: 'mutation ($input: UpdateCreditApplicantInput!) { updateCreditApplicant(input: $input) { id updatedAt } }',
      variables: { input: { applicationId: ids.updatable, monthlyHousingPayment: 100_000 + (n++ % 1000) } },
    }),
  ];
}

/** `clients` connections split evenly over the gateways, all for the same `seconds`, into one tally. */
async function drive(urls: readonly string[], seconds: number, ids: LoadIds, tally?: LoadResult): Promise<void> {
  await Promise.all(urls.map((url, i) => driveOne(url, Math.floor(clients / urls.length) + (i < clients % urls.length ? 1 : 0), seconds, ids, tally)));
}

async function driveOne(url: string, connections: number, seconds: number, ids: LoadIds, tally?: LoadResult): Promise<void> {
  const ops = operations(ids);
  const requests = ops.map((body) => ({
    method: 'POST',
    path: '/graphql',
    headers: { 'content-type': 'application/json' },
    setupRequest: (request: autocannon.RequestParams) => ({ ...request, body: JSON.stringify(body()) }),
    onResponse: (status: number, text: string) => {
      if (!tally) return;
      tally.requests++;
      let parsed: { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> };
      try {
        parsed = JSON.parse(text) as typeof parsed;
      } catch {
        tally.broken++;
        return;
      }
      if (status === 200 && parsed.data && !parsed.errors) tally.clean++;
      for (const error of parsed.errors ?? []) {
        const code = error.extensions?.code ?? 'NO_CODE';
        tally.errorsByCode[code] = (tally.errorsByCode[code] ?? 0) + 1;
      }
    },
  }));
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    autocannon({ url, connections, duration: seconds, timeout: 20, requests }, (error, done) => (error ? reject(error) : resolve(done)));
  });
  // autocannon counts a timeout among its errors too.
  if (tally) tally.broken += result.errors;
}

interface Gateways {
  /** One entry per gateway process; the single-process mode has one. */
  processes: Array<{ name: string; url: string; pid: number; stderrTail(): string }>;
  sims: SimulatorsReady;
  ids: LoadIds;
  /** Faults that answer 429 would be indistinguishable from a limit's in the simulators' logs. */
  faults: ReturnType<typeof faultMix>;
  cleanup(): Promise<void>;
}

/** The bench's gateway process over the bench's simulators (limits off): the default mode. */
async function singleGateway(): Promise<Gateways> {
  const sims = await supervisor.start<SimulatorsReady>('simulators', './simulators.process.ts');
  const gateway: Child<{ url: string }> = await supervisor.start('gateway', './gateway.process.ts', {
    env: {
      BENCH_GATEWAY: JSON.stringify({
        bondora: { url: sims.ready.bondora.url, token: sims.ready.bondora.token },
        bond: { url: sims.ready.bond.url, identity: sims.ready.bond.identity, apiKey: sims.ready.bond.apiKey },
        batching: true,
      }),
    },
  });
  return {
    processes: [{ name: 'gateway', url: gateway.ready.url, pid: gateway.pid, stderrTail: gateway.stderrTail }],
    sims: sims.ready,
    ids: await seedIds(sims.ready),
    faults: faultMix(faultRate),
    cleanup: async () => {},
  };
}

/** N `npm start` processes on one Redis over simulators with the documented limits. */
async function fleetOfGateways(count: number): Promise<Gateways> {
  const sims = await supervisor.start<SimulatorsReady & { ids: LoadIds }>('simulators', '../load/load.simulators.ts');
  const redisUrl = values.redis;
  const prefix = `load:${randomUUID()}:`;
  const tokenEncryptionKey = randomBytes(32).toString('base64');
  const webhookKeys = newWebhookKeys();
  const replicas = await startReplicas(supervisor, count, (port) => ({
    ...replicaEnvironment({
      port,
      redisUrl,
      prefix,
      tokenEncryptionKey,
      bondoraUrl: sims.ready.bondora.url,
      bondUrl: sims.ready.bond.url,
      // The load generator sends no tokens: every request is the operator, on the gateway's credentials.
      auth: 'disabled',
      webhookKeys,
    }),
    FLEET_SIZE: String(count),
    // An info line per request would cost the replicas more than they serve.
    LOG_LEVEL: 'warn',
  }), true);
  return {
    processes: replicas,
    sims: sims.ready,
    ids: sims.ready.ids,
    faults: faultMix(faultRate).filter((f) => f.fault.status !== 429),
    cleanup: () => deleteKeys(redisUrl, prefix),
  };
}

async function main(): Promise<number> {
  const gateways = replicaCount === undefined ? await singleGateway() : await fleetOfGateways(replicaCount);
  const { processes, sims, ids } = gateways;
  const urls = processes.map((p) => p.url);
  const controls = { bondora: new SimControl('bondora', sims.bondora.url), bond: new SimControl('bond', sims.bond.origin) };
  for (const { origin, route, fault } of gateways.faults) await controls[origin].setFault(route, fault);

  const over = processes.length > 1 || replicaCount !== undefined ? ` over ${processes.length} replica(s)` : '';
  process.stdout.write(`warming up for ${warmupSeconds} s, then ${clients} clients${over} for ${durationSeconds} s...\n`);
  await drive(urls, warmupSeconds, ids);
  const memory: ReplicaMemory[] = processes.map((p) => ({ name: p.name, rssStartMiB: rssMiB(p.pid), rssPeakMiB: 0 }));
  memory.forEach((m) => (m.rssPeakMiB = m.rssStartMiB));
  const result: LoadResult = {
    durationSeconds,
    clients,
    faultRate,
    requests: 0,
    clean: 0,
    errorsByCode: {},
    broken: 0,
    crashes: 0,
    rssStartMiB: memory.reduce((sum, m) => sum + m.rssStartMiB, 0),
    rssEndMiB: 0,
    unexpectedCodes: [],
    judgeMemory: !short,
  };
  const samples: number[] = [];
  const crashed = new Set<number>();
  const watch = setInterval(() => {
    let total = 0;
    processes.forEach((p, i) => {
      if (!alive(p.pid)) return void crashed.add(p.pid);
      const rss = rssMiB(p.pid);
      memory[i]!.rssPeakMiB = Math.max(memory[i]!.rssPeakMiB, rss);
      total += rss;
    });
    samples.push(total);
  }, 1000);
  await drive(urls, durationSeconds, ids, result);
  clearInterval(watch);
  await new Promise((r) => setTimeout(r, 2000));
  for (const p of processes) {
    if (!alive(p.pid) || (await fetch(`${p.url}/healthz`).then((r) => r.status).catch(() => 0)) !== 200) crashed.add(p.pid);
  }
  result.crashes = crashed.size;
  result.rssEndMiB = result.crashes ? result.rssStartMiB : processes.reduce((sum, p) => sum + rssMiB(p.pid), 0);
  result.unexpectedCodes = Object.keys(result.errorsByCode).filter((code) => !EXPECTED_CODES.includes(code));
  if (replicaCount !== undefined) {
    result.replicas = memory;
    const count429 = async (control: SimControl) => (await control.log()).filter((e) => e.status === 429).length;
    result.upstream429s = { bondora: await count429(controls.bondora), bond: await count429(controls.bond) };
  }

  process.stdout.write(`\n${formatReport(result)}\n`);
  process.stdout.write(`\n${replicaCount === undefined ? 'gateway' : 'fleet'} RSS each 5 s (MiB): ${samples.filter((_, i) => i % 5 === 4).map((m) => m.toFixed(0)).join(' ')}\n`);
  if (result.unexpectedCodes.length > 0) {
    for (const p of processes) process.stdout.write(`\n${p.name} stderr (tail):\n${p.stderrTail()}\n`);
  }
  await supervisor.stopAll();
  await gateways.cleanup();
  return verdict(result).pass ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`load test failed to run: ${error instanceof Error ? error.stack : String(error)}\n`);
    supervisor.killAll();
    process.exit(2);
  },
);
