// Sharing of GET responses across concurrent GraphQL operations: identical in-flight GETs of one
// credential become one upstream call, and endpoints given a TTL keep their last good answer that
// long. Keys start with the credential, so nothing crosses from one caller to another; failures are
// never kept.

export interface CacheSettings {
  /** TTL per endpoint name in ms; endpoints not listed are shared while in flight but not kept. */
  ttlMs: Readonly<Record<string, number>>;
  /** Upper bound on kept responses; the oldest go first. */
  maxEntries?: number;
}

interface Entry<T> {
  credential: string;
  endpoint: string;
  expires: number;
  value: T;
}

export class ResponseCache<T> {
  private readonly inflight = new Map<string, Promise<T>>();
  private readonly entries = new Map<string, Entry<T>>();
  private readonly maxEntries: number;

  constructor(
    private readonly settings: CacheSettings,
    private readonly now: () => number = Date.now,
  ) {
    this.maxEntries = settings.maxEntries ?? 1000;
  }

  /**
   * The value for (credential, key): from the cache, from an identical call in flight, or from
   * `load`. The caller's own signal only stops its own wait, never the shared call.
   */
  async get(credential: string, endpoint: string, key: string, load: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const id = `${credential}\n${key}`;
    const cached = this.entries.get(id);
    if (cached && cached.expires > this.now()) return cached.value;
    if (cached) this.entries.delete(id);

    let pending = this.inflight.get(id);
    if (!pending) {
      pending = load();
      this.inflight.set(id, pending);
      const ttl = this.settings.ttlMs[endpoint] ?? 0;
      pending.then(
        (value) => {
          this.inflight.delete(id);
          if (ttl > 0) this.keep(id, { credential, endpoint, expires: this.now() + ttl, value });
        },
        () => this.inflight.delete(id),
      );
    }
    return signal ? raceAbort(pending, signal) : pending;
  }

  /** Drops what this credential (every credential when undefined) has kept for these endpoints. */
  invalidate(credential: string | undefined, endpoints: readonly string[]): void {
    for (const [id, entry] of this.entries) {
      if ((credential === undefined || entry.credential === credential) && endpoints.includes(entry.endpoint)) this.entries.delete(id);
    }
  }

  private keep(id: string, entry: Entry<T>): void {
    this.entries.delete(id);
    this.entries.set(id, entry);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
