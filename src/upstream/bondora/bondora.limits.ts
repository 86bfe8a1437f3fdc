import type { RateLimit, RateLimitTable } from '../rate.scheduler.js';

// Bondora throttles per user and endpoint (reference section 3): 1 request per second by default,
// with hourly budgets on the account and secondary-market endpoints. Endpoint names are the
// client's (BondoraClient) and the simulator's route names alike:
//   auctions.list auction.get bids.list bid.get bid.place bid.cancel       1/s
//   account.balance 12/h  account.investments 5/h  eventlog.list 1/s
//   secondarymarket.search (GET secondarymarket) 5/h  secondarymarket.get 5/h
//   secondarymarket.list (GET+POST /list) 12/h  loanpart.list (GET+POST /list) 12/h  loanpart.get 1/s
//   secondarymarket.buy .sell .cancel .item.cancel (POST {id}/cancel)    1/s

const perSecond = (limit: number): RateLimit => ({ limit, periodMs: 1000, scope: 'endpoint' });
const perHour = (limit: number): RateLimit => ({ limit, periodMs: 3_600_000, scope: 'endpoint' });

export const BONDORA_RATE_LIMITS: RateLimitTable = {
  default: perSecond(1),
  endpoints: {
    'account.balance': perHour(12),
    'account.investments': perHour(5),
    'loanpart.list': perHour(12),
    'secondarymarket.list': perHour(12),
    'secondarymarket.search': perHour(5),
    'secondarymarket.get': perHour(5),
  },
};

/** Hot lists kept briefly per credential (the TTL itself is configuration). */
export const BONDORA_CACHED_LISTS = ['auctions.list', 'bids.list'] as const;

/**
 * Endpoints whose hourly budget is too small to spend per request: each credential's last answer is
 * kept for one average slot of the budget in effect (period / limit: the balance 5 minutes, the
 * investments 12), and shared by every request of that credential meanwhile. Without budgets
 * (an upstream that does not throttle) nothing is kept.
 */
export const BONDORA_WINDOW_CACHED = ['account.balance', 'account.investments'] as const;

/** TTL per window-cached endpoint under a budget table: one average slot of its budget. */
export function windowCacheTtls(limits: RateLimitTable | undefined): Record<string, number> {
  if (!limits) return {};
  return Object.fromEntries(
    BONDORA_WINDOW_CACHED.map((endpoint) => {
      const limit = limits.endpoints?.[endpoint] ?? limits.default;
      return [endpoint, Math.ceil(limit.periodMs / limit.limit)];
    }),
  );
}

/**
 * After a write, the endpoints whose kept answers are stale. A bid write changes the investor's
 * bids, the auctions' UserBids/UserBidAmount, the balance's BidRequestAmount and the event log.
 * A secondary-market write moves money and loan parts and changes what is on sale.
 */
const BID_WRITE_STALE = ['bids.list', 'bid.get', 'auctions.list', 'auction.get', 'account.balance', 'eventlog.list'];
const MARKET_WRITE_STALE = [
  'account.balance',
  'account.investments',
  'secondarymarket.search',
  'secondarymarket.get',
  'secondarymarket.list',
  'loanpart.get',
  'loanpart.list',
  'eventlog.list',
];
export const BONDORA_INVALIDATES: Readonly<Record<string, readonly string[]>> = {
  'bid.place': BID_WRITE_STALE,
  'bid.cancel': BID_WRITE_STALE,
  'secondarymarket.buy': MARKET_WRITE_STALE,
  'secondarymarket.sell': MARKET_WRITE_STALE,
  'secondarymarket.cancel': MARKET_WRITE_STALE,
  'secondarymarket.item.cancel': MARKET_WRITE_STALE,
};
