import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

// A tiny webhook receiver for tests: records every request and answers with scripted statuses,
// so a test can make deliveries fail, hang or succeed on cue.

export interface Received {
  method: string;
  /** Path and query as sent. */
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  at: number;
}

type Reply = number | 'hang';

export class WebhookReceiver {
  readonly received: Received[] = [];
  /** Status when no scripted reply is queued. */
  status = 200;
  private readonly script: Reply[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly waiters = new Set<() => void>();
  private server: http.Server | undefined;
  private origin = '';

  async start(): Promise<string> {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.received.push({
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          at: Date.now(),
        });
        for (const wake of this.waiters) wake();
        const reply = this.script.shift() ?? this.status;
        if (reply === 'hang') return;
        res.writeHead(reply, { 'content-type': 'text/plain' });
        res.end(reply < 300 ? 'ok' : 'nope');
      });
    });
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    this.server = server;
    this.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.origin;
  }

  /** The receiver's URL for a path, e.g. `/hooks/bondora?x=1`. */
  url(path = '/hook'): string {
    return `${this.origin}${path}`;
  }

  /** Answers the next `times` requests with `status` (or leaves them hanging). */
  next(times: number, reply: Reply): void {
    for (let i = 0; i < times; i++) this.script.push(reply);
  }

  /** Waits until at least `count` requests have arrived. */
  async waitFor(count: number, timeoutMs = 5_000): Promise<Received[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`expected ${count} webhook requests, got ${this.received.length}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, left);
        function done(): void {
          clearTimeout(timer);
          resolve();
        }
        this.waiters.add(done);
      });
      this.waiters.clear();
    }
    return [...this.received];
  }

  clear(): void {
    this.received.length = 0;
    this.script.length = 0;
    this.status = 200;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
