import { randomUUID } from 'node:crypto';
import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { BOND_MAX_PAGE_SIZE, type BondApplicationDto } from '../../upstream/bond/bond.dto.js';
import { applicationNotFound, applicationsCustomer, forbidden, mayAccessApplication, RequiresScopes, seesAllApplications } from '../access.guard.js';
import type { GatewayContext } from '../context.js';
import { mapped } from '../mapped.js';
import { requireUuid } from '../id.input.js';
import { keysetWindow, type KeysetWindow } from '../pagination/connection.args.js';
import { badUserInput } from '../error.mapper.js';
import { toConnection, type Connection } from '../pagination/connection.type.js';
import { fetchKeysetWindow } from '../pagination/keyset.pager.js';
import {
  CreateCreditApplicationInput,
  CreditApplicationsArgs,
  UpdateCreditApplicantInput,
  toApplicantUpdate,
  toApplicationCreate,
} from './credit-application.input.js';
import { toAdverseAction } from './adverse-action.mapper.js';
import { AdverseAction } from './adverse-action.type.js';
import { toCreditApplication } from './credit-application.mapper.js';
import { CreditApplication, CreditApplicationConnection } from './credit-application.type.js';

/** The application if this caller may see it; someone else's is null, as if it did not exist. */
export async function loadVisibleApplication(id: string, ctx: GatewayContext): Promise<BondApplicationDto | null> {
  const dto = await ctx.bondLoaders.application.load(id);
  return dto && mayAccessApplication(ctx.caller, dto.applicant.customer_id) ? dto : null;
}

/** Before a write: the caller's own application (or any, for applications:all), else NOT_FOUND with no write sent. */
async function requireWritableApplication(id: string, ctx: GatewayContext): Promise<void> {
  if (seesAllApplications(ctx.caller)) return;
  if (!(await loadVisibleApplication(id, ctx))) throw applicationNotFound();
}

/**
 * A cursor names an application. Paging from one the caller may not see would tell them it exists
 * and where it sits in time, so for callers limited to their own customer the anchor must be theirs;
 * an unknown id and someone else's get the same answer, before any list call.
 */
async function requireVisibleAnchor(window: KeysetWindow, ctx: GatewayContext): Promise<void> {
  const anchor = window.direction === 'forward' ? window.after : window.before;
  if (anchor === undefined || seesAllApplications(ctx.caller)) return;
  if (!(await loadVisibleApplication(anchor, ctx))) {
    const arg = window.direction === 'forward' ? 'after' : 'before';
    throw badUserInput(`"${arg}" is not a cursor of your applications`, arg);
  }
}

@Resolver(() => CreditApplication)
export class CreditApplicationResolver {
  @Query(() => CreditApplication, { nullable: true, description: 'A credit application by id; null when Bond has none (or it is not yours).' })
  @RequiresScopes('applications:read')
  async creditApplication(@Arg('id', () => ID) id: string, @Ctx() ctx: GatewayContext): Promise<CreditApplication | null> {
    return mapped(loadVisibleApplication(requireUuid(id, 'id'), ctx), toCreditApplication);
  }

  @Query(() => CreditApplicationConnection, {
    nullable: true,
    description:
      "Credit applications, newest first. Page forward with first/after, backward with last/before (1 to 100). Only your own customer's unless you hold applications:all.",
  })
  @RequiresScopes('applications:read')
  async creditApplications(
    @Args(() => CreditApplicationsArgs) args: CreditApplicationsArgs,
    @Ctx() ctx: GatewayContext,
  ): Promise<Connection<CreditApplication>> {
    const window = keysetWindow('application', args);
    const customer = applicationsCustomer(ctx.caller, args.customerId ? requireUuid(args.customerId, 'customerId') : undefined);
    await requireVisibleAnchor(window, ctx);
    const page = await fetchKeysetWindow<BondApplicationDto>(
      window,
      BOND_MAX_PAGE_SIZE,
      (a) => a.application_id,
      (query) => ctx.bond.listApplications({ ...query, ...(customer ? { customer_id: customer } : {}) }),
    );
    ctx.bondLoaders.primeApplications(page.items);
    return toConnection('application', page.items.map(toCreditApplication), (a) => a.id, page);
  }

  @FieldResolver(() => AdverseAction, {
    nullable: true,
    description: 'Why Bond denied the application; null when there is none (Bond answers 404). One Bond call per application.',
  })
  @RequiresScopes('applications:read')
  async adverseAction(@Root() application: CreditApplication, @Ctx() ctx: GatewayContext): Promise<AdverseAction | null> {
    // The parent is already one the caller may see; checked again so no path fetches someone else's.
    if (!mayAccessApplication(ctx.caller, application.applicant.customerId)) return null;
    return mapped(ctx.bondLoaders.adverseAction.load(application.id), toAdverseAction);
  }

  @Mutation(() => CreditApplication, { description: "Changes the applicant's employment status, income or housing payment." })
  @RequiresScopes('applications:write')
  async updateCreditApplicant(
    @Arg('input', () => UpdateCreditApplicantInput) input: UpdateCreditApplicantInput,
    @Ctx() ctx: GatewayContext,
  ): Promise<CreditApplication> {
    const { id, patch } = toApplicantUpdate(input);
    await requireWritableApplication(id, ctx);
    const updated = await ctx.bond.updateApplicant(id, patch);
    ctx.bondLoaders.replaceApplication(updated);
    return toCreditApplication(updated);
  }

  @Mutation(() => CreditApplication, { description: 'Creates an application (status CREATED) for an existing customer: your own, unless you hold applications:all.' })
  @RequiresScopes('applications:write')
  async createCreditApplication(
    @Arg('input', () => CreateCreditApplicationInput) input: CreateCreditApplicationInput,
    @Ctx() ctx: GatewayContext,
  ): Promise<CreditApplication> {
    const body = toApplicationCreate(input);
    if (!mayAccessApplication(ctx.caller, body.applicant.customer_id)) {
      throw forbidden("input.customerId names another customer; creating applications for other customers needs the scope applications:all");
    }
    const created = await ctx.bond.createApplication(body, randomUUID());
    ctx.bondLoaders.replaceApplication(created);
    return toCreditApplication(created);
  }

  @Mutation(() => CreditApplication, { description: 'Submits an application; KYC starts and the status moves on.' })
  @RequiresScopes('applications:write')
  async submitCreditApplication(@Arg('id', () => ID) id: string, @Ctx() ctx: GatewayContext): Promise<CreditApplication> {
    const applicationId = requireUuid(id, 'id');
    await requireWritableApplication(applicationId, ctx);
    const submitted = await ctx.bond.submitApplication(applicationId, randomUUID());
    ctx.bondLoaders.replaceApplication(submitted);
    return toCreditApplication(submitted);
  }
}
