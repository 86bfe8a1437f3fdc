import type { Redis } from 'ioredis';
import type { SharedBudgetStore } from '../upstream/budget.store.js';
import type { RateLimit } from '../upstream/rate.scheduler.js';
import type { RedisHealth } from './redis.health.js';

// The fleet's upstream budgets in Redis: per budget, a sorted set of slots scored by when they stop
// counting. A granted slot is scored "in flight" (now + inflightMs) until its answer, then by its
// answer time; one period after that it leaves the window. Taking a slot is one Lua script on
// Redis's own clock, so replicas with skewed clocks still agree and two never take the last slot.
//
// Waiters are served in the order they first asked, whichever replica they are on: each budget has
// a queue (arrival time per waiting slot) and the time each waiter last asked. A free slot goes to
// the waiters at the head of the queue; a later one is told to ask again shortly. A waiter that
// gave up leaves the queue at once; one that stopped asking (its replica died) leaves it once it
// has not asked for STALE_MS.

const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local period = tonumber(ARGV[2])
local slot = ARGV[3]
local inflight = tonumber(ARGV[4])
local poll = tonumber(ARGV[5])
local stale = tonumber(ARGV[6])
local gone = redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', '(' .. (now - stale), 'LIMIT', 0, 100)
if #gone > 0 then
  redis.call('ZREM', KEYS[3], unpack(gone))
  redis.call('ZREM', KEYS[4], unpack(gone))
end
redis.call('ZADD', KEYS[3], 'NX', now, slot)
redis.call('ZADD', KEYS[4], now, slot)
redis.call('PEXPIRE', KEYS[3], period + inflight + stale)
redis.call('PEXPIRE', KEYS[4], period + inflight + stale)
local blocked = tonumber(redis.call('GET', KEYS[2]) or '0')
if blocked > now then return blocked - now end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. (now - period))
local limit = tonumber(ARGV[1])
local free = limit - redis.call('ZCARD', KEYS[1])
local rank = redis.call('ZRANK', KEYS[3], slot)
if rank < free then
  redis.call('ZREM', KEYS[3], slot)
  redis.call('ZREM', KEYS[4], slot)
  redis.call('ZADD', KEYS[1], now + inflight, slot)
  redis.call('PEXPIRE', KEYS[1], period + inflight + 1000)
  return 0
end
-- Not yet: this waiter needs the (ahead + 1)-th slot to leave the window, after the free ones go to
-- the waiters before it. The wait is a lower bound (a slot in flight counts a period from its answer),
-- which is what a waiter's deadline is checked against.
local ahead = rank - math.max(free, 0)
local rounds = math.floor(ahead / limit)
local entry = redis.call('ZRANGE', KEYS[1], ahead % limit, ahead % limit, 'WITHSCORES')
local frees = now
if entry[2] then
  local score = tonumber(entry[2])
  -- A slot still in flight counts a period from its answer, which has not come: a period at least.
  if score > now then frees = now + period else frees = score + period end
end
return math.max(poll, frees - now + rounds * period)
`;

const LEAVE = `
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return 0
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

/** How soon to ask again when every slot of the window is still in flight (its answer frees one), or earlier waiters come first. */
const INFLIGHT_POLL_MS = 20;
/**
 * A waiter that has not asked for this long has gone (its replica died). Waiters ask at least every
 * 250 ms (fleet.scheduler.ts), so only a process stalled this long loses its place.
 */
const STALE_MS = 2000;
/** Added to each spacing, as RateScheduler does, so clock granularity never lands two requests in one window. */
const MARGIN_MS = 10;

type Scripted = Redis & {
  budgetTake(
    slots: string,
    blocked: string,
    queue: string,
    asked: string,
    limit: number,
    periodMs: number,
    slot: string,
    inflightMs: number,
    pollMs: number,
    staleMs: number,
  ): Promise<number>;
  budgetLeave(queue: string, asked: string, slot: string): Promise<number>;
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
    redis.defineCommand('budgetTake', { numberOfKeys: 4, lua: TAKE });
    redis.defineCommand('budgetLeave', { numberOfKeys: 2, lua: LEAVE });
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
    const [slots, blocked, queue, asked] = this.keys(budget);
    return this.health.use(() =>
      this.redis.budgetTake(slots, blocked, queue, asked, limit.limit, limit.periodMs + MARGIN_MS, slot, inflightMs, INFLIGHT_POLL_MS, STALE_MS),
    );
  }

  async leave(budget: string, slot: string): Promise<void> {
    const [, , queue, asked] = this.keys(budget);
    await this.health.use(() => this.redis.budgetLeave(queue, asked, slot));
  }

  async answered(budget: string, slot: string): Promise<void> {
    await this.health.use(() => this.redis.budgetAnswered(this.keys(budget)[0], slot));
  }

  async penalize(budget: string, waitMs: number): Promise<void> {
    await this.health.use(() => this.redis.budgetPenalize(this.keys(budget)[1], Math.max(1, Math.ceil(waitMs))));
  }

  /** A budget's keys in one hash slot, so the scripts also run on a Redis Cluster. */
  private keys(budget: string): [slots: string, blocked: string, queue: string, asked: string] {
    const base = `${this.prefix}budget:{${budget}}`;
    return [`${base}:slots`, `${base}:blocked`, `${base}:queue`, `${base}:asked`];
  }
}
