import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { RequiresScopes } from '../access.guard.js';
import type { GatewayContext } from '../context.js';
import { requireUuid } from '../id.input.js';
import { mapped } from '../mapped.js';
import { toLoanPart } from './loan-part.mapper.js';
import { LoanPart } from './loan-part.type.js';

/** Loads a loan part through the request's bulk loader: every parent in one loanpart/list call. */
export const loadLoanPart = (id: string, ctx: GatewayContext): Promise<LoanPart | null> => mapped(ctx.accountLoaders.loanPart.load(id), toLoanPart);

@Resolver(() => LoanPart)
export class LoanPartResolver {
  @Query(() => LoanPart, {
    nullable: true,
    description: "A loan part by its LoanPartId: the caller's own, or one on sale on the secondary market; null when Bondora shows none.",
  })
  @RequiresScopes('investments:read')
  async loanPart(@Arg('id', () => ID) id: string, @Ctx() ctx: GatewayContext): Promise<LoanPart | null> {
    return loadLoanPart(requireUuid(id, 'id'), ctx);
  }
}
