import type { AuctionExtendedDto, BidSummaryDto, GoGrowAccountDto } from '../../upstream/bondora/bondora.dto.js';
import { mulberry32 } from '../sim.router.js';
import { RATING_BANDS } from './bondora.seed.js';
import {
  COUNTRIES,
  DAY_MS,
  RATINGS,
  TERMS,
  addMonths,
  between,
  dayDate,
  guid,
  hash32,
  intBetween,
  pick,
  round2,
  type Random,
} from './bondora.values.js';

// Deterministic seed of the investor side of Bondora: issued loans with their schedules and
// payments, the loan parts investors hold, and the secondary market. Everything is a snapshot at
// `baseMs`; each investor's holdings come from a stream of their own, so adding an investor (or
// an extra token) never changes another investor's data, and none of it touches the auction seed.

/** One row of a loan's repayment schedule; `paidMs` is when the borrower paid it (null: not yet). */
export interface SimPayment {
  nr: number;
  ms: number;
  principal: number;
  interest: number;
  /** Principal left after this payment. */
  left: number;
  paidMs: number | null;
}

export interface SimDebtEvent {
  ms: number;
  type: number;
  description: string;
}

export interface SimLoan {
  loanId: string;
  auctionId: string;
  auctionNumber: number;
  userName: string;
  country: string;
  rating: string;
  initialInterest: number;
  /** The current rate: the rescheduled one when the loan was rescheduled. */
  interest: number;
  rescheduledInterest: number | null;
  useOfLoan: number;
  incomeVerificationStatus: number;
  gender: number;
  dateOfBirth: string | null;
  creditScoreEsMicroL: string | null;
  creditScoreEsEquifaxRisk: string | null;
  creditScoreFiAsiakasTietoRiskGrade: string | null;
  creditScoreEeMini: string | null;
  amount: number;
  duration: number;
  signedMs: number;
  /** 2 Current, 4 Repaid, 5 60+ days overdue, 100 Overdue */
  statusCode: number;
  statusSinceMs: number;
  schedule: SimPayment[];
  /** The first unpaid due payment's date: when principal became overdue. */
  debtMs: number | null;
  defaultMs: number | null;
  reScheduledMs: number | null;
  /** Late charges owed, as a fraction of the overdue principal. */
  penaltyRate: number;
  debtEvents: SimDebtEvent[];
  stage: { stage: number; subStage: number; type: number; ms: number } | null;
}

export interface SimLoanPart {
  id: string;
  loan: SimLoan;
  /** The part's original principal. */
  amount: number;
  bidNumber: number;
  /** The investor (account) holding it now; undefined: a Bondora user outside the simulator. */
  owner: string | undefined;
}

/** One investor's investment record of a part; it stays (as sold) after the part moves on. */
export interface SimHolding {
  owner: string;
  part: SimLoanPart;
  /** 0 Manual, 1 PortfolioManager, 2 Api */
  bidType: number;
  purchaseMs: number;
  purchasePrice: number;
  /** The secondary-market item it was bought from; null for a primary-market investment. */
  boughtFromId: string | null;
  soldMs: number | null;
  salePrice: number | null;
}

export interface SimMarketItem {
  id: string;
  number: number;
  part: SimLoanPart;
  /** undefined: listed by a Bondora user outside the simulator. */
  seller: string | undefined;
  /** Whole percent; negative = discount. */
  rate: number;
  listedMs: number;
  /** 0 Created, 1 Open, 2 Successful (sold), 3 Failed (cancelled) */
  status: number;
  closedMs: number | null;
  cancelledMs: number | null;
  buyer: string | undefined;
  cancelOnPaymentReceived: boolean;
  cancelOnReschedule: boolean;
}

export interface SimAccount {
  /** Cash, including what open and pending bids hold back. */
  cash: number;
  goGrow: GoGrowAccountDto[];
}

/** A holder the seed creates a portfolio for, keyed so their data repeats per seed. */
export interface PortfolioInvestor {
  account: string;
  /** Picks the investor's own seeded stream (the investor id, or the extra token). */
  key: string;
  /** The demo investor holds enough parts that a portfolio screen pages. */
  large: boolean;
  /** Their bids; the successful ones became loan parts when their auction closed. */
  bids: BidSummaryDto[];
}

export interface PortfolioSeed {
  loans: SimLoan[];
  parts: SimLoanPart[];
  holdings: SimHolding[];
  items: SimMarketItem[];
  accounts: Map<string, SimAccount>;
  nextItemNumber: number;
}

export const SYNTHETIC_LOAN_COUNT = 420;
export const MARKET_POOL_SIZE = 240;
const HOLDINGS = { large: 140, regular: 30 };
const SOLD_PER_INVESTOR = 4;
const LISTED_PER_INVESTOR = 3;
const FIRST_ITEM_NUMBER = 2_400_000;
const NAME_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

export function createPortfolioSeed(
  seed: number,
  baseMs: number,
  closedAuctions: readonly AuctionExtendedDto[],
  investors: readonly PortfolioInvestor[],
): PortfolioSeed {
  const loanRand = mulberry32((seed ^ 0x10a45) >>> 0);
  const synthetic = Array.from({ length: SYNTHETIC_LOAN_COUNT }, () => createLoan(loanRand, baseMs));
  synthetic.sort((a, b) => a.signedMs - b.signedMs);
  let auctionNumber = 3_900_000 + intBetween(loanRand, 0, 9_999);
  for (const loan of synthetic) loan.auctionNumber = auctionNumber += intBetween(loanRand, 50, 400);
  const issued = closedAuctions.map((auction) => loanOfAuction(loanRand, baseMs, auction));
  const byAuction = new Map(issued.map((loan) => [loan.auctionId, loan]));
  const loans = [...synthetic, ...issued];
  const repaying = synthetic.filter((loan) => loan.statusCode !== 4);

  const parts: SimLoanPart[] = [];
  const holdings: SimHolding[] = [];
  const items: SimMarketItem[] = [];
  let itemNumber = FIRST_ITEM_NUMBER;

  // Other Bondora users' items: what an investor browses and buys.
  const marketRand = mulberry32((seed ^ 0x5ec0d) >>> 0);
  for (let i = 0; i < MARKET_POOL_SIZE; i++) {
    const part = createPart(marketRand, pick(marketRand, repaying), undefined);
    parts.push(part);
    items.push(createItem(marketRand, part, undefined, baseMs, itemNumber++));
  }

  const accounts = new Map<string, SimAccount>();
  for (const investor of investors) {
    const rand = mulberry32((seed ^ hash32(investor.key)) >>> 0);
    const own = (part: SimLoanPart, holding: Omit<SimHolding, 'owner' | 'part'>) => {
      parts.push(part);
      holdings.push({ owner: investor.account, part, ...holding });
    };
    const count = investor.large ? HOLDINGS.large : HOLDINGS.regular;
    const chosen = sample(rand, synthetic, count + SOLD_PER_INVESTOR);
    const active: SimLoanPart[] = [];
    chosen.forEach((loan, i) => {
      const sold = i >= count;
      const part = createPart(rand, loan, sold ? undefined : investor.account);
      const bought = rand() < 0.15 && loan.statusCode !== 4;
      const purchaseMs = bought ? between(rand, loan.signedMs + DAY_MS, baseMs - 2 * DAY_MS) : loan.signedMs;
      const rate = bought ? intBetween(rand, -12, 4) : 0;
      const purchasePrice = bought ? round2(principalLeftAt(part, purchaseMs) * (1 + rate / 100)) : part.amount;
      const soldMs = sold ? between(rand, Math.max(purchaseMs, baseMs - 120 * DAY_MS), baseMs - DAY_MS) : null;
      own(part, {
        bidType: pick(rand, [0, 1, 1, 2]),
        purchaseMs,
        purchasePrice,
        boughtFromId: bought ? guid(rand) : null,
        soldMs,
        salePrice: soldMs === null ? null : round2(principalLeftAt(part, soldMs) * (1 + intBetween(rand, -8, 3) / 100)),
      });
      if (!sold && loan.statusCode !== 4) active.push(part);
    });
    // Won bids became parts of the loans their auctions issued.
    for (const bid of investor.bids) {
      const loan = bid.StatusCode === 2 ? byAuction.get(bid.AuctionId) : undefined;
      if (!loan) continue;
      const part: SimLoanPart = { id: guid(rand), loan, amount: bid.ActualBidAmount ?? bid.RequestedBidAmount, bidNumber: intBetween(rand, 1, 400), owner: investor.account };
      own(part, { bidType: 2, purchaseMs: loan.signedMs, purchasePrice: part.amount, boughtFromId: null, soldMs: null, salePrice: null });
    }
    for (const part of sample(rand, active, LISTED_PER_INVESTOR)) {
      items.push(createItem(rand, part, investor.account, baseMs, itemNumber++));
    }
    const goGrow: GoGrowAccountDto[] = investor.large
      ? [goGrowAccount(rand, 'Go & Grow'), ...(rand() < 0.5 ? [goGrowAccount(rand, 'Go & Grow Savings')] : [])]
      : [];
    accounts.set(investor.account, { cash: round2(between(rand, investor.large ? 2500 : 600, investor.large ? 6000 : 3000)), goGrow });
  }
  return { loans, parts, holdings, items, accounts, nextItemNumber: itemNumber };
}

/** Principal of the part still outstanding at `ms` (paid instalments before it taken off). */
export function principalLeftAt(part: SimLoanPart, ms: number): number {
  let left = part.amount;
  for (const row of partSchedule(part)) if (row.paidMs !== null && row.paidMs <= ms) left -= row.principal;
  return round2(Math.max(0, left));
}

/** The loan's schedule scaled to the part: rounded per row, the last row taking the rounding rest. */
export function partSchedule(part: SimLoanPart): SimPayment[] {
  const share = part.amount / part.loan.amount;
  let given = 0;
  return part.loan.schedule.map((row, i, rows) => {
    const last = i === rows.length - 1;
    const principal = last ? round2(part.amount - given) : round2(row.principal * share);
    given = round2(given + principal);
    return { ...row, principal, interest: round2(row.interest * share), left: round2(Math.max(0, part.amount - given)) };
  });
}

function createPart(rand: Random, loan: SimLoan, owner: string | undefined): SimLoanPart {
  const amount = rand() < 0.25 ? round2(between(rand, 1, 100)) : 5 * intBetween(rand, 1, 30);
  return { id: guid(rand), loan, amount: Math.min(amount, loan.amount), bidNumber: intBetween(rand, 1, 400), owner };
}

function createItem(rand: Random, part: SimLoanPart, seller: string | undefined, baseMs: number, number: number): SimMarketItem {
  const late = part.loan.statusCode !== 2;
  return {
    id: guid(rand),
    number,
    part,
    seller,
    rate: late ? intBetween(rand, -40, -5) : pick(rand, [-10, -5, -3, -2, -1, 0, 0, 0, 1, 2, 3, 5]),
    listedMs: Math.floor(baseMs - between(rand, 0.05, 30) * DAY_MS),
    status: 1,
    closedMs: null,
    cancelledMs: null,
    buyer: undefined,
    cancelOnPaymentReceived: false,
    cancelOnReschedule: false,
  };
}

function goGrowAccount(rand: Random, name: string): GoGrowAccountDto {
  const netDeposits = round2(between(rand, 500, 20000));
  const netProfit = round2(netDeposits * between(rand, 0.01, 0.12));
  return { Name: name, NetDeposits: netDeposits, NetProfit: netProfit, TotalSaved: round2(netDeposits + netProfit) };
}

function createLoan(rand: Random, baseMs: number): SimLoan {
  const country = pick(rand, COUNTRIES);
  const rating = pick(rand, RATINGS);
  const band = RATING_BANDS[rating];
  const amount = round2(500 + Math.floor(rand() * 1900) * 5);
  const duration = pick(rand, amount > 3000 ? TERMS.slice(4) : TERMS);
  const signedMs = Math.floor(baseMs - between(rand, 20, 1640) * DAY_MS);
  const age = intBetween(rand, 21, 68);
  const loan = baseLoan(rand, {
    auctionNumber: 0,
    userName: `BO${Array.from({ length: 7 }, () => pick(rand, [...NAME_CHARS])).join('')}`,
    country,
    rating,
    interest: round2(between(rand, band.interest[0], band.interest[1])),
    incomeVerificationStatus: pick(rand, [1, 2, 3, 4, 4, 4]),
    gender: pick(rand, [0, 0, 1, 1, 2]),
    dateOfBirth: dayDate(baseMs - (age + rand()) * 365.25 * DAY_MS),
    creditScoreEsMicroL: country === 'ES' ? `M${intBetween(rand, 1, 10)}` : null,
    creditScoreEsEquifaxRisk: country === 'ES' ? pick(rand, ['AAA', 'AA', 'A', 'B', 'C', 'D']) : null,
    creditScoreFiAsiakasTietoRiskGrade: country === 'FI' ? `RL${intBetween(rand, 1, 5)}` : null,
    creditScoreEeMini: country === 'EE' ? pick(rand, ['1000', '1000', '900', '800', '700', '600', '500']) : null,
    amount,
    duration,
    signedMs,
  });
  settle(rand, loan, baseMs);
  return loan;
}

/** The loan a closed auction became, signed when it closed: too young for trouble. */
function loanOfAuction(rand: Random, baseMs: number, auction: AuctionExtendedDto): SimLoan {
  const loan = baseLoan(rand, {
    auctionNumber: auction.LoanNumber,
    userName: auction.UserName,
    country: auction.Country,
    rating: auction.Rating,
    interest: auction.Interest,
    incomeVerificationStatus: auction.VerificationType,
    gender: auction.Gender,
    dateOfBirth: auction.DateOfBirth,
    creditScoreEsMicroL: auction.CreditScoreEsMicroL,
    creditScoreEsEquifaxRisk: auction.CreditScoreEsEquifaxRisk,
    creditScoreFiAsiakasTietoRiskGrade: auction.CreditScoreFiAsiakasTietoRiskGrade,
    creditScoreEeMini: auction.CreditScoreEeMini,
    amount: Math.max(auction.WinningBidsAmount, 1),
    duration: auction.LoanDuration,
    signedMs: Date.parse(auction.ActualCloseDate ?? auction.PlannedCloseDate ?? '') || baseMs,
  });
  loan.loanId = auction.LoanId;
  loan.auctionId = auction.AuctionId;
  settle(rand, loan, baseMs, true);
  return loan;
}

type LoanBasics = Pick<
  SimLoan,
  | 'auctionNumber'
  | 'userName'
  | 'country'
  | 'rating'
  | 'interest'
  | 'incomeVerificationStatus'
  | 'gender'
  | 'dateOfBirth'
  | 'creditScoreEsMicroL'
  | 'creditScoreEsEquifaxRisk'
  | 'creditScoreFiAsiakasTietoRiskGrade'
  | 'creditScoreEeMini'
  | 'amount'
  | 'duration'
  | 'signedMs'
>;

function baseLoan(rand: Random, basics: LoanBasics): SimLoan {
  return {
    ...basics,
    loanId: guid(rand),
    auctionId: guid(rand),
    initialInterest: basics.interest,
    rescheduledInterest: null,
    // Loans issued since 2017-06 carry -1 (not used).
    useOfLoan: -1,
    statusCode: 2,
    statusSinceMs: basics.signedMs,
    schedule: annuitySchedule(basics.amount, basics.interest, basics.duration, basics.signedMs),
    debtMs: null,
    defaultMs: null,
    reScheduledMs: null,
    penaltyRate: 0,
    debtEvents: [],
    stage: null,
  };
}

function annuitySchedule(amount: number, annualPercent: number, months: number, signedMs: number): SimPayment[] {
  const r = annualPercent / 100 / 12;
  const payment = r === 0 ? amount / months : (amount * r) / (1 - Math.pow(1 + r, -months));
  const rows: SimPayment[] = [];
  let left = amount;
  for (let nr = 1; nr <= months; nr++) {
    const interest = round2(left * r);
    const principal = nr === months ? round2(left) : round2(Math.min(left, payment - interest));
    left = round2(left - principal);
    rows.push({ nr, ms: addMonths(signedMs, nr), principal, interest, left, paidMs: null });
  }
  return rows;
}

/** Pays the due instalments, leaving some loans late (100) or defaulted (5); fully paid ones are Repaid (4). */
function settle(rand: Random, loan: SimLoan, baseMs: number, young = false): void {
  const due = loan.schedule.filter((row) => row.ms <= baseMs);
  const roll = rand();
  let missed = 0;
  if (due.length === loan.schedule.length) {
    loan.statusCode = 4;
  } else if (!young && roll < 0.1 && due.length >= 4) {
    loan.statusCode = 5;
    missed = Math.min(due.length - 1, intBetween(rand, 3, 6));
  } else if (!young && roll < 0.22 && due.length >= 2) {
    loan.statusCode = 100;
    missed = 1;
  }
  const paid = due.slice(0, due.length - missed);
  for (const row of paid) row.paidMs = Math.min(baseMs, Math.floor(row.ms + intBetween(rand, 0, 3) * DAY_MS));
  const firstMissed = due[due.length - missed];
  if (firstMissed) {
    loan.debtMs = firstMissed.ms;
    loan.penaltyRate = Math.round(between(rand, 0.01, 0.06) * 10000) / 10000;
  }
  if (loan.statusCode === 4) {
    loan.statusSinceMs = paid[paid.length - 1]?.paidMs ?? loan.signedMs;
  } else if (loan.statusCode === 100) {
    loan.statusSinceMs = loan.debtMs!;
    loan.debtEvents = [{ ms: loan.debtMs! + 3 * DAY_MS, type: 15, description: 'Debt notification e-mail sent' }];
  } else if (loan.statusCode === 5) {
    const debtMs = loan.debtMs!;
    loan.statusSinceMs = debtMs + 60 * DAY_MS;
    loan.defaultMs = debtMs + 60 * DAY_MS;
    const events: SimDebtEvent[] = [
      { ms: debtMs + 3 * DAY_MS, type: 15, description: 'Debt notification e-mail sent' },
      { ms: debtMs + 10 * DAY_MS, type: 24, description: 'Debt notification SMS sent' },
      { ms: debtMs + 20 * DAY_MS, type: 23, description: 'Call made' },
      { ms: debtMs + 30 * DAY_MS, type: 30, description: 'In-house collection' },
      { ms: debtMs + 60 * DAY_MS, type: 16, description: 'Loan defaulted' },
    ];
    loan.debtEvents = events.filter((e) => e.ms <= baseMs);
  } else if (!young && rand() < 0.06 && paid.length >= 2) {
    // A rescheduled loan: a new, lower rate from a date after signing (the schedule keeps its rows).
    loan.reScheduledMs = Math.floor(between(rand, loan.signedMs + 30 * DAY_MS, baseMs - DAY_MS));
    loan.rescheduledInterest = round2(loan.interest * between(rand, 0.5, 0.9));
    loan.interest = loan.rescheduledInterest;
  }
  const last = loan.debtEvents[loan.debtEvents.length - 1];
  if (last) loan.stage = { stage: last.type, subStage: intBetween(rand, 1, 33), type: loan.statusCode === 5 ? 2 : 1, ms: last.ms };
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
