// Sharing of GET responses across concurrent GraphQL operations: identical in-flight GETs of one
// credential become one upstream call, and endpoints given a TTL keep their last good answer that
// long. Keys start with the credential, so nothing crosses from one caller to another; failures are
// never kept.

export interface CacheSettings {
  /** TTL per endpoint name in ms; endpoints not listed are shared while in flight but not kept. */
  ttlMs: Readonly<Record<string, number>>;
  /**
   * Answers that can never change again (a closed auction), kept this long whatever the endpoint's
   * own TTL, in the same bounded, least-recently-used store.
   */
  final?: { endpoints: readonly string[]; ttlMs: number; isFinal(value: unknown): boolean };
  /** Upper bound on kept responses; the oldest go first. */
  maxEntries?: number;
}

/**
 * Kept answers shared by several gateway processes (Redis): a credential's balance fetched by one
 * replica serves the others for the rest of its window. Values are opaque strings to the store.
 */
export interface SharedResponseStore {
  get(credential: string, endpoint: string, key: string): Promise<string | undefined>;
  set(credential: string, endpoint: string, key: string, value: string, ttlMs: number): Promise<void>;
  invalidate(credential: string | undefined, endpoints: readonly string[]): Promise<void>;
}

export interface SharedCodec<T> {
  store: SharedResponseStore;
  encode(value: T): string;
  decode(text: string): T;
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
    /** With one, kept answers are also read from and written to the store other processes share. */
    private readonly shared?: SharedCodec<T>,
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
    if (cached && cached.expires > this.now()) {
      // Least recently used goes first: a read counts as a use.
      this.entries.delete(id);
      this.entries.set(id, cached);
      return cached.value;
    }
    if (cached) this.entries.delete(id);

    let pending = this.inflight.get(id);
    if (!pending) {
      const final = this.settings.final?.endpoints.includes(endpoint) ? this.settings.final : undefined;
      let ttl = this.settings.ttlMs[endpoint] ?? 0;
      let expires = 0;
      pending = (async () => {
        const remote = ttl > 0 || final ? await this.fromShared(credential, endpoint, key) : undefined;
        if (remote) {
          expires = remote.expires;
          ttl = Math.max(ttl, 1);
          return remote.value;
        }
        const value = await load();
        if (final?.isFinal(value)) ttl = final.ttlMs;
        expires = this.now() + ttl;
        if (ttl > 0) this.toShared(credential, endpoint, key, value, expires);
        return value;
      })();
      this.inflight.set(id, pending);
      pending.then(
        (value) => {
          this.inflight.delete(id);
          // With a shared store the answer lives there alone: a write through another replica drops it
          // for everyone, which a copy kept in this process would not see.
          if (ttl > 0 && !this.shared) this.keep(id, { credential, endpoint, expires, value });
        },
        () => this.inflight.delete(id),
      );
    }
    return signal ? raceAbort(pending, signal) : pending;
  }

  /** A shared store that is down or slow is a miss: this process asks the upstream itself. */
  private async fromShared(credential: string, endpoint: string, key: string): Promise<{ value: T; expires: number } | undefined> {
    if (!this.shared) return undefined;
    try {
      const text = await this.shared.store.get(credential, endpoint, key);
      if (!text) return undefined;
      const { expires, value } = JSON.parse(text) as { expires: number; value: string };
      return expires > this.now() ? { expires, value: this.shared.decode(value) } : undefined;
    } catch {
      return undefined;
    }
  }

  private toShared(credential: string, endpoint: string, key: string, value: T, expires: number): void {
    if (!this.shared) return;
    const text = JSON.stringify({ expires, value: this.shared.encode(value) });
    void this.shared.store.set(credential, endpoint, key, text, expires - this.now()).catch(() => undefined);
  }

  /**
   * Drops what this credential (every credential when undefined) has kept for these endpoints, here
   * and in the shared store, so a read after a write never sees the answer from before it.
   */
  async invalidate(credential: string | undefined, endpoints: readonly string[]): Promise<void> {
    for (const [id, entry] of this.entries) {
      if ((credential === undefined || entry.credential === credential) && endpoints.includes(entry.endpoint)) this.entries.delete(id);
    }
    await this.shared?.store.invalidate(credential, endpoints).catch(() => undefined);
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
