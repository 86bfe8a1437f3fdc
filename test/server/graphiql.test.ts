import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { graphiqlBundle } from '../../src/server/graphiql.bundle.js';
import { GRAPHIQL_DEFAULT_HEADERS, GRAPHIQL_TABS, graphiqlHeaders, graphiqlTabs } from '../../src/server/graphiql.examples.js';
import { renderGraphiqlPage, type GraphiqlClientConfig } from '../../src/server/graphiql.page.js';
import { startHarness, type Harness } from '../support/gateway.harness.js';

// GraphiQL over plain HTTP (the browser test drives it in Chromium): the page, its assets, the
// example tabs against the simulators, and the GRAPHIQL / INTROSPECTION switches.

const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
const INTROSPECTION = '{ __schema { queryType { name } } }';

/** A browser opening /graphql: it has no token yet, and the page must not need one. */
async function openPage(gatewayUrl: string): Promise<Response> {
  return fetch(`${gatewayUrl}/graphql`, { headers: { accept: BROWSER_ACCEPT } });
}

function configOf(html: string): GraphiqlClientConfig {
  const json = /<script type="application\/json" id="graphiql-config">(.*?)<\/script>/s.exec(html)?.[1];
  return JSON.parse(json ?? 'null') as GraphiqlClientConfig;
}

/** Every URL the page makes the browser load: its stylesheet, its script and the worker scripts. */
function referencedAssets(html: string): string[] {
  const attributes = [...html.matchAll(/\s(?:href|src)="([^"]+)"/g)].map((m) => m[1]!).filter((u) => !u.startsWith('data:'));
  return [...attributes, ...Object.values(configOf(html).workers)];
}

/**
 * GraphiQL's editors take JSON with // comments and a trailing comma (jsonc-parser with
 * allowTrailingComma); our comments are whole lines.
 */
function parseJsonc(text: string): Record<string, unknown> {
  return JSON.parse(text.replace(/^\s*\/\/.*$/gm, '').replace(/,(\s*})/g, '$1')) as Record<string, unknown>;
}

/** What a user does to send a commented example line: delete its `// `. */
const uncomment = (text: string, name: string) => text.replace(`// "${name}"`, `"${name}"`);

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

  it('leaves GraphQL requests to Apollo, behind caller authentication', async () => {
    const url = `${h.gateway.url}/graphql?query=${encodeURIComponent('{ __typename }')}`;
    const get = await fetch(url, {
      headers: { accept: 'application/json', 'apollo-require-preflight': 'true', authorization: `Bearer ${h.operatorToken}` },
    });
    expect(get.status).toBe(200);
    expect(await get.json()).toEqual({ data: { __typename: 'Query' } });
    const post = await h.gql('{ __typename }');
    expect(post.data).toEqual({ __typename: 'Query' });
    // The page is public; a GraphQL GET is not: without a token it is 401, never the page.
    const anonymous = await fetch(url, { headers: { accept: 'application/json', 'apollo-require-preflight': 'true' } });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="graphql"');
    expect(await anonymous.json()).toEqual({ errors: [{ message: expect.any(String), extensions: { code: 'UNAUTHENTICATED' } }] });
    const noAccept = await fetch(`${h.gateway.url}/graphql`);
    expect(noAccept.status).toBe(401);
    expect(noAccept.headers.get('content-type')).not.toContain('text/html');
    const noAcceptWithToken = await fetch(`${h.gateway.url}/graphql`, { headers: { authorization: `Bearer ${h.operatorToken}` } });
    expect(noAcceptWithToken.headers.get('content-type')).not.toContain('text/html');
  });

  it('answers 404 for unknown assets and for another bundle id', async () => {
    const { id } = await graphiqlBundle();
    expect((await fetch(`${h.gateway.url}/graphiql/${id}/nope.js`)).status).toBe(404);
    expect((await fetch(`${h.gateway.url}/graphiql/0000000000000000/app.js`)).status).toBe(404);
  });

  it('opens with example tabs that run on both upstreams as they stand', async () => {
    expect(GRAPHIQL_TABS.map((t) => /(?:query|mutation|subscription) (\w+)/.exec(t.query)?.[1])).toEqual([
      'Auctions',
      'CreditApplications',
      'UpdateCreditApplicant',
      'LiveAuctions',
    ]);
    // The tabs as the development issuer's page fills them: with a token in the headers editor.
    const [auctionsTab, applicationsTab, updateTab] = graphiqlTabs(graphiqlHeaders(h.operatorToken));
    const headers = parseJsonc(updateTab!.headers!) as Record<string, string>;
    expect(headers).toEqual({ Authorization: `Bearer ${h.operatorToken}` });

    // Without a token (the commented defaults send nothing) a tab is refused, before any upstream call.
    h.resetTraffic();
    const anonymous = await h.gql(auctionsTab!.query, undefined, { authorization: '', ...(parseJsonc(GRAPHIQL_DEFAULT_HEADERS) as Record<string, string>) });
    expect(anonymous.status).toBe(401);
    expect(anonymous.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    expect([...h.bondora.router.calls(), ...h.bond.router.calls()]).toHaveLength(0);

    const auctions = await h.gql<{ auctions: { nodes: Array<{ id: string; myBids: unknown[] }> } }>(auctionsTab!.query, undefined, {
      authorization: '',
      ...headers,
    });
    expect(auctions.errors).toBeUndefined();
    const activeIds = new Set(h.bondora.activeAuctions.map((a) => String(a.AuctionId)));
    expect(auctions.data!.auctions.nodes.length).toBeGreaterThan(0);
    expect(auctions.data!.auctions.nodes.every((n) => activeIds.has(n.id))).toBe(true);
    // The first page shows at least one of the demo investor's bids, so myBids is not just [].
    expect(auctions.data!.auctions.nodes.some((n) => n.myBids.length > 0)).toBe(true);

    const applications = await h.gql<{ creditApplications: { nodes: Array<{ id: string }> } }>(applicationsTab!.query, undefined, {
      authorization: '',
      ...headers,
    });
    expect(applications.errors).toBeUndefined();
    expect(applications.data!.creditApplications.nodes[0]!.id).toBe(h.bond.applications[0]!.application_id);

    // The mutation's variables are valid once the placeholder id is replaced, as the tab says.
    const created = h.bond.applications.find((a) => a.application_status === 'created')!;
    const variables = parseJsonc(updateTab!.variables!) as { input: Record<string, unknown> };
    expect(variables.input.applicationId).toBe('paste-an-application-id');
    const updated = await h.gql<{ updateCreditApplicant: { id: string } }>(
      updateTab!.query,
      { input: { ...variables.input, applicationId: created.application_id } },
      { authorization: '', ...headers },
    );
    expect(updated.errors).toBeUndefined();
    expect(updated.data!.updateCreditApplicant.id).toBe(created.application_id);
  });

  it('prefills the headers editor with commented Authorization and x-bondora-token examples that send nothing', () => {
    expect(parseJsonc(GRAPHIQL_DEFAULT_HEADERS)).toEqual({});
    expect(GRAPHIQL_DEFAULT_HEADERS).toContain('// "Authorization": "Bearer your-jwt"');
    // Each example works alone or together once its // is deleted.
    expect(parseJsonc(uncomment(GRAPHIQL_DEFAULT_HEADERS, 'Authorization'))).toEqual({ Authorization: 'Bearer your-jwt' });
    expect(parseJsonc(uncomment(GRAPHIQL_DEFAULT_HEADERS, 'x-bondora-token'))).toEqual({ 'x-bondora-token': 'your-token' });
    expect(parseJsonc(uncomment(uncomment(GRAPHIQL_DEFAULT_HEADERS, 'Authorization'), 'x-bondora-token'))).toEqual({
      Authorization: 'Bearer your-jwt',
      'x-bondora-token': 'your-token',
    });
    for (const tab of GRAPHIQL_TABS) expect(tab.headers).toBe(GRAPHIQL_DEFAULT_HEADERS);
  });

  it('with the dev issuer the headers editor sends its operator token, and x-bondora-token stays an example', () => {
    expect(graphiqlHeaders(undefined)).toBe(GRAPHIQL_DEFAULT_HEADERS);
    const text = graphiqlHeaders('header.payload.signature');
    expect(parseJsonc(text)).toEqual({ Authorization: 'Bearer header.payload.signature' });
    // Its instructions: add a comma after the Authorization line, delete the // before x-bondora-token.
    const both = uncomment(text.replace('"Bearer header.payload.signature"', '"Bearer header.payload.signature",'), 'x-bondora-token');
    expect(parseJsonc(both)).toEqual({ Authorization: 'Bearer header.payload.signature', 'x-bondora-token': 'your-token' });
    for (const tab of graphiqlTabs(text)) expect(tab.headers).toBe(text);
  });

  it('the page hands the headers it is given to every tab and to new tabs', async () => {
    const bundle = await graphiqlBundle();
    // As npm start serves it beside the development issuer (and as the harness does): the operator's token.
    const served = configOf(await (await openPage(h.gateway.url)).text());
    expect(served.defaultHeaders).toBe(graphiqlHeaders(h.operatorToken));
    expect(served.tabs.map((t) => t.headers)).toEqual(GRAPHIQL_TABS.map(() => graphiqlHeaders(h.operatorToken)));
    // Without a development issuer (a real identity provider): only the commented examples, no token.
    const plain = configOf(renderGraphiqlPage(bundle, '/graphql'));
    expect(plain.defaultHeaders).toBe(GRAPHIQL_DEFAULT_HEADERS);
    expect(plain.tabs.map((t) => t.headers)).toEqual(GRAPHIQL_TABS.map(() => GRAPHIQL_DEFAULT_HEADERS));
    expect(JSON.stringify(plain)).not.toContain(h.operatorToken);
    expect(plain.tabs.map((t) => parseJsonc(t.headers!))).toEqual(GRAPHIQL_TABS.map(() => ({})));
  });
});

describe('GraphiQL and introspection switched off', () => {
  it('graphiql: false serves no page and no assets; the browser gets 401, and Apollo answers it as before once authenticated', async () => {
    const h = await startHarness({ gateway: { graphiql: false } });
    try {
      const page = await openPage(h.gateway.url);
      // No page to serve, so the request is an API request: a caller is required first.
      expect(page.status).toBe(401);
      expect(page.headers.get('content-type')).not.toContain('text/html');
      expect(((await page.json()) as { errors: Array<{ extensions: unknown }> }).errors.map((e) => e.extensions)).toEqual([{ code: 'UNAUTHENTICATED' }]);
      const authenticated = await fetch(`${h.gateway.url}/graphql`, { headers: { accept: BROWSER_ACCEPT, authorization: `Bearer ${h.operatorToken}` } });
      expect(authenticated.status).toBe(400);
      expect(authenticated.headers.get('content-type')).not.toContain('text/html');
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
