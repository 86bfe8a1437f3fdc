// Browser entry of the gateway's GraphiQL, bundled by esbuild when the page is first asked for
// (src/server/graphiql.bundle.ts). Plain JavaScript: the server's tsconfig has neither DOM nor
// React types, and esbuild needs none. The server renders the settings into the page as JSON.
import 'graphiql/style.css';
import './graphiql.client.css';
import { GraphiQL } from 'graphiql';
import { createClient } from 'graphql-ws';
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

// Subscriptions go over graphql-ws on the same path; the headers editor's content becomes the
// connection_init payload, so the Authorization header authenticates the socket as it does a POST.
const socketUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${config.endpoint}`;
const sockets = new Map();
function socketFor(headers) {
  const key = JSON.stringify(headers ?? {});
  let client = sockets.get(key);
  if (!client) {
    client = createClient({ url: socketUrl, connectionParams: headers ?? {}, lazy: true, retryAttempts: 0 });
    sockets.set(key, client);
  }
  return client;
}

/** Whether the operation GraphiQL runs (the named one, or the only one) is a subscription. */
function isSubscription(params) {
  const source = params.query.replace(/#[^\n]*/g, '');
  const operations = [...source.matchAll(/(?:^|[\s}])(query|mutation|subscription)\b\s*([_A-Za-z][_0-9A-Za-z]*)?/g)];
  const chosen = params.operationName ? operations.find((m) => m[2] === params.operationName) : operations[0];
  return chosen?.[1] === 'subscription';
}

// Queries and mutations are a plain POST; @graphiql/toolkit's fetcher would add nothing here.
function fetcher(params, opts) {
  if (isSubscription(params)) return socketFor(opts?.headers).iterate(params);
  return post(params, opts);
}

async function post(params, opts) {
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
