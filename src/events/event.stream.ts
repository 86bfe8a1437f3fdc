import { GraphQLError } from 'graphql';
import type { EventLog, LoggedEvent } from './event.log.js';

// One subscriber's view of the log: with `after`, every event after that cursor, then live ones,
// without a gap or a duplicate; without it, live events only. The live listener is attached before
// the replay starts, so an event appended meanwhile is either replayed or delivered live, and the
// replayed cursors are remembered to drop its second copy. Events wait in a bounded queue: a
// subscriber that falls `maxQueued` events behind is cut off with an error, so it never holds up
// the log or the other subscribers.

/** Ends a subscription that fell too far behind; the client resubscribes with its last cursor. */
export class SubscriberTooSlow extends GraphQLError {
  constructor(readonly queued: number) {
    super(`This subscription fell ${queued} events behind and was closed; resubscribe with your last cursor to catch up`, {
      extensions: { code: 'SUBSCRIBER_TOO_SLOW' },
    });
    this.name = 'SubscriberTooSlow';
  }
}

export interface EventStreamOptions {
  after?: string;
  /** Only events this returns true for are delivered (the caller's rights and the subscription's filter). */
  accept: (event: LoggedEvent) => boolean;
  maxQueued?: number;
  /** Events read per replay page. */
  replayPage?: number;
}

export function eventStream(log: EventLog, options: EventStreamOptions): AsyncIterableIterator<LoggedEvent> {
  const maxQueued = options.maxQueued ?? 1000;
  const live: LoggedEvent[] = [];
  const backlog: LoggedEvent[] = [];
  const replayed = new Set<string>();
  let failure: Error | undefined;
  let done = false;
  let wake: (() => void) | undefined;

  const unsubscribe = log.subscribe((event) => {
    if (done || failure || !options.accept(event)) return;
    if (live.length >= maxQueued) {
      failure = new SubscriberTooSlow(live.length);
      live.length = 0;
      unsubscribe();
    } else live.push(event);
    wake?.();
  });

  const replay = (async () => {
    if (options.after === undefined) return;
    let cursor: string | undefined = options.after;
    const page = options.replayPage ?? 500;
    for (;;) {
      const events = await log.after(cursor, page);
      for (const event of events) {
        replayed.add(event.cursor);
        if (options.accept(event)) backlog.push(event);
      }
      if (events.length < page) return;
      cursor = events.at(-1)!.cursor;
    }
  })();

  const finish = (): void => {
    if (done) return;
    done = true;
    unsubscribe();
    wake?.();
  };

  const iterator: AsyncIterableIterator<LoggedEvent> = {
    async next(): Promise<IteratorResult<LoggedEvent>> {
      await replay;
      for (;;) {
        if (failure) {
          const error = failure;
          finish();
          throw error;
        }
        if (done) return { value: undefined, done: true };
        const replayedEvent = backlog.shift();
        const next = replayedEvent ?? live.shift();
        if (next) {
          // The live copy of an event that was appended while the replay was reading it.
          if (!replayedEvent && replayed.delete(next.cursor)) continue;
          return { value: next, done: false };
        }
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    },
    async return(): Promise<IteratorResult<LoggedEvent>> {
      finish();
      return { value: undefined, done: true };
    },
    async throw(error?: unknown): Promise<IteratorResult<LoggedEvent>> {
      finish();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };

  return iterator;
}
