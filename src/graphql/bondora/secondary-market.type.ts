import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { requiresScopesOnType } from '../access.guard.js';
import { connectionType } from '../pagination/connection.type.js';
import { LoanStatus } from './loan-part.type.js';
import { DateScalar, DateTimeScalar, DecimalScalar } from '../scalar.type.js';

export enum SecondaryMarketItemStatus {
  CREATED = 'CREATED',
  OPEN = 'OPEN',
  SUCCESSFUL = 'SUCCESSFUL',
  FAILED = 'FAILED',
}
registerEnumType(SecondaryMarketItemStatus, {
  name: 'SecondaryMarketItemStatus',
  description: 'Where a secondary-market item stands (Bondora StatusCode 0..3).',
  valuesConfig: {
    CREATED: { description: 'Created, not on the market yet.' },
    OPEN: { description: 'On the market.' },
    SUCCESSFUL: { description: 'Sold.' },
    FAILED: { description: 'Closed without a sale: cancelled by the seller, or the listing ended.' },
  },
});

/** Fields of Bondora's item summary (GET secondarymarket/{id}, /list) that the market list does not carry. */
export interface SecondaryMarketItemSummary {
  number: number | null;
  plannedCloseDate: Date | null;
}

const LIST_ONLY = 'From the market list (secondaryMarket); null on an item read by id: read loanPart for the loan.';

@requiresScopesOnType('investments:read')
@ObjectType({
  description:
    "A loan part offered on Bondora's secondary market. Items from `secondaryMarket` carry the market list's figures " +
    '(price, fee, the loan and its payments); an item read by id (`secondaryMarketItem`, the items of a write\'s payload) ' +
    "carries Bondora's item summary, where those figures are null: its `loanPart` has the loan. " +
    'Open items are public; a closed one is visible to its seller and buyer only.',
})
export class SecondaryMarketItem {
  @Field(() => ID, { description: 'Bondora secondary-market item Id.' })
  id!: string;

  @Field(() => ID, { description: 'The loan part on sale.' })
  loanPartId!: string;

  @Field(() => SecondaryMarketItemStatus, { nullable: true, description: 'Null when Bondora reports a status this schema does not know; see statusCode.' })
  status!: SecondaryMarketItemStatus | null;

  @Field(() => Int, { nullable: true, description: 'The raw Bondora StatusCode.' })
  statusCode!: number | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'Whole percent: negative is a discount on the remaining principal, positive a mark-up.' })
  desiredDiscountRate!: number | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the item was put on the market.' })
  listedAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the item left the market (sold, cancelled or expired); null while open.' })
  closedAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the seller cancelled the item.' })
  cancelledAt!: Date | null;

  /** Set when the item came from Bondora's item summary; otherwise its summary-only fields load in one batch. */
  summary?: SecondaryMarketItemSummary;

  @Field(() => DecimalScalar, { nullable: true, description: `What the buyer pays for the part: principalRemaining x (1 + desiredDiscountRate / 100). ${LIST_ONLY}` })
  price!: number | null;

  @Field(() => DecimalScalar, { nullable: true, description: `Bondora's fee on the purchase. ${LIST_ONLY}` })
  fee!: number | null;

  @Field(() => DecimalScalar, { nullable: true, description: `price + fee. ${LIST_ONLY}` })
  totalCost!: number | null;

  @Field(() => DecimalScalar, { nullable: true, description: `Payments still to come on the part. ${LIST_ONLY}` })
  outstandingPayments!: number | null;

  @Field(() => DecimalScalar, { nullable: true, description: `The buyer's expected annual return (percent). ${LIST_ONLY}` })
  xirr!: number | null;

  @Field(() => DecimalScalar, { nullable: true, description: `The part's original amount. ${LIST_ONLY}` })
  amount!: number | null;

  @Field(() => ID, { nullable: true, description: LIST_ONLY })
  auctionId!: string | null;

  @Field(() => String, { nullable: true, description: LIST_ONLY })
  auctionName!: string | null;

  @Field(() => Int, { nullable: true, description: LIST_ONLY })
  auctionNumber!: number | null;

  @Field(() => Int, { nullable: true, description: LIST_ONLY })
  auctionBidNumber!: number | null;

  @Field(() => String, { nullable: true, description: LIST_ONLY })
  investmentNumber!: string | null;

  @Field(() => String, { nullable: true, description: `ISO-3166 alpha-2. ${LIST_ONLY}` })
  country!: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: LIST_ONLY })
  creditScore!: number | null;

  @Field(() => String, { nullable: true, description: `AA, A, B, C, D, E, F or HR. ${LIST_ONLY}` })
  rating!: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: `The loan's interest rate (percent). ${LIST_ONLY}` })
  interest!: number | null;

  @Field(() => Int, { nullable: true, description: `Bondora UseOfLoan code. ${LIST_ONLY}` })
  useOfLoan!: number | null;

  @Field(() => Int, { nullable: true, description: `Bondora IncomeVerificationStatus code. ${LIST_ONLY}` })
  incomeVerificationStatus!: number | null;

  @Field(() => LoanStatus, { nullable: true, description: `Null also when Bondora reports a status this schema does not know yet; see loanStatusCode. ${LIST_ONLY}` })
  loanStatus!: LoanStatus | null;

  @Field(() => Int, { nullable: true, description: `The raw Bondora LoanStatusCode. ${LIST_ONLY}` })
  loanStatusCode!: number | null;

  @Field(() => DateTimeScalar, { nullable: true, description: LIST_ONLY })
  loanStatusActiveFrom!: Date | null;

  @Field(() => Int, { nullable: true, description: `Bondora debt management stage type (1 Collection, 2 Recovery, 3 WriteOff). ${LIST_ONLY}` })
  latestDebtManagementStageType!: number | null;

  @Field(() => DateTimeScalar, { nullable: true, description: LIST_ONLY })
  latestDebtManagementDate!: Date | null;

  @Field(() => String, { nullable: true, description: `The borrower's Bondora user name. ${LIST_ONLY}` })
  userName!: string | null;

  @Field(() => Int, { nullable: true, description: `0 Male, 1 Female, 2 Unknown. ${LIST_ONLY}` })
  gender!: number | null;

  @Field(() => DateScalar, { nullable: true, description: `The borrower's date of birth. ${LIST_ONLY}` })
  dateOfBirth!: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: `When the loan agreement was signed. ${LIST_ONLY}` })
  signedDate!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: LIST_ONLY })
  reScheduledOn!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: `When the loan fell into debt. ${LIST_ONLY}` })
  debtOccuredOn!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: LIST_ONLY })
  debtOccuredOnForSecondary!: Date | null;

  @Field(() => Int, { nullable: true, description: LIST_ONLY })
  nextPaymentNr!: number | null;

  @Field(() => DateTimeScalar, { nullable: true, description: LIST_ONLY })
  nextPaymentDate!: Date | null;

  @Field(() => DecimalScalar, { nullable: true, description: LIST_ONLY })
  nextPaymentSum!: number | null;

  @Field(() => Int, { nullable: true, description: LIST_ONLY })
  nrOfScheduledPayments!: number | null;

  @Field(() => DateTimeScalar, { nullable: true, description: LIST_ONLY })
  lastPaymentDate!: Date | null;

  @Field(() => DecimalScalar, { nullable: true, description: LIST_ONLY })
  principalRemaining!: number | null;

  @Field(() => DecimalScalar, { nullable: true, description: LIST_ONLY })
  principalRepaid!: number | null;

  @Field(() => DecimalScalar, { nullable: true, description: LIST_ONLY })
  interestRepaid!: number | null;

  @Field(() => DecimalScalar, { nullable: true, description: LIST_ONLY })
  lateAmountPaid!: number | null;

  @Field(() => DecimalScalar, { nullable: true, description: LIST_ONLY })
  principalLateAmount!: number | null;

  @Field(() => DecimalScalar, { nullable: true, description: LIST_ONLY })
  interestLateAmount!: number | null;

  @Field(() => DecimalScalar, { nullable: true, description: LIST_ONLY })
  penaltyLateAmount!: number | null;

  @Field(() => DecimalScalar, { nullable: true, description: `principalLateAmount + interestLateAmount + penaltyLateAmount. ${LIST_ONLY}` })
  lateAmountTotal!: number | null;

  @Field(() => DecimalScalar, { nullable: true, description: LIST_ONLY })
  principalWriteOffAmount!: number | null;

  @Field(() => DecimalScalar, { nullable: true, description: LIST_ONLY })
  interestWriteOffAmount!: number | null;

  @Field(() => DecimalScalar, { nullable: true, description: LIST_ONLY })
  penaltyWriteOffAmount!: number | null;

  @Field(() => DecimalScalar, { nullable: true, description: LIST_ONLY })
  debtServicingCostMainAmount!: number | null;

  @Field(() => DecimalScalar, { nullable: true, description: LIST_ONLY })
  debtServicingCostInterestAmount!: number | null;

  @Field(() => DecimalScalar, { nullable: true, description: LIST_ONLY })
  debtServicingCostPenaltyAmount!: number | null;
}

export const SecondaryMarketItemConnection = connectionType('SecondaryMarketItem', SecondaryMarketItem, { totalCount: true });

const QUEUED =
  'Bondora answered 202: the request is queued and takes effect later. Its outcome shows in the items (status), ' +
  "the account's investments and events, and the secondmarket webhooks on bondoraEvents; do not send it again to find out.";

@ObjectType({ description: `The purchase of secondary-market items. ${QUEUED}` })
export class BuySecondaryMarketItemsPayload {
  @Field(() => Boolean, { description: 'Bondora accepted the purchase for processing (HTTP 202); not that it is done.' })
  accepted!: boolean;

  @Field(() => [ID], { description: 'The items queued for purchase, duplicates removed.' })
  itemIds!: string[];
}

@ObjectType({ description: 'A loan part put on sale: the new secondary-market item Bondora created for it.' })
export class ListedLoanPart {
  @Field(() => ID, { description: 'The new secondary-market item id (cancel with it).' })
  id!: string;

  @Field(() => ID)
  loanPartId!: string;

  @Field(() => Int, { description: 'Whole percent, as sent: negative is a discount, positive a mark-up.' })
  desiredDiscountRate!: number;
}

@ObjectType({ description: `Loan parts put on sale. ${QUEUED}` })
export class SellLoanPartsPayload {
  @Field(() => Boolean, { description: 'Bondora accepted the sale for processing (HTTP 202).' })
  accepted!: boolean;

  @Field(() => [ListedLoanPart], { description: 'One new item per loan part, in input order.' })
  items!: ListedLoanPart[];
}

@ObjectType({ description: `Items of the caller's taken off the market. ${QUEUED}` })
export class CancelSecondaryMarketItemsPayload {
  @Field(() => Boolean, { description: 'Bondora accepted the cancellation for processing (HTTP 202).' })
  accepted!: boolean;

  @Field(() => [ID], { description: 'The items queued for cancellation, duplicates removed.' })
  itemIds!: string[];
}
