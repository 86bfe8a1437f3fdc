import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

// Many graphql-ws subscribers of `auctionPublished` in this process, over a few sockets (each
// socket multiplexes several subscriptions, as a browser tab with several live views would). Each
// subscriber stamps every event it receives with performance.now() the moment graphql-ws hands it
// over (synchronously in the socket's message handler), keyed by auction id.

export const AUCTION_SUBSCRIPTION = 'subscription { auctionPublished { cursor auction { id } } }';

/** Sockets opened at once: the gateway's accept queue and upgrade handling are not what is measured. */
const CONNECT_BATCH = 50;

interface Received {
  data?: { auctionPublished?: { cursor: string; auction: { id: string } } } | null;
  errors?: ReadonlyArray<{ message: string }>;
}

export class SubscriberPool {
  /** Receipt times per awaited auction id, one entry per subscriber that received it. */
  private readonly receipts = new Map<string, number[]>();
  private readonly clients: Client[] = [];
  private readonly stops: Array<() => void> = [];
  private live = 0;
  private awaitedPairs = 0;
  private closing = false;
  private receivedPairs = 0;
  /** Subscriptions that ended or failed, and errors in results, with the first message. */
  problems = 0;
  firstProblem: string | undefined;

  private constructor(
    readonly sockets: number,
    readonly perSocket: number,
  ) {}

  get size(): number {
    return this.sockets * this.perSocket;
  }

  /** Subscribers that have received at least one event: their subscription is surely in place. */
  get established(): number {
    return this.live;
  }

  /** Opens the sockets (connection_ack awaited on each), then subscribes `perSocket` times on each. */
  static async open(gatewayUrl: string, sockets: number, perSocket: number): Promise<SubscriberPool> {
    const pool = new SubscriberPool(sockets, perSocket);
    for (let first = 0; first < sockets; first += CONNECT_BATCH) {
      const batch = Array.from({ length: Math.min(CONNECT_BATCH, sockets - first) }, () => pool.connect(gatewayUrl));
      await Promise.all(batch);
    }
    for (const client of pool.clients) for (let i = 0; i < perSocket; i++) pool.subscribe(client);
    return pool;
  }

  /** Receipts of `auctionId` are kept from now on (call it before the webhook is sent). */
  expect(auctionId: string): void {
    this.receipts.set(auctionId, []);
    this.awaitedPairs += this.size;
  }

  receiptsOf(auctionId: string): readonly number[] {
    return this.receipts.get(auctionId) ?? [];
  }

  /** Awaited (event, subscriber) pairs not received yet. */
  get missing(): number {
    return this.awaitedPairs - this.receivedPairs;
  }

  /** Resolves once `done()` holds, checked every 20 ms; false when `timeoutMs` passed first. */
  async until(done: () => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    while (!done()) {
      if (performance.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return true;
  }

  /** Completes every subscription and closes every socket. */
  async close(): Promise<void> {
    this.closing = true;
    for (const stop of this.stops.splice(0)) stop();
    await Promise.all(this.clients.splice(0).map((client) => client.dispose()));
  }

  private connect(gatewayUrl: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const client = createClient({
        url: `${gatewayUrl.replace(/^http/, 'ws')}/graphql`,
        webSocketImpl: WebSocket,
        // Connected now, not on the first subscribe, so connecting is not part of any measurement.
        lazy: false,
        retryAttempts: 0,
        onNonLazyError: (error) => reject(error instanceof Error ? error : new Error(`socket closed before connection_ack: ${describe(error)}`)),
        on: { connected: () => resolve() },
      });
      this.clients.push(client);
    });
  }

  private subscribe(client: Client): void {
    let seen = false;
    const problem = (message: string) => {
      this.problems += 1;
      this.firstProblem ??= message;
    };
    const stop = client.subscribe<Received['data']>(
      { query: AUCTION_SUBSCRIPTION },
      {
        next: (result: Received) => {
          const at = performance.now();
          if (result.errors?.length) return problem(result.errors.map((e) => e.message).join('; '));
          const id = result.data?.auctionPublished?.auction.id;
          if (id === undefined) return problem('an event without auctionPublished.auction.id');
          if (!seen) {
            seen = true;
            this.live += 1;
          }
          const times = this.receipts.get(id);
          if (times) {
            times.push(at);
            this.receivedPairs += 1;
          }
        },
        error: (error) => {
          if (!this.closing) problem(`subscription failed: ${describe(error)}`);
        },
        complete: () => {
          // Completed by close(), or ended by the gateway: only the latter is a problem.
          if (!this.closing) problem('the gateway completed a subscription');
        },
      },
    );
    this.stops.push(stop);
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (Array.isArray(error)) return error.map((e: { message?: string }) => e.message ?? String(e)).join('; ');
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const { code, reason } = error as { code: number; reason?: string };
    return `socket closed with ${code}${reason ? ` ${reason}` : ''}`;
  }
  return String(error);
}
