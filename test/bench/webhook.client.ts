import { randomBytes, randomInt } from 'node:crypto';
import { createPublishedAuction } from '../../src/simulators/bondora/bondora.seed.js';
import { mulberry32 } from '../../src/simulators/sim.router.js';
import type { AuctionDto } from '../../src/upstream/bondora/bondora.dto.js';
import { signBondora } from '../support/webhook.signing.js';

// Signed Bondora `auction.published` deliveries to the gateway's receiver, shaped like the
// simulator's own (an Auction summary of a freshly listed auction). The bodies are generated before
// anything is timed; each is signed when it is sent, since the signature covers its Date.

export const BONDORA_WEBHOOK_PATH = '/webhooks/bondora';

/** A Bondora webhook key as the gateway is configured with it: keyId and a base64 secret. */
export interface BondoraWebhookKey {
  keyId: string;
  secretBase64: string;
}

/** A fresh key for one bench run: nothing outside this run can sign for it. */
export function newWebhookKey(): BondoraWebhookKey {
  return { keyId: `bench-${randomBytes(6).toString('hex')}`, secretBase64: randomBytes(32).toString('base64') };
}

export interface PreparedDelivery {
  eventId: string;
  auctionId: string;
  body: string;
}

/**
 * `count` deliveries, each with its own EventId and a new auction (so its own AuctionId), from a
 * random seed: no two runs, and no two deliveries of a run, are duplicates the receiver would drop.
 */
export class AuctionDeliveries {
  private readonly random = mulberry32(randomInt(2 ** 31));
  private readonly runId = randomBytes(4).toString('hex');
  private loanNumber = 900_000;
  private sequence = 0;

  prepare(count: number): PreparedDelivery[] {
    return Array.from({ length: count }, () => this.one());
  }

  private one(): PreparedDelivery {
    this.loanNumber += 1 + Math.floor(this.random() * 40);
    const { Liabilities: _l, Debts: _d, BorrowerHistory: _h, ...rest } = createPublishedAuction(this.random, Date.now(), this.loanNumber);
    // The summary Bondora's webhook carries: Auction fields, no investor has bid yet.
    const auction: AuctionDto = { ...rest, UserBids: 0, UserBidAmount: 0 };
    const eventId = `bench-${this.runId}-${++this.sequence}`;
    return { eventId, auctionId: auction.AuctionId, body: JSON.stringify({ EventId: eventId, EventType: 'auction.published', Payload: auction }) };
  }
}

export interface DeliveryAnswer {
  status: number;
  /** performance.now() just before the request left, and once its answer was read. */
  sentAt: number;
  answeredAt: number;
}

/** POSTs one signed delivery and reads the whole answer; rejects only when no answer came. */
export async function postDelivery(receiverUrl: string, key: BondoraWebhookKey, delivery: PreparedDelivery): Promise<DeliveryAnswer> {
  const headers = signBondora({ url: receiverUrl, body: delivery.body, keyId: key.keyId, secretBase64: key.secretBase64 });
  const sentAt = performance.now();
  const response = await fetch(receiverUrl, { method: 'POST', headers, body: delivery.body, signal: AbortSignal.timeout(10_000) });
  await response.text();
  return { status: response.status, sentAt, answeredAt: performance.now() };
}
