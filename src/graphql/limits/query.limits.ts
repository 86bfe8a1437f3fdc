/** Bounds on what one operation may ask for; each is checked before any resolver runs. */
export interface QueryLimits {
  /** Deepest field nesting (fragments expanded; introspection excluded). */
  maxDepth: number;
  /** Aliased fields in one document. */
  maxAliases: number;
  /** Estimated cost: 1 per field, connections multiply their selection by `first`/`last`. */
  maxCost: number;
  /** Operations in one batched HTTP request. */
  maxBatch: number;
  /** Lexical tokens in one document (caught by the parser before anything else). */
  maxTokens: number;
  /** Bytes of one JSON request body. */
  maxBodyBytes: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = {
  maxDepth: 12,
  maxAliases: 50,
  maxCost: 10_000,
  maxBatch: 10,
  maxTokens: 10_000,
  maxBodyBytes: 100_000,
};
