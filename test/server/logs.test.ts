import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { jsonLogger } from '../../src/server/logger.js';
import { BondSimulator } from '../../src/simulators/bond/bond.simulator.js';
import { BondoraSimulator } from '../../src/simulators/bondora/bondora.simulator.js';
import { startHarness, type Harness } from '../support/gateway.harness.js';

// The gateway's real log (pino JSON lines) captured in memory: request ids taken, replaced or made,
// echoed on the response and carried by every line of the request, including the error mapper's;
// one access line per request; and no token or key in any line.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
type Line = Record<string, unknown> & { msg: string; level: number };

let lines: Line[] = [];
let h: Harness;
beforeAll(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const text of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(text) as Line);
      done();
    },
  });
  h = await startHarness({ logger: jsonLogger(sink, 'info') });
});
afterAll(async () => h.close());
beforeEach(() => {
  lines = [];
  h.resetTraffic();
});

const QUERY = 'query LogsPage { creditApplications(first: 1) { edges { node { id } } } }';

async function post(headers: Record<string, string>): Promise<Response> {
  const response = await fetch(`${h.gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${h.operatorToken}`, ...headers },
    body: JSON.stringify({ query: QUERY }),
  });
  await response.text();
  return response;
}

/** The access line of one request: written when its answer is finished, so it may trail the response a little. */
async function accessLine(requestId: string): Promise<Line> {
  for (let i = 0; i < 50; i++) {
    const found = lines.filter((l) => l.msg === 'request' && l.requestId === requestId);
    if (found.length) {
      expect(found).toHaveLength(1);
      return found[0]!;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no access line for ${requestId}`);
}

describe('request ids', () => {
  it("keeps a caller's valid x-request-id, echoes it and writes it on the access line", async () => {
    const id = 'req-1234.abc:XYZ_9';
    const response = await post({ 'x-request-id': id });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe(id);
    const line = await accessLine(id);
    expect(line).toMatchObject({ level: 30, msg: 'request', method: 'POST', path: '/graphql', status: 200, operation: 'LogsPage' });
    expect(typeof line.time).toBe('number');
    expect(line.durationMs).toBeGreaterThanOrEqual(0);
    expect(line.bytes).toBe(Number(response.headers.get('content-length')));
    // The caller as a short hash: stable per caller, never the sub itself.
    expect(line.caller).toMatch(/^[A-Za-z0-9_-]{12}$/);
    // Keyed: not a hash anyone could recompute from a list of likely subs.
    expect(line.caller).not.toBe(createHash('sha256').update('caller:test-operator').digest('base64url').slice(0, 12));
    expect(line.caller).not.toBe(createHash('sha256').update('test-operator').digest('base64url').slice(0, 12));
    expect(JSON.stringify(line)).not.toContain('test-operator');
    const again = await post({ 'x-request-id': 'req-again' });
    expect((await accessLine(again.headers.get('x-request-id')!)).caller).toBe(line.caller);
    const other = await post({ 'x-request-id': 'req-other', authorization: `Bearer ${await h.token({ sub: 'someone-else' })}` });
    expect((await accessLine(other.headers.get('x-request-id')!)).caller).not.toBe(line.caller);
  });

  it('replaces an invalid x-request-id with a new UUID', async () => {
    for (const bad of ['has spaces in it', 'x'.repeat(129), 'semi;colon', '<script>']) {
      const response = await post({ 'x-request-id': bad });
      const id = response.headers.get('x-request-id')!;
      expect(id).toMatch(UUID);
      await accessLine(id);
      expect(JSON.stringify(lines)).not.toContain(bad);
    }
  });

  it('makes one when there is none, different per request', async () => {
    const a = (await post({})).headers.get('x-request-id')!;
    const b = (await post({})).headers.get('x-request-id')!;
    expect(a).toMatch(UUID);
    expect(b).toMatch(UUID);
    expect(a).not.toBe(b);
    await accessLine(a);
    await accessLine(b);
  });

  it("puts the request's id on the error mapper's line for a failing upstream call", async () => {
    h.bond.router.setFault('applications.list', { status: 500, body: { message: `boom ${BondSimulator.DEMO_API_KEY}` } });
    const response = await post({ 'x-request-id': 'req-failing-upstream' });
    expect(response.status).toBe(200);
    await accessLine('req-failing-upstream');
    const failure = lines.filter((l) => l.msg === 'upstream failure');
    expect(failure).toHaveLength(1);
    expect(failure[0]).toMatchObject({ level: 50, requestId: 'req-failing-upstream', upstream: 'bond', kind: 'ERROR', status: 500 });
  });
});

describe('a client that goes away', () => {
  it('is an access line with status 499, not an unexpected error', async () => {
    h.bond.router.setFault('applications.list', { latencyMs: 400, times: 1 });
    const gone = fetch(`${h.gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${h.operatorToken}`, 'x-request-id': 'req-client-gone' },
      body: JSON.stringify({ query: QUERY }),
      signal: AbortSignal.timeout(100),
    });
    await expect(gone).rejects.toThrow();
    expect((await accessLine('req-client-gone')).status).toBe(499);
    // The field's wait ended with the client's abort; the upstream answered after it.
    await new Promise((r) => setTimeout(r, 500));
    expect(lines.filter((l) => l.requestId === 'req-client-gone' && l.level >= 40)).toEqual([]);
  });
});

describe('access lines', () => {
  it('leave the query string out of the path', async () => {
    const response = await fetch(`${h.gateway.url}/graphql?query=${encodeURIComponent('{ __typename }')}&access_token=QS-SECRET-abcdef`, {
      headers: { authorization: `Bearer ${h.operatorToken}`, 'apollo-require-preflight': 'true', 'x-request-id': 'req-get' },
    });
    expect(response.status).toBe(200);
    await response.text();
    expect((await accessLine('req-get')).path).toBe('/graphql');
    expect(JSON.stringify(lines)).not.toContain('QS-SECRET');
  });

  it('are written for refused requests too, and not for probes and scrapes below debug', async () => {
    const refused = await post({ authorization: '', 'x-request-id': 'req-no-token' });
    expect(refused.status).toBe(401);
    expect(await accessLine('req-no-token')).toMatchObject({ status: 401, path: '/graphql' });
    expect((await accessLine('req-no-token')).caller).toBeUndefined();
    for (const path of ['/healthz', '/readyz', '/metrics']) await (await fetch(`${h.gateway.url}${path}`, { headers: { 'x-request-id': 'req-probe' } })).text();
    await post({ 'x-request-id': 'req-after-probes' });
    await accessLine('req-after-probes');
    expect(lines.filter((l) => l.requestId === 'req-probe')).toHaveLength(0);
  });

  it('writes probes at debug level when asked', async () => {
    const debugLines: Line[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _e, done) {
        for (const text of chunk.toString('utf8').split('\n').filter(Boolean)) debugLines.push(JSON.parse(text) as Line);
        done();
      },
    });
    const logger = jsonLogger(sink, 'debug');
    const debug = await startHarness({ logger });
    try {
      await (await fetch(`${debug.gateway.url}/healthz`, { headers: { 'x-request-id': 'req-debug-probe' } })).text();
      await new Promise((r) => setTimeout(r, 50));
      expect(debugLines.find((l) => l.requestId === 'req-debug-probe')).toMatchObject({ level: 20, msg: 'request', path: '/healthz', status: 200 });
    } finally {
      await debug.close();
    }
  });
});

describe('secrets', () => {
  it('no line carries a caller token, an Authorization value or a Bond or Bondora key', async () => {
    await post({ 'x-request-id': 'req-secrets' });
    h.bond.router.setFault('applications.list', { status: 400, body: { message: `bad key ${BondSimulator.DEMO_API_KEY} ${BondSimulator.DEMO_IDENTITY}` } });
    await post({ 'x-request-id': 'req-secrets-2' });
    await post({ authorization: 'Bearer not-a-valid-jwt-token-value', 'x-request-id': 'req-secrets-3' });
    await accessLine('req-secrets-3');
    const all = JSON.stringify(lines);
    expect(lines.length).toBeGreaterThan(3);
    for (const secret of [h.operatorToken, BondSimulator.DEMO_API_KEY, BondSimulator.DEMO_IDENTITY, BondoraSimulator.DEMO_TOKEN, 'not-a-valid-jwt-token-value']) {
      expect(all).not.toContain(secret);
    }
    expect(all).not.toMatch(/Bearer /);
  });

  it("keeps the line's own fields when a detail has the same names", () => {
    const captured: string[] = [];
    const logger = jsonLogger(new Writable({ write: (c: Buffer, _e, done) => (captured.push(c.toString()), done()) }), 'info');
    logger.warn('upstream failure', { msg: 'overwritten?', level: 'debug', time: 'then', requestId: 'forged', upstream: 'bond' });
    const line = JSON.parse(captured[0]!) as Line;
    expect(line).toMatchObject({ msg: 'upstream failure', level: 40, upstream: 'bond', 'detail.msg': 'overwritten?', 'detail.requestId': 'forged' });
    expect(line.time).not.toBe('then');
    expect(line.requestId).toBeUndefined();
  });
});
