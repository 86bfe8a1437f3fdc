import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryEventLog, type EventLog, type IncomingEvent, type LoggedEvent } from '../../src/events/event.log.js';
import { eventStream } from '../../src/events/event.stream.js';
import { RedisEventLog } from '../../src/events/redis.event.log.js';
import { connectRedis } from '../../src/server/redis.stores.js';

// The event log's contract, held by both implementations: increasing cursors, dedupe, replay after
// a cursor, live delivery; and for the Redis Stream, the same log seen by several replicas.

const REDIS_URL = 'redis://127.0.0.1:6379/0';
let unavailable = '';
const connections: Redis[] = [];
async function redisConnection(): Promise<Redis> {
  const redis = await connectRedis(REDIS_URL);
  connections.push(redis);
  return redis;
}
try {
  await redisConnection();
} catch (error) {
  unavailable = (error as Error).message;
  if (process.env.CI === 'true') throw new Error(`Redis is required under CI=true: ${unavailable}`);
}
const prefixes: string[] = [];
const logs: EventLog[] = [];

afterAll(async () => {
  await Promise.all(logs.map((log) => log.close()));
  if (connections[0]) {
    for (const prefix of prefixes) {
      const keys = await connections[0].keys(`${prefix}*`);
      if (keys.length) await connections[0].del(...keys);
    }
  }
  await Promise.all(connections.map((c) => c.quit().catch(() => undefined)));
});

async function redisLog(prefix: string, size = 1000): Promise<RedisEventLog> {
  const log = new RedisEventLog(await redisConnection(), await redisConnection(), prefix, { size, blockMs: 200 });
  logs.push(log);
  return log;
}

let n = 0;
const event = (key = `e${++n}`): IncomingEvent => ({ source: 'bondora', type: 'auction.published', dedupeKey: key, occurredAt: new Date().toISOString(), payload: { n } });
const settle = () => new Promise((r) => setTimeout(r, 300));

const implementations: Array<[string, () => Promise<EventLog>]> = [
  ['memory', async () => new MemoryEventLog(1000)],
  ...(unavailable
    ? []
    : ([
        [
          'Redis Stream',
          async () => {
            const prefix = `test:${randomUUID()}:`;
            prefixes.push(prefix);
            return redisLog(prefix);
          },
        ],
      ] as Array<[string, () => Promise<EventLog>]>)),
];

describe.each(implementations)('%s event log', (_name, make) => {
  it('appends in order with cursors that replay exactly what came after them', async () => {
    const log = await make();
    const cursors: string[] = [];
    for (let i = 0; i < 5; i++) cursors.push((await log.append(event())).event.cursor);
    expect(new Set(cursors).size).toBe(5);
    const after2 = await log.after(cursors[1], 10);
    expect(after2.map((e) => e.cursor)).toEqual(cursors.slice(2));
    expect((await log.after(cursors[4], 10))).toEqual([]);
    expect((await log.after(undefined, 2)).map((e) => e.cursor)).toEqual(cursors.slice(0, 2));
    expect(log.isCursor(cursors[0]!)).toBe(true);
    expect(log.isCursor('garbage')).toBe(false);
  });

  it('a duplicate (same source and dedupe key) is not appended again and returns the first', async () => {
    const log = await make();
    const first = await log.append(event('same'));
    const again = await log.append({ ...event('same'), payload: { changed: true } });
    expect(first.duplicate).toBe(false);
    expect(again.duplicate).toBe(true);
    expect(again.event.cursor).toBe(first.event.cursor);
    expect((await log.after(undefined, 10)).filter((e) => e.dedupeKey === 'same')).toHaveLength(1);
  });

  it('hands every appended event to live listeners once, and a stream replays then continues without gap or duplicate', async () => {
    const log = await make();
    const start = (await log.append(event())).event.cursor;
    const missed = [(await log.append(event())).event.cursor, (await log.append(event())).event.cursor];
    const seen: LoggedEvent[] = [];
    const stop = log.subscribe((e) => seen.push(e));
    const stream = eventStream(log, { after: start, accept: () => true });
    await settle();
    const live = (await log.append(event())).event.cursor;
    const got: string[] = [];
    for (let i = 0; i < 3; i++) got.push((await stream.next()).value!.cursor);
    expect(got).toEqual([...missed, live]);
    await settle();
    expect(seen.map((e) => e.cursor)).toEqual([live]);
    stop();
    await stream.return!();
  });
});

describe.skipIf(Boolean(unavailable))(`Redis Stream shared by replicas${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  it('an event appended on replica A reaches subscribers on replicas B and C once; a delivery to two replicas is appended once', async () => {
    const prefix = `test:${randomUUID()}:`;
    prefixes.push(prefix);
    const [a, b, c] = [await redisLog(prefix), await redisLog(prefix), await redisLog(prefix)];
    const onB: string[] = [];
    const onC: string[] = [];
    b.subscribe((e) => onB.push(e.dedupeKey));
    c.subscribe((e) => onC.push(e.dedupeKey));
    await settle();
    await a.append(event('only-once'));
    // The same delivery reaching two replicas at once (Bondora retries, or a load balancer's retry).
    const both = await Promise.all([b.append(event('twice')), c.append(event('twice'))]);
    expect(both.filter((r) => !r.duplicate)).toHaveLength(1);
    await settle();
    expect(onB).toEqual(['only-once', 'twice']);
    expect(onC).toEqual(['only-once', 'twice']);
  });
});
