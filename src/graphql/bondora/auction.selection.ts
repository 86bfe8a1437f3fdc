import type DataLoader from 'dataloader';
import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import type { BondoraLoaders } from '../../loaders/bondora.loaders.js';
import type { AuctionDto } from '../../upstream/bondora/bondora.dto.js';

/** Auction fields only GET /auction/{id} carries; every other field is in the active-auctions list too. */
export const AUCTION_DETAIL_FIELDS: ReadonlySet<string> = new Set(['liabilities', 'debts', 'borrowerHistory']);

/**
 * Whether the field being resolved (an Auction: `auction(id)`, `Bid.auction`) selects a detail-only
 * field, fragments included. If not, the auction may come from the kept active-auctions list; if so,
 * its detail call is needed anyway and answers the rest too, so it goes first, alone.
 */
export function selectsAuctionDetail(info: GraphQLResolveInfo): boolean {
  const within = (set: SelectionSetNode | undefined, seen: ReadonlySet<string>): boolean =>
    (set?.selections ?? []).some((selection) => {
      if (selection.kind === Kind.FIELD) return AUCTION_DETAIL_FIELDS.has(selection.name.value);
      if (selection.kind === Kind.INLINE_FRAGMENT) return within(selection.selectionSet, seen);
      const name = selection.name.value;
      return !seen.has(name) && within(info.fragments[name]?.selectionSet, new Set([...seen, name]));
    });
  return info.fieldNodes.some((node) => within(node.selectionSet, new Set()));
}

/** The loader an Auction field should use: the detail when its selection needs it, else the list-aware one. */
export function auctionLoaderFor(loaders: BondoraLoaders, info: GraphQLResolveInfo): Pick<DataLoader<string, AuctionDto | null>, 'load'> {
  return selectsAuctionDetail(info) ? loaders.auctionDetail : loaders.auction;
}
