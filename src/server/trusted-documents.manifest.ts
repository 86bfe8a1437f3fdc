import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Kind, parse } from 'graphql';
import { ConfigError, type FrontendsConfig } from '../config.js';

// The operations a frontend team reviewed and shipped (TRUSTED_DOCUMENTS), read once at start-up.
// Two manifest formats are accepted, as their tools write them:
//   GraphQL Code Generator's client preset (persisted-documents.json): { "<id>": "<document>" },
//     ids "sha256:<hex>" by default;
//   Apollo's persisted query manifest: { "format": "apollo-persisted-query-manifest", "version": 1,
//     "operations": [{ "id", "name", "type", "body" }] }.
// A document is found by its id (GraphQL-over-HTTP `documentId`), by the SHA-256 of its text (APQ's
// `sha256Hash`), or as the exact text itself; "sha256:<hex>" and "<hex>" name the same document.

export const APOLLO_MANIFEST_FORMAT = 'apollo-persisted-query-manifest';

/** TRUSTED_DOCUMENTS and TRUSTED_DOCUMENTS_ONLY, loaded. */
export interface TrustedDocuments {
  manifest: TrustedManifest;
  /** Refuse every other operation, except for callers holding operations:adhoc. */
  only: boolean;
}

export class TrustedManifest {
  private readonly byId = new Map<string, string>();
  private readonly bySha256 = new Map<string, string>();

  constructor(entries: Iterable<readonly [id: string, document: string]>) {
    for (const [id, document] of entries) {
      this.byId.set(canonicalId(id), document);
      this.bySha256.set(sha256Hex(document), document);
    }
  }

  get size(): number {
    return this.byId.size;
  }

  /** The document a GraphQL-over-HTTP `documentId` names. */
  documentById(id: string): string | undefined {
    return this.byId.get(canonicalId(id));
  }

  /** The document an APQ `sha256Hash` names: the hash of its text, or (Apollo's manifest) its id. */
  documentBySha256(hash: string): string | undefined {
    return this.bySha256.get(hash.toLowerCase()) ?? this.byId.get(canonicalId(hash));
  }

  /** Is this text, exactly, a manifest document? (Apollo Client sends full text after a miss, and over WebSocket.) */
  contains(query: string): boolean {
    return this.bySha256.has(sha256Hex(query));
  }
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

const SHA256_ID = /^(?:sha256:)?([0-9a-f]{64})$/i;

function canonicalId(id: string): string {
  const hex = SHA256_ID.exec(id)?.[1];
  return hex ? hex.toLowerCase() : id;
}

/** TRUSTED_DOCUMENTS(_ONLY) from the configuration: undefined when no manifest is configured. */
export function trustedDocumentsOf(config: Pick<FrontendsConfig, 'trustedDocuments' | 'trustedDocumentsOnly'>): TrustedDocuments | undefined {
  if (!config.trustedDocuments) return undefined;
  return { manifest: loadTrustedManifest(config.trustedDocuments), only: config.trustedDocumentsOnly };
}

/** Reads and checks a manifest file; every problem is a ConfigError naming TRUSTED_DOCUMENTS. */
export function loadTrustedManifest(path: string): TrustedManifest {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw invalid(`cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw invalid(`${path} is not JSON`);
  }
  return parseTrustedManifest(json, path);
}

/** A manifest already read as JSON; `source` names it in errors. */
export function parseTrustedManifest(json: unknown, source: string): TrustedManifest {
  const entries = entriesOf(json, source);
  if (entries.length === 0) throw invalid(`${source} holds no operations`);
  for (const [id, document] of entries) checkDocument(id, document, source);
  return new TrustedManifest(entries);
}

function entriesOf(json: unknown, source: string): Array<[string, string]> {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw invalid(`${source} must be a JSON object (${FORMATS})`);
  const record = json as Record<string, unknown>;
  if ('format' in record || 'operations' in record) {
    if (record.format !== APOLLO_MANIFEST_FORMAT || record.version !== 1) {
      throw invalid(`${source}: only "format": "${APOLLO_MANIFEST_FORMAT}" with "version": 1 is supported`);
    }
    if (!Array.isArray(record.operations)) throw invalid(`${source}: "operations" must be an array`);
    return record.operations.map((operation: unknown, index) => {
      const { id, body } = (typeof operation === 'object' && operation !== null ? operation : {}) as Record<string, unknown>;
      if (typeof id !== 'string' || !id || typeof body !== 'string') throw invalid(`${source}: operations[${index}] needs a string "id" and "body"`);
      return [id, body];
    });
  }
  return Object.entries(record).map(([id, document]) => {
    if (typeof document !== 'string') throw invalid(`${source}: the value of "${id}" must be a GraphQL document string (${FORMATS})`);
    return [id, document];
  });
}

const FORMATS = `a client-preset manifest { "<id>": "<document>" } or an ${APOLLO_MANIFEST_FORMAT}`;

/** A manifest built for another API or mangled on the way fails here, not on its first request. */
function checkDocument(id: string, document: string, source: string): void {
  let operations: number;
  try {
    operations = parse(document, { noLocation: true }).definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION).length;
  } catch (error) {
    throw invalid(`${source}: the document "${id}" is not GraphQL (${(error as Error).message})`);
  }
  if (operations === 0) throw invalid(`${source}: the document "${id}" holds no operation`);
}

function invalid(message: string): ConfigError {
  return new ConfigError('TRUSTED_DOCUMENTS', message);
}
