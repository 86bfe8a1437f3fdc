import { UpstreamError } from '../upstream.error.js';
import type { BondoraOAuthClient, TokenSet } from './bondora.oauth.client.js';

// The bearer token a Bondora call carries: a fixed one (configured, or the caller's own), or the
// gateway's OAuth connection, which refreshes before expiry and once after a 401.

export interface BondoraCredential {
  /** The token to send now; undefined when there is none. */
  token(): Promise<string | undefined>;
  /** After a 401 with `stale`: a renewed token to retry with once, or undefined. */
  renew?(stale: string): Promise<string | undefined>;
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

export class OAuthCredential implements BondoraCredential {
  private accessToken: string | undefined;
  private refreshToken: string | undefined;
  private expiresAt: number | undefined;
  private scope: string | undefined;
  private refreshing: Promise<string | undefined> | undefined;
  private lastError: string | undefined;

  /**
   * @param refreshAheadMs how long before expiry a token is replaced, so no call goes out with a dying token
   */
  constructor(
    private readonly oauth: BondoraOAuthClient,
    initial: { accessToken?: string; refreshToken?: string },
    private readonly refreshAheadMs = 60_000,
  ) {
    this.accessToken = initial.accessToken;
    this.refreshToken = initial.refreshToken;
  }

  async token(): Promise<string | undefined> {
    const fresh = this.accessToken && (this.expiresAt === undefined || this.expiresAt - Date.now() > this.refreshAheadMs);
    if (fresh || !this.refreshToken) return this.accessToken;
    return this.refresh();
  }

  async renew(stale: string): Promise<string | undefined> {
    // Another call may have renewed it already while this one was in flight.
    if (this.accessToken && this.accessToken !== stale) return this.accessToken;
    if (!this.refreshToken) return undefined;
    return this.refresh();
  }

  /** Takes the tokens of a completed login. */
  connect(tokens: TokenSet): void {
    this.accessToken = tokens.accessToken;
    this.refreshToken = tokens.refreshToken ?? this.refreshToken;
    this.expiresAt = tokens.expiresAt;
    this.scope = tokens.scope ?? this.scope;
    this.lastError = undefined;
  }

  status(): OAuthConnectionStatus {
    return {
      connected: this.accessToken !== undefined,
      expiresAt: this.expiresAt === undefined ? null : new Date(this.expiresAt).toISOString(),
      scope: this.scope ?? null,
      lastError: this.lastError ?? null,
    };
  }

  /** One refresh at a time; concurrent callers share it. A failed refresh drops the connection. */
  private refresh(): Promise<string | undefined> {
    this.refreshing ??= (async () => {
      try {
        this.connect(await this.oauth.refresh(this.refreshToken!));
        return this.accessToken;
      } catch (error) {
        this.accessToken = undefined;
        this.expiresAt = undefined;
        this.lastError = error instanceof Error ? error.message : String(error);
        // A refused refresh token needs a new login; a network failure may pass, so it is kept.
        if (error instanceof UpstreamError && (error.kind === 'BAD_REQUEST' || error.kind === 'UNAUTHENTICATED')) {
          this.refreshToken = undefined;
        }
        return undefined;
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }
}
