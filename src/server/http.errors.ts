import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from './logger.js';

// Errors raised before GraphQL sees the request (unparsable or oversized bodies) still answer in
// GraphQL's error shape with a code, never with Express's HTML page and its stack trace.

interface BodyParserError extends Error {
  type?: string;
  status?: number;
}

export function jsonErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error: BodyParserError, _req, res, _next) => {
    let status = 500;
    let code = 'INTERNAL_SERVER_ERROR';
    let message = 'Internal server error';
    if (error.type === 'entity.parse.failed') {
      [status, code, message] = [400, 'BAD_REQUEST', 'The request body is not valid JSON'];
    } else if (error.type === 'entity.too.large') {
      [status, code, message] = [413, 'PAYLOAD_TOO_LARGE', 'The request body is too large'];
    } else if (typeof error.status === 'number' && error.status >= 400 && error.status < 500) {
      [status, code, message] = [error.status, 'BAD_REQUEST', 'The request could not be read'];
    } else {
      logger.error('unhandled HTTP error', { error: error.message, stack: error.stack });
    }
    res.status(status).json({ errors: [{ message, extensions: { code } }] });
  };
}

/** A batched request (a JSON array of operations) may hold at most `max` operations. */
export function batchLimit(max: number): RequestHandler {
  return (req, res, next) => {
    if (!Array.isArray(req.body) || (req.body.length > 0 && req.body.length <= max)) return next();
    const message =
      req.body.length === 0
        ? 'A batched request must hold at least one operation'
        : `A batched request may hold at most ${max} operations; this one holds ${req.body.length}`;
    res.status(400).json({ errors: [{ message, extensions: { code: 'BAD_USER_INPUT', limit: 'batch', max, actual: req.body.length } }] });
  };
}
