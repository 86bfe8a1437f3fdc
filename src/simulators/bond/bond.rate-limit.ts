// Bond allows 1000 API calls per minute. The limiter keeps a sliding one-minute window of
// accepted calls per key (the Identity) and tells a caller over the limit how long to wait.

const WINDOW_MS = 60_000;

export class BondRateLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(
    readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts a call; returns the Retry-After seconds when the key is over its limit (the call is not counted). */
  take(key: string): number | undefined {
    const now = this.now();
    const hits = this.hits.get(key) ?? [];
    while (hits.length > 0 && hits[0]! <= now - WINDOW_MS) hits.shift();
    this.hits.set(key, hits);
    if (hits.length >= this.perMinute) {
      return Math.max(1, Math.ceil((hits[0]! + WINDOW_MS - now) / 1000));
    }
    hits.push(now);
    return undefined;
  }

  clear(): void {
    this.hits.clear();
  }
}
