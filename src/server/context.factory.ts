import type { Request, Response } from 'express';
import type { GatewayContext } from '../graphql/context.js';
import { BondLoaders } from '../loaders/bond.loaders.js';
import { BondoraLoaders } from '../loaders/bondora.loaders.js';
import type { LoaderSettings } from '../loaders/loader.options.js';
import { BondClient } from '../upstream/bond/bond.client.js';
import { BondoraClient } from '../upstream/bondora/bondora.client.js';
import { fixedCredential, type BondoraCredential } from '../upstream/bondora/bondora.credential.js';
import type { HttpClient } from '../upstream/http.js';

export const BONDORA_TOKEN_HEADER = 'x-bondora-token';

export interface ContextDeps {
  bondoraHttp: HttpClient;
  bondHttp: HttpClient;
  /** The gateway's own Bondora credential, used when the caller sends no token. */
  bondoraCredential: BondoraCredential;
  /** How long one operation may wait for rate-limit slots in all. */
  rateLimitWaitMs: number;
  loaders?: LoaderSettings;
}

/** A fresh context per operation: clients bound to this caller's credential and new loaders. */
export function createContextFactory(deps: ContextDeps) {
  return async ({ req, res }: { req: Request; res: Response }): Promise<GatewayContext> => {
    const callerToken = req.get(BONDORA_TOKEN_HEADER)?.trim();
    // Upstream calls stop when the client goes away before its response is written.
    const abort = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    // One deadline per operation: every field's rate-limit waits count against the same budget of time.
    const scope = { signal: abort.signal, deadline: Date.now() + deps.rateLimitWaitMs };
    const credential = callerToken ? fixedCredential(callerToken) : deps.bondoraCredential;
    const bondora = new BondoraClient(deps.bondoraHttp, credential, scope);
    const bond = new BondClient(deps.bondHttp, scope);
    return { bondora, bond, bondoraLoaders: new BondoraLoaders(bondora, deps.loaders), bondLoaders: new BondLoaders(bond, deps.loaders) };
  };
}
