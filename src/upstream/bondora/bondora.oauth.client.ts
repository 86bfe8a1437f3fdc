import { HttpClient, type UpstreamErrorBody } from '../http.js';
import { UpstreamError } from '../upstream.error.js';

// Bondora's token endpoint (POST /oauth/access_token on the API origin): code exchange and refresh.
// Its answers are plain OAuth JSON, not the API envelope.

export interface TokenSet {
  accessToken: string;
  /** Only the authorization_code grant returns one; a refresh keeps the old refresh token. */
  refreshToken?: string;
  /** Epoch ms; undefined for a token that never expires (expires_in 0). */
  expiresAt?: number;
  scope?: string;
}

export interface OAuthClientCredentials {
  clientId: string;
  clientSecret: string;
}

interface TokenResponse {
  access_token?: unknown;
  refresh_token?: unknown;
  expires_in?: unknown;
  valid_until?: unknown;
  scope?: unknown;
}

/** OAuth-style `{error, error_description}`, or the API envelope's Errors[0]. */
export function describeOAuthError(body: unknown): UpstreamErrorBody | undefined {
  const record = body as Record<string, unknown> | undefined;
  if (!record || typeof record !== 'object') return undefined;
  if (typeof record.error === 'string') {
    return { code: record.error, message: typeof record.error_description === 'string' ? record.error_description : record.error };
  }
  const first = (record.Errors as Array<Record<string, unknown>> | undefined)?.[0];
  return first && typeof first.Message === 'string' ? { code: first.Code as number, message: first.Message } : undefined;
}

export function createBondoraOAuthHttp(baseUrl: string, timeoutMs: number): HttpClient {
  return new HttpClient({ upstream: 'bondora', baseUrl, timeoutMs, describeError: describeOAuthError });
}

export class BondoraOAuthClient {
  constructor(
    private readonly http: HttpClient,
    private readonly client: OAuthClientCredentials,
  ) {}

  exchangeCode(code: string, redirectUri: string): Promise<TokenSet> {
    return this.grant({ grant_type: 'authorization_code', code, redirect_uri: redirectUri }, [code]);
  }

  refresh(refreshToken: string): Promise<TokenSet> {
    return this.grant({ grant_type: 'refresh_token', refresh_token: refreshToken }, [refreshToken]);
  }

  /** POST /oauth/access_token/revoke: the token stops working at Bondora (202). */
  async revoke(accessToken: string): Promise<void> {
    await this.http.request({
      method: 'POST',
      endpoint: 'oauth.revoke',
      path: '/oauth/access_token/revoke',
      headers: { authorization: `Bearer ${accessToken}` },
    });
  }

  private async grant(fields: Record<string, string>, secrets: string[]): Promise<TokenSet> {
    const response = await this.http.request({
      method: 'POST',
      endpoint: 'oauth.token',
      path: '/oauth/access_token',
      body: { ...fields, client_id: this.client.clientId, client_secret: this.client.clientSecret },
      secrets: [...secrets, this.client.clientSecret],
    });
    const body = (response.body ?? {}) as TokenResponse;
    if (typeof body.access_token !== 'string' || body.access_token === '') {
      throw new UpstreamError('bondora', 'ERROR', 'Bondora returned a token response without an access token');
    }
    const expiresIn = typeof body.expires_in === 'number' ? body.expires_in : undefined;
    const validUntil = typeof body.valid_until === 'number' && body.valid_until > 0 ? body.valid_until * 1000 : undefined;
    return {
      accessToken: body.access_token,
      refreshToken: typeof body.refresh_token === 'string' && body.refresh_token ? body.refresh_token : undefined,
      // expires_in 0 means the token never expires.
      expiresAt: expiresIn === 0 ? undefined : (validUntil ?? (expiresIn ? Date.now() + expiresIn * 1000 : undefined)),
      scope: typeof body.scope === 'string' ? body.scope : undefined,
    };
  }
}
