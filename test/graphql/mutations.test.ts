import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BondoraSimulator } from '../../src/simulators/bondora/bondora.simulator.js';
import {
  CancelBidDocument,
  CreateCreditApplicationDocument,
  CreditApplicationByIdDocument,
  PlaceBidsDocument,
  SubmitCreditApplicationDocument,
  UpdateCreditApplicantDocument,
  type UpdateCreditApplicantMutationVariables,
} from '../operations/operations.generated.js';
import { startHarness, type Harness } from '../support/gateway.harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());
beforeEach(() => h.resetTraffic());

const UPDATE = UpdateCreditApplicantDocument;

function editableApplication() {
  const app = h.bond.applications.find((a) => a.application_status === 'created');
  if (!app) throw new Error('seed has no application in status created');
  return app;
}

describe('updateCreditApplicant', () => {
  it('updates and returns the application; income above 2^31 round-trips exactly', async () => {
    const app = editableApplication();
    const res = await h.gql(UPDATE, {
      input: { applicationId: app.application_id, employmentStatus: 'SELF_EMPLOYED', totalAnnualIncome: 3000000000, monthlyHousingPayment: 136000 },
    });
    expect(res.errors).toBeUndefined();
    expect(res.data!.updateCreditApplicant.applicant).toEqual({
      employmentStatus: 'SELF_EMPLOYED',
      totalAnnualIncome: 3000000000,
      monthlyHousingPayment: 136000,
    });
    expect(res.text).toContain('"totalAnnualIncome":3000000000');
    const stored = h.bond.application(app.application_id)!;
    expect(stored.applicant.total_annual_income).toBe(3000000000);
    expect(stored.applicant.employment_status).toBe('self_employed');
    expect(new Date(res.data!.updateCreditApplicant.updatedAt!).getTime()).toBeGreaterThan(new Date(app.date_updated).getTime());
    expect(h.bond.router.calls('application.update')).toHaveLength(1);
    const body = JSON.parse(h.bond.router.calls('application.update')[0]!.body) as unknown;
    expect(body).toEqual({ applicant: { employment_status: 'self_employed', total_annual_income: 3000000000, monthly_housing_payment: 136000 } });
  });

  it('a read in the same operation after the write sees the new value without a stale cache', async () => {
    const app = editableApplication();
    const res = await h.gql<{ before: { applicant: { monthlyHousingPayment: number } }; update: unknown; after: { applicant: { monthlyHousingPayment: number } } }>(
      `mutation ($id: ID!) {
        update: updateCreditApplicant(input: { applicationId: $id, monthlyHousingPayment: 4242 }) { id }
        again: updateCreditApplicant(input: { applicationId: $id, monthlyHousingPayment: 4343 }) { applicant { monthlyHousingPayment } }
      }`,
      { id: app.application_id },
    );
    expect(res.errors).toBeUndefined();
    const check = await h.gql(CreditApplicationByIdDocument, { id: app.application_id });
    expect(check.data!.creditApplication?.applicant.monthlyHousingPayment).toBe(4343);
  });

  it.each([
    ['an unknown enum value', { employmentStatus: 'ASTRONAUT' }],
    ['a negative income', { totalAnnualIncome: -1 }],
    ['a fractional income', { totalAnnualIncome: 1234.5 }],
    ['an income beyond 2^53', { totalAnnualIncome: 2 ** 60 }],
    ['a string income', { totalAnnualIncome: 'lots' }],
    ['a negative housing payment', { monthlyHousingPayment: -100 }],
    ['no field to change', {}],
    ['a malformed id', { totalAnnualIncome: 1, applicationId: 'abc' }],
  ])('rejects %s with BAD_USER_INPUT before any upstream call and changes nothing', async (_name, fields) => {
    const app = editableApplication();
    const before = JSON.stringify(h.bond.application(app.application_id));
    const res = await h.gql(UPDATE, { input: { applicationId: app.application_id, ...fields } } as UpdateCreditApplicantMutationVariables);
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0]?.message.length).toBeGreaterThan(10);
    expect(h.bond.router.calls()).toHaveLength(0);
    expect(JSON.stringify(h.bond.application(app.application_id))).toBe(before);
  });

  it('rejects inline literals the same way', async () => {
    const app = editableApplication();
    for (const literal of ['totalAnnualIncome: 12.5', 'employmentStatus: ASTRONAUT', 'totalAnnualIncome: "x"']) {
      const res = await h.gql(`mutation { updateCreditApplicant(input: { applicationId: "${app.application_id}", ${literal} }) { id } }`);
      expect(res.errors?.[0]?.extensions?.code, literal).toBe('BAD_USER_INPUT');
    }
    expect(h.bond.router.calls()).toHaveLength(0);
  });

  it('an unknown application is NOT_FOUND from Bond', async () => {
    const res = await h.gql(UPDATE, { input: { applicationId: '00000000-0000-4000-8000-00000000abcd', totalAnnualIncome: 100 } });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', upstream: 'bond' });
    expect(res.errors?.[0]?.message).toBe('Bond has no such item');
    expect(res.data).toBeNull();
  });
});

describe('createCreditApplication and submitCreditApplication', () => {
  it('creates with an Idempotency-Key, then submits and the status moves on', async () => {
    const customerId = h.bond.customerIds.at(-1)!;
    const created = await h.gql(CreateCreditApplicationDocument, {
      input: { programId: h.bond.programId, customerId, employmentStatus: 'EMPLOYED', totalAnnualIncome: 5000050 },
    });
    expect(created.errors).toBeUndefined();
    expect(created.data!.createCreditApplication).toMatchObject({ status: 'CREATED', applicant: { customerId, totalAnnualIncome: 5000050 } });
    const create = h.bond.router.calls('application.create')[0]!;
    expect(create.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);

    const id = created.data!.createCreditApplication.id;
    const submitted = await h.gql(SubmitCreditApplicationDocument, { id });
    expect(submitted.errors).toBeUndefined();
    expect(submitted.data!.submitCreditApplication.status).toBe('KYC_STARTED');
    expect(h.bond.router.calls('application.submit')[0]!.headers['idempotency-key']).toBeDefined();

    const again = await h.gql(SubmitCreditApplicationDocument, { id });
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', upstream: 'bond' });
    // The gateway's own words; Bond's ("cannot be submitted in status ...") go to the log only.
    expect(again.errors?.[0]?.message).toBe('Bond rejected the request as invalid (HTTP 400)');
    expect(again.text).not.toContain('cannot be submitted');
  });

  it('rejects a malformed program or customer id before any call', async () => {
    const res = await h.gql('mutation { createCreditApplication(input: { programId: "p", customerId: "c" }) { id } }');
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(h.bond.router.calls()).toHaveLength(0);
  });
});

describe('placeBids and cancelBid', () => {
  it('places bids, reads them back in the same operation, and cancels one', async () => {
    const auctions = h.bondora.activeAuctions.slice(10, 12);
    const res = await h.gql(PlaceBidsDocument, {
      input: { bids: auctions.map((a) => ({ auctionId: a.AuctionId, amount: '12.50', minAmount: '5' })) },
    });
    expect(res.errors).toBeUndefined();
    const placed = res.data!.placeBids.bids;
    expect(placed.map((b) => b.auctionId)).toEqual(auctions.map((a) => a.AuctionId));
    expect(placed[0]!.amount).toBe('12.5');
    expect(placed[0]!.bid?.status).toMatch(/PENDING|OPEN/);
    expect(h.bondora.router.calls('bid.place')).toHaveLength(1);

    const cancel = await h.gql(CancelBidDocument, { id: placed[0]!.id });
    expect(cancel.errors).toBeUndefined();
    expect(cancel.data!.cancelBid).toEqual({ bidId: placed[0]!.id, accepted: true, bid: { status: 'CANCELLED' } });

    const twice = await h.gql(CancelBidDocument, { id: placed[0]!.id });
    expect(twice.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', upstream: 'bondora' });
    expect(twice.errors?.[0]?.message).toBe('Bondora rejected the request as invalid (HTTP 409)');
  });

  it.each([
    ['no bids', { bids: [] }],
    ['a zero amount', { bids: [{ auctionId: '00000000-0000-4000-8000-000000000000', amount: '0' }] }],
    ['three decimals', { bids: [{ auctionId: '00000000-0000-4000-8000-000000000000', amount: '1.005' }] }],
    ['a bad auction id', { bids: [{ auctionId: 'nope', amount: '10' }] }],
    ['minAmount above amount', { bids: [{ auctionId: '00000000-0000-4000-8000-000000000000', amount: '10', minAmount: '11' }] }],
    ['101 bids', { bids: Array.from({ length: 101 }, () => ({ auctionId: '00000000-0000-4000-8000-000000000000', amount: '10' })) }],
  ])('rejects %s before any call', async (_name, input) => {
    const before = h.bondora.bidsOf(BondoraSimulator.DEMO_TOKEN).length;
    const res = await h.gql(PlaceBidsDocument, { input });
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(h.bondora.router.calls()).toHaveLength(0);
    expect(h.bondora.bidsOf(BondoraSimulator.DEMO_TOKEN)).toHaveLength(before);
  });
});
