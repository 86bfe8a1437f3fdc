import type { RateLimitTable } from '../rate.scheduler.js';

/** Bond: 1000 calls per minute across all calls of one API key. */
export const BOND_RATE_LIMITS: RateLimitTable = {
  default: { limit: 1000, periodMs: 60_000, scope: 'credential' },
};

const APPLICATION_WRITE_STALE = ['applications.list', 'application.get'];
export const BOND_INVALIDATES: Readonly<Record<string, readonly string[]>> = {
  'application.update': APPLICATION_WRITE_STALE,
  'application.create': APPLICATION_WRITE_STALE,
  'application.submit': APPLICATION_WRITE_STALE,
};
