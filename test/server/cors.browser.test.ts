import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/gateway.harness.js';

// A frontend on another origin, in a real Chromium: from an origin listed in CORS_ORIGINS its page
// queries with a bearer token and subscribes over graphql-ws, and gets data; the same page from an
// unlisted origin gets nothing, because the browser's preflight is refused and the WebSocket upgrade
// is, and the gateway made no upstream call for it.

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
// CI installs Chromium (.ci/run), so there a missing browser is a failure, not a skip.
const mustRun = haveChromium || process.env.CI === 'true';

if (!mustRun) {
  console.warn(`Skipping the CORS browser test: ${CHROMIUM} is missing (apt-get install chromium). Under CI=true it fails instead.`);
}

const QUERY = '{ auctions(first: 1) { nodes { id } } creditApplications(first: 1) { nodes { id } } }';
const SUBSCRIPTION = 'subscription { auctionPublished { auction { id } } }';

/** The smallest frontend: fetch for the query, the graphql-transport-ws handshake by hand for the subscription. */
function frontendPage(gatewayUrl: string, token: string): string {
  const settings = JSON.stringify({ gateway: gatewayUrl, token, query: QUERY, subscription: SUBSCRIPTION }).replace(/</g, '\\u003c');
  return `<!doctype html>
<meta charset="utf-8">
<title>frontend</title>
<pre id="query">pending</pre>
<pre id="ws">pending</pre>
<script>
const { gateway, token, query, subscription } = ${settings};
const show = (id, text) => { document.getElementById(id).textContent = text; };
fetch(gateway + '/graphql', {
  method: 'POST',
  headers: { 'content-type': 'application/json', authorization: 'Bearer ' + token },
  body: JSON.stringify({ query }),
})
  .then((response) => response.json())
  .then((body) => show('query', 'data:' + JSON.stringify(body.data)))
  .catch((error) => show('query', 'error:' + error.name + ': ' + error.message));
const socket = new WebSocket(gateway.replace(/^http/, 'ws') + '/graphql', 'graphql-transport-ws');
let received = false;
socket.onopen = () => socket.send(JSON.stringify({ type: 'connection_init', payload: { Authorization: 'Bearer ' + token } }));
socket.onmessage = (message) => {
  const msg = JSON.parse(message.data);
  if (msg.type === 'connection_ack') {
    socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: subscription } }));
    show('ws', 'subscribed');
  } else if (msg.type === 'ping') socket.send(JSON.stringify({ type: 'pong' }));
  else if (msg.type === 'next') {
    received = true;
    show('ws', 'auction:' + msg.payload.data.auctionPublished.auction.id);
  } else if (msg.type === 'error') show('ws', 'error:' + JSON.stringify(msg.payload));
};
socket.onclose = (event) => { if (!received) show('ws', 'closed:' + event.code); };
</script>
`;
}

interface PageServer {
  url: string;
  html: string;
  close(): Promise<void>;
}

/** Serves one HTML page on a loopback port of its own: an origin other than the gateway's. */
async function pageServer(): Promise<PageServer> {
  const served: PageServer = { url: '', html: '', close: async () => {} };
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(served.html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  served.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  served.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return served;
}

describe.skipIf(!mustRun)(haveChromium ? 'CORS in Chromium' : `CORS in Chromium (needs ${CHROMIUM}: apt-get install chromium)`, () => {
  let h: Harness;
  let listed: PageServer;
  let unlisted: PageServer;
  let userDataDir: string;
  let context: BrowserContext;

  beforeAll(async () => {
    if (!haveChromium) {
      throw new Error(`CI=true but ${CHROMIUM} is missing: .ci/run must install Debian's chromium package`);
    }
    [listed, unlisted] = await Promise.all([pageServer(), pageServer()]);
    h = await startHarness({ gateway: { frontends: { corsOrigins: [listed.url], corsAllowCredentials: false } } });
    listed.html = unlisted.html = frontendPage(h.gateway.url, h.operatorToken);
    userDataDir = mkdtempSync(path.join(os.tmpdir(), 'cors-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    });
  });

  afterAll(async () => {
    await context?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    await h?.close();
    await Promise.all([listed?.close(), unlisted?.close()]);
  });

  async function open(url: string): Promise<Page> {
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(url);
    return page;
  }

  it('a listed origin queries with a bearer token and receives a subscription event', async () => {
    h.resetTraffic();
    const page = await open(listed.url);
    try {
      const query = await waitForText(page, 'query', (text) => text !== 'pending');
      expect(query).toMatch(/^data:/);
      const data = JSON.parse(query.slice('data:'.length)) as {
        auctions: { nodes: Array<{ id: string }> };
        creditApplications: { nodes: Array<{ id: string }> };
      };
      expect(data.auctions.nodes[0]?.id).toBe(String(h.bondora.activeAuctions[0]!.AuctionId));
      expect(data.creditApplications.nodes).toHaveLength(1);
      expect(h.bondora.router.calls().length).toBeGreaterThan(0);
      expect(h.bond.router.calls().length).toBeGreaterThan(0);

      expect(await waitForText(page, 'ws', (text) => text !== 'pending')).toBe('subscribed');
      await waitUntil(() => h.gateway.activeSubscriptions >= 1);
      const auction = h.bondora.activeAuctions[0]!;
      await h.gateway.events.append({
        source: 'bondora',
        type: 'auction.published',
        dedupeKey: 'cors-browser',
        occurredAt: new Date().toISOString(),
        payload: auction,
      });
      expect(await waitForText(page, 'ws', (text) => text.startsWith('auction:'))).toBe(`auction:${auction.AuctionId}`);
    } finally {
      await page.close();
    }
  }, 30_000);

  it('an unlisted origin gets no data, its WebSocket is refused, and the gateway calls no upstream', async () => {
    h.resetTraffic();
    const page = await open(unlisted.url);
    try {
      // The preflight got no Access-Control-Allow-Origin, so Chromium never sent the POST.
      expect(await waitForText(page, 'query', (text) => text !== 'pending')).toMatch(/^error:TypeError/);
      // 1006: the upgrade was answered 403, which a page only sees as an abnormal close.
      expect(await waitForText(page, 'ws', (text) => text !== 'pending')).toBe('closed:1006');
      expect(h.logger.lines.some((l) => /WebSocket upgrade refused/.test(l.message) && l.detail.origin === unlisted.url)).toBe(true);
      expect(h.bondora.router.calls()).toEqual([]);
      expect(h.bond.router.calls()).toEqual([]);
    } finally {
      await page.close();
    }
  }, 30_000);
});

/** Waits until the element's text satisfies `done`, and returns it; a timeout says what the page showed. */
async function waitForText(page: Page, id: string, done: (text: string) => boolean, ms = 10_000): Promise<string> {
  const deadline = Date.now() + ms;
  let text = '';
  while (Date.now() < deadline) {
    text = (await page.textContent(`#${id}`)) ?? '';
    if (done(text)) return text;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`#${id} still shows "${text}" after ${ms} ms`);
}

async function waitUntil(condition: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
