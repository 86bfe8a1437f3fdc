// The log of accepted webhook events: every event gets a cursor that only ever increases, so a
// subscriber that reconnects with its last cursor replays exactly what it missed, then continues
// live. Duplicates (the same upstream event delivered again) are recognised by their dedupe key
// and never appended twice. Kept in memory (a bounded ring) or, with REDIS_URL, in a Redis Stream
// that every replica shares.

export type EventSource = 'bondora' | 'bond';

export interface IncomingEvent {
  source: EventSource;
  /** The upstream's event type, verbatim: `auction.published`, `credit.application.approved`, ... */
  type: string;
  /** Identifies a delivery of the same upstream event: Bondora's EventId; Bond's (event, occurred_at, application id). */
  dedupeKey: string;
  /** ISO-8601, from the event where it says (Bond's occurred_at), else when it was received. */
  occurredAt: string;
  /** The event's data as the upstream sent it (Bondora's Payload, Bond's details.data). */
  payload: unknown;
}

export interface LoggedEvent extends IncomingEvent {
  /** Opaque to clients; strictly increasing in log order. */
  cursor: string;
  receivedAt: string;
}

export interface AppendResult {
  event: LoggedEvent;
  /** True when the dedupe key was seen before: `event` is the one logged then, and nothing was published. */
  duplicate: boolean;
}

export interface EventLog {
  append(event: IncomingEvent): Promise<AppendResult>;
  /** Events after `cursor` (from the oldest kept when undefined), oldest first, at most `limit`. */
  after(cursor: string | undefined, limit: number): Promise<LoggedEvent[]>;
  /** Live events as they are appended (on any replica sharing the log); returns the unsubscribe. */
  subscribe(listener: (event: LoggedEvent) => void): () => void;
  /** Whether a cursor could have come from this log (garbage is BAD_USER_INPUT, not an empty replay). */
  isCursor(cursor: string): boolean;
  close(): Promise<void>;
}

const CURSOR_PREFIX = 'ev1:';

/** Sequence numbers as cursors: fixed width, so they also sort as strings. */
export function memoryCursor(seq: number): string {
  return Buffer.from(`${CURSOR_PREFIX}${seq.toString().padStart(16, '0')}`).toString('base64url');
}

function memorySeq(cursor: string): number | undefined {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith(CURSOR_PREFIX)) return undefined;
  const digits = text.slice(CURSOR_PREFIX.length);
  return /^\d{16}$/.test(digits) ? Number(digits) : undefined;
}

/** This process only: the last `size` events, and the dedupe keys of those. */
export class MemoryEventLog implements EventLog {
  private readonly ring: LoggedEvent[] = [];
  private readonly byKey = new Map<string, LoggedEvent>();
  private readonly listeners = new Set<(event: LoggedEvent) => void>();
  private seq = 0;

  constructor(private readonly size = 10_000) {}

  async append(incoming: IncomingEvent): Promise<AppendResult> {
    const key = `${incoming.source}\n${incoming.dedupeKey}`;
    const seen = this.byKey.get(key);
    if (seen) return { event: seen, duplicate: true };
    const event: LoggedEvent = { ...incoming, cursor: memoryCursor(++this.seq), receivedAt: new Date().toISOString() };
    this.ring.push(event);
    this.byKey.set(key, event);
    if (this.ring.length > this.size) {
      const dropped = this.ring.shift()!;
      this.byKey.delete(`${dropped.source}\n${dropped.dedupeKey}`);
    }
    for (const listener of this.listeners) listener(event);
    return { event, duplicate: false };
  }

  async after(cursor: string | undefined, limit: number): Promise<LoggedEvent[]> {
    const from = cursor === undefined ? 0 : (memorySeq(cursor) ?? Number.MAX_SAFE_INTEGER);
    const out: LoggedEvent[] = [];
    for (const event of this.ring) {
      if (memorySeq(event.cursor)! > from) out.push(event);
      if (out.length >= limit) break;
    }
    return out;
  }

  subscribe(listener: (event: LoggedEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  isCursor(cursor: string): boolean {
    return memorySeq(cursor) !== undefined;
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}
