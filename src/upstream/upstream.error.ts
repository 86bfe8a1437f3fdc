// The one error type the upstream layer throws. It carries what the GraphQL edge needs to map it
// (kind, upstream, retry hint, a message the gateway wrote) and never a URL, header or raw body.
// The upstream's own words travel separately, scrubbed, for the log only.

export type UpstreamName = 'bondora' | 'bond';

export type UpstreamErrorKind =
  | 'NOT_FOUND'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'BAD_REQUEST'
  | 'RATE_LIMITED'
  | 'TIMEOUT'
  | 'UNAVAILABLE'
  | 'ERROR';

export interface UpstreamErrorDetails {
  status?: number;
  /** The upstream's own error code (Bondora's numeric Code, Bond's string Code). */
  code?: string | number;
  details?: string;
  retryAfterSeconds?: number;
  cause?: unknown;
  /** A finer cause a client can act on (BONDORA_NOT_CONNECTED, TOO_MANY_UPSTREAM_CALLS). */
  reason?: string;
  /** What the upstream said, scrubbed of what we sent it: for the log, never for a client. */
  upstreamText?: string;
  /** The upstream's name of the input field it rejected, when it named one. */
  field?: string;
}

/** The error contract's code for each kind (DESIGN.md "Error contract"). */
export const CODE_OF_KIND: Readonly<Record<UpstreamErrorKind, string>> = {
  NOT_FOUND: 'NOT_FOUND',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  BAD_REQUEST: 'BAD_USER_INPUT',
  RATE_LIMITED: 'RATE_LIMITED',
  TIMEOUT: 'UPSTREAM_TIMEOUT',
  UNAVAILABLE: 'UPSTREAM_UNAVAILABLE',
  ERROR: 'UPSTREAM_ERROR',
};

export class UpstreamError extends Error {
  readonly status: number | undefined;
  readonly code: string | number | undefined;
  readonly details: string | undefined;
  readonly retryAfterSeconds: number | undefined;
  readonly reason: string | undefined;
  readonly upstreamText: string | undefined;
  readonly field: string | undefined;

  constructor(
    readonly upstream: UpstreamName,
    readonly kind: UpstreamErrorKind,
    message: string,
    extra: UpstreamErrorDetails = {},
  ) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = 'UpstreamError';
    this.status = extra.status;
    this.code = extra.code;
    this.details = extra.details;
    this.retryAfterSeconds = extra.retryAfterSeconds;
    this.reason = extra.reason;
    this.upstreamText = extra.upstreamText;
    this.field = extra.field;
  }

  /**
   * The error's client-facing extensions. graphql-js copies an original error's `extensions` into
   * the GraphQLError it wraps it in, so the code survives paths that serialise results without the
   * gateway's formatter (a router's subscription callbacks).
   */
  get extensions(): Record<string, unknown> {
    return {
      code: CODE_OF_KIND[this.kind],
      upstream: this.upstream,
      ...(this.kind === 'RATE_LIMITED' ? { retryAfterSeconds: this.retryAfterSeconds ?? 1 } : {}),
      ...(this.reason ? { reason: this.reason } : {}),
    };
  }

  static fromStatus(upstream: UpstreamName, status: number, message: string, extra: UpstreamErrorDetails = {}): UpstreamError {
    return new UpstreamError(upstream, kindOfStatus(status), message, { ...extra, status });
  }
}

export function kindOfStatus(status: number): UpstreamErrorKind {
  switch (status) {
    case 400:
    case 409:
    case 415:
    case 422:
      return 'BAD_REQUEST';
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'FORBIDDEN';
    case 404:
      return 'NOT_FOUND';
    case 429:
      return 'RATE_LIMITED';
    case 408:
    case 504:
      return 'TIMEOUT';
    case 502:
    case 503:
      return 'UNAVAILABLE';
    default:
      return 'ERROR';
  }
}
