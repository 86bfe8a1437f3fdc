import type { EventLogItemDto, MyAccountBalanceDto, MyInvestmentItemDto } from '../../upstream/bondora/bondora.dto.js';
import type { Fetched } from '../../upstream/bondora/bondora.client.js';
import { toCalendarDate, toDateTime, toEnum, toInteger, toNumber, toText } from '../value.mapper.js';
import { AccountEventType, AuctionBidType, InvestmentSalesStatus, type AccountBalance, type AccountEvent, type Investment } from './account.type.js';
import { LOAN_STATUS, mapList } from './loan-part.mapper.js';

const AUCTION_BID_TYPE: Readonly<Record<string, AuctionBidType>> = {
  0: AuctionBidType.MANUAL,
  1: AuctionBidType.PORTFOLIO_MANAGER,
  2: AuctionBidType.API,
};
export const AUCTION_BID_TYPE_CODE = invert(AUCTION_BID_TYPE);

const EVENT_TYPE: Readonly<Record<string, AccountEventType>> = {
  1: AccountEventType.MAKE_BID,
  2: AccountEventType.CANCEL_BID,
  3: AccountEventType.SM_SELL,
  4: AccountEventType.SM_BUY,
  5: AccountEventType.SM_CANCEL,
};
export const EVENT_TYPE_CODE = invert(EVENT_TYPE);

export const SALES_STATUS_CODE: Readonly<Record<InvestmentSalesStatus, number>> = {
  [InvestmentSalesStatus.BOUGHT]: 0,
  [InvestmentSalesStatus.SOLD]: 1,
  [InvestmentSalesStatus.ON_SALE]: 2,
  [InvestmentSalesStatus.NOT_ON_SALE]: 3,
};

function invert<E extends string>(codes: Readonly<Record<string, E>>): Readonly<Record<E, number>> {
  return Object.fromEntries(Object.entries(codes).map(([code, value]) => [value, Number(code)])) as Record<E, number>;
}

export function toAccountBalance({ value: dto, fetchedAt }: Fetched<MyAccountBalanceDto>): AccountBalance {
  return {
    balance: toNumber(dto.Balance),
    reserved: toNumber(dto.Reserved),
    bidRequestAmount: toNumber(dto.BidRequestAmount),
    totalAvailable: toNumber(dto.TotalAvailable),
    goGrowAccounts: mapList(dto.GoGrowAccounts, (g) => ({
      name: toText(g.Name),
      netDeposits: toNumber(g.NetDeposits),
      netProfit: toNumber(g.NetProfit),
      totalSaved: toNumber(g.TotalSaved),
    })),
    fetchedAt,
  };
}

export function toInvestment(dto: MyInvestmentItemDto): Investment {
  return {
    id: dto.LoanPartId,
    loanPartId: dto.LoanPartId,
    amount: toNumber(dto.Amount),
    auctionId: toText(dto.AuctionId),
    auctionName: toText(dto.AuctionName),
    auctionNumber: toInteger(dto.AuctionNumber),
    auctionBidNumber: toInteger(dto.AuctionBidNumber),
    investmentNumber: toText(dto.InvestmentNumber),
    auctionBidType: toEnum(AUCTION_BID_TYPE, dto.AuctionBidType),
    auctionBidTypeCode: toInteger(dto.AuctionBidType),
    country: toText(dto.Country),
    creditScore: toNumber(dto.CreditScore),
    creditScoreEsMicroL: toText(dto.CreditScoreEsMicroL),
    creditScoreEsEquifaxRisk: toText(dto.CreditScoreEsEquifaxRisk),
    creditScoreFiAsiakasTietoRiskGrade: toText(dto.CreditScoreFiAsiakasTietoRiskGrade),
    creditScoreEeMini: toText(dto.CreditScoreEeMini),
    rating: toText(dto.Rating),
    interest: toNumber(dto.Interest),
    useOfLoan: toInteger(dto.UseOfLoan),
    incomeVerificationStatus: toInteger(dto.IncomeVerificationStatus),
    loanId: toText(dto.LoanId),
    loanStatus: toEnum(LOAN_STATUS, dto.LoanStatusCode),
    loanStatusCode: toInteger(dto.LoanStatusCode),
    loanStatusActiveFrom: toDateTime(dto.LoanStatusActiveFrom),
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
    purchaseDate: toDateTime(dto.PurchaseDate),
    soldDate: toDateTime(dto.SoldDate),
    purchasePrice: toNumber(dto.PurchasePrice),
    salePrice: toNumber(dto.SalePrice),
    listedInSecondMarketOn: toDateTime(dto.ListedInSecondMarketOn),
    latestDebtManagementStage: toInteger(dto.LatestDebtManagementStage),
    latestDebtManagementSubStage: toInteger(dto.LatestDebtManagementSubStage),
    latestDebtManagementStageType: toInteger(dto.LatestDebtManagementStageType),
    latestDebtManagementDate: toDateTime(dto.LatestDebtManagementDate),
    noteLoanTransfersMainAmount: toNumber(dto.NoteLoanTransfersMainAmount),
    noteLoanTransfersInterestAmount: toNumber(dto.NoteLoanTransfersInterestAmount),
    noteLoanLateChargesPaid: toNumber(dto.NoteLoanLateChargesPaid),
    noteLoanTransfersEarningsAmount: toNumber(dto.NoteLoanTransfersEarningsAmount),
    noteLoanTransfersTotalRepaymentsAmount: toNumber(dto.NoteLoanTransfersTotalRepaimentsAmount),
    boughtFromId: toText(dto.BoughtFromId),
  };
}

export function toAccountEvent(dto: EventLogItemDto): AccountEvent {
  return {
    eventDate: toDateTime(dto.EventDate),
    eventType: toEnum(EVENT_TYPE, dto.EventType),
    eventTypeCode: toInteger(dto.EventType),
    ipAddress: toText(dto.IpAddress),
    data: parseData(dto.Data),
  };
}

/** Bondora sends the logged request as a JSON string; one that does not parse stays that string. */
function parseData(data: string | null | undefined): unknown {
  if (typeof data !== 'string') return null;
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return data;
  }
}
