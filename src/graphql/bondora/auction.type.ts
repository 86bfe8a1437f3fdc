import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';
import { requiresScopesOnType } from '../access.guard.js';
import { connectionType } from '../pagination/connection.type.js';
import { DateScalar, DateTimeScalar, DecimalScalar } from '../scalar.type.js';

@ObjectType({ description: 'An existing liability of the borrower (detail-only).' })
export class Liability {
  @Field(() => Boolean, { nullable: true })
  isRefinanced!: boolean | null;

  @Field(() => Int, { nullable: true, description: 'Bondora TypeOfLiability code (0 Loan, 1 Lease, 2 CreditCard, ...).' })
  typeOfLiability!: number | null;

  @Field(() => String, { nullable: true })
  creditor!: string | null;

  @Field(() => DecimalScalar, { nullable: true })
  monthlyPayment!: number | null;

  @Field(() => DecimalScalar, { nullable: true })
  outstanding!: number | null;

  @Field(() => Int, { nullable: true, description: 'Bondora CollateralType code (0 RealEstate, 1 Car, ...).' })
  collateralType!: number | null;
}

@ObjectType({ description: 'A debt record of the borrower from a credit bureau (detail-only).' })
export class Debt {
  @Field(() => DateTimeScalar, { nullable: true })
  startDate!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  endDate!: Date | null;

  @Field(() => String, { nullable: true, description: 'As reported; Bondora sends it as text.' })
  amount!: string | null;

  @Field(() => String, { nullable: true })
  maxAmount!: string | null;

  @Field(() => String, { nullable: true })
  industry!: string | null;

  @Field(() => String, { nullable: true })
  reporter!: string | null;
}

@ObjectType({ description: "The borrower's history with Bondora (detail-only)." })
export class BorrowerHistory {
  @Field(() => DecimalScalar, { nullable: true })
  overdue!: number | null;

  @Field(() => DecimalScalar, { nullable: true })
  principalRepaid!: number | null;

  @Field(() => DecimalScalar, { nullable: true })
  interestRepaid!: number | null;

  @Field(() => DecimalScalar, { nullable: true })
  lateChargesRepaid!: number | null;

  @Field(() => DecimalScalar, { nullable: true })
  repaymentsTotal!: number | null;

  @Field(() => Int, { nullable: true })
  issuedLoans!: number | null;

  @Field(() => DecimalScalar, { nullable: true })
  issuedLoanAmount!: number | null;
}

/** Detail-only data, present when the auction was read from GET /auction/{id}. */
export interface AuctionDetail {
  liabilities: Liability[];
  debts: Debt[];
  borrowerHistory: BorrowerHistory | null;
}

@Directive('@key(fields: "id")')
@requiresScopesOnType('auctions:read')
@ObjectType({ description: 'A Bondora loan auction. Fields are nullable where the upstream may omit them.' })
export class Auction {
  @Field(() => ID, { description: 'Bondora AuctionId.' })
  id!: string;

  @Field(() => ID, { nullable: true })
  loanId!: string | null;

  @Field(() => Int, { nullable: true })
  loanNumber!: number | null;

  @Field(() => String, { nullable: true })
  userName!: string | null;

  @Field(() => Boolean, { nullable: true, description: 'True when the borrower has no Bondora credit history.' })
  newCreditCustomer!: boolean | null;

  @Field(() => Boolean, { description: 'False once the auction has closed.' })
  isActive!: boolean;

  @Field(() => DateTimeScalar, { nullable: true })
  loanApplicationStartedDate!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  plannedCloseDate!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  actualCloseDate!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the auction was listed (ListedOnUTC).' })
  listedOn!: Date | null;

  @Field(() => String, { nullable: true, description: 'ISO-3166 alpha-2: EE, FI, ES, SK.' })
  country!: string | null;

  @Field(() => String, { nullable: true })
  county!: string | null;

  @Field(() => String, { nullable: true })
  city!: string | null;

  @Field(() => String, { nullable: true, description: 'Bondora rating: AA, A, B, C, D, E, F or HR.' })
  rating!: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'Annual interest rate in percent.' })
  interest!: number | null;

  @Field(() => DecimalScalar, { nullable: true })
  appliedAmount!: number | null;

  @Field(() => DecimalScalar, { nullable: true })
  winningBidsAmount!: number | null;

  @Field(() => DecimalScalar, { nullable: true })
  remainingAmount!: number | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'Funded percentage (Fullfilled); may exceed 100.' })
  fundedPercent!: number | null;

  @Field(() => Int, { nullable: true, description: 'Loan duration in months.' })
  loanDuration!: number | null;

  @Field(() => DecimalScalar, { nullable: true })
  monthlyPayment!: number | null;

  @Field(() => Int, { nullable: true })
  monthlyPaymentDay!: number | null;

  @Field(() => Int, { nullable: true })
  age!: number | null;

  @Field(() => DateScalar, { nullable: true })
  dateOfBirth!: string | null;

  @Field(() => Int, { nullable: true, description: 'Bondora Gender code: 0 Male, 1 Female, 2 Unknown.' })
  gender!: number | null;

  @Field(() => Int, { nullable: true })
  verificationType!: number | null;

  @Field(() => Int, { nullable: true })
  languageCode!: number | null;

  @Field(() => Int, { nullable: true })
  education!: number | null;

  @Field(() => Int, { nullable: true })
  employmentStatus!: number | null;

  @Field(() => String, { nullable: true })
  employmentDurationCurrentEmployer!: string | null;

  @Field(() => Int, { nullable: true })
  homeOwnershipType!: number | null;

  @Field(() => Int, { nullable: true })
  useOfLoan!: number | null;

  @Field(() => Int, { nullable: true })
  maritalStatus!: number | null;

  @Field(() => Int, { nullable: true })
  occupationArea!: number | null;

  @Field(() => DecimalScalar, { nullable: true })
  incomeTotal!: number | null;

  @Field(() => DecimalScalar, { nullable: true })
  liabilitiesTotal!: number | null;

  @Field(() => DecimalScalar, { nullable: true })
  debtToIncome!: number | null;

  @Field(() => DecimalScalar, { nullable: true })
  freeCash!: number | null;

  @Field(() => Int, { nullable: true })
  modelVersion!: number | null;

  @Field(() => DecimalScalar, { nullable: true })
  expectedLoss!: number | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'ExpectedReturnAlpha.' })
  expectedReturn!: number | null;

  @Field(() => DecimalScalar, { nullable: true })
  lossGivenDefault!: number | null;

  @Field(() => DecimalScalar, { nullable: true })
  probabilityOfDefault!: number | null;

  @Field(() => String, { nullable: true })
  creditScoreEeMini!: string | null;

  @Field(() => String, { nullable: true })
  creditScoreEsMicroL!: string | null;

  @Field(() => String, { nullable: true })
  creditScoreEsEquifaxRisk!: string | null;

  @Field(() => String, { nullable: true })
  creditScoreFiAsiakasTietoRiskGrade!: string | null;

  @Field(() => Int, { nullable: true, description: "How many bids the current investor has on this auction." })
  userBids!: number | null;

  @Field(() => DecimalScalar, { nullable: true })
  userBidAmount!: number | null;

  detail?: AuctionDetail;
}

export const AuctionConnection = connectionType('Auction', Auction, { totalCount: true });
