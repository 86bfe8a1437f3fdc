import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import type { WebhooksConfig } from '../config.js';
import type { Logger } from '../server/logger.js';
import { verifyBondSignature } from './bond.signature.js';
import { verifyBondoraSignature } from './bondora.signature.js';
import type { EventLog, IncomingEvent, LoggedEvent } from './event.log.js';
import { WebhookBodyError, bondIncomingEvent, bondoraIncomingEvent, parseWebhookJson } from './webhook.events.js';

// POST /webhooks/bondora and POST /webhooks/bond. The raw bytes are read (whatever the Content-Type
// claims), their signature is verified, and only then are they parsed; an accepted event is recorded
// before the answer, and nothing slow happens before it, because both upstreams retry (or, Bondora,
// block the hook after 25 errors) when the answer is late or not 2xx. A redelivery answers 200 with
// `duplicate: true` and is recorded and published once.

export const BONDORA_WEBHOOK_PATH = '/webhooks/bondora';
export const BOND_WEBHOOK_PATH = '/webhooks/bond';
export const WEBHOOK_BODY_LIMIT = 256 * 1024;

export interface WebhookRoutesOptions {
  config: WebhooksConfig;
  /** The gateway's own URL, used when config.publicUrl is unset. */
  publicUrl: () => string;
  log: EventLog;
  logger: Logger;
  /** Called after a non-duplicate append (e.g. to drop a cache); must not be slow. */
  onEvent?: (event: LoggedEvent) => void;
  /** Told each delivery's fate (metrics): refused (signature or body), recorded, or a redelivery. */
  onDelivery?: (source: IncomingEvent['source'], result: 'accepted' | 'duplicate' | 'rejected') => void;
}

type Verdict = { ok: true; keyId?: string } | { ok: false; reason: string };

interface Receiver {
  source: IncomingEvent['source'];
  verify(req: Request, rawBody: Buffer): Verdict;
  map(body: unknown): IncomingEvent;
}

export function webhookRoutes(options: WebhookRoutesOptions): Router {
  const { config, log, logger, onEvent, onDelivery } = options;
  const parser = express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT });

  const fail = (res: Response, status: number, code: string, message: string): void => {
    res.status(status).set('Cache-Control', 'no-store').json({ error: { code, message } });
  };

  // Body-parser's errors are answered here, so a too-large delivery never reaches the app's error page.
  const readBody: RequestHandler = (req, res, next) => {
    parser(req, res, (error?: unknown) => {
      if (error === undefined || error === null) return next();
      const status = (error as { status?: number }).status;
      if (status === 413) return fail(res, 413, 'PAYLOAD_TOO_LARGE', `A webhook body may hold at most ${WEBHOOK_BODY_LIMIT} bytes`);
      if (typeof status === 'number' && status >= 400 && status < 500) return fail(res, status, 'BAD_REQUEST', 'The webhook body could not be read');
      next(error);
    });
  };

  const receive = (receiver: Receiver): RequestHandler =>
    async (req, res) => {
      const { source } = receiver;
      if (req.body !== undefined && !Buffer.isBuffer(req.body)) {
        logger.error('webhook body was parsed before its signature was checked; mount webhookRoutes before any body parser', { source });
        return fail(res, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error');
      }
      const rawBody: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);

      const verdict = receiver.verify(req, rawBody);
      if (!verdict.ok) {
        logger.warn('webhook refused', { source, reason: verdict.reason });
        onDelivery?.(source, 'rejected');
        return fail(res, 401, 'UNAUTHENTICATED', 'The webhook signature is missing or invalid');
      }

      let incoming: IncomingEvent;
      try {
        incoming = receiver.map(parseWebhookJson(rawBody));
      } catch (error) {
        if (!(error instanceof WebhookBodyError)) throw error;
        logger.warn('webhook body refused', { source, reason: error.message });
        onDelivery?.(source, 'rejected');
        return fail(res, 400, 'BAD_REQUEST', error.message);
      }

      let appended: Awaited<ReturnType<EventLog['append']>>;
      try {
        appended = await log.append(incoming);
      } catch (error) {
        // Not recorded, so the upstream must retry: a 2xx here would lose the event.
        logger.error('webhook could not be recorded', { source, type: incoming.type, error: (error as Error).message });
        return fail(res, 503, 'UNAVAILABLE', 'The event could not be recorded; retry later');
      }
      const { event, duplicate } = appended;
      logger.info('webhook received', { source, type: event.type, cursor: event.cursor, duplicate, keyId: verdict.keyId });
      onDelivery?.(source, duplicate ? 'duplicate' : 'accepted');
      if (!duplicate && onEvent) {
        try {
          onEvent(event);
        } catch (error) {
          logger.error('webhook onEvent hook failed', { source, type: event.type, error: (error as Error).message });
        }
      }
      res.status(200).set('Cache-Control', 'no-store').json({ received: true, duplicate });
    };

  const bondora: Receiver = {
    source: 'bondora',
    verify: (req, rawBody) => {
      const target = publicTarget(config.publicUrl ?? options.publicUrl(), req.originalUrl);
      return verifyBondoraSignature(
        { method: req.method, path: target.path, headers: headerRecord(req), rawBody },
        { keys: config.bondoraKeys, host: target.host, toleranceSeconds: config.toleranceSeconds },
      );
    },
    map: (body) => bondoraIncomingEvent(body),
  };

  const bond: Receiver = {
    source: 'bond',
    verify: (req, rawBody) =>
      verifyBondSignature(rawBody, req.get('bond-signature'), { secrets: config.bondSecrets, toleranceSeconds: config.toleranceSeconds }),
    map: (body) => bondIncomingEvent(body),
  };

  const router = express.Router();
  router.post(BONDORA_WEBHOOK_PATH, readBody, receive(bondora));
  router.post(BOND_WEBHOOK_PATH, readBody, receive(bond));
  return router;
}

/**
 * The host and request target Bondora signed: the host of the public URL, and the received path
 * behind the public URL's path when a proxy strips that prefix before the gateway sees the request.
 */
export function publicTarget(publicUrl: string, receivedPath: string): { host: string; path: string } {
  const url = new URL(publicUrl);
  const prefix = url.pathname.replace(/\/+$/, '');
  const path = prefix === '' || receivedPath.startsWith(`${prefix}/`) ? receivedPath : `${prefix}${receivedPath}`;
  return { host: url.host, path };
}

function headerRecord(req: Request): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  return headers;
}
