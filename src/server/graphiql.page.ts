import { GRAPHIQL_WORKERS, type GraphiqlBundle } from './graphiql.bundle.js';
import { GRAPHIQL_DEFAULT_HEADERS, graphiqlTabs, type GraphiqlTab } from './graphiql.examples.js';

// The HTML shell of GraphiQL: a stylesheet, one module script, and the settings the script reads
// from an inert JSON block (so the page needs no inline script and can forbid them by CSP).

/** Settings read by src/server/graphiql/graphiql.client.js. */
export interface GraphiqlClientConfig {
  endpoint: string;
  workers: Record<keyof typeof GRAPHIQL_WORKERS, string>;
  tabs: readonly GraphiqlTab[];
  defaultHeaders: string;
}

/** Where the assets of one bundle are served; the bundle id makes every URL immutable. */
export function graphiqlAssetBase(bundle: Pick<GraphiqlBundle, 'id'>): string {
  return `/graphiql/${bundle.id}`;
}

/**
 * Everything the page may load comes from the gateway itself; Monaco and React add inline styles,
 * GraphiQL's fonts are data: URIs.
 */
export const GRAPHIQL_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "worker-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self' data:",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function renderGraphiqlPage(bundle: Pick<GraphiqlBundle, 'id'>, endpoint: string, headers = GRAPHIQL_DEFAULT_HEADERS): string {
  const base = graphiqlAssetBase(bundle);
  const config: GraphiqlClientConfig = {
    endpoint,
    workers: {
      editor: `${base}/${GRAPHIQL_WORKERS.editor}`,
      json: `${base}/${GRAPHIQL_WORKERS.json}`,
      graphql: `${base}/${GRAPHIQL_WORKERS.graphql}`,
    },
    tabs: graphiqlTabs(headers),
    defaultHeaders: headers,
  };
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>GraphiQL · Bondora + Bond gateway</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${base}/app.css">
<script type="application/json" id="graphiql-config">${scriptSafeJson(config)}</script>
<script type="module" src="${base}/app.js"></script>
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
</body>
</html>
`;
}

/** JSON that cannot close its <script> element or open a comment inside it. */
function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}
