import { RateLimitWait } from './rate.scheduler.js';

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
  /** False while the store cannot be used: answers are then kept in this process for their TTL. */
  readonly available?: boolean;
  /**
   * The kept answer, if any, and the (credential, endpoint)'s generation: an opaque mark every
   * invalidation changes, read with the answer so a load can tell whether a write came since.
   */
  get(credential: string, endpoint: string, key: string): Promise<{ text: string | undefined; generation: string }>;
  /** Stores the answer, unless `generation` is given and a write has changed it since it was read. */
  set(credential: string, endpoint: string, key: string, value: string, ttlMs: number, generation?: string): Promise<void>;
  invalidate(credential: string | undefined, endpoints: readonly string[]): Promise<void>;
  /** Drops one kept answer (and changes the generation, so a load in flight does not put it back). */
  drop(credential: string, endpoint: string, key: string): Promise<void>;
}

/** The first process to ask leads a flight; the others wait for its answer (undefined: call for yourselves). */
export type Flight = { lead: true; finish(text: string | undefined): Promise<void> } | { lead: false; text: string | undefined };

/** Identical GETs in flight across processes: one of them calls, the rest take its answer. */
export interface SharedFlights {
  readonly available: boolean;
  /**
   * Leads or joins the flight for (credential, key). A leader holds it at most `leaseMs`; a joiner
   * waits at most `waitMs` (default `leaseMs`) for the answer, then is told to call for itself.
   */
  join(credential: string, key: string, leaseMs: number, waitMs?: number): Promise<Flight>;
}

export interface SharedCodec<T> {
  store: SharedResponseStore;
  /** With flights, identical GETs in flight on several processes make one upstream call. */
  flights?: SharedFlights;
  /** How long a joiner waits for the leader before calling itself (the upstream call's longest run). */
  leaseMs?: number;
  encode(value: T): string;
  decode(text: string): T;
}

/** How a kept endpoint's answer reaches the shared store around a flight (see loadOnce). */
interface Keeping<T> {
  recheck(): Promise<{ value: T; expires: number } | undefined>;
  /** Sets the answer's expiry, and with `write` stores it for the other processes. */
  keep(value: T, write: boolean): Promise<void>;
}

interface Entry<T> {
  credential: string;
  endpoint: string;
  expires: number;
  value: T;
}

/** For the generations of every credential's answers of an endpoint (a webhook's invalidation). */
const EVERY_CREDENTIAL = '\u0000every';

export class ResponseCache<T> {
  private readonly inflight = new Map<string, { credential: string; endpoint: string; promise: Promise<T> }>();
  private readonly entries = new Map<string, Entry<T>>();
  /**
   * Invalidations so far per (credential, endpoint) in this process. A load that began before one
   * ends after it with an answer from before the write: that answer is handed to the requests that
   * asked before the write, but never kept.
   */
  private readonly generations = new Map<string, number>();
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
   * `load`. The caller's own signal only stops its own wait, never the shared call. A caller that
   * joins a call another request started waits no later than its own `deadline` (the operation's
   * wait budget: the call it joined may itself be waiting for a budget slot), and then fails with
   * RateLimitWait; `load` is expected to keep the deadline of the request that starts it.
   */
  async get(credential: string, endpoint: string, key: string, load: () => Promise<T>, signal?: AbortSignal, deadline?: number): Promise<T> {
    const id = `${credential}\n${key}`;
    const cached = this.entries.get(id);
    if (cached && cached.expires > this.now()) {
      // Least recently used goes first: a read counts as a use.
      this.entries.delete(id);
      this.entries.set(id, cached);
      return cached.value;
    }
    if (cached) this.entries.delete(id);

    let flight = this.inflight.get(id);
    const joined = flight !== undefined;
    if (!flight) {
      const final = this.settings.final?.endpoints.includes(endpoint) ? this.settings.final : undefined;
      let ttl = this.settings.ttlMs[endpoint] ?? 0;
      let expires = 0;
      const generation = this.generationOf(credential, endpoint);
      const unchanged = () => this.generationOf(credential, endpoint) === generation;
      const promise = (async () => {
        const kept = ttl > 0 || final !== undefined;
        const remote = kept ? await this.fromShared(credential, endpoint, key) : undefined;
        if (remote?.hit) {
          expires = remote.hit.expires;
          ttl = Math.max(ttl, 1);
          return remote.hit.value;
        }
        const keeping: Keeping<T> | undefined = kept
          ? {
              recheck: async () => (await this.fromShared(credential, endpoint, key))?.hit,
              keep: async (value, write) => {
                if (final?.isFinal(value)) ttl = final.ttlMs;
                expires = this.now() + ttl;
                if (ttl > 0 && write && unchanged()) await this.toShared(credential, endpoint, key, value, expires, remote?.generation);
              },
            }
          : undefined;
        // A flight is per generation too: a request after a write on any replica starts its own.
        const flightKey = remote?.generation === undefined ? key : `${key}\n${remote.generation}`;
        const outcome = await this.loadOnce(credential, flightKey, load, keeping, deadline);
        if (outcome.expires !== undefined) {
          expires = outcome.expires;
          ttl = Math.max(ttl, 1);
        }
        return outcome.value;
      })();
      flight = { credential, endpoint, promise };
      const mine = flight;
      this.inflight.set(id, mine);
      const settle = () => {
        if (this.inflight.get(id) === mine) this.inflight.delete(id);
      };
      promise.then(
        (value) => {
          settle();
          // With a shared store the answer lives there alone: a write through another replica drops it
          // for everyone, which a copy kept in this process would not see.
          const local = !this.shared || this.shared.store.available === false;
          if (ttl > 0 && local && unchanged()) this.keep(id, { credential, endpoint, expires, value });
        },
        settle,
      );
    }
    const limit = joined ? deadline : undefined;
    return signal || limit !== undefined ? raceAbort(flight.promise, signal, limit) : flight.promise;
  }

  /**
   * One upstream call for an identical GET in flight on several processes. Without flights, or while
   * they are unavailable, this process calls by itself; a leader's failure is never handed on.
   *
   * A kept answer is stored before its flight ends, and a new leader looks in the store once more:
   * a replica that missed the store just before the answer was written, and found the flight over
   * just after, takes the stored answer instead of calling again. `expires` is set when the answer
   * came from the store.
   */
  private async loadOnce(
    credential: string,
    key: string,
    load: () => Promise<T>,
    keeping?: Keeping<T>,
    deadline?: number,
  ): Promise<{ value: T; expires?: number }> {
    const flights = this.shared?.flights;
    const keepAndReturn = async (value: T, write = true) => {
      await keeping?.keep(value, write);
      return { value };
    };
    if (!flights?.available) return keepAndReturn(await load());
    let flight: Flight;
    try {
      const leaseMs = this.shared!.leaseMs ?? 30_000;
      // Past the deadline the joiner calls for itself, which then fails at once with RateLimitWait.
      flight = await flights.join(credential, key, leaseMs, deadline === undefined ? leaseMs : Math.max(0, Math.min(leaseMs, deadline - Date.now())));
    } catch {
      return keepAndReturn(await load());
    }
    // The leader has stored its answer already; a joiner that had to call for itself stores its own.
    if (!flight.lead) return flight.text === undefined ? keepAndReturn(await load()) : keepAndReturn(this.shared!.decode(flight.text), false);
    let text: string | undefined;
    try {
      const stored = await keeping?.recheck();
      if (stored) {
        text = this.shared!.encode(stored.value);
        return stored;
      }
      const value = await load();
      text = this.shared!.encode(value);
      await keeping?.keep(value, true);
      return { value };
    } finally {
      void flight.finish(text).catch(() => undefined);
    }
  }

  /** A shared store that is down or slow is a miss (no generation either): this process asks the upstream itself. */
  private async fromShared(
    credential: string,
    endpoint: string,
    key: string,
  ): Promise<{ hit?: { value: T; expires: number }; generation: string } | undefined> {
    if (!this.shared || this.shared.store.available === false) return undefined;
    try {
      const { text, generation } = await this.shared.store.get(credential, endpoint, key);
      if (!text) return { generation };
      const { expires, value } = JSON.parse(text) as { expires: number; value: string };
      return expires > this.now() ? { hit: { expires, value: this.shared.decode(value) }, generation } : { generation };
    } catch {
      return undefined;
    }
  }

  /** Resolves once the store has the answer (or has failed: a store that is down is no error). */
  private async toShared(credential: string, endpoint: string, key: string, value: T, expires: number, generation?: string): Promise<void> {
    if (!this.shared || this.shared.store.available === false) return;
    const text = JSON.stringify({ expires, value: this.shared.encode(value) });
    await this.shared.store.set(credential, endpoint, key, text, expires - this.now(), generation).catch(() => undefined);
  }

  private generationOf(credential: string, endpoint: string): number {
    return (this.generations.get(`${credential}\n${endpoint}`) ?? 0) + (this.generations.get(`${EVERY_CREDENTIAL}\n${endpoint}`) ?? 0);
  }

  /** A new generation for these answers; loads in flight for them stop being joined (later requests call afresh). */
  private advance(credential: string | undefined, endpoints: readonly string[]): void {
    for (const endpoint of endpoints) {
      const id = `${credential ?? EVERY_CREDENTIAL}\n${endpoint}`;
      this.generations.set(id, (this.generations.get(id) ?? 0) + 1);
    }
    for (const [id, flight] of this.inflight) {
      if ((credential === undefined || flight.credential === credential) && endpoints.includes(flight.endpoint)) this.inflight.delete(id);
    }
  }

  /**
   * Drops what this credential (every credential when undefined) has kept for these endpoints, here
   * and in the shared store, so a read after a write never sees the answer from before it.
   */
  async invalidate(credential: string | undefined, endpoints: readonly string[]): Promise<void> {
    this.advance(credential, endpoints);
    for (const [id, entry] of this.entries) {
      if ((credential === undefined || entry.credential === credential) && endpoints.includes(entry.endpoint)) this.entries.delete(id);
    }
    await this.shared?.store.invalidate(credential, endpoints).catch(() => undefined);
  }

  /**
   * Drops one kept answer (an entity changed: our write, or the upstream's webhook), leaving the
   * credential's other answers of the endpoint kept. A load of the endpoint in flight is not kept.
   */
  async invalidateKey(credential: string, endpoint: string, key: string): Promise<void> {
    this.advance(credential, [endpoint]);
    this.entries.delete(`${credential}\n${key}`);
    await this.shared?.store.drop(credential, endpoint, key).catch(() => undefined);
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

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined, deadline: number | undefined): Promise<T> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    // The joined call is still running for whoever else waits on it; only this wait ends.
    const timer = deadline === undefined ? undefined : setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      reject(new RateLimitWait(1000));
    }, Math.max(0, deadline - Date.now()));
    signal?.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
