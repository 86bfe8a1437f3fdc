import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Scope } from '../../src/auth/scope.registry.js';
import type { BondApplicationDto } from '../../src/upstream/bond/bond.dto.js';
import { startHarness, type Harness } from '../support/gateway.harness.js';

// CreditApplication.adverseAction over Bond's GET /credit/applications/{id}/adverse-actions, which
// answers 404 when an application has none: that 404 is a null field, not an error. Calls are
// counted in the Bond simulator's log.

let h: Harness;
const CUSTOMER_SCOPES: Scope[] = ['applications:read'];
const ADVERSE = 'application.adverse_actions';

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());
beforeEach(() => h.resetTraffic());

function withStatus(status: string): BondApplicationDto {
  const app = h.bond.applications.find((a) => a.application_status === status);
  if (!app) throw new Error(`the seed has no ${status} application`);
  return app;
}

const asCustomer = async (customerId: string) => ({
  authorization: `Bearer ${await h.token({ sub: `customer-${customerId}`, scopes: CUSTOMER_SCOPES, customerId })}`,
});

const ONE = `query ($id: ID!) {
  creditApplication(id: $id) { id status adverseAction { id applicationId service reasons createdAt updatedAt } }
}`;

interface One {
  creditApplication: {
    id: string;
    status: string;
    adverseAction: { id: string; applicationId: string; service: string | null; reasons: string[]; createdAt: string | null } | null;
  } | null;
}

describe('CreditApplication.adverseAction', () => {
  it("a denied application's adverse action carries Bond's reasons, for the applicant themselves", async () => {
    const app = withStatus('denied');
    const res = await h.gql<One>(ONE, { id: app.application_id }, await asCustomer(app.applicant.customer_id));
    expect(res.errors).toBeUndefined();
    expect(res.data!.creditApplication).toMatchObject({ id: app.application_id, status: 'DENIED' });
    const action = res.data!.creditApplication!.adverseAction!;
    expect(action).toMatchObject({ applicationId: app.application_id, service: 'kyc', reasons: ['Unable to verify identity'] });
    expect(action.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(action.createdAt).toMatch(/Z$/);
    expect(h.bond.router.calls(ADVERSE)).toHaveLength(1);
  });

  it("an approved application's is null with no error: Bond's 404 means none", async () => {
    const app = withStatus('approved');
    const res = await h.gql<One>(ONE, { id: app.application_id }, await asCustomer(app.applicant.customer_id));
    expect(res.errors).toBeUndefined();
    expect(res.data!.creditApplication).toEqual({ id: app.application_id, status: 'APPROVED', adverseAction: null });
    expect(h.bond.router.calls(ADVERSE)).toHaveLength(1);
  });

  it('fetches nothing for a caller who may not see the application', async () => {
    const app = withStatus('denied');
    const other = h.bond.customerIds.find((c) => c !== app.applicant.customer_id)!;
    const res = await h.gql<One>(ONE, { id: app.application_id }, await asCustomer(other));
    expect(res.errors).toBeUndefined();
    expect(res.data!.creditApplication).toBeNull();
    expect(h.bond.router.calls(ADVERSE)).toHaveLength(0);
  });

  it('is refused without applications:read, before any call', async () => {
    const app = withStatus('denied');
    const token = await h.token({ sub: 'no-scope', scopes: ['auctions:read'], customerId: app.applicant.customer_id });
    const res = await h.gql(ONE, { id: app.application_id }, { authorization: `Bearer ${token}` });
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(h.bond.router.calls()).toHaveLength(0);
  });

  it('in a list: one call per distinct application, however many aliases ask; nulls and reasons in place', async () => {
    const res = await h.gql<{ creditApplications: { nodes: Array<{ id: string; status: string; a: { reasons: string[] } | null; b: { id: string } | null }> } }>(
      '{ creditApplications(first: 20) { nodes { id status a: adverseAction { reasons } b: adverseAction { id } } } }',
    );
    expect(res.errors).toBeUndefined();
    const nodes = res.data!.creditApplications.nodes;
    expect(nodes).toHaveLength(20);
    expect(h.bond.router.calls(ADVERSE)).toHaveLength(20);
    for (const node of nodes) {
      if (node.status === 'DENIED') expect(node.a?.reasons).toEqual(['Unable to verify identity']);
      else expect(node).toMatchObject({ a: null, b: null });
    }
  });

  it('a submit clears the kept answer: the same operation reads the denial a KYC failure produced', async () => {
    // Bond's sandbox denies KYC for the magic SSN 999-99-0000; the simulator settles KYC on the next read.
    const customer = h.bond.customers.find((c) => c.sandbox_ssn === '999-99-0000')!;
    const created = await h.gql<{ createCreditApplication: { id: string } }>(
      'mutation ($input: CreateCreditApplicationInput!) { createCreditApplication(input: $input) { id } }',
      { input: { programId: h.bond.programId, customerId: customer.customer_id, employmentStatus: 'EMPLOYED', totalAnnualIncome: 5000000 } },
    );
    expect(created.errors).toBeUndefined();
    const id = created.data!.createCreditApplication.id;
    h.resetTraffic();
    const res = await h.gql<{ before: { adverseAction: unknown }; submit: { adverseAction: { reasons: string[] } | null } }>(
      `mutation ($id: ID!) {
        before: updateCreditApplicant(input: { applicationId: $id, monthlyHousingPayment: 100000 }) { adverseAction { reasons } }
        submit: submitCreditApplication(id: $id) { adverseAction { reasons } }
      }`,
      { id },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.before.adverseAction).toBeNull();
    expect(res.data!.submit.adverseAction).toEqual({ reasons: ['Unable to verify identity'] });
    expect(h.bond.router.calls(ADVERSE)).toHaveLength(2);
    const later = await h.gql<One>(ONE, { id });
    expect(later.data!.creditApplication).toMatchObject({ status: 'DENIED', adverseAction: { applicationId: id, reasons: ['Unable to verify identity'] } });
  });
});
