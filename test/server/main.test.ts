import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const children: ChildProcessWithoutNullStreams[] = [];

function start(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const output = () => ({ stdout, stderr });
  const waitFor = async (pattern: RegExp, ms = 15_000): Promise<RegExpMatchArray> => {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      const m = pattern.exec(stdout);
      if (m) return m;
      if (child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no ${pattern} in output:\n${stdout}\n${stderr}`);
  };
  return { child, exited, output, waitFor };
}

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

describe('npm start (src/main.ts)', () => {
  it('serves the gateway on the embedded simulators, prints every URL, and stops cleanly on SIGTERM', async () => {
    const app = start({ PORT: '0' });
    const [, gatewayUrl] = await app.waitFor(/GraphQL gateway\s+(http:\/\/127\.0\.0\.1:\d+)\/graphql/);
    const { stdout } = app.output();
    expect(stdout).toMatch(/Health\s+http:\/\/127\.0\.0\.1:\d+\/healthz/);
    expect(stdout).toMatch(/Bondora upstream\s+http:\/\/127\.0\.0\.1:\d+ \(embedded simulator\)/);
    expect(stdout).toMatch(/Bond upstream\s+http:\/\/127\.0\.0\.1:\d+\/api\/v0\.1 \(embedded simulator\)/);
    expect(stdout).toMatch(/GraphiQL\s+http:\/\/127\.0\.0\.1:\d+\/graphql/);
    expect(stdout).toMatch(/Bondora login\s+http:\/\/127\.0\.0\.1:\d+\/auth\/bondora\/login/);
    expect(stdout.match(/Simulator control\s+http:\/\/127\.0\.0\.1:\d+\/__sim\/log/g)).toHaveLength(2);

    const health = await fetch(`${gatewayUrl}/healthz`);
    expect(health.status).toBe(200);
    const login = await fetch(`${gatewayUrl}/auth/bondora/login`, { redirect: 'manual' });
    expect(login.status).toBe(302);
    expect(login.headers.get('location')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/oauth\/authorize\?response_type=code&client_id=bondora-demo-client/);

    const res = await fetch(`${gatewayUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ auctions(first: 2) { totalCount edges { node { id rating } } } creditApplications(first: 2) { edges { node { id status } } } }' }),
    });
    const body = (await res.json()) as { data: { auctions: { totalCount: number }; creditApplications: { edges: unknown[] } }; errors?: unknown };
    expect(body.errors).toBeUndefined();
    expect(body.data.auctions.totalCount).toBeGreaterThanOrEqual(200);
    expect(body.data.creditApplications.edges).toHaveLength(2);

    app.child.kill('SIGTERM');
    expect(await app.exited).toBe(0);
  });

  it('fails fast with the variable named when the configuration is invalid', async () => {
    const app = start({ PORT: '0', UPSTREAM_TIMEOUT_MS: 'soon' });
    expect(await app.exited).toBe(2);
    expect(app.output().stderr).toContain('UPSTREAM_TIMEOUT_MS');
    expect(app.output().stdout).toBe('');
  });
});
