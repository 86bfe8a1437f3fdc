import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, ID, Info, Query, Resolver, Root } from 'type-graphql';
import { selectsItemField } from '../pagination/selection.js';
import { RequiresScopes } from '../access.guard.js';
import type { GatewayContext } from '../context.js';
import { mapped } from '../mapped.js';
import { requireUuid } from '../id.input.js';
import type { Connection } from '../pagination/connection.type.js';
import { pagedConnection } from '../pagination/offset.pager.js';
import { AuctionsArgs, toAuctionRequest } from './auction.input.js';
import { auctionLoaderFor } from './auction.selection.js';
import { Auction, AuctionConnection, BorrowerHistory, Debt, Liability, type AuctionDetail } from './auction.type.js';
import { Bid } from './bid.type.js';
import { toAuction, toAuctionDetail, toBid } from './bondora.mapper.js';

@Resolver(() => Auction)
export class AuctionResolver {
  @Query(() => Auction, { nullable: true, description: 'An auction by its AuctionId, active or closed; null when Bondora has none.' })
  @RequiresScopes('auctions:read')
  async auction(@Arg('id', () => ID) id: string, @Ctx() ctx: GatewayContext, @Info() info: GraphQLResolveInfo): Promise<Auction | null> {
    return mapped(auctionLoaderFor(ctx.bondoraLoaders, info).load(requireUuid(id, 'id')), toAuction);
  }

  @Query(() => AuctionConnection, { nullable: true, description: 'Active auctions, newest listing first.' })
  @RequiresScopes('auctions:read')
  async auctions(@Args(() => AuctionsArgs) args: AuctionsArgs, @Ctx() ctx: GatewayContext, @Info() info: GraphQLResolveInfo): Promise<Connection<Auction>> {
    const query = toAuctionRequest(args.filter);
    // `myBids` reads the investor's bids list: start it beside the auctions page.
    if (ctx.caller.scopes.has('bids:read') && selectsItemField(info, 'myBids')) ctx.bondoraLoaders.prefetchBids();
    return pagedConnection(
      'auction',
      args,
      (PageNr, PageSize) => ctx.bondora.listAuctions({ ...query, PageNr, PageSize }),
      toAuction,
      (items) => ctx.bondoraLoaders.primeAuctions(items),
    );
  }

  @FieldResolver(() => [Liability], { nullable: true, description: 'Detail-only: one extra Bondora call per auction unless already loaded.' })
  async liabilities(@Root() auction: Auction, @Ctx() ctx: GatewayContext): Promise<Liability[] | null> {
    return (await detailOf(auction, ctx))?.liabilities ?? null;
  }

  @FieldResolver(() => [Debt], { nullable: true, description: 'Detail-only.' })
  async debts(@Root() auction: Auction, @Ctx() ctx: GatewayContext): Promise<Debt[] | null> {
    return (await detailOf(auction, ctx))?.debts ?? null;
  }

  @FieldResolver(() => BorrowerHistory, { nullable: true, description: 'Detail-only.' })
  async borrowerHistory(@Root() auction: Auction, @Ctx() ctx: GatewayContext): Promise<BorrowerHistory | null> {
    return (await detailOf(auction, ctx))?.borrowerHistory ?? null;
  }

  @FieldResolver(() => [Bid], { nullable: true, description: "The current investor's bids on this auction (needs bids:read)." })
  @RequiresScopes('bids:read')
  async myBids(@Root() auction: Auction, @Ctx() ctx: GatewayContext): Promise<Bid[]> {
    return (await ctx.bondoraLoaders.bidsByAuction.load(auction.id)).map(toBid);
  }
}

async function detailOf(auction: Auction, ctx: GatewayContext): Promise<AuctionDetail | null> {
  if (auction.detail) return auction.detail;
  return mapped(ctx.bondoraLoaders.auctionDetail.load(auction.id), toAuctionDetail);
}
