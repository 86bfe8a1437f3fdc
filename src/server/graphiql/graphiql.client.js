// Browser entry of the gateway's GraphiQL, bundled by esbuild when the page is first asked for
// (src/server/graphiql.bundle.ts). Plain JavaScript: the server's tsconfig has neither DOM nor
// React types, and esbuild needs none. The server renders the settings into the page as JSON.
import 'graphiql/style.css';
import './graphiql.client.css';
import { GraphiQL } from 'graphiql';
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';

const config = JSON.parse(document.getElementById('graphiql-config').textContent);

// Monaco asks for a worker per language; each is a bundle the gateway serves beside this one,
// so the editors never reach for a CDN.
globalThis.MonacoEnvironment = {
  getWorker(_workerId, label) {
    const url = label === 'json' ? config.workers.json : label === 'graphql' ? config.workers.graphql : config.workers.editor;
    return new Worker(url, { name: `monaco-${label}` });
  },
};

// A plain POST fetcher: the gateway has no subscriptions or incremental delivery, so
// @graphiql/toolkit's fetcher (and its optional graphql-ws import) buys nothing here.
async function fetcher(params, opts) {
  const response = await fetch(config.endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json;q=0.9',
      ...opts?.headers,
    },
    body: JSON.stringify(params),
  });
  return response.json();
}

createRoot(document.getElementById('graphiql')).render(
  createElement(GraphiQL, {
    fetcher,
    defaultTabs: config.tabs,
    defaultHeaders: config.defaultHeaders,
    defaultEditorToolsVisibility: true,
    visiblePlugin: 'Documentation Explorer',
  }),
);
