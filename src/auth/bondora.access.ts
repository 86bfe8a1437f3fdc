import type { BondoraCredential } from '../upstream/bondora/bondora.credential.js';
import { UpstreamError } from '../upstream/upstream.error.js';
import type { BondoraConnections } from './bondora.connections.js';
import { hasScope, type Caller } from './caller.js';

// Which Bondora credential a request acts with, in this order: the caller's own OAuth connection;
// else a token the caller sent in x-bondora-token; else the gateway's own token, for callers with
// bondora:shared (spending their share of its budget); else none, and Bondora fields fail with
// BONDORA_NOT_CONNECTED. Decided on the first Bondora call, so operations that never touch Bondora
// never look the connection up.

export type BondoraAccessSource = 'connection' | 'header' | 'shared' | 'none';

export interface BondoraAccessOptions {
  caller: Caller;
  connections: BondoraConnections | undefined;
  headerToken: string | undefined;
  /** The gateway's own credential (BONDORA_ACCESS_TOKEN or its refreshed OAuth token). */
  shared: BondoraCredential;
  /** fixedCredential of a header token (injected to keep this module free of how tokens are held). */
  fixed: (token: string) => BondoraCredential;
}

export function notConnected(): UpstreamError {
  return new UpstreamError(
    'bondora',
    'UNAUTHENTICATED',
    'You have no Bondora connection: connect your Bondora account with the connectBondora mutation, or send your own token in the x-bondora-token header',
    { reason: 'BONDORA_NOT_CONNECTED' },
  );
}

export class CallerBondoraAccess implements BondoraCredential {
  private choice: Promise<{ source: BondoraAccessSource; credential: BondoraCredential | undefined }> | undefined;
  private chosen: BondoraAccessSource | undefined;

  constructor(private readonly options: BondoraAccessOptions) {}

  /** Spending a share of the shared budget only when acting with the gateway's own token. */
  get shareOf(): string | undefined {
    return this.chosen === 'shared' ? this.options.caller.id : undefined;
  }

  async source(): Promise<BondoraAccessSource> {
    return (await this.choose()).source;
  }

  async token(): Promise<string | undefined> {
    const { credential } = await this.choose();
    if (!credential) throw notConnected();
    return credential.token();
  }

  async renew(stale: string): Promise<string | undefined> {
    const { credential } = await this.choose();
    return credential?.renew?.(stale);
  }

  private choose(): Promise<{ source: BondoraAccessSource; credential: BondoraCredential | undefined }> {
    this.choice ??= (async () => {
      const { caller, connections, headerToken, shared, fixed } = this.options;
      const own = await connections?.credential(caller.id);
      const picked: { source: BondoraAccessSource; credential: BondoraCredential | undefined } = own
        ? { source: 'connection', credential: own }
        : headerToken
          ? { source: 'header', credential: fixed(headerToken) }
          : hasScope(caller, 'bondora:shared')
            ? { source: 'shared', credential: shared }
            : { source: 'none', credential: undefined };
      this.chosen = picked.source;
      return picked;
    })();
    return this.choice;
  }
}
