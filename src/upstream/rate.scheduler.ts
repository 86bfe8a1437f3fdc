// Client-side throttling: requests wait for a slot in their (credential, endpoint) budget instead of
// drawing 429s. A request may go out once the request `limit` places before it in the same budget
// has been answered at least `periodMs` ago. Counting from the answer rather than from the send
// makes the spacing hold at the upstream whatever the network or event-loop jitter: the upstream
// saw that earlier request before we saw its answer.

export interface RateLimit {
  limit: number;
  periodMs: number;
  /** 'endpoint': one budget per endpoint (Bondora); 'credential': one budget for all calls (Bond). */
  scope: 'endpoint' | 'credential';
}

export interface RateLimitTable {
  default: RateLimit;
  endpoints?: Readonly<Record<string, RateLimit>>;
}

/** Thrown when the next slot lies beyond the operation's deadline; carries the wait it would take. */
export class RateLimitWait extends Error {
  constructor(readonly waitMs: number) {
    super(`the next request slot is ${waitMs} ms away`);
    this.name = 'RateLimitWait';
  }
}

interface Slot {
  /** Planned send time; once answered, the time of the answer. */
  at: number;
  answered: boolean;
  /** Resolves when the request was answered (or given up). */
  settled: Promise<void>;
  settle: () => void;
}

interface Bucket {
  slots: Slot[];
  /** No request before this instant (set by a 429's Retry-After). */
  blockedUntil: number;
  limit: RateLimit;
}

/** Call once the request has been answered, failed, or will not be sent. */
export type Release = () => void;

/** What the HTTP layer asks of a budget keeper: this process's (RateScheduler) or the fleet's. */
export interface Budgets {
  limitOf(endpoint: string): RateLimit;
  budgetKey(credential: string, endpoint: string): string;
  acquire(credential: string, endpoint: string, deadline?: number, signal?: AbortSignal): Promise<Release>;
  penalize(credential: string, endpoint: string, retryAfterMs: number): void;
}

/**
 * One process's part of a budget the fleet shares when it cannot coordinate: `limit / fleetSize`
 * per period, or one request per a longer period when that is below one, so the fleet as a whole
 * still stays within the upstream's limit.
 */
export function localShare(limit: RateLimit, fleetSize: number): RateLimit {
  if (fleetSize <= 1) return limit;
  const share = limit.limit / fleetSize;
  if (share >= 1) return { ...limit, limit: Math.floor(share) };
  return { ...limit, limit: 1, periodMs: Math.ceil(limit.periodMs / share) };
}

export function localShareTable(table: RateLimitTable, fleetSize: number): RateLimitTable {
  const endpoints = Object.fromEntries(Object.entries(table.endpoints ?? {}).map(([name, limit]) => [name, localShare(limit, fleetSize)]));
  return { default: localShare(table.default, fleetSize), endpoints };
}

export class RateScheduler implements Budgets {
  private readonly buckets = new Map<string, Bucket>();
  private acquisitions = 0;

  /**
   * @param marginMs added to each spacing, so clock granularity never lands two requests in one window
   */
  constructor(
    private readonly table: RateLimitTable,
    private readonly marginMs = 10,
    private readonly now: () => number = Date.now,
  ) {}

  limitOf(endpoint: string): RateLimit {
    return this.table.endpoints?.[endpoint] ?? this.table.default;
  }

  /**
   * Waits for this request's turn in the credential's budget for the endpoint. Rejects with
   * RateLimitWait, without taking a slot, when the turn would come after the deadline.
   */
  async acquire(credential: string, endpoint: string, deadline?: number, signal?: AbortSignal): Promise<Release> {
    const bucket = this.bucket(credential, endpoint);
    const slot = this.plan(bucket, deadline);
    try {
      for (;;) {
        const before = this.predecessor(bucket, slot);
        if (before && !before.answered) await abortable(before.settled, signal);
        const at = this.earliest(bucket, before);
        if (deadline !== undefined && at > deadline) throw new RateLimitWait(at - this.now());
        if (at <= this.now()) break;
        await sleep(at - this.now(), signal);
      }
    } catch (error) {
      this.drop(bucket, slot);
      throw error;
    }
    slot.at = this.now();
    return () => {
      slot.at = Math.max(slot.at, this.now());
      slot.answered = true;
      slot.settle();
    };
  }

  /** An upstream 429 said to wait: nothing more goes out on that budget before then. */
  penalize(credential: string, endpoint: string, retryAfterMs: number): void {
    const bucket = this.bucket(credential, endpoint);
    bucket.blockedUntil = Math.max(bucket.blockedUntil, this.now() + retryAfterMs);
  }

  /** The planned send time of a new request on this budget, without taking a slot. */
  peek(credential: string, endpoint: string): number {
    const bucket = this.bucket(credential, endpoint);
    const last = bucket.slots.length - bucket.limit.limit;
    return this.earliest(bucket, last >= 0 ? bucket.slots[last] : undefined);
  }

  private plan(bucket: Bucket, deadline: number | undefined): Slot {
    const last = bucket.slots.length - bucket.limit.limit;
    const at = this.earliest(bucket, last >= 0 ? bucket.slots[last] : undefined);
    if (deadline !== undefined && at > deadline) throw new RateLimitWait(at - this.now());
    let settle!: () => void;
    const settled = new Promise<void>((resolve) => (settle = resolve));
    const slot: Slot = { at, answered: false, settled, settle };
    bucket.slots.push(slot);
    // Every unanswered slot still needs the one `limit` places before it; older ones can go.
    const firstWaiting = bucket.slots.findIndex((s) => !s.answered);
    bucket.slots.splice(0, Math.max(0, firstWaiting - bucket.limit.limit));
    if (++this.acquisitions % 1000 === 0) this.sweep();
    return slot;
  }

  /** The slot whose answer this one has to wait a period after: `limit` places earlier. */
  private predecessor(bucket: Bucket, slot: Slot): Slot | undefined {
    const index = bucket.slots.indexOf(slot) - bucket.limit.limit;
    return index >= 0 ? bucket.slots[index] : undefined;
  }

  private earliest(bucket: Bucket, before: Slot | undefined): number {
    let at = Math.max(this.now(), bucket.blockedUntil);
    if (before) at = Math.max(at, before.at + bucket.limit.periodMs + this.marginMs);
    return at;
  }

  /** A slot whose request will not be sent stops constraining the ones after it. */
  private drop(bucket: Bucket, slot: Slot): void {
    const index = bucket.slots.indexOf(slot);
    if (index >= 0) bucket.slots.splice(index, 1);
    slot.settle();
  }

  /** The budget a request spends: one per endpoint, or one for all of a credential's calls. */
  budgetKey(credential: string, endpoint: string): string {
    return this.limitOf(endpoint).scope === 'credential' ? `${credential} *` : `${credential} ${endpoint}`;
  }

  private bucket(credential: string, endpoint: string): Bucket {
    const limit = this.limitOf(endpoint);
    const key = this.budgetKey(credential, endpoint);
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { slots: [], blockedUntil: 0, limit };
      this.buckets.set(key, bucket);
    }
    return bucket;
  }

  /** Forgets budgets whose every slot and block lie more than a period in the past. */
  private sweep(): void {
    const now = this.now();
    for (const [key, bucket] of this.buckets) {
      const idle = bucket.slots.every((s) => s.answered && s.at + bucket.limit.periodMs < now);
      if (idle && bucket.blockedUntil < now) this.buckets.delete(key);
    }
  }
}

function abortable(promise: Promise<void>, signal?: AbortSignal): Promise<void> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    void promise.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
