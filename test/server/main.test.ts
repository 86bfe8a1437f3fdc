import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { listeners } from '../support/listeners.js';

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

async function gql(url: string, query: string, token?: string): Promise<{ status: number; body: { data?: any; errors?: Array<{ extensions?: Record<string, unknown> }> } }> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query }),
  });
  return { status: res.status, body: (await res.json()) as never };
}

describe('npm start (src/main.ts)', () => {
  it('serves the gateway on the embedded simulators with a dev issuer, prints every URL and a token per persona, and stops cleanly on SIGTERM', async () => {
    const app = start({ PORT: '0' });
    const gatewayUrl = (await app.waitFor(/GraphQL gateway\s+(http:\/\/127\.0\.0\.1:\d+)\/graphql/))[1]!;
    await app.waitFor(/dev-investor: [^\n]+\n\s+(\S+)/);
    const { stdout } = app.output();
    expect(stdout).toMatch(/Health\s+http:\/\/127\.0\.0\.1:\d+\/healthz/);
    expect(stdout).toMatch(/Bondora upstream\s+http:\/\/127\.0\.0\.1:\d+ \(embedded simulator\)/);
    expect(stdout).toMatch(/Bond upstream\s+http:\/\/127\.0\.0\.1:\d+\/api\/v0\.1 \(embedded simulator\)/);
    expect(stdout).toMatch(/GraphiQL\s+http:\/\/127\.0\.0\.1:\d+\/graphql/);
    expect(stdout).toMatch(/Bondora callback\s+http:\/\/127\.0\.0\.1:\d+\/auth\/bondora\/callback/);
    expect(stdout).toMatch(/Callers\s+development issuer http:\/\/127\.0\.0\.1:\d+/);
    expect(stdout.match(/Simulator control\s+http:\/\/127\.0\.0\.1:\d+\/__sim\/log/g)).toHaveLength(2);
    const token = (sub: string) => new RegExp(`${sub}: [^\\n]+\\n\\s+(\\S+)`).exec(stdout)![1]!;

    expect((await fetch(`${gatewayUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`${gatewayUrl}/auth/bondora/login`, { redirect: 'manual' })).status).toBe(404);

    const anonymous = await gql(gatewayUrl, '{ auctions(first: 2) { totalCount } }');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    const operator = await gql(
      gatewayUrl,
      '{ auctions(first: 2) { totalCount edges { node { id rating } } } creditApplications(first: 2) { edges { node { id status } } } }',
      token('dev-operator'),
    );
    expect(operator.body.errors).toBeUndefined();
    expect(operator.body.data.auctions.totalCount).toBeGreaterThanOrEqual(200);
    expect(operator.body.data.creditApplications.edges).toHaveLength(2);

    // The customer persona owns seeded applications and sees only those.
    const customer = await gql(
      gatewayUrl,
      '{ me { customerId } creditApplications(first: 100) { edges { node { applicant { customerId } } } } }',
      token('dev-customer'),
    );
    expect(customer.body.errors).toBeUndefined();
    const own = customer.body.data.me.customerId as string;
    const owners = customer.body.data.creditApplications.edges.map((e: { node: { applicant: { customerId: string } } }) => e.node.applicant.customerId);
    expect(owners.length).toBeGreaterThan(0);
    expect(new Set(owners)).toEqual(new Set([own]));

    // The investor persona was connected to its own simulated Bondora account at start-up.
    const investor = await gql(gatewayUrl, '{ me { bondora { connected credential } } bids(first: 50) { totalCount } }', token('dev-investor'));
    expect(investor.body.errors).toBeUndefined();
    expect(investor.body.data.me.bondora).toEqual({ connected: true, credential: 'CONNECTION' });
    const demo = await gql(gatewayUrl, '{ bids(first: 50) { totalCount } }', token('dev-operator'));
    expect(investor.body.data.bids.totalCount).not.toBe(demo.body.data.bids.totalCount);

    app.child.kill('SIGTERM');
    expect(await app.exited).toBe(0);
  });

  it('fails fast with the variable named when the configuration is invalid', async () => {
    const app = start({ PORT: '0', UPSTREAM_TIMEOUT_MS: 'soon' });
    expect(await app.exited).toBe(2);
    expect(app.output().stderr).toContain('UPSTREAM_TIMEOUT_MS');
    expect(app.output().stdout).toBe('');
  });

  it('refuses to start on a real upstream without caller authentication settings', async () => {
    const app = start({ PORT: '0', BOND_API_URL: 'http://127.0.0.1:9/api/v0.1', BOND_IDENTITY: 'id', BOND_API_KEY: 'key' });
    expect(await app.exited).toBe(2);
    expect(app.output().stderr).toMatch(/AUTH_JWKS_URL or AUTH_PUBLIC_KEY/);
    expect(app.output().stdout).toBe('');
  });

  it('refuses AUTH_DISABLED=true on a HOST other than loopback', async () => {
    const app = start({ PORT: '0', HOST: '0.0.0.0', AUTH_DISABLED: 'true' });
    expect(await app.exited).toBe(2);
    expect(app.output().stderr).toMatch(/AUTH_DISABLED.*loopback.*HOST=0\.0\.0\.0/);
  });

  it('with HOST=0.0.0.0 the simulators and the dev issuer still listen on loopback only', async () => {
    const app = start({ PORT: '0', HOST: '0.0.0.0' });
    const [, gatewayPort] = await app.waitFor(/GraphQL gateway\s+http:\/\/127\.0\.0\.1:(\d+)\/graphql/);
    await app.waitFor(/dev-investor/);
    const { stdout } = app.output();
    const ports = {
      bondora: Number(/Bondora upstream\s+http:\/\/127\.0\.0\.1:(\d+)/.exec(stdout)![1]),
      bond: Number(/Bond upstream\s+http:\/\/127\.0\.0\.1:(\d+)/.exec(stdout)![1]),
      issuer: Number(/development issuer http:\/\/127\.0\.0\.1:(\d+)/.exec(stdout)![1]),
    };
    // The gateway itself listens on every interface, as HOST asked; its helpers on loopback alone.
    expect(listeners(Number(gatewayPort)).some((a) => a === '0.0.0.0' || a === '::')).toBe(true);
    for (const port of Object.values(ports)) expect(listeners(port)).toEqual(['127.0.0.1']);
    app.child.kill('SIGTERM');
    expect(await app.exited).toBe(0);
  });
});
