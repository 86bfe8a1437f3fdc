// Bondora throttles per user and per endpoint with fixed windows (WebApiThrottle style): the first
// request opens a window of `periodSeconds`, and at most `limit` requests fit in it.

export interface RateLimitRule {
  limit: number;
  periodSeconds: number;
}

const perSecond: RateLimitRule = { limit: 1, periodSeconds: 1 };
const perHour = (limit: number): RateLimitRule => ({ limit, periodSeconds: 3600 });

/**
 * Documented limits by route name (reference section 3); route names match the client's
 * endpoint names in upstream/bondora/bondora.limits.ts. The hourly entries come from the ChangeLog;
 * everything else keeps the 2015 default of 1 per Second. GET and POST of a /list endpoint share
 * one route name, so one budget.
 */
export const BONDORA_RATE_LIMITS: Readonly<Record<string, RateLimitRule>> = {
  'auctions.list': perSecond,
  'auction.get': perSecond,
  'bids.list': perSecond,
  'bid.get': perSecond,
  'bid.place': perSecond,
  'bid.cancel': perSecond,
  'account.balance': perHour(12),
  'account.investments': perHour(5),
  'eventlog.list': perSecond,
  'secondarymarket.search': perHour(5),
  'secondarymarket.get': perHour(5),
  'secondarymarket.list': perHour(12),
  'secondarymarket.buy': perSecond,
  'secondarymarket.sell': perSecond,
  'secondarymarket.cancel': perSecond,
  'secondarymarket.item.cancel': perSecond,
  'loanpart.get': perSecond,
  'loanpart.list': perHour(12),
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
