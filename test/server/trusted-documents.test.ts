import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ALL_SCOPES, type Scope } from '../../src/auth/scope.registry.js';
import { ConfigError } from '../../src/config.js';
import { OPERATOR, type Caller } from '../../src/auth/caller.js';
import { memoryLogger } from '../../src/server/logger.js';
import { persistedSubscribePayloads, type KeyValueCache } from '../../src/server/persisted.operations.js';
import { loadTrustedManifest, sha256Hex, TrustedManifest } from '../../src/server/trusted-documents.manifest.js';
import { startHarness, type Harness, type HarnessOptions } from '../support/gateway.harness.js';

// Trusted documents (TRUSTED_DOCUMENTS, TRUSTED_DOCUMENTS_ONLY): the operations a frontend shipped
// run by id (documentId), by hash (Apollo's persistedQuery) or as their exact text; with "only", any
// other operation is refused before it is parsed and so before any upstream call, unless the caller
// holds operations:adhoc (operators, GraphiQL). Both manifest formats load; a bad one stops start-up.

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const AUCTIONS = 'query Auctions($first: Int) { auctions(first: $first) { edges { node { id rating } } } }';
const HEX = sha256Hex(AUCTIONS);
const ADHOC = '{ auctions(first: 1) { totalCount } }';
/** A frontend's user reading auctions through the gateway's own Bondora token. */
const INVESTOR: readonly Scope[] = ['auctions:read', 'bondora:shared'];
const EVERYTHING_BUT_ADHOC = ALL_SCOPES.filter((s) => s !== 'operations:adhoc');

let dir: string;
let clientPreset: string;
let apollo: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trusted-documents-'));
  clientPreset = join(dir, 'persisted-documents.json');
  apollo = join(dir, 'persisted-query-manifest.json');
  await writeFile(clientPreset, JSON.stringify({ [`sha256:${HEX}`]: AUCTIONS }));
  await writeFile(
    apollo,
    JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations: [{ id: HEX, name: 'Auctions', type: 'query', body: AUCTIONS }] }),
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const harnesses: Harness[] = [];
afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((h) => h.close()));
});

async function harness(manifest: TrustedManifest, only: boolean, options: HarnessOptions = {}): Promise<Harness> {
  const h = await startHarness({ ...options, gateway: { trustedDocuments: { manifest, only } } });
  harnesses.push(h);
  return h;
}

interface Answer {
  status: number;
  data?: Record<string, any> | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

async function post(h: Harness, body: unknown, scopes: readonly Scope[] = INVESTOR): Promise<Answer> {
  const res = await fetch(`${h.gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await h.token({ sub: 'frontend-user', scopes })}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, ...((await res.json()) as object) };
}

const upstreamCalls = (h: Harness) => h.bondora.router.calls().length + h.bond.router.calls().length;
const codeOf = (answer: Answer) => answer.errors?.[0]?.extensions?.code;
const apq = (sha256Hash: string) => ({ persistedQuery: { version: 1, sha256Hash } });

describe('manifests', () => {
  it("loads the client preset's and Apollo's formats, naming the same document by id, hash and text", () => {
    for (const path of [clientPreset, apollo]) {
      const manifest = loadTrustedManifest(path);
      expect(manifest.size).toBe(1);
      expect(manifest.documentById(`sha256:${HEX}`)).toBe(AUCTIONS);
      expect(manifest.documentById(HEX)).toBe(AUCTIONS);
      expect(manifest.documentBySha256(HEX)).toBe(AUCTIONS);
      expect(manifest.contains(AUCTIONS)).toBe(true);
      expect(manifest.contains(`${AUCTIONS} `)).toBe(false);
      expect(manifest.documentById('sha256:' + '0'.repeat(64))).toBeUndefined();
    }
  });

  it('a missing or malformed manifest is a ConfigError naming TRUSTED_DOCUMENTS and what is wrong', async () => {
    const cases: Array<[string, string | undefined, RegExp]> = [
      ['missing.json', undefined, /cannot read .*missing\.json \(ENOENT\)/],
      ['not-json.json', '{ "sha256:abc": ', /is not JSON/],
      ['array.json', '["query { a }"]', /must be a JSON object/],
      ['number.json', '{ "abc": 42 }', /the value of "abc" must be a GraphQL document string/],
      ['apollo-v2.json', '{ "format": "apollo-persisted-query-manifest", "version": 2, "operations": [] }', /only "format": "apollo-persisted-query-manifest" with "version": 1/],
      ['apollo-nobody.json', '{ "format": "apollo-persisted-query-manifest", "version": 1, "operations": [{ "id": "x" }] }', /operations\[0\] needs a string "id" and "body"/],
      ['syntax.json', '{ "abc": "query { auctions(" }', /the document "abc" is not GraphQL/],
      ['fragment.json', '{ "abc": "fragment F on Auction { id }" }', /the document "abc" holds no operation/],
      ['empty.json', '{}', /holds no operations/],
    ];
    for (const [name, content, message] of cases) {
      const path = join(dir, name);
      if (content !== undefined) await writeFile(path, content);
      let error: unknown;
      try {
        loadTrustedManifest(path);
      } catch (e) {
        error = e;
      }
      expect(error, name).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).variable).toBe('TRUSTED_DOCUMENTS');
      expect((error as ConfigError).message, name).toMatch(/^Invalid configuration: TRUSTED_DOCUMENTS /);
      expect((error as ConfigError).message, name).toMatch(message);
    }
  });

  it('npm start stops with that error (exit 2) before starting anything', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: '0', TRUSTED_DOCUMENTS: join(dir, 'nowhere.json'), TRUSTED_DOCUMENTS_ONLY: 'true' },
    });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toMatch(/Invalid configuration: TRUSTED_DOCUMENTS cannot read .*nowhere\.json \(ENOENT\)/);
    expect(stdout).not.toMatch(/GraphQL gateway/);
  });
});

describe('TRUSTED_DOCUMENTS_ONLY', () => {
  it('runs a manifest operation by documentId (sha256:<hex> or <hex>, POST or GET), by persistedQuery hash, and as its exact text', async () => {
    const h = await harness(loadTrustedManifest(clientPreset), true);
    const variables = { first: 2 };
    const sent = [
      await post(h, { documentId: `sha256:${HEX}`, variables }),
      await post(h, { documentId: HEX, variables }),
      await post(h, { extensions: apq(HEX), variables }),
      await post(h, { query: AUCTIONS, variables }),
    ];
    const token = await h.token({ sub: 'frontend-user', scopes: INVESTOR });
    const search = new URLSearchParams({ documentId: `sha256:${HEX}`, variables: JSON.stringify(variables) });
    const get = await fetch(`${h.gateway.url}/graphql?${search}`, { headers: { authorization: `Bearer ${token}`, 'apollo-require-preflight': 'true' } });
    sent.push({ status: get.status, ...((await get.json()) as object) });
    for (const answer of sent) {
      expect(answer.errors).toBeUndefined();
      expect(answer.status).toBe(200);
      expect(answer.data!.auctions.edges).toHaveLength(2);
    }
  });

  it("runs Apollo's manifest by persistedQuery hash, as Apollo Client's persisted-queries link sends it", async () => {
    const h = await harness(loadTrustedManifest(apollo), true);
    const answer = await post(h, { operationName: 'Auctions', variables: { first: 1 }, extensions: apq(HEX) });
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.auctions.edges).toHaveLength(1);
  });

  it('refuses ad-hoc text with OPERATION_NOT_TRUSTED before parsing it and before any upstream call', async () => {
    const h = await harness(loadTrustedManifest(clientPreset), true);
    const refusals = [
      await post(h, { query: ADHOC }),
      // Not even parsed: a syntax error is not what the caller hears about.
      await post(h, { query: '{ auctions(' }),
      // An APQ registration of text that is not in the manifest.
      await post(h, { query: ADHOC, extensions: apq(sha256Hex(ADHOC)) }),
      // One untrusted operation refuses the whole batch.
      await post(h, [{ documentId: HEX }, { query: ADHOC }]),
      // A token with every other scope is still no operator.
      await post(h, { query: ADHOC }, EVERYTHING_BUT_ADHOC),
    ];
    for (const refusal of refusals) {
      expect(refusal.status).toBe(400);
      expect(refusal.errors).toHaveLength(1);
      expect(codeOf(refusal)).toBe('OPERATION_NOT_TRUSTED');
      expect(refusal.data).toBeUndefined();
    }
    expect(upstreamCalls(h)).toBe(0);
  });

  it('refuses an unknown id or hash with PERSISTED_QUERY_NOT_FOUND, even a hash an operator registered by APQ', async () => {
    const h = await harness(loadTrustedManifest(clientPreset), true);
    const registered = await post(h, { query: ADHOC, extensions: apq(sha256Hex(ADHOC)) }, ALL_SCOPES);
    expect(registered.errors).toBeUndefined();
    h.resetTraffic();
    for (const refusal of [
      await post(h, { documentId: `sha256:${'0'.repeat(64)}` }),
      await post(h, { documentId: 'Auctions' }),
      await post(h, { extensions: apq('0'.repeat(64)) }),
      await post(h, { extensions: apq(sha256Hex(ADHOC)) }),
    ]) {
      expect(refusal.status).toBe(400);
      expect(refusal.errors).toEqual([expect.objectContaining({ extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } })]);
    }
    expect(upstreamCalls(h)).toBe(0);
  });

  it('lets an operator (operations:adhoc) run ad-hoc operations, as GraphiQL does', async () => {
    const h = await harness(loadTrustedManifest(clientPreset), true);
    const adhoc = await post(h, { query: ADHOC }, [...INVESTOR, 'operations:adhoc']);
    expect(adhoc.errors).toBeUndefined();
    expect(adhoc.data!.auctions.totalCount).toBeGreaterThan(0);
    const introspection = await h.gql('{ __schema { queryType { name } } }');
    expect(introspection.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });
});

describe('TRUSTED_DOCUMENTS without ONLY', () => {
  it('serves the manifest by id and still runs ad-hoc operations; an unknown id is still not found', async () => {
    const h = await harness(loadTrustedManifest(clientPreset), false);
    expect((await post(h, { documentId: `sha256:${HEX}`, variables: { first: 1 } })).data!.auctions.edges).toHaveLength(1);
    expect((await post(h, { query: ADHOC })).data!.auctions.totalCount).toBeGreaterThan(0);
    expect(codeOf(await post(h, { documentId: 'sha256:' + '1'.repeat(64) }))).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect(codeOf(await post(h, { documentId: `sha256:${HEX}`, query: ADHOC }))).toBe('BAD_REQUEST');
  });
});

describe('graphql-ws subscribe payloads (the decision for subscriptions.server.ts onSubscribe)', () => {
  const SUBSCRIPTION = 'subscription Published { auctionPublished { cursor } }';
  const noCache: KeyValueCache = { get: async () => undefined, set: async () => {}, delete: async () => true };
  const investor: Caller = { id: 'investor', scopes: new Set(INVESTOR), customerId: undefined };

  it('runs a manifest document by documentId whatever text graphql-ws made the client send, and refuses other text', async () => {
    const manifest = new TrustedManifest([[`sha256:${sha256Hex(SUBSCRIPTION)}`, SUBSCRIPTION]]);
    const decide = persistedSubscribePayloads({ apqCache: noCache, trusted: { manifest, only: true }, logger: memoryLogger() });
    expect(await decide({ query: 'subscription { auctionPublished { cursor } }', documentId: `sha256:${sha256Hex(SUBSCRIPTION)}` }, investor)).toEqual({ query: SUBSCRIPTION });
    expect(await decide({ query: '', extensions: apq(sha256Hex(SUBSCRIPTION)) }, investor)).toEqual({ query: SUBSCRIPTION });
    expect(await decide({ query: SUBSCRIPTION }, investor)).toEqual({ query: SUBSCRIPTION });
    expect(await decide({ query: 'subscription { bondoraEvents { eventId } }' }, investor)).toMatchObject({ code: 'OPERATION_NOT_TRUSTED' });
    expect(await decide({ query: '', documentId: 'sha256:' + '2'.repeat(64) }, investor)).toMatchObject({ code: 'PERSISTED_QUERY_NOT_FOUND' });
    expect(await decide({ query: 'subscription { bondoraEvents { eventId } }' }, OPERATOR)).toEqual({ query: 'subscription { bondoraEvents { eventId } }' });
  });
});
