import { Arg, Ctx, ID, Resolver, Root, Subscription, type SubscribeResolverData } from 'type-graphql';
import { eventStream } from '../../events/event.stream.js';
import type { EventLog, LoggedEvent } from '../../events/event.log.js';
import type { AuctionDto } from '../../upstream/bondora/bondora.dto.js';
import type { BondApplicationDto } from '../../upstream/bond/bond.dto.js';
import { applicationsCustomer, assertScopes, mayAccessApplication } from '../access.guard.js';
import { AuctionFilter, toAuctionRequest } from '../bondora/auction.input.js';
import { auctionMatches } from '../bondora/auction.filter.js';
import { toAuction } from '../bondora/bondora.mapper.js';
import { toCreditApplication } from '../bond/credit-application.mapper.js';
import type { GatewayContext } from '../context.js';
import { badUserInput } from '../error.mapper.js';
import { requireUuid } from '../id.input.js';
import { AuctionEvent, BondoraEvent, CreditApplicationEvent, CreditApplicationEventType } from './event.type.js';

// Subscriptions over the webhook event log. Rights and filters are checked when the subscription
// starts (before any event) and applied to every event; each delivered event is then resolved like
// a query, with fresh loaders, so `auction { myBids }` or `application { applicant }` work as usual.

type Subscribe<A> = SubscribeResolverData<unknown, A, GatewayContext>;

function logOf(ctx: GatewayContext): EventLog {
  if (!ctx.events) throw badUserInput('Subscriptions are not available on this endpoint');
  return ctx.events;
}

function afterCursor(log: EventLog, after: string | null | undefined): string | undefined {
  if (after === null || after === undefined) return undefined;
  if (!log.isCursor(after)) throw badUserInput('"after" is not a cursor of this event log', 'after');
  return after;
}

function isAuction(payload: unknown): payload is AuctionDto {
  return typeof payload === 'object' && payload !== null && typeof (payload as AuctionDto).AuctionId === 'string';
}

function isApplication(payload: unknown): payload is BondApplicationDto {
  const dto = payload as BondApplicationDto | null;
  return typeof dto === 'object' && dto !== null && typeof dto.application_id === 'string' && typeof dto.applicant?.customer_id === 'string';
}

/** Bond's webhook copies name the street `street1`, where the REST object says `street`. */
function fromWebhookCopy(dto: BondApplicationDto & { applicant: { street1?: string | null } }): BondApplicationDto {
  const { street1, ...applicant } = dto.applicant;
  return { ...dto, applicant: { ...applicant, street: applicant.street ?? street1 ?? null } };
}

const CREDIT_EVENT_TYPES: Record<string, CreditApplicationEventType> = {
  'credit.application.created': CreditApplicationEventType.CREATED,
  'credit.application.submitted': CreditApplicationEventType.SUBMITTED,
  'credit.application.approved': CreditApplicationEventType.APPROVED,
  'credit.application.adverse_action': CreditApplicationEventType.ADVERSE_ACTION,
  'credit.application.resubmit_required': CreditApplicationEventType.RESUBMIT_REQUIRED,
};

interface AuctionPublishedArgs {
  filter?: AuctionFilter | null;
  after?: string | null;
}

interface CreditApplicationEventsArgs {
  applicationId?: string | null;
  customerId?: string | null;
  after?: string | null;
}

interface BondoraEventsArgs {
  eventTypes?: string[] | null;
  after?: string | null;
}

@Resolver()
export class EventResolver {
  @Subscription(() => AuctionEvent, {
    description: 'New auctions as Bondora publishes them (needs auctions:read). With after: the events after that cursor first, then live ones.',
    subscribe: ({ args, context }: Subscribe<AuctionPublishedArgs>) => {
      assertScopes(context.caller, ['auctions:read'], 'Subscription.auctionPublished');
      const request = toAuctionRequest(args.filter);
      const log = logOf(context);
      return eventStream(log, {
        maxQueued: context.subscriberQueueLimit,
        after: afterCursor(log, args.after),
        accept: (event) => event.source === 'bondora' && event.type === 'auction.published' && isAuction(event.payload) && auctionMatches(event.payload, request),
      });
    },
  })
  auctionPublished(
    @Root() event: LoggedEvent,
    @Arg('filter', () => AuctionFilter, { nullable: true }) _filter: AuctionFilter | null,
    @Arg('after', () => String, { nullable: true }) _after: string | null,
    @Ctx() ctx: GatewayContext,
  ): AuctionEvent {
    ctx.renew?.();
    const dto = event.payload as AuctionDto;
    return { cursor: event.cursor, occurredAt: new Date(event.occurredAt), auction: toAuction(dto) };
  }

  @Subscription(() => CreditApplicationEvent, {
    description:
      "Changes of credit applications (needs applications:read): only your own customer's unless you hold applications:all. Narrow with applicationId or customerId; resume with after.",
    subscribe: ({ args, context }: Subscribe<CreditApplicationEventsArgs>) => {
      assertScopes(context.caller, ['applications:read'], 'Subscription.creditApplicationEvents');
      const customer = applicationsCustomer(context.caller, args.customerId ? requireUuid(args.customerId, 'customerId') : undefined);
      const applicationId = args.applicationId ? requireUuid(args.applicationId, 'applicationId').toLowerCase() : undefined;
      const log = logOf(context);
      return eventStream(log, {
        maxQueued: context.subscriberQueueLimit,
        after: afterCursor(log, args.after),
        accept: (event) => {
          if (event.source !== 'bond' || !event.type.startsWith('credit.application.') || !isApplication(event.payload)) return false;
          const owner = event.payload.applicant.customer_id.toLowerCase();
          return (
            mayAccessApplication(context.caller, owner) &&
            (customer === undefined || owner === customer.toLowerCase()) &&
            (applicationId === undefined || event.payload.application_id.toLowerCase() === applicationId)
          );
        },
      });
    },
  })
  creditApplicationEvents(
    @Root() event: LoggedEvent,
    @Arg('applicationId', () => ID, { nullable: true }) _applicationId: string | null,
    @Arg('customerId', () => ID, { nullable: true }) _customerId: string | null,
    @Arg('after', () => String, { nullable: true }) _after: string | null,
    @Ctx() ctx: GatewayContext,
  ): CreditApplicationEvent {
    ctx.renew?.();
    const dto = fromWebhookCopy(event.payload as BondApplicationDto & { applicant: { street1?: string | null } });
    return {
      cursor: event.cursor,
      occurredAt: new Date(event.occurredAt),
      type: CREDIT_EVENT_TYPES[event.type] ?? CreditApplicationEventType.UNKNOWN,
      typeRaw: event.type,
      applicationId: dto.application_id,
      application: toCreditApplication(dto),
    };
  }

  @Subscription(() => BondoraEvent, {
    description:
      "Every Bondora webhook event, raw, including types this schema does not model (needs bondora:shared: they are the gateway's own Bondora application's events).",
    subscribe: ({ args, context }: Subscribe<BondoraEventsArgs>) => {
      assertScopes(context.caller, ['bondora:shared'], 'Subscription.bondoraEvents');
      const types = args.eventTypes?.length ? new Set(args.eventTypes) : undefined;
      const log = logOf(context);
      return eventStream(log, {
        maxQueued: context.subscriberQueueLimit,
        after: afterCursor(log, args.after),
        accept: (event) => event.source === 'bondora' && (types === undefined || types.has(event.type)),
      });
    },
  })
  bondoraEvents(
    @Root() event: LoggedEvent,
    @Arg('eventTypes', () => [String], { nullable: true }) _eventTypes: string[] | null,
    @Arg('after', () => String, { nullable: true }) _after: string | null,
  ): BondoraEvent {
    return {
      cursor: event.cursor,
      occurredAt: new Date(event.occurredAt),
      eventType: event.type,
      eventId: event.dedupeKey,
      payload: event.payload,
    };
  }
}
