import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, ID, Info, Mutation, Query, Resolver, Root } from 'type-graphql';
import { DEFAULT_PAGE_ITEMS } from '../pagination/connection.args.js';
import { selectsItemField } from '../pagination/selection.js';
import { RequiresScopes } from '../access.guard.js';
import type { GatewayContext } from '../context.js';
import { mapped } from '../mapped.js';
import { requireUuid } from '../id.input.js';
import type { Connection } from '../pagination/connection.type.js';
import { pagedConnection } from '../pagination/offset.pager.js';
import { auctionLoaderFor } from './auction.selection.js';
import { Auction } from './auction.type.js';
import { BidsArgs, PlaceBidsInput, toBidRequest, toBidsRequest } from './bid.input.js';
import { Bid, BidConnection, CancelBidPayload, PlaceBidsPayload, PlacedBid } from './bid.type.js';
import { toAuction, toBid, toPlacedBid } from './bondora.mapper.js';

const loadBid = (id: string, ctx: GatewayContext): Promise<Bid | null> => mapped(ctx.bondoraLoaders.bid.load(id), toBid);
const loadAuction = (id: string, ctx: GatewayContext, info: GraphQLResolveInfo): Promise<Auction | null> =>
  mapped(auctionLoaderFor(ctx.bondoraLoaders, info).load(id), toAuction);

@Resolver(() => Bid)
export class BidResolver {
  @Query(() => Bid, { nullable: true, description: "One of the investor's bids; null when Bondora has none." })
  @RequiresScopes('bids:read')
  async bid(@Arg('id', () => ID) id: string, @Ctx() ctx: GatewayContext): Promise<Bid | null> {
    return loadBid(requireUuid(id, 'id'), ctx);
  }

  @Query(() => BidConnection, { nullable: true, description: "The investor's bids." })
  @RequiresScopes('bids:read')
  async bids(@Args(() => BidsArgs) args: BidsArgs, @Ctx() ctx: GatewayContext, @Info() info: GraphQLResolveInfo): Promise<Connection<Bid>> {
    const query = toBidsRequest(args.filter);
    // Several bids' auctions come from the active-auctions list (a single one from its own page):
    // start it beside the bids, so the closed auctions' details are the only second round trip.
    if (ctx.caller.scopes.has('auctions:read') && (args.first ?? DEFAULT_PAGE_ITEMS) > 1 && selectsItemField(info, 'auction')) {
      ctx.bondoraLoaders.prefetchActiveAuctions();
    }
    return pagedConnection(
      'bid',
      args,
      (PageNr, PageSize) => ctx.bondora.listBids({ ...query, PageNr, PageSize }),
      toBid,
      (items) => ctx.bondoraLoaders.primeBids(items),
    );
  }

  @FieldResolver(() => Auction, { nullable: true, description: 'Batched: one active-auctions call per request plus one call per closed auction.' })
  @RequiresScopes('auctions:read')
  async auction(@Root() bid: Bid, @Ctx() ctx: GatewayContext, @Info() info: GraphQLResolveInfo): Promise<Auction | null> {
    return loadAuction(bid.auctionId, ctx, info);
  }

  @Mutation(() => PlaceBidsPayload, { description: 'Queues up to 100 bids (Bondora answers 202); poll `bid` for the outcome.' })
  @RequiresScopes('bids:write')
  async placeBids(@Arg('input', () => PlaceBidsInput) input: PlaceBidsInput, @Ctx() ctx: GatewayContext): Promise<PlaceBidsPayload> {
    const bids = toBidRequest(input);
    const placed = await ctx.bondora.placeBids(bids);
    ctx.bondoraLoaders.forgetBids(bids.map((b) => b.AuctionId));
    return { bids: placed.map(toPlacedBid) };
  }

  @Mutation(() => CancelBidPayload, { description: 'Cancels a pending or open bid (Bondora answers 202).' })
  @RequiresScopes('bids:write')
  async cancelBid(@Arg('id', () => ID) id: string, @Ctx() ctx: GatewayContext): Promise<CancelBidPayload> {
    const bidId = requireUuid(id, 'id');
    await ctx.bondora.cancelBid(bidId);
    ctx.bondoraLoaders.forgetBids([], [bidId]);
    return { bidId, accepted: true };
  }
}

@Resolver(() => PlacedBid)
export class PlacedBidResolver {
  @FieldResolver(() => Bid, { nullable: true, description: 'The bid as Bondora reports it now.' })
  @RequiresScopes('bids:read')
  async bid(@Root() placed: PlacedBid, @Ctx() ctx: GatewayContext): Promise<Bid | null> {
    return loadBid(placed.id, ctx);
  }

  @FieldResolver(() => Auction, { nullable: true })
  @RequiresScopes('auctions:read')
  async auction(@Root() placed: PlacedBid, @Ctx() ctx: GatewayContext, @Info() info: GraphQLResolveInfo): Promise<Auction | null> {
    return loadAuction(placed.auctionId, ctx, info);
  }
}

@Resolver(() => CancelBidPayload)
export class CancelBidPayloadResolver {
  @FieldResolver(() => Bid, { nullable: true, description: 'The bid as Bondora reports it after the cancellation.' })
  @RequiresScopes('bids:read')
  async bid(@Root() payload: CancelBidPayload, @Ctx() ctx: GatewayContext): Promise<Bid | null> {
    return loadBid(payload.bidId, ctx);
  }
}
