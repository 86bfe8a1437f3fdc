import { Arg, Args, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { UpstreamError } from '../../upstream/upstream.error.js';
import { RequiresScopes } from '../access.guard.js';
import type { GatewayContext } from '../context.js';
import { requireUuid } from '../id.input.js';
import { mapped } from '../mapped.js';
import type { Connection } from '../pagination/connection.type.js';
import { pagedConnection } from '../pagination/offset.pager.js';
import { DateTimeScalar } from '../scalar.type.js';
import { loadLoanPart } from './loan-part.resolver.js';
import { LoanPart } from './loan-part.type.js';
import {
  BuySecondaryMarketItemsInput,
  CancelSecondaryMarketItemsInput,
  SecondaryMarketArgs,
  SellLoanPartsInput,
  toItemIds,
  toSaleRequest,
  toSecondaryMarketRequest,
} from './secondary-market.input.js';
import { toListedLoanPart, toSecondaryMarketItem, toSecondaryMarketItemFromSummary, toSummary } from './secondary-market.mapper.js';
import {
  BuySecondaryMarketItemsPayload,
  CancelSecondaryMarketItemsPayload,
  ListedLoanPart,
  SecondaryMarketItem,
  SecondaryMarketItemConnection,
  SellLoanPartsPayload,
  type SecondaryMarketItemSummary,
} from './secondary-market.type.js';

// Reading the market needs investments:read: it is read with the caller's own Bondora connection
// and budget, it tells the caller's own items apart (showMyItems), and an item by id shows closed
// items to their seller and buyer. Trading needs market:trade. Bondora queues every trade (202):
// the payloads say what was queued, never that it is done, and a refused or failed write is not
// sent again (the HTTP layer never retries a write; neither does this file).

/** By id through the request's bulk loader: every item of the request in one secondarymarket/list call. */
const loadItem = (id: string, ctx: GatewayContext): Promise<SecondaryMarketItem | null> =>
  mapped(ctx.accountLoaders.secondaryMarketItem.load(id), toSecondaryMarketItemFromSummary);

const loadItems = (ids: readonly string[], ctx: GatewayContext): Promise<Array<SecondaryMarketItem | null>> =>
  Promise.all(ids.map((id) => loadItem(id, ctx)));

/** The summary-only fields: on the item already, or loaded with the request's other items in one batch. */
async function summaryOf(item: SecondaryMarketItem, ctx: GatewayContext): Promise<SecondaryMarketItemSummary | null> {
  if (item.summary) return item.summary;
  return mapped(ctx.accountLoaders.secondaryMarketItem.load(item.id), toSummary);
}

type Trade = 'purchase' | 'sale' | 'cancellation';

const CONFLICT: Record<Trade, string> = {
  purchase: 'an item is your own, is no longer on sale, or costs more than your available balance',
  sale: 'a loan part is not yours, is already on sale, or is repaid',
  cancellation: 'an item is no longer on sale',
};

/** Bondora's 403 and 409 on a trade have known causes: say them, in the gateway's words, keeping the code. */
function explained(error: unknown, trade: Trade): unknown {
  if (!(error instanceof UpstreamError) || (error.status !== 403 && error.status !== 409)) return error;
  const cause = error.status === 409 ? CONFLICT[trade] : 'an item is not yours, or your Bondora authorization does not allow trading';
  return new UpstreamError(error.upstream, error.kind, `Bondora refused the ${trade} (HTTP ${error.status}): ${cause}`, {
    status: error.status,
    code: error.code,
    details: error.details,
    upstreamText: error.upstreamText,
    cause: error,
  });
}

/** Sends one trade; whatever the answer, the request's market and loan-part loaders are cleared (a failed write may still have been applied). */
async function trade<T>(ctx: GatewayContext, kind: Trade, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    throw explained(error, kind);
  } finally {
    ctx.accountLoaders.forgetMarket();
  }
}

@Resolver(() => SecondaryMarketItem)
export class SecondaryMarketResolver {
  @Query(() => SecondaryMarketItemConnection, {
    nullable: true,
    description:
      "The items open on Bondora's secondary market, newest listing first, as the caller's Bondora connection sees them; " +
      '`filter.showMyItems: true` lists only your own. Bondora allows 5 such reads per hour per user.',
  })
  @RequiresScopes('investments:read')
  async secondaryMarket(@Args(() => SecondaryMarketArgs) args: SecondaryMarketArgs, @Ctx() ctx: GatewayContext): Promise<Connection<SecondaryMarketItem>> {
    const query = toSecondaryMarketRequest(args.filter);
    return pagedConnection('market', args, (PageNr, PageSize) => ctx.bondora.listSecondaryMarket({ ...query, PageNr, PageSize }), toSecondaryMarketItem);
  }

  @Query(() => SecondaryMarketItem, {
    nullable: true,
    description:
      "A secondary-market item by id (Bondora's item summary): an open one, or a closed one you sold or bought; null otherwise. " +
      'Batched: every item of the request in one secondarymarket/list call.',
  })
  @RequiresScopes('investments:read')
  async secondaryMarketItem(@Arg('id', () => ID) id: string, @Ctx() ctx: GatewayContext): Promise<SecondaryMarketItem | null> {
    return loadItem(requireUuid(id, 'id'), ctx);
  }

  @FieldResolver(() => LoanPart, { nullable: true, description: 'The loan part on sale. Batched: every item of the request in one loanpart/list call.' })
  @RequiresScopes('investments:read')
  async loanPart(@Root() item: SecondaryMarketItem, @Ctx() ctx: GatewayContext): Promise<LoanPart | null> {
    return loadLoanPart(item.loanPartId, ctx);
  }

  @FieldResolver(() => Int, {
    nullable: true,
    description: "Bondora's item number. For items from the market list it comes from the item summary: one secondarymarket/list call for the request.",
  })
  async number(@Root() item: SecondaryMarketItem, @Ctx() ctx: GatewayContext): Promise<number | null> {
    return (await summaryOf(item, ctx))?.number ?? null;
  }

  @FieldResolver(() => DateTimeScalar, {
    nullable: true,
    description: 'When the listing ends if nothing sells it. For items from the market list it comes from the item summary: one secondarymarket/list call for the request.',
  })
  async plannedCloseDate(@Root() item: SecondaryMarketItem, @Ctx() ctx: GatewayContext): Promise<Date | null> {
    return (await summaryOf(item, ctx))?.plannedCloseDate ?? null;
  }

  @Mutation(() => BuySecondaryMarketItemsPayload, {
    description:
      "Buys other investors' secondary-market items, 1 to 100 per request (more is refused before any call). Bondora answers 202: " +
      'the purchase is queued, not done; its outcome shows in the items, your investments and account events. Not retried by the gateway.',
  })
  @RequiresScopes('market:trade')
  async buySecondaryMarketItems(
    @Arg('input', () => BuySecondaryMarketItemsInput) input: BuySecondaryMarketItemsInput,
    @Ctx() ctx: GatewayContext,
  ): Promise<BuySecondaryMarketItemsPayload> {
    const itemIds = toItemIds(input.itemIds, 'input.itemIds');
    await trade(ctx, 'purchase', () => ctx.bondora.buySecondaryMarketItems(itemIds));
    return { accepted: true, itemIds };
  }

  @Mutation(() => SellLoanPartsPayload, {
    description:
      'Puts loan parts you hold on the secondary market at a whole-percent discount or mark-up, 1 to 100 per request (more is refused ' +
      'before any call). Bondora answers 202 with the new item of each part: the sale is queued; cancel with cancelSecondaryMarketItems. Not retried by the gateway.',
  })
  @RequiresScopes('market:trade')
  async sellLoanParts(@Arg('input', () => SellLoanPartsInput) input: SellLoanPartsInput, @Ctx() ctx: GatewayContext): Promise<SellLoanPartsPayload> {
    const request = toSaleRequest(input);
    const listed = await trade(ctx, 'sale', () => ctx.bondora.sellLoanParts(request));
    return { accepted: true, items: listed.map(toListedLoanPart) };
  }

  @Mutation(() => CancelSecondaryMarketItemsPayload, {
    description:
      'Takes your own open items off the secondary market, 1 to 100 per request (more is refused before any call). Bondora answers 202: ' +
      "the cancellation is queued. Another investor's item is FORBIDDEN and nothing is cancelled. Not retried by the gateway.",
  })
  @RequiresScopes('market:trade')
  async cancelSecondaryMarketItems(
    @Arg('input', () => CancelSecondaryMarketItemsInput) input: CancelSecondaryMarketItemsInput,
    @Ctx() ctx: GatewayContext,
  ): Promise<CancelSecondaryMarketItemsPayload> {
    const itemIds = toItemIds(input.itemIds, 'input.itemIds');
    await trade(ctx, 'cancellation', () => ctx.bondora.cancelSecondaryMarketItems(itemIds));
    return { accepted: true, itemIds };
  }
}

const ITEMS_NOW = 'Each item as Bondora reports it now, in input order (null where it shows none): one secondarymarket/list call.';

@Resolver(() => BuySecondaryMarketItemsPayload)
export class BuySecondaryMarketItemsPayloadResolver {
  @FieldResolver(() => [SecondaryMarketItem], { nullable: 'items', description: `${ITEMS_NOW} A queued purchase may still show OPEN.` })
  @RequiresScopes('investments:read')
  async items(@Root() payload: BuySecondaryMarketItemsPayload, @Ctx() ctx: GatewayContext): Promise<Array<SecondaryMarketItem | null>> {
    return loadItems(payload.itemIds, ctx);
  }
}

@Resolver(() => CancelSecondaryMarketItemsPayload)
export class CancelSecondaryMarketItemsPayloadResolver {
  @FieldResolver(() => [SecondaryMarketItem], { nullable: 'items', description: `${ITEMS_NOW} A queued cancellation may still show OPEN.` })
  @RequiresScopes('investments:read')
  async items(@Root() payload: CancelSecondaryMarketItemsPayload, @Ctx() ctx: GatewayContext): Promise<Array<SecondaryMarketItem | null>> {
    return loadItems(payload.itemIds, ctx);
  }
}

@Resolver(() => ListedLoanPart)
export class ListedLoanPartResolver {
  @FieldResolver(() => SecondaryMarketItem, { nullable: true, description: 'The new item as Bondora reports it now: one secondarymarket/list call for the whole sale.' })
  @RequiresScopes('investments:read')
  async item(@Root() listed: ListedLoanPart, @Ctx() ctx: GatewayContext): Promise<SecondaryMarketItem | null> {
    return loadItem(listed.id, ctx);
  }

  @FieldResolver(() => LoanPart, { nullable: true, description: 'The loan part put on sale: one loanpart/list call for the whole sale.' })
  @RequiresScopes('investments:read')
  async loanPart(@Root() listed: ListedLoanPart, @Ctx() ctx: GatewayContext): Promise<LoanPart | null> {
    return loadLoanPart(listed.loanPartId, ctx);
  }
}

/** Registered in schema.ts, in this order. */
export const SECONDARY_MARKET_RESOLVERS = [
  SecondaryMarketResolver,
  BuySecondaryMarketItemsPayloadResolver,
  CancelSecondaryMarketItemsPayloadResolver,
  ListedLoanPartResolver,
] as const;
