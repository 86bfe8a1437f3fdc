import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BOND_SEED_ODDITIES } from '../../src/simulators/bond/bond.seed.js';
import { BondoraSimulator } from '../../src/simulators/bondora/bondora.simulator.js';
import { startHarness, type Harness } from '../support/gateway.harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());
beforeEach(() => h.resetTraffic());

describe('upstream values the schema does not know', () => {
  it('an unknown application status or employment status nulls only that field', async () => {
    const res = await h.gql<Record<string, { status: string | null; statusRaw: string; applicant: { employmentStatus: string | null; employmentStatusRaw: string | null; customerId: string } }>>(
      `query ($a: ID!, $b: ID!) {
        a: creditApplication(id: $a) { status statusRaw applicant { customerId employmentStatus employmentStatusRaw } }
        b: creditApplication(id: $b) { status statusRaw applicant { customerId employmentStatus employmentStatusRaw } }
      }`,
      { a: BOND_SEED_ODDITIES.unknownStatusApplicationId, b: BOND_SEED_ODDITIES.unknownEmploymentApplicationId },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.a).toMatchObject({ status: null, statusRaw: 'under_review' });
    expect(res.data!.a!.applicant.customerId).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.data!.b!.applicant).toMatchObject({ employmentStatus: null, employmentStatusRaw: 'contractor' });
    expect(res.data!.b!.status).not.toBeNull();
  });

  it('an unknown bid status code nulls status but keeps statusCode and the rest of the bid', async () => {
    const bid = h.bondora.bidsOf(BondoraSimulator.DEMO_TOKEN)[0]!;
    h.bondora.router.setFault('bid.get', {
      body: { Payload: { ...bid, StatusCode: 9, FailureReason: 42 }, Success: true, Errors: null },
    });
    const res = await h.gql<{ bid: { id: string; status: string | null; statusCode: number; failureReason: string | null; failureReasonCode: number; requestedAmount: string } }>(
      'query ($id: ID!) { bid(id: $id) { id status statusCode failureReason failureReasonCode requestedAmount } }',
      { id: bid.Id },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.bid).toMatchObject({ id: bid.Id, status: null, statusCode: 9, failureReason: null, failureReasonCode: 42 });
    expect(res.data!.bid.requestedAmount).toBe(String(bid.RequestedBidAmount));
  });

  it('Bondora dates without a zone are read as UTC and output in UTC', async () => {
    const auction = h.bondora.activeAuctions[0]!;
    h.bondora.router.setFault('auction.get', {
      body: { Payload: { ...auction, ListedOnUTC: '2026-01-02T03:04:05.1234567', DateOfBirth: '1980-05-17T00:00:00' }, Success: true, Errors: null },
    });
    const res = await h.gql<{ auction: { listedOn: string; dateOfBirth: string } }>(
      'query ($id: ID!) { auction(id: $id) { listedOn dateOfBirth } }',
      { id: auction.AuctionId },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.auction).toEqual({ listedOn: '2026-01-02T03:04:05.123Z', dateOfBirth: '1980-05-17' });
  });
});
