import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { UpstreamError } from '../upstream/upstream.error.js';

// The one place where failures become client-facing errors: typed UpstreamErrors map to the
// contract's codes, the gateway's own GraphQLErrors pass through, and anything else is masked.

// graphql-js's messages for a literal argument value that does not fit its input type.
const INPUT_VALUE_ERROR =
  /^(Expected value of type "|Field "[^"]+" of required type "[^"]+" was not provided\.|Field "[^"]+" is not defined by type "|Value "[^"]*" does not exist in "[^"]+" enum|Enum "[^"]+" cannot represent|(Int|Float|String|Boolean|ID) cannot represent)/;

/** True when the error, or one it wraps, is a value our own scalars rejected. */
function rejectedByScalar(error: unknown): boolean {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { originalError?: unknown }).originalError, depth++) {
    if (e instanceof GraphQLError && e.extensions?.code === 'BAD_USER_INPUT') return true;
  }
  return false;
}

/** Input the gateway rejects itself, before any upstream call. */
export function badUserInput(message: string, field?: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', ...(field ? { field } : {}) } });
}

export interface ErrorLogger {
  warn(message: string, detail: Record<string, unknown>): void;
  error(message: string, detail: Record<string, unknown>): void;
}

/** An upstream's field name (`applicant.total_annual_income`, `Bids[0].Amount`) as our camelCase input name. */
function inputFieldName(upstreamField: string): string | undefined {
  const last = upstreamField.split('.').pop()?.replace(/\[\d+\]/g, '');
  if (!last || !/^[A-Za-z][A-Za-z0-9_]*$/.test(last)) return undefined;
  const camel = last.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
  return camel.charAt(0).toLowerCase() + camel.slice(1);
}

export interface ErrorFormatterOptions {
  /** Values that must never reach a client even if an upstream echoes them. */
  secrets: ReadonlyArray<string | undefined>;
  logger: ErrorLogger;
}

export function createErrorFormatter(options: ErrorFormatterOptions) {
  const secrets = options.secrets.filter((s): s is string => typeof s === 'string' && s.length >= 4);
  const scrub = (text: string): string => {
    let out = text.replace(/\b(?:https?|wss?):\/\/[^\s"'<>]+/gi, '[url]');
    // Upstream text may quote personal data back (an SSN in a validation message): not even the log keeps it.
    out = out.replace(/\b\d{3}-?\d{2}-?\d{4}\b/g, '[number]');
    for (const secret of secrets) out = out.split(secret).join('[redacted]');
    return out;
  };

  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const base = { locations: formatted.locations, path: formatted.path };

    if (original instanceof UpstreamError) {
      const extensions: Record<string, unknown> = { ...original.extensions };
      let message = original.message;
      const field = original.kind === 'BAD_REQUEST' && original.field ? inputFieldName(original.field) : undefined;
      if (field) {
        extensions.field = field;
        message = `${message}: it did not accept the value of ${field}`;
      }
      // The message is the gateway's own; the upstream's words go to the log, scrubbed.
      const serverSide = original.kind === 'ERROR' || original.kind === 'UNAVAILABLE' || original.kind === 'TIMEOUT';
      if (serverSide || original.upstreamText) {
        (serverSide ? options.logger.error : options.logger.warn).call(options.logger, 'upstream failure', {
          upstream: original.upstream,
          kind: original.kind,
          status: original.status,
          error: scrub(original.message),
          ...(original.upstreamText ? { upstreamText: scrub(original.upstreamText) } : {}),
          path: formatted.path,
        });
      }
      return { ...base, message: scrub(message), extensions };
    }

    let code = formatted.extensions?.code;
    // A wrong value written inline in the document is the same mistake as a wrong variable, so it
    // gets the same code; other validation failures (unknown fields, syntax) keep theirs.
    if (code === 'GRAPHQL_VALIDATION_FAILED' && (INPUT_VALUE_ERROR.test(formatted.message) || rejectedByScalar(error))) {
      code = 'BAD_USER_INPUT';
    }
    const isGatewayError = original instanceof GraphQLError || (error instanceof GraphQLError && !error.originalError);
    if (isGatewayError && typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR') {
      const { stacktrace: _omit, ...extensions } = formatted.extensions ?? {};
      return { ...base, message: scrub(formatted.message), extensions: { ...extensions, code } };
    }

    // The client went away (its request's signal aborted the field's wait): no one reads this
    // answer, and a closed connection is no fault of the gateway's to report.
    if ((original as Error | undefined)?.name === 'AbortError') {
      return { ...base, message: 'The request was cancelled', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
    }
    options.logger.error('unexpected error', {
      error: scrub(original instanceof Error ? original.message : String(original)),
      stack: original instanceof Error ? original.stack : undefined,
      path: formatted.path,
    });
    return { ...base, message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}
