import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  CreditApplicationsPageDocument,
  type CreditApplicationsPageQuery,
  type CreditApplicationsPageQueryVariables,
} from '../operations/operations.generated.js';
import { startHarness, type Harness } from '../support/gateway.harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());
beforeEach(() => h.resetTraffic());

type Page = NonNullable<CreditApplicationsPageQuery['creditApplications']>;
const QUERY = CreditApplicationsPageDocument;

async function page(variables: CreditApplicationsPageQueryVariables): Promise<Page> {
  const res = await h.gql(QUERY, variables);
  expect(res.errors).toBeUndefined();
  return res.data!.creditApplications!;
}

function expectedIds(customerId?: string): string[] {
  return h.bond.applications.filter((a) => !customerId || a.applicant.customer_id === customerId).map((a) => a.application_id);
}

describe.each([
  { size: 7, customer: false },
  { size: 50, customer: false },
  { size: 7, customer: true },
  { size: 50, customer: true },
])('creditApplications paging, page size $size, by customer: $customer', ({ size, customer }) => {
  const customerId = () => (customer ? h.bond.customerIds[0] : undefined);

  it('forward with first/after visits every application once, newest first, with honest pageInfo', async () => {
    const expected = expectedIds(customerId());
    expect(expected.length).toBeGreaterThan(50);
    const seen: string[] = [];
    let after: string | null = null;
    for (let guard = 0; guard < 100; guard++) {
      const p = await page({ first: size, after, customerId: customerId() });
      seen.push(...p.edges.map((e) => e.node.id));
      expect(p.pageInfo.hasPreviousPage).toBe(after !== null);
      expect(p.pageInfo.startCursor).toBe(p.edges[0]?.cursor ?? null);
      expect(p.pageInfo.endCursor).toBe(p.edges.at(-1)?.cursor ?? null);
      if (!p.pageInfo.hasNextPage) break;
      expect(p.edges).toHaveLength(size);
      after = p.pageInfo.endCursor;
    }
    expect(seen).toEqual(expected);
  });

  it('backward with last/before from the oldest visits every application once, in order', async () => {
    const expected = expectedIds(customerId());
    const oldest = await page({ first: 1, after: null, customerId: customerId() });
    // Walk forward to the last page to get a cursor at the oldest item.
    let cursor = oldest.pageInfo.endCursor;
    let seen: string[] = [];
    for (let guard = 0; guard < 100; guard++) {
      const p = await page({ first: 50, after: cursor, customerId: customerId() });
      if (p.edges.length) cursor = p.pageInfo.endCursor;
      if (!p.pageInfo.hasNextPage) break;
    }
    const oldestId = expected.at(-1)!;
    seen = [oldestId];
    let before: string | null = cursor;
    for (let guard = 0; guard < 100; guard++) {
      const p = await page({ last: size, before, customerId: customerId() });
      seen = [...p.edges.map((e) => e.node.id), ...seen];
      expect(p.pageInfo.hasNextPage).toBe(true);
      if (!p.pageInfo.hasPreviousPage) break;
      expect(p.edges).toHaveLength(size);
      before = p.pageInfo.startCursor;
    }
    expect(seen).toEqual(expected);
  });
});

describe('creditApplications windows larger than a Bond page', () => {
  it('first: 100 makes exactly two upstream calls and returns the 100 newest', async () => {
    const p = await page({ first: 100 });
    expect(p.edges.map((e) => e.node.id)).toEqual(expectedIds().slice(0, 100));
    expect(p.pageInfo.hasNextPage).toBe(true);
    const calls = h.bond.router.calls('applications.list');
    expect(calls).toHaveLength(2);
    expect(calls.map((c) => new URLSearchParams(c.query).get('limit'))).toEqual(['50', '50']);
  });

  it('last: 100 before a cursor makes two calls and keeps the order', async () => {
    const all = expectedIds();
    const first = await page({ first: 100 });
    const before = first.pageInfo.endCursor; // the 100th newest
    h.resetTraffic();
    const p = await page({ last: 100, before });
    expect(p.edges.map((e) => e.node.id)).toEqual(all.slice(0, 99));
    expect(p.pageInfo.hasPreviousPage).toBe(false);
    expect(h.bond.router.calls('applications.list')).toHaveLength(2);
  });

  it('a page that ends exactly at the last application says there is no next page', async () => {
    const all = expectedIds();
    let after: string | null = null;
    let p: Page | undefined;
    let seen = 0;
    while (seen < all.length) {
      p = await page({ first: Math.min(100, all.length - seen), after });
      seen += p.edges.length;
      after = p.pageInfo.endCursor;
      if (!p.pageInfo.hasNextPage) break;
    }
    expect(seen).toBe(all.length);
    expect(p!.pageInfo.hasNextPage).toBe(false);
  });
});

describe('creditApplications argument errors are BAD_USER_INPUT with no upstream call', () => {
  const cursorOfFirst = async () => (await page({ first: 1 })).pageInfo.endCursor!;

  it.each([
    ['first with last', { first: 5, last: 5 }],
    ['last without before', { last: 5 }],
    ['first 0', { first: 0 }],
    ['first 101', { first: 101 }],
    ['last 101', { last: 101, before: 'x' }],
    ['negative first', { first: -3 }],
    ['malformed after', { first: 5, after: 'not-a-cursor' }],
    ['base64 garbage', { first: 5, after: Buffer.from('hello').toString('base64url') }],
    ['cursor of another connection', { first: 5, after: Buffer.from('auction:3').toString('base64url') }],
    ['customerId not a UUID', { first: 5, customerId: 'bob' }],
  ])('%s', async (_name, variables) => {
    h.resetTraffic();
    const res = await h.gql(QUERY, variables as CreditApplicationsPageQueryVariables);
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0]?.message).toMatch(/first|last|after|before|cursor|customerId/);
    expect(h.bond.router.calls()).toHaveLength(0);
  });

  it('after with before', async () => {
    const cursor = await cursorOfFirst();
    h.resetTraffic();
    const res = await h.gql(QUERY, { after: cursor, before: cursor, last: 2 });
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(h.bond.router.calls()).toHaveLength(0);
  });
});
