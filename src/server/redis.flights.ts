import { createHash, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { TokenCipher } from '../auth/token.cipher.js';
import type { Flight, SharedFlights } from '../upstream/response.cache.js';
import type { RedisHealth } from './redis.health.js';

// Identical GETs in flight on several replicas become one upstream call. The first replica to ask
// takes a lease (SET NX) and calls; the others wait for its answer, announced on one pub/sub channel
// and left sealed under a key named by the flight for a few seconds. Whoever loses a race checks
// that key after registering to hear the announcement, so no answer is missed. A failed call is
// announced without an answer: errors are never shared, each waiter then calls for itself.

/** How long a finished flight's answer stays readable for waiters that are still on their way. */
const ANSWER_KEEP_MS = 5_000;

interface Waiter {
  flight: string;
  done: (text: string | undefined) => void;
}

export class RedisFlights implements SharedFlights {
  private readonly waiters = new Map<string, Set<Waiter>>();
  private readonly channel: string;
  private subscribed: Promise<unknown> | undefined;

  /**
   * @param subscriber a connection of its own: one in subscriber mode can send nothing else
   */
  constructor(
    private readonly redis: Redis,
    private readonly subscriber: Redis,
    private readonly prefix: string,
    private readonly cipher: TokenCipher,
    private readonly health: RedisHealth,
  ) {
    this.channel = `${prefix}flights`;
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.channel) this.announced(message);
    });
  }

  get available(): boolean {
    return this.health.available && this.subscriber.status === 'ready';
  }

  /** Subscribes before the first flight (and again after a reconnect, which ioredis does by itself). */
  async start(): Promise<void> {
    // A duplicate of a lazily connecting client waits to be connected, and queues nothing meanwhile.
    this.subscribed ??= (this.subscriber.status === 'wait' ? this.subscriber.connect() : Promise.resolve()).then(() =>
      this.subscriber.subscribe(this.channel),
    );
    await this.subscribed;
  }

  close(): void {
    this.subscriber.disconnect();
    for (const listeners of this.waiters.values()) for (const waiter of listeners) waiter.done(undefined);
    this.waiters.clear();
  }

  async join(credential: string, key: string, leaseMs: number, waitMs = leaseMs): Promise<Flight> {
    const lease = `${this.prefix}flight:${credential}:${createHash('sha256').update(key).digest('base64url')}`;
    const mine = randomUUID();
    // Listen first: an announcement that comes between the lease check and the wait is not lost.
    let resolve!: (text: string | undefined) => void;
    const answer = new Promise<string | undefined>((r) => (resolve = r));
    const waiter: Waiter = { flight: '', done: resolve };
    const listeners = this.waiters.get(lease) ?? new Set<Waiter>();
    listeners.add(waiter);
    this.waiters.set(lease, listeners);
    const forget = () => {
      listeners.delete(waiter);
      if (listeners.size === 0 && this.waiters.get(lease) === listeners) this.waiters.delete(lease);
    };
    let holder: string | null;
    try {
      holder = await this.health.use(() => this.redis.set(lease, mine, 'PX', leaseMs, 'NX', 'GET'));
    } catch (error) {
      forget();
      throw error;
    }
    if (holder === null) {
      forget();
      return { lead: true, finish: (text) => this.finish(lease, mine, text) };
    }
    waiter.flight = holder;
    try {
      const ready = await this.answerOf(holder);
      if (ready !== undefined) return { lead: false, text: ready };
      const timer = setTimeout(() => resolve(undefined), waitMs);
      const text = await answer;
      clearTimeout(timer);
      return { lead: false, text };
    } finally {
      forget();
    }
  }

  private async finish(lease: string, flight: string, text: string | undefined): Promise<void> {
    await this.health.use(async () => {
      const multi = this.redis.multi();
      if (text !== undefined) multi.set(this.answerKey(flight), this.cipher.encrypt(text, this.answerKey(flight)), 'PX', ANSWER_KEEP_MS);
      multi.publish(this.channel, `${lease}\n${flight}`);
      await multi.exec();
      // The lease ends with the flight, unless it already lapsed and another replica holds a new one.
      if ((await this.redis.get(lease)) === flight) await this.redis.del(lease);
    });
  }

  private announced(message: string): void {
    const [lease, flight] = message.split('\n');
    const listeners = lease && this.waiters.get(lease);
    if (!listeners || !flight) return;
    for (const waiter of listeners) {
      if (waiter.flight !== flight) continue;
      listeners.delete(waiter);
      void this.answerOf(flight).then(waiter.done, () => waiter.done(undefined));
    }
  }

  private async answerOf(flight: string): Promise<string | undefined> {
    const key = this.answerKey(flight);
    const sealed = await this.health.use(() => this.redis.get(key));
    return sealed ? this.cipher.decrypt(sealed, key) : undefined;
  }

  private answerKey(flight: string): string {
    return `${this.prefix}flight-answer:${flight}`;
  }
}
