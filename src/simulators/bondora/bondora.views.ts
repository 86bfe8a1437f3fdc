import type {
  DebtManagementEventDto,
  LoanPartDetailsDto,
  LoanTransferDto,
  MyInvestmentItemDto,
  ScheduledPaymentDto,
  SecondMarketItemDto,
  SecondMarketItemSummaryDto,
} from '../../upstream/bondora/bondora.dto.js';
import { partSchedule, type SimHolding, type SimLoanPart, type SimMarketItem, type SimPayment } from './bondora.portfolio.js';
import { DAY_MS, dateOrNull, round2 } from './bondora.values.js';

// The simulator's loan parts, holdings and market items as Bondora serializes them (swagger key
// order), with every figure taken at the seed's instant: amounts are the part's share of its loan.

/** Bondora charges the buyer (and the seller) 1.5 % of the price on a secondary-market trade. */
export const MARKET_FEE_RATE = 0.015;
/** An item stays listed for at most 30 days. */
const LISTING_DAYS = 30;

interface Figures {
  schedule: SimPayment[];
  principalRepaid: number;
  interestRepaid: number;
  principalRemaining: number;
  principalLate: number;
  interestLate: number;
  penaltyLate: number;
  next: SimPayment | undefined;
  lastPaidMs: number | null;
  /** Unpaid principal and interest of every row, plus late charges. */
  outstanding: number;
  unpaidRows: number;
}

const figuresCache = new WeakMap<SimLoanPart, Figures>();

/** The part's figures at `baseMs` (cached: a part's schedule never changes, only its owner). */
export function figuresOf(part: SimLoanPart, baseMs: number): Figures {
  const cached = figuresCache.get(part);
  if (cached) return cached;
  const schedule = partSchedule(part);
  let principalRepaid = 0;
  let interestRepaid = 0;
  let principalLate = 0;
  let interestLate = 0;
  let outstanding = 0;
  let unpaidRows = 0;
  let lastPaidMs: number | null = null;
  for (const row of schedule) {
    if (row.paidMs !== null) {
      principalRepaid += row.principal;
      interestRepaid += row.interest;
      lastPaidMs = Math.max(lastPaidMs ?? 0, row.paidMs);
      continue;
    }
    unpaidRows++;
    outstanding += row.principal + row.interest;
    if (row.ms <= baseMs) {
      principalLate += row.principal;
      interestLate += row.interest;
    }
  }
  const penaltyLate = round2(principalLate * part.loan.penaltyRate);
  const figures: Figures = {
    schedule,
    principalRepaid: round2(principalRepaid),
    interestRepaid: round2(interestRepaid),
    principalRemaining: round2(part.amount - principalRepaid),
    principalLate: round2(principalLate),
    interestLate: round2(interestLate),
    penaltyLate,
    next: schedule.find((row) => row.ms > baseMs),
    lastPaidMs,
    outstanding: round2(outstanding + penaltyLate),
    unpaidRows,
  };
  figuresCache.set(part, figures);
  return figures;
}

/** Principal, interest and late charges the holder received since they bought the part. */
function receivedBy(figures: Figures, sinceMs: number): { principal: number; interest: number; late: number } {
  let principal = 0;
  let interest = 0;
  for (const row of figures.schedule) {
    if (row.paidMs === null || row.paidMs < sinceMs) continue;
    principal += row.principal;
    interest += row.interest;
  }
  return { principal: round2(principal), interest: round2(interest), late: 0 };
}

export function investmentNumber(part: SimLoanPart): string {
  return `${part.loan.auctionNumber}-${part.bidNumber}`;
}

function auctionName(part: SimLoanPart): string {
  return `Loan ${part.loan.auctionNumber}`;
}

export function investmentItem(holding: SimHolding, baseMs: number, listing: SimMarketItem | undefined): MyInvestmentItemDto {
  const { part } = holding;
  const loan = part.loan;
  const f = figuresOf(part, baseMs);
  const own = receivedBy(f, holding.purchaseMs);
  const late = round2(f.principalLate + f.interestLate + f.penaltyLate);
  return {
    LoanPartId: part.id,
    Amount: part.amount,
    AuctionId: loan.auctionId,
    AuctionName: auctionName(part),
    AuctionNumber: loan.auctionNumber,
    AuctionBidNumber: part.bidNumber,
    InvestmentNumber: investmentNumber(part),
    AuctionBidType: holding.bidType,
    Country: loan.country,
    CreditScore: null,
    CreditScoreEsMicroL: loan.creditScoreEsMicroL,
    CreditScoreEsEquifaxRisk: loan.creditScoreEsEquifaxRisk,
    CreditScoreFiAsiakasTietoRiskGrade: loan.creditScoreFiAsiakasTietoRiskGrade,
    CreditScoreEeMini: loan.creditScoreEeMini,
    Rating: loan.rating,
    Interest: loan.interest,
    UseOfLoan: loan.useOfLoan,
    IncomeVerificationStatus: loan.incomeVerificationStatus,
    LoanId: loan.loanId,
    LoanStatusCode: loan.statusCode,
    LoanStatusActiveFrom: dateOrNull(loan.statusSinceMs),
    UserName: loan.userName,
    Gender: loan.gender,
    DateOfBirth: loan.dateOfBirth,
    SignedDate: dateOrNull(loan.signedMs),
    ReScheduledOn: dateOrNull(loan.reScheduledMs),
    DebtOccuredOn: dateOrNull(loan.debtMs),
    DebtOccuredOnForSecondary: dateOrNull(loan.debtMs),
    LoanDuration: loan.duration,
    NextPaymentNr: f.next?.nr ?? null,
    NextPaymentDate: dateOrNull(f.next?.ms),
    NextPaymentSum: f.next ? round2(f.next.principal + f.next.interest) : null,
    NrOfScheduledPayments: loan.duration,
    LastPaymentDate: dateOrNull(f.lastPaidMs),
    PrincipalRepaid: f.principalRepaid,
    InterestRepaid: f.interestRepaid,
    LateAmountPaid: 0,
    PrincipalRemaining: f.principalRemaining,
    PrincipalLateAmount: f.principalLate,
    InterestLateAmount: f.interestLate,
    PenaltyLateAmount: f.penaltyLate,
    LateAmountTotal: late,
    PrincipalWriteOffAmount: 0,
    InterestWriteOffAmount: 0,
    PenaltyWriteOffAmount: 0,
    DebtServicingCostMainAmount: 0,
    DebtServicingCostInterestAmount: 0,
    DebtServicingCostPenaltyAmount: 0,
    PurchaseDate: dateOrNull(holding.purchaseMs),
    SoldDate: dateOrNull(holding.soldMs),
    PurchasePrice: holding.purchasePrice,
    SalePrice: holding.salePrice,
    ListedInSecondMarketOn: dateOrNull(listing?.listedMs),
    LatestDebtManagementStage: loan.stage?.stage ?? null,
    LatestDebtManagementSubStage: loan.stage?.subStage ?? null,
    LatestDebtManagementStageType: loan.stage?.type ?? null,
    LatestDebtManagementDate: dateOrNull(loan.stage?.ms),
    NoteLoanTransfersMainAmount: own.principal,
    NoteLoanTransfersInterestAmount: own.interest,
    NoteLoanLateChargesPaid: own.late,
    NoteLoanTransfersEarningsAmount: round2(own.interest + own.late),
    NoteLoanTransfersTotalRepaimentsAmount: round2(own.principal + own.interest + own.late),
    BoughtFromId: holding.boughtFromId,
  };
}

/** `holding`: the current owner's record (undefined for a part held outside the simulator). */
export function loanPartDetails(part: SimLoanPart, holding: SimHolding | undefined, baseMs: number): LoanPartDetailsDto {
  const loan = part.loan;
  const f = figuresOf(part, baseMs);
  const own = receivedBy(f, holding?.purchaseMs ?? loan.signedMs);
  const last = f.schedule[f.schedule.length - 1];
  return {
    LoanPartId: part.id,
    Amount: part.amount,
    AuctionId: loan.auctionId,
    AuctionName: auctionName(part),
    AuctionNumber: loan.auctionNumber,
    AuctionBidNumber: part.bidNumber,
    InvestmentNumber: investmentNumber(part),
    Country: loan.country,
    CreditScore: null,
    CreditScoreEsMicroL: loan.creditScoreEsMicroL,
    CreditScoreEsEquifaxRisk: loan.creditScoreEsEquifaxRisk,
    CreditScoreFiAsiakasTietoRiskGrade: loan.creditScoreFiAsiakasTietoRiskGrade,
    CreditScoreEeMini: loan.creditScoreEeMini,
    Rating: loan.rating,
    InitialInterest: loan.initialInterest,
    Interest: loan.interest,
    RescheduledInterest: loan.rescheduledInterest,
    UseOfLoan: loan.useOfLoan,
    IncomeVerificationStatus: loan.incomeVerificationStatus,
    LoanId: loan.loanId,
    LoanStatusCode: loan.statusCode,
    UserName: loan.userName,
    Gender: loan.gender,
    DateOfBirth: loan.dateOfBirth,
    SignedDate: dateOrNull(loan.signedMs),
    ReScheduledOn: dateOrNull(loan.reScheduledMs),
    DebtOccuredOn: dateOrNull(loan.debtMs),
    DebtOccuredOnForSecondary: dateOrNull(loan.debtMs),
    LoanDuration: loan.duration,
    NextPaymentNr: f.next?.nr ?? null,
    NextPaymentDate: dateOrNull(f.next?.ms),
    NextPaymentSum: f.next ? round2(f.next.principal + f.next.interest) : null,
    NrOfScheduledPayments: loan.duration,
    LastPaymentDate: dateOrNull(last?.ms),
    PrincipalRepaid: f.principalRepaid,
    InterestRepaid: f.interestRepaid,
    LateAmountPaid: 0,
    PrincipalRemaining: f.principalRemaining,
    PrincipalLateAmount: f.principalLate,
    InterestLateAmount: f.interestLate,
    PenaltyLateAmount: f.penaltyLate,
    LateAmountTotal: round2(f.principalLate + f.interestLate + f.penaltyLate),
    PrincipalWriteOffAmount: 0,
    InterestWriteOffAmount: 0,
    PenaltyWriteOffAmount: 0,
    WriteOffTotal: 0,
    DebtServicingCostMainAmount: 0,
    DebtServicingCostInterestAmount: 0,
    DebtServicingCostPenaltyAmount: 0,
    DebtServicingCostTotal: 0,
    RepaidPrincipalCurrentOwner: own.principal,
    RepaidInterestsCurrentOwner: own.interest,
    LateChargesPaidCurrentOwner: own.late,
    RepaidTotalCurrentOwner: round2(own.principal + own.interest + own.late),
    TotalRepaid: round2(f.principalRepaid + f.interestRepaid),
    DebtManagmentEvents: debtEvents(part),
    LoanTransfers: loanTransfers(f),
    ScheduledPayments: scheduledPayments(f),
  };
}

/** Price, fee and total cost of buying the item now. */
export function pricing(item: SimMarketItem, baseMs: number): { price: number; fee: number; totalCost: number } {
  const price = round2(figuresOf(item.part, baseMs).principalRemaining * (1 + item.rate / 100));
  const fee = round2(price * MARKET_FEE_RATE);
  return { price, fee, totalCost: round2(price + fee) };
}

/** `webhook`: with the webhook-only arrays (null in API answers). */
export function marketItem(item: SimMarketItem, baseMs: number, webhook = false): SecondMarketItemDto {
  const { part } = item;
  const loan = part.loan;
  const f = figuresOf(part, baseMs);
  const { price, fee, totalCost } = pricing(item, baseMs);
  return {
    Id: item.id,
    LoanPartId: part.id,
    Amount: part.amount,
    AuctionId: loan.auctionId,
    AuctionName: auctionName(part),
    AuctionNumber: loan.auctionNumber,
    AuctionBidNumber: part.bidNumber,
    InvestmentNumber: investmentNumber(part),
    Country: loan.country,
    CreditScore: null,
    Rating: loan.rating,
    Interest: loan.interest,
    UseOfLoan: loan.useOfLoan,
    IncomeVerificationStatus: loan.incomeVerificationStatus,
    LoanStatusCode: loan.statusCode,
    LoanStatusActiveFrom: dateOrNull(loan.statusSinceMs),
    LatestDebtManagementStageType: loan.stage?.type ?? null,
    LatestDebtManagementDate: dateOrNull(loan.stage?.ms),
    UserName: loan.userName,
    Gender: loan.gender,
    DateOfBirth: loan.dateOfBirth,
    SignedDate: dateOrNull(loan.signedMs),
    ReScheduledOn: dateOrNull(loan.reScheduledMs),
    DebtOccuredOn: dateOrNull(loan.debtMs),
    DebtOccuredOnForSecondary: dateOrNull(loan.debtMs),
    NextPaymentNr: f.next?.nr ?? null,
    NextPaymentDate: dateOrNull(f.next?.ms),
    NextPaymentSum: f.next ? round2(f.next.principal + f.next.interest) : null,
    NrOfScheduledPayments: loan.duration,
    LastPaymentDate: dateOrNull(f.lastPaidMs),
    PrincipalRepaid: f.principalRepaid,
    InterestRepaid: f.interestRepaid,
    LateAmountPaid: 0,
    PrincipalRemaining: f.principalRemaining,
    PrincipalLateAmount: f.principalLate,
    InterestLateAmount: f.interestLate,
    PenaltyLateAmount: f.penaltyLate,
    LateAmountTotal: round2(f.principalLate + f.interestLate + f.penaltyLate),
    PrincipalWriteOffAmount: 0,
    InterestWriteOffAmount: 0,
    PenaltyWriteOffAmount: 0,
    DebtServicingCostMainAmount: 0,
    DebtServicingCostInterestAmount: 0,
    DebtServicingCostPenaltyAmount: 0,
    Price: price,
    Fee: fee,
    TotalCost: totalCost,
    OutstandingPayments: f.outstanding,
    DesiredDiscountRate: item.rate,
    Xirr: xirr(item, f),
    ListedOnDate: dateOrNull(item.listedMs),
    DebtManagmentEvents: webhook ? debtEvents(part) : null,
    LoanTransfers: webhook ? loanTransfers(f) : null,
    ScheduledPayments: webhook ? scheduledPayments(f) : null,
  };
}

export function itemSummary(item: SimMarketItem): SecondMarketItemSummaryDto {
  return {
    Id: item.id,
    Number: item.number,
    StartDate: dateOrNull(item.listedMs),
    PlannedCloseDate: dateOrNull(item.listedMs + LISTING_DAYS * DAY_MS),
    ActualCloseDate: dateOrNull(item.closedMs),
    UserCancelledOn: dateOrNull(item.cancelledMs),
    LoanPart_id: item.part.id,
    DesiredDiscountRate: item.rate,
    DesiredDiscountRateDecimalFraction: item.rate / 100,
    StatusCode: item.status,
  };
}

/**
 * A rough yield for the buyer: the loan's rate, plus the discount spread over the half-life of the
 * remaining schedule, less a haircut for late loans. Bondora's exact XIRR needs cash-flow dates we
 * do not model past the snapshot.
 */
function xirr(item: SimMarketItem, f: Figures): number {
  const halfLifeYears = Math.max(1, f.unpaidRows) / 24;
  const late = item.part.loan.statusCode === 5 ? 25 : item.part.loan.statusCode === 100 ? 5 : 0;
  return round2(item.part.loan.interest - item.rate / halfLifeYears - late);
}

function debtEvents(part: SimLoanPart): DebtManagementEventDto[] {
  return part.loan.debtEvents.map((e) => ({ CreatedOn: dateOrNull(e.ms), EventType: e.type, Description: e.description }));
}

function loanTransfers(f: Figures): LoanTransferDto[] {
  return f.schedule
    .filter((row) => row.paidMs !== null)
    .map((row) => ({
      Date: dateOrNull(row.paidMs),
      PrincipalAmount: row.principal,
      InterestAmount: row.interest,
      InterestAmountCarriedOver: 0,
      PenaltyAmountCarriedOver: 0,
      TotalAmount: round2(row.principal + row.interest),
    }));
}

function scheduledPayments(f: Figures): ScheduledPaymentDto[] {
  return f.schedule.map((row) => ({
    ScheduledDate: dateOrNull(row.ms),
    PrincipalAmount: row.principal,
    PrincipalAmountLeft: row.left,
    InterestAmount: row.interest,
    IntrestAmountCarriedOver: 0,
    PenaltyAmountCarriedOver: 0,
    TotalAmount: round2(row.principal + row.interest),
  }));
}
