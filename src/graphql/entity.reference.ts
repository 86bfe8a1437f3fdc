import type { GraphQLResolveInfo } from 'graphql';
import { isUuid } from './id.input.js';
import { auctionLoaderFor } from './bondora/auction.selection.js';
import type { GatewayContext } from './context.js';
import { mapped } from './mapped.js';
import { assertScopes } from './access.guard.js';
import { toAuction, toBid } from './bondora/bondora.mapper.js';
import type { Auction } from './bondora/auction.type.js';
import type { Bid } from './bondora/bid.type.js';
import { loadVisibleApplication } from './bond/credit-application.resolver.js';
import { toCreditApplication } from './bond/credit-application.mapper.js';
import type { CreditApplication } from './bond/credit-application.type.js';

// Federation reference resolvers: a supergraph hands us { __typename, id } representations and
// each resolves through the same per-request loader as everything else, so N representations of
// one type cost what the batching rules say. An id we cannot find, or that is not an id at all,
// resolves to null without failing its neighbours. The same scopes and ownership rules as the root
// fields apply: someone else's application is null, exactly like one that does not exist.

type Representation = { id?: unknown };

function idOf(reference: Representation): string | undefined {
  return typeof reference.id === 'string' && isUuid(reference.id) ? reference.id : undefined;
}

export const entityReferenceResolvers = {
  Auction: async (reference: Representation, ctx: GatewayContext, info?: GraphQLResolveInfo): Promise<Auction | null> => {
    assertScopes(ctx.caller, ['auctions:read'], 'Auction');
    const id = idOf(reference);
    // As for auction(id): a selection of list fields only may come from the kept active-auctions list.
    const loader = info ? auctionLoaderFor(ctx.bondoraLoaders, info) : ctx.bondoraLoaders.auction;
    return id ? mapped(loader.load(id), toAuction) : null;
  },
  Bid: async (reference: Representation, ctx: GatewayContext): Promise<Bid | null> => {
    assertScopes(ctx.caller, ['bids:read'], 'Bid');
    const id = idOf(reference);
    return id ? mapped(ctx.bondoraLoaders.bid.load(id), toBid) : null;
  },
  CreditApplication: async (reference: Representation, ctx: GatewayContext): Promise<CreditApplication | null> => {
    assertScopes(ctx.caller, ['applications:read'], 'CreditApplication');
    const id = idOf(reference);
    return id ? mapped(loadVisibleApplication(id, ctx), toCreditApplication) : null;
  },
};
