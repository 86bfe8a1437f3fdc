// Bondora throttles per user and per endpoint with fixed windows (WebApiThrottle style): the first
// request opens a window of `periodSeconds`, and at most `limit` requests fit in it.

export interface RateLimitRule {
  limit: number;
  periodSeconds: number;
}

/**
 * Documented limits by route name. The 2015 default of 1 per Second still applies to the auction
 * and bid endpoints; the hourly entries come from the ChangeLog and are kept so the table stays
 * generic for the account routes.
 */
export const BONDORA_RATE_LIMITS: Readonly<Record<string, RateLimitRule>> = {
  'auctions.list': { limit: 1, periodSeconds: 1 },
  'auction.get': { limit: 1, periodSeconds: 1 },
  'bids.list': { limit: 1, periodSeconds: 1 },
  'bid.get': { limit: 1, periodSeconds: 1 },
  'bid.place': { limit: 1, periodSeconds: 1 },
  'bid.cancel': { limit: 1, periodSeconds: 1 },
  'account.balance': { limit: 12, periodSeconds: 3600 },
  'account.investments': { limit: 5, periodSeconds: 3600 },
};

export interface RateLimitRejection {
  rule: RateLimitRule;
  retryAfterSeconds: number;
}

interface Window {
  startedAt: number;
  count: number;
}

export class BondoraRateLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly rules: Readonly<Record<string, RateLimitRule>>,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one request; returns the rejection when the budget of this token and route is spent. */
  take(token: string, route: string): RateLimitRejection | undefined {
    const rule = this.rules[route];
    if (!rule) return undefined;
    const key = `${route}\u0000${token}`;
    const now = this.now();
    const periodMs = rule.periodSeconds * 1000;
    let window = this.windows.get(key);
    if (!window || now - window.startedAt >= periodMs) {
      window = { startedAt: now, count: 0 };
      this.windows.set(key, window);
    }
    if (window.count >= rule.limit) {
      const retryAfterSeconds = Math.max(1, Math.ceil((window.startedAt + periodMs - now) / 1000));
      return { rule, retryAfterSeconds };
    }
    window.count += 1;
    return undefined;
  }

  reset(): void {
    this.windows.clear();
  }
}

/** "Second", "Minute", "Hour", "Day" as WebApiThrottle names its periods; other lengths in seconds. */
export function periodName(periodSeconds: number): string {
  switch (periodSeconds) {
    case 1:
      return 'Second';
    case 60:
      return 'Minute';
    case 3600:
      return 'Hour';
    case 86400:
      return 'Day';
    default:
      return `${periodSeconds} Seconds`;
  }
}

export function quotaExceededMessage(rule: RateLimitRule): string {
  return `API calls quota exceeded! maximum admitted ${rule.limit} per ${periodName(rule.periodSeconds)}.`;
}

/** Resolves the `rateLimits` option: false/undefined = off, true = documented, table = documented with overrides. */
export function resolveRateLimits(
  option: boolean | Partial<Record<string, RateLimitRule>> | undefined,
): Record<string, RateLimitRule> | undefined {
  if (!option) return undefined;
  if (option === true) return { ...BONDORA_RATE_LIMITS };
  const merged: Record<string, RateLimitRule> = { ...BONDORA_RATE_LIMITS };
  for (const [route, rule] of Object.entries(option)) if (rule) merged[route] = rule;
  return merged;
}
