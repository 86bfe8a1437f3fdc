import { ArgsType, Field, InputType, Int } from 'type-graphql';
import { ForwardConnectionArgs } from '../pagination/connection.args.type.js';
import type { AuctionRequestDto } from '../../upstream/bondora/bondora.dto.js';
import { badUserInput } from '../error.mapper.js';
import { DateTimeScalar, DecimalScalar } from '../scalar.type.js';

const RATINGS = ['AA', 'A', 'B', 'C', 'D', 'E', 'F', 'HR'];

@InputType({ description: 'Filters of the active-auctions list; all optional, combined with AND.' })
export class AuctionFilter {
  @Field(() => [String], { nullable: true, description: 'ISO-3166 alpha-2 codes, e.g. ["EE", "FI"].' })
  countries?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Any of AA, A, B, C, D, E, F, HR.' })
  ratings?: string[] | null;

  @Field(() => [Int], { nullable: true, description: 'Loan durations in months (Bondora Terms), e.g. [12, 24].' })
  loanDurations?: number[] | null;

  @Field(() => Int, { nullable: true })
  appliedAmountMin?: number | null;

  @Field(() => Int, { nullable: true })
  appliedAmountMax?: number | null;

  @Field(() => DecimalScalar, { nullable: true })
  interestMin?: string | null;

  @Field(() => DecimalScalar, { nullable: true })
  interestMax?: string | null;

  @Field(() => Int, { nullable: true })
  ageMin?: number | null;

  @Field(() => Int, { nullable: true })
  ageMax?: number | null;

  @Field(() => DateTimeScalar, { nullable: true })
  listedOnFrom?: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  listedOnTo?: Date | null;
}

@ArgsType()
export class AuctionsArgs extends ForwardConnectionArgs {
  @Field(() => AuctionFilter, { nullable: true })
  filter?: AuctionFilter | null;
}

function range<T extends number | string | Date>(min: T | null | undefined, max: T | null | undefined, name: string): void {
  if (min === null || min === undefined || max === null || max === undefined) return;
  const a = min instanceof Date ? min.getTime() : Number(min);
  const b = max instanceof Date ? max.getTime() : Number(max);
  if (a > b) throw badUserInput(`filter.${name}Min must not be greater than filter.${name}Max`, `filter.${name}`);
}

function nonNegative(value: number | null | undefined, name: string): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (value < 0) throw badUserInput(`filter.${name} must not be negative, got ${value}`, `filter.${name}`);
  return value;
}

/** Validates the filter and writes it as Bondora's AuctionRequest query. */
export function toAuctionRequest(filter: AuctionFilter | null | undefined): AuctionRequestDto {
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
  if (filter.loanDurations?.some((m) => m < 1 || m > 120)) {
    throw badUserInput('filter.loanDurations takes months between 1 and 120', 'filter.loanDurations');
  }
  range(filter.appliedAmountMin, filter.appliedAmountMax, 'appliedAmount');
  range(filter.interestMin, filter.interestMax, 'interest');
  range(filter.ageMin, filter.ageMax, 'age');
  range(filter.listedOnFrom, filter.listedOnTo, 'listedOn');
  return {
    Countries: countries,
    Ratings: ratings,
    Terms: filter.loanDurations ?? undefined,
    SumMin: nonNegative(filter.appliedAmountMin, 'appliedAmountMin'),
    SumMax: nonNegative(filter.appliedAmountMax, 'appliedAmountMax'),
    InterestMin: filter.interestMin ? Number(filter.interestMin) : undefined,
    InterestMax: filter.interestMax ? Number(filter.interestMax) : undefined,
    AgeMin: nonNegative(filter.ageMin, 'ageMin'),
    AgeMax: nonNegative(filter.ageMax, 'ageMax'),
    ListedOnUTCFrom: filter.listedOnFrom?.toISOString(),
    ListedOnUTCTo: filter.listedOnTo?.toISOString(),
  };
}
