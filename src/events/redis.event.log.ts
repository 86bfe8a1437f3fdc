import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { AppendResult, EventLog, IncomingEvent, LoggedEvent } from './event.log.js';

// The event log in a Redis Stream, shared by every gateway replica: a webhook accepted by one
// replica is appended once (the dedupe key and the append are one Lua script, so two replicas
// receiving the same delivery cannot both append it), and every replica's reader hands it to its
// own subscribers. Cursors are stream ids, so replay after a cursor is one XRANGE.

const CURSOR_PREFIX = 'rs1:';

const APPEND = `
local seen = redis.call('GET', KEYS[2])
if seen then return {0, seen} end
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'e', ARGV[2])
redis.call('SET', KEYS[2], id, 'EX', ARGV[3])
return {1, id}
`;

export interface RedisEventLogOptions {
  /** Events kept in the stream (approximately, as XADD MAXLEN ~ trims). */
  size: number;
  /** How long a dedupe key is remembered: Bond retries deliveries for up to 3 days. */
  dedupeSeconds?: number;
  /** How long one XREAD waits before asking again (a bound on how late close() returns). */
  blockMs?: number;
}

export function streamCursor(id: string): string {
  return Buffer.from(`${CURSOR_PREFIX}${id}`).toString('base64url');
}

function streamId(cursor: string): string | undefined {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith(CURSOR_PREFIX)) return undefined;
  const id = text.slice(CURSOR_PREFIX.length);
  return /^\d+-\d+$/.test(id) ? id : undefined;
}

type StoredEvent = Omit<LoggedEvent, 'cursor'>;

export class RedisEventLog implements EventLog {
  private readonly listeners = new Set<(event: LoggedEvent) => void>();
  private reader: Promise<void> | undefined;
  private closed = false;
  private readonly stream: string;

  /**
   * @param redis for appends and reads
   * @param subscriber a connection of its own for the blocking XREAD (a blocked connection serves nothing else)
   */
  constructor(
    private readonly redis: Redis,
    private readonly subscriber: Redis,
    private readonly prefix: string,
    private readonly options: RedisEventLogOptions,
  ) {
    this.stream = `${prefix}events`;
  }

  async append(incoming: IncomingEvent): Promise<AppendResult> {
    const stored: StoredEvent = { ...incoming, receivedAt: new Date().toISOString() };
    const dedupe = `${this.prefix}events:seen:${createHash('sha256').update(`${incoming.source}\n${incoming.dedupeKey}`).digest('base64url')}`;
    const [added, id] = (await this.redis.eval(
      APPEND,
      2,
      this.stream,
      dedupe,
      String(this.options.size),
      JSON.stringify(stored),
      String(this.options.dedupeSeconds ?? 3 * 86_400),
    )) as [number, string];
    if (added === 1) return { event: { ...stored, cursor: streamCursor(id) }, duplicate: false };
    const [earlier] = await this.read(id, id, 1, false);
    return { event: earlier ?? { ...stored, cursor: streamCursor(id) }, duplicate: true };
  }

  async after(cursor: string | undefined, limit: number): Promise<LoggedEvent[]> {
    const from = cursor === undefined ? '-' : streamId(cursor);
    if (from === undefined) return [];
    return this.read(from, '+', limit, cursor !== undefined);
  }

  subscribe(listener: (event: LoggedEvent) => void): () => void {
    this.listeners.add(listener);
    this.reader ??= this.readLive();
    return () => this.listeners.delete(listener);
  }

  isCursor(cursor: string): boolean {
    return streamId(cursor) !== undefined;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    this.subscriber.disconnect();
    await this.reader?.catch(() => undefined);
  }

  private async read(from: string, to: string, limit: number, exclusive: boolean): Promise<LoggedEvent[]> {
    const entries = await this.redis.xrange(this.stream, exclusive ? `(${from}` : from, to, 'COUNT', limit);
    return entries.map(([id, fields]) => this.decode(id, fields));
  }

  private decode(id: string, fields: string[]): LoggedEvent {
    const stored = JSON.parse(fields[fields.indexOf('e') + 1]!) as StoredEvent;
    return { ...stored, cursor: streamCursor(id) };
  }

  /** One reader per replica: every appended event, in order, to this replica's listeners. */
  private async readLive(): Promise<void> {
    // From the newest entry now, rather than XREAD's '$', so nothing appended before the first read is skipped.
    const newest = await this.redis.xrevrange(this.stream, '+', '-', 'COUNT', 1).catch(() => []);
    let last = newest[0]?.[0] ?? '0-0';
    while (!this.closed) {
      let batches: Array<[string, Array<[string, string[]]>]> | null;
      try {
        batches = (await this.subscriber.xread('BLOCK', this.options.blockMs ?? 5000, 'STREAMS', this.stream, last)) as typeof batches;
      } catch {
        if (this.closed) return;
        // Redis unreachable for a moment: ioredis reconnects; ask again shortly.
        await new Promise((resolve) => setTimeout(resolve, 500));
        continue;
      }
      for (const [, entries] of batches ?? []) {
        for (const [id, fields] of entries) {
          last = id;
          const event = this.decode(id, fields);
          for (const listener of this.listeners) listener(event);
        }
      }
    }
  }
}
