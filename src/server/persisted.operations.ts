import type { ApolloServer } from '@apollo/server';
import type { RequestHandler, Response } from 'express';
import { hasScope, type Caller } from '../auth/caller.js';
import { callerOf } from './caller.middleware.js';
import type { Logger } from './logger.js';
import { sha256Hex, type TrustedDocuments } from './trusted-documents.manifest.js';

// Persisted operations become query text here, before anything else reads the request: a
// `documentId` or an `extensions.persistedQuery.sha256Hash` is replaced by the document it names
// (from the trusted-documents manifest, else from the APQ cache), so the upstream-call budget after
// this middleware, and Apollo after it, see exactly the text that runs, with this request's variables.
// Apollo keeps the rest of the APQ protocol (version check, hash check, registering a query after it
// validated), but its own lookup is blind (`apqRegistrations`): a hash that was not found here is
// PERSISTED_QUERY_NOT_FOUND there too, even if another request registers it meanwhile, so no text
// can reach execution without having passed the budget.
//
// With TRUSTED_DOCUMENTS_ONLY, an operation not in the manifest (other text, an unknown id or hash,
// an APQ registration) is refused here, before it is parsed, unless the caller holds operations:adhoc.

/** Apollo's cache type (`@apollo/utils.keyvaluecache`'s KeyValueCache<string>). */
export type KeyValueCache = ApolloServer['cache'];

/** The prefix Apollo puts before APQ hashes in its cache. */
export const APQ_KEY_PREFIX = 'apq:';

const SHA256_HEX = /^[0-9a-f]{64}$/i;

/**
 * Apollo's `persistedQueries.cache`: registrations are written to the gateway's cache, lookups find
 * nothing, because `persistedOperations` has already resolved every hash it could.
 */
export function apqRegistrations(cache: () => KeyValueCache): KeyValueCache {
  return {
    get: async () => undefined,
    set: (key, value, options) => cache().set(key, value, options),
    delete: (key) => cache().delete(key),
  };
}

export interface PersistedOperationsOptions {
  /** The gateway's cache, where Apollo registers APQ documents under APQ_KEY_PREFIX. */
  apqCache: KeyValueCache;
  trusted: TrustedDocuments | undefined;
  logger: Logger;
}

export type PersistedCode = 'PERSISTED_QUERY_NOT_FOUND' | 'OPERATION_NOT_TRUSTED' | 'BAD_REQUEST';

export interface PersistedRefusal {
  code: PersistedCode;
  message: string;
  reason?: string;
}

/** One operation of a request, as JSON: `query`, `documentId`, `extensions` (and the rest, untouched). */
type OperationFields = Record<string, unknown>;

export function persistedOperations(options: PersistedOperationsOptions): RequestHandler {
  const { trusted, logger } = options;
  const lookUp = apqLookup(options);

  return async (req, res, next) => {
    try {
      const onlyTrusted = trusted?.only === true && !mayRunAdhoc(callerOf(res));
      const resolve = (operation: OperationFields) => resolveOperation(operation, { trusted, onlyTrusted, lookUp });
      if (req.method === 'POST') {
        for (const operation of Array.isArray(req.body) ? req.body : [req.body]) {
          if (typeof operation !== 'object' || operation === null) continue;
          const outcome = await resolve(operation as OperationFields);
          if (outcome.refusal) return refuse(res, outcome.refusal, logger);
        }
      } else if (req.method === 'GET') {
        const at = req.url.indexOf('?');
        if (at < 0) return next();
        const params = new URLSearchParams(req.url.slice(at + 1));
        const operation = fromSearchParams(params);
        const outcome = await resolve(operation);
        if (outcome.refusal) return refuse(res, outcome.refusal, logger);
        // Apollo and the budget read a GET from req.url, so the resolved text goes back there.
        if (outcome.changed) req.url = `${req.url.slice(0, at)}?${toSearchParams(params, operation)}`;
      }
      next();
    } catch (error) {
      next(error);
    }
  };
}

/**
 * The same decision for graphql-ws's onSubscribe (subscriptions.server.ts), where a payload must carry
 * a `query` string: one with a `documentId` runs the manifest's document, whatever text came with it.
 */
export function persistedSubscribePayloads(
  options: PersistedOperationsOptions,
): (payload: { query: string } & OperationFields, caller: Caller) => Promise<{ query: string } | PersistedRefusal> {
  const lookUp = apqLookup(options);
  return async (payload, caller) => {
    const operation: OperationFields = { ...payload };
    if (operation.documentId !== undefined && operation.documentId !== null) delete operation.query;
    const onlyTrusted = options.trusted?.only === true && !mayRunAdhoc(caller);
    const outcome = await resolveOperation(operation, { trusted: options.trusted, onlyTrusted, lookUp });
    if (outcome.refusal) return outcome.refusal;
    if (typeof operation.query === 'string' && operation.query) return { query: operation.query };
    return { code: 'PERSISTED_QUERY_NOT_FOUND', message: 'PersistedQueryNotFound' };
  };
}

function mayRunAdhoc(caller: Caller): boolean {
  return hasScope(caller, 'operations:adhoc');
}

function apqLookup({ apqCache, logger }: PersistedOperationsOptions): (hash: string) => Promise<string | undefined> {
  return async (hash) => {
    try {
      return await apqCache.get(`${APQ_KEY_PREFIX}${hash.toLowerCase()}`);
    } catch (error) {
      // A cache that is down is a miss: Apollo answers PERSISTED_QUERY_NOT_FOUND and the client sends the text.
      logger.warn('persisted query cache unavailable', { error: (error as Error).message });
      return undefined;
    }
  };
}

interface ResolveContext {
  trusted: TrustedDocuments | undefined;
  /** TRUSTED_DOCUMENTS_ONLY applies to this caller. */
  onlyTrusted: boolean;
  /** An APQ registration by hash; undefined when there is none (or the cache is down). */
  lookUp: (hash: string) => Promise<string | undefined>;
}

interface Outcome {
  refusal?: PersistedRefusal;
  /** The operation's `query`, `documentId` or `extensions` were rewritten. */
  changed?: boolean;
}

/**
 * Replaces a persisted operation's id or hash by its text, in place, or says why it may not run. Also
 * the decision graphql-ws's onSubscribe needs for a subscribe payload (an empty `query` stands for none).
 */
export async function resolveOperation(operation: OperationFields, context: ResolveContext): Promise<Outcome> {
  const { trusted, onlyTrusted } = context;
  const text = typeof operation.query === 'string' && operation.query.length > 0 ? operation.query : undefined;

  if (operation.documentId !== undefined && operation.documentId !== null) {
    const id = operation.documentId;
    if (typeof id !== 'string' || id.length === 0) return refusal('BAD_REQUEST', '`documentId` must be a non-empty string');
    if (text !== undefined) return refusal('BAD_REQUEST', 'Send either `query` or `documentId`, not both');
    const document = trusted?.manifest.documentById(id);
    if (document === undefined) return refusal('PERSISTED_QUERY_NOT_FOUND', 'No operation with this documentId is in the trusted-documents manifest');
    return substitute(operation, document);
  }

  const hash = sha256HashOf(operation.extensions);
  if (hash !== undefined && text === undefined) {
    const document = trusted?.manifest.documentBySha256(hash);
    if (document !== undefined) return substitute(operation, document);
    if (onlyTrusted) return refusal('PERSISTED_QUERY_NOT_FOUND', 'No operation with this hash is in the trusted-documents manifest');
    const registered = SHA256_HEX.test(hash) ? await context.lookUp(hash) : undefined;
    // A miss goes on to Apollo, whose blind lookup answers PERSISTED_QUERY_NOT_FOUND in its own words.
    return registered === undefined ? {} : substitute(operation, registered);
  }

  // Apollo refuses this too, but with no code, so the client would see a masked internal error.
  if (hash !== undefined && text !== undefined && sha256Hex(text) !== hash) {
    return refusal('BAD_REQUEST', 'provided sha does not match query', 'PERSISTED_QUERY_HASH_MISMATCH');
  }
  // Ad-hoc text, or an APQ registration (text and hash): only the manifest's own documents when trusted-only.
  if (onlyTrusted && text !== undefined && !trusted!.manifest.contains(text)) {
    return refusal('OPERATION_NOT_TRUSTED', 'This gateway runs only the operations in its trusted-documents manifest: send the operation by its documentId');
  }
  return {};
}

/** `extensions.persistedQuery.sha256Hash` of APQ version 1; other versions are Apollo's to refuse. */
function sha256HashOf(extensions: unknown): string | undefined {
  if (typeof extensions !== 'object' || extensions === null) return undefined;
  const persisted = (extensions as Record<string, unknown>).persistedQuery;
  if (typeof persisted !== 'object' || persisted === null) return undefined;
  const { version, sha256Hash } = persisted as Record<string, unknown>;
  return version === 1 && typeof sha256Hash === 'string' && sha256Hash.length > 0 ? sha256Hash : undefined;
}

/** The text in place of the id or hash; the hash goes, so Apollo neither checks nor re-registers it. */
function substitute(operation: OperationFields, document: string): Outcome {
  operation.query = document;
  delete operation.documentId;
  if (typeof operation.extensions === 'object' && operation.extensions !== null) {
    const { persistedQuery: _resolved, ...rest } = operation.extensions as Record<string, unknown>;
    operation.extensions = rest;
  }
  return { changed: true };
}

function refusal(code: PersistedCode, message: string, reason?: string): Outcome {
  return { refusal: { code, message, ...(reason ? { reason } : {}) } };
}

function refuse(res: Response, refusal: PersistedRefusal, logger: Logger): void {
  if (refusal.code !== 'BAD_REQUEST') logger.info('operation refused', { code: refusal.code, caller: callerOf(res).id });
  const extensions = { code: refusal.code, ...(refusal.reason ? { reason: refusal.reason } : {}) };
  res.status(400).json({ errors: [{ message: refusal.message, extensions }] });
}

/** A GET's operation; `extensions` arrives as JSON text (unreadable JSON is left for Apollo to report). */
function fromSearchParams(params: URLSearchParams): OperationFields {
  const operation: OperationFields = {};
  const query = params.get('query');
  const documentId = params.get('documentId');
  const extensions = params.get('extensions');
  if (query !== null) operation.query = query;
  if (documentId !== null) operation.documentId = documentId;
  if (extensions !== null) {
    try {
      operation.extensions = JSON.parse(extensions) as unknown;
    } catch {
      // not ours to report
    }
  }
  return operation;
}

function toSearchParams(params: URLSearchParams, operation: OperationFields): string {
  params.set('query', String(operation.query));
  params.delete('documentId');
  const extensions = operation.extensions as Record<string, unknown> | undefined;
  if (extensions && Object.keys(extensions).length > 0) params.set('extensions', JSON.stringify(extensions));
  else params.delete('extensions');
  return params.toString();
}
