import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gzipSync } from 'node:zlib';

// A tiny HTTP server shared by both simulators: routing with path parameters, a request log,
// per-route fault injection, gzip when the client asks, and a control API under /__sim for
// tests and tools running in another process.

export interface SimRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  params: Record<string, string>;
  body: Buffer;
  /** Parsed body per Content-Type (JSON or form); undefined when empty; throws SyntaxError when unparsable. */
  parsedBody(): unknown;
}

export interface SimResponse {
  status: number;
  /** Sent as JSON, except a Buffer, which is sent as is (give its content-type in `headers`). */
  body?: unknown;
  headers?: Record<string, string>;
}

export type SimHandler = (req: SimRequest) => SimResponse | Promise<SimResponse>;

/** A simulator's own control path under /__sim: the raw body in, a JSON reply out; a thrown error is a 400. */
export type ControlHandler = (body: Buffer) => { status: number; body: unknown };

export interface Fault {
  /** Added delay before the response, in ms. */
  latencyMs?: number;
  /**
   * Added delay after the handler ran, before its answer is sent, in ms: an answer read from the
   * state at arrival that is slow on its way back (a write in between is not in it).
   */
  answerDelayMs?: number;
  /** Reply with this status and the API's own error body instead of calling the handler. */
  status?: number;
  /** Seconds for the Retry-After header (with status 429). */
  retryAfterSeconds?: number;
  /** Reply 200 with a body that is not valid JSON. */
  malformed?: boolean;
  /** Reply 200 with a gzip body cut short (declared as gzip). */
  truncatedGzip?: boolean;
  /** Never answer; the socket stays open until the client gives up or the server stops. */
  hang?: boolean;
  /** Destroy the connection without a response. */
  reset?: boolean;
  /** Replace the handler's JSON body with this one (e.g. `{Success:false,...}` inside a 200). */
  body?: unknown;
  /** Apply to the next N matching requests only, then remove itself. */
  times?: number;
  /** Apply to this fraction of matching requests (0..1), for load tests. */
  probability?: number;
}

export interface LogEntry {
  at: number;
  method: string;
  /** Route name, e.g. "auctions.list"; "unmatched" when no route matched. */
  route: string;
  path: string;
  query: string;
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

interface Route {
  method: string;
  name: string;
  pattern: RegExp;
  keys: string[];
  handler: SimHandler;
}

export interface SimApiShape {
  /** The API's own error body for a status (used for faults, 404 and 405). */
  errorBody(status: number, message: string, details?: string): unknown;
}

export class SimRouter {
  readonly log: LogEntry[] = [];
  private readonly routes: Route[] = [];
  private readonly faults = new Map<string, Fault>();
  private readonly controls = new Map<string, ControlHandler>();
  private readonly sockets = new Set<Socket>();
  private server: http.Server | undefined;
  private random = mulberry32(7);

  constructor(private readonly shape: SimApiShape) {}

  route(method: string, path: string, name: string, handler: SimHandler): this {
    const keys: string[] = [];
    const source = path.replace(/:(\w+)/g, (_m, key: string) => {
      keys.push(key);
      return '([^/]*)';
    });
    // Matching is case-insensitive like the ASP.NET and Flask servers behind the real APIs.
    this.routes.push({ method, name, pattern: new RegExp(`^${source}/?$`, 'i'), keys, handler });
    return this;
  }

  /** Adds a control path (it must start with /__sim/), e.g. a test hook that makes the simulator emit a webhook. */
  controlRoute(method: string, path: string, handler: ControlHandler): this {
    if (!path.startsWith('/__sim/')) throw new Error(`control paths start with /__sim/: "${path}"`);
    this.controls.set(`${method.toUpperCase()} ${path}`, handler);
    return this;
  }

  get routeNames(): string[] {
    return [...new Set(this.routes.map((r) => r.name))];
  }

  setFault(route: string, fault: Fault): void {
    if (route !== '*' && !this.routeNames.includes(route)) throw new Error(`unknown route "${route}"`);
    this.faults.set(route, { ...fault });
  }

  clearFaults(route?: string): void {
    if (route) this.faults.delete(route);
    else this.faults.clear();
  }

  clearLog(): void {
    this.log.length = 0;
  }

  /** Log entries for one route (or all when omitted). */
  calls(route?: string): LogEntry[] {
    return route ? this.log.filter((e) => e.route === route) : [...this.log];
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    const server = http.createServer((req, res) => {
      void this.dispatch(req, res);
    });
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    const { port: bound } = server.address() as AddressInfo;
    return `http://${host}:${bound}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async dispatch(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://sim.local');
    if (url.pathname.startsWith('/__sim/')) {
      this.control(req.method ?? 'GET', url.pathname, body, res);
      return;
    }
    const method = (req.method ?? 'GET').toUpperCase();
    const entry: LogEntry = {
      at: Date.now(),
      method,
      route: 'unmatched',
      path: url.pathname,
      query: url.search.replace(/^\?/, ''),
      status: 0,
      headers: req.headers,
      body: body.toString('utf8'),
    };
    this.log.push(entry);

    const match = this.match(method, url.pathname);
    let response: SimResponse;
    if (!match) {
      const pathExists = this.routes.some((r) => r.pattern.test(url.pathname));
      response = pathExists
        ? { status: 405, body: this.shape.errorBody(405, 'The requested resource does not support this http method.') }
        : { status: 404, body: this.shape.errorBody(404, 'No HTTP resource was found that matches the request URI.') };
    } else {
      entry.route = match.route.name;
      const fault = this.takeFault(match.route.name);
      if (fault?.latencyMs) await delay(fault.latencyMs);
      if (fault?.hang) {
        entry.status = -1;
        return; // the socket is destroyed by the client's timeout or by close()
      }
      if (fault?.reset) {
        entry.status = -1;
        req.socket.destroy();
        return;
      }
      if (fault?.malformed) {
        entry.status = 200;
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        res.end('{"Payload": [{"AuctionId": "');
        return;
      }
      if (fault?.truncatedGzip) {
        entry.status = 200;
        const zipped = gzipSync(Buffer.from(JSON.stringify({ data: 'x'.repeat(2048) })));
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-encoding': 'gzip' });
        res.end(zipped.subarray(0, Math.floor(zipped.length / 2)));
        return;
      }
      if (fault?.status) {
        const headers: Record<string, string> = {};
        if (fault.retryAfterSeconds !== undefined) headers['retry-after'] = String(fault.retryAfterSeconds);
        const message = fault.status === 429 ? 'API calls quota exceeded!' : 'Injected fault';
        response = { status: fault.status, headers, body: fault.body ?? this.shape.errorBody(fault.status, message) };
      } else {
        response = await this.run(match.route, match.params, method, url, req.headers, body);
        if (fault?.body !== undefined) response = { ...response, body: fault.body };
        if (fault?.answerDelayMs) {
          // The answer as the state was when the handler ran, not as a write meanwhile leaves it.
          response = { ...response, body: structuredClone(response.body) };
          await delay(fault.answerDelayMs);
        }
      }
    }
    entry.status = response.status;
    send(req, res, response);
  }

  private async run(
    route: Route,
    params: Record<string, string>,
    method: string,
    url: URL,
    headers: http.IncomingHttpHeaders,
    body: Buffer,
  ): Promise<SimResponse> {
    const request: SimRequest = {
      method,
      path: url.pathname,
      query: url.searchParams,
      headers,
      params,
      body,
      parsedBody: () => parseBody(headers['content-type'], body),
    };
    try {
      return await route.handler(request);
    } catch (error) {
      if (error instanceof SyntaxError) {
        return { status: 400, body: this.shape.errorBody(400, 'The request body is not valid.', error.message) };
      }
      return { status: 500, body: this.shape.errorBody(500, 'An error has occurred.') };
    }
  }

  private match(method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const m = route.pattern.exec(path);
      if (!m) continue;
      const params: Record<string, string> = {};
      route.keys.forEach((key, i) => (params[key] = decodeURIComponent(m[i + 1] ?? '')));
      return { route, params };
    }
    return undefined;
  }

  private takeFault(route: string): Fault | undefined {
    const key = this.faults.has(route) ? route : this.faults.has('*') ? '*' : undefined;
    if (!key) return undefined;
    const fault = this.faults.get(key)!;
    if (fault.probability !== undefined && this.random() >= fault.probability) return undefined;
    if (fault.times !== undefined) {
      fault.times -= 1;
      if (fault.times <= 0) this.faults.delete(key);
    }
    return fault;
  }

  // Control API, so out-of-process tools (load test, benchmark) can read the log and inject faults.
  private control(method: string, path: string, body: Buffer, res: http.ServerResponse): void {
    const reply = (status: number, value: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    try {
      if (path === '/__sim/log' && method === 'GET') return reply(200, this.log);
      if (path === '/__sim/log' && method === 'DELETE') return (this.clearLog(), reply(200, { ok: true }));
      if (path === '/__sim/routes' && method === 'GET') return reply(200, this.routeNames);
      if (path === '/__sim/faults' && method === 'DELETE') return (this.clearFaults(), reply(200, { ok: true }));
      const faultPath = /^\/__sim\/faults\/([^/]+)$/.exec(path);
      if (faultPath && method === 'PUT') {
        this.setFault(decodeURIComponent(faultPath[1]!), JSON.parse(body.toString('utf8') || '{}') as Fault);
        return reply(200, { ok: true });
      }
      if (faultPath && method === 'DELETE') return (this.clearFaults(decodeURIComponent(faultPath[1]!)), reply(200, { ok: true }));
      const extra = this.controls.get(`${method.toUpperCase()} ${path}`);
      if (extra) {
        const result = extra(body);
        return reply(result.status, result.body);
      }
      reply(404, { error: 'unknown control path' });
    } catch (error) {
      reply(400, { error: (error as Error).message });
    }
  }
}

function send(req: http.IncomingMessage, res: http.ServerResponse, response: SimResponse): void {
  const headers: Record<string, string> = { ...(response.headers ?? {}) };
  if (response.body === undefined) {
    res.writeHead(response.status, headers);
    res.end();
    return;
  }
  const raw = Buffer.isBuffer(response.body);
  let payload = raw ? (response.body as Buffer) : Buffer.from(JSON.stringify(response.body));
  headers['content-type'] ??= raw ? 'application/octet-stream' : 'application/json; charset=utf-8';
  if (/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
    payload = gzipSync(payload);
    headers['content-encoding'] = 'gzip';
    headers['vary'] = 'Accept-Encoding';
  }
  headers['content-length'] = String(payload.length);
  res.writeHead(response.status, headers);
  res.end(payload);
}

function parseBody(contentType: string | undefined, body: Buffer): unknown {
  if (body.length === 0) return undefined;
  const text = body.toString('utf8');
  if (contentType?.includes('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  return JSON.parse(text) as unknown;
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', () => resolve(Buffer.concat(chunks)));
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A small seeded PRNG so seeds and fault sampling are deterministic. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
