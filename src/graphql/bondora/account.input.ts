import { ArgsType, Field, InputType, Int } from 'type-graphql';
import type { EventLogRequestDto, MyInvestmentsRequestDto } from '../../upstream/bondora/bondora.dto.js';
import { badUserInput } from '../error.mapper.js';
import { ForwardConnectionArgs } from '../pagination/connection.args.type.js';
import { DateTimeScalar, DecimalScalar } from '../scalar.type.js';
import { AUCTION_BID_TYPE_CODE, EVENT_TYPE_CODE, SALES_STATUS_CODE } from './account.mapper.js';
import { AccountEventType, AuctionBidType, InvestmentSalesStatus } from './account.type.js';
import { LOAN_STATUS_CODE } from './loan-part.mapper.js';
import { LoanStatus } from './loan-part.type.js';

const RATINGS = ['AA', 'A', 'B', 'C', 'D', 'E', 'F', 'HR'];

@InputType({ description: "Filters of the investor's investments; all optional, combined with AND (Bondora MyInvestmentsRequest)." })
export class InvestmentFilter {
  @Field(() => InvestmentSalesStatus, { nullable: true, description: 'Without it, only active (unsold) investments are listed.' })
  salesStatus?: InvestmentSalesStatus | null;

  @Field(() => Boolean, { nullable: true, description: 'true: loans being repaid (CURRENT, OVERDUE, OVERDUE_60_PLUS_DAYS).' })
  isInRepayment?: boolean | null;

  @Field(() => [LoanStatus], { nullable: true })
  loanStatuses?: LoanStatus[] | null;

  @Field(() => [String], { nullable: true, description: 'ISO-3166 alpha-2 codes, e.g. ["EE", "FI"].' })
  countries?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Any of AA, A, B, C, D, E, F, HR.' })
  ratings?: string[] | null;

  @Field(() => AuctionBidType, { nullable: true })
  auctionBidType?: AuctionBidType | null;

  @Field(() => String, { nullable: true, description: "The borrower's user name." })
  userName?: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'Remaining principal, at least.' })
  principalMin?: string | null;

  @Field(() => DecimalScalar, { nullable: true })
  principalMax?: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'Interest rate, percent.' })
  interestMin?: string | null;

  @Field(() => DecimalScalar, { nullable: true })
  interestMax?: string | null;

  @Field(() => Int, { nullable: true, description: 'Loan duration in months.' })
  lengthMin?: number | null;

  @Field(() => Int, { nullable: true })
  lengthMax?: number | null;

  @Field(() => DateTimeScalar, { nullable: true })
  loanIssuedDateFrom?: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  loanIssuedDateTo?: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  purchaseDateFrom?: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  purchaseDateTo?: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  soldDateFrom?: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  soldDateTo?: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  nextPaymentDateFrom?: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  nextPaymentDateTo?: Date | null;
}

@ArgsType()
export class InvestmentsArgs extends ForwardConnectionArgs {
  @Field(() => InvestmentFilter, { nullable: true })
  filter?: InvestmentFilter | null;
}

@InputType({ description: 'Filters of the event log; all optional, combined with AND (Bondora EventLogRequest).' })
export class EventLogFilter {
  @Field(() => AccountEventType, { nullable: true })
  eventType?: AccountEventType | null;

  @Field(() => DateTimeScalar, { nullable: true })
  eventDateFrom?: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  eventDateTo?: Date | null;

  @Field(() => String, { nullable: true, description: 'The IP address the write came from.' })
  ipAddress?: string | null;
}

@ArgsType()
export class AccountEventsArgs extends ForwardConnectionArgs {
  @Field(() => EventLogFilter, { nullable: true })
  filter?: EventLogFilter | null;
}

type Bound = number | string | Date | null | undefined;

function range(min: Bound, max: Bound, from: string, to: string): void {
  if (min === null || min === undefined || max === null || max === undefined) return;
  const a = min instanceof Date ? min.getTime() : Number(min);
  const b = max instanceof Date ? max.getTime() : Number(max);
  if (a > b) throw badUserInput(`filter.${from} must not be after filter.${to}`, `filter.${from}`);
}

const amount = (value: string | null | undefined): number | undefined => (value === null || value === undefined ? undefined : Number(value));
const instant = (value: Date | null | undefined): string | undefined => value?.toISOString();

/** Validates the filter and writes it as Bondora's MyInvestmentsRequest query. */
export function toInvestmentsRequest(filter: InvestmentFilter | null | undefined): MyInvestmentsRequestDto {
  if (!filter) return {};
  const countries = filter.countries?.map((c) => c.trim().toUpperCase());
  if (countries?.some((c) => !/^[A-Z]{2}$/.test(c))) {
    throw badUserInput('filter.countries takes two-letter country codes such as "EE", "FI", "ES" or "SK"', 'filter.countries');
  }
  const ratings = filter.ratings?.map((r) => r.trim().toUpperCase());
  const unknown = ratings?.find((r) => !RATINGS.includes(r));
  if (unknown !== undefined) {
    throw badUserInput(`filter.ratings: "${unknown}" is not a Bondora rating; use ${RATINGS.join(', ')}`, 'filter.ratings');
  }
  range(filter.principalMin, filter.principalMax, 'principalMin', 'principalMax');
  range(filter.interestMin, filter.interestMax, 'interestMin', 'interestMax');
  range(filter.lengthMin, filter.lengthMax, 'lengthMin', 'lengthMax');
  range(filter.loanIssuedDateFrom, filter.loanIssuedDateTo, 'loanIssuedDateFrom', 'loanIssuedDateTo');
  range(filter.purchaseDateFrom, filter.purchaseDateTo, 'purchaseDateFrom', 'purchaseDateTo');
  range(filter.soldDateFrom, filter.soldDateTo, 'soldDateFrom', 'soldDateTo');
  range(filter.nextPaymentDateFrom, filter.nextPaymentDateTo, 'nextPaymentDateFrom', 'nextPaymentDateTo');
  return {
    SalesStatus: filter.salesStatus ? SALES_STATUS_CODE[filter.salesStatus] : undefined,
    IsInRepayment: filter.isInRepayment ?? undefined,
    LoanStatusCode: filter.loanStatuses?.map((status) => LOAN_STATUS_CODE[status]),
    Countries: countries,
    Ratings: ratings,
    AuctionBidType: filter.auctionBidType ? AUCTION_BID_TYPE_CODE[filter.auctionBidType] : undefined,
    UserName: filter.userName?.trim() || undefined,
    PrincipalMin: amount(filter.principalMin),
    PrincipalMax: amount(filter.principalMax),
    InterestMin: amount(filter.interestMin),
    InterestMax: amount(filter.interestMax),
    LengthMin: filter.lengthMin ?? undefined,
    LengthMax: filter.lengthMax ?? undefined,
    LoanIssuedDateFrom: instant(filter.loanIssuedDateFrom),
    LoanIssuedDateTo: instant(filter.loanIssuedDateTo),
    PurchaseDateFrom: instant(filter.purchaseDateFrom),
    PurchaseDateTo: instant(filter.purchaseDateTo),
    SoldDateFrom: instant(filter.soldDateFrom),
    SoldDateTo: instant(filter.soldDateTo),
    NextPaymentDateFrom: instant(filter.nextPaymentDateFrom),
    NextPaymentDateTo: instant(filter.nextPaymentDateTo),
  };
}

/** Validates the filter and writes it as Bondora's EventLogRequest query. */
export function toEventLogRequest(filter: EventLogFilter | null | undefined): EventLogRequestDto {
  if (!filter) return {};
  range(filter.eventDateFrom, filter.eventDateTo, 'eventDateFrom', 'eventDateTo');
  return {
    EventType: filter.eventType ? EVENT_TYPE_CODE[filter.eventType] : undefined,
    EventDateFrom: instant(filter.eventDateFrom),
    EventDateTo: instant(filter.eventDateTo),
    IpAddress: filter.ipAddress?.trim() || undefined,
  };
}
