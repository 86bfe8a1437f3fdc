import type { Redis } from 'ioredis';
import type { SharedBudgetStore } from '../upstream/budget.store.js';
import type { RateLimit } from '../upstream/rate.scheduler.js';
import type { RedisHealth } from './redis.health.js';

// The fleet's upstream budgets in Redis: per budget, a sorted set of slots scored by when they stop
// counting. A granted slot is scored "in flight" (now + inflightMs) until its answer, then by its
// answer time; one period after that it leaves the window. Taking a slot is one Lua script on
// Redis's own clock, so replicas with skewed clocks still agree and two never take the last slot.

const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local blocked = tonumber(redis.call('GET', KEYS[2]) or '0')
if blocked > now then return blocked - now end
local period = tonumber(ARGV[2])
local inflight = tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. (now - period))
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now + inflight, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], period + inflight + 1000)
  return 0
end
local first = tonumber(redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2])
if first > now then return tonumber(ARGV[5]) end
return math.max(1, first + period - now)
`;

const ANSWERED = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], 'XX', now, ARGV[1])
return 0
`;

const PENALIZE = `
local t = redis.call('TIME')
local untilMs = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if untilMs > current then redis.call('SET', KEYS[1], untilMs, 'PX', ARGV[1]) end
return 0
`;

/** How soon to ask again when every slot of the window is still in flight (its answer frees one). */
const INFLIGHT_POLL_MS = 20;
/** Added to each spacing, as RateScheduler does, so clock granularity never lands two requests in one window. */
const MARGIN_MS = 10;

type Scripted = Redis & {
  budgetTake(slots: string, blocked: string, limit: number, periodMs: number, slot: string, inflightMs: number, pollMs: number): Promise<number>;
  budgetAnswered(slots: string, slot: string): Promise<number>;
  budgetPenalize(blocked: string, waitMs: number): Promise<number>;
};

export class RedisBudgetStore implements SharedBudgetStore {
  private readonly redis: Scripted;

  constructor(
    redis: Redis,
    private readonly prefix: string,
    private readonly health: RedisHealth,
  ) {
    redis.defineCommand('budgetTake', { numberOfKeys: 2, lua: TAKE });
    redis.defineCommand('budgetAnswered', { numberOfKeys: 1, lua: ANSWERED });
    redis.defineCommand('budgetPenalize', { numberOfKeys: 1, lua: PENALIZE });
    this.redis = redis as Scripted;
  }

  get available(): boolean {
    return this.health.available;
  }

  get shareClient(): unknown {
    return this.redis;
  }

  get sharePrefix(): string {
    return this.prefix;
  }

  take(budget: string, limit: RateLimit, slot: string, inflightMs: number): Promise<number> {
    const [slots, blocked] = this.keys(budget);
    return this.health.use(() => this.redis.budgetTake(slots, blocked, limit.limit, limit.periodMs + MARGIN_MS, slot, inflightMs, INFLIGHT_POLL_MS));
  }

  async answered(budget: string, slot: string): Promise<void> {
    await this.health.use(() => this.redis.budgetAnswered(this.keys(budget)[0], slot));
  }

  async penalize(budget: string, waitMs: number): Promise<void> {
    await this.health.use(() => this.redis.budgetPenalize(this.keys(budget)[1], Math.max(1, Math.ceil(waitMs))));
  }

  /** Both keys of a budget in one hash slot, so the scripts also run on a Redis Cluster. */
  private keys(budget: string): [string, string] {
    const base = `${this.prefix}budget:{${budget}}`;
    return [`${base}:slots`, `${base}:blocked`];
  }
}
