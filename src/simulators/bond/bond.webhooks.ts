import { randomBytes, randomUUID } from 'node:crypto';
import type { SimResponse } from '../sim.router.js';
import { WebhookSender, type DeliveryRecord, type WebhookSenderOptions } from '../webhook.sender.js';
import { bondSignatureHeader } from './bond.signature.js';
import { validateWebhookCreate, type BondCreditEventBody, type BondWebhookStatus } from './bond.webhook.events.js';

// Bond's webhook subscriptions (POST/GET /api/v0.1/webhooks) and the delivery of events to them,
// signed with each subscription's `whsec_` secret and retried with exponential back-off; Bond
// counts only 200 and 201 as delivered (bond-api.md §4).
//
// Simulator decisions: GET lists every subscription as POST returned it, secret included (Atelio's
// docs say the secret "can be retrieved at any time"), as a bare JSON array oldest first.

export interface BondWebhookSubscriptionDto {
  webhook_id: string;
  date_created: string;
  url: string;
  description: string | null;
  events: string[];
  status: BondWebhookStatus;
  secret: string;
}

const SECRET_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export class BondWebhooks {
  readonly sender: WebhookSender;
  private readonly subscriptions = new Map<string, BondWebhookSubscriptionDto>();

  /** `now` gives a Bond timestamp (`…Z`) for date_created. */
  constructor(
    private readonly now: () => string,
    options: WebhookSenderOptions = {},
  ) {
    this.sender = new WebhookSender({ accepts: (status) => status === 200 || status === 201, ...options });
  }

  get list(): BondWebhookSubscriptionDto[] {
    return [...this.subscriptions.values()].map((s) => ({ ...s, events: [...s.events] }));
  }

  get deliveries(): DeliveryRecord[] {
    return this.sender.deliveries;
  }

  /** POST /webhooks. */
  create(body: unknown): SimResponse {
    const input = validateWebhookCreate(body);
    if (!input.ok) return { status: 400, body: input.errors };
    return { status: 200, body: this.add(input.value.url, input.value.events, input.value.description, input.value.status) };
  }

  /** GET /webhooks. */
  listResponse(): SimResponse {
    return { status: 200, body: this.list };
  }

  /** A subscription without the HTTP round trip (dev wiring, tests); patterns may be wildcards. */
  subscribe(url: string, patterns: string[]): BondWebhookSubscriptionDto {
    const input = validateWebhookCreate({ url, events: patterns });
    if (!input.ok) throw new Error(`invalid Bond webhook subscription: ${JSON.stringify(input.errors)}`);
    return this.add(input.value.url, input.value.events, null, 'STATUS_ENABLED');
  }

  /** Removes every subscription and drops their pending retries. */
  clear(): void {
    this.subscriptions.clear();
    this.sender.cancel();
  }

  /** Sends an event body to every enabled subscription that names its event. */
  emit(body: BondCreditEventBody): void {
    const raw = JSON.stringify(body);
    const eventId = `${body.event}@${body.occurred_at ?? body.sent_time}`;
    for (const sub of this.subscriptions.values()) {
      if (sub.status !== 'STATUS_ENABLED' || !sub.events.includes(body.event)) continue;
      this.sender.send({
        webhookId: sub.webhook_id,
        eventId,
        url: sub.url,
        body: raw,
        headers: (at) => ({
          'Content-Type': 'application/json',
          'Content-Length': String(Buffer.byteLength(raw, 'utf8')),
          'Bond-Signature': bondSignatureHeader(sub.secret, raw, Math.floor(at.getTime() / 1000)),
        }),
      });
    }
  }

  private add(url: string, events: string[], description: string | null, status: BondWebhookStatus): BondWebhookSubscriptionDto {
    const sub: BondWebhookSubscriptionDto = {
      webhook_id: randomUUID(),
      date_created: this.now(),
      url,
      description,
      events,
      status,
      secret: `whsec_${[...randomBytes(32)].map((b) => SECRET_ALPHABET[b % SECRET_ALPHABET.length]).join('')}`,
    };
    this.subscriptions.set(sub.webhook_id, sub);
    return { ...sub, events: [...sub.events] };
  }
}
