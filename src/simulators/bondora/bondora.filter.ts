import type { AuctionDto, BidSummaryDto } from '../../upstream/bondora/bondora.dto.js';
import type { BondoraQuery } from './bondora.query.js';

// Filters of GET /auctions (AuctionRequest) and GET /bids (ApiBidSummariesRequest). Every key is
// bound eagerly so a malformed value is a 400 even when another filter already excludes everything.

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
