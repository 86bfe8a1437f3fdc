import { randomBytes } from 'node:crypto';
import { OAuthCredential, type OAuthConnectionStatus, type StoredTokens } from '../upstream/bondora/bondora.credential.js';
import type { BondoraOAuthClient } from '../upstream/bondora/bondora.oauth.client.js';
import { UpstreamError } from '../upstream/upstream.error.js';

// Each caller's own Bondora OAuth connection. A caller starts a login (connectBondora) and gets an
// authorize URL whose one-time state is bound to them; the callback, which anyone's browser may
// reach, can only finish a login that an authenticated caller started, and stores the tokens under
// that caller. Tokens are refreshed per caller, shared through the store by every gateway process.

export const LOGIN_STATE_TTL_MS = 10 * 60_000;
const MAX_PENDING_LOGINS = 1000;
const MAX_LIVE_CREDENTIALS = 10_000;

/** A login in progress: who started it and where the browser goes when it is done. */
export interface BondoraLogin {
  callerId: string;
  returnTo?: string;
}

/** One-time login states, issued by connectBondora and taken by the callback (maybe on another process). */
export interface LoginStateStore {
  issue(login: BondoraLogin): Promise<string>;
  /** The login a state was issued for, once, while it has not expired. */
  take(state: string): Promise<BondoraLogin | undefined>;
}

/** Each caller's tokens; a store outside the process keeps them sealed. */
export interface ConnectionStore {
  load(callerId: string): Promise<StoredTokens | undefined>;
  save(callerId: string, tokens: StoredTokens): Promise<void>;
  delete(callerId: string): Promise<void>;
}

export function newLoginState(): string {
  return randomBytes(24).toString('base64url');
}

/** This process only; bounded, so started-and-abandoned logins cannot grow memory without limit. */
export class MemoryLoginStateStore implements LoginStateStore {
  private readonly logins = new Map<string, BondoraLogin & { expires: number }>();

  async issue(login: BondoraLogin): Promise<string> {
    const state = newLoginState();
    this.logins.set(state, { ...login, expires: Date.now() + LOGIN_STATE_TTL_MS });
    while (this.logins.size > MAX_PENDING_LOGINS) this.logins.delete(this.logins.keys().next().value!);
    return state;
  }

  async take(state: string): Promise<BondoraLogin | undefined> {
    const login = this.logins.get(state);
    this.logins.delete(state);
    if (!login || login.expires <= Date.now()) return undefined;
    return { callerId: login.callerId, ...(login.returnTo ? { returnTo: login.returnTo } : {}) };
  }
}

/** This process only: the tokens never leave its memory. */
export class MemoryConnectionStore implements ConnectionStore {
  private readonly tokens = new Map<string, StoredTokens>();

  async load(callerId: string): Promise<StoredTokens | undefined> {
    const tokens = this.tokens.get(callerId);
    return tokens && { ...tokens };
  }

  async save(callerId: string, tokens: StoredTokens): Promise<void> {
    this.tokens.set(callerId, { ...tokens });
  }

  async delete(callerId: string): Promise<void> {
    this.tokens.delete(callerId);
  }
}

export interface BondoraAuthorizeSettings {
  clientId: string;
  /** Bondora's authorize page (app.bondora.com's, or the simulator's). */
  authorizeUrl: string;
  /** Space-separated Bondora scopes asked for. */
  scopes: string;
}

export interface CompletedLogin {
  callerId: string;
  returnTo: string | undefined;
  status: OAuthConnectionStatus;
}

export class BondoraConnections {
  /** One credential object per connected caller, so concurrent requests share one refresh. */
  private readonly live = new Map<string, OAuthCredential>();

  constructor(
    private readonly oauth: BondoraOAuthClient,
    private readonly settings: BondoraAuthorizeSettings,
    private readonly logins: LoginStateStore,
    private readonly store: ConnectionStore,
    /** The registered callback (known once the server listens). */
    private readonly redirectUri: () => string,
  ) {}

  /** Bondora's authorize URL for this caller, with a one-time state that expires in 10 minutes. */
  async authorize(callerId: string, returnTo?: string): Promise<{ url: string; expiresAt: Date }> {
    const state = await this.logins.issue({ callerId, ...(returnTo ? { returnTo } : {}) });
    const url = new URL(this.settings.authorizeUrl);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: this.settings.clientId,
      scope: this.settings.scopes,
      redirect_uri: this.redirectUri(),
      state,
    }).toString();
    return { url: url.toString(), expiresAt: new Date(Date.now() + LOGIN_STATE_TTL_MS) };
  }

  /** The callback's first step: the login a state was issued for, once; undefined when unknown, used or expired. */
  async takeLogin(state: string): Promise<BondoraLogin | undefined> {
    return this.logins.take(state);
  }

  /** Exchanges the code and stores the tokens under the caller who started the login. */
  async finish(login: BondoraLogin, code: string): Promise<CompletedLogin> {
    const set = await this.oauth.exchangeCode(code, this.redirectUri());
    const credential = this.credentialFor(login.callerId, {});
    await credential.connect(set);
    return { callerId: login.callerId, returnTo: login.returnTo, status: await credential.status() };
  }

  /** The caller's connection, or undefined when they have none (or it was dropped after a refused refresh). */
  async credential(callerId: string): Promise<OAuthCredential | undefined> {
    const tokens = await this.load(callerId);
    if (!tokens || (!tokens.accessToken && !tokens.refreshToken)) {
      this.live.delete(callerId);
      return undefined;
    }
    const credential = this.credentialFor(callerId, tokens);
    // Another process may have refreshed since: use its token rather than draw a 401 with ours.
    credential.adopt(tokens);
    return credential;
  }

  /**
   * The caller's stored tokens. The store answers "none" for a value it cannot open (the caller
   * connects again) and throws while it is unavailable, so an outage never passes for "not
   * connected" and never sends the caller on to another credential.
   */
  private load(callerId: string): Promise<StoredTokens | undefined> {
    return this.store.load(callerId);
  }

  async status(callerId: string): Promise<OAuthConnectionStatus> {
    const credential = await this.credential(callerId);
    if (credential) return credential.status();
    const tokens = await this.load(callerId);
    return { connected: false, expiresAt: null, scope: null, lastError: tokens?.lastError ?? null };
  }

  /**
   * Revokes the caller's access token at Bondora and forgets the connection. Forgotten even when
   * Bondora cannot be reached, so a caller can always cut the gateway off; `revoked` says whether
   * Bondora confirmed.
   */
  async disconnect(callerId: string): Promise<{ wasConnected: boolean; revoked: boolean }> {
    const tokens = await this.load(callerId);
    this.live.get(callerId)?.retire();
    this.live.delete(callerId);
    await this.store.delete(callerId);
    if (!tokens?.accessToken) return { wasConnected: Boolean(tokens?.refreshToken), revoked: false };
    try {
      await this.oauth.revoke(tokens.accessToken);
      return { wasConnected: true, revoked: true };
    } catch (error) {
      // A token Bondora no longer knows is as revoked as it gets.
      if (error instanceof UpstreamError && error.kind === 'UNAUTHENTICATED') return { wasConnected: true, revoked: true };
      if (error instanceof UpstreamError) return { wasConnected: true, revoked: false };
      throw error;
    }
  }

  private credentialFor(callerId: string, tokens: StoredTokens): OAuthCredential {
    let credential = this.live.get(callerId);
    if (!credential) {
      credential = new OAuthCredential(this.oauth, tokens, {
        load: () => this.store.load(callerId),
        save: (next) => this.store.save(callerId, next),
      });
      this.live.set(callerId, credential);
      if (this.live.size > MAX_LIVE_CREDENTIALS) this.live.delete(this.live.keys().next().value!);
    }
    return credential;
  }
}
