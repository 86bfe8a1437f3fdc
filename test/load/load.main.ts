import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { ProcessSupervisor, type Child } from '../bench/process.supervisor.js';
import { SimControl } from '../bench/sim.control.js';
import { faultMix } from './load.faults.js';
import { EXPECTED_CODES, formatReport, verdict, type LoadResult } from './load.report.js';

// `npm run load`: the gateway in its own process under many concurrent clients while the
// simulators inject faults on every route. Loopback only; stops by itself.
//   --duration 60 --clients 200 --fault-rate 0.05   (the defaults)
//   --short   10 s, 50 clients: the CI variant. Memory growth is reported but not judged there,
//             since the heap is still finding its working size after a few seconds.

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '60' },
    clients: { type: 'string', default: '200' },
    'fault-rate': { type: 'string', default: '0.05' },
    warmup: { type: 'string', default: '5' },
    short: { type: 'boolean', default: false },
  },
});
const short = values.short;
const durationSeconds = short ? 10 : Number(values.duration);
const clients = short ? 50 : Number(values.clients);
const faultRate = Number(values['fault-rate']);
const warmupSeconds = Number(values.warmup);
if (![durationSeconds, clients, faultRate, warmupSeconds].every(Number.isFinite) || durationSeconds <= 0 || durationSeconds > 600 || clients < 1 || clients > 1000) {
  throw new Error('usage: npm run load -- [--duration 1..600] [--clients 1..1000] [--fault-rate 0..1] [--warmup seconds]');
}

interface SimulatorsReady {
  bondora: { url: string; token: string };
  bond: { url: string; origin: string; identity: string; apiKey: string };
}

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

async function seedIds(sims: SimulatorsReady): Promise<{ auctions: string[]; applications: string[]; updatable: string }> {
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

function operations(ids: { auctions: string[]; applications: string[]; updatable: string }) {
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

async function drive(url: string, seconds: number, ids: Awaited<ReturnType<typeof seedIds>>, tally?: LoadResult): Promise<void> {
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
    autocannon({ url, connections: clients, duration: seconds, timeout: 20, requests }, (error, done) => (error ? reject(error) : resolve(done)));
  });
  if (tally) tally.broken += result.errors + result.timeouts;
}

async function main(): Promise<number> {
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
  const ids = await seedIds(sims.ready);
  const controls = { bondora: new SimControl('bondora', sims.ready.bondora.url), bond: new SimControl('bond', sims.ready.bond.origin) };
  for (const { origin, route, fault } of faultMix(faultRate)) await controls[origin].setFault(route, fault);

  process.stdout.write(`warming up for ${warmupSeconds} s, then ${clients} clients for ${durationSeconds} s...\n`);
  await drive(gateway.ready.url, warmupSeconds, ids);
  const result: LoadResult = {
    durationSeconds,
    clients,
    faultRate,
    requests: 0,
    clean: 0,
    errorsByCode: {},
    broken: 0,
    crashes: 0,
    rssStartMiB: rssMiB(gateway.pid),
    rssEndMiB: 0,
    unexpectedCodes: [],
    judgeMemory: !short,
  };
  const samples: number[] = [];
  const watch = setInterval(() => {
    if (!alive(gateway.pid)) result.crashes = 1;
    else samples.push(rssMiB(gateway.pid));
  }, 1000);
  await drive(gateway.ready.url, durationSeconds, ids, result);
  clearInterval(watch);
  await new Promise((r) => setTimeout(r, 2000));
  if (!alive(gateway.pid) || (await fetch(`${gateway.ready.url}/healthz`).then((r) => r.status).catch(() => 0)) !== 200) result.crashes = 1;
  result.rssEndMiB = result.crashes ? result.rssStartMiB : rssMiB(gateway.pid);
  result.unexpectedCodes = Object.keys(result.errorsByCode).filter((code) => !EXPECTED_CODES.includes(code));

  process.stdout.write(`\n${formatReport(result)}\n`);
  process.stdout.write(`\ngateway RSS each 5 s (MiB): ${samples.filter((_, i) => i % 5 === 4).map((m) => m.toFixed(0)).join(' ')}\n`);
  if (result.unexpectedCodes.length > 0) process.stdout.write(`\ngateway stderr (tail):\n${gateway.stderrTail()}\n`);
  await supervisor.stopAll();
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
