import { Redis } from 'ioredis';
import type { StoredTokens, TokenStore } from '../upstream/bondora/bondora.credential.js';
import { LOGIN_STATE_TTL_MS, newLoginState, type LoginStateStore } from './bondora.oauth.routes.js';

// State that several gateway processes behind one load balancer must share: a login started on
// one process may come back to another, and a token refreshed by one serves all. Keys live under
// one prefix; the OAuth tokens are stored as they are, so the Redis must be as private as the config.

export class RedisLoginStateStore implements LoginStateStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async issue(): Promise<string> {
    const state = newLoginState();
    await this.redis.set(this.key(state), '1', 'PX', LOGIN_STATE_TTL_MS);
    return state;
  }

  async take(state: string): Promise<boolean> {
    // GETDEL makes the state single-use even when two callbacks race on different processes.
    return (await this.redis.getdel(this.key(state))) === '1';
  }

  private key(state: string): string {
    return `${this.prefix}bondora:login-state:${state}`;
  }
}

export class RedisTokenStore implements TokenStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async load(): Promise<StoredTokens | undefined> {
    const raw = await this.redis.get(this.key);
    return raw ? (JSON.parse(raw) as StoredTokens) : undefined;
  }

  async save(tokens: StoredTokens): Promise<void> {
    await this.redis.set(this.key, JSON.stringify(tokens));
  }

  private get key(): string {
    return `${this.prefix}bondora:oauth-tokens`;
  }
}

/**
 * Connects and pings, so a wrong REDIS_URL fails at start-up rather than at the first login.
 * Later connection errors go to `onError` (ioredis reconnects by itself).
 */
export async function connectRedis(url: string, onError: (message: string) => void = () => {}): Promise<Redis> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2, connectTimeout: 5000 });
  let lastError: Error | undefined;
  redis.on('error', (error: Error) => {
    lastError = error;
    onError(error.message);
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    throw new Error(`cannot reach Redis at REDIS_URL (${(lastError ?? (error as Error)).message})`);
  }
  return redis;
}
