import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ALL_SCOPES, type Scope } from '../../src/auth/scope.registry.js';
import { BondoraSimulator } from '../../src/simulators/bondora/bondora.simulator.js';
import { startHarness, type Harness } from '../support/gateway.harness.js';
import { badTokens, type BadTokens } from '../support/jwt.fixtures.js';

// Caller authentication and scopes over real HTTP: a refused caller never reaches a resolver (so
// never an upstream), and a caller short of a scope loses exactly the fields that need it.

let h: Harness;
let bad: BadTokens;
beforeAll(async () => {
  h = await startHarness();
  bad = await badTokens(h.idp);
});
afterAll(async () => h.close());
beforeEach(() => h.resetTraffic());

interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  body: { data?: Record<string, unknown> | null; errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }> };
}

/** An operation that touches both upstreams when it is allowed to run. */
const BOTH_UPSTREAMS = '{ auctions(first: 1) { nodes { id } } creditApplications(first: 1) { nodes { id } } }';

async function send(
  init: { method?: 'GET' | 'POST'; authorization?: string; search?: Record<string, string>; query?: string } = {},
): Promise<RawResponse> {
  const method = init.method ?? 'POST';
  const query = init.query ?? BOTH_UPSTREAMS;
  const url = new URL(`${h.gateway.url}/graphql`);
  for (const [name, value] of Object.entries(init.search ?? {})) url.searchParams.set(name, value);
  // The preflight header satisfies Apollo's CSRF rule for GET, so only authentication can refuse it.
  const headers: Record<string, string> = { accept: 'application/json', 'apollo-require-preflight': 'true' };
  if (init.authorization !== undefined) headers.authorization = init.authorization;
  let body: string | undefined;
  if (method === 'GET') url.searchParams.set('query', query);
  else {
    headers['content-type'] = 'application/json';
    body = JSON.stringify({ query });
  }
  const response = await fetch(url, { method, headers, body });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: JSON.parse(text) as RawResponse['body'] };
}

function upstreamCalls(): string[] {
  return [...h.bondora.router.calls(), ...h.bond.router.calls()].map((c) => `${c.method} ${c.route}`);
}

/** 401, a Bearer challenge, one UNAUTHENTICATED error, no data, no upstream call, and the token echoed nowhere. */
function expectRefused(res: RawResponse, secret?: string): void {
  expect(res.status).toBe(401);
  expect(res.headers.get('www-authenticate') ?? '').toMatch(/^Bearer(\s|$)/);
  expect(res.body.errors).toHaveLength(1);
  expect(res.body.errors![0]!.extensions?.code).toBe('UNAUTHENTICATED');
  expect(res.body.data ?? null).toBeNull();
  expect(upstreamCalls()).toEqual([]);
  if (secret) {
    // Neither the token nor any of its (long enough to be telling) parts may come back.
    const parts = [secret, ...secret.split('.').filter((part) => part.length >= 8)];
    for (const part of parts) {
      expect(res.text).not.toContain(part);
      expect(res.headers.get('www-authenticate') ?? '').not.toContain(part);
    }
  }
}

function kidOf(token: string): string {
  return (JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as { kid: string }).kid;
}

describe('authentication over HTTP: the refusal battery', () => {
  it('control: a valid bearer token is served and reaches both upstreams', async () => {
    const res = await send({ authorization: `Bearer ${h.operatorToken}` });
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data).toMatchObject({ auctions: { nodes: [{ id: expect.any(String) }] }, creditApplications: { nodes: [{ id: expect.any(String) }] } });
    expect(h.bondora.router.calls('auctions.list').length).toBeGreaterThan(0);
    expect(h.bond.router.calls('applications.list').length).toBeGreaterThan(0);
  });

  it('no Authorization header → 401 with a bare Bearer challenge (no error code, RFC 6750 3.1)', async () => {
    const res = await send();
    expectRefused(res);
    expect(res.headers.get('www-authenticate')).not.toContain('error=');
  });

  it('Authorization: Basic … → 401, the credentials not echoed', async () => {
    const basic = Buffer.from('someuser:somepassword-1234').toString('base64');
    const res = await send({ authorization: `Basic ${basic}` });
    expectRefused(res, basic);
    // RFC 6750 3.1: an unsupported scheme gets the bare challenge, no error code.
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="graphql"');
  });

  it('"Bearer" with no token → 401', async () => {
    expectRefused(await send({ authorization: 'Bearer' }));
  });

  const battery: Array<keyof BadTokens> = [
    'expired',
    'notYetValid',
    'wrongIssuer',
    'wrongAudience',
    'missingSub',
    'algNone',
    'hs256WithPublicKey',
    'unknownKid',
    'badSignature',
    'truncated',
    'garbage',
    'oversized',
  ];
  it.each(battery)('%s → 401 UNAUTHENTICATED, zero upstream calls, token not echoed', async (name) => {
    const token = bad[name];
    const res = await send({ authorization: `Bearer ${token}` });
    expectRefused(res, token);
    expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('the battery is refused on GET as well', async () => {
    for (const name of battery) {
      h.resetTraffic();
      const token = bad[name];
      expectRefused(await send({ method: 'GET', authorization: `Bearer ${token}` }), token);
    }
  });

  for (const method of ['GET', 'POST'] as const) {
    for (const parameter of ['access_token', 'token'] as const) {
      it(`${method} with a valid token only in ?${parameter}= → 401; the same token in the header is served`, async () => {
        const token = await h.token({ sub: 'query-string-caller' });
        const refused = await send({ method, search: { [parameter]: token } });
        expectRefused(refused, token);
        // Control: the same token and method with the header is accepted, so only its place was wrong.
        const served = await send({ method, authorization: `Bearer ${token}` });
        expect(served.status).toBe(200);
        expect(served.body.errors).toBeUndefined();
        expect(served.body.data).toMatchObject({ auctions: { nodes: [{ id: expect.any(String) }] } });
      });
    }
  }

  it('a token under an unknown kid is refused until the JWKS serves that key, then the same token is accepted', async () => {
    const token = bad.unknownKid;
    const kid = kidOf(token);
    expectRefused(await send({ authorization: `Bearer ${token}` }), token);
    await h.idp.addKey(kid);
    const res = await send({ authorization: `Bearer ${token}`, query: '{ me { id } }' });
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data).toEqual({ me: { id: 'test-caller' } });
  });
});

// ---------------------------------------------------------------------------------------------

const DEMO_TOKEN = BondoraSimulator.DEMO_TOKEN;

interface GuardedField {
  field: string;
  scope: Scope;
  kind: 'query' | 'mutation';
  upstream: 'bondora' | 'bond';
  operation: () => string;
}

function activeAuctionId(): string {
  return h.bondora.activeAuctions[0]!.AuctionId;
}
function demoBidId(): string {
  return h.bondora.bidsOf(DEMO_TOKEN)[0]!.Id;
}
function someApplication() {
  const app = h.bond.applications.find((a) => a.application_status === 'created');
  if (!app) throw new Error('the seed has no application in status created');
  return app;
}

const GUARDED: GuardedField[] = [
  { field: 'auction', scope: 'auctions:read', kind: 'query', upstream: 'bondora', operation: () => `{ auction(id: "${activeAuctionId()}") { id } }` },
  { field: 'auctions', scope: 'auctions:read', kind: 'query', upstream: 'bondora', operation: () => '{ auctions(first: 2) { nodes { id } } }' },
  { field: 'bid', scope: 'bids:read', kind: 'query', upstream: 'bondora', operation: () => `{ bid(id: "${demoBidId()}") { id } }` },
  { field: 'bids', scope: 'bids:read', kind: 'query', upstream: 'bondora', operation: () => '{ bids(first: 2) { nodes { id } } }' },
  {
    field: 'creditApplication',
    scope: 'applications:read',
    kind: 'query',
    upstream: 'bond',
    operation: () => `{ creditApplication(id: "${someApplication().application_id}") { id } }`,
  },
  { field: 'creditApplications', scope: 'applications:read', kind: 'query', upstream: 'bond', operation: () => '{ creditApplications(first: 2) { nodes { id } } }' },
  {
    field: 'placeBids',
    scope: 'bids:write',
    kind: 'mutation',
    upstream: 'bondora',
    operation: () => `mutation { placeBids(input: { bids: [{ auctionId: "${activeAuctionId()}", amount: "10" }] }) { bids { id } } }`,
  },
  { field: 'cancelBid', scope: 'bids:write', kind: 'mutation', upstream: 'bondora', operation: () => `mutation { cancelBid(id: "${demoBidId()}") { bidId } }` },
  {
    field: 'updateCreditApplicant',
    scope: 'applications:write',
    kind: 'mutation',
    upstream: 'bond',
    operation: () => `mutation { updateCreditApplicant(input: { applicationId: "${someApplication().application_id}", monthlyHousingPayment: 4242 }) { id } }`,
  },
  {
    field: 'createCreditApplication',
    scope: 'applications:write',
    kind: 'mutation',
    upstream: 'bond',
    operation: () =>
      `mutation { createCreditApplication(input: { customerId: "${h.bond.customerIds[0]}", programId: "${h.bond.programId}", employmentStatus: EMPLOYED, totalAnnualIncome: 5000000, monthlyHousingPayment: 120000 }) { id } }`,
  },
  {
    field: 'submitCreditApplication',
    scope: 'applications:write',
    kind: 'mutation',
    upstream: 'bond',
    operation: () => `mutation { submitCreditApplication(id: "${someApplication().application_id}") { id } }`,
  },
];

function without(...scopes: Scope[]): Scope[] {
  return ALL_SCOPES.filter((scope) => !scopes.includes(scope));
}

describe('scopes on root fields', () => {
  it.each(GUARDED.map((g) => [g.field, g] as const))('%s without its scope → FORBIDDEN naming it, zero upstream calls', async (_name, g) => {
    const operation = g.operation();
    const token = await h.token({ sub: `lacks-${g.scope}`, scopes: without(g.scope) });
    const res = await h.gql(operation, undefined, { authorization: `Bearer ${token}` });
    expect(res.status).toBe(200);
    expect(res.errors).toHaveLength(1);
    const [error] = res.errors!;
    expect(error!.extensions?.code).toBe('FORBIDDEN');
    expect(error!.message).toContain(g.scope);
    expect(error!.path).toEqual([g.field]);
    // A nullable query field is null in place; a non-null mutation field nulls the whole data.
    if (g.kind === 'query') expect(res.data).toEqual({ [g.field]: null });
    else expect(res.data ?? null).toBeNull();
    expect(upstreamCalls()).toEqual([]);

    // Control: the same operation with every scope does reach the upstream, so zero above means refused.
    h.resetTraffic();
    const allowed = await h.gql(operation);
    expect(allowed.errors?.filter((e) => e.extensions?.code === 'FORBIDDEN') ?? []).toEqual([]);
    const simulator = g.upstream === 'bondora' ? h.bondora : h.bond;
    expect(simulator.router.calls().length).toBeGreaterThan(0);
    // The control may have written: back to the seeds for the next field.
    h.bond.reset();
    h.bondora.reset();
  });

  it('one query mixing an allowed and a forbidden root field keeps the allowed data (no applications:read)', async () => {
    const token = await h.token({ sub: 'investor', scopes: ['auctions:read', 'bondora:shared'] });
    const res = await h.gql<{ auctions: { nodes: Array<{ id: string }> } | null; creditApplications: unknown }>(
      '{ auctions(first: 3) { nodes { id } } creditApplications(first: 3) { nodes { id } } }',
      undefined,
      { authorization: `Bearer ${token}` },
    );
    expect(res.status).toBe(200);
    const active = new Set(h.bondora.activeAuctions.map((a) => a.AuctionId));
    expect(res.data!.auctions!.nodes).toHaveLength(3);
    for (const node of res.data!.auctions!.nodes) expect(active.has(node.id)).toBe(true);
    expect(res.data!.creditApplications).toBeNull();
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0]).toMatchObject({ path: ['creditApplications'], extensions: { code: 'FORBIDDEN' } });
    expect(res.errors![0]!.message).toContain('applications:read');
    expect(h.bond.router.calls()).toEqual([]);
    expect(h.bondora.router.calls('auctions.list').length).toBeGreaterThan(0);
  });

  it('the other way round: applications served, auctions FORBIDDEN, zero Bondora calls', async () => {
    const token = await h.token({ sub: 'ops', scopes: ['applications:read', 'applications:all', 'bondora:shared'] });
    const res = await h.gql<{ auctions: unknown; creditApplications: { nodes: Array<{ id: string }> } | null }>(
      '{ auctions(first: 3) { nodes { id } } creditApplications(first: 3) { nodes { id } } }',
      undefined,
      { authorization: `Bearer ${token}` },
    );
    expect(res.data!.creditApplications!.nodes.map((n) => n.id)).toEqual(h.bond.applications.slice(0, 3).map((a) => a.application_id));
    expect(res.data!.auctions).toBeNull();
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0]).toMatchObject({ path: ['auctions'], extensions: { code: 'FORBIDDEN' } });
    expect(res.errors![0]!.message).toContain('auctions:read');
    expect(h.bondora.router.calls()).toEqual([]);
  });
  it('_entities: a representation whose type needs a missing scope is null with FORBIDDEN at its index; its neighbours are served', async () => {
    const token = await h.token({ sub: 'investor', scopes: ['auctions:read', 'bondora:shared'] });
    const auction = activeAuctionId();
    const app = someApplication().application_id;
    const res = await h.gql<{ _entities: Array<{ __typename: string; id: string } | null> }>(
      'query ($r: [_Any!]!) { _entities(representations: $r) { __typename ... on Auction { id } ... on CreditApplication { id } } }',
      { r: [{ __typename: 'Auction', id: auction }, { __typename: 'CreditApplication', id: app }] },
      { authorization: `Bearer ${token}` },
    );
    expect(res.data!._entities).toEqual([{ __typename: 'Auction', id: auction }, null]);
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0]).toMatchObject({ path: ['_entities', 1], extensions: { code: 'FORBIDDEN' } });
    expect(res.errors![0]!.message).toContain('applications:read');
    expect(h.bond.router.calls()).toEqual([]);
  });
});

describe('scopes on nested fields', () => {
  it('auctions { nodes { myBids } } without bids:read: myBids null with FORBIDDEN each, auctions served, no bids.list call', async () => {
    const token = await h.token({ sub: 'no-bids', scopes: ['auctions:read', 'bondora:shared'] });
    const query = '{ auctions(first: 3) { nodes { id myBids { id } } } }';
    const res = await h.gql<{ auctions: { nodes: Array<{ id: string; myBids: unknown }> } | null }>(query, undefined, {
      authorization: `Bearer ${token}`,
    });
    const nodes = res.data!.auctions!.nodes;
    expect(nodes).toHaveLength(3);
    for (const node of nodes) {
      expect(node.id).toEqual(expect.any(String));
      expect(node.myBids).toBeNull();
    }
    expect(res.errors).toHaveLength(3);
    expect(res.errors!.map((e) => e.path)).toEqual([0, 1, 2].map((i) => ['auctions', 'nodes', i, 'myBids']));
    for (const error of res.errors!) {
      expect(error.extensions?.code).toBe('FORBIDDEN');
      expect(error.message).toContain('bids:read');
    }
    expect(h.bondora.router.calls('bids.list')).toEqual([]);
    expect(h.bondora.router.calls('bid.get')).toEqual([]);
    expect(h.bondora.router.calls('auctions.list').length).toBeGreaterThan(0);

    // Control: with bids:read the same query reads the bids.
    h.resetTraffic();
    const withBids = await h.token({ sub: 'with-bids', scopes: ['auctions:read', 'bids:read', 'bondora:shared'] });
    const allowed = await h.gql<{ auctions: { nodes: Array<{ myBids: unknown[] | null }> } }>(query, undefined, { authorization: `Bearer ${withBids}` });
    expect(allowed.errors).toBeUndefined();
    for (const node of allowed.data!.auctions.nodes) expect(Array.isArray(node.myBids)).toBe(true);
    expect(h.bondora.router.calls('bids.list').length).toBeGreaterThan(0);
  });

  it('bids { nodes { auction } } without auctions:read: auction null with FORBIDDEN each, bids served, no auctions call', async () => {
    const token = await h.token({ sub: 'no-auctions', scopes: ['bids:read', 'bondora:shared'] });
    const query = '{ bids(first: 3) { nodes { id auction { id } } } }';
    const res = await h.gql<{ bids: { nodes: Array<{ id: string; auction: unknown }> } | null }>(query, undefined, {
      authorization: `Bearer ${token}`,
    });
    const nodes = res.data!.bids!.nodes;
    expect(nodes.length).toBeGreaterThan(0);
    const demoBids = new Set(h.bondora.bidsOf(DEMO_TOKEN).map((b) => b.Id));
    for (const node of nodes) {
      expect(demoBids.has(node.id)).toBe(true);
      expect(node.auction).toBeNull();
    }
    expect(res.errors).toHaveLength(nodes.length);
    expect(res.errors!.map((e) => e.path)).toEqual(nodes.map((_n, i) => ['bids', 'nodes', i, 'auction']));
    for (const error of res.errors!) {
      expect(error.extensions?.code).toBe('FORBIDDEN');
      expect(error.message).toContain('auctions:read');
    }
    expect(h.bondora.router.calls('auctions.list')).toEqual([]);
    expect(h.bondora.router.calls('auction.get')).toEqual([]);
    expect(h.bondora.router.calls('bids.list').length).toBeGreaterThan(0);

    // Control: with auctions:read the auctions are loaded.
    h.resetTraffic();
    const withAuctions = await h.token({ sub: 'with-auctions', scopes: ['bids:read', 'auctions:read', 'bondora:shared'] });
    const allowed = await h.gql<{ bids: { nodes: Array<{ auction: { id: string } | null }> } }>(query, undefined, {
      authorization: `Bearer ${withAuctions}`,
    });
    expect(allowed.errors).toBeUndefined();
    expect(allowed.data!.bids.nodes.some((n) => n.auction !== null)).toBe(true);
    expect(h.bondora.router.calls('auctions.list').length + h.bondora.router.calls('auction.get').length).toBeGreaterThan(0);
  });
});

describe('me', () => {
  it("returns the caller's sub, known scopes sorted (unknown ones dropped) and customer id", async () => {
    const token = await h.idp.sign({
      sub: 'customer-7',
      scope: 'pii:read zz:unknown bids:read admin applications:read auctions:read',
      bond_customer_id: 'c0ffee00-0000-4000-8000-000000000007',
    });
    const res = await h.gql<{ me: { id: string; scopes: string[]; customerId: string | null } }>('{ me { id scopes customerId } }', undefined, {
      authorization: `Bearer ${token}`,
    });
    expect(res.status).toBe(200);
    expect(res.errors).toBeUndefined();
    expect(res.data!.me).toEqual({
      id: 'customer-7',
      scopes: ['applications:read', 'auctions:read', 'bids:read', 'pii:read'],
      customerId: 'c0ffee00-0000-4000-8000-000000000007',
    });
    expect(upstreamCalls()).toEqual([]);
  });

  it('a caller without a customer claim or any known scope: customerId null, scopes empty', async () => {
    const token = await h.idp.sign({ sub: 'nobody', scope: 'openid profile' });
    const res = await h.gql<{ me: { id: string; scopes: string[]; customerId: string | null } }>('{ me { id scopes customerId } }', undefined, {
      authorization: `Bearer ${token}`,
    });
    expect(res.errors).toBeUndefined();
    expect(res.data!.me).toEqual({ id: 'nobody', scopes: [], customerId: null });
  });

  it('the operator token lists every registered scope, sorted', async () => {
    const res = await h.gql<{ me: { id: string; scopes: string[] } }>('{ me { id scopes } }');
    expect(res.data!.me).toEqual({ id: 'test-operator', scopes: [...ALL_SCOPES].sort() });
  });
});

describe('response headers', () => {
  it('a served response carries Cache-Control: no-store and X-Content-Type-Options: nosniff', async () => {
    const res = await send({ authorization: `Bearer ${h.operatorToken}`, query: '{ me { id } }' });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('so does a refused one (401) and a GET', async () => {
    const refused = await send();
    expect(refused.status).toBe(401);
    expect(refused.headers.get('cache-control')).toBe('no-store');
    expect(refused.headers.get('x-content-type-options')).toBe('nosniff');
    const get = await send({ method: 'GET', authorization: `Bearer ${h.operatorToken}`, query: '{ me { id } }' });
    expect(get.status).toBe(200);
    expect(get.headers.get('cache-control')).toBe('no-store');
    expect(get.headers.get('x-content-type-options')).toBe('nosniff');
  });
});
