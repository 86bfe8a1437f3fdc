import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { AccountResolver, InvestmentResolver } from './bondora/account.resolver.js';
import { AuctionResolver } from './bondora/auction.resolver.js';
import { BidResolver, CancelBidPayloadResolver, PlacedBidResolver } from './bondora/bid.resolver.js';
import { LoanPartResolver } from './bondora/loan-part.resolver.js';
import { SECONDARY_MARKET_RESOLVERS } from './bondora/secondary-market.resolver.js';
import { CreditApplicationResolver } from './bond/credit-application.resolver.js';
import { MeResolver } from './caller/me.resolver.js';
import { EventResolver } from './events/event.resolver.js';

export const RESOLVERS = [
  AuctionResolver,
  BidResolver,
  PlacedBidResolver,
  CancelBidPayloadResolver,
  // The investor's account; the secondary market's resolvers follow these (they load LoanPart through accountLoaders).
  AccountResolver,
  InvestmentResolver,
  LoanPartResolver,
  ...SECONDARY_MARKET_RESOLVERS,
  CreditApplicationResolver,
  MeResolver,
  EventResolver,
] as const;

const UNUSED_PUBSUB = {
  publish(): void {
    throw new Error('subscriptions read the event log, not a pub/sub');
  },
  subscribe(): AsyncIterable<never> {
    throw new Error('subscriptions read the event log, not a pub/sub');
  },
};

let schema: Promise<GraphQLSchema> | undefined;

/** The schema is immutable, so it is built once per process. */
export function gatewaySchema(): Promise<GraphQLSchema> {
  // Input is validated by our own input mappers, so class-validator stays out.
  // Subscriptions read the event log through their own `subscribe` functions; type-graphql still
  // asks for a pub/sub, which nothing uses.
  schema ??= buildSchema({ resolvers: [...RESOLVERS], validate: false, pubSub: UNUSED_PUBSUB });
  return schema;
}
