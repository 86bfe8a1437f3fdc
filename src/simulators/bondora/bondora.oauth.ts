import { randomBytes } from 'node:crypto';
import type { SimRequest, SimResponse } from '../sim.router.js';

// Bondora's OAuth 2.0 authorization-code flow (reference section 1): authorize (a page where the
// user picks which investor consents), POST /oauth/access_token with the authorization_code and
// refresh_token grants in JSON or form bodies, revoke, and access tokens that expire.

export interface OAuthClientRegistration {
  clientId: string;
  clientSecret: string;
  /** Exact callback URLs; loopback URLs (127.0.0.1, localhost) are also accepted when `loopback` is on. */
  redirectUris?: string[];
  loopback?: boolean;
}

/** An investor the authorize page offers. */
export interface OAuthAccount {
  /** Value of the authorize URL's `investor` parameter. */
  id: string;
  /** Shown on the authorize page. */
  name: string;
  /** What tokens issued for this investor act for (the simulator's owner of bids). */
  account: string;
}

export interface OAuthOptions {
  clients: OAuthClientRegistration[];
  /** Lifetime of issued access tokens (default 3600 s, like the help-page sample). */
  accessTokenTtlSeconds?: number;
  /** The investors a user may consent as, in the order the authorize page lists them. */
  accounts: OAuthAccount[];
}

export const BONDORA_SCOPES = ['Investments', 'BidsRead', 'BidsEdit', 'SmSell', 'SmBuy', 'ReportCreate', 'ReportRead'];

interface Grant {
  clientId: string;
  account: string;
  redirectUri: string;
  scope: string;
  expires: number;
}

interface AccessToken {
  clientId: string;
  account: string;
  scope: string;
  expires: number;
}

export class BondoraOAuthServer {
  private readonly codes = new Map<string, Grant>();
  private readonly accessTokens = new Map<string, AccessToken>();
  private readonly refreshTokens = new Map<string, { clientId: string; account: string; scope: string }>();
  private readonly ttlSeconds: number;

  constructor(private readonly options: OAuthOptions) {
    this.ttlSeconds = options.accessTokenTtlSeconds ?? 3600;
  }

  /** The investor an issued, unexpired access token acts for. */
  accountOf(token: string): string | undefined {
    const access = this.accessTokens.get(token);
    if (!access) return undefined;
    if (access.expires <= Date.now()) {
      this.accessTokens.delete(token);
      return undefined;
    }
    return access.account;
  }

  /** The application (client id) an issued, unexpired access token belongs to. */
  applicationOf(token: string): string | undefined {
    return this.accountOf(token) === undefined ? undefined : this.accessTokens.get(token)?.clientId;
  }

  /** The scopes an issued, unexpired access token was granted. */
  scopesOf(token: string): string[] | undefined {
    if (this.accountOf(token) === undefined) return undefined;
    return (this.accessTokens.get(token)?.scope ?? '').split(/[\s,]+/).filter(Boolean);
  }

  /** The investor a refresh token (still valid) acts for. */
  accountOfRefreshToken(refreshToken: string): string | undefined {
    return this.refreshTokens.get(refreshToken)?.account;
  }

  /** Makes every issued access token expire now (refresh tokens stay valid). */
  expireAccessTokens(): void {
    this.accessTokens.clear();
  }

  /** Invalidates every refresh token, as when the user withdraws the application's access. */
  revokeRefreshTokens(): void {
    this.refreshTokens.clear();
  }

  reset(): void {
    this.codes.clear();
    this.accessTokens.clear();
    this.refreshTokens.clear();
  }

  /**
   * GET /oauth/authorize: without `investor`, a page listing the investors to consent as; with a
   * known `investor`, consent at once and back to the client with a code and the state.
   */
  authorize(req: SimRequest): SimResponse {
    const q = req.query;
    const client = this.options.clients.find((c) => c.clientId === q.get('client_id'));
    const redirectUri = q.get('redirect_uri') ?? '';
    // Without a valid client and callback there is nowhere safe to send the user: answer here.
    if (!client) return page(400, 'Unknown client_id.');
    if (!redirectAllowed(client, redirectUri)) return page(400, 'redirect_uri does not match the registered callback.');
    const back = new URL(redirectUri);
    const state = q.get('state');
    if (state !== null) back.searchParams.set('state', state);
    const scope = q.get('scope') ?? '';
    const unknown = scope.split(/[\s,]+/).filter((s) => s && !BONDORA_SCOPES.includes(s));
    if (q.get('response_type') !== 'code' || unknown.length > 0) {
      back.searchParams.set('error', q.get('response_type') !== 'code' ? 'unsupported_response_type' : 'invalid_scope');
      return { status: 302, headers: { location: back.toString() } };
    }
    const investor = q.get('investor');
    if (investor === null) return this.chooser(req);
    const account = this.options.accounts.find((a) => a.id === investor);
    if (!account) return page(400, 'Unknown investor.');
    const code = secret();
    const grant: Grant = { clientId: client.clientId, account: account.account, redirectUri, scope, expires: Date.now() + 60_000 };
    this.codes.set(code, grant);
    back.searchParams.set('code', code);
    return { status: 302, headers: { location: back.toString() } };
  }

  /** POST /oauth/access_token (JSON or form body). */
  token(req: SimRequest): SimResponse {
    const body = (req.parsedBody() ?? {}) as Record<string, unknown>;
    const field = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : undefined);
    const client = this.options.clients.find((c) => c.clientId === field('client_id'));
    if (!client || client.clientSecret !== field('client_secret')) return oauthError('invalid_client', 'Unknown client or wrong secret.');

    const grantType = field('grant_type');
    if (grantType === 'authorization_code') {
      const code = field('code') ?? '';
      const grant = this.codes.get(code);
      this.codes.delete(code); // single use, even when the rest of the request is wrong
      if (!grant || grant.expires <= Date.now() || grant.clientId !== client.clientId) {
        return oauthError('invalid_grant', 'The authorization code is invalid, expired or already used.');
      }
      const redirectUri = field('redirect_uri');
      if (redirectUri !== undefined && redirectUri !== grant.redirectUri) {
        return oauthError('invalid_grant', 'redirect_uri differs from the one used to authorize.');
      }
      const refresh = secret();
      this.refreshTokens.set(refresh, { clientId: client.clientId, account: grant.account, scope: grant.scope });
      return { status: 200, body: { ...this.issue(client.clientId, grant.account, grant.scope), refresh_token: refresh, scope: grant.scope } };
    }
    if (grantType === 'refresh_token') {
      const stored = this.refreshTokens.get(field('refresh_token') ?? '');
      if (!stored || stored.clientId !== client.clientId) return oauthError('invalid_grant', 'The refresh token is invalid or revoked.');
      // Bondora's refresh answer carries a new access token only; the refresh token stays the same.
      return { status: 200, body: this.issue(client.clientId, stored.account, stored.scope) };
    }
    return oauthError('unsupported_grant_type', 'grant_type must be authorization_code or refresh_token.');
  }

  /** POST /oauth/access_token/revoke with the bearer token to revoke: 202 in the API envelope. */
  revoke(req: SimRequest): SimResponse {
    const token = /^Bearer\s+(\S+)\s*$/i.exec(String(req.headers.authorization ?? ''))?.[1];
    if (!token || !this.accessTokens.delete(token)) {
      return { status: 401, body: { Success: false, Errors: [{ Code: 401, Message: 'Invalid token', Details: null }] } };
    }
    return { status: 202, body: { Success: true, Errors: null } };
  }

  /** The consent page: one link per investor, each the same authorize request plus `investor`. */
  private chooser(req: SimRequest): SimResponse {
    const items = this.options.accounts.map((account) => {
      const query = new URLSearchParams(req.query);
      query.set('investor', account.id);
      return `<li><a href="${escapeHtml(`${req.path}?${query.toString()}`)}">${escapeHtml(account.name)}</a></li>`;
    });
    const html = [
      '<!doctype html>',
      '<html lang="en">',
      '<head><meta charset="utf-8"><title>Bondora simulator: authorize</title></head>',
      '<body>',
      '<h1>Bondora simulator</h1>',
      `<p>The application <strong>${escapeHtml(req.query.get('client_id') ?? '')}</strong> asks for ` +
        `<strong>${escapeHtml(req.query.get('scope') ?? '')}</strong>. Consent as:</p>`,
      `<ul>${items.join('')}</ul>`,
      '</body>',
      '</html>',
      '',
    ].join('\n');
    return {
      status: 200,
      headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
      body: Buffer.from(html, 'utf8'),
    };
  }

  private issue(clientId: string, account: string, scope: string): Record<string, unknown> {
    const token = secret();
    const expires = Date.now() + this.ttlSeconds * 1000;
    this.accessTokens.set(token, { clientId, account, scope, expires });
    return { access_token: token, token_type: 'bearer', expires_in: this.ttlSeconds, valid_until: Math.floor(expires / 1000) };
  }
}

function redirectAllowed(client: OAuthClientRegistration, uri: string): boolean {
  if (client.redirectUris?.includes(uri)) return true;
  if (!client.loopback) return false;
  try {
    const url = new URL(uri);
    return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  } catch {
    return false;
  }
}

function secret(): string {
  return randomBytes(24).toString('base64url');
}

function oauthError(error: string, description: string): SimResponse {
  return { status: 400, body: { error, error_description: description } };
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

function page(status: number, message: string): SimResponse {
  return { status, body: { error: 'invalid_request', error_description: message } };
}
