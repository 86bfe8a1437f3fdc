import type { RateLimit, RateLimitTable } from '../rate.scheduler.js';

// Bondora throttles per user and endpoint (reference section 3): 1 request per second by default,
// with hourly budgets on the account and secondary-market endpoints.

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

/** A bid write changes the investor's bids and the auctions' UserBids/UserBidAmount. */
const BID_WRITE_STALE = ['bids.list', 'bid.get', 'auctions.list', 'auction.get'];
export const BONDORA_INVALIDATES: Readonly<Record<string, readonly string[]>> = {
  'bid.place': BID_WRITE_STALE,
  'bid.cancel': BID_WRITE_STALE,
};
