import { randomUUID } from 'node:crypto';
import { Arg, Args, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { BOND_MAX_PAGE_SIZE, type BondApplicationDto } from '../../upstream/bond/bond.dto.js';
import type { GatewayContext } from '../context.js';
import { requireUuid } from '../id.input.js';
import { keysetWindow } from '../pagination/connection.args.js';
import { toConnection, type Connection } from '../pagination/connection.type.js';
import { fetchKeysetWindow } from '../pagination/keyset.pager.js';
import {
  CreateCreditApplicationInput,
  CreditApplicationsArgs,
  UpdateCreditApplicantInput,
  toApplicantUpdate,
  toApplicationCreate,
} from './credit-application.input.js';
import { toCreditApplication } from './credit-application.mapper.js';
import { CreditApplication, CreditApplicationConnection } from './credit-application.type.js';

@Resolver(() => CreditApplication)
export class CreditApplicationResolver {
  @Query(() => CreditApplication, { nullable: true, description: 'A credit application by id; null when Bond has none.' })
  async creditApplication(@Arg('id', () => ID) id: string, @Ctx() ctx: GatewayContext): Promise<CreditApplication | null> {
    const dto = await ctx.bondLoaders.application.load(requireUuid(id, 'id'));
    return dto ? toCreditApplication(dto) : null;
  }

  @Query(() => CreditApplicationConnection, {
    description: 'Credit applications, newest first. Page forward with first/after, backward with last/before (1 to 100).',
  })
  async creditApplications(
    @Args(() => CreditApplicationsArgs) args: CreditApplicationsArgs,
    @Ctx() ctx: GatewayContext,
  ): Promise<Connection<CreditApplication>> {
    const window = keysetWindow('application', args);
    const customer = args.customerId ? requireUuid(args.customerId, 'customerId') : undefined;
    const page = await fetchKeysetWindow<BondApplicationDto>(
      window,
      BOND_MAX_PAGE_SIZE,
      (a) => a.application_id,
      (query) => ctx.bond.listApplications({ ...query, ...(customer ? { customer_id: customer } : {}) }),
    );
    ctx.bondLoaders.primeApplications(page.items);
    return toConnection('application', page.items.map(toCreditApplication), (a) => a.id, page);
  }

  @Mutation(() => CreditApplication, { description: "Changes the applicant's employment status, income or housing payment." })
  async updateCreditApplicant(
    @Arg('input', () => UpdateCreditApplicantInput) input: UpdateCreditApplicantInput,
    @Ctx() ctx: GatewayContext,
  ): Promise<CreditApplication> {
    const { id, patch } = toApplicantUpdate(input);
    const updated = await ctx.bond.updateApplicant(id, patch);
    ctx.bondLoaders.replaceApplication(updated);
    return toCreditApplication(updated);
  }

  @Mutation(() => CreditApplication, { description: 'Creates an application (status CREATED) for an existing customer.' })
  async createCreditApplication(
    @Arg('input', () => CreateCreditApplicationInput) input: CreateCreditApplicationInput,
    @Ctx() ctx: GatewayContext,
  ): Promise<CreditApplication> {
    const created = await ctx.bond.createApplication(toApplicationCreate(input), randomUUID());
    ctx.bondLoaders.replaceApplication(created);
    return toCreditApplication(created);
  }

  @Mutation(() => CreditApplication, { description: 'Submits an application; KYC starts and the status moves on.' })
  async submitCreditApplication(@Arg('id', () => ID) id: string, @Ctx() ctx: GatewayContext): Promise<CreditApplication> {
    const submitted = await ctx.bond.submitApplication(requireUuid(id, 'id'), randomUUID());
    ctx.bondLoaders.replaceApplication(submitted);
    return toCreditApplication(submitted);
  }
}
