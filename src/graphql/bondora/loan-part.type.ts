import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { requiresScopesOnType } from '../access.guard.js';
import { DateScalar, DateTimeScalar, DecimalScalar } from '../scalar.type.js';

// A loan part and the value types it shares with investments and secondary-market items: the
// loan's status, its repayment schedule, the borrower's payments and debt-management events.

export enum LoanStatus {
  RESERVED = 'RESERVED',
  CURRENT = 'CURRENT',
  CANCELLED = 'CANCELLED',
  REPAID = 'REPAID',
  OVERDUE_60_PLUS_DAYS = 'OVERDUE_60_PLUS_DAYS',
  RELEASED = 'RELEASED',
  OVERDUE = 'OVERDUE',
}
registerEnumType(LoanStatus, {
  name: 'LoanStatus',
  description: 'The loan behind an investment (Bondora LoanStatusCode 0, 2, 3, 4, 5, 8, 100).',
  valuesConfig: {
    RESERVED: { description: 'Code 0.' },
    CURRENT: { description: 'Code 2: repaid on schedule.' },
    CANCELLED: { description: 'Code 3.' },
    REPAID: { description: 'Code 4.' },
    OVERDUE_60_PLUS_DAYS: { description: 'Code 5: 60 or more days overdue.' },
    RELEASED: { description: 'Code 8.' },
    OVERDUE: { description: 'Code 100: overdue, less than 60 days.' },
  },
});

@ObjectType({ description: 'One row of the repayment schedule.' })
export class ScheduledPayment {
  @Field(() => DateTimeScalar, { nullable: true })
  scheduledDate!: Date | null;

  @Field(() => DecimalScalar, { nullable: true })
  principalAmount!: number | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'Principal still owed after this payment.' })
  principalAmountLeft!: number | null;

  @Field(() => DecimalScalar, { nullable: true })
  interestAmount!: number | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'Bondora: IntrestAmountCarriedOver.' })
  interestAmountCarriedOver!: number | null;

  @Field(() => DecimalScalar, { nullable: true })
  penaltyAmountCarriedOver!: number | null;

  @Field(() => DecimalScalar, { nullable: true })
  totalAmount!: number | null;
}

@ObjectType({ description: 'A payment the borrower made (Bondora LoanTransfer).' })
export class LoanTransfer {
  @Field(() => DateTimeScalar, { nullable: true })
  date!: Date | null;

  @Field(() => DecimalScalar, { nullable: true })
  principalAmount!: number | null;

  @Field(() => DecimalScalar, { nullable: true })
  interestAmount!: number | null;

  @Field(() => DecimalScalar, { nullable: true })
  interestAmountCarriedOver!: number | null;

  @Field(() => DecimalScalar, { nullable: true })
  penaltyAmountCarriedOver!: number | null;

  @Field(() => DecimalScalar, { nullable: true })
  totalAmount!: number | null;
}

@ObjectType({ description: 'A step of debt management on the loan (Bondora DebtManagmentEvents).' })
export class DebtManagementEvent {
  @Field(() => DateTimeScalar, { nullable: true })
  createdOn!: Date | null;

  @Field(() => Int, { nullable: true, description: 'Bondora DebtManagementEvent code (2 SentToBailiff, 9 DebtFullyPaid, 16 LoanDefaulted, ...).' })
  eventType!: number | null;

  @Field(() => String, { nullable: true })
  description!: string | null;
}

@requiresScopesOnType('investments:read')
@ObjectType({ description: 'A loan part with its repayment schedule and payments (Bondora LoanPartDetails).' })
export class LoanPart {
  @Field(() => ID, { description: 'Bondora LoanPartId.' })
  id!: string;

  @Field(() => DecimalScalar, { nullable: true, description: 'The amount invested in this part.' })
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

  @Field(() => ID, { nullable: true })
  loanId!: string | null;

  @Field(() => String, { nullable: true })
  country!: string | null;

  @Field(() => String, { nullable: true })
  rating!: string | null;

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

  @Field(() => DecimalScalar, { nullable: true, description: 'Interest rate at issue, percent.' })
  initialInterest!: number | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'Interest rate now, percent.' })
  interest!: number | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'Interest rate after a reschedule, percent.' })
  rescheduledInterest!: number | null;

  @Field(() => Int, { nullable: true, description: 'Bondora UseOfLoan code.' })
  useOfLoan!: number | null;

  @Field(() => Int, { nullable: true, description: 'Bondora IncomeVerificationStatus code (1..4).' })
  incomeVerificationStatus!: number | null;

  @Field(() => LoanStatus, { nullable: true, description: 'Null when Bondora reports a status this schema does not know yet; see loanStatusCode.' })
  loanStatus!: LoanStatus | null;

  @Field(() => Int, { nullable: true, description: 'The raw Bondora LoanStatusCode.' })
  loanStatusCode!: number | null;

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

  @Field(() => DateTimeScalar, { nullable: true, description: 'The last date of the schedule.' })
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
  writeOffTotal!: number | null;

  @Field(() => DecimalScalar, { nullable: true })
  debtServicingCostMainAmount!: number | null;

  @Field(() => DecimalScalar, { nullable: true })
  debtServicingCostInterestAmount!: number | null;

  @Field(() => DecimalScalar, { nullable: true })
  debtServicingCostPenaltyAmount!: number | null;

  @Field(() => DecimalScalar, { nullable: true })
  debtServicingCostTotal!: number | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'Principal repaid to the current owner.' })
  repaidPrincipalCurrentOwner!: number | null;

  @Field(() => DecimalScalar, { nullable: true })
  repaidInterestsCurrentOwner!: number | null;

  @Field(() => DecimalScalar, { nullable: true })
  lateChargesPaidCurrentOwner!: number | null;

  @Field(() => DecimalScalar, { nullable: true })
  repaidTotalCurrentOwner!: number | null;

  @Field(() => DecimalScalar, { nullable: true })
  totalRepaid!: number | null;

  @Field(() => [DebtManagementEvent], { description: 'Bondora: DebtManagmentEvents.' })
  debtManagementEvents!: DebtManagementEvent[];

  @Field(() => [LoanTransfer], { description: 'The payments the borrower made.' })
  loanTransfers!: LoanTransfer[];

  @Field(() => [ScheduledPayment], { description: 'The repayment schedule.' })
  scheduledPayments!: ScheduledPayment[];
}
