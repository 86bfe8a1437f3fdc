import type DataLoader from 'dataloader';
import type { GraphQLResolveInfo } from 'graphql';
import type { BondoraLoaders } from '../../loaders/bondora.loaders.js';
import type { AuctionDto } from '../../upstream/bondora/bondora.dto.js';
import { selectsAny } from '../pagination/selection.js';

/** Auction fields only GET /auction/{id} carries; every other field is in the active-auctions list too. */
export const AUCTION_DETAIL_FIELDS: ReadonlySet<string> = new Set(['liabilities', 'debts', 'borrowerHistory']);

/**
 * Whether the field being resolved (an Auction: `auction(id)`, `Bid.auction`, `_entities`) selects a
 * detail-only field, fragments included. If not, the auction may come from the kept active-auctions
 * list; if so, its detail call is needed anyway and answers the rest too, so it goes first, alone.
 */
export function selectsAuctionDetail(info: GraphQLResolveInfo): boolean {
  return selectsAny(info, [[]], AUCTION_DETAIL_FIELDS);
}

/** The loader an Auction field should use: the detail when its selection needs it, else the list-aware one. */
export function auctionLoaderFor(loaders: BondoraLoaders, info: GraphQLResolveInfo): Pick<DataLoader<string, AuctionDto | null>, 'load'> {
  return selectsAuctionDetail(info) ? loaders.auctionDetail : loaders.auction;
}
