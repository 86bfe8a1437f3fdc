import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { RateLimitWait, sleep, type RateLimit } from './rate.scheduler.js';

// Fair shares of a shared upstream budget: one caller may spend at most `percent` of any budget
// that several callers draw on (the Bond brand key, the gateway's own Bondora token) in its
// window, so one busy caller cannot leave the others RATE_LIMITED. A caller over its share waits
// within the operation's wait budget, like any other rate-limit wait, and past it fails.

export interface ShareLimit {
  points: number;
  durationSeconds: number;
}

/** `percent` of `limit` per its period; below one call per period, one call per a longer period. */
export function shareOf(limit: RateLimit, percent: number): ShareLimit {
  const periodSeconds = limit.periodMs / 1000;
  const share = (limit.limit * percent) / 100;
  if (share >= 1) return { points: Math.floor(share), durationSeconds: periodSeconds };
  return { points: 1, durationSeconds: Math.ceil(periodSeconds / share) };
}

/** Shares kept for the whole fleet: in Redis, each process's part of them while Redis is away. */
export interface SharedShares {
  /** An ioredis connection. */
  client: unknown;
  prefix: string;
  fleetSize: number;
}

export class CallerShares {
  private readonly limiters = new Map<string, RateLimiterAbstract>();

  constructor(
    readonly percent: number,
    private readonly shared?: SharedShares,
  ) {}

  /**
   * Takes one call from `caller`'s share of the budget `budget` (limited by `limit`). Rejects with
   * RateLimitWait, taking nothing, when the share frees up only after `deadline`.
   */
  async take(caller: string, budget: string, limit: RateLimit, deadline?: number, signal?: AbortSignal): Promise<void> {
    if (this.percent >= 100) return;
    const limiter = this.limiter(limit);
    const key = `${budget}\n${caller}`;
    for (;;) {
      try {
        await limiter.consume(key);
        return;
      } catch (error) {
        if (!(error instanceof RateLimiterRes)) throw error;
        // A refused consume still counted a point: give it back so waiting costs nothing.
        await limiter.reward(key);
        const waitMs = Math.max(1, error.msBeforeNext);
        if (deadline !== undefined && Date.now() + waitMs > deadline) throw new RateLimitWait(waitMs);
        await sleep(waitMs, signal);
      }
    }
  }

  private limiter(limit: RateLimit): RateLimiterAbstract {
    const share = shareOf(limit, this.percent);
    const id = `${share.points}/${share.durationSeconds}`;
    let limiter = this.limiters.get(id);
    if (!limiter) {
      limiter = this.shared ? this.fleetLimiter(limit, id) : new RateLimiterMemory({ points: share.points, duration: share.durationSeconds });
      this.limiters.set(id, limiter);
    }
    return limiter;
  }

  /** One share across the fleet; while Redis cannot answer, this process's part of it (the insurance). */
  private fleetLimiter(limit: RateLimit, id: string): RateLimiterAbstract {
    const { client, prefix, fleetSize } = this.shared!;
    const share = shareOf(limit, this.percent);
    const part = shareOf({ ...limit, limit: limit.limit / Math.max(1, fleetSize) }, this.percent);
    return new RateLimiterRedis({
      storeClient: client,
      keyPrefix: `${prefix}share:${id}`,
      points: share.points,
      duration: share.durationSeconds,
      // Fail over at once rather than queue behind a reconnecting client.
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory({ points: part.points, duration: part.durationSeconds }),
    });
  }
}
