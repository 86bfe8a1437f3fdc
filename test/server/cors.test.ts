import http from 'node:http';
import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { corsFor, isAllowedOrigin } from '../../src/server/cors.middleware.js';
import { startHarness, type Harness, type HarnessOptions } from '../support/gateway.harness.js';

// CORS over real HTTP: only listed origins get CORS headers (and preflights answered before any
// token is asked for), every other origin gets none, Apollo's CSRF prevention is untouched, and a
// WebSocket upgrade from an unlisted browser origin is refused, since browsers apply no CORS to it.

const APP = 'http://127.0.0.1:5173';
const OTHER = 'http://evil.example';
const QUERY = JSON.stringify({ query: '{ auctions(first: 1) { nodes { id } } }' });
const ALLOWED_HEADERS = 'content-type,authorization,x-bondora-token,apollo-require-preflight,traceparent';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One raw HTTP exchange: Node's fetch would add or refuse headers a browser controls. */
function send(url: string, method: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers: body ? { ...headers, 'content-length': String(Buffer.byteLength(body)) } : headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const corsHeaders = (answer: Answer) => Object.keys(answer.headers).filter((name) => name.startsWith('access-control-'));
const vary = (answer: Answer) => String(answer.headers.vary ?? '').split(/\s*,\s*/).map((v) => v.toLowerCase());

function post(h: Harness, headers: Record<string, string>, body = QUERY): Promise<Answer> {
  return send(`${h.gateway.url}/graphql`, 'POST', { 'content-type': 'application/json', authorization: `Bearer ${h.operatorToken}`, ...headers }, body);
}

function preflight(h: Harness, origin: string, requestHeaders = 'authorization,content-type'): Promise<Answer> {
  return send(`${h.gateway.url}/graphql`, 'OPTIONS', {
    origin,
    'access-control-request-method': 'POST',
    'access-control-request-headers': requestHeaders,
  });
}

const upstreamCalls = (h: Harness) => h.bondora.router.calls().length + h.bond.router.calls().length;

/** Resolves with the status of a refused upgrade, or 101 once graphql-ws acknowledged the connection. */
function upgrade(h: Harness, origin: string | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${h.gateway.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws', origin ? { origin } : {});
    socket.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode!);
      socket.terminate();
    });
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { Authorization: `Bearer ${h.operatorToken}` } })));
    socket.on('message', (data) => {
      if ((JSON.parse(String(data)) as { type: string }).type === 'connection_ack') {
        resolve(101);
        socket.close();
      }
    });
    socket.on('error', (error) => {
      if (!/Unexpected server response/.test(error.message)) reject(error);
    });
  });
}

const harnesses: Harness[] = [];
async function harness(frontends?: NonNullable<HarnessOptions['gateway']>['frontends']): Promise<Harness> {
  const h = await startHarness({ gateway: { frontends } });
  harnesses.push(h);
  return h;
}
afterAll(async () => {
  await Promise.all(harnesses.splice(0).map((h) => h.close()));
});

describe('an allowed origin', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness({ corsOrigins: [APP, 'https://app.example.com'], corsAllowCredentials: false });
  });
  afterEach(() => h.resetTraffic());

  it('gets its own origin back, Vary: Origin, no credentials and nothing exposed', async () => {
    const answer = await post(h, { origin: APP });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body).data.auctions.nodes).toHaveLength(1);
    expect(answer.headers['access-control-allow-origin']).toBe(APP);
    expect(vary(answer)).toContain('origin');
    expect(corsHeaders(answer)).toEqual(['access-control-allow-origin']);
    // The gateway's own headers stay.
    expect(answer.headers['cache-control']).toBe('no-store');
  });

  it('has its preflight answered before authentication: methods, headers and max age', async () => {
    const answer = await preflight(h, APP);
    expect(answer.status).toBe(204);
    expect(answer.headers['access-control-allow-origin']).toBe(APP);
    expect(answer.headers['access-control-allow-methods']).toBe('GET,POST');
    expect(answer.headers['access-control-allow-headers']).toBe(ALLOWED_HEADERS);
    expect(answer.headers['access-control-max-age']).toBe('600');
    expect(answer.headers['access-control-allow-credentials']).toBeUndefined();
    expect(answer.headers['access-control-expose-headers']).toBeUndefined();
    expect(answer.headers['www-authenticate']).toBeUndefined();
    expect(vary(answer)).toContain('origin');
    expect(answer.body).toBe('');
    expect(upstreamCalls(h)).toBe(0);
  });

  it('can read a 401 (the browser needs Access-Control-Allow-Origin on it too)', async () => {
    const answer = await post(h, { origin: APP, authorization: 'Bearer not.a.token' });
    expect(answer.status).toBe(401);
    expect(answer.headers['access-control-allow-origin']).toBe(APP);
    expect(JSON.parse(answer.body).errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('matches exactly: no prefix, suffix, other scheme or other port', async () => {
    for (const near of ['http://127.0.0.1:51730', 'http://127.0.0.1', 'https://127.0.0.1:5173', 'https://app.example.com.evil.example', 'null']) {
      expect(corsHeaders(await post(h, { origin: near })), near).toEqual([]);
      expect(corsHeaders(await preflight(h, near)), near).toEqual([]);
    }
    expect((await post(h, { origin: 'https://app.example.com' })).headers['access-control-allow-origin']).toBe('https://app.example.com');
  });

  it('does not weaken CSRF prevention: a form POST or a plain GET is still refused, before any upstream call', async () => {
    const form = await post(h, { origin: APP, 'content-type': 'application/x-www-form-urlencoded' }, 'query=%7B__typename%7D');
    expect(form.status).toBe(400);
    expect(form.body).toMatch(/Cross-Site Request Forgery/);
    const text = await post(h, { origin: APP, 'content-type': 'text/plain' });
    expect(text.status).toBe(400);
    expect(text.body).toMatch(/Cross-Site Request Forgery/);
    const url = `${h.gateway.url}/graphql?query=${encodeURIComponent('{ auctions(first: 1) { nodes { id } } }')}`;
    const auth = { authorization: `Bearer ${h.operatorToken}`, accept: 'application/json' };
    const plainGet = await send(url, 'GET', { origin: APP, ...auth });
    expect(plainGet.status).toBe(400);
    expect(plainGet.body).toMatch(/Cross-Site Request Forgery/);
    expect(upstreamCalls(h)).toBe(0);
    // With a header that forces a preflight, GET works for a frontend.
    const get = await send(url, 'GET', { origin: APP, ...auth, 'apollo-require-preflight': 'true' });
    expect(get.status).toBe(200);
    expect(get.headers['access-control-allow-origin']).toBe(APP);
  });
});

describe('any other origin', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness({ corsOrigins: [APP], corsAllowCredentials: false });
  });
  afterEach(() => h.resetTraffic());

  it('gets no CORS headers on an answer (the browser hides it from the page)', async () => {
    const answer = await post(h, { origin: OTHER });
    expect(corsHeaders(answer)).toEqual([]);
    expect(vary(answer)).toContain('origin');
  });

  it('gets its preflight answered 204 without any CORS header, so the browser never sends the request', async () => {
    const answer = await preflight(h, OTHER);
    expect(answer.status).toBe(204);
    expect(corsHeaders(answer)).toEqual([]);
    expect(upstreamCalls(h)).toBe(0);
  });

  it('a request without Origin (a server, curl) is answered as before', async () => {
    const answer = await post(h, {});
    expect(answer.status).toBe(200);
    expect(corsHeaders(answer)).toEqual([]);
  });
});

describe('configuration', () => {
  it('none (the default): no CORS headers for anyone, preflights answered as before', async () => {
    const h = await harness();
    const answer = await post(h, { origin: APP });
    expect(answer.status).toBe(200);
    expect(corsHeaders(answer)).toEqual([]);
    expect(vary(answer)).not.toContain('origin');
    const pre = await preflight(h, APP);
    expect(corsHeaders(pre)).toEqual([]);
    // Express's automatic OPTIONS answer for GraphiQL's GET route, as before CORS existed.
    expect(pre.status).toBe(200);
    expect(pre.headers.allow).toBe('GET, HEAD');
  });

  it('credentials: Access-Control-Allow-Credentials on the preflight and the answer', async () => {
    const h = await harness({ corsOrigins: [APP], corsAllowCredentials: true });
    const pre = await preflight(h, APP);
    expect(pre.headers['access-control-allow-credentials']).toBe('true');
    expect(pre.headers['access-control-allow-origin']).toBe(APP);
    const answer = await post(h, { origin: APP });
    expect(answer.headers['access-control-allow-credentials']).toBe('true');
    expect(answer.headers['access-control-allow-origin']).toBe(APP);
    expect(corsHeaders(await post(h, { origin: OTHER }))).toEqual([]);
  });

  it('"*": any origin, answered with "*" and without credentials', async () => {
    const h = await harness({ corsOrigins: ['*'], corsAllowCredentials: false });
    for (const origin of [APP, OTHER]) {
      const pre = await preflight(h, origin);
      expect(pre.status).toBe(204);
      expect(pre.headers['access-control-allow-origin']).toBe('*');
      expect(pre.headers['access-control-allow-headers']).toBe(ALLOWED_HEADERS);
      expect(pre.headers['access-control-allow-credentials']).toBeUndefined();
      const answer = await post(h, { origin });
      expect(answer.headers['access-control-allow-origin']).toBe('*');
    }
    expect(() => corsFor({ corsOrigins: ['*'], corsAllowCredentials: true })).toThrow(/credentials/);
  });
});

describe('WebSocket upgrades (no CORS in browsers, so the gateway checks Origin itself)', () => {
  it('refuses an unlisted origin with 403; accepts a listed one, the gateway\'s own, and none', async () => {
    const h = await harness({ corsOrigins: [APP], corsAllowCredentials: false });
    expect(await upgrade(h, OTHER)).toBe(403);
    expect(await upgrade(h, 'null')).toBe(403);
    expect(await upgrade(h, APP)).toBe(101);
    expect(await upgrade(h, h.gateway.url)).toBe(101);
    expect(await upgrade(h, undefined)).toBe(101);
    expect(h.logger.lines.some((e) => /WebSocket upgrade refused/.test(e.message))).toBe(true);
  });

  it('without configuration accepts only the gateway\'s own origin and non-browser clients', async () => {
    const h = await harness();
    expect(await upgrade(h, APP)).toBe(403);
    expect(await upgrade(h, h.gateway.url)).toBe(101);
    expect(await upgrade(h, undefined)).toBe(101);
  });

  it('isAllowedOrigin: own host ignores the scheme (TLS proxies) and default ports', () => {
    const none = { corsOrigins: [], corsAllowCredentials: false };
    expect(isAllowedOrigin('https://api.example.com', none, 'api.example.com')).toBe(true);
    expect(isAllowedOrigin('https://api.example.com', none, 'api.example.com:443')).toBe(true);
    expect(isAllowedOrigin('https://api.example.com', none, 'API.example.com')).toBe(true);
    expect(isAllowedOrigin('https://api.example.com:8443', none, 'api.example.com')).toBe(false);
    expect(isAllowedOrigin('https://evil.example', none, 'api.example.com')).toBe(false);
    expect(isAllowedOrigin('null', none, 'api.example.com')).toBe(false);
    expect(isAllowedOrigin(undefined, none, 'api.example.com')).toBe(true);
    expect(isAllowedOrigin(APP, { corsOrigins: [APP], corsAllowCredentials: false })).toBe(true);
  });
});
