import { setMaxListeners } from 'node:events';
import type { Request, Response } from 'express';
import { CallerBondoraAccess } from '../auth/bondora.access.js';
import type { BondoraConnections } from '../auth/bondora.connections.js';
import type { Caller } from '../auth/caller.js';
import type { EventLog } from '../events/event.log.js';
import type { GatewayContext } from '../graphql/context.js';
import { BondLoaders } from '../loaders/bond.loaders.js';
import { BondoraAccountLoaders } from '../loaders/bondora.account.loaders.js';
import { BondoraLoaders } from '../loaders/bondora.loaders.js';
import type { LoaderSettings } from '../loaders/loader.options.js';
import { BondClient } from '../upstream/bond/bond.client.js';
import { BondoraClient } from '../upstream/bondora/bondora.client.js';
import { fixedCredential, type BondoraCredential } from '../upstream/bondora/bondora.credential.js';
import type { HttpClient } from '../upstream/http.js';
import type { CallAllowance } from '../upstream/request.scope.js';
import { callerOf } from './caller.middleware.js';

export const BONDORA_TOKEN_HEADER = 'x-bondora-token';

export interface ContextDeps {
  bondoraHttp: HttpClient;
  bondHttp: HttpClient;
  /** The gateway's own Bondora credential, for callers with bondora:shared and no connection of their own. */
  bondoraCredential: BondoraCredential;
  /** Per-caller Bondora connections; undefined when no Bondora application is configured. */
  bondoraConnections: BondoraConnections | undefined;
  /** How long one operation may wait for rate-limit slots in all. */
  rateLimitWaitMs: number;
  /** Upstream calls one HTTP request (all operations of a batch together) may make. */
  maxUpstreamCalls: number;
  returnUrls: readonly string[];
  events: EventLog | undefined;
  /** Events a subscriber may fall behind before its subscription is ended. */
  subscriberQueueLimit: number;
  loaders?: LoaderSettings;
}

export interface CallerRequest {
  caller: Caller;
  /** A Bondora token the caller sent (x-bondora-token, or the same key in a WebSocket's connection_init). */
  bondoraToken: string | undefined;
  /** Aborted when the caller goes away. */
  signal: AbortSignal;
  /** Shared by the operations of one HTTP batch; a fresh one per operation otherwise. */
  calls?: CallAllowance;
}

/**
 * The context of one operation: the caller, clients bound to their credentials, and new loaders.
 * `renew()` gives a long-lived operation (a subscription) fresh loaders, a fresh wait budget and a
 * fresh call allowance before each event, so no event reads another's cached data.
 */
export function createContextBuilder(deps: ContextDeps) {
  return (request: CallerRequest): GatewayContext => {
    const bondoraAccess = new CallerBondoraAccess({
      caller: request.caller,
      connections: deps.bondoraConnections,
      headerToken: request.bondoraToken,
      shared: deps.bondoraCredential,
      fixed: fixedCredential,
    });
    const context = {
      caller: request.caller,
      bondoraAccess,
      bondoraConnections: deps.bondoraConnections,
      returnUrls: deps.returnUrls,
      events: deps.events,
      subscriberQueueLimit: deps.subscriberQueueLimit,
    } as GatewayContext;
    // Clients and loaders are made on first use: a subscription renews them before every event, and
    // most events (an auction's id and rating) never touch an upstream.
    let allowance = request.calls;
    let parts: Pick<GatewayContext, 'bondora' | 'bond' | 'bondoraLoaders' | 'bondLoaders' | 'accountLoaders'> | undefined;
    const make = (): NonNullable<typeof parts> => {
      // One deadline per operation: every field's rate-limit waits count against the same budget of time.
      const scope = { signal: request.signal, deadline: Date.now() + deps.rateLimitWaitMs, calls: (allowance ??= fresh()) };
      const bondora = new BondoraClient(deps.bondoraHttp, bondoraAccess, scope);
      // Bond's key is the brand's, shared by every caller: each call spends the caller's share of it.
      const bond = new BondClient(deps.bondHttp, { ...scope, shareOf: request.caller.id });
      return {
        bondora,
        bond,
        bondoraLoaders: new BondoraLoaders(bondora, deps.loaders),
        bondLoaders: new BondLoaders(bond, deps.loaders),
        accountLoaders: new BondoraAccountLoaders(bondora, deps.loaders),
      };
    };
    const fresh = (): CallAllowance => ({ max: deps.maxUpstreamCalls, made: 0 });
    for (const name of ['bondora', 'bond', 'bondoraLoaders', 'bondLoaders', 'accountLoaders'] as const) {
      Object.defineProperty(context, name, { enumerable: true, get: () => (parts ??= make())[name] });
    }
    const renew = (): void => {
      parts = undefined;
      allowance = undefined;
    };
    context.renew = renew;
    return context;
  };
}

/** Apollo's context function over HTTP. */
export function createContextFactory(deps: ContextDeps) {
  const build = createContextBuilder(deps);
  // The operations of one batched HTTP request draw on one allowance.
  const allowances = new WeakMap<Request, CallAllowance>();
  return async ({ req, res }: { req: Request; res: Response }): Promise<GatewayContext> => {
    let calls = allowances.get(req);
    if (!calls) allowances.set(req, (calls = { max: deps.maxUpstreamCalls, made: 0 }));
    // Upstream calls stop when the client goes away before its response is written.
    const abort = new AbortController();
    // Every upstream call of the operation listens to it (up to the call budget at once): not a leak.
    setMaxListeners(0, abort.signal);
    res.once('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    return build({
      caller: callerOf(res),
      bondoraToken: req.get(BONDORA_TOKEN_HEADER)?.trim() || undefined,
      signal: abort.signal,
      calls,
    });
  };
}
