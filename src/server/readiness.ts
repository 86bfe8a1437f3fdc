import { HttpTransport } from '../upstream/http.transport.js';
import type { UpstreamName } from '../upstream/upstream.error.js';
import type { UpstreamObserver } from '../upstream/upstream.observer.js';

// What /readyz asks: each check says whether this replica can do its job fully (ok), only in part
// (degraded: it still serves, so a load balancer must keep it), or not at all (down). Extra checks
// (Redis) come from main.ts; the upstream checks are built in.

export type CheckStatus = 'ok' | 'degraded' | 'down';

export interface CheckResult {
  status: CheckStatus;
  reason?: string;
}

export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<CheckResult>;
}

export interface UpstreamReadinessOptions {
  /** An answer (any HTTP status) this recent proves the upstream reachable without a probe (60 s). */
  windowMs?: number;
  /** How long a probe's result stands, so a load balancer polling /readyz does not poll the upstream (10 s). */
  probeTtlMs?: number;
  /** How long a probe waits for any answer (2 s). */
  probeTimeoutMs?: number;
  now?: () => number;
}

/**
 * Reachability of one upstream: fed by the observer with every answer the gateway gets anyway, and
 * probed (GET of the base URL's origin: any HTTP answer will do) only when none came recently.
 */
export class UpstreamReadiness implements ReadinessCheck {
  private lastAnswerAt = Number.NEGATIVE_INFINITY;
  private probed: { at: number; result: Promise<CheckResult> } | undefined;
  private readonly windowMs: number;
  private readonly probeTtlMs: number;
  private readonly probeTimeoutMs: number;
  private readonly now: () => number;
  private readonly origin: string;
  private readonly transport: HttpTransport;

  constructor(
    readonly name: UpstreamName,
    baseUrl: string,
    options: UpstreamReadinessOptions = {},
  ) {
    this.windowMs = options.windowMs ?? 60_000;
    this.probeTtlMs = options.probeTtlMs ?? 10_000;
    this.probeTimeoutMs = options.probeTimeoutMs ?? 2_000;
    this.now = options.now ?? Date.now;
    // The origin alone: no path, and never the credentials a URL may carry.
    this.origin = new URL(baseUrl).origin;
    this.transport = new HttpTransport(this.origin, 1, false);
  }

  /** The upstream answered something (any status): it is reachable. */
  answered(): void {
    this.lastAnswerAt = this.now();
  }

  async check(): Promise<CheckResult> {
    const now = this.now();
    if (now - this.lastAnswerAt <= this.windowMs) return { status: 'ok' };
    if (!this.probed || now - this.probed.at > this.probeTtlMs) this.probed = { at: now, result: this.probe() };
    return this.probed.result;
  }

  private async probe(): Promise<CheckResult> {
    try {
      // Any answer, a redirect included, shows the upstream reachable; its body is not looked at.
      await this.transport.send(this.origin, { method: 'GET', headers: {}, signal: AbortSignal.timeout(this.probeTimeoutMs) });
      return { status: 'ok' };
    } catch (error) {
      return { status: 'degraded', reason: `${this.name === 'bondora' ? 'Bondora' : 'Bond'} could not be reached: ${describeFailure(error, this.probeTimeoutMs)}` };
    }
  }
}

/** Marks each upstream reachable whenever it answers anything: no probe while traffic flows. */
export function readinessObserver(checks: readonly UpstreamReadiness[]): UpstreamObserver {
  const byName = new Map(checks.map((c) => [c.name as string, c]));
  return {
    onAttempt: (upstream, _endpoint, _method, outcome) => {
      if (typeof outcome === 'number') byName.get(upstream)?.answered();
    },
    onThrottled: () => {},
    onRateWait: () => {},
    onCacheLookup: () => {},
  };
}

/** Why a probe failed, in words that name no URL (a code such as ECONNREFUSED, or the timeout). */
function describeFailure(error: unknown, timeoutMs: number): string {
  const chain: unknown[] = [];
  for (let e: unknown = error; e && chain.length < 4; e = (e as { cause?: unknown }).cause) chain.push(e);
  // The abort our timeout caused carries the TimeoutError as its cause.
  if (chain.some((e) => (e as Error).name === 'TimeoutError')) return `no answer within ${timeoutMs / 1000} s`;
  const code = chain.map((e) => (e as { code?: unknown }).code).find((c): c is string => typeof c === 'string');
  return code ?? 'the connection failed';
}

/** Runs every check at once; a check that throws or hangs counts as down, never as the whole answer. */
export async function runChecks(checks: readonly ReadinessCheck[], timeoutMs = 5_000): Promise<Record<string, CheckResult>> {
  const results = await Promise.all(
    checks.map(async (c): Promise<[string, CheckResult]> => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<CheckResult>((resolve) => {
        timer = setTimeout(() => resolve({ status: 'down', reason: `no answer within ${timeoutMs / 1000} s` }), timeoutMs);
      });
      try {
        const result = await Promise.race([c.check(), timeout]);
        return [c.name, result.reason === undefined ? { status: result.status } : { status: result.status, reason: result.reason }];
      } catch {
        return [c.name, { status: 'down', reason: 'the check failed' }];
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return Object.fromEntries(results);
}
