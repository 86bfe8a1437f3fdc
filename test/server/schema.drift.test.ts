import { readFile } from 'node:fs/promises';
import type { GraphQLEnumType, GraphQLInputObjectType, GraphQLObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { gatewaySchema } from '../../src/graphql/schema.js';
import { printGatewaySchema, SCHEMA_FILE, schemaDrift } from '../../src/server/schema.print.js';

describe('schema/schema.graphql', () => {
  it('matches the schema the code builds (run `npm run schema` after changing types)', async () => {
    const committed = await readFile(SCHEMA_FILE, 'utf8');
    expect(schemaDrift(committed, await printGatewaySchema())).toBeUndefined();
  });

  it('the drift check notices a changed copy', async () => {
    const current = await printGatewaySchema();
    const edited = current.replace('  rating: String', '  rating: Int');
    expect(edited).not.toBe(current);
    expect(schemaDrift(edited, current)).toMatch(/first difference at line \d+/);
  });

  it('declares the public contract', async () => {
    const schema = await gatewaySchema();
    const signature = (type: 'Query' | 'Mutation', name: string) => {
      const field = (type === 'Query' ? schema.getQueryType() : schema.getMutationType())!.getFields()[name]!;
      return `${name}(${field.args.map((a) => `${a.name}: ${String(a.type)}`).join(', ')}): ${String(field.type)}`;
    };
    expect(signature('Query', 'auction')).toBe('auction(id: ID!): Auction');
    expect(signature('Query', 'auctions')).toBe('auctions(first: Int, after: String, filter: AuctionFilter): AuctionConnection!');
    expect(signature('Query', 'bid')).toBe('bid(id: ID!): Bid');
    expect(signature('Query', 'bids')).toBe('bids(first: Int, after: String, filter: BidFilter): BidConnection!');
    expect(signature('Query', 'creditApplication')).toBe('creditApplication(id: ID!): CreditApplication');
    expect(signature('Query', 'creditApplications')).toBe(
      'creditApplications(first: Int, after: String, last: Int, before: String, customerId: ID): CreditApplicationConnection!',
    );
    expect(signature('Mutation', 'updateCreditApplicant')).toBe('updateCreditApplicant(input: UpdateCreditApplicantInput!): CreditApplication!');
    expect(signature('Mutation', 'submitCreditApplication')).toBe('submitCreditApplication(id: ID!): CreditApplication!');
    expect(signature('Mutation', 'placeBids')).toBe('placeBids(input: PlaceBidsInput!): PlaceBidsPayload!');
    expect(signature('Mutation', 'cancelBid')).toBe('cancelBid(id: ID!): CancelBidPayload!');
    for (const scalar of ['DateTime', 'Date', 'Decimal', 'Cents']) expect(schema.getType(scalar)).toBeDefined();
    const input = schema.getType('UpdateCreditApplicantInput') as GraphQLInputObjectType;
    expect(Object.fromEntries(Object.values(input.getFields()).map((f) => [f.name, String(f.type)]))).toEqual({
      applicationId: 'ID!',
      employmentStatus: 'EmploymentStatus',
      totalAnnualIncome: 'Cents',
      monthlyHousingPayment: 'Cents',
    });
    const bid = schema.getType('BidInput') as GraphQLInputObjectType;
    expect(Object.keys(bid.getFields())).toEqual(['auctionId', 'amount', 'minAmount']);
    const enumValues = (name: string) => (schema.getType(name) as GraphQLEnumType).getValues().map((v) => v.name);
    expect(enumValues('BidStatus')).toEqual(['PENDING', 'OPEN', 'SUCCESSFUL', 'FAILED', 'CANCELLED', 'ACCEPTED']);
    expect(enumValues('CreditApplicationStatus')).toEqual(['CREATED', 'KYC_STARTED', 'SUBMITTED', 'APPROVED', 'DENIED', 'RESUBMIT_REQUIRED']);
    expect(enumValues('EmploymentStatus')).toEqual(['EMPLOYED', 'SELF_EMPLOYED', 'UNEMPLOYED', 'RETIRED', 'STUDENT', 'OTHER']);
    const auction = (schema.getType('Auction') as GraphQLObjectType).getFields();
    expect(String(auction.myBids!.type)).toBe('[Bid!]!');
    for (const name of ['loanId', 'loanNumber', 'userName', 'country', 'rating', 'interest', 'appliedAmount', 'remainingAmount', 'loanDuration', 'plannedCloseDate', 'listedOn', 'liabilities', 'debts', 'borrowerHistory']) {
      expect(auction[name], name).toBeDefined();
    }
    expect(String(auction.interest!.type)).toBe('Decimal');
    const applicant = (schema.getType('Applicant') as GraphQLObjectType).getFields();
    expect(String(applicant.totalAnnualIncome!.type)).toBe('Cents');
    expect(String(applicant.dateOfBirth!.type)).toBe('Date');
    const connection = (schema.getType('AuctionConnection') as GraphQLObjectType).getFields();
    expect(Object.keys(connection)).toEqual(expect.arrayContaining(['edges', 'pageInfo', 'totalCount']));
  });
});
