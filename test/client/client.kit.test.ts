import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Scope } from '../../src/auth/scope.registry.js';
import { loadTrustedManifest, sha256Hex } from '../../src/server/trusted-documents.manifest.js';
import { startHarness, type Harness } from '../support/gateway.harness.js';
import { collect, wsClient } from '../support/ws.client.js';
import { documentIdOf, gatewayClient, type GatewayClient } from './gateway.client.js';
import { AuctionPublishedDocument, OpenAuctionsDocument, PlaceBidsDocument } from './generated/graphql.js';

// The typed client kit, end to end: the recipe (codegen.client.yml, GraphQL Code Generator's client
// preset with persistedDocuments) turns a frontend's .graphql files into typed documents and a
// trusted-documents manifest; the gateway started with that manifest and TRUSTED_DOCUMENTS_ONLY runs
// the example client's operations by id, refuses its ad-hoc ones before any upstream call, and
// still lets an operator run anything. The generated output is committed (the example module
// imports it) and checked for drift here; the run itself happens on a copy.

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);
const CONFIG = 'test/client/codegen.client.yml';
const GENERATED = 'test/client/generated';
/** A plain environment: under the test runner's variables codegen's task list prints nothing. */
const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };

async function codegen(cwd: string, ...flags: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(join(ROOT, 'node_modules/.bin/graphql-codegen'), ['--config', CONFIG, ...flags], { cwd, env });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

let dir: string;
let h: Harness;
let generated: { code: number; output: string };
const clients: GatewayClient[] = [];

beforeAll(async () => {
  // What a frontend repository holds: the recipe, the gateway's committed schema, its operations.
  dir = await mkdtemp(join(tmpdir(), 'client-kit-'));
  await cp(join(ROOT, CONFIG), join(dir, CONFIG));
  await cp(join(ROOT, 'schema'), join(dir, 'schema'), { recursive: true });
  await cp(join(ROOT, 'test/client/operations'), join(dir, 'test/client/operations'), { recursive: true });
  await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  await writeFile(join(dir, 'package.json'), JSON.stringify({ type: 'module', private: true }));
  generated = await codegen(dir);
  if (generated.code !== 0) return;
  h = await startHarness({
    webhooks: true,
    gateway: { trustedDocuments: { manifest: loadTrustedManifest(join(dir, GENERATED, 'persisted-documents.json')), only: true } },
  });
}, 60_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await h?.close();
  await rm(dir, { recursive: true, force: true });
});

function client(scopes: readonly Scope[], persisted: boolean): GatewayClient {
  const c = gatewayClient({
    url: `${h.gateway.url}/graphql`,
    token: () => h.token({ sub: `frontend-${scopes.join('-')}`, scopes }),
    persisted,
    webSocketImpl: WebSocket,
  });
  clients.push(c);
  return c;
}

const INVESTOR: readonly Scope[] = ['auctions:read', 'bids:write', 'bondora:shared'];
const upstreamCalls = () => h.bondora.router.calls().length + h.bond.router.calls().length;

describe('the codegen recipe (test/client/codegen.client.yml)', () => {
  it('generates typed documents and a manifest whose ids are the SHA-256 of their documents', async () => {
    expect(generated.code, generated.output).toBe(0);
    for (const file of ['graphql.ts', 'gql.ts', 'index.ts', 'persisted-documents.json']) {
      expect((await stat(join(dir, GENERATED, file))).size, file).toBeGreaterThan(0);
    }
    const manifest = JSON.parse(await readFile(join(dir, GENERATED, 'persisted-documents.json'), 'utf8')) as Record<string, string>;
    expect(Object.values(manifest).map((d) => /^(query|mutation|subscription) (\w+)/.exec(d)?.slice(1).join(' ')).sort()).toEqual([
      'mutation PlaceBids',
      'query OpenAuctions',
      'subscription AuctionPublished',
    ]);
    for (const [id, document] of Object.entries(manifest)) expect(id).toBe(`sha256:${sha256Hex(document)}`);
    // The committed module's documents carry the same ids as this fresh manifest.
    for (const document of [OpenAuctionsDocument, PlaceBidsDocument, AuctionPublishedDocument]) expect(manifest[documentIdOf(document)]).toBeDefined();
  });

  it('the generated documents compile under strict NodeNext TypeScript, with their result types', async () => {
    // A frontend's own use of them: a wrong field or variable would not compile.
    await writeFile(
      join(dir, 'test/client/use.ts'),
      [
        "import type { ResultOf, VariablesOf } from '@graphql-typed-document-node/core';",
        "import { OpenAuctionsDocument, PlaceBidsDocument } from './generated/graphql.js';",
        "import { graphql } from './generated/gql.js';",
        'type Page = NonNullable<ResultOf<typeof OpenAuctionsDocument>["auctions"]>;',
        'export const rating = (page: Page): Array<string | null | undefined> => page.edges.map((e) => e.node.rating);',
        'export const vars: VariablesOf<typeof PlaceBidsDocument> = { input: { bids: [{ auctionId: "a", amount: "25.00" }] } };',
        'export const same = graphql(`mutation PlaceBids($input: PlaceBidsInput!) {\\n  placeBids(input: $input) {\\n    bids {\\n      id\\n      auctionId\\n      amount\\n    }\\n  }\\n}`) === PlaceBidsDocument;',
        '',
      ].join('\n'),
    );
    const tsc = join(ROOT, 'node_modules/.bin/tsc');
    const args = ['--noEmit', '--strict', '--noUncheckedIndexedAccess', '--target', 'ES2022', '--module', 'NodeNext', '--moduleResolution', 'NodeNext', '--types', 'node', 'test/client/use.ts'];
    const compiled = await run(tsc, args, { cwd: dir, env }).then(
      () => '',
      (error: { stdout?: string }) => error.stdout ?? String(error),
    );
    expect(compiled).toBe('');
  }, 60_000);

  it('the committed test/client/generated/ is what the recipe produces (npm run codegen:client)', async () => {
    const check = await codegen(ROOT, '--check');
    expect(check.code, check.output).toBe(0);
  });
});

describe('a gateway with that manifest and TRUSTED_DOCUMENTS_ONLY', () => {
  it("runs the example client's query and mutation by documentId, with an investor's token", async () => {
    const investor = client(INVESTOR, true);
    const page = await investor.request(OpenAuctionsDocument, { first: 3 });
    expect(page.errors).toBeUndefined();
    const edges = page.data!.auctions!.edges;
    expect(edges).toHaveLength(3);
    const placed = await investor.request(PlaceBidsDocument, { input: { bids: [{ auctionId: edges[0]!.node.id, amount: '10' }] } });
    expect(placed.errors).toBeUndefined();
    expect(placed.data!.placeBids.bids).toEqual([expect.objectContaining({ auctionId: edges[0]!.node.id, amount: '10' })]);
    // What went over the wire was the id alone.
    expect(documentIdOf(OpenAuctionsDocument)).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it("delivers the example client's auctionPublished subscription over graphql-ws", async () => {
    const investor = client(INVESTOR, true);
    const events = investor.subscribe(AuctionPublishedDocument, {});
    const first = events.next();
    // The socket opens lazily on the first subscription; publish once the gateway is listening for it.
    await expect.poll(() => h.gateway.activeSubscriptions).toBe(1);
    const published = h.bondora.publishAuction();
    const { value } = await first;
    expect(value?.errors).toBeUndefined();
    expect(value?.data?.auctionPublished.auction?.id).toBe(published.auctionId);
    await events.return?.();
  });

  it("refuses the same client's ad-hoc query with OPERATION_NOT_TRUSTED before any upstream call", async () => {
    h.resetTraffic();
    const adhoc = await client(INVESTOR, false).request(OpenAuctionsDocument, { first: 3 });
    expect(adhoc.status).toBe(400);
    expect(adhoc.data).toBeUndefined();
    expect(adhoc.errors).toEqual([expect.objectContaining({ extensions: { code: 'OPERATION_NOT_TRUSTED' } })]);
    expect(h.bondora.router.calls()).toHaveLength(0);
    expect(h.bond.router.calls()).toHaveLength(0);
    expect(upstreamCalls()).toBe(0);
  });

  it('refuses an ad-hoc subscription over graphql-ws too, and runs one named only by its documentId', async () => {
    const token = await h.token({ sub: 'frontend-ws', scopes: INVESTOR });
    const adhoc = collect(wsClient(h.gateway.url, token), 'subscription { auctionPublished { cursor } }');
    await adhoc.until(1).catch(() => undefined);
    const refusal = (adhoc.results[0] as { errors?: Array<{ extensions?: Record<string, unknown> }> } | undefined)?.errors ?? (adhoc.error as never);
    expect((refusal as Array<{ extensions?: Record<string, unknown> }>)[0]!.extensions!.code).toBe('OPERATION_NOT_TRUSTED');

    // By id alone: the text sent is not what runs, the manifest's document is.
    const socket = new WebSocket(`${h.gateway.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
    const messages: Array<{ type: string; payload?: { data?: { auctionPublished?: { auction?: { id: string } } } } }> = [];
    socket.on('message', (m) => messages.push(JSON.parse(String(m)) as never));
    await new Promise<void>((resolve) => socket.on('open', () => resolve()));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { Authorization: `Bearer ${token}` } }));
    await expect.poll(() => messages.length).toBe(1);
    socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: '# by id', documentId: documentIdOf(AuctionPublishedDocument) } }));
    await expect.poll(() => h.gateway.activeSubscriptions).toBeGreaterThanOrEqual(1);
    const published = h.bondora.publishAuction();
    await expect.poll(() => messages.find((m) => m.type === 'next')?.payload?.data?.auctionPublished?.auction?.id).toBe(published.auctionId);
    socket.close();
  });

  it('lets an operator (operations:adhoc) run it ad hoc', async () => {
    const operator = client([...INVESTOR, 'operations:adhoc'], false);
    const page = await operator.request(OpenAuctionsDocument, { first: 2 });
    expect(page.errors).toBeUndefined();
    expect(page.data!.auctions!.edges).toHaveLength(2);
  });
});
