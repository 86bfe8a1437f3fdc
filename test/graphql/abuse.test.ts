import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BondSimulator } from '../../src/simulators/bond/bond.simulator.js';
import { BondoraSimulator } from '../../src/simulators/bondora/bondora.simulator.js';
import { startHarness, type Harness } from '../support/gateway.harness.js';

// Every kind of bad input we could think of: each gets a clear error with a code, reaches no
// upstream, and leaves no secret, URL or stack in the response. Every request is sent as an
// authenticated operator (every scope), so what refuses it is the input, not the missing caller.

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());
beforeEach(() => h.resetTraffic());

interface Raw {
  status: number;
  text: string;
  json: unknown;
  headers: Headers;
}

/** POSTs as the operator unless `headers.authorization` says otherwise ('' sends none). */
async function post(body: string, headers: Record<string, string> = { 'content-type': 'application/json' }): Promise<Raw> {
  const sent: Record<string, string> = { authorization: `Bearer ${h.operatorToken}` };
  for (const [name, value] of Object.entries(headers)) {
    if (value) sent[name.toLowerCase()] = value;
    else delete sent[name.toLowerCase()];
  }
  const res = await fetch(`${h.gateway.url}/graphql`, { method: 'POST', headers: sent, body });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json, headers: res.headers };
}

const op = (query: string, variables?: unknown) => post(JSON.stringify({ query, variables }));
const errorsOf = (raw: Raw) => ((raw.json as { errors?: Array<{ message: string; extensions?: Record<string, unknown> }> })?.errors ?? []);

function expectRefused(raw: Raw, code: string | RegExp, message?: RegExp): void {
  const errors = errorsOf(raw);
  expect(errors.length, raw.text.slice(0, 300)).toBeGreaterThan(0);
  const first = errors[0]!;
  if (typeof code === 'string') expect(first.extensions?.code).toBe(code);
  else expect(String(first.extensions?.code)).toMatch(code);
  if (message) expect(first.message).toMatch(message);
  expect(first.message.length).toBeGreaterThan(10);
  expect(first.message.length).toBeLessThan(400);
  for (const secret of [BondoraSimulator.DEMO_TOKEN, BondSimulator.DEMO_IDENTITY, BondSimulator.DEMO_API_KEY, h.settings.bondora.url, h.settings.bond.url, h.operatorToken]) {
    expect(raw.text).not.toContain(secret);
  }
  expect(raw.text).not.toMatch(/\bat \S+ \(|node_modules|\.ts:\d+|stacktrace/);
  expect([...h.bondora.router.calls(), ...h.bond.router.calls()]).toHaveLength(0);
}

const deep = (levels: number) => {
  let selection = 'id';
  for (let i = 0; i < levels; i++) selection = `auction { myBids { ${selection} } }`;
  return `{ bids(first: 1) { edges { node { ${selection} } } } }`;
};

describe('bad input is refused before any upstream call', () => {
  it.each([
    ['a string where an Int goes', () => op('query ($n: Int) { auctions(first: $n) { totalCount } }', { n: 'ten' }), 'BAD_USER_INPUT'],
    ['an Int beyond 32 bits', () => op('query ($n: Int) { auctions(first: $n) { totalCount } }', { n: 2 ** 40 }), 'BAD_USER_INPUT'],
    ['a huge Cents value', () => op('mutation ($i: UpdateCreditApplicantInput!) { updateCreditApplicant(input: $i) { id } }', { i: { applicationId: '2629182a-3aeb-4834-846a-1688d4649bb9', totalAnnualIncome: 1e300 } }), 'BAD_USER_INPUT'],
    ['a huge literal Int', () => op('{ auctions(first: 99999999999999999999) { totalCount } }'), 'BAD_USER_INPUT'],
    ['a Decimal that is not a number', () => op('mutation { placeBids(input: { bids: [{ auctionId: "2629182a-3aeb-4834-846a-1688d4649bb9", amount: "1e5" }] }) { bids { id } } }'), 'BAD_USER_INPUT'],
    ['a DateTime without a zone', () => op('{ bids(filter: { startDate: "2026-01-01T00:00:00" }) { totalCount } }'), 'BAD_USER_INPUT'],
    ['an object where an ID goes', () => op('query ($id: ID!) { auction(id: $id) { id } }', { id: { $ne: null } }), 'BAD_USER_INPUT'],
    ['a missing required variable', () => op('query ($id: ID!) { auction(id: $id) { id } }'), 'BAD_USER_INPUT'],
    ['an id that is not a UUID', () => op('{ creditApplication(id: "../../admin") { id } }'), 'BAD_USER_INPUT'],
    ['a bad cursor', () => op('{ auctions(first: 5, after: "%%%") { totalCount } }'), 'BAD_USER_INPUT'],
    ['first above 100', () => op('{ auctions(first: 1000) { totalCount } }'), 'BAD_USER_INPUT'],
    ['a query 30 levels deep', () => op(deep(14)), 'BAD_USER_INPUT', /nests \d+ fields deep; the limit is 12/],
    // Aliases of one auction's own fields: a single upstream call, so it is the alias rule that refuses.
    ['60 aliases', () => op(`{ auction(id: "2629182a-3aeb-4834-846a-1688d4649bb9") { ${Array.from({ length: 60 }, (_, i) => `a${i}: rating`).join(' ')} } }`), 'BAD_USER_INPUT', /60 aliases; the limit is 50/],
    ['10,000 aliases', () => op(`{ ${Array.from({ length: 10_000 }, (_, i) => `a${i}: auction(id: "x") { id }`).join(' ')} }`), /GRAPHQL_PARSE_FAILED|BAD_REQUEST|PAYLOAD_TOO_LARGE/],
    // Few upstream calls (the lists are batched) but a hundredfold fan-out of fields: the cost limit refuses.
    ['an expensive query', () => op('{ auctions(first: 100) { edges { node { myBids { auction { myBids { auction { id rating interest } } } } } } } }'), 'BAD_USER_INPUT', /estimated cost is \d+; the limit is 10000/],
    ['a megabyte string variable', () => op('query ($id: ID!) { auction(id: $id) { id } }', { id: 'x'.repeat(1_048_576) }), 'PAYLOAD_TOO_LARGE'],
    ['a body that is not JSON', () => post('{"query": "{ auctions { totalCount } }"'), 'BAD_REQUEST', /not valid JSON/],
    ['an empty body', () => post(''), /BAD_REQUEST/],
    ['a query that is not a string', () => post(JSON.stringify({ query: { evil: true } })), 'BAD_REQUEST'],
    ['a syntax error', () => op('{ auctions(first: ) '), 'GRAPHQL_PARSE_FAILED'],
    ['an unknown field', () => op('{ auctions { password } }'), 'GRAPHQL_VALIDATION_FAILED'],
    ['a batch of 11 operations', () => post(JSON.stringify(Array.from({ length: 11 }, () => ({ query: '{ auctions { totalCount } }' })))), 'BAD_USER_INPUT', /at most 10 operations/],
    ['an empty batch', () => post('[]'), 'BAD_USER_INPUT'],
    ['a simple form POST (CSRF)', () => post('query={auctions{totalCount}}', { 'content-type': 'application/x-www-form-urlencoded' }), 'BAD_REQUEST'],
  ] as Array<[string, () => Promise<Raw>, string | RegExp, RegExp?]>)('%s', async (_name, send, code, message) => {
    const raw = await send();
    expect(raw.status).toBeGreaterThanOrEqual(200);
    expectRefused(raw, code, message);
  });

  it('a GET without a preflight-forcing header is refused (CSRF prevention)', async () => {
    // Authenticated, so what refuses it is the missing preflight header and not the missing caller.
    const res = await fetch(`${h.gateway.url}/graphql?query=${encodeURIComponent('{ auctions { totalCount } }')}`, {
      headers: { authorization: `Bearer ${h.operatorToken}` },
    });
    const raw = { status: res.status, text: await res.text(), json: undefined as unknown };
    expect(raw.status).toBe(400);
    expect(raw.text).toMatch(/CSRF|preflight|apollo-require-preflight/i);
    expect([...h.bondora.router.calls(), ...h.bond.router.calls()]).toHaveLength(0);
  });

  it('legitimate work stays within the limits: a 20-alias lookup and a batch of 3', async () => {
    const ids = h.bond.applications.slice(0, 20).map((a) => a.application_id);
    const aliases = await op(`{ ${ids.map((id, i) => `a${i}: creditApplication(id: "${id}") { id status }`).join(' ')} }`);
    expect(errorsOf(aliases)).toEqual([]);
    const batch = await post(JSON.stringify([{ query: '{ auctions(first: 1) { totalCount } }' }, { query: '{ bids(first: 1) { totalCount } }' }, { query: '{ creditApplications(first: 1) { edges { node { id } } } }' }]));
    expect(batch.status).toBe(200);
    expect((batch.json as unknown[]).length).toBe(3);
    for (const result of batch.json as Array<{ errors?: unknown }>) expect(result.errors).toBeUndefined();
    const introspection = await op('{ __schema { types { name fields { name type { name kind ofType { name kind ofType { name kind ofType { name } } } } } } } }');
    expect(errorsOf(introspection)).toEqual([]);
  });
});

/** A refusal by the per-request upstream-call budget: 400 before Apollo, nothing sent upstream. */
function expectTooManyCalls(raw: Raw, estimated: number): void {
  expect(raw.status, raw.text.slice(0, 300)).toBe(400);
  expectRefused(raw, 'BAD_USER_INPUT', new RegExp(`could make up to ${estimated} upstream calls; the limit is 50`));
  expect(errorsOf(raw)).toHaveLength(1);
  expect(errorsOf(raw)[0]!.extensions).toMatchObject({ reason: 'TOO_MANY_UPSTREAM_CALLS', estimatedCalls: estimated, maxCalls: 50 });
  expect(h.bond.router.calls()).toHaveLength(0);
  expect(h.bondora.router.calls()).toHaveLength(0);
}

const AN_ID = '2629182a-3aeb-4834-846a-1688d4649bb9';
/** 50 distinct applications, so the one operation really costs 50 calls (the loader dedupes ids). */
const fiftyLookups = () => `{ ${h.bond.applications.slice(0, 50).map((a, i) => `a${i}: creditApplication(id: "${a.application_id}") { id status }`).join(' ')} }`;

describe('the upstream-call budget: at most 50 calls per HTTP request, counted before any call', () => {
  it('60 aliased lookups are refused', async () => {
    const raw = await op(`{ ${Array.from({ length: 60 }, (_, i) => `a${i}: auction(id: "${AN_ID}") { id }`).join(' ')} }`);
    expectTooManyCalls(raw, 60);
  });

  it('a query whose detail fields fan out to 206 calls is refused, though its document is small', async () => {
    const raw = await op(
      '{ auctions(first: 100) { edges { node { myBids { auction { myBids { auction { id rating interest liabilities { creditor } } } } } } } } bids(first: 100) { edges { node { auction { liabilities { creditor outstanding } debts { industry } } } } } }',
    );
    expectTooManyCalls(raw, 206);
  });

  it('10 operations of 50 aliased creditApplication lookups in one batched POST: each fits, the request does not', async () => {
    // One operation of 50 lookups is within every limit (50 aliases, 50 calls)...
    const single = await op(fiftyLookups());
    expect(single.status).toBe(200);
    expect(errorsOf(single)).toEqual([]);
    expect(h.bond.router.calls('application.get')).toHaveLength(50);
    h.resetTraffic();
    // ...but a batch is one HTTP request, so its operations are summed: 500 calls, refused before any.
    const raw = await post(JSON.stringify(Array.from({ length: 10 }, () => ({ query: fiftyLookups() }))));
    expectTooManyCalls(raw, 500);
    expect(h.bond.router.calls()).toHaveLength(0);
    expect(h.bondora.router.calls()).toHaveLength(0);
  });
});

describe('a request without a valid caller is refused before its body is read', () => {
  it.each([
    ['no Authorization header', {}, false],
    // Another scheme is no attempt at a bearer token: the bare challenge (RFC 6750 3.1), not invalid_token.
    ['a Basic Authorization header', { authorization: `Basic ${Buffer.from('user:pass').toString('base64')}` }, false],
    ['a Bearer scheme without a token', { authorization: 'Bearer' }, true],
    ['a bearer token that is not a JWT', { authorization: 'Bearer not-a-jwt' }, true],
    ['a JWT whose signature does not verify', { authorization: 'tampered' }, true],
  ] as Array<[string, Record<string, string>, boolean]>)('%s: 401 UNAUTHENTICATED, even for a body that is not JSON', async (_name, auth, invalid) => {
    const authorization =
      auth.authorization === 'tampered' ? `Bearer ${h.operatorToken.slice(0, -4)}${h.operatorToken.endsWith('AAAA') ? 'BBBB' : 'AAAA'}` : auth.authorization;
    const raw = await post('{"query": "{ auctions { totalCount } }"', { 'content-type': 'application/json', authorization: authorization ?? '' });
    expect(raw.status).toBe(401);
    expect(raw.headers.get('www-authenticate')).toMatch(/^Bearer realm="graphql"/);
    if (invalid) expect(raw.headers.get('www-authenticate')).toContain('error="invalid_token"');
    else expect(raw.headers.get('www-authenticate')).toBe('Bearer realm="graphql"');
    expect(errorsOf(raw)).toHaveLength(1);
    expectRefused(raw, 'UNAUTHENTICATED');
    // The credential that was sent is not echoed back.
    const credential = authorization?.split(' ')[1];
    if (credential) expect(raw.text).not.toContain(credential);
  });

  it('a token in the query string is not read', async () => {
    const query = encodeURIComponent('{ auctions(first: 1) { totalCount } }');
    const res = await fetch(`${h.gateway.url}/graphql?query=${query}&access_token=${h.operatorToken}`, { headers: { 'apollo-require-preflight': 'true' } });
    const raw: Raw = { status: res.status, text: await res.text(), json: undefined, headers: res.headers };
    raw.json = JSON.parse(raw.text);
    expect(raw.status).toBe(401);
    expectRefused(raw, 'UNAUTHENTICATED');
  });
});
