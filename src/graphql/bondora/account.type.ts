import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { requiresScopesOnType } from '../access.guard.js';
import { connectionType, type Connection } from '../pagination/connection.type.js';
import { DateScalar, DateTimeScalar, DecimalScalar, JsonScalar } from '../scalar.type.js';
import { LoanStatus } from './loan-part.type.js';

// The investor's Bondora account: balance, investments and the event log of the writes made
// through this gateway. Each field is read with the caller's own Bondora credential.

/** Every field is a resolver: the object itself carries nothing. */
@requiresScopesOnType('investments:read')
@ObjectType({ description: "The caller's Bondora account, read with their own Bondora connection. Each field may fail on its own (null with its error)." })
export class Account {}

@ObjectType({ description: 'A Go & Grow account of the investor.' })
export class GoGrowAccount {
  @Field(() => String, { nullable: true })
  name!: string | null;

  @Field(() => DecimalScalar, { nullable: true })
  netDeposits!: number | null;

  @Field(() => DecimalScalar, { nullable: true })
  netProfit!: number | null;

  @Field(() => DecimalScalar, { nullable: true })
  totalSaved!: number | null;
}

@ObjectType({
  description:
    'The account balance in EUR. Bondora allows 12 reads an hour per credential, so the gateway keeps each answer for 5 minutes and shares it: see fetchedAt.',
})
export class AccountBalance {
  @Field(() => DecimalScalar, { nullable: true })
  balance!: number | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'Held for open bids.' })
  reserved!: number | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'Held for bid requests Bondora has not processed yet.' })
  bidRequestAmount!: number | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'balance - reserved - bidRequestAmount.' })
  totalAvailable!: number | null;

  @Field(() => [GoGrowAccount])
  goGrowAccounts!: GoGrowAccount[];

  @Field(() => DateTimeScalar, { description: 'When Bondora gave this answer (not when it was served): show its age.' })
  fetchedAt!: Date;
}

export enum AuctionBidType {
  MANUAL = 'MANUAL',
  PORTFOLIO_MANAGER = 'PORTFOLIO_MANAGER',
  API = 'API',
}
registerEnumType(AuctionBidType, { name: 'AuctionBidType', description: 'How the investment was made (Bondora AuctionBidType 0..2).' });

export enum InvestmentSalesStatus {
  BOUGHT = 'BOUGHT',
  SOLD = 'SOLD',
  ON_SALE = 'ON_SALE',
  NOT_ON_SALE = 'NOT_ON_SALE',
}
registerEnumType(InvestmentSalesStatus, {
  name: 'InvestmentSalesStatus',
  description: 'Secondary-market status of investments (Bondora SalesStatus 0..3); without it only active (unsold) investments are listed.',
  valuesConfig: {
    BOUGHT: { description: 'Bought on the secondary market.' },
    SOLD: { description: 'Sold on the secondary market (no longer held).' },
    ON_SALE: { description: 'On sale now.' },
    NOT_ON_SALE: { description: 'Held and not on sale.' },
  },
});

@ObjectType({ description: 'One of the investor\'s investments (a loan part they hold or held; Bondora MyInvestmentItem).' })
export class Investment {
  @Field(() => ID, { description: 'The LoanPartId: an investment is a loan part.' })
  id!: string;

  @Field(() => ID)
  loanPartId!: string;

  @Field(() => DecimalScalar, { nullable: true, description: 'The amount invested.' })
  amount!: number | null;

  @Field(() => ID, { nullable: true })
  auctionId!: string | null;

  @Field(() => String, { nullable: true })
  auctionName!: string | null;

  @Field(() => Int, { nullable: true })
  auctionNumber!: number | null;

  @Field(() => Int, { nullable: true })
  auctionBidNumber!: number | null;

  @Field(() => String, { nullable: true })
  investmentNumber!: string | null;

  @Field(() => AuctionBidType, { nullable: true, description: 'Null when Bondora reports a type this schema does not know yet; see auctionBidTypeCode.' })
  auctionBidType!: AuctionBidType | null;

  @Field(() => Int, { nullable: true, description: 'The raw Bondora AuctionBidType.' })
  auctionBidTypeCode!: number | null;

  @Field(() => String, { nullable: true })
  country!: string | null;

  @Field(() => DecimalScalar, { nullable: true })
  creditScore!: number | null;

  @Field(() => String, { nullable: true })
  creditScoreEsMicroL!: string | null;

  @Field(() => String, { nullable: true })
  creditScoreEsEquifaxRisk!: string | null;

  @Field(() => String, { nullable: true })
  creditScoreFiAsiakasTietoRiskGrade!: string | null;

  @Field(() => String, { nullable: true })
  creditScoreEeMini!: string | null;

  @Field(() => String, { nullable: true })
  rating!: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'Interest rate, percent.' })
  interest!: number | null;

  @Field(() => Int, { nullable: true, description: 'Bondora UseOfLoan code.' })
  useOfLoan!: number | null;

  @Field(() => Int, { nullable: true, description: 'Bondora IncomeVerificationStatus code (1..4).' })
  incomeVerificationStatus!: number | null;

  @Field(() => ID, { nullable: true })
  loanId!: string | null;

  @Field(() => LoanStatus, { nullable: true, description: 'Null when Bondora reports a status this schema does not know yet; see loanStatusCode.' })
  loanStatus!: LoanStatus | null;

  @Field(() => Int, { nullable: true, description: 'The raw Bondora LoanStatusCode.' })
  loanStatusCode!: number | null;

  @Field(() => DateTimeScalar, { nullable: true })
  loanStatusActiveFrom!: Date | null;

  @Field(() => String, { nullable: true })
  userName!: string | null;

  @Field(() => Int, { nullable: true, description: 'Bondora Gender code (0 male, 1 female, 2 unknown).' })
  gender!: number | null;

  @Field(() => DateScalar, { nullable: true })
  dateOfBirth!: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  signedDate!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  reScheduledOn!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  debtOccuredOn!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  debtOccuredOnForSecondary!: Date | null;

  @Field(() => Int, { nullable: true, description: 'Months.' })
  loanDuration!: number | null;

  @Field(() => Int, { nullable: true })
  nextPaymentNr!: number | null;

  @Field(() => DateTimeScalar, { nullable: true })
  nextPaymentDate!: Date | null;

  @Field(() => DecimalScalar, { nullable: true })
  nextPaymentSum!: number | null;

  @Field(() => Int, { nullable: true })
  nrOfScheduledPayments!: number | null;

  @Field(() => DateTimeScalar, { nullable: true })
  lastPaymentDate!: Date | null;

  @Field(() => DecimalScalar, { nullable: true })
  principalRepaid!: number | null;

  @Field(() => DecimalScalar, { nullable: true })
  interestRepaid!: number | null;

  @Field(() => DecimalScalar, { nullable: true })
  lateAmountPaid!: number | null;

  @Field(() => DecimalScalar, { nullable: true })
  principalRemaining!: number | null;

  @Field(() => DecimalScalar, { nullable: true })
  principalLateAmount!: number | null;

  @Field(() => DecimalScalar, { nullable: true })
  interestLateAmount!: number | null;

  @Field(() => DecimalScalar, { nullable: true })
  penaltyLateAmount!: number | null;

  @Field(() => DecimalScalar, { nullable: true })
  lateAmountTotal!: number | null;

  @Field(() => DecimalScalar, { nullable: true })
  principalWriteOffAmount!: number | null;

  @Field(() => DecimalScalar, { nullable: true })
  interestWriteOffAmount!: number | null;

  @Field(() => DecimalScalar, { nullable: true })
  penaltyWriteOffAmount!: number | null;

  @Field(() => DecimalScalar, { nullable: true })
  debtServicingCostMainAmount!: number | null;

  @Field(() => DecimalScalar, { nullable: true })
  debtServicingCostInterestAmount!: number | null;

  @Field(() => DecimalScalar, { nullable: true })
  debtServicingCostPenaltyAmount!: number | null;

  @Field(() => DateTimeScalar, { nullable: true })
  purchaseDate!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  soldDate!: Date | null;

  @Field(() => DecimalScalar, { nullable: true })
  purchasePrice!: number | null;

  @Field(() => DecimalScalar, { nullable: true })
  salePrice!: number | null;

  @Field(() => DateTimeScalar, { nullable: true })
  listedInSecondMarketOn!: Date | null;

  @Field(() => Int, { nullable: true, description: 'Bondora debt-management stage code.' })
  latestDebtManagementStage!: number | null;

  @Field(() => Int, { nullable: true })
  latestDebtManagementSubStage!: number | null;

  @Field(() => Int, { nullable: true, description: '1 Collection, 2 Recovery, 3 WriteOff.' })
  latestDebtManagementStageType!: number | null;

  @Field(() => DateTimeScalar, { nullable: true })
  latestDebtManagementDate!: Date | null;

  @Field(() => DecimalScalar, { nullable: true })
  noteLoanTransfersMainAmount!: number | null;

  @Field(() => DecimalScalar, { nullable: true })
  noteLoanTransfersInterestAmount!: number | null;

  @Field(() => DecimalScalar, { nullable: true })
  noteLoanLateChargesPaid!: number | null;

  @Field(() => DecimalScalar, { nullable: true })
  noteLoanTransfersEarningsAmount!: number | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'Bondora: NoteLoanTransfersTotalRepaimentsAmount.' })
  noteLoanTransfersTotalRepaymentsAmount!: number | null;

  @Field(() => ID, { nullable: true, description: 'The secondary-market item it was bought from.' })
  boughtFromId!: string | null;
}

/** A page of investments with the time Bondora gave it. */
export interface InvestmentPage extends Connection<Investment> {
  fetchedAt: Date;
}

export const InvestmentConnection = connectionType('Investment', Investment, { totalCount: true });
Field(() => DateTimeScalar, {
  description:
    'When Bondora gave the page(s) behind this connection. Bondora allows 5 reads an hour, so the gateway keeps each answer for 12 minutes.',
})(InvestmentConnection.prototype, 'fetchedAt');

export enum AccountEventType {
  MAKE_BID = 'MAKE_BID',
  CANCEL_BID = 'CANCEL_BID',
  SM_SELL = 'SM_SELL',
  SM_BUY = 'SM_BUY',
  SM_CANCEL = 'SM_CANCEL',
}
registerEnumType(AccountEventType, {
  name: 'AccountEventType',
  description: 'A write made through this application (Bondora ApiRequestLogEventType 1..5).',
  valuesConfig: {
    MAKE_BID: { description: '1: bids placed.' },
    CANCEL_BID: { description: '2: a bid cancelled.' },
    SM_SELL: { description: '3: loan parts put on sale.' },
    SM_BUY: { description: '4: secondary-market items bought.' },
    SM_CANCEL: { description: '5: secondary-market items taken off sale.' },
  },
});

@ObjectType({ description: 'A write made through this application, as Bondora logged it (Bondora EventLogItem).' })
export class AccountEvent {
  @Field(() => DateTimeScalar, { nullable: true })
  eventDate!: Date | null;

  @Field(() => AccountEventType, { nullable: true, description: 'Null when Bondora reports a type this schema does not know yet; see eventTypeCode.' })
  eventType!: AccountEventType | null;

  @Field(() => Int, { nullable: true, description: 'The raw Bondora EventType.' })
  eventTypeCode!: number | null;

  @Field(() => String, { nullable: true })
  ipAddress!: string | null;

  @Field(() => JsonScalar, { nullable: true, description: 'The request that was made, as JSON (Bondora sends it as a JSON string; kept as that string if it does not parse).' })
  data!: unknown;
}

export const AccountEventConnection = connectionType('AccountEvent', AccountEvent, { totalCount: true });
