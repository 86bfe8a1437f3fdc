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

/** GET /api/v1/account/balance. TotalAvailable = Balance - Reserved - BidRequestAmount. */
export interface MyAccountBalanceDto {
  Balance: number;
  Reserved: number;
  /** Sum of the API bid requests not yet processed. */
  BidRequestAmount: number;
  TotalAvailable: number;
  GoGrowAccounts: GoGrowAccountDto[] | null;
}

export interface GoGrowAccountDto {
  Name: string | null;
  NetDeposits: number;
  NetProfit: number;
  TotalSaved: number;
}

/** One row of GET /api/v1/account/investments. */
export interface MyInvestmentItemDto {
  LoanPartId: string;
  Amount: number;
  AuctionId: string;
  AuctionName: string | null;
  AuctionNumber: number;
  AuctionBidNumber: number;
  InvestmentNumber: string | null;
  /** 0 Manual, 1 PortfolioManager, 2 Api (AuctionBidType) */
  AuctionBidType: number;
  Country: string;
  CreditScore: number | null;
  CreditScoreEsMicroL: string | null;
  CreditScoreEsEquifaxRisk: string | null;
  CreditScoreFiAsiakasTietoRiskGrade: string | null;
  CreditScoreEeMini: string | null;
  Rating: string;
  Interest: number;
  UseOfLoan: number;
  IncomeVerificationStatus: number;
  LoanId: string;
  /** 0 Reserved, 2 Current, 3 Cancelled, 4 Repaid, 5 60+ days overdue, 8 Released, 100 Overdue */
  LoanStatusCode: number;
  LoanStatusActiveFrom: string | null;
  UserName: string;
  Gender: number;
  DateOfBirth: string | null;
  SignedDate: string | null;
  ReScheduledOn: string | null;
  DebtOccuredOn: string | null;
  DebtOccuredOnForSecondary: string | null;
  LoanDuration: number;
  NextPaymentNr: number | null;
  NextPaymentDate: string | null;
  NextPaymentSum: number | null;
  NrOfScheduledPayments: number;
  LastPaymentDate: string | null;
  PrincipalRepaid: number;
  InterestRepaid: number;
  LateAmountPaid: number;
  PrincipalRemaining: number;
  PrincipalLateAmount: number;
  InterestLateAmount: number;
  PenaltyLateAmount: number;
  LateAmountTotal: number;
  PrincipalWriteOffAmount: number;
  InterestWriteOffAmount: number;
  PenaltyWriteOffAmount: number;
  DebtServicingCostMainAmount: number;
  DebtServicingCostInterestAmount: number;
  DebtServicingCostPenaltyAmount: number;
  PurchaseDate: string | null;
  SoldDate: string | null;
  PurchasePrice: number;
  SalePrice: number | null;
  ListedInSecondMarketOn: string | null;
  LatestDebtManagementStage: number | null;
  LatestDebtManagementSubStage: number | null;
  LatestDebtManagementStageType: number | null;
  LatestDebtManagementDate: string | null;
  NoteLoanTransfersMainAmount: number;
  NoteLoanTransfersInterestAmount: number;
  NoteLoanLateChargesPaid: number;
  NoteLoanTransfersEarningsAmount: number;
  NoteLoanTransfersTotalRepaimentsAmount: number;
  BoughtFromId: string | null;
}

export interface DebtManagementEventDto {
  CreatedOn: string | null;
  /** DebtManagementEvent type code (reference section 8) */
  EventType: number;
  Description: string | null;
}

/** A payment the borrower made (spelling as upstream: InterestAmountCarriedOver). */
export interface LoanTransferDto {
  Date: string | null;
  PrincipalAmount: number;
  InterestAmount: number;
  InterestAmountCarriedOver: number;
  PenaltyAmountCarriedOver: number;
  TotalAmount: number;
}

/** One row of the repayment schedule (spelling as upstream: IntrestAmountCarriedOver). */
export interface ScheduledPaymentDto {
  ScheduledDate: string | null;
  PrincipalAmount: number;
  PrincipalAmountLeft: number;
  InterestAmount: number;
  IntrestAmountCarriedOver: number;
  PenaltyAmountCarriedOver: number;
  TotalAmount: number;
}

/** GET /api/v1/loanpart/{id} and the items of /loanpart/list: the part with its schedule and payments. */
export interface LoanPartDetailsDto {
  LoanPartId: string;
  Amount: number;
  AuctionId: string;
  AuctionName: string | null;
  AuctionNumber: number;
  AuctionBidNumber: number;
  InvestmentNumber: string | null;
  Country: string;
  CreditScore: number | null;
  CreditScoreEsMicroL: string | null;
  CreditScoreEsEquifaxRisk: string | null;
  CreditScoreFiAsiakasTietoRiskGrade: string | null;
  CreditScoreEeMini: string | null;
  Rating: string;
  InitialInterest: number;
  Interest: number;
  RescheduledInterest: number | null;
  UseOfLoan: number;
  IncomeVerificationStatus: number;
  LoanId: string;
  LoanStatusCode: number;
  UserName: string;
  Gender: number;
  DateOfBirth: string | null;
  SignedDate: string | null;
  ReScheduledOn: string | null;
  DebtOccuredOn: string | null;
  DebtOccuredOnForSecondary: string | null;
  LoanDuration: number;
  NextPaymentNr: number | null;
  NextPaymentDate: string | null;
  NextPaymentSum: number | null;
  NrOfScheduledPayments: number;
  /** The last date of the schedule (swagger: "Last scheduled payment date"). */
  LastPaymentDate: string | null;
  PrincipalRepaid: number;
  InterestRepaid: number;
  LateAmountPaid: number;
  PrincipalRemaining: number;
  PrincipalLateAmount: number;
  InterestLateAmount: number;
  PenaltyLateAmount: number;
  LateAmountTotal: number;
  PrincipalWriteOffAmount: number;
  InterestWriteOffAmount: number;
  PenaltyWriteOffAmount: number;
  WriteOffTotal: number;
  DebtServicingCostMainAmount: number;
  DebtServicingCostInterestAmount: number;
  DebtServicingCostPenaltyAmount: number;
  DebtServicingCostTotal: number;
  RepaidPrincipalCurrentOwner: number;
  RepaidInterestsCurrentOwner: number;
  LateChargesPaidCurrentOwner: number;
  RepaidTotalCurrentOwner: number;
  TotalRepaid: number;
  DebtManagmentEvents: DebtManagementEventDto[] | null;
  LoanTransfers: LoanTransferDto[] | null;
  ScheduledPayments: ScheduledPaymentDto[] | null;
}

/**
 * One row of GET /api/v1/secondarymarket (and the `secondmarket.*` webhook payload). The last three
 * arrays are "webhook only": null in API answers. InvestmentNumber comes from the 2022 swagger.
 */
export interface SecondMarketItemDto {
  Id: string;
  LoanPartId: string;
  Amount: number;
  AuctionId: string;
  AuctionName: string | null;
  AuctionNumber: number;
  AuctionBidNumber: number;
  InvestmentNumber: string | null;
  Country: string;
  CreditScore: number | null;
  Rating: string;
  Interest: number;
  UseOfLoan: number;
  IncomeVerificationStatus: number;
  LoanStatusCode: number;
  LoanStatusActiveFrom: string | null;
  LatestDebtManagementStageType: number | null;
  LatestDebtManagementDate: string | null;
  UserName: string;
  Gender: number;
  DateOfBirth: string | null;
  SignedDate: string | null;
  ReScheduledOn: string | null;
  DebtOccuredOn: string | null;
  DebtOccuredOnForSecondary: string | null;
  NextPaymentNr: number | null;
  NextPaymentDate: string | null;
  NextPaymentSum: number | null;
  NrOfScheduledPayments: number;
  LastPaymentDate: string | null;
  PrincipalRepaid: number;
  InterestRepaid: number;
  LateAmountPaid: number;
  PrincipalRemaining: number;
  PrincipalLateAmount: number;
  InterestLateAmount: number;
  PenaltyLateAmount: number;
  LateAmountTotal: number;
  PrincipalWriteOffAmount: number;
  InterestWriteOffAmount: number;
  PenaltyWriteOffAmount: number;
  DebtServicingCostMainAmount: number;
  DebtServicingCostInterestAmount: number;
  DebtServicingCostPenaltyAmount: number;
  /** PrincipalRemaining x (1 + DesiredDiscountRate / 100) */
  Price: number;
  Fee: number;
  /** Price + Fee */
  TotalCost: number;
  OutstandingPayments: number;
  DesiredDiscountRate: number;
  Xirr: number;
  ListedOnDate: string | null;
  DebtManagmentEvents: DebtManagementEventDto[] | null;
  LoanTransfers: LoanTransferDto[] | null;
  ScheduledPayments: ScheduledPaymentDto[] | null;
}

/** GET /api/v1/secondarymarket/{id} and the items of /secondarymarket/list. */
export interface SecondMarketItemSummaryDto {
  Id: string;
  Number: number;
  StartDate: string | null;
  PlannedCloseDate: string | null;
  ActualCloseDate: string | null;
  UserCancelledOn: string | null;
  LoanPart_id: string;
  DesiredDiscountRate: number;
  DesiredDiscountRateDecimalFraction: number;
  /** 0 Created, 1 Open (on market), 2 Successful (sold), 3 Failed */
  StatusCode: number;
}

/** Body of POST /api/v1/secondarymarket/buy. */
export interface SecondMarketBuyRequestDto {
  ItemIds: string[];
}

/** Body of POST /api/v1/secondarymarket/cancel. */
export interface SecondMarketCancelRequestDto {
  ItemIds: string[];
}

/** Body of GET/POST /api/v1/secondarymarket/list (at most 1000 ids). */
export interface SecondMarketListingRequestDto {
  ItemIds: string[];
}

/** Body of GET/POST /api/v1/loanpart/list (at most 1000 ids). */
export interface LoanPartDetailsRequestDto {
  ItemIds: string[];
}

export interface SecondMarketSellDto {
  LoanPartId: string;
  /** Whole percent: negative is a discount, positive a mark-up. */
  DesiredDiscountRate: number;
}

/** Body of POST /api/v1/secondarymarket/sell. */
export interface SecondMarketSaleRequestDto {
  Items: SecondMarketSellDto[];
  CancelItemOnPaymentReceived?: boolean;
  CancelItemOnReschedule?: boolean;
}

/** One listed item per sold loan part: Id is the new secondary-market item's id. */
export interface SecondMarketSaleResponseDto {
  Id: string;
  LoanPartId: string;
  DesiredDiscountRate: number;
}

/** One row of GET /api/v1/eventlog: a write made through this application; Data is its request as JSON. */
export interface EventLogItemDto {
  EventDate: string | null;
  /** 1 MakeBid, 2 CancelBid, 3 SmSell, 4 SmBuy, 5 SmCancel (ApiRequestLogEventType) */
  EventType: number;
  IpAddress: string | null;
  Data: string | null;
}

export const BONDORA_EVENT_TYPES = { MakeBid: 1, CancelBid: 2, SmSell: 3, SmBuy: 4, SmCancel: 5 } as const;

/** Query of GET /api/v1/eventlog (EventLogRequest). */
export interface EventLogRequestDto {
  EventDateFrom?: string;
  EventDateTo?: string;
  EventType?: number;
  IpAddress?: string;
  PageSize?: number;
  PageNr?: number;
}

/** Query of GET /api/v1/account/investments (MyInvestmentsRequest). */
export interface MyInvestmentsRequestDto {
  LoanIssuedDateFrom?: string;
  LoanIssuedDateTo?: string;
  PrincipalMin?: number;
  PrincipalMax?: number;
  InterestMin?: number;
  InterestMax?: number;
  LengthMax?: number;
  LengthMin?: number;
  LatePrincipalAmountMin?: number;
  LatePrincipalAmountMax?: number;
  DebtOccuredOnFrom?: string;
  DebtOccuredOnTo?: string;
  DebtOccuredOnForSecondaryFrom?: string;
  DebtOccuredOnForSecondaryTo?: string;
  DefaultedDateFrom?: string;
  DefaultedDateTo?: string;
  RescheduledFrom?: string;
  RescheduledTo?: string;
  SoldDateFrom?: string;
  SoldDateTo?: string;
  PurchaseDateFrom?: string;
  PurchaseDateTo?: string;
  NextPaymentDateTo?: string;
  NextPaymentDateFrom?: string;
  LastPaymentDateFrom?: string;
  LastPaymentDateTo?: string;
  Countries?: string[];
  Ratings?: string[];
  CreditScoreMin?: number;
  CreditScoreMax?: number;
  UserName?: string;
  LoanStatusCode?: number[];
  IncomeVerificationStatus?: number;
  LoanDebtManagementStage?: number;
  LoanDebtManagementStageType?: number;
  LoanDebtManagementDateActiveFrom?: string;
  LoanDebtManagementDateActiveTo?: string;
  AuctionBidType?: number;
  /** absent: every active investment; 0 bought, 1 sold, 2 on sale, 3 not on sale */
  SalesStatus?: number;
  /** true: loan status 2, 5 or 100 */
  IsInRepayment?: boolean;
  PageSize?: number;
  PageNr?: number;
}

/** Query of GET /api/v1/secondarymarket (SecondMarketRequest). */
export interface SecondMarketRequestDto {
  LoanIssuedDateFrom?: string;
  LoanIssuedDateTo?: string;
  PrincipalMin?: number;
  PrincipalMax?: number;
  InterestMin?: number;
  InterestMax?: number;
  LengthMax?: number;
  LengthMin?: number;
  HasDebt?: boolean;
  LoanStatusCode?: number[];
  LoanDebtManagementStageType?: number;
  LoanDebtManagementDateActiveFrom?: string;
  LoanDebtManagementDateActiveTo?: string;
  LatePrincipalAmountMin?: number;
  LatePrincipalAmountMax?: number;
  PriceMin?: number;
  PriceMax?: number;
  UseOfLoan?: number;
  HasNewSchedule?: boolean;
  Countries?: string[];
  Ratings?: string[];
  CreditScoreMin?: number;
  CreditScoreMax?: number;
  UserName?: string;
  Gender?: number;
  AgeMin?: number;
  AgeMax?: number;
  IncomeVerificationStatus?: number;
  /** absent: every item; true: only the caller's; false: only other users' */
  ShowMyItems?: boolean;
  AuctionId?: string;
  ListedOnDateFrom?: string;
  ListedOnDateTo?: string;
  DebtOccuredOnFrom?: string;
  DebtOccuredOnTo?: string;
  DebtOccuredOnForSecondaryFrom?: string;
  DebtOccuredOnForSecondaryTo?: string;
  DefaultedDateFrom?: string;
  DefaultedDateTo?: string;
  RescheduledFrom?: string;
  RescheduledTo?: string;
  LastPaymentDateFrom?: string;
  LastPaymentDateTo?: string;
  NextPaymentDateFrom?: string;
  NextPaymentDateTo?: string;
  DesiredDiscountRateMin?: number;
  DesiredDiscountRateMax?: number;
  XirrMin?: number;
  XirrMax?: number;
  PageSize?: number;
  PageNr?: number;
}

/** Largest PageSize each paged endpoint accepts. */
export const BONDORA_MAX_PAGE_SIZE = {
  auctions: 20000,
  bids: 20000,
  eventlog: 20000,
  investments: 50000,
  secondarymarket: 100000,
} as const;
/** Most bids one POST /api/v1/bid may carry. */
export const BONDORA_MAX_BIDS_PER_REQUEST = 100;
/** Most items one POST secondarymarket/buy, /sell or /cancel may carry. */
export const BONDORA_MAX_MARKET_ITEMS_PER_REQUEST = 100;
/** Most ids one loanpart/list or secondarymarket/list call may carry. */
export const BONDORA_MAX_LIST_IDS = 1000;
