import type { AuctionDto, AuctionExtendedDto, BidResponseDto, BidSummaryDto } from '../../upstream/bondora/bondora.dto.js';
import { toCalendarDate, toDateTime, toEnum, toInteger, toNumber, toText } from '../value.mapper.js';
import type { Auction, AuctionDetail } from './auction.type.js';
import { BidFailureReason, BidStatus, type Bid, type PlacedBid } from './bid.type.js';

const BID_STATUS: Record<string, BidStatus> = {
  0: BidStatus.PENDING,
  1: BidStatus.OPEN,
  2: BidStatus.SUCCESSFUL,
  3: BidStatus.FAILED,
  4: BidStatus.CANCELLED,
  5: BidStatus.ACCEPTED,
};
export const BID_STATUS_CODE: Record<BidStatus, number> = Object.fromEntries(
  Object.entries(BID_STATUS).map(([code, status]) => [status, Number(code)]),
) as Record<BidStatus, number>;

const FAILURE_REASON: Record<string, BidFailureReason> = Object.fromEntries(
  Object.values(BidFailureReason).map((reason, code) => [String(code), reason]),
);

export function toAuction(dto: AuctionDto | AuctionExtendedDto): Auction {
  const auction: Auction = {
    id: dto.AuctionId,
    loanId: toText(dto.LoanId),
    loanNumber: toInteger(dto.LoanNumber),
    userName: toText(dto.UserName),
    newCreditCustomer: dto.NewCreditCustomer === null || dto.NewCreditCustomer === undefined ? null : dto.NewCreditCustomer === 1,
    isActive: !dto.ActualCloseDate,
    loanApplicationStartedDate: toDateTime(dto.LoanApplicationStartedDate),
    plannedCloseDate: toDateTime(dto.PlannedCloseDate),
    actualCloseDate: toDateTime(dto.ActualCloseDate),
    listedOn: toDateTime(dto.ListedOnUTC),
    country: toText(dto.Country),
    county: toText(dto.County),
    city: toText(dto.City),
    rating: toText(dto.Rating),
    interest: toNumber(dto.Interest),
    appliedAmount: toNumber(dto.AppliedAmount),
    winningBidsAmount: toNumber(dto.WinningBidsAmount),
    remainingAmount: toNumber(dto.RemainingAmount),
    fundedPercent: toNumber(dto.Fullfilled),
    loanDuration: toInteger(dto.LoanDuration),
    monthlyPayment: toNumber(dto.MonthlyPayment),
    monthlyPaymentDay: toInteger(dto.MonthlyPaymentDay),
    age: toInteger(dto.Age),
    dateOfBirth: toCalendarDate(dto.DateOfBirth),
    gender: toInteger(dto.Gender),
    verificationType: toInteger(dto.VerificationType),
    languageCode: toInteger(dto.LanguageCode),
    education: toInteger(dto.Education),
    employmentStatus: toInteger(dto.EmploymentStatus),
    employmentDurationCurrentEmployer: toText(dto.EmploymentDurationCurrentEmployer),
    homeOwnershipType: toInteger(dto.HomeOwnershipType),
    useOfLoan: toInteger(dto.UseOfLoan),
    maritalStatus: toInteger(dto.MaritalStatus),
    occupationArea: toInteger(dto.OccupationArea),
    incomeTotal: toNumber(dto.IncomeTotal),
    liabilitiesTotal: toNumber(dto.LiabilitiesTotal),
    debtToIncome: toNumber(dto.DebtToIncome),
    freeCash: toNumber(dto.FreeCash),
    modelVersion: toInteger(dto.ModelVersion),
    expectedLoss: toNumber(dto.ExpectedLoss),
    expectedReturn: toNumber(dto.ExpectedReturnAlpha),
    lossGivenDefault: toNumber(dto.LossGivenDefault),
    probabilityOfDefault: toNumber(dto.ProbabilityOfDefault),
    creditScoreEeMini: toText(dto.CreditScoreEeMini),
    creditScoreEsMicroL: toText(dto.CreditScoreEsMicroL),
    creditScoreEsEquifaxRisk: toText(dto.CreditScoreEsEquifaxRisk),
    creditScoreFiAsiakasTietoRiskGrade: toText(dto.CreditScoreFiAsiakasTietoRiskGrade),
    userBids: toInteger(dto.UserBids),
    userBidAmount: toNumber(dto.UserBidAmount),
  };
  if ('Liabilities' in dto || 'Debts' in dto || 'BorrowerHistory' in dto) auction.detail = toAuctionDetail(dto as AuctionExtendedDto);
  return auction;
}

export function toAuctionDetail(dto: AuctionExtendedDto): AuctionDetail {
  const history = dto.BorrowerHistory;
  return {
    liabilities: (dto.Liabilities ?? []).map((l) => ({
      isRefinanced: typeof l.IsRefinanced === 'boolean' ? l.IsRefinanced : null,
      typeOfLiability: toInteger(l.TypeOfLiability),
      creditor: toText(l.Creditor),
      monthlyPayment: toNumber(l.MonthlyPayment),
      outstanding: toNumber(l.Outstanding),
      collateralType: toInteger(l.CollateralType),
    })),
    debts: (dto.Debts ?? []).map((d) => ({
      startDate: toDateTime(d.StartDate),
      endDate: toDateTime(d.EndDate),
      amount: toText(d.Amount),
      maxAmount: toText(d.MaxAmount),
      industry: toText(d.Industry),
      reporter: toText(d.Reporter),
    })),
    borrowerHistory: history
      ? {
          overdue: toNumber(history.Overdue),
          principalRepaid: toNumber(history.PrincipalRepaid),
          interestRepaid: toNumber(history.InterestRepaid),
          lateChargesRepaid: toNumber(history.LateChargesRepaid),
          repaymentsTotal: toNumber(history.RepaimentsTotal),
          issuedLoans: toInteger(history.IssuedLoans),
          issuedLoanAmount: toNumber(history.IssuedLoanAmount),
        }
      : null,
  };
}

export function toBid(dto: BidSummaryDto): Bid {
  const status = toEnum(BID_STATUS, dto.StatusCode);
  return {
    id: dto.Id,
    auctionId: dto.AuctionId,
    status,
    statusCode: toInteger(dto.StatusCode),
    failureReason: toEnum(FAILURE_REASON, dto.FailureReason),
    failureReasonCode: toInteger(dto.FailureReason),
    requestedAmount: toNumber(dto.RequestedBidAmount),
    actualAmount: toNumber(dto.ActualBidAmount),
    requestedMinimumLimit: toNumber(dto.RequestedBidMinimumLimit),
    requestedAt: toDateTime(dto.BidRequestedDate),
    processedAt: toDateTime(dto.BidProcessedDate),
    isBeingProcessed: typeof dto.IsRequestBeingProcessed === 'boolean' ? dto.IsRequestBeingProcessed : null,
  };
}

export function toPlacedBid(dto: BidResponseDto): PlacedBid {
  return { id: dto.Id, auctionId: dto.AuctionId, amount: toNumber(dto.Amount), minAmount: toNumber(dto.MinAmount) };
}
