import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page, type Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphiqlBundle } from '../../src/server/graphiql.bundle.js';
import { startHarness, type Harness } from '../support/gateway.harness.js';

// GraphiQL in a real Chromium against the gateway on the simulators: it loads, runs operations
// on both upstreams, shows the schema, and no request of the page or its workers leaves loopback.

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
// CI installs Chromium (.ci/run), so there a missing browser is a failure, not a skip.
const mustRun = haveChromium || process.env.CI === 'true';
const ARTIFACTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../artifacts');
const SCREENSHOT = path.join(ARTIFACTS, 'graphiql.png');

if (!mustRun) {
  console.warn(`Skipping the GraphiQL browser test: ${CHROMIUM} is missing (apt-get install chromium). Under CI=true it fails instead.`);
}

const TYPED_QUERY = 'query TypedApplications { creditApplications(first: 3) { nodes { id status applicant { lastName } } } }';

describe.skipIf(!mustRun)(
  haveChromium ? 'GraphiQL in Chromium' : `GraphiQL in Chromium (needs ${CHROMIUM}: apt-get install chromium)`,
  () => {
    let h: Harness;
    let userDataDir: string;
    let context: BrowserContext;
    let page: Page;
    const requested: string[] = [];
    const pageErrors: string[] = [];
    // Includes the browser's CSP reports, which would hide a blocked off-machine load from `requested`.
    const consoleErrors: string[] = [];

    beforeAll(async () => {
      if (!haveChromium) {
        throw new Error(`CI=true but ${CHROMIUM} is missing: .ci/run must install Debian's chromium package`);
      }
      // Built here so that the page load below measures the browser, not esbuild.
      [h] = await Promise.all([startHarness({ webhooks: true }), graphiqlBundle()]);
      userDataDir = mkdtempSync(path.join(os.tmpdir(), 'graphiql-chromium-'));
      context = await chromium.launchPersistentContext(userDataDir, {
        executablePath: CHROMIUM,
        headless: true,
        viewport: { width: 1400, height: 900 },
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
      context.on('request', (request) => requested.push(request.url()));
      context.on('serviceworker', (worker) => requested.push(worker.url()));
      page = context.pages()[0] ?? (await context.newPage());
      page.setDefaultTimeout(10_000);
      page.on('request', (request) => requested.push(request.url()));
      page.on('worker', (worker) => requested.push(worker.url()));
      page.on('websocket', (socket) => requested.push(socket.url()));
      page.on('pageerror', (error) => pageErrors.push(error.message));
      page.on('console', (message) => {
        if (message.type() === 'error') consoleErrors.push(message.text());
      });
    });

    afterAll(async () => {
      await context?.close();
      if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
      await h?.close();
    });

    it('runs operations on both upstreams, shows the docs, receives a live auction, and loads nothing from off the machine', async () => {
      try {
        await exercise();
      } catch (error) {
        // What the page showed when it went wrong, for CI logs that cannot show a browser.
        mkdirSync(ARTIFACTS, { recursive: true });
        await page.screenshot({ path: path.join(ARTIFACTS, 'graphiql-failure.png') }).catch(() => {});
        throw error;
      }
    }, 30_000);

    async function exercise(): Promise<void> {
      await page.goto(`${h.gateway.url}/graphql`);
      await waitForText(page, '.graphiql-query-editor .view-lines', 'queryAuctions(');

      // The docs explorer is open on first visit and lists the schema's types once introspection is in.
      const auctionType = page.locator('.graphiql-doc-explorer a.graphiql-doc-explorer-type-name', { hasText: /^Auction$/ });
      await auctionType.first().click();
      await waitForText(page, '.graphiql-doc-explorer', 'myBids');

      // The example tab, run with the run button: Bondora data in the result pane.
      const { body: auctions, headers } = await runAndWait(page, 'Auctions', () => page.click('.graphiql-execute-button'));
      // The headers editor's commented example is valid JSON-with-comments that sends nothing.
      expect(headers['x-bondora-token']).toBeUndefined();
      const auctionIds = new Set(h.bondora.activeAuctions.map((a) => String(a.AuctionId)));
      const firstAuction = (auctions.data?.auctions as { nodes: Array<{ id: string }> } | undefined)?.nodes[0]?.id;
      expect(auctions.errors).toBeUndefined();
      expect(firstAuction && auctionIds.has(firstAuction)).toBe(true);
      await waitForText(page, '.graphiql-response .view-lines', firstAuction!);

      // A query typed into a new tab, run with Ctrl-Enter: Bond data in the result pane.
      await page.click('.graphiql-tab-add');
      await waitForText(page, '.graphiql-tab-active', '<untitled>');
      await page.click('.graphiql-query-editor .view-lines');
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.insertText(TYPED_QUERY);
      // Prettier is loaded on demand: formatting proves it is in the bundle.
      await page.click('button[aria-label^="Prettify"]');
      await page.waitForFunction(() => {
        const { document } = globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } };
        return document.querySelectorAll('.graphiql-query-editor .view-line').length > 5;
      });
      // GraphiQL picks up edits after a debounce; the tab title shows when it has the operation.
      await waitForText(page, '.graphiql-tab-active', 'TypedApplications');
      // Ctrl-Enter is bound in the editors, and the button took the focus.
      await page.click('.graphiql-query-editor .view-lines');
      const { body: applications } = await runAndWait(page, 'TypedApplications', () => page.keyboard.press('Control+Enter'));
      const newest = h.bond.applications[0]!.application_id;
      expect(applications.errors).toBeUndefined();
      expect((applications.data?.creditApplications as { nodes: Array<{ id: string }> }).nodes[0]?.id).toBe(newest);
      await waitForText(page, '.graphiql-response .view-lines', newest);

      // The Live auctions tab subscribes over a WebSocket; the simulator publishes; the page shows it.
      await page.locator('.graphiql-tab', { hasText: 'LiveAuctions' }).click();
      await waitForText(page, '.graphiql-query-editor .view-lines', 'subscriptionLiveAuctions');
      // GraphiQL takes the tab's operation name after a debounce, as it does for typed edits.
      await page.waitForTimeout(800);
      const opened = page.waitForEvent('websocket');
      await page.click('.graphiql-execute-button');
      const socket = await opened;
      expect(new URL(socket.url()).host).toBe(new URL(h.gateway.url).host);
      await new Promise((r) => setTimeout(r, 500));
      const { auctionId } = h.bondora.publishAuction();
      await waitForText(page, '.graphiql-response .view-lines', auctionId);

      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: SCREENSHOT });

      const gatewayHost = new URL(h.gateway.url).host;
      const offMachine = requested.filter((url) => !/^(data|blob):/.test(url) && new URL(url).host !== gatewayHost);
      expect(offMachine).toEqual([]);
      // The three Monaco workers were started from the gateway, so the editors had their languages.
      expect(requested.filter((url) => /\/graphiql\/[0-9a-f]+\/(editor|json|graphql)\.worker\.js$/.test(url)).length).toBeGreaterThanOrEqual(3);
      expect(pageErrors).toEqual([]);
      expect(consoleErrors).toEqual([]);
    }
  },
);

interface GraphQLBody {
  data?: Record<string, unknown> | null;
  errors?: unknown[];
}

/** Triggers a run and returns the gateway's answer to the operation of that name, and the request's headers. */
async function runAndWait(
  page: Page,
  operationName: string,
  trigger: () => Promise<void>,
): Promise<{ body: GraphQLBody; headers: Record<string, string> }> {
  const answered = page.waitForResponse(
    (response: Response) =>
      response.url().endsWith('/graphql') &&
      response.request().method() === 'POST' &&
      (response.request().postDataJSON() as { operationName?: string } | null)?.operationName === operationName,
  );
  await trigger();
  const response = await answered;
  expect(response.status()).toBe(200);
  return { body: (await response.json()) as GraphQLBody, headers: await response.request().allHeaders() };
}

/** Waits until the element's text, whitespace removed (Monaco renders spaces as nbsp), contains `needle`. */
async function waitForText(page: Page, selector: string, needle: string): Promise<void> {
  await page.waitForFunction(
    ([sel, text]) => {
      // Runs in the page; the test's tsconfig has no DOM types.
      const { document } = globalThis as unknown as { document: { querySelector(s: string): { textContent: string | null } | null } };
      return (document.querySelector(sel)?.textContent ?? '').replace(/\s+/g, '').includes(text.replace(/\s+/g, ''));
    },
    [selector, needle] as const,
  );
}
