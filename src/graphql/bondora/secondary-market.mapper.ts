import type { SecondMarketItemDto, SecondMarketItemSummaryDto, SecondMarketSaleResponseDto } from '../../upstream/bondora/bondora.dto.js';
import { toCalendarDate, toDateTime, toEnum, toInteger, toNumber, toText } from '../value.mapper.js';
import { LOAN_STATUS } from './loan-part.mapper.js';
import { SecondaryMarketItemStatus, type ListedLoanPart, type SecondaryMarketItem } from './secondary-market.type.js';

const STATUS: Record<string, SecondaryMarketItemStatus> = {
  0: SecondaryMarketItemStatus.CREATED,
  1: SecondaryMarketItemStatus.OPEN,
  2: SecondaryMarketItemStatus.SUCCESSFUL,
  3: SecondaryMarketItemStatus.FAILED,
};
const OPEN_CODE = 1;

type ListFigures = Omit<SecondaryMarketItem, 'id' | 'loanPartId' | 'status' | 'statusCode' | 'desiredDiscountRate' | 'listedAt' | 'closedAt' | 'cancelledAt' | 'summary'>;

const NO_LIST_FIGURES: ListFigures = {
  price: null,
  fee: null,
  totalCost: null,
  outstandingPayments: null,
  xirr: null,
  amount: null,
  auctionId: null,
  auctionName: null,
  auctionNumber: null,
  auctionBidNumber: null,
  investmentNumber: null,
  country: null,
  creditScore: null,
  rating: null,
  interest: null,
  useOfLoan: null,
  incomeVerificationStatus: null,
  loanStatus: null,
  loanStatusCode: null,
  loanStatusActiveFrom: null,
  latestDebtManagementStageType: null,
  latestDebtManagementDate: null,
  userName: null,
  gender: null,
  dateOfBirth: null,
  signedDate: null,
  reScheduledOn: null,
  debtOccuredOn: null,
  debtOccuredOnForSecondary: null,
  nextPaymentNr: null,
  nextPaymentDate: null,
  nextPaymentSum: null,
  nrOfScheduledPayments: null,
  lastPaymentDate: null,
  principalRemaining: null,
  principalRepaid: null,
  interestRepaid: null,
  lateAmountPaid: null,
  principalLateAmount: null,
  interestLateAmount: null,
  penaltyLateAmount: null,
  lateAmountTotal: null,
  principalWriteOffAmount: null,
  interestWriteOffAmount: null,
  penaltyWriteOffAmount: null,
  debtServicingCostMainAmount: null,
  debtServicingCostInterestAmount: null,
  debtServicingCostPenaltyAmount: null,
};

/** A row of GET /secondarymarket: the market list holds open items only, so it is open and not closed. */
export function toSecondaryMarketItem(dto: SecondMarketItemDto): SecondaryMarketItem {
  return {
    id: dto.Id,
    loanPartId: dto.LoanPartId,
    status: SecondaryMarketItemStatus.OPEN,
    statusCode: OPEN_CODE,
    desiredDiscountRate: toNumber(dto.DesiredDiscountRate),
    listedAt: toDateTime(dto.ListedOnDate),
    closedAt: null,
    cancelledAt: null,
    price: toNumber(dto.Price),
    fee: toNumber(dto.Fee),
    totalCost: toNumber(dto.TotalCost),
    outstandingPayments: toNumber(dto.OutstandingPayments),
    xirr: toNumber(dto.Xirr),
    amount: toNumber(dto.Amount),
    auctionId: toText(dto.AuctionId),
    auctionName: toText(dto.AuctionName),
    auctionNumber: toInteger(dto.AuctionNumber),
    auctionBidNumber: toInteger(dto.AuctionBidNumber),
    investmentNumber: toText(dto.InvestmentNumber),
    country: toText(dto.Country),
    creditScore: toNumber(dto.CreditScore),
    rating: toText(dto.Rating),
    interest: toNumber(dto.Interest),
    useOfLoan: toInteger(dto.UseOfLoan),
    incomeVerificationStatus: toInteger(dto.IncomeVerificationStatus),
    loanStatus: toEnum(LOAN_STATUS, dto.LoanStatusCode),
    loanStatusCode: toInteger(dto.LoanStatusCode),
    loanStatusActiveFrom: toDateTime(dto.LoanStatusActiveFrom),
    latestDebtManagementStageType: toInteger(dto.LatestDebtManagementStageType),
    latestDebtManagementDate: toDateTime(dto.LatestDebtManagementDate),
    userName: toText(dto.UserName),
    gender: toInteger(dto.Gender),
    dateOfBirth: toCalendarDate(dto.DateOfBirth),
    signedDate: toDateTime(dto.SignedDate),
    reScheduledOn: toDateTime(dto.ReScheduledOn),
    debtOccuredOn: toDateTime(dto.DebtOccuredOn),
    debtOccuredOnForSecondary: toDateTime(dto.DebtOccuredOnForSecondary),
    nextPaymentNr: toInteger(dto.NextPaymentNr),
    nextPaymentDate: toDateTime(dto.NextPaymentDate),
    nextPaymentSum: toNumber(dto.NextPaymentSum),
    nrOfScheduledPayments: toInteger(dto.NrOfScheduledPayments),
    lastPaymentDate: toDateTime(dto.LastPaymentDate),
    principalRemaining: toNumber(dto.PrincipalRemaining),
    principalRepaid: toNumber(dto.PrincipalRepaid),
    interestRepaid: toNumber(dto.InterestRepaid),
    lateAmountPaid: toNumber(dto.LateAmountPaid),
    principalLateAmount: toNumber(dto.PrincipalLateAmount),
    interestLateAmount: toNumber(dto.InterestLateAmount),
    penaltyLateAmount: toNumber(dto.PenaltyLateAmount),
    lateAmountTotal: toNumber(dto.LateAmountTotal),
    principalWriteOffAmount: toNumber(dto.PrincipalWriteOffAmount),
    interestWriteOffAmount: toNumber(dto.InterestWriteOffAmount),
    penaltyWriteOffAmount: toNumber(dto.PenaltyWriteOffAmount),
    debtServicingCostMainAmount: toNumber(dto.DebtServicingCostMainAmount),
    debtServicingCostInterestAmount: toNumber(dto.DebtServicingCostInterestAmount),
    debtServicingCostPenaltyAmount: toNumber(dto.DebtServicingCostPenaltyAmount),
  };
}

/** Bondora's item summary (GET secondarymarket/{id}, /list): status and dates, none of the market list's figures. */
export function toSecondaryMarketItemFromSummary(dto: SecondMarketItemSummaryDto): SecondaryMarketItem {
  return {
    ...NO_LIST_FIGURES,
    id: dto.Id,
    loanPartId: dto.LoanPart_id,
    status: toEnum(STATUS, dto.StatusCode),
    statusCode: toInteger(dto.StatusCode),
    desiredDiscountRate: toNumber(dto.DesiredDiscountRate),
    listedAt: toDateTime(dto.StartDate),
    closedAt: toDateTime(dto.ActualCloseDate),
    cancelledAt: toDateTime(dto.UserCancelledOn),
    summary: toSummary(dto),
  };
}

export function toSummary(dto: SecondMarketItemSummaryDto): NonNullable<SecondaryMarketItem['summary']> {
  return { number: toInteger(dto.Number), plannedCloseDate: toDateTime(dto.PlannedCloseDate) };
}

export function toListedLoanPart(dto: SecondMarketSaleResponseDto): ListedLoanPart {
  return { id: dto.Id, loanPartId: dto.LoanPartId, desiredDiscountRate: dto.DesiredDiscountRate };
}
