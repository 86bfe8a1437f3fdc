import type { Redis } from 'ioredis';
import type { KeyValueCache } from './persisted.operations.js';

// The gateway's Apollo cache on Redis (REDIS_URL), so a persisted query registered on one replica
// answers on every other. Apollo gives TTLs in seconds; without one an entry lives DEFAULT_TTL_SECONDS,
// so queries nobody sends any more (or that a stranger registered) do not pile up in Redis.

/** A day: a frontend's working set stays, last month's release goes. */
export const DEFAULT_APQ_TTL_SECONDS = 86_400;

export class RedisKeyValueCache implements KeyValueCache {
  constructor(
    private readonly redis: Redis,
    /** e.g. `${REDIS_KEY_PREFIX}cache:`; Apollo adds its own `apq:`. */
    private readonly prefix: string,
    private readonly defaultTtlSeconds: number = DEFAULT_APQ_TTL_SECONDS,
  ) {}

  async get(key: string): Promise<string | undefined> {
    return (await this.redis.get(this.prefix + key)) ?? undefined;
  }

  async set(key: string, value: string, options?: { ttl?: number | null }): Promise<void> {
    // undefined: the default; null or 0: no expiry (Apollo's KeyValueCache contract).
    const ttl = options?.ttl === undefined ? this.defaultTtlSeconds : options.ttl;
    if (ttl) await this.redis.set(this.prefix + key, value, 'EX', Math.max(1, Math.ceil(ttl)));
    else await this.redis.set(this.prefix + key, value);
  }

  async delete(key: string): Promise<boolean> {
    return (await this.redis.del(this.prefix + key)) > 0;
  }
}
