// Bondora API v1 JSON shapes, names verbatim (PascalCase, including upstream spelling quirks).
// Dates are ISO-8601 strings; money and rates are JSON numbers (C# decimals upstream).

export interface BondoraApiError {
  Code: number;
  Message: string;
  Details: string | null;
}

export interface BondoraEnvelope<T> {
  Payload?: T | null;
  Success: boolean;
  Errors: BondoraApiError[] | null;
}

export interface BondoraPagedEnvelope<T> extends BondoraEnvelope<T[]> {
  PageSize: number;
  PageNr: number;
  TotalCount: number;
  Count: number;
}

export interface AuctionDto {
  LoanId: string;
  AuctionId: string;
  LoanNumber: number;
  UserName: string;
  NewCreditCustomer: number;
  LoanApplicationStartedDate: string | null;
  PlannedCloseDate: string | null;
  ApplicationSignedHour: number;
  ApplicationSignedWeekday: number;
  VerificationType: number;
  LanguageCode: number;
  Age: number;
  DateOfBirth: string | null;
  Gender: number;
  Country: string;
  CreditScoreEsMicroL: string | null;
  CreditScoreEsEquifaxRisk: string | null;
  CreditScoreFiAsiakasTietoRiskGrade: string | null;
  CreditScoreEeMini: string | null;
  AppliedAmount: number;
  Interest: number;
  LoanDuration: number;
  County: string | null;
  City: string | null;
  Education: number;
  EmploymentDurationCurrentEmployer: string | null;
  HomeOwnershipType: number;
  IncomeTotal: number;
  MonthlyPayment: number;
  MonthlyPaymentDay: number;
  ModelVersion: number;
  ExpectedLoss: number;
  Rating: string;
  LossGivenDefault: number;
  ProbabilityOfDefault: number;
  ExpectedReturnAlpha: number;
  LiabilitiesTotal: number;
  ListedOnUTC: string | null;
  ActualCloseDate: string | null;
  WinningBidsAmount: number;
  RemainingAmount: number;
  UserBids: number;
  UserBidAmount: number;
  Fullfilled: number;
  CreditScore: number | null;
  ScoringDate: string | null;
  UseOfLoan: number;
  MaritalStatus: number;
  NrOfDependants: string | null;
  EmploymentStatus: number;
  EmploymentPosition: string | null;
  WorkExperience: string | null;
  OccupationArea: number;
  IncomeFromPrincipalEmployer: number;
  IncomeFromPension: number;
  IncomeFromFamilyAllowance: number;
  IncomeFromSocialWelfare: number;
  IncomeFromLeavePay: number;
  IncomeFromChildSupport: number;
  IncomeOther: number;
  FreeCash: number;
  DebtToIncome: number;
  EADRate: number | null;
  MaturityFactor: number | null;
  InterestRateAlpha: number | null;
}

export interface LiabilityDto {
  IsRefinanced: boolean;
  TypeOfLiability: number;
  Creditor: string | null;
  MonthlyPayment: number;
  Outstanding: number;
  CollateralType: number;
}

export interface DebtDto {
  StartDate: string | null;
  EndDate: string | null;
  Amount: string | null;
  MaxAmount: string | null;
  Industry: string | null;
  Reporter: string | null;
}

export interface BorrowerHistoryDto {
  Overdue: number;
  PrincipalRepaid: number;
  InterestRepaid: number;
  LateChargesRepaid: number;
  RepaimentsTotal: number;
  IssuedLoans: number;
  IssuedLoanAmount: number;
}

/** GET /api/v1/auction/{id}: the detail-only fields followed by every Auction field. */
export interface AuctionExtendedDto extends AuctionDto {
  Liabilities: LiabilityDto[] | null;
  Debts: DebtDto[] | null;
  BorrowerHistory: BorrowerHistoryDto | null;
}

export interface BidSummaryDto {
  Id: string;
  AuctionId: string;
  RequestedBidAmount: number;
  ActualBidAmount: number | null;
  RequestedBidMinimumLimit: number | null;
  BidRequestedDate: string | null;
  BidProcessedDate: string | null;
  IsRequestBeingProcessed: boolean;
  /** 0 Pending, 1 Open, 2 Successful, 3 Failed, 4 Cancelled, 5 Accepted */
  StatusCode: number;
  /** 0 NotSet .. 14 Unknown (ApiBidFailureReason) */
  FailureReason: number;
}

export interface BidDto {
  AuctionId: string;
  Amount: number;
  MinAmount?: number | null;
}

export interface BidRequestDto {
  Bids: BidDto[];
}

export interface BidResponseDto {
  Id: string;
  AuctionId: string;
  Amount: number;
  MinAmount: number | null;
}

/** Query of GET /api/v1/auctions (AuctionRequest); every key optional, arrays as repeated keys. */
export interface AuctionRequestDto {
  Countries?: string[];
  Ratings?: string[];
  Gender?: number;
  SumMin?: number;
  SumMax?: number;
  Terms?: number[];
  AgeMin?: number;
  AgeMax?: number;
  LoanNumber?: number;
  UserName?: string;
  ApplicationDateFrom?: string;
  ApplicationDateTo?: string;
  CreditScoresEeMini?: string[];
  InterestMin?: number;
  InterestMax?: number;
  IncomeTotalMin?: number;
  IncomeTotalMax?: number;
  ModelVersion?: number;
  ExpectedLossMin?: number;
  ExpectedLossMax?: number;
  ListedOnUTCFrom?: string;
  ListedOnUTCTo?: string;
  PageSize?: number;
  PageNr?: number;
}

/** Query of GET /api/v1/bids (ApiBidSummariesRequest). */
export interface BidSummariesRequestDto {
  BidStatusCode?: number;
  StartDate?: string;
  EndDate?: string;
  PageSize?: number;
  PageNr?: number;
}

/** Largest PageSize each paged endpoint accepts. */
export const BONDORA_MAX_PAGE_SIZE = { auctions: 20000, bids: 20000 } as const;
/** Most bids one POST /api/v1/bid may carry. */
export const BONDORA_MAX_BIDS_PER_REQUEST = 100;
