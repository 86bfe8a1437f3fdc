import { randomBytes } from 'node:crypto';
import express, { type Router } from 'express';
import type { OAuthCredential } from '../upstream/bondora/bondora.credential.js';
import type { BondoraOAuthClient } from '../upstream/bondora/bondora.oauth.client.js';
import { UpstreamError } from '../upstream/upstream.error.js';
import type { Logger } from './logger.js';

// Connects the gateway to a Bondora account with the authorization-code flow:
//   GET /auth/bondora/login     redirects to Bondora's authorize page with a one-time state
//   GET /auth/bondora/callback  checks the state, exchanges the code, keeps the tokens (never shown)
//   GET /auth/bondora/status    whether the gateway holds a working token, and until when

export interface BondoraOAuthSettings {
  clientId: string;
  clientSecret: string;
  /** Bondora's authorize page (https://app.bondora.com/oauth/authorize, or the simulator's). */
  authorizeUrl: string;
  /** Registered callback; defaults to this gateway's /auth/bondora/callback. */
  redirectUri?: string;
  /** Space-separated Bondora scopes. */
  scopes: string;
  refreshToken?: string;
}

export const LOGIN_STATE_TTL_MS = 10 * 60_000;
const MAX_PENDING_STATES = 1000;

/** One-time login states: issued by /login, taken by /callback (possibly in another gateway process). */
export interface LoginStateStore {
  issue(): Promise<string>;
  /** True once for a state that was issued and has not expired. */
  take(state: string): Promise<boolean>;
}

export function newLoginState(): string {
  return randomBytes(24).toString('base64url');
}

/** This process only; bounded, so anonymous login requests cannot grow memory without limit. */
export class MemoryLoginStateStore implements LoginStateStore {
  private readonly states = new Map<string, number>();

  async issue(): Promise<string> {
    const state = newLoginState();
    this.states.set(state, Date.now() + LOGIN_STATE_TTL_MS);
    while (this.states.size > MAX_PENDING_STATES) this.states.delete(this.states.keys().next().value!);
    return state;
  }

  async take(state: string): Promise<boolean> {
    const expires = this.states.get(state);
    this.states.delete(state);
    return expires !== undefined && expires > Date.now();
  }
}

export interface BondoraOAuthRoutesOptions {
  settings: BondoraOAuthSettings;
  oauth: BondoraOAuthClient;
  credential: OAuthCredential;
  /** The callback URL when the settings give none (known only once the server listens). */
  defaultRedirectUri: () => string;
  /** Shared between gateway processes when a login may come back to another one. */
  states?: LoginStateStore;
  logger: Logger;
}

export function bondoraOAuthRoutes(options: BondoraOAuthRoutesOptions): Router {
  const { settings, oauth, credential, logger } = options;
  const states = options.states ?? new MemoryLoginStateStore();
  const redirectUri = () => settings.redirectUri ?? options.defaultRedirectUri();
  const fail = (res: express.Response, status: number, code: string, message: string) =>
    res.status(status).json({ error: { code, message } });

  const router = express.Router();
  router.get('/auth/bondora/login', async (_req, res) => {
    const url = new URL(settings.authorizeUrl);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: settings.clientId,
      scope: settings.scopes,
      redirect_uri: redirectUri(),
      state: await states.issue(),
    }).toString();
    res.redirect(302, url.toString());
  });

  router.get('/auth/bondora/callback', async (req, res) => {
    const param = (name: string) => (typeof req.query[name] === 'string' ? (req.query[name] as string) : undefined);
    const state = param('state');
    // The state is checked first: a callback this gateway did not start changes nothing.
    if (!state || !/^[\w-]{16,64}$/.test(state) || !(await states.take(state))) {
      return fail(res, 400, 'BAD_REQUEST', 'Unknown or expired login state; start again at /auth/bondora/login');
    }
    const denied = param('error');
    if (denied) return fail(res, 400, 'BAD_REQUEST', `Bondora did not grant access (${denied.slice(0, 100)})`);
    const code = param('code');
    if (!code) return fail(res, 400, 'BAD_REQUEST', 'The callback carries no authorization code');
    try {
      await credential.connect(await oauth.exchangeCode(code, redirectUri()));
      const status = await credential.status();
      logger.info('bondora account connected', { expiresAt: status.expiresAt });
      res.json({ status: 'connected', ...status });
    } catch (error) {
      if (!(error instanceof UpstreamError)) throw error;
      logger.warn('bondora code exchange failed', { kind: error.kind, status: error.status });
      const status = error.kind === 'BAD_REQUEST' || error.kind === 'UNAUTHENTICATED' ? 400 : 502;
      fail(res, status, status === 400 ? 'UNAUTHENTICATED' : 'UPSTREAM_ERROR', `Bondora refused the login: ${error.message}`);
    }
  });

  router.get('/auth/bondora/status', async (_req, res) => {
    res.json(await credential.status());
  });
  return router;
}
