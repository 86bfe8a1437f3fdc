import { isUuid } from './id.input.js';
import type { GatewayContext } from './context.js';
import { toAuction, toBid } from './bondora/bondora.mapper.js';
import type { Auction } from './bondora/auction.type.js';
import type { Bid } from './bondora/bid.type.js';
import { toCreditApplication } from './bond/credit-application.mapper.js';
import type { CreditApplication } from './bond/credit-application.type.js';

// Federation reference resolvers: a supergraph hands us { __typename, id } representations and
// each resolves through the same per-request loader as everything else, so N representations of
// one type cost what the batching rules say. An id we cannot find, or that is not an id at all,
// resolves to null without failing its neighbours.

type Representation = { id?: unknown };

function idOf(reference: Representation): string | undefined {
  return typeof reference.id === 'string' && isUuid(reference.id) ? reference.id : undefined;
}

export const entityReferenceResolvers = {
  Auction: async (reference: Representation, ctx: GatewayContext): Promise<Auction | null> => {
    const id = idOf(reference);
    const dto = id ? await ctx.bondoraLoaders.auction.load(id) : null;
    return dto ? toAuction(dto) : null;
  },
  Bid: async (reference: Representation, ctx: GatewayContext): Promise<Bid | null> => {
    const id = idOf(reference);
    const dto = id ? await ctx.bondoraLoaders.bid.load(id) : null;
    return dto ? toBid(dto) : null;
  },
  CreditApplication: async (reference: Representation, ctx: GatewayContext): Promise<CreditApplication | null> => {
    const id = idOf(reference);
    const dto = id ? await ctx.bondLoaders.application.load(id) : null;
    return dto ? toCreditApplication(dto) : null;
  },
};
