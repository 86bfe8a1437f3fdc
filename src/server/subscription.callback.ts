import type { Fetcher } from '@apollo/utils.fetcher';
import type { Logger } from './logger.js';

// Apollo's subscription-callback plugin sends results to a router's callback URL as graphql-js
// serialised them, without the gateway's error formatter. Gateway errors carry their code already
// (UpstreamError's extensions, our GraphQLErrors); an error without a code is unexpected, and is
// masked here, on the way out, exactly as the formatter masks it everywhere else.

interface CallbackError {
  message?: unknown;
  path?: unknown;
  locations?: unknown;
  extensions?: { code?: unknown };
}

export function callbackFetcher(logger: Logger, base: Fetcher = fetch as unknown as Fetcher): Fetcher {
  const mask = (errors: CallbackError[] | undefined) =>
    errors?.map((error) => {
      if (typeof error?.extensions?.code === 'string') return error;
      logger.error('unexpected error', { error: String(error?.message), path: error?.path });
      return { message: 'Internal server error', path: error?.path, locations: error?.locations, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
    });
  return (url, init) => {
    if (typeof init?.body !== 'string') return base(url, init);
    const message = JSON.parse(init.body) as { payload?: { errors?: CallbackError[] }; errors?: CallbackError[] };
    if (message.payload?.errors) message.payload.errors = mask(message.payload.errors);
    if (message.errors) message.errors = mask(message.errors);
    return base(url, { ...init, body: JSON.stringify(message) });
  };
}
