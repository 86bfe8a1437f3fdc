import type {
  DebtManagementEventDto,
  LoanPartDetailsDto,
  LoanTransferDto,
  ScheduledPaymentDto,
} from '../../upstream/bondora/bondora.dto.js';
import { toCalendarDate, toDateTime, toEnum, toInteger, toNumber, toText } from '../value.mapper.js';
import { LoanStatus, type DebtManagementEvent, type LoanPart, type LoanTransfer, type ScheduledPayment } from './loan-part.type.js';

export const LOAN_STATUS: Readonly<Record<string, LoanStatus>> = {
  0: LoanStatus.RESERVED,
  2: LoanStatus.CURRENT,
  3: LoanStatus.CANCELLED,
  4: LoanStatus.REPAID,
  5: LoanStatus.OVERDUE_60_PLUS_DAYS,
  8: LoanStatus.RELEASED,
  100: LoanStatus.OVERDUE,
};
export const LOAN_STATUS_CODE: Readonly<Record<LoanStatus, number>> = Object.fromEntries(
  Object.entries(LOAN_STATUS).map(([code, status]) => [status, Number(code)]),
) as Record<LoanStatus, number>;

export function toScheduledPayment(dto: ScheduledPaymentDto): ScheduledPayment {
  return {
    scheduledDate: toDateTime(dto.ScheduledDate),
    principalAmount: toNumber(dto.PrincipalAmount),
    principalAmountLeft: toNumber(dto.PrincipalAmountLeft),
    interestAmount: toNumber(dto.InterestAmount),
    interestAmountCarriedOver: toNumber(dto.IntrestAmountCarriedOver),
    penaltyAmountCarriedOver: toNumber(dto.PenaltyAmountCarriedOver),
    totalAmount: toNumber(dto.TotalAmount),
  };
}

export function toLoanTransfer(dto: LoanTransferDto): LoanTransfer {
  return {
    date: toDateTime(dto.Date),
    principalAmount: toNumber(dto.PrincipalAmount),
    interestAmount: toNumber(dto.InterestAmount),
    interestAmountCarriedOver: toNumber(dto.InterestAmountCarriedOver),
    penaltyAmountCarriedOver: toNumber(dto.PenaltyAmountCarriedOver),
    totalAmount: toNumber(dto.TotalAmount),
  };
}

export function toDebtManagementEvent(dto: DebtManagementEventDto): DebtManagementEvent {
  return { createdOn: toDateTime(dto.CreatedOn), eventType: toInteger(dto.EventType), description: toText(dto.Description) };
}

/** An upstream array that may be null or hold nulls: only its objects are mapped. */
export function mapList<D, N>(items: ReadonlyArray<D | null> | null | undefined, toNode: (dto: D) => N): N[] {
  return Array.isArray(items) ? items.filter((item): item is D => item !== null && typeof item === 'object').map(toNode) : [];
}

export function toLoanPart(dto: LoanPartDetailsDto): LoanPart {
  return {
    ...toLoanFigures(dto),
    id: dto.LoanPartId,
    initialInterest: toNumber(dto.InitialInterest),
    interest: toNumber(dto.Interest),
    rescheduledInterest: toNumber(dto.RescheduledInterest),
    writeOffTotal: toNumber(dto.WriteOffTotal),
    debtServicingCostTotal: toNumber(dto.DebtServicingCostTotal),
    repaidPrincipalCurrentOwner: toNumber(dto.RepaidPrincipalCurrentOwner),
    repaidInterestsCurrentOwner: toNumber(dto.RepaidInterestsCurrentOwner),
    lateChargesPaidCurrentOwner: toNumber(dto.LateChargesPaidCurrentOwner),
    repaidTotalCurrentOwner: toNumber(dto.RepaidTotalCurrentOwner),
    totalRepaid: toNumber(dto.TotalRepaid),
    debtManagementEvents: mapList(dto.DebtManagmentEvents, toDebtManagementEvent),
    loanTransfers: mapList(dto.LoanTransfers, toLoanTransfer),
    scheduledPayments: mapList(dto.ScheduledPayments, toScheduledPayment),
  };
}

/**
 * The loan figures an investment and a loan part share (Bondora's MyInvestmentItem and
 * LoanPartDetails carry them by the same names): mapped in one place for both.
 */
export function toLoanFigures(dto: Pick<LoanPartDetailsDto, 'Amount' | 'AuctionBidNumber' | 'AuctionId' | 'AuctionName' | 'AuctionNumber' | 'Country' | 'CreditScore' | 'CreditScoreEeMini' | 'CreditScoreEsEquifaxRisk' | 'CreditScoreEsMicroL' | 'CreditScoreFiAsiakasTietoRiskGrade' | 'DateOfBirth' | 'DebtOccuredOn' | 'DebtOccuredOnForSecondary' | 'DebtServicingCostInterestAmount' | 'DebtServicingCostMainAmount' | 'DebtServicingCostPenaltyAmount' | 'Gender' | 'IncomeVerificationStatus' | 'InterestLateAmount' | 'InterestRepaid' | 'InterestWriteOffAmount' | 'InvestmentNumber' | 'LastPaymentDate' | 'LateAmountPaid' | 'LateAmountTotal' | 'LoanDuration' | 'LoanId' | 'LoanStatusCode' | 'NextPaymentDate' | 'NextPaymentNr' | 'NextPaymentSum' | 'NrOfScheduledPayments' | 'PenaltyLateAmount' | 'PenaltyWriteOffAmount' | 'PrincipalLateAmount' | 'PrincipalRemaining' | 'PrincipalRepaid' | 'PrincipalWriteOffAmount' | 'Rating' | 'ReScheduledOn' | 'SignedDate' | 'UseOfLoan' | 'UserName'>) {
  return {
    amount: toNumber(dto.Amount),
    auctionId: toText(dto.AuctionId),
    auctionName: toText(dto.AuctionName),
    auctionNumber: toInteger(dto.AuctionNumber),
    auctionBidNumber: toInteger(dto.AuctionBidNumber),
    investmentNumber: toText(dto.InvestmentNumber),
    loanId: toText(dto.LoanId),
    country: toText(dto.Country),
    rating: toText(dto.Rating),
    creditScore: toNumber(dto.CreditScore),
    creditScoreEsMicroL: toText(dto.CreditScoreEsMicroL),
    creditScoreEsEquifaxRisk: toText(dto.CreditScoreEsEquifaxRisk),
    creditScoreFiAsiakasTietoRiskGrade: toText(dto.CreditScoreFiAsiakasTietoRiskGrade),
    creditScoreEeMini: toText(dto.CreditScoreEeMini),
    useOfLoan: toInteger(dto.UseOfLoan),
    incomeVerificationStatus: toInteger(dto.IncomeVerificationStatus),
    loanStatus: toEnum(LOAN_STATUS, dto.LoanStatusCode),
    loanStatusCode: toInteger(dto.LoanStatusCode),
    userName: toText(dto.UserName),
    gender: toInteger(dto.Gender),
    dateOfBirth: toCalendarDate(dto.DateOfBirth),
    signedDate: toDateTime(dto.SignedDate),
    reScheduledOn: toDateTime(dto.ReScheduledOn),
    debtOccuredOn: toDateTime(dto.DebtOccuredOn),
    debtOccuredOnForSecondary: toDateTime(dto.DebtOccuredOnForSecondary),
    loanDuration: toInteger(dto.LoanDuration),
    nextPaymentNr: toInteger(dto.NextPaymentNr),
    nextPaymentDate: toDateTime(dto.NextPaymentDate),
    nextPaymentSum: toNumber(dto.NextPaymentSum),
    nrOfScheduledPayments: toInteger(dto.NrOfScheduledPayments),
    lastPaymentDate: toDateTime(dto.LastPaymentDate),
    principalRepaid: toNumber(dto.PrincipalRepaid),
    interestRepaid: toNumber(dto.InterestRepaid),
    lateAmountPaid: toNumber(dto.LateAmountPaid),
    principalRemaining: toNumber(dto.PrincipalRemaining),
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
