import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestHandler } from 'express';
import { callerOf } from './caller.middleware.js';
import type { Logger } from './logger.js';
import { currentRequest, runWithRequestContext, type RequestContext } from './request.context.js';

// One access line per HTTP request, written when its answer is finished (or the client left):
// method, path without the query string (tokens could be in it), status, duration, bytes, the
// request id, the GraphQL operations it ran, and the caller as a short hash of its `sub`. The
// request id is the caller's `x-request-id` when it is a sane one, else a new UUID; it goes back
// on the response and onto every log line written while the request is handled.

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** Probes and scrapes arrive every few seconds: their lines are written at debug level only. */
const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * @param pseudonymKey keys the caller's hash: the same across replicas when they share it, and never
 *   a plain hash of the sub, which anyone could recompute from a list of likely subs (a random key
 *   per process when omitted)
 */
export function accessLog(logger: Logger, pseudonymKey: Uint8Array = randomBytes(32)): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    const sent = req.get('x-request-id');
    const context: RequestContext = { requestId: sent && REQUEST_ID.test(sent) ? sent : randomUUID(), operations: [] };
    res.setHeader('x-request-id', context.requestId);

    let bytes = 0;
    const write = res.write.bind(res);
    const end = res.end.bind(res);
    const count = (chunk: unknown, encoding?: unknown) => {
      if (typeof chunk === 'string') bytes += Buffer.byteLength(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
      else if (chunk instanceof Uint8Array) bytes += chunk.byteLength;
    };
    res.write = ((chunk: unknown, ...rest: unknown[]) => {
      count(chunk, rest[0]);
      return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof res.write;
    res.end = ((chunk?: unknown, ...rest: unknown[]) => {
      if (typeof chunk !== 'function') count(chunk, rest[0]);
      return (end as (...args: unknown[]) => typeof res)(chunk, ...rest);
    }) as typeof res.end;

    const path = req.originalUrl.split('?')[0]!;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      const line: Record<string, unknown> = {
        method: req.method,
        path,
        status: res.writableFinished ? res.statusCode : 499,
        durationMs: Math.round((performance.now() - started) * 10) / 10,
        bytes,
        ...(context.operations.length ? { operation: context.operations.join(',') } : {}),
        ...callerField(res, pseudonymKey),
      };
      // The context is gone by the time 'finish' fires: the line carries the id itself.
      runWithRequestContext(context, () => {
        if (QUIET_PATHS.has(path)) logger.debug?.('request', line);
        else logger.info('request', line);
      });
    };
    res.once('finish', finish);
    res.once('close', finish);
    runWithRequestContext(context, next);
  };
}

/** Notes each GraphQL operation's name for the access line (a batch runs several). */
export function accessLogPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation(ctx) {
          if (ctx.operationName) currentRequest()?.operations.push(ctx.operationName.slice(0, 100));
        },
      };
    },
  };
}

/** Who called, as a hash that names them across lines without naming them: never the sub, never a token. */
function callerField(res: Parameters<typeof callerOf>[0], key: Uint8Array): { caller?: string } {
  try {
    return { caller: createHmac('sha256', key).update(`caller:${callerOf(res).id}`).digest('base64url').slice(0, 12) };
  } catch {
    return {};
  }
}
