import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { UpstreamEndpoints } from './direct.client.js';
import { peakRssBytes, rssBytes } from './machine.info.js';
import { measureThroughput } from './throughput.probe.js';

// Row P: the process `npm start` runs (the launcher importing dist/main.js, with the same node
// flags), configured only by environment variables as in production, over the bench's simulators.
// Its RSS once it has answered one operation, then its peak after closed-loop rounds of two
// operations, are what a deployment pays; the bench's other gateway carries tsx's loader.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** As package.json's `start` and the Dockerfile run the gateway. */
export const GATEWAY_NODE_FLAGS = ['--max-semi-space-size=8', '--heap-growing-percent=50'];

export interface StartupReport {
  afterStartBytes: number;
  peakBytes: number;
  /** Operations answered in the load rounds, and how many of them failed. */
  ok: number;
  failed: number;
}

export interface StartupProbeOptions {
  upstreams: UpstreamEndpoints;
  /** Bodies of the load rounds, one closed-loop round per entry. */
  rounds: Array<{ body(n: number): string }>;
  roundS: number;
  connections: number;
}

export async function measureStartup(options: StartupProbeOptions): Promise<StartupReport> {
  const { bondora, bond } = options.upstreams;
  const child = spawn(process.execPath, [...GATEWAY_NODE_FLAGS, 'scripts/start.mjs'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      PORT: '0',
      HOST: '127.0.0.1',
      BONDORA_API_URL: bondora.url,
      BONDORA_ACCESS_TOKEN: bondora.token,
      BOND_API_URL: bond.url,
      BOND_IDENTITY: bond.identity,
      BOND_API_KEY: bond.apiKey,
      // The bench's conditions: one caller on loopback, the upstreams' budgets off (the simulators' too).
      AUTH_DISABLED: 'true',
      BONDORA_RATE_LIMITS: 'off',
      BOND_RATE_LIMIT: 'off',
      CALLER_RATE_LIMIT: 'off',
      CALLER_SHARE_PERCENT: '100',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      let err = '';
      const timer = setTimeout(() => reject(new Error(`npm start's gateway printed no URL within 60 s\n${err}`)), 60_000);
      child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
        out += chunk;
        const match = /GraphQL gateway\s+(http:\/\/\S+)\/graphql/.exec(out);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
      child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
      child.once('exit', (code) => reject(new Error(`npm start's gateway exited (code ${code})\n${err}`)));
    });
    const endpoint = `${url}/graphql`;
    const first = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: options.rounds[0]!.body(0) });
    await first.text();
    const afterStartBytes = rssBytes(child.pid!);
    let ok = 0;
    let failed = 0;
    for (const round of options.rounds) {
      const result = await measureThroughput({ endpoint, body: round.body, connections: options.connections, durationS: options.roundS });
      ok += result.ok;
      failed += result.failed;
    }
    return { afterStartBytes, peakBytes: peakRssBytes(child.pid!), ok, failed };
  } finally {
    child.kill('SIGTERM');
  }
}
