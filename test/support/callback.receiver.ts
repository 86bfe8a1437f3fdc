import http from 'node:http';
import type { AddressInfo } from 'node:net';

// The router's side of Apollo's HTTP callback protocol for subscriptions (callback/1.0), on a free
// loopback port: it answers as a federating router does and records every message a subgraph sends.
// A subscription is known once `expect(id, verifier)` registered it; for a known one `check` is
// 204, `next` 200 and `complete` 202 (after which the id is forgotten), every answer with the
// `subscription-protocol: callback/1.0` header. An unknown or ended id is 404, which tells the
// subgraph to end that subscription; a wrong verifier or a body id that is not the URL's is 400.

export const CALLBACK_PROTOCOL = 'callback/1.0';

export interface CallbackMessage {
  /** The id in the callback URL's last path segment. */
  pathId: string;
  kind: string;
  action: 'check' | 'next' | 'complete' | string;
  id: string;
  verifier: string;
  payload?: { data?: Record<string, unknown> | null; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
  /** The request's headers, lower-case names. */
  headers: http.IncomingHttpHeaders;
  /** What the receiver answered. */
  status: number;
  at: number;
}

export interface CallbackReceiver {
  url: string;
  /** Every message received, in order of arrival. */
  messages: CallbackMessage[];
  /** The callback URL a router would send for this subscription id. */
  callbackUrl(id: string): string;
  /** Registers a subscription the router started, so its messages are answered as valid. */
  expect(id: string, verifier: string): void;
  /** Ends the subscription on the router's side: its next message is answered 404. */
  end(id: string): void;
  /** Messages for one subscription id (by URL), in order. */
  of(id: string): CallbackMessage[];
  /** Resolves with the first message (already received or arriving) that matches. */
  waitFor(match: (m: CallbackMessage) => boolean, timeoutMs?: number): Promise<CallbackMessage>;
  close(): Promise<void>;
}

export async function startCallbackReceiver(): Promise<CallbackReceiver> {
  const messages: CallbackMessage[] = [];
  const known = new Map<string, string>();
  const waiters = new Set<{ match: (m: CallbackMessage) => boolean; resolve: (m: CallbackMessage) => void }>();

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const pathId = decodeURIComponent((req.url ?? '').split('?')[0]!.split('/').pop() ?? '');
      let body: Partial<CallbackMessage> = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Partial<CallbackMessage>;
      } catch {
        body = {};
      }
      const verifier = known.get(pathId);
      let status: number;
      if (req.method !== 'POST' || body.kind !== 'subscription' || body.id !== pathId) status = 400;
      else if (verifier === undefined) status = 404;
      else if (body.verifier !== verifier) status = 400;
      else if (body.action === 'check') status = 204;
      else if (body.action === 'next') status = 200;
      else if (body.action === 'complete') {
        status = 202;
        known.delete(pathId);
      } else status = 400;
      const message: CallbackMessage = {
        pathId,
        kind: String(body.kind),
        action: String(body.action),
        id: String(body.id),
        verifier: String(body.verifier),
        ...(body.payload !== undefined ? { payload: body.payload } : {}),
        ...(body.errors !== undefined ? { errors: body.errors } : {}),
        headers: req.headers,
        status,
        at: Date.now(),
      };
      messages.push(message);
      for (const waiter of [...waiters]) {
        if (waiter.match(message)) {
          waiters.delete(waiter);
          waiter.resolve(message);
        }
      }
      res.writeHead(status, { 'subscription-protocol': CALLBACK_PROTOCOL });
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    messages,
    callbackUrl: (id) => `${url}/callback/${encodeURIComponent(id)}`,
    expect: (id, verifier) => void known.set(id, verifier),
    end: (id) => void known.delete(id),
    of: (id) => messages.filter((m) => m.pathId === id),
    waitFor(match, timeoutMs = 5_000) {
      const seen = messages.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const waiter = {
          match,
          resolve: (m: CallbackMessage) => {
            clearTimeout(timer);
            resolve(m);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`no matching callback message within ${timeoutMs} ms; got ${JSON.stringify(messages.map((m) => [m.pathId, m.action, m.status]))}`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
