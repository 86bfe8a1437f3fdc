import cors from 'cors';
import type { RequestHandler } from 'express';
import type { FrontendsConfig } from '../config.js';

// Which browser origins may use the API, decided in one place for HTTP (CORS) and WebSocket upgrades
// (which browsers send cross-origin without any CORS check, so the gateway checks them itself).
// Only listed origins get CORS headers; every other origin gets none, so its browser never sends the
// preflighted request and the gateway never sees it. CORS only loosens what the browser lets a page
// read: Apollo's CSRF prevention still refuses simple requests (forms, plain GETs) from every origin.

export type CorsConfig = Pick<FrontendsConfig, 'corsOrigins' | 'corsAllowCredentials'>;

/** Request headers a frontend may send: JSON bodies, the caller's JWT, its Bondora token, CSRF opt-in, tracing. */
export const CORS_ALLOWED_HEADERS = ['content-type', 'authorization', 'x-bondora-token', 'apollo-require-preflight', 'traceparent'] as const;
export const CORS_METHODS = ['GET', 'POST'] as const;
/** How long a browser may reuse a preflight answer (Chromium caps it at 7200 s). */
export const CORS_MAX_AGE_SECONDS = 600;

/**
 * May a page on `origin` use the API? No Origin (a non-browser client), the gateway's own origin
 * (when `host`, the request's Host header, is given) and the configured origins may; `*` allows any.
 */
export function isAllowedOrigin(origin: string | undefined, config: CorsConfig | undefined, host?: string): boolean {
  if (origin === undefined) return true;
  if (host !== undefined && sameHost(origin, host)) return true;
  const origins = config?.corsOrigins ?? [];
  return origins.includes('*') || origins.includes(origin);
}

/** Scheme aside, as browsers see it behind a TLS-terminating proxy; default ports compare equal. */
function sameHost(origin: string, host: string): boolean {
  try {
    const url = new URL(origin);
    return url.host === new URL(`${url.protocol}//${host}`).host;
  } catch {
    return false; // "null" (sandboxed frames, file:) and garbage are nobody's own origin
  }
}

/** CORS for the API path: mount before anything that could answer an OPTIONS request or need a token. */
export function corsFor(config: CorsConfig): RequestHandler {
  // Unconfigured, the gateway answers exactly as it always did.
  if (config.corsOrigins.length === 0) return (_req, _res, next) => next();
  const any = config.corsOrigins.includes('*');
  if (any && config.corsAllowCredentials) throw new Error('CORS: "*" cannot be combined with credentials');
  const allowed = cors({
    // true reflects the request's (already checked) Origin and adds Vary: Origin.
    origin: any ? '*' : true,
    methods: [...CORS_METHODS],
    allowedHeaders: [...CORS_ALLOWED_HEADERS],
    maxAge: CORS_MAX_AGE_SECONDS,
    credentials: config.corsAllowCredentials,
  });
  return (req, res, next) => {
    const origin = req.get('origin');
    if (origin !== undefined && isAllowedOrigin(origin, config)) return allowed(req, res, next);
    // The answer depends on Origin even when it carries no CORS headers, as the cors package does for a list.
    if (!any) res.vary('Origin');
    // A preflight from another origin is answered here, without CORS headers: the browser then sends nothing.
    if (origin !== undefined && req.method === 'OPTIONS' && req.get('access-control-request-method')) {
      res.status(204).set('Content-Length', '0').end();
      return;
    }
    next();
  };
}
