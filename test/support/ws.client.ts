import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/** A graphql-ws client on the gateway's /graphql with a bearer token in connection_init. */
export function wsClient(gatewayUrl: string, token: string | undefined, params: Record<string, unknown> = {}): Client {
  return createClient({
    url: `${gatewayUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    lazy: true,
    retryAttempts: 0,
    connectionParams: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...params },
  });
}

export interface Subscription<T> {
  /** Results received so far. */
  readonly results: T[];
  /** Resolves once `count` results have arrived (or rejects after `ms`). */
  until(count: number, ms?: number): Promise<T[]>;
  /** The error that ended it, if any. */
  readonly error: unknown;
  readonly done: boolean;
  stop(): void;
}

/** Subscribes and collects every result, so a test can wait for a number of them. */
export function collect<T = { data?: Record<string, any>; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> }>(
  client: Client,
  query: string,
  variables?: Record<string, unknown>,
): Subscription<T> {
  const results: T[] = [];
  let error: unknown;
  let done = false;
  const waiters: Array<() => void> = [];
  const notify = () => waiters.splice(0).forEach((w) => w());
  const stop = client.subscribe<never>(
    { query, variables },
    {
      next: (value) => {
        results.push(value as T);
        notify();
      },
      error: (e) => {
        error = e;
        done = true;
        notify();
      },
      complete: () => {
        done = true;
        notify();
      },
    },
  );
  return {
    results,
    get error() {
      return error;
    },
    get done() {
      return done;
    },
    stop,
    async until(count, ms = 5000) {
      const deadline = Date.now() + ms;
      while (results.length < count) {
        if (done) throw new Error(`subscription ended after ${results.length} of ${count} results: ${JSON.stringify(error ?? null)}`);
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`only ${results.length} of ${count} results within ${ms} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return results.slice(0, count);
    },
  };
}
