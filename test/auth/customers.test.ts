import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Scope } from '../../src/auth/scope.registry.js';
import type { BondApplicationDto } from '../../src/upstream/bond/bond.dto.js';
import { startHarness, type GraphQLResponse, type Harness } from '../support/gateway.harness.js';

// Two Bond customers, A and B, from the seed. Each holds a token with applications:read and
// applications:write naming their own customer (no applications:all, no pii:read). Neither may
// see, list, change or even detect the other's applications; personal data of an applicant is the
// applicant's own or needs pii:read.

let h: Harness;
let A: string;
let B: string;
let tokenA: string;
let tokenB: string;

const CUSTOMER_SCOPES: Scope[] = ['applications:read', 'applications:write'];

beforeAll(async () => {
  h = await startHarness();
  // The seed's first customer has more than one Bond page (50) of applications, the second about 25.
  [A, B] = h.bond.customerIds as [string, string];
  tokenA = await h.token({ sub: 'customer-a', scopes: CUSTOMER_SCOPES, customerId: A });
  tokenB = await h.token({ sub: 'customer-b', scopes: CUSTOMER_SCOPES, customerId: B });
});
afterAll(async () => h.close());
beforeEach(() => {
  h.bond.reset();
  h.resetTraffic();
});

const as = (token: string) => ({ authorization: `Bearer ${token}` });

function applicationsOf(customer: string): BondApplicationDto[] {
  return h.bond.applications.filter((a) => a.applicant.customer_id === customer);
}

function applicationOf(customer: string, statuses: readonly string[]): BondApplicationDto {
  const app = applicationsOf(customer).find((a) => statuses.includes(a.application_status));
  if (!app) throw new Error(`the seed gives customer ${customer} no application in ${statuses.join('/')}`);
  return app;
}

const UPDATABLE = ['created', 'kyc_started', 'resubmit_required'];
const SUBMITTABLE = ['created', 'resubmit_required'];

function unknownId(): string {
  let id = randomUUID();
  while (h.bond.application(id)) id = randomUUID();
  return id;
}

function codes(res: GraphQLResponse<unknown>): unknown[] {
  return (res.errors ?? []).map((e) => e.extensions?.code);
}

const LIST = `query ($customerId: ID) {
  creditApplications(first: 100, customerId: $customerId) { nodes { id applicant { customerId } } pageInfo { hasNextPage } }
}`;
type ListResult = { creditApplications: { nodes: Array<{ id: string; applicant: { customerId: string } }>; pageInfo: { hasNextPage: boolean } } | null };

const BY_ID = `query ($id: ID!) { creditApplication(id: $id) { id status applicant { customerId firstName } } }`;
type ByIdResult = { creditApplication: { id: string; status: string; applicant: { customerId: string; firstName: string } } | null };

const ENTITIES = `query ($representations: [_Any!]!) {
  _entities(representations: $representations) { __typename ... on CreditApplication { id applicant { customerId } } }
}`;
type EntitiesResult = { _entities: Array<{ __typename: string; id: string; applicant: { customerId: string } } | null> };

const UPDATE = `mutation ($id: ID!) {
  updateCreditApplicant(input: { applicationId: $id, totalAnnualIncome: 7777700, monthlyHousingPayment: 123400 }) {
    id applicant { customerId totalAnnualIncome monthlyHousingPayment }
  }
}`;
type UpdateResult = { updateCreditApplicant: { id: string; applicant: { customerId: string; totalAnnualIncome: number; monthlyHousingPayment: number } } };

const SUBMIT = `mutation ($id: ID!) { submitCreditApplication(id: $id) { id status statusRaw applicant { customerId } } }`;
type SubmitResult = { submitCreditApplication: { id: string; status: string | null; statusRaw: string; applicant: { customerId: string } } };

const CREATE = `mutation ($customerId: ID!, $programId: ID!) {
  createCreditApplication(input: { customerId: $customerId, programId: $programId, employmentStatus: EMPLOYED, totalAnnualIncome: 6000000, monthlyHousingPayment: 150000 }) {
    id status applicant { customerId }
  }
}`;
type CreateResult = { createCreditApplication: { id: string; status: string; applicant: { customerId: string } } };

describe('the seed gives two customers several applications each', () => {
  it('A and B each own several applications, A more than one Bond page', () => {
    expect(A).not.toBe(B);
    expect(applicationsOf(A).length).toBeGreaterThan(50);
    expect(applicationsOf(B).length).toBeGreaterThan(5);
  });
});

describe('listing', () => {
  it("A's creditApplications(first: 100) are exactly A's, and every Bond list call carries customer_id=A", async () => {
    const res = await h.gql<ListResult>(LIST, {}, as(tokenA));
    expect(res.errors).toBeUndefined();
    const expected = applicationsOf(A).map((a) => a.application_id);
    expect(res.data!.creditApplications!.nodes.map((n) => n.id)).toEqual(expected);
    expect(res.data!.creditApplications!.pageInfo.hasNextPage).toBe(false);
    for (const node of res.data!.creditApplications!.nodes) expect(node.applicant.customerId).toBe(A);
    const lists = h.bond.router.calls('applications.list');
    // More than 50 applications: at least two Bond pages, each filtered.
    expect(lists.length).toBeGreaterThanOrEqual(2);
    for (const call of lists) expect(new URLSearchParams(call.query).get('customer_id')).toBe(A);
  });

  it('B sees only B’s in the same way', async () => {
    const res = await h.gql<ListResult>(LIST, {}, as(tokenB));
    expect(res.errors).toBeUndefined();
    expect(res.data!.creditApplications!.nodes.map((n) => n.id)).toEqual(applicationsOf(B).map((a) => a.application_id));
    const lists = h.bond.router.calls('applications.list');
    expect(lists.length).toBeGreaterThan(0);
    for (const call of lists) expect(new URLSearchParams(call.query).get('customer_id')).toBe(B);
  });

  it('A naming their own customerId is served (their own list)', async () => {
    const res = await h.gql<ListResult>(LIST, { customerId: A }, as(tokenA));
    expect(res.errors).toBeUndefined();
    expect(res.data!.creditApplications!.nodes.map((n) => n.id)).toEqual(applicationsOf(A).map((a) => a.application_id));
  });

  it('A asking for customerId: B → FORBIDDEN and zero Bond calls', async () => {
    const res = await h.gql<ListResult>(LIST, { customerId: B }, as(tokenA));
    expect(res.data).toEqual({ creditApplications: null });
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0]).toMatchObject({ path: ['creditApplications'], extensions: { code: 'FORBIDDEN' } });
    expect(res.errors![0]!.message).toContain('applications:all');
    expect(h.bond.router.calls()).toEqual([]);
  });

  it('a token with applications:read but no customer claim → FORBIDDEN and zero Bond calls', async () => {
    const token = await h.token({ sub: 'no-customer', scopes: CUSTOMER_SCOPES });
    for (const variables of [{}, { customerId: A }]) {
      h.resetTraffic();
      const res = await h.gql<ListResult>(LIST, variables, as(token));
      expect(res.data).toEqual({ creditApplications: null });
      expect(codes(res)).toEqual(['FORBIDDEN']);
      expect(res.errors![0]!.path).toEqual(['creditApplications']);
      expect(h.bond.router.calls()).toEqual([]);
    }
  });
  it("a cursor naming B's application answers A exactly as a cursor naming no application (no existence or position oracle)", async () => {
    // Cursors are opaque but not secret: base64url("application:<id>"), the form endCursor has.
    const own = await h.gql<{ creditApplications: { pageInfo: { endCursor: string } } }>('{ creditApplications(first: 1) { pageInfo { endCursor } } }', {}, as(tokenA));
    const ownCursor = own.data!.creditApplications.pageInfo.endCursor;
    expect(Buffer.from(ownCursor, 'base64url').toString()).toBe(`application:${applicationsOf(A)[0]!.application_id}`);
    const cursorOf = (id: string) => Buffer.from(`application:${id}`).toString('base64url');
    // B's application from the middle of the list, so a leak would show as a page of A's neighbours.
    const bApps = applicationsOf(B);
    const bApp = bApps[Math.floor(bApps.length / 2)]!;
    const missing = unknownId();
    for (const window of ['first: 3, after', 'last: 3, before']) {
      const query = (cursor: string) => `{ creditApplications(${window}: "${cursor}") { nodes { id } pageInfo { hasNextPage hasPreviousPage } } }`;
      const other = await h.gql(query(cursorOf(bApp.application_id)), {}, as(tokenA));
      const unknown = await h.gql(query(cursorOf(missing)), {}, as(tokenA));
      expect(codes(unknown), window).toEqual(['BAD_USER_INPUT']);
      expect(other.text, window).toBe(unknown.text);
    }
  });
});

describe('reading', () => {
  it("A reading B's application gets null with no error, byte for byte what an unknown id gets", async () => {
    const bApp = applicationsOf(B)[0]!;
    const other = await h.gql<ByIdResult>(BY_ID, { id: bApp.application_id }, as(tokenA));
    const unknown = await h.gql<ByIdResult>(BY_ID, { id: unknownId() }, as(tokenA));
    expect(other.status).toBe(200);
    expect(other.errors).toBeUndefined();
    expect(other.data).toEqual({ creditApplication: null });
    expect(other.status).toBe(unknown.status);
    expect(other.data).toEqual(unknown.data);
    expect(other.errors).toEqual(unknown.errors);
    expect(other.text).toBe(unknown.text);
    // Control: B (its owner) does see it, so A's null is not a bad id.
    const owner = await h.gql<ByIdResult>(BY_ID, { id: bApp.application_id }, as(tokenB));
    expect(owner.data!.creditApplication).toMatchObject({ id: bApp.application_id, applicant: { customerId: B } });
  });

  it('A reading their own application gets it', async () => {
    const aApp = applicationsOf(A)[0]!;
    const res = await h.gql<ByIdResult>(BY_ID, { id: aApp.application_id }, as(tokenA));
    expect(res.errors).toBeUndefined();
    expect(res.data!.creditApplication).toMatchObject({ id: aApp.application_id, applicant: { customerId: A, firstName: aApp.applicant.first_name } });
  });

  it("_entities([B's, A's]) as A → [null, A's] with no error", async () => {
    const bApp = applicationsOf(B)[0]!;
    const aApp = applicationsOf(A)[0]!;
    const representations = [
      { __typename: 'CreditApplication', id: bApp.application_id },
      { __typename: 'CreditApplication', id: aApp.application_id },
    ];
    const res = await h.gql<EntitiesResult>(ENTITIES, { representations }, as(tokenA));
    expect(res.errors).toBeUndefined();
    expect(res.data!._entities).toEqual([null, { __typename: 'CreditApplication', id: aApp.application_id, applicant: { customerId: A } }]);
    // Control: B's own token resolves the same representations the other way round.
    const asB = await h.gql<EntitiesResult>(ENTITIES, { representations }, as(tokenB));
    expect(asB.errors).toBeUndefined();
    expect(asB.data!._entities).toEqual([{ __typename: 'CreditApplication', id: bApp.application_id, applicant: { customerId: B } }, null]);
  });

  it("_entities of B's application is indistinguishable from an unknown id", async () => {
    const bApp = applicationsOf(B)[0]!;
    const other = await h.gql<EntitiesResult>(ENTITIES, { representations: [{ __typename: 'CreditApplication', id: bApp.application_id }] }, as(tokenA));
    const unknown = await h.gql<EntitiesResult>(ENTITIES, { representations: [{ __typename: 'CreditApplication', id: unknownId() }] }, as(tokenA));
    expect(other.text).toBe(unknown.text);
    expect(other.data).toEqual({ _entities: [null] });
  });
});

describe('writing', () => {
  it("A updating B's application → NOT_FOUND exactly as an unknown id; no PATCH sent; B's unchanged", async () => {
    const bApp = applicationOf(B, UPDATABLE);
    const before = h.bond.application(bApp.application_id);
    const other = await h.gql<UpdateResult>(UPDATE, { id: bApp.application_id }, as(tokenA));
    const unknown = await h.gql<UpdateResult>(UPDATE, { id: unknownId() }, as(tokenA));
    expect(codes(other)).toEqual(['NOT_FOUND']);
    expect(codes(unknown)).toEqual(['NOT_FOUND']);
    expect(other.errors![0]!.message).toBe(unknown.errors![0]!.message);
    expect(other.errors![0]!.extensions).toEqual(unknown.errors![0]!.extensions);
    expect(other.errors![0]!.path).toEqual(['updateCreditApplicant']);
    expect(other.data ?? null).toBeNull();
    expect(other.text).toBe(unknown.text);
    expect(h.bond.router.calls('application.update')).toEqual([]);
    expect(h.bond.application(bApp.application_id)).toEqual(before);
    // Control: B, the owner, can make that very change, so A's refusal was about ownership.
    h.resetTraffic();
    const owner = await h.gql<UpdateResult>(UPDATE, { id: bApp.application_id }, as(tokenB));
    expect(owner.errors).toBeUndefined();
    expect(h.bond.router.calls('application.update')).toHaveLength(1);
    expect(h.bond.application(bApp.application_id)!.applicant.total_annual_income).toBe(7777700);
  });

  it("A submitting B's application → NOT_FOUND exactly as an unknown id; no submit sent; B's unchanged", async () => {
    const bApp = applicationOf(B, SUBMITTABLE);
    const before = h.bond.application(bApp.application_id);
    const other = await h.gql<SubmitResult>(SUBMIT, { id: bApp.application_id }, as(tokenA));
    const unknown = await h.gql<SubmitResult>(SUBMIT, { id: unknownId() }, as(tokenA));
    expect(codes(other)).toEqual(['NOT_FOUND']);
    expect(codes(unknown)).toEqual(['NOT_FOUND']);
    expect(other.errors![0]!.message).toBe(unknown.errors![0]!.message);
    expect(other.errors![0]!.extensions).toEqual(unknown.errors![0]!.extensions);
    expect(other.errors![0]!.path).toEqual(['submitCreditApplication']);
    expect(other.text).toBe(unknown.text);
    expect(h.bond.router.calls('application.submit')).toEqual([]);
    expect(h.bond.application(bApp.application_id)).toEqual(before);
    // Control: B can submit it.
    h.resetTraffic();
    const owner = await h.gql<SubmitResult>(SUBMIT, { id: bApp.application_id }, as(tokenB));
    expect(owner.errors).toBeUndefined();
    expect(h.bond.router.calls('application.submit')).toHaveLength(1);
  });

  it("A creating an application for B's customer → FORBIDDEN, no create sent, nothing added", async () => {
    const count = h.bond.applications.length;
    const ofB = applicationsOf(B).length;
    const res = await h.gql<CreateResult>(CREATE, { customerId: B, programId: h.bond.programId }, as(tokenA));
    expect(codes(res)).toEqual(['FORBIDDEN']);
    expect(res.errors![0]!.path).toEqual(['createCreditApplication']);
    expect(res.errors![0]!.message).toContain('applications:all');
    expect(res.data ?? null).toBeNull();
    expect(h.bond.router.calls('application.create')).toEqual([]);
    expect(h.bond.applications).toHaveLength(count);
    expect(applicationsOf(B)).toHaveLength(ofB);
    // Control: the operator may create for B, so the refusal above was about ownership.
    const operator = await h.gql<CreateResult>(CREATE, { customerId: B, programId: h.bond.programId });
    expect(operator.errors).toBeUndefined();
    expect(applicationsOf(B)).toHaveLength(ofB + 1);
  });

  it('A updates their own application: one PATCH, the simulator holds the new values', async () => {
    const aApp = applicationOf(A, UPDATABLE);
    const res = await h.gql<UpdateResult>(UPDATE, { id: aApp.application_id }, as(tokenA));
    expect(res.errors).toBeUndefined();
    expect(res.data!.updateCreditApplicant).toEqual({
      id: aApp.application_id,
      applicant: { customerId: A, totalAnnualIncome: 7777700, monthlyHousingPayment: 123400 },
    });
    expect(h.bond.router.calls('application.update')).toHaveLength(1);
    const stored = h.bond.application(aApp.application_id)!;
    expect(stored.applicant.total_annual_income).toBe(7777700);
    expect(stored.applicant.monthly_housing_payment).toBe(123400);
  });

  it('A submits their own application: one submit, the status moves on', async () => {
    const aApp = applicationOf(A, SUBMITTABLE);
    const res = await h.gql<SubmitResult>(SUBMIT, { id: aApp.application_id }, as(tokenA));
    expect(res.errors).toBeUndefined();
    expect(res.data!.submitCreditApplication.id).toBe(aApp.application_id);
    expect(res.data!.submitCreditApplication.statusRaw).not.toBe(aApp.application_status);
    expect(h.bond.router.calls('application.submit')).toHaveLength(1);
    expect(h.bond.application(aApp.application_id)!.application_status).not.toBe(aApp.application_status);
  });

  it('A creates an application for their own customer', async () => {
    const before = applicationsOf(A).length;
    const res = await h.gql<CreateResult>(CREATE, { customerId: A, programId: h.bond.programId }, as(tokenA));
    expect(res.errors).toBeUndefined();
    expect(res.data!.createCreditApplication).toMatchObject({ status: 'CREATED', applicant: { customerId: A } });
    expect(h.bond.router.calls('application.create')).toHaveLength(1);
    expect(applicationsOf(A)).toHaveLength(before + 1);
  });
});

const PII = `query ($id: ID!) {
  creditApplication(id: $id) { id status applicant { firstName customerId dateOfBirth address { city } email } }
}`;
type PiiResult = {
  creditApplication: {
    id: string;
    status: string;
    applicant: { firstName: string; customerId: string; dateOfBirth: string | null; address: { city: string } | null; email: string | null };
  } | null;
};

function expectedApplicant(app: BondApplicationDto) {
  return {
    firstName: app.applicant.first_name,
    customerId: app.applicant.customer_id,
    dateOfBirth: app.applicant.date_of_birth,
    address: { city: app.applicant.city },
    email: app.applicant.email,
  };
}

describe('personal data', () => {
  it('applications:all without pii:read: dateOfBirth, address, email FORBIDDEN at their own paths; the rest served', async () => {
    const aApp = applicationsOf(A)[0]!;
    const token = await h.token({ sub: 'support-agent', scopes: ['applications:read', 'applications:all'] });
    const res = await h.gql<PiiResult>(PII, { id: aApp.application_id }, as(token));
    const app = res.data!.creditApplication!;
    expect(app.id).toBe(aApp.application_id);
    expect(app.status).toBe(aApp.application_status.toUpperCase());
    expect(app.applicant).toEqual({ firstName: aApp.applicant.first_name, customerId: A, dateOfBirth: null, address: null, email: null });
    expect(res.errors).toHaveLength(3);
    const byPath = new Map(res.errors!.map((e) => [e.path!.join('.'), e]));
    for (const field of ['dateOfBirth', 'address', 'email']) {
      const error = byPath.get(`creditApplication.applicant.${field}`);
      expect(error, field).toBeDefined();
      expect(error!.extensions?.code).toBe('FORBIDDEN');
      expect(error!.message).toContain('pii:read');
    }
    // Nothing personal leaks anywhere in the response.
    expect(res.text).not.toContain(aApp.applicant.email!);
    expect(res.text).not.toContain(aApp.applicant.date_of_birth!);
    expect(res.text).not.toContain(aApp.applicant.city!);
  });

  it('the same guard holds in a list: every node’s personal fields FORBIDDEN without pii:read', async () => {
    const token = await h.token({ sub: 'support-agent', scopes: ['applications:read', 'applications:all'] });
    const res = await h.gql<{ creditApplications: { nodes: Array<{ id: string; applicant: { firstName: string; email: string | null } }> } }>(
      '{ creditApplications(first: 3) { nodes { id applicant { firstName email } } } }',
      {},
      as(token),
    );
    const nodes = res.data!.creditApplications.nodes;
    expect(nodes).toHaveLength(3);
    for (const node of nodes) {
      expect(node.applicant.firstName).toEqual(expect.any(String));
      expect(node.applicant.email).toBeNull();
    }
    expect(res.errors!.map((e) => e.path)).toEqual([0, 1, 2].map((i) => ['creditApplications', 'nodes', i, 'applicant', 'email']));
    expect(codes(res)).toEqual(['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN']);
  });

  it('the same caller with pii:read gets them', async () => {
    const aApp = applicationsOf(A)[0]!;
    const token = await h.token({ sub: 'support-agent', scopes: ['applications:read', 'applications:all', 'pii:read'] });
    const res = await h.gql<PiiResult>(PII, { id: aApp.application_id }, as(token));
    expect(res.errors).toBeUndefined();
    expect(res.data!.creditApplication!.applicant).toEqual(expectedApplicant(aApp));
  });

  it('customer A reading their own application gets them without pii:read', async () => {
    const aApp = applicationsOf(A)[0]!;
    const res = await h.gql<PiiResult>(PII, { id: aApp.application_id }, as(tokenA));
    expect(res.errors).toBeUndefined();
    expect(res.data!.creditApplication!.applicant).toEqual(expectedApplicant(aApp));
  });

  it("a customer who also holds applications:all still needs pii:read for another customer's personal data", async () => {
    const bApp = applicationsOf(B)[0]!;
    const token = await h.token({ sub: 'customer-a-ops', scopes: ['applications:read', 'applications:all'], customerId: A });
    const res = await h.gql<PiiResult>(PII, { id: bApp.application_id }, as(token));
    expect(res.data!.creditApplication!.id).toBe(bApp.application_id);
    expect(res.data!.creditApplication!.applicant).toMatchObject({ firstName: bApp.applicant.first_name, dateOfBirth: null, address: null, email: null });
    expect(codes(res)).toEqual(['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN']);
  });
});

describe('the operator (every scope) sees everything', () => {
  it("reads A's and B's applications with personal data, lists across customers, resolves both entities", async () => {
    const aApp = applicationsOf(A)[0]!;
    const bApp = applicationsOf(B)[0]!;
    for (const app of [aApp, bApp]) {
      const res = await h.gql<PiiResult>(PII, { id: app.application_id });
      expect(res.errors).toBeUndefined();
      expect(res.data!.creditApplication!.applicant).toEqual(expectedApplicant(app));
    }

    h.resetTraffic();
    const list = await h.gql<ListResult>(LIST, {});
    expect(list.errors).toBeUndefined();
    const customers = new Set(list.data!.creditApplications!.nodes.map((n) => n.applicant.customerId));
    expect(customers.has(A)).toBe(true);
    expect(customers.has(B)).toBe(true);
    expect(list.data!.creditApplications!.nodes.map((n) => n.id)).toEqual(h.bond.applications.slice(0, 100).map((a) => a.application_id));
    for (const call of h.bond.router.calls('applications.list')) expect(new URLSearchParams(call.query).has('customer_id')).toBe(false);

    const asB = await h.gql<ListResult>(LIST, { customerId: B });
    expect(asB.errors).toBeUndefined();
    expect(asB.data!.creditApplications!.nodes.map((n) => n.id)).toEqual(applicationsOf(B).map((a) => a.application_id));

    const entities = await h.gql<EntitiesResult>(ENTITIES, {
      representations: [
        { __typename: 'CreditApplication', id: bApp.application_id },
        { __typename: 'CreditApplication', id: aApp.application_id },
      ],
    });
    expect(entities.errors).toBeUndefined();
    expect(entities.data!._entities.map((e) => e?.id)).toEqual([bApp.application_id, aApp.application_id]);
  });

  it("the operator can update B's application (applications:all writes too)", async () => {
    const bApp = applicationOf(B, UPDATABLE);
    const res = await h.gql<UpdateResult>(UPDATE, { id: bApp.application_id });
    expect(res.errors).toBeUndefined();
    expect(h.bond.router.calls('application.update')).toHaveLength(1);
    expect(h.bond.application(bApp.application_id)!.applicant.total_annual_income).toBe(7777700);
  });
});
