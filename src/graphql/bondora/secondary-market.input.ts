import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import {
  BONDORA_MAX_MARKET_ITEMS_PER_REQUEST,
  type SecondMarketRequestDto,
  type SecondMarketSaleRequestDto,
} from '../../upstream/bondora/bondora.dto.js';
import { badUserInput } from '../error.mapper.js';
import { requireUuid } from '../id.input.js';
import { ForwardConnectionArgs } from '../pagination/connection.args.type.js';
import { DateTimeScalar, DecimalScalar } from '../scalar.type.js';
import { LOAN_STATUS_CODE } from './loan-part.mapper.js';
import { LoanStatus } from './loan-part.type.js';

const RATINGS = ['AA', 'A', 'B', 'C', 'D', 'E', 'F', 'HR'];

@InputType({ description: "Filters of the secondary market (Bondora's SecondMarketRequest); all optional, combined with AND." })
export class SecondaryMarketFilter {
  @Field(() => Boolean, { nullable: true, description: 'true: only your own items; false: only other investors\'; absent: all.' })
  showMyItems?: boolean | null;

  @Field(() => ID, { nullable: true, description: "Only parts of this auction's loan." })
  auctionId?: string | null;

  @Field(() => [String], { nullable: true, description: 'ISO-3166 alpha-2 codes, e.g. ["EE", "FI"].' })
  countries?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Any of AA, A, B, C, D, E, F, HR.' })
  ratings?: string[] | null;

  @Field(() => [LoanStatus], { nullable: true, description: 'e.g. [CURRENT], or [OVERDUE, OVERDUE_60_PLUS_DAYS] for late loans.' })
  loanStatuses?: LoanStatus[] | null;

  @Field(() => Boolean, { nullable: true, description: 'true: only loans with late amounts; false: only loans without.' })
  hasDebt?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'true: only rescheduled loans.' })
  hasNewSchedule?: boolean | null;

  @Field(() => DecimalScalar, { nullable: true })
  interestMin?: string | null;

  @Field(() => DecimalScalar, { nullable: true })
  interestMax?: string | null;

  @Field(() => DecimalScalar, { nullable: true })
  priceMin?: string | null;

  @Field(() => DecimalScalar, { nullable: true })
  priceMax?: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'Remaining principal, at least.' })
  principalMin?: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'Remaining principal, at most.' })
  principalMax?: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'Whole percent; e.g. "-10" for discounts of 10 % or less.' })
  desiredDiscountRateMin?: string | null;

  @Field(() => DecimalScalar, { nullable: true })
  desiredDiscountRateMax?: string | null;

  @Field(() => DecimalScalar, { nullable: true })
  xirrMin?: string | null;

  @Field(() => DecimalScalar, { nullable: true })
  xirrMax?: string | null;

  @Field(() => Int, { nullable: true, description: 'Loan duration in months, at least.' })
  loanDurationMin?: number | null;

  @Field(() => Int, { nullable: true, description: 'Loan duration in months, at most.' })
  loanDurationMax?: number | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Listed at or after this instant.' })
  listedFrom?: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Listed at or before this instant.' })
  listedTo?: Date | null;
}

@ArgsType()
export class SecondaryMarketArgs extends ForwardConnectionArgs {
  @Field(() => SecondaryMarketFilter, { nullable: true })
  filter?: SecondaryMarketFilter | null;
}

function range(min: string | number | Date | null | undefined, max: string | number | Date | null | undefined, from: string, to: string): void {
  if (min === null || min === undefined || max === null || max === undefined) return;
  const a = min instanceof Date ? min.getTime() : Number(min);
  const b = max instanceof Date ? max.getTime() : Number(max);
  if (a > b) throw badUserInput(`filter.${from} must not be greater than filter.${to}`, `filter.${from}`);
}

const num = (value: string | null | undefined): number | undefined => (value === null || value === undefined ? undefined : Number(value));

/** Validates the filter and writes it as Bondora's SecondMarketRequest query. */
export function toSecondaryMarketRequest(filter: SecondaryMarketFilter | null | undefined): SecondMarketRequestDto {
  if (!filter) return {};
  const countries = filter.countries?.map((c) => c.trim().toUpperCase());
  if (countries?.some((c) => !/^[A-Z]{2}$/.test(c))) {
    throw badUserInput('filter.countries takes two-letter country codes such as "EE", "FI", "ES" or "SK"', 'filter.countries');
  }
  const ratings = filter.ratings?.map((r) => r.trim().toUpperCase());
  const unknown = ratings?.find((r) => !RATINGS.includes(r));
  if (unknown !== undefined) throw badUserInput(`filter.ratings: "${unknown}" is not a Bondora rating; use ${RATINGS.join(', ')}`, 'filter.ratings');
  if (filter.loanDurationMin !== null && filter.loanDurationMin !== undefined && filter.loanDurationMin < 0) {
    throw badUserInput('filter.loanDurationMin must not be negative', 'filter.loanDurationMin');
  }
  range(filter.interestMin, filter.interestMax, 'interestMin', 'interestMax');
  range(filter.priceMin, filter.priceMax, 'priceMin', 'priceMax');
  range(filter.principalMin, filter.principalMax, 'principalMin', 'principalMax');
  range(filter.desiredDiscountRateMin, filter.desiredDiscountRateMax, 'desiredDiscountRateMin', 'desiredDiscountRateMax');
  range(filter.xirrMin, filter.xirrMax, 'xirrMin', 'xirrMax');
  range(filter.loanDurationMin, filter.loanDurationMax, 'loanDurationMin', 'loanDurationMax');
  range(filter.listedFrom, filter.listedTo, 'listedFrom', 'listedTo');
  return {
    ShowMyItems: filter.showMyItems ?? undefined,
    AuctionId: filter.auctionId ? requireUuid(filter.auctionId, 'filter.auctionId') : undefined,
    Countries: countries,
    Ratings: ratings,
    LoanStatusCode: filter.loanStatuses?.map((status) => LOAN_STATUS_CODE[status]),
    HasDebt: filter.hasDebt ?? undefined,
    HasNewSchedule: filter.hasNewSchedule ?? undefined,
    InterestMin: num(filter.interestMin),
    InterestMax: num(filter.interestMax),
    PriceMin: num(filter.priceMin),
    PriceMax: num(filter.priceMax),
    PrincipalMin: num(filter.principalMin),
    PrincipalMax: num(filter.principalMax),
    DesiredDiscountRateMin: num(filter.desiredDiscountRateMin),
    DesiredDiscountRateMax: num(filter.desiredDiscountRateMax),
    XirrMin: num(filter.xirrMin),
    XirrMax: num(filter.xirrMax),
    LengthMin: filter.loanDurationMin ?? undefined,
    LengthMax: filter.loanDurationMax ?? undefined,
    ListedOnDateFrom: filter.listedFrom?.toISOString(),
    ListedOnDateTo: filter.listedTo?.toISOString(),
  };
}

// --- writes: every item is checked, and the batch bounded, before anything is sent ---------------

const LIMIT = BONDORA_MAX_MARKET_ITEMS_PER_REQUEST;

@InputType({ description: `Secondary-market items to buy: 1 to ${LIMIT} per request.` })
export class BuySecondaryMarketItemsInput {
  @Field(() => [ID], { description: `Item ids (SecondaryMarketItem.id), 1 to ${LIMIT}.` })
  itemIds!: string[];
}

@InputType({ description: `Your own secondary-market items to take off the market: 1 to ${LIMIT} per request.` })
export class CancelSecondaryMarketItemsInput {
  @Field(() => [ID], { description: `Item ids (SecondaryMarketItem.id), 1 to ${LIMIT}.` })
  itemIds!: string[];
}

@InputType()
export class SellLoanPartInput {
  @Field(() => ID, { description: 'A loan part you hold.' })
  loanPartId!: string;

  @Field(() => Int, { description: 'Whole percent on the remaining principal: negative is a discount (e.g. -5), positive a mark-up; above -100.' })
  desiredDiscountRate!: number;
}

@InputType({ description: `Loan parts to put on sale: 1 to ${LIMIT} per request.` })
export class SellLoanPartsInput {
  @Field(() => [SellLoanPartInput], { description: `1 to ${LIMIT} parts, each at most once.` })
  items!: SellLoanPartInput[];

  @Field(() => Boolean, { nullable: true, description: 'Take the items off the market when the borrower makes a payment.' })
  cancelItemOnPaymentReceived?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Take the items off the market when the loan is rescheduled.' })
  cancelItemOnReschedule?: boolean | null;
}

function checkCount(count: number, field: string, what: string): void {
  if (count === 0) throw badUserInput(`${field} must hold at least one ${what}`, field);
  if (count > LIMIT) {
    throw badUserInput(`${field} holds at most ${LIMIT} ${what}s per request (Bondora's limit), got ${count}; split it into several requests`, field);
  }
}

/** Item ids of a buy or cancel: 1 to 100 UUIDs, duplicates dropped (Bondora acts on each item once). */
export function toItemIds(ids: readonly string[], field: string): string[] {
  checkCount(ids.length, field, 'item');
  return [...new Set(ids.map((id, i) => requireUuid(id, `${field}[${i}]`)))];
}

export function toSaleRequest(input: SellLoanPartsInput): SecondMarketSaleRequestDto {
  checkCount(input.items.length, 'input.items', 'loan part');
  const seen = new Set<string>();
  const items = input.items.map((item, i) => {
    const field = `input.items[${i}]`;
    const loanPartId = requireUuid(item.loanPartId, `${field}.loanPartId`);
    if (seen.has(loanPartId)) throw badUserInput(`${field}.loanPartId names a loan part already in this sale; list each part once`, `${field}.loanPartId`);
    seen.add(loanPartId);
    if (!Number.isInteger(item.desiredDiscountRate) || item.desiredDiscountRate <= -100) {
      throw badUserInput(`${field}.desiredDiscountRate must be a whole percent above -100, got ${item.desiredDiscountRate}`, `${field}.desiredDiscountRate`);
    }
    return { LoanPartId: loanPartId, DesiredDiscountRate: item.desiredDiscountRate };
  });
  return {
    Items: items,
    ...(input.cancelItemOnPaymentReceived === null || input.cancelItemOnPaymentReceived === undefined
      ? {}
      : { CancelItemOnPaymentReceived: input.cancelItemOnPaymentReceived }),
    ...(input.cancelItemOnReschedule === null || input.cancelItemOnReschedule === undefined ? {} : { CancelItemOnReschedule: input.cancelItemOnReschedule }),
  };
}
