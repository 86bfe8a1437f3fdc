import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { CallerShares } from './caller.share.js';
import type { SharedBudgetStore } from './budget.store.js';
import { FleetScheduler } from './fleet.scheduler.js';
import { HttpTransport } from './http.transport.js';
import { RateLimitWait, RateScheduler, sleep, type Budgets, type RateLimitTable } from './rate.scheduler.js';
import type { RequestScope } from './request.scope.js';
import { ResponseCache, type CacheSettings, type SharedFlights, type SharedResponseStore } from './response.cache.js';
import { UpstreamError, type UpstreamName } from './upstream.error.js';
import type { AttemptOutcome, UpstreamObserver } from './upstream.observer.js';

// One fetch wrapper for both APIs: base URL, query encoding, JSON bodies, gzip, per-attempt
// timeouts, client-side rate limiting per (credential, endpoint), sharing and short caching of
// GETs, 429s honoured for idempotent requests, and typed errors. Everything that leaves this file
// as an error is an UpstreamError without URL, headers or raw body.

export type QueryValue = string | number | boolean | undefined | null | ReadonlyArray<string | number>;

export interface HttpRequest extends RequestScope {
  method: 'GET' | 'POST' | 'PATCH';
  /** The upstream endpoint's name (e.g. "auctions.list"): the unit of rate budgets, TTLs and invalidation. */
  endpoint: string;
  /** Path appended to the base URL, already encoded. */
  path: string;
  query?: Readonly<Record<string, QueryValue>>;
  body?: unknown;
  headers?: Readonly<Record<string, string>>;
  /** Values sent in the body (client secrets, codes) that must not travel on in an upstream's error text. */
  secrets?: readonly string[];
  /** For a write: single kept GET answers it makes stale (an entity by its path), beside the endpoints of `invalidates`. */
  drops?: ReadonlyArray<{ endpoint: string; path: string }>;
}

export interface HttpResponse {
  status: number;
  /** Header names in lower case; repeated headers joined with ", ". A plain Map, not the WHATWG Headers, whose module costs the process about 9 MiB. */
  headers: ReadonlyMap<string, string>;
  /** Parsed JSON, or undefined for an empty body. */
  body: unknown;
  /** Epoch ms the upstream answered: a kept answer keeps the time it was fetched. */
  fetchedAt: number;
}

/** What an API's error body says, in its own words. */
export interface UpstreamErrorBody {
  code?: string | number;
  message?: string;
  details?: string;
  /** The input field the upstream rejected, when it names one. */
  field?: string;
}

export interface HttpClientOptions {
  upstream: UpstreamName;
  baseUrl: string;
  timeoutMs: number;
  headers?: Readonly<Record<string, string>>;
  /** Reads an error body of this API (each has its own shapes); its words go to the log only. */
  describeError: (body: unknown) => UpstreamErrorBody | undefined;
  /** For APIs that can report failure inside a 2xx: the HTTP status that failure stands for, else undefined. */
  failureInBody?: (body: unknown) => number | undefined;
  /** How often a GET answered with 429 is tried again after its Retry-After. */
  maxRateLimitRetries?: number;
  /** Without a request deadline, a 429 asking to wait longer than this fails at once with RATE_LIMITED. */
  maxRetryAfterSeconds?: number;
  /** Client-side budgets; absent means requests go out unthrottled. */
  rateLimits?: RateLimitTable;
  /** GET response TTLs per endpoint (identical in-flight GETs are always shared). */
  cache?: CacheSettings;
  /** After a write to an endpoint, the endpoints whose kept responses (of that credential) are stale. */
  invalidates?: Readonly<Record<string, readonly string[]>>;
  /** Connections kept open to the upstream origin (default 64). */
  maxConnections?: number;
  /** The most of a shared budget one caller may spend (requests carrying `shareOf`); 100 = no limit. */
  callerSharePercent?: number;
  /** Kept answers shared with other gateway processes (Redis); this process's memory only when absent. */
  sharedResponses?: SharedResponseStore;
  /** Identical GETs in flight on other gateway processes joined rather than repeated (Redis). */
  sharedFlights?: SharedFlights;
  /** Budgets kept for the whole fleet (Redis); this process's own when absent. */
  sharedBudgets?: SharedBudgetStore;
  /** Replicas sharing the upstream limits: while the shared budgets are away, each takes 1/fleetSize. */
  fleetSize?: number;
  /** Told about every attempt, 429, budget wait and cache lookup (metrics, readiness, traces). */
  observer?: UpstreamObserver;
}

/** What a client shares with the other gateway processes of a fleet (all absent: a process of its own). */
export type FleetOptions = Pick<HttpClientOptions, 'sharedResponses' | 'sharedFlights' | 'sharedBudgets' | 'fleetSize'>;

export function fleetOptionsOf(options: FleetOptions): FleetOptions {
  const { sharedResponses, sharedFlights, sharedBudgets, fleetSize } = options;
  return { sharedResponses, sharedFlights, sharedBudgets, fleetSize };
}

export class HttpClient {
  readonly upstream: UpstreamName;
  private readonly baseUrl: string;
  private readonly maxRetries: number;
  private readonly maxRetryAfter: number;
  private readonly scheduler: Budgets | undefined;
  private readonly shares: CallerShares | undefined;
  private readonly responses: ResponseCache<HttpResponse>;
  /** Node's HTTP client on a keep-alive pool (see http.transport.ts for why not fetch or undici). */
  private readonly transport: HttpTransport;

  constructor(private readonly options: HttpClientOptions) {
    this.upstream = options.upstream;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.maxRetries = options.maxRateLimitRetries ?? 2;
    this.maxRetryAfter = options.maxRetryAfterSeconds ?? 10;
    const fleetSize = options.fleetSize ?? 1;
    // A slot may count as in flight no longer than an attempt can take, so a replica that died mid-call frees it.
    const inflightMs = options.timeoutMs + 1000;
    this.scheduler = !options.rateLimits
      ? undefined
      : options.sharedBudgets
        ? new FleetScheduler(options.rateLimits, options.sharedBudgets, fleetSize, inflightMs)
        : new RateScheduler(options.rateLimits);
    const percent = options.callerSharePercent ?? 100;
    const budgets = options.sharedBudgets;
    this.shares =
      this.scheduler && percent < 100
        ? new CallerShares(percent, budgets && { client: budgets.shareClient, prefix: budgets.sharePrefix, fleetSize })
        : undefined;
    this.responses = new ResponseCache<HttpResponse>(
      options.cache ?? { ttlMs: {} },
      Date.now,
      options.sharedResponses && {
        store: options.sharedResponses,
        encode: encodeResponse,
        decode: decodeResponse,
        flights: options.sharedFlights,
        // A leader may wait for its budget slot, then try up to 1 + retries times.
        leaseMs: (options.timeoutMs + 1000) * ((options.maxRateLimitRetries ?? 2) + 1),
      },
    );
    this.transport = new HttpTransport(this.baseUrl, options.maxConnections ?? 64);
  }

  /** The upstream said these endpoints changed for everyone (a webhook): no credential's kept answer stands. */
  forget(endpoints: readonly string[]): void {
    void this.responses.invalidate(undefined, endpoints);
  }

  /** The upstream said one entity changed (a webhook): its kept GET answer for the client's own credential goes. */
  async forgetKey(endpoint: string, path: string): Promise<void> {
    await this.responses.invalidateKey(credentialKey(this.options.headers ?? {}), endpoint, path);
  }

  /** Whether answers of this endpoint are kept across requests (a TTL above 0). */
  keeps(endpoint: string): boolean {
    return (this.options.cache?.ttlMs[endpoint] ?? 0) > 0;
  }

  /** Closes the pooled connections (at shutdown). */
  async close(): Promise<void> {
    this.transport.close();
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    if (req.calls) {
      // The bound holds at run time too, for calls no estimate could foresee (closed auctions behind a list).
      if (req.calls.made >= req.calls.max) {
        throw new UpstreamError(
          this.upstream,
          'BAD_REQUEST',
          `This request reached its limit of ${req.calls.max} upstream calls; ask for fewer items per request`,
          { reason: 'TOO_MANY_UPSTREAM_CALLS' },
        );
      }
      req.calls.made++;
    }
    const headers = { ...this.options.headers, ...req.headers };
    const credential = credentialKey(headers);
    if (req.method === 'GET') {
      // A shared GET must not die with the first caller that gave up, so it runs without caller signals.
      const key = req.path + encodeQuery(req.query);
      // A hit is a GET answered without a call of its own: a kept answer, or an identical call in flight.
      let loaded = false;
      const load = () => ((loaded = true), this.send({ ...req, signal: undefined }, credential));
      try {
        return await this.orRateLimited(
          // Only a call that may wait for a budget slot can keep a joiner past its deadline.
          this.responses.get(credential, req.endpoint, key, load, req.signal, this.scheduler ? req.deadline : undefined),
          // Waiting on an identical call that is itself still waiting for the budget.
          (seconds) => `${label(this.upstream)} could not answer this within its wait budget: the same request is still waiting for its rate limit; retry in ${seconds} s`,
        );
      } finally {
        this.options.observer?.onCacheLookup(this.upstream, req.endpoint, !loaded);
      }
    }
    try {
      return await this.send(req, credential);
    } finally {
      // Even a failed write may have been applied upstream.
      const stale = this.options.invalidates?.[req.endpoint];
      if (stale) await this.responses.invalidate(credential, stale);
      for (const drop of req.drops ?? []) await this.responses.invalidateKey(credential, drop.endpoint, drop.path);
    }
  }

  private async send(req: HttpRequest, credential: string): Promise<HttpResponse> {
    // Only reads are replayed: a write that drew a 429 may still have been applied upstream.
    const retriable = req.method === 'GET';
    for (let attempt = 0; ; attempt++) {
      const release = await this.awaitSlot(req, credential);
      let response: HttpResponse;
      try {
        response = await this.attempt(req);
      } finally {
        release();
      }
      const ok = response.status >= 200 && response.status < 300;
      const failure = ok ? this.options.failureInBody?.(response.body) : undefined;
      if (ok && failure === undefined) return response;
      const error = this.errorOf(response, req, failure ?? response.status);
      if (error.kind !== 'RATE_LIMITED') throw error;
      this.options.observer?.onThrottled(this.upstream, req.endpoint);
      const waitMs = (error.retryAfterSeconds ?? 1) * 1000;
      this.scheduler?.penalize(credential, req.endpoint, waitMs);
      const fits = req.deadline !== undefined ? Date.now() + waitMs <= req.deadline : waitMs <= this.maxRetryAfter * 1000;
      if (!retriable || attempt >= this.maxRetries || !fits) throw error;
      if (!this.scheduler) await sleep(waitMs, req.signal);
    }
  }

  private async awaitSlot(req: HttpRequest, credential: string): Promise<() => void> {
    if (!this.scheduler) return () => {};
    const waitStarted = performance.now();
    const limit = this.scheduler.limitOf(req.endpoint);
    const name = label(this.upstream);
    if (this.shares && req.shareOf) {
      const percent = this.shares.percent;
      await this.orRateLimited(
        this.shares.take(req.shareOf, this.scheduler.budgetKey(credential, req.endpoint), limit, req.deadline, req.signal),
        (seconds) => `You have used your share (${percent}%) of the ${name} budget this gateway shares between callers; retry in ${seconds} s`,
      );
    }
    const release = await this.orRateLimited(
      this.scheduler.acquire(credential, req.endpoint, req.deadline, req.signal),
      (seconds) => `${name} allows ${limit.limit} request(s) per ${describePeriod(limit.periodMs)} here; this one would have to wait ${seconds} s`,
    );
    this.options.observer?.onRateWait(this.upstream, performance.now() - waitStarted);
    return release;
  }

  /** A wait that would outlast the operation's deadline becomes RATE_LIMITED with the gateway's own words. */
  private async orRateLimited<T>(wait: Promise<T>, message: (seconds: number) => string): Promise<T> {
    try {
      return await wait;
    } catch (error) {
      if (!(error instanceof RateLimitWait)) throw error;
      const seconds = Math.max(1, Math.ceil(error.waitMs / 1000));
      throw new UpstreamError(this.upstream, 'RATE_LIMITED', message(seconds), { retryAfterSeconds: seconds });
    }
  }

  private async attempt(req: HttpRequest): Promise<HttpResponse> {
    const url = this.baseUrl + req.path + encodeQuery(req.query);
    // A timer cleared as soon as the answer is read: AbortSignal.timeout() would keep every
    // finished request's signal alive until the full timeout ran out.
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new DOMException('upstream timeout', 'TimeoutError'));
    }, this.options.timeoutMs);
    const onCallerAbort = () => controller.abort(req.signal?.reason);
    if (req.signal?.aborted) onCallerAbort();
    else req.signal?.addEventListener('abort', onCallerAbort, { once: true });
    const headers: Record<string, string> = {
      accept: 'application/json',
      'accept-encoding': 'gzip',
      ...this.options.headers,
      ...req.headers,
    };
    let body: string | undefined;
    if (req.body !== undefined) {
      body = JSON.stringify(req.body);
      headers['content-type'] = 'application/json';
    }
    const observer = this.options.observer;
    const trace = observer?.traceAttempt?.(this.upstream, req.endpoint, req.method, headers);
    const started = performance.now();
    let outcome: AttemptOutcome = 'error';
    try {
      const response = await this.transport.send(url, { method: req.method, headers, body, signal: controller.signal });
      const encoding = String(response.headers['content-encoding'] ?? '').toLowerCase();
      const text = (encoding.includes('gzip') ? await gunzipAsync(response.raw) : response.raw).toString('utf8');
      outcome = response.status;
      return {
        status: response.status,
        headers: toHeaders(response.headers),
        body: this.parse(text, response.status),
        fetchedAt: Date.now(),
      };
    } catch (error) {
      const failure = this.transportError(error, timedOut);
      if (typeof outcome !== 'number') outcome = failure.kind === 'TIMEOUT' ? 'timeout' : failure.kind === 'UNAVAILABLE' ? 'unavailable' : 'error';
      throw failure;
    } finally {
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onCallerAbort);
      observer?.onAttempt(this.upstream, req.endpoint, req.method, outcome, performance.now() - started);
      trace?.end(outcome);
    }
  }

  private parse(text: string, status: number): unknown {
    if (text.trim() === '') return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch (cause) {
      // An error status with an HTML or plain-text body still tells us enough through its status.
      if (status >= 400) return undefined;
      throw new UpstreamError(this.upstream, 'ERROR', `${label(this.upstream)} returned a response that is not valid JSON`, {
        status,
        cause,
      });
    }
  }

  private errorOf(response: HttpResponse, req: HttpRequest, status: number): UpstreamError {
    const described = this.options.describeError(response.body) ?? {};
    let retryAfter = parseRetryAfter(response.headers.get('retry-after') ?? null, described.details);
    // A Retry-After beyond the endpoint's documented window would block every caller for nothing.
    const window = this.scheduler?.limitOf(req.endpoint).periodMs;
    if (retryAfter !== undefined && window !== undefined) retryAfter = Math.min(retryAfter, Math.ceil(window / 1000));
    // An upstream may echo what it was sent; the credentials we sent must not travel on in its words.
    const sent = [
      ...Object.values({ ...this.options.headers, ...req.headers }).flatMap((v) => [v, v.replace(/^Bearer\s+/i, '')]),
      ...(req.secrets ?? []),
    ];
    const scrub = (text: string | undefined) => (text === undefined ? undefined : redact(text, sent));
    const upstreamText = [described.message, described.details].filter(Boolean).join(' ');
    return UpstreamError.fromStatus(this.upstream, status, statusMessage(this.upstream, status, retryAfter), {
      code: described.code,
      details: scrub(described.details),
      retryAfterSeconds: retryAfter,
      upstreamText: upstreamText ? scrub(upstreamText) : undefined,
      field: described.field,
    });
  }

  private transportError(error: unknown, timedOut: boolean): UpstreamError {
    if (error instanceof UpstreamError) return error;
    const name = label(this.upstream);
    if (timedOut) {
      return new UpstreamError(this.upstream, 'TIMEOUT', `${name} did not answer within ${this.options.timeoutMs} ms`, {
        cause: error,
      });
    }
    if ((error as Error | undefined)?.name === 'AbortError') {
      return new UpstreamError(this.upstream, 'UNAVAILABLE', `The request to ${name} was cancelled`, { cause: error });
    }
    const code = causeCode(error);
    if (code?.startsWith('Z_')) {
      return new UpstreamError(this.upstream, 'ERROR', `${name} sent a corrupt compressed response`, { cause: error });
    }
    return new UpstreamError(this.upstream, 'UNAVAILABLE', `${name} could not be reached`, { cause: error });
  }
}

/** A kept answer as text for a shared store, and back. */
function encodeResponse(response: HttpResponse): string {
  return JSON.stringify({ status: response.status, headers: [...response.headers], body: response.body, fetchedAt: response.fetchedAt });
}

function decodeResponse(text: string): HttpResponse {
  const { status, headers, body, fetchedAt } = JSON.parse(text) as { status: number; headers: Array<[string, string]>; body: unknown; fetchedAt: number };
  return { status, headers: new Map(headers), body, fetchedAt };
}

export function encodeQuery(query: HttpRequest['query']): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) for (const item of value) params.append(key, String(item));
    else params.append(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** Retry-After in seconds from the header (delta or HTTP date), else from "Retry after N" in the details. */
export function parseRetryAfter(header: string | null, details?: string): number | undefined {
  if (header) {
    if (/^\d+$/.test(header.trim())) return Number(header.trim());
    const date = Date.parse(header);
    if (!Number.isNaN(date)) return Math.max(0, Math.ceil((date - Date.now()) / 1000));
  }
  const match = details ? /retry after (\d+)/i.exec(details) : null;
  return match ? Number(match[1]) : undefined;
}

/** Replaces every occurrence of the given secrets (those long enough to be secrets) with [redacted]. */
export function redact(text: string, secrets: ReadonlyArray<string | undefined>): string {
  let out = text;
  for (const secret of secrets) if (secret && secret.length >= 8) out = out.split(secret).join('[redacted]');
  return out;
}

const gunzipAsync = promisify(gunzip);

function toHeaders(raw: Record<string, string | string[] | undefined>): Map<string, string> {
  const headers = new Map<string, string>();
  for (const [name, value] of Object.entries(raw)) {
    if (value !== undefined) headers.set(name.toLowerCase(), Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}

function causeCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; current && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The gateway's own words for an upstream's error status: upstream text never reaches a client. */
function statusMessage(upstream: UpstreamName, status: number, retryAfter: number | undefined): string {
  const name = label(upstream);
  switch (status) {
    case 400:
    case 409:
    case 415:
    case 422:
      return `${name} rejected the request as invalid (HTTP ${status})`;
    case 401:
      return `${name} refused the credential (HTTP 401)`;
    case 403:
      return `${name} does not allow this credential to do that (HTTP 403)`;
    case 404:
      return `${name} has no such item`;
    case 429:
      return `${name} is throttling requests; retry in ${retryAfter ?? 1} s`;
    case 408:
    case 504:
      return `${name} timed out (HTTP ${status})`;
    default:
      return `${name} answered with HTTP ${status}`;
  }
}

function label(upstream: UpstreamName): string {
  return upstream === 'bondora' ? 'Bondora' : 'Bond';
}

/** A short, stable, non-reversible name for the credential a request carries. */
function credentialKey(headers: Readonly<Record<string, string>>): string {
  const material = Object.entries(headers)
    .filter(([name]) => /^(authorization|identity)$/i.test(name))
    .map(([name, value]) => `${name.toLowerCase()}=${value}`)
    .sort()
    .join('\n');
  return createHash('sha256').update(material).digest('base64url').slice(0, 22);
}

function describePeriod(ms: number): string {
  if (ms % 3_600_000 === 0) return ms === 3_600_000 ? 'hour' : `${ms / 3_600_000} hours`;
  if (ms % 60_000 === 0) return ms === 60_000 ? 'minute' : `${ms / 60_000} minutes`;
  return ms === 1000 ? 'second' : `${ms / 1000} seconds`;
}
