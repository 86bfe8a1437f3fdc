import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Fault } from '../../src/simulators/sim.router.js';
import { BondSimulator } from '../../src/simulators/bond/bond.simulator.js';
import { BondoraSimulator } from '../../src/simulators/bondora/bondora.simulator.js';
import { startHarness, type GraphQLResponse, type Harness } from '../support/gateway.harness.js';

// The error contract of DESIGN.md, driven from outside over real HTTP: every code is produced by a
// simulator fault (or a real upstream answer), partial data survives one failing field, 429s are
// waited out only where safe, every message is the gateway's own (the upstream's words go, scrubbed,
// to the log only), and nothing secret, no URL and no stack ever reaches a client or a log.
// Requests are sent as the harness's operator (every scope) unless a test says otherwise.

let h: Harness;
/** A second gateway with a short upstream timeout, for the timeout cases. */
let t: Harness;

/** Every GraphQL response this file has seen, for the "every error has a code" check. */
const seen: Array<{ name: string; res: GraphQLResponse }> = [];

beforeAll(async () => {
  // CALLER_TOKEN is a second valid Bondora investor, so a caller's own token reaches the handlers.
  [h, t] = await Promise.all([startHarness({ bondora: { tokens: [CALLER_TOKEN] } }), startHarness({ timeoutMs: 300 })]);
});
afterAll(async () => {
  await Promise.all([h?.close(), t?.close()]);
});
beforeEach(() => {
  h.resetTraffic();
  t.resetTraffic();
});

const WRONG_TOKEN = 'wrong-token-value';
const CALLER_TOKEN = 'caller-secret-token-4711';
const UNKNOWN_UUID = '00000000-0000-4000-8000-00000000abcd';

const AUCTIONS = '{ auctions(first: 2) { edges { node { id } } } }';
const APPLICATIONS = '{ creditApplications(first: 2) { edges { node { id } } } }';
const BIDS = '{ bids(first: 2) { edges { node { id } } } }';
const PLACE_BIDS = 'mutation ($input: PlaceBidsInput!) { placeBids(input: $input) { bids { id } } }';
const UPDATE = 'mutation ($input: UpdateCreditApplicantInput!) { updateCreditApplicant(input: $input) { id } }';

type Upstream = 'bondora' | 'bond';
type Sim = 'bondora' | 'bond';

interface Case {
  name: string;
  /** Which harness: the normal one or the short-timeout one. */
  harness?: 'main' | 'timeout';
  fault?: { sim: Sim; route: string; fault: Fault };
  query: string;
  variables?: () => Record<string, unknown>;
  headers?: Record<string, string>;
  code: string;
  upstream: Upstream | undefined;
  /** The client-facing message, written by the gateway. */
  message: string | RegExp;
  /** Words of the upstream's own error body: never in the response, always in the log (scrubbed). */
  upstreamText?: string;
  /**
   * The data expected alongside the error. Root connections and lookups are nullable, so they are
   * null at their own path; null (the default) only where the failing root field is non-null (a mutation).
   */
  data?: unknown;
}

function placeBidsVars(): Record<string, unknown> {
  return { input: { bids: [{ auctionId: h.bondora.activeAuctions[3]!.AuctionId, amount: '10' }] } };
}

const failEnvelope = (code: number, message: string) => ({ Success: false, Errors: [{ Code: code, Message: message, Details: null }], Payload: null });

/** One case per error code and fault kind of the contract. */
const CASES: Case[] = [
  { name: 'NOT_FOUND: updateCreditApplicant on an unknown application', query: UPDATE, variables: () => ({ input: { applicationId: UNKNOWN_UUID, totalAnnualIncome: 100 } }), code: 'NOT_FOUND', upstream: 'bond', message: 'Bond has no such item' },
  { name: 'NOT_FOUND: Bondora {Success:false, Code 404} inside a 200', fault: { sim: 'bondora', route: 'auctions.list', fault: { body: failEnvelope(404, 'Nothing here') } }, query: AUCTIONS, code: 'NOT_FOUND', upstream: 'bondora', message: 'Bondora has no such item', upstreamText: 'Nothing here', data: { auctions: null } },
  { name: 'UNAUTHENTICATED: a wrong x-bondora-token draws Bondora 401', query: AUCTIONS, headers: { 'x-bondora-token': WRONG_TOKEN }, code: 'UNAUTHENTICATED', upstream: 'bondora', message: 'Bondora refused the credential (HTTP 401)', data: { auctions: null } },
  { name: 'UNAUTHENTICATED: Bond 401', fault: { sim: 'bond', route: 'applications.list', fault: { status: 401 } }, query: APPLICATIONS, code: 'UNAUTHENTICATED', upstream: 'bond', message: 'Bond refused the credential (HTTP 401)', data: { creditApplications: null } },
  { name: 'FORBIDDEN: Bondora 403', fault: { sim: 'bondora', route: 'bids.list', fault: { status: 403 } }, query: BIDS, code: 'FORBIDDEN', upstream: 'bondora', message: 'Bondora does not allow this credential to do that (HTTP 403)', data: { bids: null } },
  { name: 'FORBIDDEN: Bond 403', fault: { sim: 'bond', route: 'applications.list', fault: { status: 403 } }, query: APPLICATIONS, code: 'FORBIDDEN', upstream: 'bond', message: 'Bond does not allow this credential to do that (HTTP 403)', data: { creditApplications: null } },
  { name: 'BAD_USER_INPUT: Bondora 400', fault: { sim: 'bondora', route: 'auctions.list', fault: { status: 400 } }, query: AUCTIONS, code: 'BAD_USER_INPUT', upstream: 'bondora', message: 'Bondora rejected the request as invalid (HTTP 400)', data: { auctions: null } },
  { name: 'BAD_USER_INPUT: Bond 400', fault: { sim: 'bond', route: 'applications.list', fault: { status: 400 } }, query: APPLICATIONS, code: 'BAD_USER_INPUT', upstream: 'bond', message: 'Bond rejected the request as invalid (HTTP 400)', data: { creditApplications: null } },
  { name: 'BAD_USER_INPUT: rejected by the gateway itself', query: '{ auction(id: "nope") { id } }', code: 'BAD_USER_INPUT', upstream: undefined, message: /nope|id/i, data: { auction: null } },
  { name: 'RATE_LIMITED: GET with Retry-After 30 fails at once', fault: { sim: 'bondora', route: 'auctions.list', fault: { status: 429, retryAfterSeconds: 30 } }, query: AUCTIONS, code: 'RATE_LIMITED', upstream: 'bondora', message: 'Bondora is throttling requests; retry in 30 s', data: { auctions: null } },
  { name: 'RATE_LIMITED: write with Retry-After 1 is not retried', fault: { sim: 'bondora', route: 'bid.place', fault: { status: 429, retryAfterSeconds: 1 } }, query: PLACE_BIDS, variables: placeBidsVars, code: 'RATE_LIMITED', upstream: 'bondora', message: 'Bondora is throttling requests; retry in 1 s' },
  { name: 'UPSTREAM_TIMEOUT: Bondora hangs', harness: 'timeout', fault: { sim: 'bondora', route: 'auctions.list', fault: { hang: true } }, query: AUCTIONS, code: 'UPSTREAM_TIMEOUT', upstream: 'bondora', message: 'Bondora did not answer within 300 ms', data: { auctions: null } },
  { name: 'UPSTREAM_TIMEOUT: Bond answers after the timeout', harness: 'timeout', fault: { sim: 'bond', route: 'applications.list', fault: { latencyMs: 900 } }, query: APPLICATIONS, code: 'UPSTREAM_TIMEOUT', upstream: 'bond', message: 'Bond did not answer within 300 ms', data: { creditApplications: null } },
  { name: 'UPSTREAM_TIMEOUT: Bondora 504', fault: { sim: 'bondora', route: 'auctions.list', fault: { status: 504 } }, query: AUCTIONS, code: 'UPSTREAM_TIMEOUT', upstream: 'bondora', message: 'Bondora timed out (HTTP 504)', data: { auctions: null } },
  { name: 'UPSTREAM_UNAVAILABLE: Bond 503', fault: { sim: 'bond', route: 'applications.list', fault: { status: 503 } }, query: APPLICATIONS, code: 'UPSTREAM_UNAVAILABLE', upstream: 'bond', message: 'Bond answered with HTTP 503', data: { creditApplications: null } },
  { name: 'UPSTREAM_UNAVAILABLE: Bondora resets the connection', fault: { sim: 'bondora', route: 'auctions.list', fault: { reset: true } }, query: AUCTIONS, code: 'UPSTREAM_UNAVAILABLE', upstream: 'bondora', message: 'Bondora could not be reached', data: { auctions: null } },
  { name: 'UPSTREAM_ERROR: Bondora 500', fault: { sim: 'bondora', route: 'auctions.list', fault: { status: 500 } }, query: AUCTIONS, code: 'UPSTREAM_ERROR', upstream: 'bondora', message: 'Bondora answered with HTTP 500', data: { auctions: null } },
  { name: 'UPSTREAM_ERROR: Bond 500', fault: { sim: 'bond', route: 'applications.list', fault: { status: 500 } }, query: APPLICATIONS, code: 'UPSTREAM_ERROR', upstream: 'bond', message: 'Bond answered with HTTP 500', data: { creditApplications: null } },
  { name: 'UPSTREAM_ERROR: invalid JSON in a 200', fault: { sim: 'bondora', route: 'auctions.list', fault: { malformed: true } }, query: AUCTIONS, code: 'UPSTREAM_ERROR', upstream: 'bondora', message: 'Bondora returned a response that is not valid JSON', data: { auctions: null } },
  { name: 'UPSTREAM_ERROR: truncated gzip body', fault: { sim: 'bond', route: 'applications.list', fault: { truncatedGzip: true } }, query: APPLICATIONS, code: 'UPSTREAM_ERROR', upstream: 'bond', message: 'Bond sent a corrupt compressed response', data: { creditApplications: null } },
  { name: 'UPSTREAM_ERROR: Bondora {Success:false, Code 500} inside a 200', fault: { sim: 'bondora', route: 'auctions.list', fault: { body: failEnvelope(500, 'Internal failure') } }, query: AUCTIONS, code: 'UPSTREAM_ERROR', upstream: 'bondora', message: 'Bondora answered with HTTP 500', upstreamText: 'Internal failure', data: { auctions: null } },
];

function harnessOf(c: Case): Harness {
  return c.harness === 'timeout' ? t : h;
}

async function run(c: Case): Promise<GraphQLResponse> {
  const harness = harnessOf(c);
  if (c.fault) harness[c.fault.sim].router.setFault(c.fault.route, c.fault.fault);
  const res = await harness.gql(c.query, c.variables?.(), c.headers);
  seen.push({ name: c.name, res });
  return res;
}

/** Runs every case, each on clean faults. */
async function runAll(cases: Case[] = CASES): Promise<Array<{ c: Case; res: GraphQLResponse }>> {
  const out: Array<{ c: Case; res: GraphQLResponse }> = [];
  for (const c of cases) {
    h.resetTraffic();
    t.resetTraffic();
    out.push({ c, res: await run(c) });
  }
  h.resetTraffic();
  t.resetTraffic();
  return out;
}

async function gql(name: string, query: string, variables?: Record<string, unknown>, headers?: Record<string, string>) {
  const res = await h.gql(query, variables, headers);
  seen.push({ name, res });
  return res;
}

describe('every code of the contract, from a real upstream answer or fault', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const started = Date.now();
    const res = await run(c);
    const elapsed = Date.now() - started;

    expect(res.status).toBe(200);
    expect(res.errors, res.text).toHaveLength(1);
    const [error] = res.errors!;
    expect(error!.extensions?.code, res.text).toBe(c.code);
    if (c.upstream) expect(error!.extensions?.upstream, res.text).toBe(c.upstream);
    else expect(error!.extensions).not.toHaveProperty('upstream');
    // The gateway writes every message itself.
    if (typeof c.message === 'string') expect(error!.message).toBe(c.message);
    else expect(error!.message).toMatch(c.message);
    // A failing root connection or lookup (nullable) is null at its path; only a failing mutation
    // (non-null) nulls the whole data.
    expect(res.data).toEqual(c.data ?? null);
    if (c.data !== undefined) expect(error!.path).toEqual(Object.keys(c.data as object));
    if (c.upstreamText) {
      // The upstream's own words stay out of the response and go to the log.
      expect(res.text).not.toContain(c.upstreamText);
      const logged = harnessOf(c).logger.lines.filter((l) => l.message === 'upstream failure');
      expect(logged.map((l) => l.detail.upstreamText)).toContain(c.upstreamText);
    }

    const harness = harnessOf(c);
    if (c.fault) {
      // The fault was really hit: the upstream named in the error is the one that saw the call.
      expect(harness[c.fault.sim].router.calls(c.fault.route).length).toBeGreaterThanOrEqual(1);
    } else if (!c.upstream) {
      expect(harness.bondora.router.calls()).toHaveLength(0);
      expect(harness.bond.router.calls()).toHaveLength(0);
    }

    if (c.code === 'RATE_LIMITED') {
      const fault = c.fault!.fault;
      expect(error!.extensions?.retryAfterSeconds).toBe(fault.retryAfterSeconds);
      // 30 s is beyond what a GET waits for, and a write is never replayed: one call, no waiting.
      expect(harness.bondora.router.calls(c.fault!.route)).toHaveLength(1);
      expect(elapsed).toBeLessThan(900);
    }
    if (c.code === 'UPSTREAM_TIMEOUT' && c.harness === 'timeout') {
      expect(elapsed).toBeGreaterThanOrEqual(250);
      expect(elapsed).toBeLessThan(1_500);
    }
  });

  it('a nullable root field for an unknown id is null with no error (Bondora and Bond)', async () => {
    const res = await gql(
      'unknown ids',
      'query ($id: ID!) { auction(id: $id) { id } creditApplication(id: $id) { id } bid(id: $id) { id } }',
      { id: UNKNOWN_UUID },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ auction: null, creditApplication: null, bid: null });
    // The upstreams were asked and said 404; the gateway did not just skip the call.
    expect(h.bondora.router.calls('auction.get').map((c) => c.status)).toEqual([404]);
    expect(h.bondora.router.calls('bid.get').map((c) => c.status)).toEqual([404]);
    expect(h.bond.router.calls('application.get').map((c) => c.status)).toEqual([404]);
  });
});

describe('partial data', () => {
  it('a failing root connection is null with its error; the neighbouring connection keeps its data', async () => {
    h.bond.router.setFault('applications.list', { status: 500 });
    const res = await gql('two root connections', `{ auctions(first: 2) { edges { node { id } } } creditApplications(first: 2) { edges { node { id } } } }`);
    expect(res.status).toBe(200);
    // Root connections are nullable (a field that can fail on its own), so Bond's failure stops at its field.
    expect(res.data).toEqual({
      auctions: { edges: h.bondora.activeAuctions.slice(0, 2).map((a) => ({ node: { id: a.AuctionId } })) },
      creditApplications: null,
    });
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0]!.path).toEqual(['creditApplications']);
    expect(res.errors![0]!.extensions).toMatchObject({ code: 'UPSTREAM_ERROR', upstream: 'bond' });
    expect(h.bondora.router.calls('auctions.list')).toHaveLength(1);
    expect(h.bond.router.calls('applications.list')).toHaveLength(1);
  });

  it('a failing non-null root field nulls the whole data (standard GraphQL null propagation): a mutation', async () => {
    const app = h.bond.applications.find((a) => a.application_status === 'created');
    if (!app) throw new Error('seed has no application in status created');
    const res = await gql(
      'two non-null writes',
      `mutation ($ok: ID!, $unknown: ID!) {
        ok: updateCreditApplicant(input: { applicationId: $ok, monthlyHousingPayment: 4711 }) { id }
        missing: updateCreditApplicant(input: { applicationId: $unknown, monthlyHousingPayment: 4711 }) { id }
      }`,
      { ok: app.application_id, unknown: UNKNOWN_UUID },
    );
    expect(res.status).toBe(200);
    // Mutation fields are non-null, so the second one's failure propagates to `data` itself...
    expect(res.data).toBeNull();
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0]!.path).toEqual(['missing']);
    expect(res.errors![0]!.extensions).toMatchObject({ code: 'NOT_FOUND', upstream: 'bond' });
    // ...although the first write was made: null propagation hides a result, it undoes nothing.
    expect(h.bond.router.calls('application.update').map((c) => c.status)).toEqual([200, 404]);
    expect(h.bond.application(app.application_id)!.applicant.monthly_housing_payment).toBe(4711);
  });

  it("a field the caller's scopes do not cover is null with FORBIDDEN, costs no call, and leaves its neighbour", async () => {
    // bondora:shared lets this caller, who has no Bondora connection of their own, use the server's token.
    const token = await h.token({ sub: 'auction-reader', scopes: ['auctions:read', 'bondora:shared'] });
    const res = await gql('missing scope', `{ auctions(first: 2) { edges { node { id } } } bids(first: 2) { edges { node { id } } } }`, undefined, {
      authorization: `Bearer ${token}`,
    });
    expect(res.status).toBe(200);
    expect(res.data).toEqual({
      auctions: { edges: h.bondora.activeAuctions.slice(0, 2).map((a) => ({ node: { id: a.AuctionId } })) },
      bids: null,
    });
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0]!.path).toEqual(['bids']);
    expect(res.errors![0]!.extensions?.code).toBe('FORBIDDEN');
    expect(res.errors![0]!.message).toContain('bids:read');
    expect(h.bondora.router.calls('bids.list')).toHaveLength(0);
  });

  it('nullable root fields: Bondora data survives while Bond fails', async () => {
    const auctionId = h.bondora.activeAuctions[0]!.AuctionId;
    const appId = h.bond.applications[0]!.application_id;
    h.bond.router.setFault('application.get', { status: 503 });
    const res = await gql(
      'nullable roots',
      'query ($a: ID!, $c: ID!) { auction(id: $a) { id } creditApplication(id: $c) { id } }',
      { a: auctionId, c: appId },
    );
    expect(res.status).toBe(200);
    expect(res.data).toEqual({ auction: { id: auctionId }, creditApplication: null });
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0]!.path).toEqual(['creditApplication']);
    expect(res.errors![0]!.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', upstream: 'bond' });
  });

  it('a nested nullable field: bids stay when their auctions cannot be loaded', async () => {
    h.bondora.router.setFault('auctions.list', { status: 500 });
    h.bondora.router.setFault('auction.get', { status: 500 });
    const res = await gql('nested nullable', '{ bids(first: 5) { totalCount edges { node { id auctionId auction { id } } } } }');
    expect(res.status).toBe(200);
    const data = res.data as { bids: { totalCount: number; edges: Array<{ node: { id: string; auctionId: string; auction: unknown } }> } };
    expect(data.bids.edges).toHaveLength(5);
    expect(data.bids.totalCount).toBeGreaterThanOrEqual(5);
    for (const edge of data.bids.edges) {
      expect(edge.node.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(edge.node.auctionId).toMatch(/^[0-9a-f-]{36}$/);
      expect(edge.node.auction).toBeNull();
    }
    expect(res.errors!.length).toBeGreaterThanOrEqual(1);
    for (const error of res.errors!) {
      expect(error.path?.[0]).toBe('bids');
      expect(error.path?.at(-1)).toBe('auction');
      expect(error.extensions).toMatchObject({ code: 'UPSTREAM_ERROR', upstream: 'bondora' });
    }
  });
});

describe('rate limits', () => {
  it('a 429 with Retry-After: 1 on a GET is waited out and the query succeeds', async () => {
    h.bondora.router.setFault('auctions.list', { status: 429, retryAfterSeconds: 1, times: 1 });
    const res = await gql('retry', AUCTIONS);
    expect(res.errors).toBeUndefined();
    expect((res.data as { auctions: { edges: unknown[] } }).auctions.edges).toHaveLength(2);
    const calls = h.bondora.router.calls('auctions.list');
    expect(calls.map((c) => c.status)).toEqual([429, 200]);
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(900);
  });
});

describe('nothing secret leaks', () => {
  const forbidden = () => {
    const ports = [h, t].flatMap((x) => [x.settings.bondora.url, x.settings.bond.url]).map((u) => new URL(u).port);
    return [
      BondoraSimulator.DEMO_TOKEN,
      BondSimulator.DEMO_IDENTITY,
      BondSimulator.DEMO_API_KEY,
      WRONG_TOKEN,
      h.operatorToken,
      t.operatorToken,
      h.settings.bondora.url,
      h.settings.bond.url,
      t.settings.bondora.url,
      t.settings.bond.url,
      ...ports.map((p) => `127.0.0.1:${p}`),
      'http://',
      'stack',
      'at Object.',
      '.ts:',
    ];
  };
  const secrets = () => [BondoraSimulator.DEMO_TOKEN, BondSimulator.DEMO_IDENTITY, BondSimulator.DEMO_API_KEY, WRONG_TOKEN, h.operatorToken, t.operatorToken];

  it('no failing response carries a credential, a URL or a stack; the log holds no credential', async () => {
    const results = await runAll();
    expect(results).toHaveLength(CASES.length);
    for (const { c, res } of results) {
      // Each response did fail, or the check would prove nothing.
      expect(res.errors?.length, c.name).toBeGreaterThan(0);
      for (const needle of forbidden()) expect(res.text, `${c.name}: ${needle}`).not.toContain(needle);
    }
    // The log did record failures (so it is worth checking), and no credential in any of them.
    expect(h.logger.lines.length + t.logger.lines.length).toBeGreaterThan(0);
    const logged = JSON.stringify([h.logger.lines, t.logger.lines]);
    for (const secret of secrets()) expect(logged, secret).not.toContain(secret);
  });

  it('an upstream that echoes the server credentials in its error message does not leak them', async () => {
    const echo = `Token ${BondoraSimulator.DEMO_TOKEN} rejected by https://api.bondora.example/api/v1/auctions`;
    h.bondora.router.setFault('auctions.list', { status: 500, body: failEnvelope(500, echo) });
    h.bond.router.setFault('applications.list', {
      status: 500,
      body: { Message: `Bad key ${BondSimulator.DEMO_API_KEY} for ${BondSimulator.DEMO_IDENTITY}`, Status: 500, Code: 'server_error', Type: 'Server Error' },
    });
    const before = h.logger.lines.length;
    const a = await gql('echo bondora', AUCTIONS);
    const b = await gql('echo bond', APPLICATIONS);
    for (const res of [a, b]) {
      expect(res.errors?.[0]?.extensions?.code).toBe('UPSTREAM_ERROR');
      for (const needle of forbidden()) expect(res.text, needle).not.toContain(needle);
      // Not even the upstream's words reach the client: the message is the gateway's own.
      expect(res.text).not.toMatch(/rejected|Bad key|api\.bondora\.example/);
    }
    expect(a.errors![0]!.message).toBe('Bondora answered with HTTP 500');
    expect(b.errors![0]!.message).toBe('Bond answered with HTTP 500');
    // The log keeps what the upstream said, with the credentials and the URL scrubbed out.
    const failures = h.logger.lines.slice(before).filter((l) => l.message === 'upstream failure');
    expect(failures.map((l) => [l.level, l.detail.upstream, l.detail.upstreamText])).toEqual([
      ['error', 'bondora', 'Token [redacted] rejected by [url]'],
      ['error', 'bond', 'Bad key [redacted] for [redacted]'],
    ]);
    const logged = JSON.stringify(h.logger.lines);
    for (const secret of secrets()) expect(logged, secret).not.toContain(secret);
    expect(logged).not.toContain('api.bondora.example');
  });

  it.each<[string, { status?: number }]>([
    ['in a 500', { status: 500 }],
    ['in a {Success:false} envelope inside a 200', {}],
  ])("an upstream that echoes the caller's own x-bondora-token %s does not leak it to the response or the log", async (_name, extra) => {
    const body = failEnvelope(500, `Token ${CALLER_TOKEN} caused a failure`);
    h.bondora.router.setFault('auctions.list', { ...extra, body });
    const before = h.logger.lines.length;
    const res = await gql('echo caller token', AUCTIONS, undefined, { 'x-bondora-token': CALLER_TOKEN });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_ERROR', upstream: 'bondora' });
    // The call really carried the caller's token and drew the intended status.
    const [call] = h.bondora.router.calls('auctions.list');
    expect(call!.headers.authorization).toBe(`Bearer ${CALLER_TOKEN}`);
    expect(call!.status).toBe(extra.status ?? 200);
    expect(res.errors![0]!.message).toBe('Bondora answered with HTTP 500');
    expect(res.text).not.toContain('caused a failure');
    expect.soft(res.text, 'response').not.toContain(CALLER_TOKEN);
    expect.soft(JSON.stringify(h.logger.lines), 'log').not.toContain(CALLER_TOKEN);
    // The upstream's words are logged, scrubbed of the token the caller sent.
    const failures = h.logger.lines.slice(before).filter((l) => l.message === 'upstream failure');
    expect(failures.map((l) => l.detail.upstreamText)).toEqual(['Token [redacted] caused a failure']);
  });
});

describe('unexpected errors', () => {
  it('a resolver crash on an upstream value of the wrong type is masked as INTERNAL_SERVER_ERROR and logged', async () => {
    // A 200 envelope whose item has a numeric AuctionId: the gateway's own code throws a TypeError.
    h.bondora.router.setFault('auctions.list', {
      body: { Success: true, Errors: null, Payload: [{ AuctionId: 12345 }], PageSize: 2, PageNr: 1, TotalCount: 1 },
    });
    const before = h.logger.lines.length;
    const res = await gql('masked', AUCTIONS);
    expect(res.errors).toHaveLength(1);
    const [error] = res.errors!;
    expect(error!.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    expect(error!.message).toBe('Internal server error');
    expect(res.text).not.toMatch(/TypeError|is not a function|toLowerCase|stack|\.ts:/);
    const logged = h.logger.lines.slice(before).filter((l) => l.level === 'error');
    expect(logged.length).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(logged)).toMatch(/not a function|Cannot read|TypeError/);
  });
});

describe('error codes everywhere', () => {
  it('every error in every response has a string extensions.code', async () => {
    const results = await runAll();
    const extra = [
      await gql('syntax error', '{ auctions(first: 2) { edges { node { id } } '),
      await gql('unknown field', '{ auctions(first: 2) { edges { node { nope } } } }'),
      await gql('wrong variable type', 'query ($n: Int) { auctions(first: $n) { totalCount } }', { n: 'two' }),
      await gql('first out of range', '{ auctions(first: 1000) { totalCount } }'),
      await gql('bad cursor', '{ auctions(first: 2, after: "garbage") { totalCount } }'),
      await gql('no token', AUCTIONS, undefined, { authorization: '' }),
      await gql('not a JWT', AUCTIONS, undefined, { authorization: 'Bearer not-a-jwt' }),
      await gql('missing scope', AUCTIONS, undefined, { authorization: `Bearer ${await h.token({ sub: 'nobody', scopes: [] })}` }),
    ];
    const all = [...results.map((r) => ({ name: r.c.name, res: r.res })), ...extra.map((res) => ({ name: 'extra', res })), ...seen];
    let errors = 0;
    for (const { name, res } of all) {
      for (const error of res.errors ?? []) {
        errors++;
        expect(typeof error.extensions?.code, `${name}: ${JSON.stringify(error)}`).toBe('string');
        expect(error.extensions).not.toHaveProperty('stacktrace');
      }
    }
    for (const res of extra) expect(res.errors?.length, res.text).toBeGreaterThan(0);
    expect(errors).toBeGreaterThanOrEqual(CASES.length + extra.length);
  });

  it('a body that is not JSON still gets a GraphQL error with a code and no stack', async () => {
    const response = await fetch(`${h.gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${h.operatorToken}` },
      body: '{"query": "{ auctions { totalCount } }"',
    });
    const text = await response.text();
    expect(response.status).toBe(400);
    expect(text).not.toMatch(/\bat \S+ \(|node_modules|stack/i);
    const body = JSON.parse(text) as { errors?: Array<{ extensions?: { code?: unknown } }> };
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
  });

  it.each([
    ['no Authorization header', () => ''],
    ['a token that is not a JWT', () => 'Bearer not-a-jwt'],
    // The short-timeout gateway's identity provider has its own key, which this gateway does not trust.
    ['a token of another identity provider', () => `Bearer ${t.operatorToken}`],
  ] as Array<[string, () => string]>)(
    'a 401 at the HTTP layer (%s) carries exactly one error, UNAUTHENTICATED, and reaches no upstream',
    async (_name, authorization) => {
      const res = await gql('401', AUCTIONS, undefined, { authorization: authorization() });
      expect(res.status).toBe(401);
      expect(res.data).toBeUndefined();
      expect(res.errors, res.text).toHaveLength(1);
      expect(res.errors![0]!.extensions).toEqual({ code: 'UNAUTHENTICATED' });
      expect(res.errors![0]!.message.length).toBeGreaterThan(10);
      expect(h.bondora.router.calls()).toHaveLength(0);
      expect(h.bond.router.calls()).toHaveLength(0);
    },
  );
});

/** The `upstream failure` log lines written since `from`. */
const upstreamFailures = (from: number) => h.logger.lines.slice(from).filter((l) => l.message === 'upstream failure');

describe("upstream messages: the gateway's words to the client, the upstream's to the log", () => {
  it("cancelBid on an unknown bid is NOT_FOUND with the gateway's message; Bondora's own is logged", async () => {
    const before = h.logger.lines.length;
    const res = await gql('cancel unknown', 'mutation ($id: ID!) { cancelBid(id: $id) { bidId } }', { id: UNKNOWN_UUID });
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0]!.extensions).toMatchObject({ code: 'NOT_FOUND', upstream: 'bondora' });
    expect(res.errors![0]!.message).toBe('Bondora has no such item');
    expect(res.text).not.toContain('Bid with specified ID is not found');
    expect(res.errors![0]!.path).toEqual(['cancelBid']);
    expect(h.bondora.router.calls('bid.cancel')).toHaveLength(1);
    expect(upstreamFailures(before).map((l) => l.detail)).toEqual([
      expect.objectContaining({ upstream: 'bondora', kind: 'NOT_FOUND', status: 404, upstreamText: 'Bid with specified ID is not found' }),
    ]);
  });

  it("submitting an application twice is BAD_USER_INPUT with the gateway's message; Bond's own is logged", async () => {
    const app = h.bond.applications.find((a) => a.application_status === 'created');
    if (!app) throw new Error('seed has no application in status created');
    const submit = 'mutation ($id: ID!) { submitCreditApplication(id: $id) { id status } }';
    const first = await gql('submit once', submit, { id: app.application_id });
    expect(first.errors).toBeUndefined();
    const before = h.logger.lines.length;
    const again = await gql('submit twice', submit, { id: app.application_id });
    expect(again.errors).toHaveLength(1);
    expect(again.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', upstream: 'bond' });
    expect(again.errors![0]!.message).toBe('Bond rejected the request as invalid (HTTP 400)');
    expect(again.text).not.toMatch(/cannot be submitted|kyc_started/);
    expect(h.bond.router.calls('application.submit').map((c) => c.status)).toEqual([201, 400]);
    expect(upstreamFailures(before).map((l) => [l.level, l.detail.upstreamText])).toEqual([
      ['warn', `Credit application ${app.application_id} cannot be submitted in status 'kyc_started'.`],
    ]);
  });

  it('a Bond 400 naming a field says which input field, in our camelCase; the log keeps no SSN-like number', async () => {
    const app = h.bond.applications.find((a) => a.application_status === 'created');
    if (!app) throw new Error('seed has no application in status created');
    // Bond's schema validation answers a field -> messages map; this one quotes a number back.
    h.bond.router.setFault('application.update', {
      status: 400,
      body: { applicant: { total_annual_income: ['Not a valid integer: 123-45-6789.'] } },
    });
    const before = h.logger.lines.length;
    const res = await gql('bond field', UPDATE, { input: { applicationId: app.application_id, totalAnnualIncome: 100 } });
    expect(res.data).toBeNull();
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0]!.path).toEqual(['updateCreditApplicant']);
    expect(res.errors![0]!.extensions).toEqual({ code: 'BAD_USER_INPUT', upstream: 'bond', field: 'totalAnnualIncome' });
    expect(res.errors![0]!.message).toBe('Bond rejected the request as invalid (HTTP 400): it did not accept the value of totalAnnualIncome');
    expect(res.text).not.toMatch(/total_annual_income|Not a valid integer|123-45-6789/);
    expect(h.bond.router.calls('application.update').map((c) => c.status)).toEqual([400]);
    const failures = upstreamFailures(before);
    expect(failures.map((l) => l.detail.upstreamText)).toEqual(['applicant.total_annual_income: Not a valid integer: [number].']);
    expect(JSON.stringify(h.logger.lines)).not.toContain('123-45-6789');
  });
});

describe('after all of it', () => {
  it('the process is healthy and a normal query still works', async () => {
    for (const harness of [h, t]) {
      const health = await fetch(`${harness.gateway.url}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok' });
    }
    const res = await gql('normal', `{ auctions(first: 2) { edges { node { id } } } creditApplications(first: 2) { edges { node { id } } } }`);
    expect(res.errors).toBeUndefined();
    const data = res.data as { auctions: { edges: unknown[] }; creditApplications: { edges: unknown[] } };
    expect(data.auctions.edges).toHaveLength(2);
    expect(data.creditApplications.edges).toHaveLength(2);
    const fast = await t.gql(AUCTIONS);
    expect(fast.errors).toBeUndefined();
  });
});
