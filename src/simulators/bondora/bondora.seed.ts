import type {
  AuctionExtendedDto,
  BidSummaryDto,
  BorrowerHistoryDto,
  DebtDto,
  LiabilityDto,
} from '../../upstream/bondora/bondora.dto.js';
import { mulberry32 } from '../sim.router.js';
import {
  COUNTRIES,
  DAY_MS,
  HOUR_MS,
  RATINGS,
  TERMS,
  between,
  compareText,
  dayDate,
  guid,
  intBetween,
  pick,
  round2,
  round4,
  seededDate,
  type Random,
} from './bondora.values.js';

// Deterministic seed data for the Bondora simulator. Every id, amount and enum comes from the
// seeded PRNG; dates are offsets from `baseMs` so active auctions stay open whenever it runs.

export interface BondoraSeed {
  activeAuctions: AuctionExtendedDto[];
  closedAuctions: AuctionExtendedDto[];
  /** The demo investor's bids, BidRequestedDate descending. */
  demoBids: BidSummaryDto[];
  /** A handful of bids for each further investor, in the order asked for, each list BidRequestedDate descending. */
  otherInvestorBids: BidSummaryDto[][];
}

export const ACTIVE_AUCTION_COUNT = 240;
export const CLOSED_AUCTION_COUNT = 48;

type Country = (typeof COUNTRIES)[number];
type Rating = (typeof RATINGS)[number];

// Interest (percent) and expected loss (fraction) bands per rating, shaped like Bondora's scale.
export const RATING_BANDS: Record<Rating, { interest: [number, number]; loss: [number, number] }> = {
  AA: { interest: [10, 16], loss: [0.005, 0.025] },
  A: { interest: [14, 21], loss: [0.025, 0.045] },
  B: { interest: [18, 27], loss: [0.045, 0.07] },
  C: { interest: [22, 34], loss: [0.07, 0.1] },
  D: { interest: [28, 45], loss: [0.1, 0.14] },
  E: { interest: [35, 60], loss: [0.14, 0.18] },
  F: { interest: [45, 80], loss: [0.18, 0.25] },
  HR: { interest: [60, 100], loss: [0.25, 0.4] },
};

const PLACES: Record<Country, ReadonlyArray<readonly [string, string]>> = {
  EE: [['Harju', 'Tallinn'], ['Tartu', 'Tartu'], ['Ida-Viru', 'Narva'], ['Pärnu', 'Pärnu']],
  FI: [['Uusimaa', 'Helsinki'], ['Pirkanmaa', 'Tampere'], ['Varsinais-Suomi', 'Turku'], ['Pohjois-Pohjanmaa', 'Oulu']],
  ES: [['Madrid', 'Madrid'], ['Barcelona', 'Barcelona'], ['Valencia', 'Valencia'], ['Sevilla', 'Sevilla']],
  SK: [['Bratislavský', 'Bratislava'], ['Košický', 'Košice'], ['Žilinský', 'Žilina']],
};

// LanguageCode per §8: et/ru for Estonia, fi, es, sk.
const LANGUAGES: Record<Country, readonly number[]> = { EE: [1, 1, 3], FI: [4], ES: [6], SK: [9] };
const INCOME: Record<Country, [number, number]> = { EE: [700, 3200], FI: [1300, 4200], ES: [800, 2800], SK: [650, 2200] };
const REPORTERS: Record<Country, string> = { EE: 'Creditinfo', FI: 'Suomen Asiakastieto', ES: 'Equifax ASNEF', SK: 'SRBI' };
const CREDITORS = ['Swedbank', 'SEB', 'Luminor', 'Nordea', 'Santander', 'Inbank', 'Bigbank', 'Cofidis', 'Home Credit', 'Provident'];
const INDUSTRIES = ['Telecommunications', 'Banking', 'Utilities', 'Retail', 'Consumer credit'];
const EMPLOYMENT_DURATIONS = ['UpTo1Year', 'UpTo2Years', 'UpTo3Years', 'UpTo4Years', 'UpTo5Years', 'MoreThan5Years', 'TrialPeriod', 'Retiree', 'Other'];
const NAME_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

interface AuctionTiming {
  listedMs: number;
  plannedCloseMs: number;
  actualCloseMs: number | null;
  fundedFraction: number;
}

export function createBondoraSeed(seed: number, baseMs: number, otherInvestors = 0): BondoraSeed {
  const rand = mulberry32(seed);
  let loanNumber = 4_800_000 + intBetween(rand, 0, 99_999);
  const nextLoanNumber = () => (loanNumber += intBetween(rand, 1, 40));

  // Closed auctions are older, so they take the lower loan numbers.
  const closedAuctions: AuctionExtendedDto[] = [];
  for (let i = 0; i < CLOSED_AUCTION_COUNT; i++) {
    // A third were listed in the last few days and filled within hours, as popular auctions do,
    // so the investor's recent bids mix open and already-closed auctions.
    const recent = i % 3 === 0;
    const listedMs = baseMs - (recent ? between(rand, 0.5, 4) : between(rand, 16, 60)) * DAY_MS;
    const plannedCloseMs = listedMs + between(rand, 3, 14) * DAY_MS;
    const fullyFunded = recent || rand() < 0.7;
    const closeBy = Math.min(plannedCloseMs, baseMs - HOUR_MS);
    const timing: AuctionTiming = {
      listedMs,
      plannedCloseMs,
      actualCloseMs: fullyFunded ? listedMs + between(rand, 0.2, 0.95) * (closeBy - listedMs) : plannedCloseMs,
      fundedFraction: fullyFunded ? 1 : between(rand, 0.5, 0.95),
    };
    closedAuctions.push(createAuction(rand, baseMs, pick(rand, COUNTRIES), pick(rand, RATINGS), nextLoanNumber(), timing));
  }

  const activeAuctions: AuctionExtendedDto[] = [];
  for (let i = 0; i < ACTIVE_AUCTION_COUNT; i++) {
    // The first 32 walk every country × rating pair so each combination exists.
    const country = i < 32 ? COUNTRIES[i % 4]! : pick(rand, COUNTRIES);
    const rating = i < 32 ? RATINGS[Math.floor(i / 4)]! : pick(rand, RATINGS);
    const timing: AuctionTiming = {
      listedMs: baseMs - between(rand, 10 / 60, 5 * 24) * HOUR_MS,
      plannedCloseMs: baseMs + between(rand, 2, 7 * 24) * HOUR_MS,
      actualCloseMs: null,
      fundedFraction: between(rand, 0, 0.97),
    };
    activeAuctions.push(createAuction(rand, baseMs, country, rating, nextLoanNumber(), timing));
  }

  const byListing = (a: AuctionExtendedDto, b: AuctionExtendedDto) =>
    compareText(b.ListedOnUTC ?? '', a.ListedOnUTC ?? '') || compareText(a.AuctionId, b.AuctionId);
  activeAuctions.sort(byListing);
  closedAuctions.sort(byListing);

  const demoBids = createBids(rand, baseMs, activeAuctions, closedAuctions, { active: 32, closed: 20 });
  // Drawn after everything above, so the auctions and the demo investor's bids stay as they were.
  const otherInvestorBids = Array.from({ length: otherInvestors }, () =>
    createBids(rand, baseMs, activeAuctions, closedAuctions, { active: 4, closed: 2 }),
  );
  return { activeAuctions, closedAuctions, demoBids, otherInvestorBids };
}

/**
 * An auction listed at `nowMs` (what `auction.published` announces): active, nothing funded yet,
 * closing within a week, otherwise generated like the seed's.
 */
export function createPublishedAuction(rand: Random, nowMs: number, loanNumber: number): AuctionExtendedDto {
  const timing: AuctionTiming = {
    listedMs: nowMs,
    plannedCloseMs: nowMs + between(rand, 2, 7 * 24) * HOUR_MS,
    actualCloseMs: null,
    fundedFraction: 0,
  };
  return createAuction(rand, nowMs, pick(rand, COUNTRIES), pick(rand, RATINGS), loanNumber, timing);
}

function createAuction(
  rand: Random,
  baseMs: number,
  country: Country,
  rating: Rating,
  loanNumber: number,
  timing: AuctionTiming,
): AuctionExtendedDto {
  const band = RATING_BANDS[rating];
  const appliedAmount = round2(
    Math.min(10000, 500 + Math.floor(rand() * 1900) * 5 + (rand() < 0.3 ? pick(rand, [0.5, 0.25, 0.75, 0.3]) : 0)),
  );
  const interest = round2(between(rand, band.interest[0], band.interest[1]));
  // Larger loans run longer, so monthly payments stay plausible against incomes.
  const loanDuration = pick(rand, appliedAmount > 3000 ? TERMS.slice(4) : TERMS);
  const expectedLoss = round4(between(rand, band.loss[0], band.loss[1]));
  const lossGivenDefault = round4(between(rand, 0.55, 0.9));
  const monthlyPayment = annuity(appliedAmount, interest, loanDuration);
  const incomeTotal = round2(between(rand, INCOME[country][0], INCOME[country][1]));
  const liabilities = Array.from({ length: intBetween(rand, 0, 4) }, () => createLiability(rand));
  const liabilitiesTotal = round2(liabilities.reduce((sum, l) => sum + l.MonthlyPayment, 0));
  const debts = Array.from({ length: rand() < 0.65 ? 0 : intBetween(rand, 1, 2) }, () =>
    createDebt(rand, baseMs, country),
  );
  const newCreditCustomer = rand() < 0.45 ? 1 : 0;
  const age = intBetween(rand, 21, 68);
  const [county, city] = pick(rand, PLACES[country]);
  const winningBidsAmount = timing.fundedFraction >= 1 ? appliedAmount : round2(appliedAmount * timing.fundedFraction);
  const listedMs = timing.listedMs;

  // Key order is the swagger order: detail-only fields first, then every Auction field.
  return {
    Liabilities: liabilities,
    Debts: debts,
    BorrowerHistory: createHistory(rand, newCreditCustomer === 1),
    LoanId: guid(rand),
    AuctionId: guid(rand),
    LoanNumber: loanNumber,
    UserName: `BO${Array.from({ length: 7 }, () => pick(rand, [...NAME_CHARS])).join('')}`,
    NewCreditCustomer: newCreditCustomer,
    LoanApplicationStartedDate: seededDate(rand, listedMs - between(rand, 1, 72) * HOUR_MS),
    PlannedCloseDate: seededDate(rand, timing.plannedCloseMs),
    ApplicationSignedHour: intBetween(rand, 0, 23),
    ApplicationSignedWeekday: intBetween(rand, 1, 7),
    VerificationType: pick(rand, [1, 2, 3, 4, 4, 4]),
    LanguageCode: pick(rand, LANGUAGES[country]),
    Age: age,
    DateOfBirth: dayDate(baseMs - (age + rand()) * 365.25 * DAY_MS),
    Gender: pick(rand, [0, 0, 1, 1, 2]),
    Country: country,
    CreditScoreEsMicroL: country === 'ES' ? `M${intBetween(rand, 1, 10)}` : null,
    CreditScoreEsEquifaxRisk: country === 'ES' ? pick(rand, ['AAA', 'AA', 'A', 'B', 'C', 'D']) : null,
    CreditScoreFiAsiakasTietoRiskGrade: country === 'FI' ? `RL${intBetween(rand, 1, 5)}` : null,
    CreditScoreEeMini: country === 'EE' ? pick(rand, ['1000', '1000', '900', '800', '700', '600', '500']) : null,
    AppliedAmount: appliedAmount,
    Interest: interest,
    LoanDuration: loanDuration,
    County: county,
    City: city,
    Education: pick(rand, [1, 2, 3, 4, 4, 5, 5]),
    EmploymentDurationCurrentEmployer: pick(rand, EMPLOYMENT_DURATIONS),
    HomeOwnershipType: pick(rand, [1, 1, 2, 3, 4, 5, 6, 7, 8, 8, 9, 10]),
    IncomeTotal: incomeTotal,
    MonthlyPayment: monthlyPayment,
    MonthlyPaymentDay: intBetween(rand, 1, 28),
    ModelVersion: pick(rand, [5, 6, 6]),
    ExpectedLoss: expectedLoss,
    Rating: rating,
    LossGivenDefault: lossGivenDefault,
    ProbabilityOfDefault: round4(Math.min(1, expectedLoss / lossGivenDefault)),
    ExpectedReturnAlpha: round4(interest / 100 - expectedLoss),
    LiabilitiesTotal: liabilitiesTotal,
    ListedOnUTC: seededDate(rand, listedMs),
    ActualCloseDate: timing.actualCloseMs === null ? null : seededDate(rand, timing.actualCloseMs),
    WinningBidsAmount: winningBidsAmount,
    RemainingAmount: round2(appliedAmount - winningBidsAmount),
    UserBids: 0,
    UserBidAmount: 0,
    Fullfilled: round2((winningBidsAmount / appliedAmount) * 100),
    // Obsolete since 2016-07 (CreditScore, ScoringDate, EADRate, MaturityFactor, InterestRateAlpha).
    CreditScore: null,
    ScoringDate: null,
    // Auctions since 2017-06 carry -1 / 0 / null in these application fields.
    UseOfLoan: -1,
    MaritalStatus: -1,
    NrOfDependants: null,
    EmploymentStatus: -1,
    EmploymentPosition: null,
    WorkExperience: null,
    OccupationArea: -1,
    IncomeFromPrincipalEmployer: 0,
    IncomeFromPension: 0,
    IncomeFromFamilyAllowance: 0,
    IncomeFromSocialWelfare: 0,
    IncomeFromLeavePay: 0,
    IncomeFromChildSupport: 0,
    IncomeOther: 0,
    FreeCash: round2(Math.max(0, incomeTotal - liabilitiesTotal - monthlyPayment)),
    DebtToIncome: round2((liabilitiesTotal / incomeTotal) * 100),
    EADRate: null,
    MaturityFactor: null,
    InterestRateAlpha: null,
  };
}

function annuity(principal: number, annualPercent: number, months: number): number {
  const r = annualPercent / 100 / 12;
  return round2((principal * r) / (1 - Math.pow(1 + r, -months)));
}

function createLiability(rand: Random): LiabilityDto {
  // Since 2017-06 Bondora no longer classifies liabilities: not refinanced, type and collateral -1.
  return {
    IsRefinanced: false,
    TypeOfLiability: -1,
    Creditor: pick(rand, CREDITORS),
    MonthlyPayment: round2(between(rand, 15, 400)),
    Outstanding: round2(between(rand, 100, 15000)),
    CollateralType: -1,
  };
}

function createDebt(rand: Random, baseMs: number, country: Country): DebtDto {
  const startMs = baseMs - between(rand, 60, 4 * 365) * DAY_MS;
  const amount = round2(between(rand, 20, 1500));
  const ended = rand() < 0.6;
  return {
    StartDate: seededDate(rand, startMs),
    EndDate: ended ? seededDate(rand, startMs + between(rand, 20, 400) * DAY_MS) : null,
    Amount: amount.toFixed(2),
    MaxAmount: round2(amount * between(rand, 1, 1.6)).toFixed(2),
    Industry: pick(rand, INDUSTRIES),
    Reporter: REPORTERS[country],
  };
}

function createHistory(rand: Random, newCustomer: boolean): BorrowerHistoryDto {
  if (newCustomer && rand() < 0.8) {
    return { Overdue: 0, PrincipalRepaid: 0, InterestRepaid: 0, LateChargesRepaid: 0, RepaimentsTotal: 0, IssuedLoans: 0, IssuedLoanAmount: 0 };
  }
  const issuedLoans = intBetween(rand, 1, 6);
  const issuedLoanAmount = round2(issuedLoans * between(rand, 500, 4000));
  const principalRepaid = round2(issuedLoanAmount * between(rand, 0.1, 0.95));
  const interestRepaid = round2(principalRepaid * between(rand, 0.08, 0.35));
  const lateChargesRepaid = rand() < 0.7 ? 0 : round2(between(rand, 1, 80));
  return {
    Overdue: rand() < 0.85 ? 0 : round2(between(rand, 5, 300)),
    PrincipalRepaid: principalRepaid,
    InterestRepaid: interestRepaid,
    LateChargesRepaid: lateChargesRepaid,
    RepaimentsTotal: round2(principalRepaid + interestRepaid + lateChargesRepaid),
    IssuedLoans: issuedLoans,
    IssuedLoanAmount: issuedLoanAmount,
  };
}

// FailureReason codes a bid on a closed auction plausibly ended with (§8 ApiBidFailureReason).
const CLOSED_FAILURES = [1, 5, 5, 9, 11];

/** Bids (1–3 each) on `auctions.active` sampled active auctions and `auctions.closed` closed ones. */
function createBids(
  rand: Random,
  baseMs: number,
  active: AuctionExtendedDto[],
  closed: AuctionExtendedDto[],
  auctions: { active: number; closed: number },
): BidSummaryDto[] {
  const bids: BidSummaryDto[] = [];
  const bidCount = () => 1 + (rand() < 0.35 ? 1 : 0) + (rand() < 0.08 ? 1 : 0);
  const amount = () => (rand() < 0.2 ? round2(between(rand, 5, 200)) : 5 * intBetween(rand, 1, 40));

  for (const auction of sample(rand, active, auctions.active)) {
    const listedMs = Date.parse(auction.ListedOnUTC!);
    for (let n = bidCount(); n > 0; n--) {
      const roll = rand();
      const status = roll < 0.12 ? 0 : roll < 0.82 ? 1 : 4;
      const requestedMs = status === 0 ? baseMs - between(rand, 5, 90) * 1000 : between(rand, listedMs, baseMs);
      const requested = amount();
      bids.push({
        Id: guid(rand),
        AuctionId: auction.AuctionId,
        RequestedBidAmount: requested,
        ActualBidAmount: status === 0 ? null : requested,
        RequestedBidMinimumLimit: null,
        BidRequestedDate: seededDate(rand, requestedMs),
        BidProcessedDate: status === 0 ? null : seededDate(rand, requestedMs + between(rand, 1, 30) * 1000),
        IsRequestBeingProcessed: status === 0,
        StatusCode: status,
        FailureReason: 0,
      });
    }
  }

  for (const auction of sample(rand, closed, auctions.closed)) {
    const listedMs = Date.parse(auction.ListedOnUTC!);
    const closeMs = Date.parse(auction.ActualCloseDate!);
    for (let n = bidCount(); n > 0; n--) {
      const failed = rand() < 0.3;
      const requestedMs = between(rand, listedMs, closeMs - 60_000);
      const requested = amount();
      bids.push({
        Id: guid(rand),
        AuctionId: auction.AuctionId,
        RequestedBidAmount: requested,
        ActualBidAmount: failed ? null : requested,
        RequestedBidMinimumLimit: null,
        BidRequestedDate: seededDate(rand, requestedMs),
        BidProcessedDate: seededDate(rand, requestedMs + between(rand, 1, 30) * 1000),
        IsRequestBeingProcessed: false,
        StatusCode: failed ? 3 : 2,
        FailureReason: failed ? pick(rand, CLOSED_FAILURES) : 0,
      });
    }
  }

  return bids.sort(byBidDateDesc);
}

export function byBidDateDesc(a: BidSummaryDto, b: BidSummaryDto): number {
  return compareText(b.BidRequestedDate ?? '', a.BidRequestedDate ?? '') || compareText(a.Id, b.Id);
}

/** `count` distinct items in a seeded order (partial Fisher–Yates). */
function sample<T>(rand: Random, items: readonly T[], count: number): T[] {
  const copy = [...items];
  for (let i = 0; i < Math.min(count, copy.length); i++) {
    const j = i + Math.floor(rand() * (copy.length - i));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, count);
}
