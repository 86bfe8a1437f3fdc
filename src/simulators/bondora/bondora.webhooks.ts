import { createHash, createHmac, randomUUID } from 'node:crypto';
import { WebhookSender, type DeliveryRecord, type WebhookSenderOptions } from '../webhook.sender.js';

// Bondora's webhook, as bondora-api.md §7 describes it: one URL per API application, deliveries
// `{EventId, EventType, Payload}` signed with a draft-cavage HTTP Signature (hmac-sha256), the same
// EventId on every retry, and the webhook blocked after 25 error responses until it is reset.

export interface BondoraWebhookConfig {
  url: string;
  keyId: string;
  /** The key as Bondora stores it, base64; the HMAC key is its decoded bytes. */
  secretBase64: string;
}

export interface BondoraWebhookEvent {
  EventId: string;
  EventType: string;
  Payload: unknown;
}

export const BONDORA_SIGNED_HEADERS = '(request-target) host date content-type content-length digest';
export const BONDORA_BLOCK_AFTER_ERRORS = 25;
/** Bondora has one webhook per application, so every count and block is kept under this id. */
const WEBHOOK_ID = 'bondora';

/** The headers of one signed delivery attempt of `body` to `config.url`, dated `at`. */
export function bondoraWebhookHeaders(config: BondoraWebhookConfig, body: string, at: Date): Record<string, string> {
  const url = new URL(config.url);
  const values: Record<string, string> = {
    '(request-target)': `post ${url.pathname}${url.search}`,
    host: url.host,
    date: at.toUTCString(),
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body, 'utf8')),
    digest: `SHA-256=${createHash('sha256').update(body, 'utf8').digest('base64')}`,
  };
  const signingString = BONDORA_SIGNED_HEADERS.split(' ')
    .map((name) => `${name}: ${values[name]}`)
    .join('\n');
  const signature = createHmac('sha256', Buffer.from(config.secretBase64, 'base64')).update(signingString, 'utf8').digest('base64');
  return {
    Date: values.date!,
    Digest: values.digest!,
    'Content-Type': values['content-type']!,
    'Content-Length': values['content-length']!,
    Signature: `keyId="${config.keyId}",algorithm="hmac-sha256",headers="${BONDORA_SIGNED_HEADERS}",signature="${signature}"`,
  };
}

/** Publishes events to the configured webhook and remembers them, so tests can redeliver one. */
export class BondoraWebhookPublisher {
  readonly sender: WebhookSender;
  private config: BondoraWebhookConfig | undefined;
  private readonly events = new Map<string, string>();

  constructor(config?: BondoraWebhookConfig, options: WebhookSenderOptions = {}) {
    this.sender = new WebhookSender({ blockAfterErrors: BONDORA_BLOCK_AFTER_ERRORS, ...options });
    if (config) this.configure(config);
  }

  get webhook(): BondoraWebhookConfig | undefined {
    return this.config && { ...this.config };
  }

  get deliveries(): DeliveryRecord[] {
    return this.sender.deliveries;
  }

  get blocked(): boolean {
    return this.sender.isBlocked(WEBHOOK_ID);
  }

  /** Saving the webhook settings starts with a clean failure count, as a new configuration should. */
  configure(config: BondoraWebhookConfig): void {
    const url = new URL(config.url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('webhook url must be http(s)');
    if (!config.keyId) throw new Error('webhook keyId is required');
    if (Buffer.from(config.secretBase64, 'base64').length === 0) throw new Error('webhook secretBase64 must be base64');
    this.sender.cancel(WEBHOOK_ID);
    this.sender.resetErrors(WEBHOOK_ID);
    this.config = { ...config };
  }

  clear(): void {
    this.sender.cancel(WEBHOOK_ID);
    this.config = undefined;
  }

  /** Bondora's ping/send-test: clears the error count and unblocks. */
  resetErrors(): void {
    this.sender.resetErrors(WEBHOOK_ID);
  }

  /** Records the event and delivers it when a webhook is configured; returns its EventId. */
  publish(eventType: string, payload: unknown): string {
    const event: BondoraWebhookEvent = { EventId: randomUUID(), EventType: eventType, Payload: payload };
    const body = JSON.stringify(event);
    this.events.set(event.EventId, body);
    this.deliver(event.EventId, body);
    return event.EventId;
  }

  /** Sends an earlier event again, same body and EventId; false when unknown, unconfigured or blocked. */
  redeliver(eventId: string): boolean {
    const body = this.events.get(eventId);
    return body !== undefined && this.deliver(eventId, body);
  }

  /** Forgets events and deliveries, keeping the webhook configuration. */
  reset(): void {
    this.events.clear();
    this.sender.reset();
  }

  private deliver(eventId: string, body: string): boolean {
    const config = this.config;
    if (!config) return false;
    return this.sender.send({
      webhookId: WEBHOOK_ID,
      eventId,
      url: config.url,
      body,
      headers: (at) => bondoraWebhookHeaders(config, body, at),
    });
  }
}
