import { AsyncLocalStorage } from 'node:async_hooks';

// What every log line written while handling one HTTP request should carry, without passing it
// through every function: the access-log middleware opens the store, the logger's mixin reads it,
// and the GraphQL plugins add the operation names the access line reports.

export interface RequestContext {
  readonly requestId: string;
  /** Names of the GraphQL operations this request ran (several in a batch). */
  readonly operations: string[];
}

const storage = new AsyncLocalStorage<RequestContext>();

export function runWithRequestContext<T>(context: RequestContext, run: () => T): T {
  return storage.run(context, run);
}

/** The request being handled, or undefined outside one (start-up, timers, WebSocket messages). */
export function currentRequest(): RequestContext | undefined {
  return storage.getStore();
}
