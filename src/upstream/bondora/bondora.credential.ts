import { UpstreamError } from '../upstream.error.js';
import type { BondoraOAuthClient, TokenSet } from './bondora.oauth.client.js';

// The bearer token a Bondora call carries: a fixed one (configured, or the caller's own), or the
// gateway's OAuth connection, which refreshes before expiry and once after a 401.

export interface BondoraCredential {
  /** The token to send now; undefined when there is none. */
  token(): Promise<string | undefined>;
  /** After a 401 with `stale`: a renewed token to retry with once, or undefined. */
  renew?(stale: string): Promise<string | undefined>;
  /** Set once token() has answered when the token is shared between callers: whose share a call spends. */
  readonly shareOf?: string;
}

export function fixedCredential(token: string | undefined): BondoraCredential {
  return { token: async () => token };
}

export interface OAuthConnectionStatus {
  connected: boolean;
  expiresAt: string | null;
  scope: string | null;
  /** Why the last refresh failed (the upstream's words), when it did. */
  lastError: string | null;
}

/** What an OAuth connection holds; expiresAt in epoch ms, absent for a token that never expires. */
export interface StoredTokens {
  accessToken?: string;
  refreshToken?: string;
  expiresAt?: number;
  scope?: string;
  lastError?: string;
}

/** Where the connection's tokens live when several gateway processes share one Bondora account. */
export interface TokenStore {
  load(): Promise<StoredTokens | undefined>;
  save(tokens: StoredTokens): Promise<void>;
}

export class OAuthCredential implements BondoraCredential {
  private tokens: StoredTokens;
  private refreshing: Promise<string | undefined> | undefined;
  /** Set by retire(): the connection was dropped, so nothing this object learns later is kept. */
  private retired = false;

  /**
   * @param store shared with the other gateway processes (a login or refresh in one serves all); none keeps them here
   * @param refreshAheadMs how long before expiry a token is replaced, so no call goes out with a dying token
   */
  constructor(
    private readonly oauth: BondoraOAuthClient,
    initial: StoredTokens,
    private readonly store?: TokenStore,
    private readonly refreshAheadMs = 60_000,
  ) {
    this.tokens = { ...initial };
  }

  async token(): Promise<string | undefined> {
    if (this.fresh()) return this.tokens.accessToken;
    // Another process may have logged in or refreshed already.
    await this.sync();
    if (this.fresh() || !this.tokens.refreshToken) return this.tokens.accessToken;
    return this.refresh();
  }

  async renew(stale: string): Promise<string | undefined> {
    await this.sync();
    // Another call, or another process, may have renewed it while this one was in flight.
    if (this.tokens.accessToken && this.tokens.accessToken !== stale) return this.tokens.accessToken;
    if (!this.tokens.refreshToken) return undefined;
    return this.refresh();
  }

  /** Tokens read from the shared store by someone else: newer than what this object holds. */
  adopt(tokens: StoredTokens): void {
    if (!this.refreshing) this.tokens = { ...tokens };
  }

  /**
   * The connection is being dropped: a refresh still in flight must not write it back, and the
   * token such a refresh brings is revoked as soon as it arrives.
   */
  retire(): void {
    this.retired = true;
  }

  /** Takes the tokens of a completed login. */
  async connect(set: TokenSet): Promise<void> {
    await this.keep({
      accessToken: set.accessToken,
      refreshToken: set.refreshToken ?? this.tokens.refreshToken,
      expiresAt: set.expiresAt,
      scope: set.scope ?? this.tokens.scope,
    });
  }

  async status(): Promise<OAuthConnectionStatus> {
    await this.sync();
    const { accessToken, expiresAt, scope, lastError } = this.tokens;
    return {
      connected: accessToken !== undefined,
      expiresAt: expiresAt === undefined ? null : new Date(expiresAt).toISOString(),
      scope: scope ?? null,
      lastError: lastError ?? null,
    };
  }

  private fresh(): boolean {
    const { accessToken, expiresAt } = this.tokens;
    return accessToken !== undefined && (expiresAt === undefined || expiresAt - Date.now() > this.refreshAheadMs);
  }

  private async sync(): Promise<void> {
    if (!this.store) return;
    try {
      const shared = await this.store.load();
      if (shared) this.tokens = shared;
    } catch {
      // An unreachable store must not stop calls this process can still make with what it holds.
    }
  }

  private async keep(tokens: StoredTokens): Promise<void> {
    if (this.retired) return;
    this.tokens = tokens;
    await this.store?.save(tokens);
  }

  /** One refresh at a time; concurrent callers share it. A failed refresh drops the connection. */
  private refresh(): Promise<string | undefined> {
    this.refreshing ??= (async () => {
      const refreshToken = this.tokens.refreshToken!;
      try {
        const set = await this.oauth.refresh(refreshToken);
        if (this.retired) {
          // Disconnected while this refresh was in flight: the new token must not outlive the connection.
          await this.oauth.revoke(set.accessToken).catch(() => undefined);
          return undefined;
        }
        await this.connect(set);
        return this.tokens.accessToken;
      } catch (error) {
        // A refused refresh token needs a new login; a network failure may pass, so it is kept.
        const refused = error instanceof UpstreamError && (error.kind === 'BAD_REQUEST' || error.kind === 'UNAUTHENTICATED');
        await this.keep({
          scope: this.tokens.scope,
          refreshToken: refused ? undefined : refreshToken,
          lastError: error instanceof Error ? error.message : String(error),
        }).catch(() => undefined);
        return undefined;
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }
}
