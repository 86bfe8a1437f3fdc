import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { graphiqlBundle } from '../../src/server/graphiql.bundle.js';
import { GRAPHIQL_DEFAULT_HEADERS, GRAPHIQL_TABS } from '../../src/server/graphiql.examples.js';
import type { GraphiqlClientConfig } from '../../src/server/graphiql.page.js';
import { startHarness, type Harness } from '../support/gateway.harness.js';

// GraphiQL over plain HTTP (the browser test drives it in Chromium): the page, its assets, the
// example tabs against the simulators, and the GRAPHIQL / INTROSPECTION switches.

const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
const INTROSPECTION = '{ __schema { queryType { name } } }';

async function openPage(gatewayUrl: string): Promise<Response> {
  return fetch(`${gatewayUrl}/graphql`, { headers: { accept: BROWSER_ACCEPT } });
}

/** Every URL the page makes the browser load: its stylesheet, its script and the worker scripts. */
function referencedAssets(html: string): string[] {
  const attributes = [...html.matchAll(/\s(?:href|src)="([^"]+)"/g)].map((m) => m[1]!).filter((u) => !u.startsWith('data:'));
  const json = /<script type="application\/json" id="graphiql-config">(.*?)<\/script>/s.exec(html)?.[1];
  const config = JSON.parse(json ?? 'null') as GraphiqlClientConfig;
  return [...attributes, ...Object.values(config.workers)];
}

/** GraphiQL's editors take JSON with // comments; ours are whole lines. */
function parseJsonc(text: string): Record<string, unknown> {
  return JSON.parse(text.replace(/^\s*\/\/.*$/gm, '')) as Record<string, unknown>;
}

describe('GraphiQL on /graphql', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h.close());

  it('serves the page to browsers, building the bundle once for concurrent first requests', async () => {
    const responses = await Promise.all([openPage(h.gateway.url), openPage(h.gateway.url), openPage(h.gateway.url)]);
    const pages = await Promise.all(responses.map((r) => r.text()));
    for (const response of responses) {
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    }
    expect(new Set(pages).size).toBe(1);
    expect(graphiqlBundle()).toBe(graphiqlBundle());
    expect(h.logger.lines.filter((l) => l.message === 'GraphiQL bundle ready')).toHaveLength(1);

    const html = pages[0]!;
    expect(html).toContain('<div id="graphiql">');
    // Nothing absolute: every URL is on the gateway, and the CSP holds the browser to that.
    expect(html).not.toMatch(/(?:href|src)="(?:https?:)?\/\//);
    const csp = responses[0]!.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
  });

  it('serves every asset the page references with a fitting content type, gzipped when asked', async () => {
    const html = await (await openPage(h.gateway.url)).text();
    const assets = referencedAssets(html);
    expect(assets.map((u) => u.split('/').pop()).sort()).toEqual(
      ['app.css', 'app.js', 'editor.worker.js', 'graphql.worker.js', 'json.worker.js'].sort(),
    );
    for (const asset of assets) {
      expect(asset).toMatch(/^\/graphiql\/[0-9a-f]{16}\//);
      const plain = await fetch(`${h.gateway.url}${asset}`, { headers: { 'accept-encoding': 'identity' } });
      const body = await plain.text();
      expect(plain.status, asset).toBe(200);
      expect(plain.headers.get('content-type'), asset).toBe(
        asset.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8',
      );
      expect(plain.headers.get('cache-control')).toContain('immutable');
      expect(plain.headers.get('content-encoding')).toBeNull();
      expect(body.length).toBeGreaterThan(1000);
      if (asset.endsWith('.css')) {
        // Fonts are inlined, so the stylesheet fetches nothing further.
        const urls = [...body.matchAll(/url\(\s*["']?([^"')]+)/g)].map((m) => m[1]!);
        expect(urls.filter((u) => !u.startsWith('data:') && !u.startsWith('#'))).toEqual([]);
      }

      const zipped = await fetch(`${h.gateway.url}${asset}`, { headers: { 'accept-encoding': 'gzip' } });
      expect(zipped.headers.get('content-encoding')).toBe('gzip');
      expect(await zipped.text()).toBe(body);
    }
  });

  it('leaves GraphQL requests to Apollo', async () => {
    const get = await fetch(`${h.gateway.url}/graphql?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { accept: 'application/json', 'apollo-require-preflight': 'true' },
    });
    expect(get.status).toBe(200);
    expect(await get.json()).toEqual({ data: { __typename: 'Query' } });
    const post = await h.gql('{ __typename }');
    expect(post.data).toEqual({ __typename: 'Query' });
    const noAccept = await fetch(`${h.gateway.url}/graphql`);
    expect(noAccept.headers.get('content-type')).not.toContain('text/html');
  });

  it('answers 404 for unknown assets and for another bundle id', async () => {
    const { id } = await graphiqlBundle();
    expect((await fetch(`${h.gateway.url}/graphiql/${id}/nope.js`)).status).toBe(404);
    expect((await fetch(`${h.gateway.url}/graphiql/0000000000000000/app.js`)).status).toBe(404);
  });

  it('opens with example tabs that run on both upstreams as they stand', async () => {
    expect(GRAPHIQL_TABS.map((t) => /(?:query|mutation) (\w+)/.exec(t.query)?.[1])).toEqual([
      'Auctions',
      'CreditApplications',
      'UpdateCreditApplicant',
    ]);
    const [auctionsTab, applicationsTab, updateTab] = GRAPHIQL_TABS;

    const auctions = await h.gql<{ auctions: { nodes: Array<{ id: string; myBids: unknown[] }> } }>(auctionsTab!.query);
    expect(auctions.errors).toBeUndefined();
    const activeIds = new Set(h.bondora.activeAuctions.map((a) => String(a.AuctionId)));
    expect(auctions.data!.auctions.nodes.length).toBeGreaterThan(0);
    expect(auctions.data!.auctions.nodes.every((n) => activeIds.has(n.id))).toBe(true);
    // The first page shows at least one of the demo investor's bids, so myBids is not just [].
    expect(auctions.data!.auctions.nodes.some((n) => n.myBids.length > 0)).toBe(true);

    const applications = await h.gql<{ creditApplications: { nodes: Array<{ id: string }> } }>(applicationsTab!.query);
    expect(applications.errors).toBeUndefined();
    expect(applications.data!.creditApplications.nodes[0]!.id).toBe(h.bond.applications[0]!.application_id);

    // The mutation's variables are valid once the placeholder id is replaced, as the tab says.
    const created = h.bond.applications.find((a) => a.application_status === 'created')!;
    const variables = parseJsonc(updateTab!.variables!) as { input: Record<string, unknown> };
    expect(variables.input.applicationId).toBe('paste-an-application-id');
    const updated = await h.gql<{ updateCreditApplicant: { id: string } }>(updateTab!.query, {
      input: { ...variables.input, applicationId: created.application_id },
    });
    expect(updated.errors).toBeUndefined();
    expect(updated.data!.updateCreditApplicant.id).toBe(created.application_id);
  });

  it('prefills the headers editor with a commented x-bondora-token example that sends nothing', () => {
    expect(parseJsonc(GRAPHIQL_DEFAULT_HEADERS)).toEqual({});
    const uncommented = GRAPHIQL_DEFAULT_HEADERS.replace('// "x-bondora-token"', '"x-bondora-token"');
    expect(Object.keys(parseJsonc(uncommented))).toEqual(['x-bondora-token']);
    for (const tab of GRAPHIQL_TABS) expect(tab.headers).toBe(GRAPHIQL_DEFAULT_HEADERS);
  });
});

describe('GraphiQL and introspection switched off', () => {
  it('graphiql: false serves no page and no assets; Apollo answers the browser as before', async () => {
    const h = await startHarness({ gateway: { graphiql: false } });
    try {
      const page = await openPage(h.gateway.url);
      expect(page.status).toBe(400);
      expect(page.headers.get('content-type')).not.toContain('text/html');
      const { id } = await graphiqlBundle();
      expect((await fetch(`${h.gateway.url}/graphiql/${id}/app.js`)).status).toBe(404);
      expect((await h.gql(INTROSPECTION)).data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    } finally {
      await h.close();
    }
  });

  it('introspection: false rejects introspection queries, and warns that GraphiQL will lack docs', async () => {
    const h = await startHarness({ gateway: { introspection: false } });
    try {
      const res = await h.gql(INTROSPECTION);
      expect(res.data).toBeUndefined();
      expect(res.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect((await h.gql('{ __typename }')).data).toEqual({ __typename: 'Query' });
      expect(h.logger.lines.some((l) => l.level === 'warn' && l.message.includes('introspection is off'))).toBe(true);
    } finally {
      await h.close();
    }
  });
});

describe('GRAPHIQL and INTROSPECTION', () => {
  it('are on by default and off in production', () => {
    expect(loadConfig({})).toMatchObject({ graphiql: true, introspection: true });
    expect(loadConfig({ NODE_ENV: 'production' })).toMatchObject({ graphiql: false, introspection: false });
  });

  it('override the default either way', () => {
    expect(loadConfig({ NODE_ENV: 'production', GRAPHIQL: 'true', INTROSPECTION: 'TRUE' })).toMatchObject({
      graphiql: true,
      introspection: true,
    });
    expect(loadConfig({ GRAPHIQL: 'false', INTROSPECTION: 'false' })).toMatchObject({ graphiql: false, introspection: false });
  });

  it.each(['GRAPHIQL', 'INTROSPECTION'])('reject anything but true or false in %s, naming it', (variable) => {
    expect(() => loadConfig({ [variable]: 'yes' })).toThrow(ConfigError);
    expect(() => loadConfig({ [variable]: 'yes' })).toThrow(`${variable} must be true or false, got "yes"`);
  });
});
