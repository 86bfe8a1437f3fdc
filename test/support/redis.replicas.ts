import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { TokenCipher } from '../../src/auth/token.cipher.js';
import { startGateway, type Gateway } from '../../src/server/gateway.server.js';
import { memoryLogger } from '../../src/server/logger.js';
import { connectRedis, RedisConnectionStore, RedisLoginStateStore, RedisResponseStore, RedisTokenStore } from '../../src/server/redis.stores.js';
import { idpVerifier, type Harness } from './gateway.harness.js';

// Replicas in one test process: gateways over one harness's simulators and identity provider,
// sharing state through the real Redis on 127.0.0.1:6379 under one key prefix, as processes
// behind a load balancer would. Without Redis the tests that need it are skipped, except under
// CI=true, where that is a failure.

export const TEST_REDIS_URL = 'redis://127.0.0.1:6379/0';

export async function testRedis(): Promise<{ redis: Redis | undefined; unavailable: string }> {
  try {
    return { redis: await connectRedis(TEST_REDIS_URL), unavailable: '' };
  } catch (error) {
    const unavailable = (error as Error).message;
    if (process.env.CI === 'true') throw new Error(`Redis is required under CI=true: ${unavailable}`);
    return { redis: undefined, unavailable };
  }
}

/** `count` gateways sharing login states, connections, tokens and kept answers under `prefix`. */
export async function startRedisReplicas(h: Harness, redis: Redis, prefix: string, count = 2): Promise<Gateway[]> {
  const verifier = idpVerifier(h.idp);
  const key = randomBytes(32).toString('base64');
  const start = () => {
    const cipher = TokenCipher.fromBase64Key(key);
    return startGateway({
      upstreams: h.settings,
      logger: memoryLogger(),
      auth: { mode: 'jwt', verifier },
      callers: { maxUpstreamCallsPerRequest: 50, sharePercent: 100, rateLimit: false },
      sharedState: {
        loginStates: new RedisLoginStateStore(redis, prefix),
        connections: new RedisConnectionStore(redis, prefix, cipher),
        tokens: new RedisTokenStore(redis, prefix, cipher),
        responses: new RedisResponseStore(redis, prefix, cipher),
      },
    });
  };
  return Promise.all(Array.from({ length: count }, start));
}
