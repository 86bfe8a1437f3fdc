import type { Request, Response } from 'express';
import type { GatewayContext } from '../graphql/context.js';
import { BondLoaders } from '../loaders/bond.loaders.js';
import { BondoraLoaders } from '../loaders/bondora.loaders.js';
import { BondClient } from '../upstream/bond/bond.client.js';
import { BondoraClient } from '../upstream/bondora/bondora.client.js';
import type { HttpClient } from '../upstream/http.js';

export const BONDORA_TOKEN_HEADER = 'x-bondora-token';

export interface ContextDeps {
  bondoraHttp: HttpClient;
  bondHttp: HttpClient;
  /** Server-side Bondora token, used when the caller sends none. */
  bondoraToken: string | undefined;
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
    const bondora = new BondoraClient(deps.bondoraHttp, callerToken || deps.bondoraToken, abort.signal);
    const bond = new BondClient(deps.bondHttp, abort.signal);
    return { bondora, bond, bondoraLoaders: new BondoraLoaders(bondora), bondLoaders: new BondLoaders(bond) };
  };
}
