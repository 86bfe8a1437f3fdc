import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Auction } from '../bondora/auction.type.js';
import { CreditApplication } from '../bond/credit-application.type.js';
import { DateTimeScalar, JsonScalar } from '../scalar.type.js';

// What subscriptions deliver: each event carries its cursor (resubscribe with `after` to resume
// without a gap) and when it happened.

@ObjectType({ description: 'A new auction Bondora published (webhook auction.published).' })
export class AuctionEvent {
  @Field(() => String, { description: 'Resubscribe with after: this cursor to resume right after this event.' })
  cursor!: string;

  @Field(() => DateTimeScalar)
  occurredAt!: Date;

  @Field(() => Auction)
  auction!: Auction;
}

export enum CreditApplicationEventType {
  CREATED = 'CREATED',
  SUBMITTED = 'SUBMITTED',
  APPROVED = 'APPROVED',
  ADVERSE_ACTION = 'ADVERSE_ACTION',
  RESUBMIT_REQUIRED = 'RESUBMIT_REQUIRED',
  UNKNOWN = 'UNKNOWN',
}

registerEnumType(CreditApplicationEventType, {
  name: 'CreditApplicationEventType',
  description: "Bond's credit.application.* events; UNKNOWN for one this schema does not know yet (see typeRaw).",
});

@ObjectType({ description: "A change of a credit application's state (Bond webhook credit.application.*)." })
export class CreditApplicationEvent {
  @Field(() => String)
  cursor!: string;

  @Field(() => DateTimeScalar)
  occurredAt!: Date;

  @Field(() => CreditApplicationEventType)
  type!: CreditApplicationEventType;

  @Field(() => String, { description: "Bond's own event name, e.g. credit.application.approved." })
  typeRaw!: string;

  @Field(() => ID)
  applicationId!: string;

  @Field(() => CreditApplication, { description: 'The application as the event carries it.' })
  application!: CreditApplication;
}

@ObjectType({ description: 'Any Bondora webhook event, raw: for event types this schema does not model yet.' })
export class BondoraEvent {
  @Field(() => String)
  cursor!: string;

  @Field(() => DateTimeScalar)
  occurredAt!: Date;

  @Field(() => String, { description: 'Bondora EventType, e.g. auction.published, secondmarket.updated.' })
  eventType!: string;

  @Field(() => String, { description: 'Bondora EventId.' })
  eventId!: string;

  @Field(() => JsonScalar, { description: "The event's Payload as Bondora sent it." })
  payload!: unknown;
}
