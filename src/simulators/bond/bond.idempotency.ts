import type { SimResponse } from '../sim.router.js';
import { standardErrorResponse } from './bond.errors.js';

// `Idempotency-Key` on POSTs: Bond keeps a key for 24 hours. The same key with the same request
// replays the first answer; the same key with a different request fails with
// `idempotency_key_exists` (409, our choice: Bond lists the code but not its status). Only
// successful answers are kept, so a client can fix a rejected request and retry under its key.

const TTL_MS = 24 * 60 * 60 * 1000;

interface StoredResponse {
  fingerprint: string;
  response: SimResponse;
  at: number;
}

export class BondIdempotency {
  private readonly entries = new Map<string, StoredResponse>();

  constructor(private readonly now: () => number = Date.now) {}

  run(scope: string, key: string | undefined, fingerprint: string, handler: () => SimResponse): SimResponse {
    if (!key) return handler();
    const id = `${scope}\u0000${key}`;
    const stored = this.entries.get(id);
    if (stored && this.now() - stored.at < TTL_MS) {
      if (stored.fingerprint !== fingerprint) {
        return standardErrorResponse(
          409,
          `Idempotency-Key '${key}' was already used for a different request in the last 24 hours.`,
          'idempotency_key_exists',
        );
      }
      return structuredClone(stored.response);
    }
    const response = handler();
    if (response.status >= 200 && response.status < 300) {
      this.entries.set(id, { fingerprint, response: structuredClone(response), at: this.now() });
    }
    return response;
  }

  clear(): void {
    this.entries.clear();
  }
}

/** A request's identity for key reuse: method, path and the JSON body with keys sorted. */
export function requestFingerprint(method: string, path: string, body: Buffer): string {
  const text = body.toString('utf8');
  let canonical = text;
  try {
    canonical = text.trim() === '' ? '' : JSON.stringify(sortKeys(JSON.parse(text)));
  } catch {
    // Unparsable bodies are compared verbatim; the handler rejects them anyway.
  }
  return `${method} ${path.toLowerCase().replace(/\/$/, '')} ${canonical}`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
  );
}
