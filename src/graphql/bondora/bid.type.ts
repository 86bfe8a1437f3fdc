import { Directive, Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { requiresScopesOnType } from '../access.guard.js';
import { connectionType } from '../pagination/connection.type.js';
import { DateTimeScalar, DecimalScalar } from '../scalar.type.js';

export enum BidStatus {
  PENDING = 'PENDING',
  OPEN = 'OPEN',
  SUCCESSFUL = 'SUCCESSFUL',
  FAILED = 'FAILED',
  CANCELLED = 'CANCELLED',
  ACCEPTED = 'ACCEPTED',
}
registerEnumType(BidStatus, {
  name: 'BidStatus',
  description: 'Bid lifecycle (Bondora StatusCode 0..5).',
  valuesConfig: {
    PENDING: { description: 'Request queued, not processed yet.' },
    OPEN: { description: 'Bid placed; the auction is open.' },
    SUCCESSFUL: { description: 'Auction ended and the loan was issued.' },
    FAILED: { description: 'Bid failed or the auction was cancelled; see failureReason.' },
    CANCELLED: { description: 'Cancelled by the investor.' },
    ACCEPTED: { description: 'Accepted.' },
  },
});

export enum BidFailureReason {
  NOT_SET = 'NOT_SET',
  AVAILABLE_AMOUNT_LOWER_THAN_MIN_INVESTMENT_LIMIT = 'AVAILABLE_AMOUNT_LOWER_THAN_MIN_INVESTMENT_LIMIT',
  BIDDING_ON_OWN_AUCTION = 'BIDDING_ON_OWN_AUCTION',
  BIDDING_ON_INACTIVE_DUPLICATE = 'BIDDING_ON_INACTIVE_DUPLICATE',
  BIDDING_AMOUNT_TOO_SMALL = 'BIDDING_AMOUNT_TOO_SMALL',
  NOT_ENOUGH_BALANCE = 'NOT_ENOUGH_BALANCE',
  AUCTION_IS_CLOSED = 'AUCTION_IS_CLOSED',
  AUCTION_STATUS_NOT_OPEN = 'AUCTION_STATUS_NOT_OPEN',
  NO_RISK_SCORE_FOR_AUCTION = 'NO_RISK_SCORE_FOR_AUCTION',
  AUCTION_ALREADY_FULLY_BIDDED = 'AUCTION_ALREADY_FULLY_BIDDED',
  AUCTION_NOT_FOUND = 'AUCTION_NOT_FOUND',
  NOT_ENOUGH_LOAN_AMOUNT_FOR_BIDDING_AMOUNT = 'NOT_ENOUGH_LOAN_AMOUNT_FOR_BIDDING_AMOUNT',
  API_USAGE_NOT_ALLOWED = 'API_USAGE_NOT_ALLOWED',
  AUCTION_IS_CANCELLED = 'AUCTION_IS_CANCELLED',
  UNKNOWN = 'UNKNOWN',
}
registerEnumType(BidFailureReason, { name: 'BidFailureReason', description: 'Why a bid failed (Bondora FailureReason 0..14).' });

@Directive('@key(fields: "id")')
@requiresScopesOnType('bids:read')
@ObjectType({ description: "One of the investor's bids." })
export class Bid {
  @Field(() => ID, { description: 'Bondora bid Id.' })
  id!: string;

  @Field(() => ID)
  auctionId!: string;

  @Field(() => BidStatus, { nullable: true, description: 'Null when Bondora reports a status this schema does not know yet; see statusCode.' })
  status!: BidStatus | null;

  @Field(() => Int, { nullable: true, description: 'The raw Bondora StatusCode.' })
  statusCode!: number | null;

  @Field(() => BidFailureReason, { nullable: true, description: 'Null when not failed or when the code is unknown; see failureReasonCode.' })
  failureReason!: BidFailureReason | null;

  @Field(() => Int, { nullable: true })
  failureReasonCode!: number | null;

  @Field(() => DecimalScalar, { nullable: true })
  requestedAmount!: number | null;

  @Field(() => DecimalScalar, { nullable: true })
  actualAmount!: number | null;

  @Field(() => DecimalScalar, { nullable: true })
  requestedMinimumLimit!: number | null;

  @Field(() => DateTimeScalar, { nullable: true })
  requestedAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  processedAt!: Date | null;

  @Field(() => Boolean, { nullable: true })
  isBeingProcessed!: boolean | null;
}

export const BidConnection = connectionType('Bid', Bid, { totalCount: true });

@ObjectType({ description: 'A bid Bondora accepted for processing (202); its outcome shows later on `bid`.' })
export class PlacedBid {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  auctionId!: string;

  @Field(() => DecimalScalar, { nullable: true })
  amount!: number | null;

  @Field(() => DecimalScalar, { nullable: true })
  minAmount!: number | null;
}

@ObjectType()
export class PlaceBidsPayload {
  @Field(() => [PlacedBid])
  bids!: PlacedBid[];
}

@ObjectType()
export class CancelBidPayload {
  @Field(() => ID)
  bidId!: string;

  @Field(() => Boolean, { description: 'Bondora accepted the cancellation (202).' })
  accepted!: boolean;
}
