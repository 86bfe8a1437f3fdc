import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { AuctionResolver } from './bondora/auction.resolver.js';
import { BidResolver, CancelBidPayloadResolver, PlacedBidResolver } from './bondora/bid.resolver.js';
import { CreditApplicationResolver } from './bond/credit-application.resolver.js';
import { MeResolver } from './caller/me.resolver.js';

export const RESOLVERS = [
  AuctionResolver,
  BidResolver,
  PlacedBidResolver,
  CancelBidPayloadResolver,
  CreditApplicationResolver,
  MeResolver,
] as const;

let schema: Promise<GraphQLSchema> | undefined;

/** The schema is immutable, so it is built once per process. */
export function gatewaySchema(): Promise<GraphQLSchema> {
  // Input is validated by our own input mappers, so class-validator stays out.
  schema ??= buildSchema({ resolvers: [...RESOLVERS], validate: false });
  return schema;
}
