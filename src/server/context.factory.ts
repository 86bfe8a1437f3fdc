import type { Request, Response } from 'express';
import { CallerBondoraAccess } from '../auth/bondora.access.js';
import type { BondoraConnections } from '../auth/bondora.connections.js';
import type { GatewayContext } from '../graphql/context.js';
import { BondLoaders } from '../loaders/bond.loaders.js';
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
  loaders?: LoaderSettings;
}

/** A fresh context per operation: the caller, clients bound to their credentials, and new loaders. */
export function createContextFactory(deps: ContextDeps) {
  // The operations of one batched HTTP request draw on one allowance.
  const allowances = new WeakMap<Request, CallAllowance>();
  return async ({ req, res }: { req: Request; res: Response }): Promise<GatewayContext> => {
    const caller = callerOf(res);
    let calls = allowances.get(req);
    if (!calls) allowances.set(req, (calls = { max: deps.maxUpstreamCalls, made: 0 }));
    // Upstream calls stop when the client goes away before its response is written.
    const abort = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    // One deadline per operation: every field's rate-limit waits count against the same budget of time.
    const scope = { signal: abort.signal, deadline: Date.now() + deps.rateLimitWaitMs, calls };
    const bondoraAccess = new CallerBondoraAccess({
      caller,
      connections: deps.bondoraConnections,
      headerToken: req.get(BONDORA_TOKEN_HEADER)?.trim() || undefined,
      shared: deps.bondoraCredential,
      fixed: fixedCredential,
    });
    const bondora = new BondoraClient(deps.bondoraHttp, bondoraAccess, scope);
    // Bond's key is the brand's, shared by every caller: each call spends the caller's share of it.
    const bond = new BondClient(deps.bondHttp, { ...scope, shareOf: caller.id });
    return {
      caller,
      bondora,
      bond,
      bondoraLoaders: new BondoraLoaders(bondora, deps.loaders),
      bondLoaders: new BondLoaders(bond, deps.loaders),
      bondoraAccess,
      bondoraConnections: deps.bondoraConnections,
      returnUrls: deps.returnUrls,
    };
  };
}
