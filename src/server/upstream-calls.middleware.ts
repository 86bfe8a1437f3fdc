import type { RequestHandler } from 'express';
import { parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import { DEFAULT_QUERY_LIMITS } from '../graphql/limits/query.limits.js';
import { estimateUpstreamCalls } from '../graphql/limits/upstream-calls.estimate.js';

// Refuses, before Apollo and so before any upstream call, an HTTP request whose operations could
// together make more than `max` upstream calls; a batch is one request, so its operations are summed.
// Anything it cannot read (no query, a syntax error) passes on for Apollo to answer with its own
// error. Persisted operations arrive as text (persistedOperations() resolves ids and hashes first,
// with this request's variables left to estimate here); a hash still without text is one nobody
// registered, which Apollo refuses without looking it up again (apqRegistrations()).

/** The parser limit Apollo applies, so this parse costs no more than Apollo's own. */
const MAX_TOKENS = DEFAULT_QUERY_LIMITS.maxTokens;
const CACHED_DOCUMENTS = 500;
/** Characters of query text kept in the cache, so distinct large queries cannot pin much memory. */
const CACHED_CHARACTERS = 2_000_000;

interface OperationRequest {
  query: string;
  operationName: string | null;
  variables: Record<string, unknown> | null;
}

export function upstreamCallBudget(schema: GraphQLSchema, max: number): RequestHandler {
  const documents = new DocumentCache(CACHED_DOCUMENTS, CACHED_CHARACTERS);
  return (req, res, next) => {
    const operations = operationsOf(req.method, req.body, req.query);
    let estimated = 0;
    for (const operation of operations) {
      const document = documents.get(operation.query);
      if (document) estimated += estimateUpstreamCalls(schema, document, operation);
    }
    if (estimated <= max) return next();
    res.status(400).json({ errors: [refusal(estimated, max)] });
  };
}

function refusal(estimated: number, max: number): { message: string; extensions: Record<string, unknown> } {
  const refused = { code: 'BAD_USER_INPUT', reason: 'TOO_MANY_UPSTREAM_CALLS' };
  const advice = 'Ask for fewer items, aliases or entities per request.';
  if (!Number.isFinite(estimated)) {
    // The estimate gave up on a document too deep or too large to walk: there is no number to report.
    return { message: `This request is too large to bound its upstream calls; the limit is ${max}. ${advice}`, extensions: { ...refused, maxCalls: max } };
  }
  return {
    message: `This request could make up to ${estimated} upstream calls; the limit is ${max}. ${advice}`,
    extensions: { ...refused, estimatedCalls: estimated, maxCalls: max },
  };
}

/** The operations of a POST body (one object or a batch array) or of a GET query string. */
function operationsOf(method: string, body: unknown, query: unknown): OperationRequest[] {
  if (method === 'POST') return (Array.isArray(body) ? body : [body]).flatMap(operationOf);
  if (method === 'GET') return operationOf(query);
  return [];
}

function operationOf(value: unknown): OperationRequest[] {
  if (typeof value !== 'object' || value === null) return [];
  const { query, operationName, variables } = value as Record<string, unknown>;
  if (typeof query !== 'string' || query.length === 0) return [];
  return [{ query, operationName: typeof operationName === 'string' ? operationName : null, variables: variablesOf(variables) }];
}

/** GET sends variables as a JSON string; a value that is not an object counts as none (Apollo reports it). */
function variablesOf(value: unknown): Record<string, unknown> | null {
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      return null;
    }
  }
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
}

/** Parsed documents by query text, least recently used evicted first; null remembers a syntax error. */
class DocumentCache {
  private readonly entries = new Map<string, DocumentNode | null>();
  private characters = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxCharacters: number,
  ) {}

  get(query: string): DocumentNode | null {
    const cached = this.entries.get(query);
    if (cached !== undefined) {
      this.entries.delete(query);
      this.entries.set(query, cached);
      return cached;
    }
    const document = parseOrNull(query);
    if (query.length <= this.maxCharacters) {
      this.entries.set(query, document);
      this.characters += query.length;
      for (const [oldest] of this.entries) {
        if (this.entries.size <= this.maxEntries && this.characters <= this.maxCharacters) break;
        this.entries.delete(oldest);
        this.characters -= oldest.length;
      }
    }
    return document;
  }
}

function parseOrNull(query: string): DocumentNode | null {
  try {
    // Locations are only for error messages, which Apollo writes from its own parse.
    return parse(query, { maxTokens: MAX_TOKENS, noLocation: true });
  } catch {
    return null;
  }
}
