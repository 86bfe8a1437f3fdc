import 'reflect-metadata';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { parse, type GraphQLSchema } from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UPSTREAM_CALL_COSTS } from '../../src/graphql/limits/upstream-calls.costs.js';
import { estimateUpstreamCalls } from '../../src/graphql/limits/upstream-calls.estimate.js';
import { upstreamCallBudget } from '../../src/server/upstream-calls.middleware.js';
import { subgraphSchema } from '../../src/server/subgraph.schema.js';

// The per-request upstream-call budget: the estimate is proved rule by rule against the served
// schema, and the middleware over real HTTP refuses before anything behind it runs.

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await subgraphSchema();
});

const ID = '2629182a-3aeb-4834-846a-1688d4649bb9';
const aliases = (n: number, field: (i: number) => string) => Array.from({ length: n }, (_, i) => field(i)).join(' ');
const uuid = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
const representations = (typeName: string, n: number, from = 0) => Array.from({ length: n }, (_, i) => ({ __typename: typeName, id: uuid(from + i) }));
const ENTITIES = 'query ($r: [_Any!]!) { _entities(representations: $r) { __typename ... on CreditApplication { id } ... on Auction { id } ... on Bid { id } } }';

const estimate = (query: string, variables?: Record<string, unknown>, operationName?: string) =>
  estimateUpstreamCalls(schema, parse(query), { variables, operationName });

describe('estimateUpstreamCalls', () => {
  it.each([
    // Root lookups by id: every alias is a call.
    ['one auction by id', `{ auction(id: "${ID}") { id rating } }`, 1],
    ['a lookup of each kind, one aliased twice', `{ a: auction(id: "${ID}") { id } b: bid(id: "${ID}") { id } c: creditApplication(id: "${ID}") { id } d: creditApplication(id: "${ID}") { id } }`, 4],
    ['50 aliased credit applications', `{ ${aliases(50, (i) => `a${i}: creditApplication(id: "${ID}") { id }`)} }`, 50],
    ['the same field twice without an alias is one execution', `{ creditApplication(id: "${ID}") { id } creditApplication(id: "${ID}") { status } }`, 1],
    // Bond connections: 50 items per page.
    ['creditApplications, default 20 items', '{ creditApplications { edges { node { id } } } }', 1],
    ['creditApplications(first: 50)', '{ creditApplications(first: 50) { nodes { id } } }', 1],
    ['creditApplications(first: 51)', '{ creditApplications(first: 51) { nodes { id } } }', 2],
    ['creditApplications(first: 100)', '{ creditApplications(first: 100) { edges { node { id applicant { customerId } } } } }', 2],
    ["creditApplications(last: 100, before): two pages and a read of the cursor's application", '{ creditApplications(last: 100, before: "x") { nodes { id } } }', 3],
    ["creditApplications(first: 50, after): one page and a read of the cursor's application", '{ creditApplications(first: 50, after: "x") { nodes { id } } }', 2],
    ['first above 100 counts as 100', '{ creditApplications(first: 1000) { nodes { id } } }', 2],
    ['a first that is not a number counts as the default', '{ creditApplications(first: "many") { nodes { id } } }', 1],
    // Bondora offset windows: at most two pages whatever the size.
    ['auctions(first: 100)', '{ auctions(first: 100) { totalCount } }', 2],
    ['bids, default window', '{ bids { pageInfo { hasNextPage } } }', 2],
    ['two aliased windows', '{ a: auctions(first: 1) { totalCount } b: auctions(first: 5) { totalCount } }', 4],
    // Detail-only fields: one shared call per auction.
    ['liabilities and debts of 10 auctions', '{ auctions(first: 10) { edges { node { liabilities { creditor } debts { industry } borrowerHistory { issuedLoans } } } } }', 2 + 10],
    ['edges and nodes of one connection are the same items', '{ auctions(first: 10) { edges { node { liabilities { creditor } } } nodes { debts { industry } } } }', 2 + 10],
    ['liabilities of one auction by id', `{ auction(id: "${ID}") { liabilities { creditor } debts { industry } } }`, 1 + 1],
    // Batched lists: one call per operation however many parents.
    ['Bid.auction inside bids(first: 50)', '{ bids(first: 50) { edges { node { auction { id } } } } }', 2 + 1],
    ['Bid.auction and Auction.myBids', '{ bids(first: 50) { edges { node { auction { id myBids { id } } } } } }', 2 + 1 + 1],
    ['liabilities through Bid.auction multiply by the bids', '{ bids(first: 50) { edges { node { auction { liabilities { creditor } } } } } }', 2 + 1 + 50],
    ['one list shared by two aliased windows', '{ a: bids(first: 30) { nodes { auction { id } } } b: bids(first: 30) { nodes { auction { rating } } } }', 2 + 2 + 1],
    // Fragments.
    [
      'named fragments, on the root and on a type',
      `query { ...Root } fragment Root on Query { a: creditApplication(id: "${ID}") { ...App } b: creditApplication(id: "${ID}") { ...App } } fragment App on CreditApplication { id status }`,
      2,
    ],
    [
      'a detail group split across inline and named fragments',
      '{ auctions(first: 5) { edges { node { ... on Auction { liabilities { creditor } } ...Debts } } } } fragment Debts on Auction { debts { industry } }',
      2 + 5,
    ],
    ['@skip and @include count as included', `{ creditApplication(id: "${ID}") @skip(if: true) { id } a: auction(id: "${ID}") @include(if: false) { id } }`, 2],
    // Mutations.
    ['updateCreditApplicant', `mutation { updateCreditApplicant(input: { applicationId: "${ID}" }) { id applicant { employmentStatus } } }`, 2],
    ['submitCreditApplication', `mutation { submitCreditApplication(id: "${ID}") { id } }`, 2],
    ['createCreditApplication', `mutation { createCreditApplication(input: { customerId: "${ID}", programId: "${ID}" }) { id } }`, 1],
    ['placeBids with the bid and auction of each', `mutation { placeBids(input: { bids: [] }) { bids { bid { id } auction { id } } } }`, 1 + 1 + 1],
    ['cancelBid with the bid', `mutation { cancelBid(id: "${ID}") { accepted bid { status } } }`, 1 + 1],
    ['each write pays its own lists (writes reset them)', `mutation { a: cancelBid(id: "${ID}") { bid { id } } b: cancelBid(id: "${ID}") { bid { id } } }`, 2 + 2],
    // Bond adverse actions: one call per application, shared by aliases on it.
    ['adverseAction of one application', `{ creditApplication(id: "${ID}") { adverseAction { reasons } again: adverseAction { id } } }`, 1 + 1],
    ['adverseAction of 20 listed applications', '{ creditApplications(first: 20) { nodes { adverseAction { reasons } } } }', 1 + 20],
    // The secondary market: a window of at most two pages; loan parts and item summaries through the bulk loaders.
    ['secondaryMarket(first: 100) with loan parts', '{ secondaryMarket(first: 100) { nodes { id loanPart { id } } } }', 2 + 1],
    ['secondaryMarket with the summary-only fields', '{ secondaryMarket(first: 50) { nodes { number plannedCloseDate loanPart { id } } } }', 2 + 1 + 1],
    ['two aliased secondaryMarketItem lookups share one list call', `{ a: secondaryMarketItem(id: "${ID}") { id number } b: secondaryMarketItem(id: "${ID}") { loanPart { id } } }`, 1 + 1],
    ['sellLoanParts with each new item and loan part', 'mutation { sellLoanParts(input: { items: [] }) { accepted items { item { id } loanPart { id } } } }', 1 + 1 + 1],
    ['buy then cancel, each with its items', 'mutation { a: buySecondaryMarketItems(input: { itemIds: [] }) { items { id } } b: cancelSecondaryMarketItems(input: { itemIds: [] }) { accepted items { loanPart { id } } } }', 2 + 3],
    // The investor's account: the balance one call, investments and events windows, loan parts one list per operation.
    ['the portfolio screen', '{ account { balance { balance fetchedAt } investments(first: 100) { nodes { id loanPart { id scheduledPayments { totalAmount } } } } } }', 1 + 2 + 1],
    ['account events', '{ account { events(first: 10, filter: { eventType: SM_SELL }) { totalCount } } }', 2],
    ['account alone checks the connection only', '{ account { __typename } }', 0],
    ['loanPart by id, aliased', `{ a: loanPart(id: "${ID}") { id } b: loanPart(id: "${ID}") { loanTransfers { date } } }`, 2],
    // Free.
    ['_service', '{ _service { sdl } }', 0],
    ['introspection', '{ __schema { types { name fields { name } } } __type(name: "Auction") { name } __typename }', 0],
    ['plain fields only under a free root', '{ __typename _service { sdl } }', 0],
  ] as Array<[string, string, number]>)('%s: %i', (_name, query, expected) => {
    expect(estimate(query)).toBe(expected);
  });

  it('reads first/last from variables, and from variable defaults', () => {
    const query = 'query ($n: Int) { creditApplications(first: $n) { nodes { id } } }';
    expect(estimate(query, { n: 100 })).toBe(2);
    expect(estimate(query, { n: 50 })).toBe(1);
    expect(estimate(query)).toBe(1);
    expect(estimate(query, { n: 'ten' })).toBe(1);
    expect(estimate('query ($n: Int = 100) { creditApplications(first: $n) { nodes { id } } }')).toBe(2);
    expect(estimate('query ($n: Int = 100) { creditApplications(first: $n) { nodes { id } } }', { n: 10 })).toBe(1);
  });

  it('counts _entities per __typename: CreditApplication each, Auction and Bid one list per group', () => {
    expect(estimate(ENTITIES, { r: representations('CreditApplication', 300) })).toBe(300);
    expect(estimate(ENTITIES, { r: representations('Auction', 50) })).toBe(1);
    expect(estimate(ENTITIES, { r: representations('Bid', 50) })).toBe(1);
    expect(estimate(ENTITIES, { r: [...representations('CreditApplication', 10), ...representations('Auction', 5), ...representations('Bid', 5)] })).toBe(10 + 1 + 1);
    expect(estimate(ENTITIES, { r: representations('Watchlist', 50) })).toBe(0);
  });

  it('counts a CreditApplication id once however often it is represented, as the loader fetches it', () => {
    const fifty = representations('CreditApplication', 50);
    expect(estimate(ENTITIES, { r: [...fifty, ...fifty.slice(0, 10)] })).toBe(50);
    expect(estimate(ENTITIES, { r: [...fifty, ...fifty.slice(0, 5).map((r) => ({ ...r, id: r.id.toUpperCase() }))] })).toBe(50);
    expect(estimate(ENTITIES, { r: [...fifty, ...representations('CreditApplication', 5, 100)] })).toBe(55);
    expect(estimate(ENTITIES, { r: [{ __typename: 'CreditApplication', id: 1 }, { __typename: 'CreditApplication', id: 1 }] })).toBe(2);
  });

  it('multiplies nested selections in _entities by their group', () => {
    const withLiabilities = 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Auction { id liabilities { creditor } } } }';
    expect(estimate(withLiabilities, { r: representations('Auction', 50) })).toBe(1 + 50);
    expect(estimate(withLiabilities, { r: [...representations('Auction', 5), ...representations('CreditApplication', 20)] })).toBe(1 + 5 + 20);
    const bidAuctions = 'query ($r: [_Any!]!) { _entities(representations: $r) { ...B } } fragment B on Bid { auction { liabilities { creditor } } }';
    expect(estimate(bidAuctions, { r: representations('Bid', 7) })).toBe(1 + 1 + 7);
    const literal = `{ _entities(representations: [{ __typename: "CreditApplication", id: "${uuid(1)}" }, { __typename: "CreditApplication", id: "${uuid(2)}" }]) { __typename } }`;
    expect(estimate(literal)).toBe(2);
  });

  it('never throws on odd input: it counts what it can', () => {
    expect(estimate('{ nope { deeper } }')).toBe(0);
    expect(estimate('{ ...Missing }')).toBe(0);
    expect(estimate(`{ creditApplication(id: "${ID}") { id ...Missing } ...AlsoMissing }`)).toBe(1);
    expect(estimate('{ auctions(first: 5) { edges { node { ... on Bid { auction { id } } ... on Nope { id } } } } }')).toBe(2);
    expect(estimate(`{ creditApplication(id: "${ID}") { id } }`, undefined, 'Unknown')).toBe(0);
    expect(estimate(ENTITIES, { r: 'not a list' })).toBe(0);
    expect(estimate(ENTITIES, { r: [null, 1, 'x', { id: ID }] })).toBe(0);
    expect(estimate('fragment A on Auction { id }')).toBe(0);
    expect(estimateUpstreamCalls(schema, parse(`{ creditApplication(id: "${ID}") { id } }`), { variables: null, operationName: null })).toBe(1);
    // A fragment inside itself is refused by validation later; here it only must end.
    expect(estimate(`{ auction(id: "${ID}") { ...A } } fragment A on Auction { myBids { auction { ...A } } }`)).toBe(1 + 1 + 1);
  });

  it('picks the named operation, and none when a document with several names none', () => {
    const document = `query One { creditApplication(id: "${ID}") { id } } query Two { auctions(first: 5) { totalCount } a: auction(id: "${ID}") { id } }`;
    expect(estimate(document, undefined, 'One')).toBe(1);
    expect(estimate(document, undefined, 'Two')).toBe(3);
    expect(estimate(document)).toBe(0);
  });

  it('gives up, as Infinity, on documents too large or too deep to walk, and does so fast', () => {
    const levels = 40;
    const fragments = Array.from(
      { length: levels },
      (_, i) => `fragment F${i} on Auction { a: myBids { auction { ...F${i + 1} } } b: myBids { auction { ...F${i + 1} } } }`,
    ).join(' ');
    const started = performance.now();
    expect(estimate(`{ auction(id: "${ID}") { ...F0 } } ${fragments} fragment F${levels} on Auction { id }`)).toBe(Infinity);
    expect(performance.now() - started).toBeLessThan(1_000);
    const wide = Array.from({ length: 8 }, (_, i) => `fragment W${i} on Auction { ${aliases(4, (k) => `a${k}: myBids { auction { ...W${i + 1} } }`)} }`);
    expect(estimate(`{ auction(id: "${ID}") { ...W0 } } ${wide.join(' ')} fragment W8 on Auction { id }`)).toBe(Infinity);
    // A large but real operation stays well within the walk: 50 aliases sharing a 100-field fragment.
    const fields = Array.from({ length: 100 }, (_, i) => `f${i}: id`).join(' ');
    expect(estimate(`{ ${aliases(50, (i) => `a${i}: creditApplication(id: "${ID}") { ...App }`)} } fragment App on CreditApplication { ${fields} }`)).toBe(50);
    // Inline fragments add no depth for the depth rule, so they must not hide fields from this walk.
    const nested = `${'... on Query { '.repeat(100)}creditApplication(id: "${ID}") { id }${' }'.repeat(100)}`;
    expect(estimate(`{ ${nested} }`)).toBe(Infinity);
    expect(estimate(`{ ${'... on Query { '.repeat(10)}creditApplication(id: "${ID}") { id }${' }'.repeat(10)} }`)).toBe(1);
  });
});

describe('the cost registry', () => {
  // Declared ahead of the fields that will use them.
  const PLANNED = new Set(['Query.me', 'Mutation.connectBondora', 'Mutation.disconnectBondora']);

  it('prices every root field of Query and Mutation, so a new one cannot escape the budget', () => {
    const roots = [schema.getQueryType(), schema.getMutationType()].flatMap((type) =>
      type ? Object.keys(type.getFields()).map((field) => `${type.name}.${field}`) : [],
    );
    expect(roots.length).toBeGreaterThan(10);
    expect(roots.filter((coordinate) => !(coordinate in UPSTREAM_CALL_COSTS))).toEqual([]);
  });

  it('names only fields that exist, or are planned', () => {
    const unknown = Object.keys(UPSTREAM_CALL_COSTS).filter((coordinate) => {
      const [typeName, field] = coordinate.split('.') as [string, string];
      const type = schema.getType(typeName);
      const exists = type !== undefined && type !== null && 'getFields' in type && field in type.getFields();
      return !exists && !PLANNED.has(coordinate);
    });
    expect(unknown).toEqual([]);
  });
});

describe('upstreamCallBudget over HTTP', () => {
  const MAX = 50;
  let server: http.Server;
  let url: string;
  let reached = 0;

  beforeAll(async () => {
    const app = express();
    app.use('/graphql', express.json({ limit: '1mb' }), upstreamCallBudget(schema, MAX), (_req, res) => {
      reached++;
      res.json({ data: { reached: true } });
    });
    server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });
  afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    reached = 0;
  });

  const post = async (body: unknown) => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, json: (await res.json()) as { errors?: Array<{ message: string; extensions: Record<string, unknown> }> } };
  };

  it('refuses a batch of 10 operations of 50 aliased creditApplication lookups, before the handler', async () => {
    const query = `{ ${aliases(50, (i) => `a${i}: creditApplication(id: "${ID}") { id status }`)} }`;
    const res = await post(Array.from({ length: 10 }, () => ({ query })));
    expect(res.status).toBe(400);
    const error = res.json.errors?.[0];
    expect(error?.extensions).toEqual({ code: 'BAD_USER_INPUT', reason: 'TOO_MANY_UPSTREAM_CALLS', estimatedCalls: 500, maxCalls: MAX });
    expect(error?.message).toBe(
      'This request could make up to 500 upstream calls; the limit is 50. Ask for fewer items, aliases or entities per request.',
    );
    expect(reached).toBe(0);
  });

  it('refuses _entities with 300 CreditApplication representations', async () => {
    const res = await post({ query: ENTITIES, variables: { r: representations('CreditApplication', 300) } });
    expect(res.status).toBe(400);
    expect(res.json.errors?.[0]?.extensions).toMatchObject({ reason: 'TOO_MANY_UPSTREAM_CALLS', estimatedCalls: 300 });
    expect(reached).toBe(0);
  });

  it('passes a bids page with each auction (3 calls)', async () => {
    const res = await post({ query: '{ bids(first: 50) { edges { node { auction { id } } } } }' });
    expect(res.status).toBe(200);
    expect(reached).toBe(1);
  });

  it('passes a batch whose sum is within the budget, and refuses one just over it', async () => {
    const query = `{ ${aliases(10, (i) => `a${i}: creditApplication(id: "${ID}") { id }`)} }`;
    expect((await post(Array.from({ length: 5 }, () => ({ query })))).status).toBe(200);
    expect((await post([...Array.from({ length: 5 }, () => ({ query })), { query: `{ creditApplication(id: "${ID}") { id } }` }])).status).toBe(400);
    expect(reached).toBe(1);
  });

  it('counts a GET from its query string, variables included', async () => {
    const query = `query ($n: Int) { ${aliases(30, (i) => `a${i}: creditApplications(first: $n) { nodes { id } }`)} }`;
    const get = (variables: unknown) =>
      fetch(`${url}?${new URLSearchParams({ query, variables: JSON.stringify(variables) })}`).then((res) => res.status);
    expect(await get({ n: 100 })).toBe(400);
    expect(reached).toBe(0);
    expect(await get({ n: 50 })).toBe(200);
    expect(reached).toBe(1);
  });

  it('refuses a document too large to bound, with no number to report', async () => {
    const levels = 30;
    const fragments = Array.from({ length: levels }, (_, i) => `fragment F${i} on Auction { a: myBids { auction { ...F${i + 1} } } b: myBids { auction { ...F${i + 1} } } }`);
    const res = await post({ query: `{ auction(id: "${ID}") { ...F0 } } ${fragments.join(' ')} fragment F${levels} on Auction { id }` });
    expect(res.status).toBe(400);
    expect(res.json.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', reason: 'TOO_MANY_UPSTREAM_CALLS', maxCalls: MAX });
    expect(res.json.errors?.[0]?.message).toMatch(/too large to bound its upstream calls; the limit is 50/);
    expect(reached).toBe(0);
  });

  it('passes what it cannot read on to Apollo: a syntax error, a persisted-query hash, no query', async () => {
    expect((await post({ query: '{ creditApplications(first: ) ' })).status).toBe(200);
    expect((await post({ extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } })).status).toBe(200);
    expect((await post({ query: { not: 'a string' } })).status).toBe(200);
    expect(reached).toBe(3);
  });
});
