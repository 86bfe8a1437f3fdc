import { Args, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { notConnected } from '../../auth/bondora.access.js';
import type { BondoraPage } from '../../upstream/bondora/bondora.client.js';
import type { MyInvestmentItemDto } from '../../upstream/bondora/bondora.dto.js';
import { RequiresScopes } from '../access.guard.js';
import type { GatewayContext } from '../context.js';
import { forwardWindow, type OffsetWindow } from '../pagination/connection.args.js';
import type { Connection } from '../pagination/connection.type.js';
import { offsetConnection, pagedConnection } from '../pagination/offset.pager.js';
import { AccountEventsArgs, InvestmentsArgs, toEventLogRequest, toInvestmentsRequest } from './account.input.js';
import { toAccountBalance, toAccountEvent, toInvestment } from './account.mapper.js';
import { Account, AccountBalance, AccountEvent, AccountEventConnection, Investment, InvestmentConnection, type InvestmentPage } from './account.type.js';
import { loadLoanPart } from './loan-part.resolver.js';
import { LoanPart } from './loan-part.type.js';

/**
 * Investments are read in blocks of this many whatever the window asked for: Bondora allows 5 reads
 * an hour, and one kept block (12 minutes) serves a screen and its next pages.
 */
export const INVESTMENT_BLOCK = 1000;

/** The investments of an offset window from the blocks it spans (one, or two at a block's edge). */
async function investmentWindow(
  window: OffsetWindow,
  fetchBlock: (pageNr: number, pageSize: number) => Promise<BondoraPage<MyInvestmentItemDto>>,
): Promise<{ items: MyInvestmentItemDto[]; totalCount: number; fetchedAt: Date }> {
  const first = Math.floor(window.offset / INVESTMENT_BLOCK);
  const last = Math.floor((window.offset + window.count - 1) / INVESTMENT_BLOCK);
  const blocks = await Promise.all(Array.from({ length: last - first + 1 }, (_, i) => fetchBlock(first + i + 1, INVESTMENT_BLOCK)));
  const start = window.offset - first * INVESTMENT_BLOCK;
  return {
    items: blocks.flatMap((block) => block.items).slice(start, start + window.count),
    totalCount: Math.max(...blocks.map((block) => block.totalCount)),
    fetchedAt: new Date(Math.min(...blocks.map((block) => block.fetchedAt.getTime()))),
  };
}

@Resolver(() => Account)
export class AccountResolver {
  @Query(() => Account, {
    nullable: true,
    description:
      "The caller's Bondora account, read with their own Bondora connection (or x-bondora-token). Null with BONDORA_NOT_CONNECTED when there is none.",
  })
  @RequiresScopes('investments:read')
  async account(@Ctx() ctx: GatewayContext): Promise<Account> {
    // One clear error here rather than the same one on every field below.
    if ((await ctx.bondoraAccess.source()) === 'none') throw notConnected();
    return {};
  }

  @FieldResolver(() => AccountBalance, {
    nullable: true,
    description: 'Kept 5 minutes per Bondora credential (Bondora allows 12 reads an hour); RATE_LIMITED with retryAfterSeconds past that.',
  })
  @RequiresScopes('investments:read')
  async balance(@Root() _account: Account, @Ctx() ctx: GatewayContext): Promise<AccountBalance> {
    return toAccountBalance(await ctx.bondora.getBalanceFetched());
  }

  @FieldResolver(() => InvestmentConnection, {
    nullable: true,
    description:
      'Active investments unless filter.salesStatus says otherwise. Read from Bondora in blocks of 1000 kept 12 minutes (Bondora allows 5 reads an hour): paging through them costs no further calls.',
  })
  @RequiresScopes('investments:read')
  async investments(@Root() _account: Account, @Args(() => InvestmentsArgs) args: InvestmentsArgs, @Ctx() ctx: GatewayContext): Promise<InvestmentPage> {
    const query = toInvestmentsRequest(args.filter);
    const window = forwardWindow('investment', args.first, args.after);
    const page = await investmentWindow(window, (PageNr, PageSize) => ctx.bondora.listInvestments({ ...query, PageNr, PageSize }));
    return { ...offsetConnection('investment', window, page, toInvestment), fetchedAt: page.fetchedAt };
  }

  @FieldResolver(() => AccountEventConnection, {
    nullable: true,
    description: 'The writes made through this application (bids, cancellations, secondary-market sales, purchases and cancellations), as Bondora logged them.',
  })
  @RequiresScopes('investments:read')
  async events(@Root() _account: Account, @Args(() => AccountEventsArgs) args: AccountEventsArgs, @Ctx() ctx: GatewayContext): Promise<Connection<AccountEvent>> {
    const query = toEventLogRequest(args.filter);
    return pagedConnection('accountEvent', args, (PageNr, PageSize) => ctx.bondora.listEventLog({ ...query, PageNr, PageSize }), toAccountEvent);
  }
}

@Resolver(() => Investment)
export class InvestmentResolver {
  @FieldResolver(() => LoanPart, {
    nullable: true,
    description: 'The loan part with its schedule and payments. Batched: one loanpart/list call per 1000 investments (Bondora allows 12 an hour).',
  })
  @RequiresScopes('investments:read')
  async loanPart(@Root() investment: Investment, @Ctx() ctx: GatewayContext): Promise<LoanPart | null> {
    return loadLoanPart(investment.loanPartId, ctx);
  }
}
