import express, { type Router } from 'express';
import type { BondoraConnections } from '../auth/bondora.connections.js';
import { isAllowedReturnUrl } from '../auth/return.urls.js';
import { UpstreamError } from '../upstream/upstream.error.js';
import type { Logger } from './logger.js';

// GET /auth/bondora/callback: where Bondora sends the browser after a caller's connectBondora. The
// state is checked first and names the caller who started the login, so a callback the gateway did
// not start changes nothing, and a login always lands on the account of the caller who began it.
// The browser is sent on to the login's returnTo only when it is on AUTH_RETURN_URLS (checked
// again here, not only when the login started); otherwise the answer is JSON.

export interface BondoraOAuthSettings {
  clientId: string;
  clientSecret: string;
  /** Bondora's authorize page (https://app.bondora.com/oauth/authorize, or the simulator's). */
  authorizeUrl: string;
  /** Registered callback; defaults to this gateway's /auth/bondora/callback. */
  redirectUri?: string;
  /** Space-separated Bondora scopes. */
  scopes: string;
  /** The gateway's own refresh token (BONDORA_REFRESH_TOKEN), for the shared token. */
  refreshToken?: string;
}

export const BONDORA_CALLBACK_PATH = '/auth/bondora/callback';

export function bondoraOAuthRoutes(options: { connections: BondoraConnections; returnUrls: readonly string[]; logger: Logger }): Router {
  const { connections, returnUrls, logger } = options;
  const fail = (res: express.Response, status: number, code: string, message: string) =>
    res.status(status).set('Cache-Control', 'no-store').json({ error: { code, message } });

  const router = express.Router();
  router.get(BONDORA_CALLBACK_PATH, async (req, res) => {
    const param = (name: string) => (typeof req.query[name] === 'string' ? (req.query[name] as string) : undefined);
    const state = param('state');
    const login = state && /^[\w-]{16,64}$/.test(state) ? await connections.takeLogin(state) : undefined;
    if (!login) return fail(res, 400, 'BAD_REQUEST', 'Unknown or expired login state; start again with the connectBondora mutation');
    const back = login.returnTo && isAllowedReturnUrl(login.returnTo, returnUrls) ? new URL(login.returnTo) : undefined;
    const answer = (status: 'connected' | 'failed', code?: string, message?: string, httpStatus = 400) => {
      if (back) {
        back.searchParams.set('bondora', status);
        if (code) back.searchParams.set('error', code);
        return res.redirect(303, back.toString());
      }
      return status === 'connected' ? res.set('Cache-Control', 'no-store').json({ status }) : fail(res, httpStatus, code!, message!);
    };
    const denied = param('error');
    if (denied) return answer('failed', 'ACCESS_DENIED', 'Bondora did not grant access');
    const code = param('code');
    if (!code) return answer('failed', 'BAD_REQUEST', 'The callback carries no authorization code');
    try {
      const done = await connections.finish(login, code);
      logger.info('bondora account connected', { expiresAt: done.status.expiresAt });
      return answer('connected');
    } catch (error) {
      if (!(error instanceof UpstreamError)) throw error;
      logger.warn('bondora code exchange failed', { kind: error.kind, status: error.status, upstreamText: error.upstreamText });
      const refused = error.kind === 'BAD_REQUEST' || error.kind === 'UNAUTHENTICATED';
      return answer('failed', refused ? 'UNAUTHENTICATED' : 'UPSTREAM_ERROR', 'Bondora refused the login', refused ? 400 : 502);
    }
  });
  return router;
}
