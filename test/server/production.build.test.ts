import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { BondSimulator } from '../../src/simulators/bond/bond.simulator.js';
import { BondoraSimulator } from '../../src/simulators/bondora/bondora.simulator.js';
import { startTestJwks, type TestJwks } from '../support/jwt.fixtures.js';

// The Dockerfile's steps without Docker: the checkout (tracked and new files) copied to a temp dir,
// its dependencies (the checkout's, installed from the same lockfile) and `npm run build` there, then a runtime folder holding only package.json,
// package-lock.json and dist/ with `npm ci --omit=dev`, and `node dist/main.js` started from it
// as the image starts it. A module-load hook (a file of every module URL loaded) shows which code
// each start carried: simulators on the embedded default, none on real upstreams.

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ARTIFACT = path.join(ROOT, 'test/artifacts/production.build.json');
const DEV_ONLY = ['tsx', 'esbuild', 'vitest', 'typescript'];
const QUERY = '{ auctions(first: 2) { edges { node { id } } } }';

const temp = mkdtempSync(path.join(tmpdir(), 'gateway-production-'));
const children: ChildProcessWithoutNullStreams[] = [];
const closers: Array<() => Promise<void>> = [];

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await Promise.all(closers.map((close) => close()));
  rmSync(temp, { recursive: true, force: true });
});

/** npm as a fresh shell runs it: no NODE_ENV (production would drop dev dependencies) nor the test runner's variables. */
function npm(cwd: string, args: string[]): void {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => /^(PATH|HOME|TMPDIR|npm_config_.*)$/i.test(name)));
  execFileSync('npm', args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
}

/** Writes the hook that appends every loaded module's URL to MODULE_TRACE_FILE; returns the --import argument. */
function moduleTraceHook(): string {
  const hooks = path.join(temp, 'trace.hooks.mjs');
  writeFileSync(
    hooks,
    `import { appendFileSync } from 'node:fs';
let file;
export function initialize(data) { file = data.file; }
export async function load(url, context, next) { appendFileSync(file, url + '\\n'); return next(url, context); }
`,
  );
  const register = path.join(temp, 'trace.register.mjs');
  writeFileSync(
    register,
    `import { register } from 'node:module';
register(${JSON.stringify(pathToFileURL(hooks).href)}, { data: { file: process.env.MODULE_TRACE_FILE } });
`,
  );
  return pathToFileURL(register).href;
}

interface Started {
  child: ChildProcessWithoutNullStreams;
  url: string;
  stdout: () => string;
  stderr: () => string;
  /** SIGTERM; resolves with the exit code. */
  stop: () => Promise<number | null>;
}

async function startCompiled(cwd: string, env: Record<string, string>, nodeArgs: string[] = []): Promise<Started> {
  const child = spawn(process.execPath, [...nodeArgs, 'dist/main.js'], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'production', PORT: '0', ...env },
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 30_000;
  let url: string | undefined;
  while (!url && Date.now() < deadline && child.exitCode === null) {
    url = /GraphQL gateway\s+(http:\/\/127\.0\.0\.1:\d+)\/graphql/.exec(stdout)?.[1];
    // The token block is written with the URLs, after everything has started.
    if (url && !/Callers\s/.test(stdout)) url = undefined;
    if (!url) await new Promise((r) => setTimeout(r, 50));
  }
  if (!url) throw new Error(`the compiled gateway did not start:\n${stdout}\n${stderr}`);
  return {
    child,
    url,
    stdout: () => stdout,
    stderr: () => stderr,
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

async function gql(url: string, token: string): Promise<{ data?: { auctions: { edges: Array<{ node: { id: string } }> } }; errors?: unknown[] }> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: QUERY }),
  });
  return (await response.json()) as never;
}

function rssBytes(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) * 1024;
}

const traced = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);

describe('the production build (the Dockerfile without Docker)', () => {
  it('builds, installs without dev dependencies, and runs dist/main.js on the embedded simulators and on real upstreams', { timeout: 600_000 }, async () => {
    const timings: Record<string, number> = {};
    const step = async <T>(name: string, run: () => T | Promise<T>): Promise<T> => {
      const started = Date.now();
      const result = await run();
      timings[name] = Date.now() - started;
      return result;
    };
    const testStarted = Date.now();

    const build = path.join(temp, 'build');
    await step('copy checkout', () => {
      const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
        .split('\0')
        .filter(Boolean);
      for (const file of files) {
        // A tracked file deleted in the working tree is listed but has nothing to copy.
        if (!existsSync(path.join(ROOT, file))) continue;
        mkdirSync(path.dirname(path.join(build, file)), { recursive: true });
        copyFileSync(path.join(ROOT, file), path.join(build, file));
      }
    });
    // The build stage's `npm ci` installs what the lockfile pins, which is what this checkout's
    // node_modules holds (CI's own `npm ci` on a clean clone made it): linked, not installed again,
    // which saves half a minute. The runtime install below is the one this test is about.
    await step('link node_modules', () => symlinkSync(path.join(ROOT, 'node_modules'), path.join(build, 'node_modules'), 'dir'));
    await step('npm run build', () => npm(build, ['run', 'build']));
    expect(existsSync(path.join(build, 'dist/main.js'))).toBe(true);
    const manifest = JSON.parse(readFileSync(path.join(build, 'dist/server/graphiql/assets/manifest.json'), 'utf8')) as { id: string; files: string[] };
    expect(manifest.files).toEqual(expect.arrayContaining(['app.js', 'app.css', 'editor.worker.js', 'json.worker.js', 'graphql.worker.js']));

    const runtime = path.join(temp, 'runtime');
    await step('runtime npm ci --omit=dev', () => {
      mkdirSync(runtime);
      for (const file of ['package.json', 'package-lock.json']) copyFileSync(path.join(build, file), path.join(runtime, file));
      cpSync(path.join(build, 'dist'), path.join(runtime, 'dist'), { recursive: true });
      npm(runtime, ['ci', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund']);
    });
    expect(existsSync(path.join(runtime, 'node_modules/@apollo/server'))).toBe(true);
    for (const name of DEV_ONLY) expect(existsSync(path.join(runtime, 'node_modules', name)), `${name} installed`).toBe(false);

    const hook = ['--import', moduleTraceHook()];

    // 1. The image's default: embedded simulators and the dev issuer, GraphiQL switched on.
    const embeddedTrace = path.join(temp, 'embedded.trace');
    const embedded = await step('start on simulators', () => startCompiled(runtime, { GRAPHIQL: 'true', MODULE_TRACE_FILE: embeddedTrace }, hook));
    const operatorToken = /dev-operator: [^\n]+\n\s+(\S+)/.exec(embedded.stdout())?.[1];
    expect(operatorToken).toBeDefined();
    const result = await gql(embedded.url, operatorToken!);
    expect(result.errors).toBeUndefined();
    expect(result.data?.auctions.edges).toHaveLength(2);
    expect(result.data?.auctions.edges[0]?.node.id).toMatch(/^[0-9a-f-]{36}$/);

    const page = await fetch(`${embedded.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`/graphiql/${manifest.id}/app.js`);
    const app = await fetch(`${embedded.url}/graphiql/${manifest.id}/app.js`, { headers: { 'accept-encoding': 'gzip' } });
    expect(app.status).toBe(200);
    expect(app.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await app.arrayBuffer()).byteLength).toBe(readFileSync(path.join(runtime, 'dist/server/graphiql/assets/app.js')).byteLength);
    expect(embedded.stderr()).toMatch(/"prebuilt":true[^\n]*"GraphiQL bundle ready"|"GraphiQL bundle ready"[^\n]*"prebuilt":true/);
    expect(await embedded.stop()).toBe(0);
    // The hook sees the simulators where they run, so its silence below means something.
    expect(traced(embeddedTrace).some((url) => url.includes('/dist/simulators/'))).toBe(true);

    // 2. Real upstreams (simulators in this process stand in for them) and a real identity provider.
    const bondora = new BondoraSimulator();
    const bond = new BondSimulator();
    const [bondoraUrl, bondUrl] = await Promise.all([bondora.start(), bond.start()]);
    closers.push(() => bondora.stop(), () => bond.stop());
    const jwks: TestJwks = await startTestJwks();
    closers.push(() => jwks.close());
    const realEnv = {
      BONDORA_API_URL: bondoraUrl,
      BONDORA_ACCESS_TOKEN: BondoraSimulator.DEMO_TOKEN,
      BOND_API_URL: bondUrl,
      BOND_IDENTITY: BondSimulator.DEMO_IDENTITY,
      BOND_API_KEY: BondSimulator.DEMO_API_KEY,
      AUTH_JWKS_URL: jwks.jwksUrl,
      AUTH_ISSUER: jwks.issuer,
      AUTH_AUDIENCE: jwks.audience,
    };
    const realTrace = path.join(temp, 'real.trace');
    // The traced start proves which modules load; the untraced one (no hook thread) gives the RSS.
    const [real, plain] = await step('start on real upstreams', () =>
      Promise.all([startCompiled(runtime, { ...realEnv, MODULE_TRACE_FILE: realTrace }, hook), startCompiled(runtime, realEnv)]),
    );
    expect(real.stdout()).toMatch(new RegExp(`Bondora upstream\\s+${bondoraUrl}\\n`));
    expect(real.stdout()).not.toContain('embedded simulator');
    const token = await jwks.sign({ scope: 'auctions:read bondora:shared' });
    for (const gateway of [real, plain]) {
      const answer = await gql(gateway.url, token);
      expect(answer.errors).toBeUndefined();
      expect(answer.data?.auctions.edges).toHaveLength(2);
    }
    await new Promise((r) => setTimeout(r, 1_000));
    const rss = rssBytes(plain.child.pid!);
    expect(await real.stop()).toBe(0);
    expect(await plain.stop()).toBe(0);
    const loaded = traced(realTrace);
    expect(loaded.some((url) => url.endsWith('/dist/main.js'))).toBe(true);
    expect(loaded.filter((url) => url.includes('/dist/simulators/'))).toEqual([]);
    expect(loaded.filter((url) => /\/node_modules\/esbuild\//.test(url))).toEqual([]);

    const totalMs = Date.now() - testStarted;
    mkdirSync(path.dirname(ARTIFACT), { recursive: true });
    writeFileSync(ARTIFACT, `${JSON.stringify({ rssBytes: rss, totalMs, timings }, null, 2)}\n`);
    console.log(
      `production build: RSS of dist/main.js on real upstreams after one query ${(rss / 2 ** 20).toFixed(1)} MiB; ` +
        `${(totalMs / 1000).toFixed(1)} s in all (${Object.entries(timings)
          .map(([name, ms]) => `${name} ${(ms / 1000).toFixed(1)} s`)
          .join(', ')})`,
    );
  });
});
