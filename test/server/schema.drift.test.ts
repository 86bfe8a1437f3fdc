import { readFile } from 'node:fs/promises';
import type { GraphQLEnumType, GraphQLInputObjectType, GraphQLObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { gatewaySchema } from '../../src/graphql/schema.js';
import { SCHEMA_ARTIFACTS, schemaDrift } from '../../src/server/schema.print.js';

describe('committed schema artifacts', () => {
  it.each(SCHEMA_ARTIFACTS.map((a) => [a.file.split('/').slice(-2).join('/'), a] as const))(
    '%s matches what the code prints (run `npm run schema` after changing types)',
    async (_name, artifact) => {
      const committed = await readFile(artifact.file, 'utf8');
      expect(schemaDrift(committed, await artifact.print())).toBeUndefined();
    },
  );

  it.each(SCHEMA_ARTIFACTS.map((a) => [a.file.split('/').slice(-2).join('/'), a] as const))(
    'the drift check fails on a modified copy of %s',
    async (_name, artifact) => {
      const current = await artifact.print();
      const edited = current.replace(/\n  rating: String/, '\n  rating: Int');
      expect(edited).not.toBe(current);
      expect(schemaDrift(edited, current)).toMatch(/first difference at line \d+:\n +committed: +rating: Int\n +code: +rating: String/);
    },
  );

  it('the subgraph SDL links Federation 2 and keys the three entities by id', async () => {
    const sdl = await SCHEMA_ARTIFACTS[1]!.print();
    expect(sdl).toContain('@link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key", "@authenticated", "@requiresScopes"])');
    // A router enforcing these agrees with the gateway's own guards.
    expect(sdl).toContain('): CreditApplicationConnection @requiresScopes(scopes: [["applications:read"]])');
    expect(sdl).toMatch(/placeBids\(input: PlaceBidsInput!\): PlaceBidsPayload! @requiresScopes\(scopes: \[\["bids:write"\]\]\)/);
    expect(sdl).toMatch(/dateOfBirth: Date @authenticated/);
    expect(sdl).toMatch(/type CreditApplication\s+@key\(fields: "id"\)\s+@requiresScopes\(scopes: \[\["applications:read"\]\]\)/);
    for (const type of ['Auction', 'Bid', 'CreditApplication']) expect(sdl).toMatch(new RegExp(`type ${type}\\s+@key\\(fields: "id"\\)`));
    expect(sdl).not.toContain('_service');
  });

  it('declares the public contract', async () => {
    const schema = await gatewaySchema();
    const signature = (type: 'Query' | 'Mutation', name: string) => {
      const field = (type === 'Query' ? schema.getQueryType() : schema.getMutationType())!.getFields()[name]!;
      return `${name}(${field.args.map((a) => `${a.name}: ${String(a.type)}`).join(', ')}): ${String(field.type)}`;
    };
    expect(signature('Query', 'auction')).toBe('auction(id: ID!): Auction');
    // Nullable: a missing scope fails the field alone (DESIGN.md).
    expect(signature('Query', 'auctions')).toBe('auctions(first: Int, after: String, filter: AuctionFilter): AuctionConnection');
    expect(signature('Query', 'bid')).toBe('bid(id: ID!): Bid');
    expect(signature('Query', 'bids')).toBe('bids(first: Int, after: String, filter: BidFilter): BidConnection');
    expect(signature('Query', 'creditApplication')).toBe('creditApplication(id: ID!): CreditApplication');
    expect(signature('Query', 'creditApplications')).toBe(
      'creditApplications(first: Int, after: String, last: Int, before: String, customerId: ID): CreditApplicationConnection',
    );
    expect(signature('Mutation', 'updateCreditApplicant')).toBe('updateCreditApplicant(input: UpdateCreditApplicantInput!): CreditApplication!');
    expect(signature('Mutation', 'submitCreditApplication')).toBe('submitCreditApplication(id: ID!): CreditApplication!');
    expect(signature('Mutation', 'placeBids')).toBe('placeBids(input: PlaceBidsInput!): PlaceBidsPayload!');
    expect(signature('Mutation', 'cancelBid')).toBe('cancelBid(id: ID!): CancelBidPayload!');
    expect(signature('Query', 'me')).toBe('me(): Me!');
    expect(signature('Mutation', 'connectBondora')).toBe('connectBondora(returnTo: String): BondoraAuthorization!');
    expect(signature('Mutation', 'disconnectBondora')).toBe('disconnectBondora(): BondoraDisconnection!');
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
    expect(String(auction.myBids!.type)).toBe('[Bid!]'); // nullable: it needs bids:read
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
