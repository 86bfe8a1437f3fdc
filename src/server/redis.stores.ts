import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import {
  LOGIN_STATE_TTL_MS,
  newLoginState,
  type BondoraLogin,
  type ConnectionStore,
  type LoginStateStore,
} from '../auth/bondora.connections.js';
import type { TokenCipher } from '../auth/token.cipher.js';
import type { StoredTokens, TokenStore } from '../upstream/bondora/bondora.credential.js';
import type { SharedResponseStore } from '../upstream/response.cache.js';
import type { RedisHealth } from './redis.health.js';
import { UpstreamError } from '../upstream/upstream.error.js';

// State that several gateway processes behind one load balancer must share: a login started on
// one process may come back to another, and a token refreshed by one serves all. Keys live under
// one prefix. OAuth tokens are sealed with TOKEN_ENCRYPTION_KEY (AES-256-GCM), bound to the key
// they are stored under, so neither a Redis dump nor a value copied to another caller's key opens.

export class RedisLoginStateStore implements LoginStateStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async issue(login: BondoraLogin): Promise<string> {
    const state = newLoginState();
    await this.redis.set(this.key(state), JSON.stringify(login), 'PX', LOGIN_STATE_TTL_MS);
    return state;
  }

  async take(state: string): Promise<BondoraLogin | undefined> {
    // GETDEL makes the state single-use even when two callbacks race on different processes.
    const raw = await this.redis.getdel(this.key(state));
    if (!raw) return undefined;
    const login = JSON.parse(raw) as Partial<BondoraLogin>;
    if (typeof login.callerId !== 'string') return undefined;
    return { callerId: login.callerId, ...(typeof login.returnTo === 'string' ? { returnTo: login.returnTo } : {}) };
  }

  private key(state: string): string {
    return `${this.prefix}bondora:login-state:${state}`;
  }
}

/** Each caller's Bondora tokens, sealed; the key names a hash of the caller id, not the id itself. */
export class RedisConnectionStore implements ConnectionStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly cipher: TokenCipher,
  ) {}

  async load(callerId: string): Promise<StoredTokens | undefined> {
    const key = this.key(callerId);
    let sealed: string | null;
    try {
      sealed = await this.redis.get(key);
    } catch (cause) {
      // Not "not connected": that would let a caller fall back to another credential (the gateway's own token).
      throw new UpstreamError('bondora', 'UNAVAILABLE', 'Your Bondora connection cannot be read right now (the gateway’s shared store is unavailable); retry shortly', { cause });
    }
    if (!sealed) return undefined;
    try {
      return JSON.parse(this.cipher.decrypt(sealed, key)) as StoredTokens;
    } catch {
      // A value that does not open under this key (another key, tampering) is no connection: the caller connects again.
      return undefined;
    }
  }

  async save(callerId: string, tokens: StoredTokens): Promise<void> {
    const key = this.key(callerId);
    await this.redis.set(key, this.cipher.encrypt(JSON.stringify(tokens), key));
  }

  async delete(callerId: string): Promise<void> {
    await this.redis.del(this.key(callerId));
  }

  private key(callerId: string): string {
    return `${this.prefix}bondora:connection:${createHash('sha256').update(callerId).digest('base64url')}`;
  }
}

/**
 * Writes an answer unless the generation it was loaded under has changed (a write came meanwhile).
 * KEYS: the answers' hash, the credential's and every credential's generation counters.
 * ARGV: field, sealed answer, TTL in ms, the generation read before the load ('' writes regardless).
 */
const SET_UNLESS_INVALIDATED = `
local generation = (redis.call('GET', KEYS[2]) or '0') .. ':' .. (redis.call('GET', KEYS[3]) or '0')
if ARGV[4] ~= '' and ARGV[4] ~= generation then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
`;

/**
 * How long a generation counter outlives its last write: far beyond any load in flight, whose
 * answer it must still be able to refuse.
 */
const GENERATION_KEEP_MS = 24 * 60 * 60 * 1000;

/**
 * Kept upstream answers (a credential's balance for its window, the short list caches) shared by
 * every replica: one hash per (credential, endpoint), so a write drops them all with one DEL. The
 * answers are account data, so they are sealed like the tokens.
 */
export class RedisResponseStore implements SharedResponseStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly cipher: TokenCipher,
    /** When given, answers are kept in each process while it says Redis is unavailable. */
    private readonly health?: RedisHealth,
  ) {}

  get available(): boolean {
    return this.health?.available ?? true;
  }

  async get(credential: string, endpoint: string, key: string): Promise<{ text: string | undefined; generation: string }> {
    const hash = this.hash(credential, endpoint);
    const [mine, every] = this.generationKeys(credential, endpoint);
    const replies = await this.run(() => this.redis.multi().hget(hash, this.field(key)).get(mine).get(every).exec());
    const [sealed, a, b] = (replies ?? []).map(([error, value]) => {
      if (error) throw error;
      return value as string | null;
    });
    return { text: sealed ? this.cipher.decrypt(sealed, hash) : undefined, generation: `${a ?? 0}:${b ?? 0}` };
  }

  async set(credential: string, endpoint: string, key: string, value: string, ttlMs: number, generation?: string): Promise<void> {
    const hash = this.hash(credential, endpoint);
    const ttl = Math.max(1, Math.ceil(ttlMs));
    const sealed = this.cipher.encrypt(value, hash);
    // In one script, so no invalidation can come between the check and the write.
    await this.run(() => this.redis.eval(SET_UNLESS_INVALIDATED, 3, hash, ...this.generationKeys(credential, endpoint), this.field(key), sealed, ttl, generation ?? ''));
  }

  async invalidate(credential: string | undefined, endpoints: readonly string[]): Promise<void> {
    const bump = this.redis.multi();
    for (const endpoint of endpoints) {
      const [mine, every] = this.generationKeys(credential ?? '', endpoint);
      const counter = credential === undefined ? every : mine;
      bump.incr(counter).pexpire(counter, GENERATION_KEEP_MS);
    }
    await bump.exec();
    if (credential !== undefined) {
      await this.redis.del(...endpoints.map((endpoint) => this.hash(credential, endpoint)));
      return;
    }
    // Every credential (a webhook said the data changed for everyone): found with SCAN, which never blocks Redis.
    for (const endpoint of endpoints) {
      let cursor = '0';
      do {
        const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${this.prefix}responses:*:${endpoint}`, 'COUNT', 500);
        cursor = next;
        if (keys.length) await this.redis.del(...keys);
      } while (cursor !== '0');
    }
  }

  async drop(credential: string, endpoint: string, key: string): Promise<void> {
    const [mine] = this.generationKeys(credential, endpoint);
    await this.redis.multi().incr(mine).pexpire(mine, GENERATION_KEEP_MS).hdel(this.hash(credential, endpoint), this.field(key)).exec();
  }

  /** A failed command marks Redis unavailable for a moment, so the next requests do not wait on it too. */
  private run<T>(command: () => Promise<T>): Promise<T> {
    return this.health ? this.health.use(command) : command();
  }

  private hash(credential: string, endpoint: string): string {
    return `${this.prefix}responses:${credential}:${endpoint}`;
  }

  /** The counters a write advances: this credential's answers of the endpoint, and every credential's. */
  private generationKeys(credential: string, endpoint: string): [string, string] {
    return [`${this.prefix}generation:${credential}:${endpoint}`, `${this.prefix}generation:*:${endpoint}`];
  }

  private field(key: string): string {
    return createHash('sha256').update(key).digest('base64url');
  }
}

/** The gateway's own connection (the shared token), sealed like the callers' ones. */
export class RedisTokenStore implements TokenStore {
  private readonly connections: RedisConnectionStore;

  constructor(redis: Redis, prefix: string, cipher: TokenCipher) {
    this.connections = new RedisConnectionStore(redis, prefix, cipher);
  }

  load(): Promise<StoredTokens | undefined> {
    return this.connections.load(GATEWAY_OWN_CONNECTION);
  }

  save(tokens: StoredTokens): Promise<void> {
    return this.connections.save(GATEWAY_OWN_CONNECTION, tokens);
  }
}

/** Not a possible JWT subject of a caller (a NUL cannot appear in one), so it never collides. */
const GATEWAY_OWN_CONNECTION = '\u0000gateway';

/**
 * Connects and pings, so a wrong REDIS_URL fails at start-up rather than at the first login.
 * Later connection errors go to `onError` (ioredis reconnects by itself).
 */
export async function connectRedis(
  url: string,
  onError: (message: string) => void = () => {},
  /**
   * For state a request reads on its way (budgets, kept answers, flights): a command fails at once
   * while Redis is away, or after a second when it is slow, rather than queueing behind a
   * reconnect, so the request falls back to this process's own state and goes on.
   */
  failFast = false,
): Promise<Redis> {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: failFast ? 0 : 2,
    connectTimeout: 5000,
    ...(failFast ? { enableOfflineQueue: false, commandTimeout: 1000 } : {}),
  });
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
