import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';

// The bytes on the wire for HttpClient: Node's own HTTP client on a keep-alive pool per upstream.
// Node parses HTTP in native code; undici's request API (which this replaced) parses it in
// WebAssembly, whose optimizing compile took about 35 MiB of memory on the first upstream call and
// kept 12 MiB of it, and its module graph another 15 MiB, for no less CPU per call.

export interface TransportRequest {
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
}

export interface TransportResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body as sent (still compressed when the upstream compressed it). */
  raw: Buffer;
}

/** Methods that may be sent again when a pooled connection turned out to be closed before any answer. */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

export class HttpTransport {
  private readonly agent: http.Agent;
  private readonly client: typeof http | typeof https;

  /** @param keepAlive false for a rare request (a probe): its connection closes with the answer */
  constructor(baseUrl: string, maxConnections: number, keepAlive = true) {
    const secure = new URL(baseUrl).protocol === 'https:';
    this.client = secure ? https : http;
    // An idle connection is kept 30 s at most, or as long as the upstream's Keep-Alive hint says,
    // whichever is shorter (Node reads the hint); LIFO reuses the warmest connection.
    const options = { keepAlive, maxSockets: maxConnections, maxFreeSockets: maxConnections, timeout: 30_000, scheduling: 'lifo' as const };
    this.agent = secure ? new https.Agent(options) : new http.Agent(options);
  }

  async send(url: string, req: TransportRequest): Promise<TransportResponse> {
    try {
      return await this.once(url, req);
    } catch (error) {
      // A pooled connection the upstream had already closed fails before any answer; the request
      // never reached it, so an idempotent one goes once more, on a new connection.
      if ((error as { reusedSocket?: boolean }).reusedSocket && IDEMPOTENT.has(req.method) && !req.signal.aborted) return this.once(url, req);
      throw error;
    }
  }

  close(): void {
    this.agent.destroy();
  }

  private once(url: string, { method, headers, body, signal }: TransportRequest): Promise<TransportResponse> {
    return new Promise<TransportResponse>((resolve, reject) => {
      const outgoing = this.client.request(url, { method, headers, agent: this.agent, signal }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          // A connection cut mid-body ends the stream early: not a whole answer.
          if (!response.complete) reject(Object.assign(new Error('the connection closed before the whole answer'), { code: 'ECONNRESET' }));
          else resolve({ status: response.statusCode ?? 0, headers: response.headers, raw: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks) });
        });
        response.on('error', reject);
      });
      outgoing.on('error', (error: Error & { code?: string }) => {
        const reused = outgoing.reusedSocket && error.code === 'ECONNRESET';
        reject(reused ? Object.assign(error, { reusedSocket: true }) : error);
      });
      outgoing.end(body);
    });
  }
}
