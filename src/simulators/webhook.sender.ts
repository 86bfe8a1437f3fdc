import http from 'node:http';
import https from 'node:https';

// The webhook delivery engine both simulators share: POSTs a fixed body to a URL, re-signing each
// attempt, retries failures with exponential back-off, blocks a webhook after N consecutive failed
// attempts (Bondora's rule; off when unset) and logs every attempt for tests.
//
// Decisions where the upstream docs are silent:
// - A failure is any non-accepted status, a network error or a time-out; all count towards the block.
// - A success resets the count, but only resetErrors() lifts a block (as Bondora's ping/send-test does).
// - Deliveries sent to a blocked webhook are dropped, not queued; nothing replays them after a reset.
// - close() cancels pending retries and aborts attempts in flight; the sender stays usable afterwards.

export interface WebhookSenderOptions {
  /** Per attempt, response body included; default 30 s. */
  timeoutMs?: number;
  /** Delay before the first retry; doubles (times `backoffFactor`) for each further one. Default 1 s. */
  backoffBaseMs?: number;
  /** Default 2. */
  backoffFactor?: number;
  /** Cap of one back-off delay; default 1 h. */
  maxBackoffMs?: number;
  /** Attempts per delivery, the first included; default 8. */
  maxAttempts?: number;
  /** Consecutive failed attempts after which the webhook is blocked; undefined = never. */
  blockAfterErrors?: number;
  /** Which statuses count as delivered; default any 2xx. */
  accepts?: (status: number) => boolean;
}

export interface WebhookDelivery {
  /** What error counts and blocks are kept per (a subscription, or Bondora's one webhook). */
  webhookId: string;
  /** The event's id, for the log; Bond events have none of their own, so the caller names them. */
  eventId: string;
  url: string;
  /** The raw body, identical on every attempt. */
  body: string;
  /** Headers of one attempt, computed afresh each time so dates and signatures stay current. */
  headers(attemptAt: Date): Record<string, string>;
}

export interface DeliveryRecord {
  webhookId: string;
  eventId: string;
  /** 1 for the first attempt. */
  attempt: number;
  /** When the attempt started, epoch ms. */
  at: number;
  /** The receiver's status when it answered. */
  status?: number;
  /** `timeout`, `aborted` or the network error's message, when no status came back. */
  error?: string;
  ok: boolean;
}

interface Job {
  /** The reset() era the job belongs to: the outcome of an older era's attempt is ignored. */
  era: number;
  delivery: WebhookDelivery;
  attempts: number;
  timer?: NodeJS.Timeout;
}

const DEFAULTS = {
  timeoutMs: 30_000,
  backoffBaseMs: 1_000,
  backoffFactor: 2,
  maxBackoffMs: 3_600_000,
  maxAttempts: 8,
} as const;

export class WebhookSender {
  readonly deliveries: DeliveryRecord[] = [];
  private readonly options: Required<Omit<WebhookSenderOptions, 'blockAfterErrors'>> & { blockAfterErrors?: number };
  private readonly jobs = new Set<Job>();
  private readonly inFlight = new Map<Job, AbortController>();
  private readonly errors = new Map<string, number>();
  private readonly blocked = new Set<string>();
  private idleWaiters: Array<() => void> = [];
  private era = 0;
  // No keep-alive, so no pooled socket outlives a delivery or holds a receiver's server open.
  private readonly httpAgent = new http.Agent({ keepAlive: false });
  private readonly httpsAgent = new https.Agent({ keepAlive: false });

  constructor(options: WebhookSenderOptions = {}) {
    this.options = {
      ...DEFAULTS,
      accepts: (status: number) => status >= 200 && status < 300,
      ...stripUndefined(options),
    };
  }

  /** Starts a delivery; false (and nothing sent) when the webhook is blocked. */
  send(delivery: WebhookDelivery): boolean {
    if (this.blocked.has(delivery.webhookId)) return false;
    const job: Job = { era: this.era, delivery, attempts: 0 };
    this.jobs.add(job);
    this.attempt(job);
    return true;
  }

  isBlocked(webhookId: string): boolean {
    return this.blocked.has(webhookId);
  }

  /** Consecutive failed attempts of a webhook since its last success or reset. */
  errorCount(webhookId: string): number {
    return this.errors.get(webhookId) ?? 0;
  }

  /** Clears the failure count and lifts a block. */
  resetErrors(webhookId: string): void {
    this.errors.delete(webhookId);
    this.blocked.delete(webhookId);
  }

  /** Drops the pending retries of one webhook (all when omitted); attempts in flight finish. */
  cancel(webhookId?: string): void {
    for (const job of this.jobs) {
      if (webhookId !== undefined && job.delivery.webhookId !== webhookId) continue;
      if (this.inFlight.has(job)) continue;
      this.finish(job);
    }
  }

  /** Resolves once no delivery is in flight or waiting for a retry. */
  idle(): Promise<void> {
    if (this.jobs.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Cancels every pending retry and aborts attempts in flight; no timer is left running. */
  async close(): Promise<void> {
    for (const controller of this.inFlight.values()) controller.abort();
    this.cancel();
    await this.idle();
  }

  /** Back to a fresh state at once: nothing pending, attempts in flight aborted and unlogged, no counts or blocks, an empty log. */
  reset(): void {
    this.era += 1;
    for (const controller of this.inFlight.values()) controller.abort();
    this.cancel();
    this.errors.clear();
    this.blocked.clear();
    this.deliveries.length = 0;
  }

  private attempt(job: Job): void {
    job.timer = undefined;
    job.attempts += 1;
    const { delivery } = job;
    const at = Date.now();
    const controller = new AbortController();
    this.inFlight.set(job, controller);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.options.timeoutMs);
    timer.unref();

    void this.post(delivery, new Date(at), controller.signal)
      .then(
        (status) => ({ status, ok: this.options.accepts(status) }),
        (error: Error) => ({ error: timedOut ? 'timeout' : controller.signal.aborted ? 'aborted' : error.message, ok: false }),
      )
      .then((outcome) => {
        clearTimeout(timer);
        this.inFlight.delete(job);
        if (job.era !== this.era) return this.finish(job);
        this.deliveries.push({ webhookId: delivery.webhookId, eventId: delivery.eventId, attempt: job.attempts, at, ...outcome });
        this.settle(job, outcome.ok, controller.signal.aborted && !timedOut);
      });
  }

  private settle(job: Job, ok: boolean, aborted: boolean): void {
    const id = job.delivery.webhookId;
    if (ok) {
      if (!this.blocked.has(id)) this.errors.delete(id);
      return this.finish(job);
    }
    if (aborted) return this.finish(job);
    const errors = this.errorCount(id) + 1;
    this.errors.set(id, errors);
    const limit = this.options.blockAfterErrors;
    if (limit !== undefined && errors >= limit) {
      this.blocked.add(id);
      this.finish(job);
      return this.cancel(id);
    }
    if (this.blocked.has(id) || job.attempts >= this.options.maxAttempts) return this.finish(job);
    const { backoffBaseMs, backoffFactor, maxBackoffMs } = this.options;
    const delay = Math.min(maxBackoffMs, backoffBaseMs * backoffFactor ** (job.attempts - 1));
    job.timer = setTimeout(() => this.attempt(job), delay);
    job.timer.unref();
  }

  private finish(job: Job): void {
    if (job.timer) clearTimeout(job.timer);
    job.timer = undefined;
    this.jobs.delete(job);
    if (this.jobs.size > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** One POST; resolves with the status once the response body has been read. */
  private post(delivery: WebhookDelivery, at: Date, signal: AbortSignal): Promise<number> {
    return new Promise((resolve, reject) => {
      const url = new URL(delivery.url);
      const secure = url.protocol === 'https:';
      const request = (secure ? https : http).request(
        url,
        { method: 'POST', headers: delivery.headers(at), agent: secure ? this.httpsAgent : this.httpAgent, signal },
        (response) => {
          response.resume();
          response.on('end', () => resolve(response.statusCode ?? 0));
          response.on('error', reject);
          response.on('close', () => {
            if (!response.complete) reject(new Error('response cut short'));
          });
        },
      );
      request.on('error', reject);
      request.end(delivery.body);
    });
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
