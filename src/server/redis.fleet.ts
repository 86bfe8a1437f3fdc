import type { Redis } from 'ioredis';
import { TokenCipher } from '../auth/token.cipher.js';
import type { Config } from '../config.js';
import { RedisEventLog } from '../events/redis.event.log.js';
import type { GatewayOptions } from './gateway.server.js';
import type { Logger } from './logger.js';
import { RedisKeyValueCache } from './redis.apq.cache.js';
import { RedisBudgetStore } from './redis.budgets.js';
import { RedisFlights } from './redis.flights.js';
import { RedisHealth } from './redis.health.js';
import { connectRedis, RedisConnectionStore, RedisLoginStateStore, RedisResponseStore, RedisTokenStore } from './redis.stores.js';

// Everything a replica shares with the others through REDIS_URL, wired in one place. main.ts loads
// this module only when REDIS_URL is set, so a single process never loads the Redis client.

export interface RedisFleet {
  sharedState: NonNullable<GatewayOptions['sharedState']>;
  apqCache: RedisKeyValueCache;
  events: RedisEventLog;
  /** /readyz's Redis check: degraded, naming the fallback, while Redis is away. */
  health: RedisHealth;
  close(): Promise<void>;
}

/** Connects (a Redis unreachable now fails start-up) and builds the shared stores. */
export async function connectFleet(config: Config, logger: Logger): Promise<RedisFleet> {
  const url = config.redis.url!;
  const prefix = config.redis.keyPrefix;
  // config.ts refuses REDIS_URL without TOKEN_ENCRYPTION_KEY: what goes to Redis is sealed.
  const cipher = TokenCipher.fromBase64Key(config.tokenEncryptionKey!);
  const redis: Redis = await connectRedis(url, (message) => logger.warn('redis', { error: message }), true);
  const health = new RedisHealth(redis, config.redis.fleetSize);
  const flights = new RedisFlights(redis, redis.duplicate(), prefix, cipher, health);
  await flights.start();
  // The event log's live reader blocks on XREAD: a connection of its own, queueing while Redis is away.
  const events = new RedisEventLog(redis, await connectRedis(url), prefix, { size: config.webhooks.eventLogSize });
  return {
    sharedState: {
      loginStates: new RedisLoginStateStore(redis, prefix),
      connections: new RedisConnectionStore(redis, prefix, cipher),
      tokens: new RedisTokenStore(redis, prefix, cipher),
      responses: new RedisResponseStore(redis, prefix, cipher, health),
      flights,
      budgets: new RedisBudgetStore(redis, prefix, health),
      fleetSize: config.redis.fleetSize,
    },
    // One APQ registration serves every replica.
    apqCache: new RedisKeyValueCache(redis, `${prefix}cache:`),
    events,
    health,
    async close() {
      await events.close();
      flights.close();
      await redis.quit();
    },
  };
}
