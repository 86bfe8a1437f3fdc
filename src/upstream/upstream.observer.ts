import type { UpstreamName } from './upstream.error.js';

// What the upstream layer tells the outside about its traffic, without knowing who listens
// (metrics, readiness, traces). Every method must be cheap and must not throw: it runs on the
// hot path of every upstream call.

/** An attempt's outcome: the HTTP status the upstream answered, or why there was no answer. */
export type AttemptOutcome = number | 'timeout' | 'unavailable' | 'error';

export interface AttemptTrace {
  /** Called once the attempt has an outcome. */
  end(outcome: AttemptOutcome): void;
}

export interface UpstreamObserver {
  /** One request actually sent (each retry is an attempt of its own). */
  onAttempt(upstream: UpstreamName, endpoint: string, method: string, outcome: AttemptOutcome, durationMs: number): void;
  /** The upstream answered 429 (or its in-body equivalent). */
  onThrottled(upstream: UpstreamName, endpoint: string): void;
  /** How long a request waited for its budget slot and its caller's share. */
  onRateWait(upstream: UpstreamName, ms: number): void;
  /** A GET answered without a call of its own (kept answer, or an identical call in flight) or not. */
  onCacheLookup(upstream: UpstreamName, endpoint: string, hit: boolean): void;
  /** Tracing: opens a span for the attempt and writes its context into the outgoing headers. */
  traceAttempt?(upstream: UpstreamName, endpoint: string, method: string, headers: Record<string, string>): AttemptTrace;
}

/** Several observers as one (metrics and readiness and traces). */
export function observers(...list: ReadonlyArray<UpstreamObserver | undefined>): UpstreamObserver | undefined {
  const all = list.filter((o): o is UpstreamObserver => o !== undefined);
  if (all.length <= 1) return all[0];
  const tracers = all.filter((o) => o.traceAttempt);
  return {
    onAttempt: (...args) => all.forEach((o) => o.onAttempt(...args)),
    onThrottled: (...args) => all.forEach((o) => o.onThrottled(...args)),
    onRateWait: (...args) => all.forEach((o) => o.onRateWait(...args)),
    onCacheLookup: (...args) => all.forEach((o) => o.onCacheLookup(...args)),
    ...(tracers.length ? { traceAttempt: (...args) => tracers[0]!.traceAttempt!(...args) } : {}),
  };
}
