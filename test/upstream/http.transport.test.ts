import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HttpTransport } from '../../src/upstream/http.transport.js';

// The keep-alive pool under an upstream that drops a pooled connection just as it is reused (the
// race every keep-alive client meets when a server closes idle connections): a GET goes once more
// on a new connection, a write does not, since the upstream may have acted on it.

let server: http.Server;
let url: string;
/** Requests seen per connection; the second request on any connection is cut off unanswered. */
let perSocket: WeakMap<object, number>;
let connections = 0;
let answered = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const seen = (perSocket.get(req.socket) ?? 0) + 1;
    perSocket.set(req.socket, seen);
    if (seen === 2) {
      req.socket.destroy();
      return;
    }
    answered++;
    res.writeHead(200, { 'content-type': 'application/json', connection: 'keep-alive' });
    res.end(JSON.stringify({ ok: true, method: req.method }));
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/thing`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  perSocket = new WeakMap();
  connections = 0;
  answered = 0;
});

const send = (transport: HttpTransport, method: string) =>
  transport.send(url, { method, headers: { accept: 'application/json' }, body: method === 'GET' ? undefined : '{}', signal: new AbortController().signal });

describe('HttpTransport on a keep-alive pool', () => {
  it('a GET whose pooled connection is cut before any answer goes again on a new one', async () => {
    const transport = new HttpTransport(url, 4);
    try {
      await send(transport, 'GET');
      expect(connections).toBe(1);
      // Reused: the server sees this as its connection's second request and cuts it.
      const again = await send(transport, 'GET');
      expect(again.status).toBe(200);
      expect(JSON.parse(again.raw.toString())).toEqual({ ok: true, method: 'GET' });
      // The first connection, the one cut on reuse, and the fresh one the retry opened.
      expect(connections).toBe(2);
      expect(answered).toBe(2);
    } finally {
      transport.close();
    }
  });

  it('a write on such a connection fails and is not sent again', async () => {
    const transport = new HttpTransport(url, 4);
    try {
      await send(transport, 'GET');
      await expect(send(transport, 'PATCH')).rejects.toMatchObject({ code: 'ECONNRESET' });
      expect(connections).toBe(1);
      expect(answered).toBe(1);
    } finally {
      transport.close();
    }
  });

  it('a connection closed without keep-alive is not reused at all: no retry needed', async () => {
    const transport = new HttpTransport(url, 4, false);
    try {
      await send(transport, 'GET');
      await send(transport, 'GET');
      expect(connections).toBe(2);
      expect(answered).toBe(2);
    } finally {
      transport.close();
    }
  });
});
