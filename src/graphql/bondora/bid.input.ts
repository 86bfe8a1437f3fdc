import { ArgsType, Field, ID, InputType } from 'type-graphql';
import { ForwardConnectionArgs } from '../pagination/connection.args.type.js';
import { BONDORA_MAX_BIDS_PER_REQUEST, type BidDto, type BidSummariesRequestDto } from '../../upstream/bondora/bondora.dto.js';
import { badUserInput } from '../error.mapper.js';
import { requireUuid } from '../id.input.js';
import { DateTimeScalar, DecimalScalar } from '../scalar.type.js';
import { BID_STATUS_CODE } from './bondora.mapper.js';
import { BidStatus } from './bid.type.js';

@InputType({ description: "Filters of the investor's bids." })
export class BidFilter {
  @Field(() => BidStatus, { nullable: true })
  status?: BidStatus | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Bids requested at or after this instant.' })
  startDate?: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Bids requested at or before this instant.' })
  endDate?: Date | null;
}

@ArgsType()
export class BidsArgs extends ForwardConnectionArgs {
  @Field(() => BidFilter, { nullable: true })
  filter?: BidFilter | null;
}

export function toBidsRequest(filter: BidFilter | null | undefined): BidSummariesRequestDto {
  if (!filter) return {};
  if (filter.startDate && filter.endDate && filter.startDate > filter.endDate) {
    throw badUserInput('filter.startDate must not be after filter.endDate', 'filter.startDate');
  }
  return {
    BidStatusCode: filter.status ? BID_STATUS_CODE[filter.status] : undefined,
    StartDate: filter.startDate?.toISOString(),
    EndDate: filter.endDate?.toISOString(),
  };
}

@InputType()
export class BidInput {
  @Field(() => ID)
  auctionId!: string;

  @Field(() => DecimalScalar, { description: 'Amount in EUR, e.g. "25" or "12.50".' })
  amount!: string;

  @Field(() => DecimalScalar, { nullable: true, description: 'Smallest acceptable amount if the auction cannot take all of it.' })
  minAmount?: string | null;
}

@InputType()
export class PlaceBidsInput {
  @Field(() => [BidInput])
  bids!: BidInput[];
}

const MONEY = /^\d+(\.\d{1,2})?$/;

/** Validates every bid before anything is sent; Bondora rejects the whole batch on one bad item anyway. */
export function toBidRequest(input: PlaceBidsInput): BidDto[] {
  if (input.bids.length === 0) throw badUserInput('input.bids must hold at least one bid', 'input.bids');
  if (input.bids.length > BONDORA_MAX_BIDS_PER_REQUEST) {
    throw badUserInput(`input.bids holds at most ${BONDORA_MAX_BIDS_PER_REQUEST} bids, got ${input.bids.length}`, 'input.bids');
  }
  return input.bids.map((bid, i) => {
    const field = `input.bids[${i}]`;
    const auctionId = requireUuid(bid.auctionId, `${field}.auctionId`);
    if (!MONEY.test(bid.amount) || Number(bid.amount) <= 0) {
      throw badUserInput(`${field}.amount must be a positive amount with at most 2 decimals, got "${bid.amount}"`, `${field}.amount`);
    }
    const dto: BidDto = { AuctionId: auctionId, Amount: Number(bid.amount) };
    if (bid.minAmount !== null && bid.minAmount !== undefined) {
      if (!MONEY.test(bid.minAmount) || Number(bid.minAmount) > Number(bid.amount)) {
        throw badUserInput(`${field}.minAmount must be a non-negative amount no greater than amount`, `${field}.minAmount`);
      }
      dto.MinAmount = Number(bid.minAmount);
    }
    return dto;
  });
}
