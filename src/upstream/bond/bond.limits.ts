import type { RateLimitTable } from '../rate.scheduler.js';

/** Bond: 1000 calls per minute across all calls of one API key. */
export const BOND_RATE_LIMITS: RateLimitTable = {
  default: { limit: 1000, periodMs: 60_000, scope: 'credential' },
};

// A write drops the one application it touched from the kept `application.get` answers (BondClient's
// `drops`): the key is the brand's, so dropping the whole endpoint would empty every customer's.
const APPLICATION_WRITE_STALE = ['applications.list'];
export const BOND_INVALIDATES: Readonly<Record<string, readonly string[]>> = {
  'application.update': APPLICATION_WRITE_STALE,
  'application.create': APPLICATION_WRITE_STALE,
  'application.submit': APPLICATION_WRITE_STALE,
};
