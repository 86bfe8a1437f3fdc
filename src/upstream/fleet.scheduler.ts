import { randomUUID } from 'node:crypto';
import type { SharedBudgetStore } from './budget.store.js';
import { localShareTable, RateLimitWait, RateScheduler, sleep, type Budgets, type RateLimitTable, type Release } from './rate.scheduler.js';

// Budgets kept for the whole fleet in a shared store, with this process's share as the fallback.
// A request goes out only when the store grants a slot (the same rule as RateScheduler: `limit`
// requests per period, each counted from its answer). While the store is unavailable, or when it
// fails for a request, this process falls back to `limit / fleetSize` of its own, so the fleet as a
// whole stays under the upstream's limit; the next request after the store returns uses it again.

/** Longest nap between two asks while the budget is full (a slot may free before the planned time). */
const MAX_NAP_MS = 250;

export class FleetScheduler implements Budgets {
  private readonly local: RateScheduler;

  /**
   * @param inflightMs how long a granted slot counts as in flight at most (the upstream timeout and
   *   then some): a replica that dies mid-call stops holding its slot after that
   */
  constructor(
    private readonly table: RateLimitTable,
    private readonly store: SharedBudgetStore,
    fleetSize: number,
    private readonly inflightMs: number,
  ) {
    this.local = new RateScheduler(localShareTable(table, fleetSize));
  }

  /** The fleet-wide limit: what messages and caller shares are stated in. */
  limitOf(endpoint: string) {
    return this.table.endpoints?.[endpoint] ?? this.table.default;
  }

  budgetKey(credential: string, endpoint: string): string {
    return this.local.budgetKey(credential, endpoint);
  }

  async acquire(credential: string, endpoint: string, deadline?: number, signal?: AbortSignal): Promise<Release> {
    if (!this.store.available) return this.local.acquire(credential, endpoint, deadline, signal);
    const budget = this.budgetKey(credential, endpoint);
    const limit = this.limitOf(endpoint);
    const slot = randomUUID();
    for (;;) {
      let waitMs: number;
      try {
        waitMs = await this.store.take(budget, limit, slot, this.inflightMs);
      } catch {
        return this.local.acquire(credential, endpoint, deadline, signal);
      }
      if (waitMs <= 0) break;
      try {
        if (deadline !== undefined && Date.now() + waitMs > deadline) throw new RateLimitWait(waitMs);
        await sleep(Math.min(waitMs, MAX_NAP_MS), signal);
      } catch (error) {
        // Giving up frees this waiter's place at once for the ones behind it.
        void this.store.leave(budget, slot).catch(() => undefined);
        throw error;
      }
      if (!this.store.available) {
        void this.store.leave(budget, slot).catch(() => undefined);
        return this.local.acquire(credential, endpoint, deadline, signal);
      }
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      void this.store.answered(budget, slot).catch(() => undefined);
    };
  }

  penalize(credential: string, endpoint: string, retryAfterMs: number): void {
    this.local.penalize(credential, endpoint, retryAfterMs);
    void this.store.penalize(this.budgetKey(credential, endpoint), retryAfterMs).catch(() => undefined);
  }
}
