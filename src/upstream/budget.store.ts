import type { RateLimit } from './rate.scheduler.js';

// Upstream budgets that several gateway processes draw on together. Bondora and Bond count requests
// per credential, not per process: three replicas each keeping "1 per second" would send three. The
// store keeps one window of slots per budget for the whole fleet (Redis, atomically); while it is
// unreachable each process falls back to its own share of the limit (see fleet.scheduler.ts).

export interface SharedBudgetStore {
  /** False while the store cannot be used: callers take their local share instead of waiting on it. */
  readonly available: boolean;
  /**
   * Takes a slot named `slot` in `budget` when one is free and no earlier waiter is still waiting
   * for it, and answers 0; otherwise takes nothing, keeps the waiter's place (first asked, first
   * served, across processes) and answers how many ms to wait before asking again. A taken slot counts as in flight until
   * `answered` (at most `inflightMs`, so a process that died mid-call cannot hold it for ever).
   */
  take(budget: string, limit: RateLimit, slot: string, inflightMs: number): Promise<number>;
  /** The waiter `slot` gave up (deadline, cancelled): it no longer holds its place in the queue. */
  leave(budget: string, slot: string): Promise<void>;
  /** The request was answered: its slot now counts from this instant for one period. */
  answered(budget: string, slot: string): Promise<void>;
  /** An upstream 429 said to wait: no process sends on this budget before then. */
  penalize(budget: string, waitMs: number): Promise<void>;
  /** The client rate-limiter-flexible keeps callers' shares in (an ioredis connection). */
  readonly shareClient: unknown;
  /** Where rate-limiter-flexible keeps the shares. */
  readonly sharePrefix: string;
}
