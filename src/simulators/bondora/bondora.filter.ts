import type {
  AuctionDto,
  BidSummaryDto,
  EventLogItemDto,
  MyInvestmentItemDto,
  SecondMarketItemDto,
} from '../../upstream/bondora/bondora.dto.js';
import { BondoraBadRequest, bindGuid, type BondoraQuery } from './bondora.query.js';

// Filters of the paged lists: GET /auctions (AuctionRequest), /bids (ApiBidSummariesRequest),
// /account/investments (MyInvestmentsRequest), /secondarymarket (SecondMarketRequest) and /eventlog
// (EventLogRequest). Every key is bound eagerly so a malformed value is a 400 even when another
// filter already excludes everything.

type Predicate<T> = (item: T) => boolean;

export function auctionFilter(q: BondoraQuery): Predicate<AuctionDto> {
  const tests: Predicate<AuctionDto>[] = [];
  const countries = upper(q.strs('Countries'));
  const ratings = upper(q.strs('Ratings'));
  const terms = q.ints('Terms');
  const eeMini = q.strs('CreditScoresEeMini');
  const gender = q.int('Gender');
  const loanNumber = q.int('LoanNumber');
  const userName = q.str('UserName')?.toUpperCase();
  const modelVersion = q.int('ModelVersion');
  // Obsolete since 2016-07 (no auction has a CreditScore any more); bound for validation only.
  q.int('CreditScoreMin');
  q.int('CreditScoreMax');

  if (countries) tests.push((a) => countries.includes(a.Country.toUpperCase()));
  if (ratings) tests.push((a) => ratings.includes(a.Rating.toUpperCase()));
  if (terms) tests.push((a) => terms.includes(a.LoanDuration));
  if (eeMini) tests.push((a) => a.CreditScoreEeMini !== null && eeMini.includes(a.CreditScoreEeMini));
  if (gender !== undefined) tests.push((a) => a.Gender === gender);
  if (loanNumber !== undefined) tests.push((a) => a.LoanNumber === loanNumber);
  if (userName !== undefined) tests.push((a) => a.UserName.toUpperCase() === userName);
  if (modelVersion !== undefined) tests.push((a) => a.ModelVersion === modelVersion);

  range(tests, q.int('SumMin'), q.int('SumMax'), (a) => a.AppliedAmount);
  range(tests, q.int('AgeMin'), q.int('AgeMax'), (a) => a.Age);
  range(tests, q.num('InterestMin'), q.num('InterestMax'), (a) => a.Interest);
  range(tests, q.num('IncomeTotalMin'), q.num('IncomeTotalMax'), (a) => a.IncomeTotal);
  range(tests, q.num('ExpectedLossMin'), q.num('ExpectedLossMax'), (a) => a.ExpectedLoss);
  range(tests, q.date('ListedOnUTCFrom'), q.date('ListedOnUTCTo'), (a) => dateMs(a.ListedOnUTC));
  range(tests, q.date('ApplicationDateFrom'), q.date('ApplicationDateTo'), (a) => dateMs(a.LoanApplicationStartedDate));

  return (a) => tests.every((t) => t(a));
}

export function bidFilter(q: BondoraQuery): Predicate<BidSummaryDto> {
  const tests: Predicate<BidSummaryDto>[] = [];
  // The Intro and the official sample send `bidStatus`/`startDate`/`endDate`; swagger names them BidStatusCode etc.
  const status = q.int('BidStatusCode', 'bidStatus');
  if (status !== undefined) tests.push((b) => b.StatusCode === status);
  range(tests, q.date('StartDate'), q.date('EndDate'), (b) => dateMs(b.BidRequestedDate));
  return (b) => tests.every((t) => t(b));
}

function range<T>(tests: Predicate<T>[], min: number | undefined, max: number | undefined, value: (item: T) => number | undefined): void {
  if (min !== undefined) tests.push((item) => (value(item) ?? -Infinity) >= min);
  if (max !== undefined) tests.push((item) => (value(item) ?? Infinity) <= max);
}

function upper(values: string[] | undefined): string[] | undefined {
  return values?.map((v) => v.trim().toUpperCase());
}

function dateMs(value: string | null): number | undefined {
  return value === null ? undefined : Date.parse(value);
}

/** An investment with what the filters need beyond the item itself. */
export interface InvestmentRow {
  item: MyInvestmentItemDto;
  defaultedMs: number | null;
  sold: boolean;
  onSale: boolean;
}

/** MyInvestmentsRequest. Without SalesStatus only active (unsold) investments are listed. */
export function investmentFilter(q: BondoraQuery): Predicate<InvestmentRow> {
  const tests: Predicate<InvestmentRow>[] = [];
  const countries = upper(q.strs('Countries'));
  const ratings = upper(q.strs('Ratings'));
  const statuses = q.ints('LoanStatusCode');
  const userName = q.str('UserName')?.toUpperCase();
  const verification = q.int('IncomeVerificationStatus');
  const stage = q.int('LoanDebtManagementStage');
  const stageType = q.int('LoanDebtManagementStageType');
  const bidType = q.int('AuctionBidType');
  const salesStatus = q.int('SalesStatus');
  const inRepayment = q.bool('IsInRepayment');
  // CreditScore is obsolete (null on every loan); bound for validation only.
  q.int('CreditScoreMin');
  q.int('CreditScoreMax');

  if (countries) tests.push((r) => countries.includes(r.item.Country.toUpperCase()));
  if (ratings) tests.push((r) => ratings.includes(r.item.Rating.toUpperCase()));
  if (statuses) tests.push((r) => statuses.includes(r.item.LoanStatusCode));
  if (userName !== undefined) tests.push((r) => r.item.UserName.toUpperCase() === userName);
  if (verification !== undefined) tests.push((r) => r.item.IncomeVerificationStatus === verification);
  if (stage !== undefined) tests.push((r) => r.item.LatestDebtManagementStage === stage);
  if (stageType !== undefined) tests.push((r) => r.item.LatestDebtManagementStageType === stageType);
  if (bidType !== undefined) tests.push((r) => r.item.AuctionBidType === bidType);
  if (inRepayment !== undefined) tests.push((r) => IN_REPAYMENT.includes(r.item.LoanStatusCode) === inRepayment);
  tests.push(salesStatusTest(salesStatus));

  range(tests, q.date('LoanIssuedDateFrom'), q.date('LoanIssuedDateTo'), (r) => dateMs(r.item.SignedDate));
  range(tests, q.num('PrincipalMin'), q.num('PrincipalMax'), (r) => r.item.PrincipalRemaining);
  range(tests, q.num('InterestMin'), q.num('InterestMax'), (r) => r.item.Interest);
  range(tests, q.int('LengthMin'), q.int('LengthMax'), (r) => r.item.LoanDuration);
  range(tests, q.num('LatePrincipalAmountMin'), q.num('LatePrincipalAmountMax'), (r) => r.item.PrincipalLateAmount);
  range(tests, q.date('DebtOccuredOnFrom'), q.date('DebtOccuredOnTo'), (r) => dateMs(r.item.DebtOccuredOn));
  range(tests, q.date('DebtOccuredOnForSecondaryFrom'), q.date('DebtOccuredOnForSecondaryTo'), (r) => dateMs(r.item.DebtOccuredOnForSecondary));
  range(tests, q.date('DefaultedDateFrom'), q.date('DefaultedDateTo'), (r) => r.defaultedMs ?? undefined);
  range(tests, q.date('RescheduledFrom'), q.date('RescheduledTo'), (r) => dateMs(r.item.ReScheduledOn));
  range(tests, q.date('SoldDateFrom'), q.date('SoldDateTo'), (r) => dateMs(r.item.SoldDate));
  range(tests, q.date('PurchaseDateFrom'), q.date('PurchaseDateTo'), (r) => dateMs(r.item.PurchaseDate));
  range(tests, q.date('NextPaymentDateFrom'), q.date('NextPaymentDateTo'), (r) => dateMs(r.item.NextPaymentDate));
  range(tests, q.date('LastPaymentDateFrom'), q.date('LastPaymentDateTo'), (r) => dateMs(r.item.LastPaymentDate));
  range(tests, q.date('LoanDebtManagementDateActiveFrom'), q.date('LoanDebtManagementDateActiveTo'), (r) => dateMs(r.item.LatestDebtManagementDate));

  return (r) => tests.every((t) => t(r));
}

const IN_REPAYMENT = [2, 5, 100];

/** null: every active one; 0 bought on the market; 1 sold; 2 on sale; 3 not on sale. */
function salesStatusTest(status: number | undefined): Predicate<InvestmentRow> {
  switch (status) {
    case undefined:
      return (r) => !r.sold;
    case 0:
      return (r) => !r.sold && r.item.BoughtFromId !== null;
    case 1:
      return (r) => r.sold;
    case 2:
      return (r) => !r.sold && r.onSale;
    case 3:
      return (r) => !r.sold && !r.onSale;
    default:
      return () => false;
  }
}

/** A market item with what the filters need beyond the item itself. */
export interface MarketRow {
  item: SecondMarketItemDto;
  loanDuration: number;
  defaultedMs: number | null;
  ageYears: number | null;
  /** Listed by the caller. */
  mine: boolean;
}

/** SecondMarketRequest. ShowMyItems: absent = all, true = only the caller's, false = only others'. */
export function marketFilter(q: BondoraQuery): Predicate<MarketRow> {
  const tests: Predicate<MarketRow>[] = [];
  const countries = upper(q.strs('Countries'));
  const ratings = upper(q.strs('Ratings'));
  const statuses = q.ints('LoanStatusCode');
  const userName = q.str('UserName')?.toUpperCase();
  const verification = q.int('IncomeVerificationStatus');
  const stageType = q.int('LoanDebtManagementStageType');
  const useOfLoan = q.int('UseOfLoan');
  const gender = q.int('Gender');
  const hasDebt = q.bool('HasDebt');
  const hasNewSchedule = q.bool('HasNewSchedule');
  const showMine = q.bool('ShowMyItems');
  const auctionId = q.str('AuctionId');
  const auction = auctionId === undefined ? undefined : bindGuid(auctionId);
  if (auctionId !== undefined && !auction) throw new BondoraBadRequest(`The value '${auctionId}' is not valid for AuctionId.`);
  q.int('CreditScoreMin');
  q.int('CreditScoreMax');

  if (countries) tests.push((r) => countries.includes(r.item.Country.toUpperCase()));
  if (ratings) tests.push((r) => ratings.includes(r.item.Rating.toUpperCase()));
  if (statuses) tests.push((r) => statuses.includes(r.item.LoanStatusCode));
  if (userName !== undefined) tests.push((r) => r.item.UserName.toUpperCase() === userName);
  if (verification !== undefined) tests.push((r) => r.item.IncomeVerificationStatus === verification);
  if (stageType !== undefined) tests.push((r) => r.item.LatestDebtManagementStageType === stageType);
  if (useOfLoan !== undefined) tests.push((r) => r.item.UseOfLoan === useOfLoan);
  if (gender !== undefined) tests.push((r) => r.item.Gender === gender);
  if (hasDebt !== undefined) tests.push((r) => (r.item.LateAmountTotal > 0) === hasDebt);
  if (hasNewSchedule !== undefined) tests.push((r) => (r.item.ReScheduledOn !== null) === hasNewSchedule);
  if (showMine !== undefined) tests.push((r) => r.mine === showMine);
  if (auction) tests.push((r) => r.item.AuctionId === auction);

  range(tests, q.date('LoanIssuedDateFrom'), q.date('LoanIssuedDateTo'), (r) => dateMs(r.item.SignedDate));
  range(tests, q.num('PrincipalMin'), q.num('PrincipalMax'), (r) => r.item.PrincipalRemaining);
  range(tests, q.num('InterestMin'), q.num('InterestMax'), (r) => r.item.Interest);
  range(tests, q.int('LengthMin'), q.int('LengthMax'), (r) => r.loanDuration);
  range(tests, q.num('LatePrincipalAmountMin'), q.num('LatePrincipalAmountMax'), (r) => r.item.PrincipalLateAmount);
  range(tests, q.num('PriceMin'), q.num('PriceMax'), (r) => r.item.Price);
  range(tests, q.int('AgeMin'), q.int('AgeMax'), (r) => r.ageYears ?? undefined);
  range(tests, q.date('LoanDebtManagementDateActiveFrom'), q.date('LoanDebtManagementDateActiveTo'), (r) => dateMs(r.item.LatestDebtManagementDate));
  range(tests, q.date('ListedOnDateFrom'), q.date('ListedOnDateTo'), (r) => dateMs(r.item.ListedOnDate));
  range(tests, q.date('DebtOccuredOnFrom'), q.date('DebtOccuredOnTo'), (r) => dateMs(r.item.DebtOccuredOn));
  range(tests, q.date('DebtOccuredOnForSecondaryFrom'), q.date('DebtOccuredOnForSecondaryTo'), (r) => dateMs(r.item.DebtOccuredOnForSecondary));
  range(tests, q.date('DefaultedDateFrom'), q.date('DefaultedDateTo'), (r) => r.defaultedMs ?? undefined);
  range(tests, q.date('RescheduledFrom'), q.date('RescheduledTo'), (r) => dateMs(r.item.ReScheduledOn));
  range(tests, q.date('LastPaymentDateFrom'), q.date('LastPaymentDateTo'), (r) => dateMs(r.item.LastPaymentDate));
  range(tests, q.date('NextPaymentDateFrom'), q.date('NextPaymentDateTo'), (r) => dateMs(r.item.NextPaymentDate));
  range(tests, q.num('DesiredDiscountRateMin'), q.num('DesiredDiscountRateMax'), (r) => r.item.DesiredDiscountRate);
  range(tests, q.num('XirrMin'), q.num('XirrMax'), (r) => r.item.Xirr);

  return (r) => tests.every((t) => t(r));
}

/** EventLogRequest. */
export function eventLogFilter(q: BondoraQuery): Predicate<EventLogItemDto> {
  const tests: Predicate<EventLogItemDto>[] = [];
  const type = q.int('EventType');
  const ip = q.str('IpAddress')?.trim();
  if (type !== undefined) tests.push((e) => e.EventType === type);
  if (ip !== undefined) tests.push((e) => e.IpAddress === ip);
  range(tests, q.date('EventDateFrom'), q.date('EventDateTo'), (e) => dateMs(e.EventDate));
  return (e) => tests.every((t) => t(e));
}
