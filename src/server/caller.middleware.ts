import type { RequestHandler, Response } from 'express';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { OPERATOR, type Caller } from '../auth/caller.js';
import { AuthenticationFailed, bearerToken, type JwtVerifier } from '../auth/jwt.verifier.js';
import type { Logger } from './logger.js';

// Who is calling, established once per HTTP request before GraphQL sees it: a request without a
// valid bearer JWT is answered 401 here and never reaches a resolver, so it makes no upstream call.
// A token in the query string is never read.

export type CallerAuthentication = { mode: 'disabled' } | { mode: 'jwt'; verifier: JwtVerifier };

const CALLER = Symbol('caller');

/** The caller the authentication middleware established for this request. */
export function callerOf(res: Response): Caller {
  const caller = (res.locals as Record<symbol, Caller | undefined>)[CALLER];
  if (!caller) throw new Error('callerOf() before authenticateCallers()');
  return caller;
}

function unauthenticated(res: Response, message: string, invalidToken: boolean): void {
  // RFC 6750: a request with no credentials gets the bare challenge; a bad token says why.
  const challenge = invalidToken
    ? `Bearer realm="graphql", error="invalid_token", error_description="${message.replace(/["\\]/g, '')}"`
    : 'Bearer realm="graphql"';
  res
    .status(401)
    .set('WWW-Authenticate', challenge)
    .json({ errors: [{ message, extensions: { code: 'UNAUTHENTICATED' } }] });
}

export function authenticateCallers(auth: CallerAuthentication, logger: Logger): RequestHandler {
  return async (req, res, next) => {
    if (auth.mode === 'disabled') {
      (res.locals as Record<symbol, Caller>)[CALLER] = OPERATOR;
      return next();
    }
    const header = req.get('authorization');
    const token = bearerToken(header);
    if (!token) {
      // Another scheme (Basic, ...) gets the bare challenge; only a malformed Bearer is an invalid token.
      return unauthenticated(
        res,
        header ? 'The Authorization header must be "Bearer <token>"' : 'Send a bearer token in the Authorization header',
        Boolean(header && /^bearer\b/i.test(header.trim())),
      );
    }
    try {
      (res.locals as Record<symbol, Caller>)[CALLER] = await auth.verifier.verify(token);
    } catch (error) {
      if (!(error instanceof AuthenticationFailed)) return next(error);
      if (error.cause) logger.warn('caller token could not be checked', { reason: error.message, cause: String(error.cause) });
      return unauthenticated(res, `Invalid token: ${error.message}`, true);
    }
    next();
  };
}

/** At most `limit` GraphQL requests per caller per period; past it 429 with Retry-After. */
export function callerRateLimit(limit: { limit: number; periodMs: number }): RequestHandler {
  const limiter = new RateLimiterMemory({ points: limit.limit, duration: limit.periodMs / 1000 });
  return async (_req, res, next) => {
    try {
      await limiter.consume(callerOf(res).id);
      next();
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) return next(error);
      const seconds = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
      res
        .status(429)
        .set('Retry-After', String(seconds))
        .json({
          errors: [
            {
              message: `Too many requests: this gateway allows ${limit.limit} per ${limit.periodMs / 1000} s per caller; retry in ${seconds} s`,
              extensions: { code: 'RATE_LIMITED', retryAfterSeconds: seconds },
            },
          ],
        });
    }
  };
}

/** API answers are personal to their caller: no shared cache may keep them, no browser may sniff them. */
export const apiResponseHeaders: RequestHandler = (_req, res, next) => {
  res.set({ 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
  next();
};
