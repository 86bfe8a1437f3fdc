import { UpstreamError, type UpstreamName } from './upstream.error.js';

// One fetch wrapper for both APIs: base URL, query encoding, JSON bodies, gzip, per-attempt
// timeouts, bounded 429 retries for idempotent requests, and typed errors. Everything that
// leaves this file as an error is an UpstreamError without URL, headers or raw body.

export type QueryValue = string | number | boolean | undefined | null | ReadonlyArray<string | number>;

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PATCH';
  /** Path appended to the base URL, already encoded. */
  path: string;
  query?: Readonly<Record<string, QueryValue>>;
  body?: unknown;
  headers?: Readonly<Record<string, string>>;
  /** Cancels the request and any wait for a retry (e.g. when the GraphQL operation is abandoned). */
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON, or undefined for an empty body. */
  body: unknown;
}

/** What an API's error body says, in its own words. */
export interface UpstreamErrorBody {
  code?: string | number;
  message?: string;
  details?: string;
}

export interface HttpClientOptions {
  upstream: UpstreamName;
  baseUrl: string;
  timeoutMs: number;
  headers?: Readonly<Record<string, string>>;
  /** Reads an error body of this API (each has its own shapes). */
  describeError: (body: unknown) => UpstreamErrorBody | undefined;
  /** For APIs that can report failure inside a 2xx: the HTTP status that failure stands for, else undefined. */
  failureInBody?: (body: unknown) => number | undefined;
  /** How often a GET answered with 429 is tried again after its Retry-After. */
  maxRateLimitRetries?: number;
  /** A 429 asking to wait longer than this fails at once with RATE_LIMITED instead of waiting. */
  maxRetryAfterSeconds?: number;
}

export class HttpClient {
  readonly upstream: UpstreamName;
  private readonly baseUrl: string;
  private readonly maxRetries: number;
  private readonly maxRetryAfter: number;

  constructor(private readonly options: HttpClientOptions) {
    this.upstream = options.upstream;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.maxRetries = options.maxRateLimitRetries ?? 2;
    this.maxRetryAfter = options.maxRetryAfterSeconds ?? 10;
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    // Only reads are replayed: a write that drew a 429 may still have been applied upstream.
    const retriable = req.method === 'GET';
    for (let attempt = 0; ; attempt++) {
      const response = await this.attempt(req);
      const ok = response.status >= 200 && response.status < 300;
      const failure = ok ? this.options.failureInBody?.(response.body) : undefined;
      if (ok && failure === undefined) return response;
      const error = this.errorOf(response, req, failure ?? response.status);
      const wait = error.retryAfterSeconds;
      if (
        error.kind === 'RATE_LIMITED' &&
        retriable &&
        attempt < this.maxRetries &&
        wait !== undefined &&
        wait <= this.maxRetryAfter
      ) {
        await sleep(wait * 1000, req.signal);
        continue;
      }
      throw error;
    }
  }

  private async attempt(req: HttpRequest): Promise<HttpResponse> {
    const url = this.baseUrl + req.path + encodeQuery(req.query);
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
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
    try {
      const response = await fetch(url, { method: req.method, headers, body, signal });
      const text = await response.text();
      return { status: response.status, headers: response.headers, body: this.parse(text, response.status) };
    } catch (error) {
      throw this.transportError(error, timeout);
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
    const retryAfter = parseRetryAfter(response.headers.get('retry-after'), described.details);
    // An upstream may echo what it was sent; the credentials we sent must not travel on in its words.
    const sent = Object.values({ ...this.options.headers, ...req.headers }).flatMap((v) => [v, v.replace(/^Bearer\s+/i, '')]);
    const scrub = (text: string | undefined) => (text === undefined ? undefined : redact(text, sent));
    return UpstreamError.fromStatus(
      this.upstream,
      status,
      scrub(described.message) ?? `${label(this.upstream)} answered with HTTP ${status}`,
      { code: described.code, details: scrub(described.details), retryAfterSeconds: retryAfter },
    );
  }

  private transportError(error: unknown, timeout: AbortSignal): UpstreamError {
    if (error instanceof UpstreamError) return error;
    const name = label(this.upstream);
    if (timeout.aborted) {
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

function causeCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; current && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function label(upstream: UpstreamName): string {
  return upstream === 'bondora' ? 'Bondora' : 'Bond';
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
