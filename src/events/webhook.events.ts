import { createHash } from 'node:crypto';
import type { IncomingEvent } from './event.log.js';

// What a verified webhook body means to the event log. Only the envelope is checked: an event type
// the gateway does not model is still recorded, with its data as the upstream sent it, so nothing an
// upstream delivers is lost for want of a schema. A body that is not an envelope at all is refused.

/** A verified body that is not JSON or not the upstream's envelope: the sender's fault, answered 400. */
export class WebhookBodyError extends Error {
  override readonly name = 'WebhookBodyError';
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Parses the raw bytes whatever the Content-Type said; invalid UTF-8 is as malformed as bad JSON. */
export function parseWebhookJson(rawBody: Buffer): unknown {
  try {
    return JSON.parse(utf8.decode(rawBody));
  } catch {
    throw new WebhookBodyError('The webhook body is not valid JSON');
  }
}

/** `{ EventId, EventType, Payload }`; Bondora sends no time, so the event happened when it arrived. */
export function bondoraIncomingEvent(body: unknown, receivedAt: Date = new Date()): IncomingEvent {
  if (!isObject(body)) throw new WebhookBodyError('The webhook body is not a Bondora event object');
  const { EventId: id, EventType: type, Payload: payload } = body;
  const idOk = (typeof id === 'number' && Number.isFinite(id)) || (typeof id === 'string' && id.trim() !== '');
  if (!idOk || typeof type !== 'string' || type.trim() === '') {
    throw new WebhookBodyError('The webhook body needs an EventId and an EventType');
  }
  return { source: 'bondora', type, dedupeKey: String(id), occurredAt: receivedAt.toISOString(), payload: payload ?? null };
}

/**
 * `{ event, occurred_at | sent_time, details: { resource, data } }`, or flat (`{ event, customer_id,
 * occurred_at }` for KYC). Bond retries with the same body, so (event, time, subject) names a delivery.
 */
export function bondIncomingEvent(body: unknown, receivedAt: Date = new Date()): IncomingEvent {
  if (!isObject(body)) throw new WebhookBodyError('The webhook body is not a Bond event object');
  const { event: type, details } = body;
  if (typeof type !== 'string' || type.trim() === '') throw new WebhookBodyError('The webhook body needs an event');
  const time = body.occurred_at ?? body.sent_time;
  if (time !== undefined && time !== null && typeof time !== 'string') {
    throw new WebhookBodyError('The webhook body has an occurred_at that is not a string');
  }

  const payload = isObject(details) && 'data' in details ? details.data : body;
  const subject = isObject(payload) ? idText(payload.application_id) ?? idText(payload.customer_id) ?? '' : '';
  const millis = typeof time === 'string' ? Date.parse(time) : Number.NaN;
  // Without a time, equal bodies are the only sign of a retry; different events must not collapse into one.
  const when = typeof time === 'string' && time !== '' ? time : `sha256:${createHash('sha256').update(JSON.stringify(body)).digest('base64url')}`;
  return {
    source: 'bond',
    type,
    dedupeKey: `${type}|${when}|${subject}`,
    occurredAt: Number.isNaN(millis) ? receivedAt.toISOString() : new Date(millis).toISOString(),
    payload,
  };
}

function idText(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
