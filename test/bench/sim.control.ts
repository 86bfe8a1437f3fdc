import type { Fault } from '../../src/simulators/sim.router.js';

// Client of the simulators' control API (src/simulators/sim.router.ts), used from the load
// process: inject a fixed latency on every route, and read or clear the request log.

export interface SimLogEntry {
  /** When the request arrived, epoch ms (before any injected latency). */
  at: number;
  method: string;
  route: string;
  path: string;
  query: string;
  status: number;
  headers: Record<string, string | string[] | undefined>;
}

export class SimControl {
  /** @param origin e.g. http://127.0.0.1:PORT (not the API base path) */
  constructor(
    readonly name: string,
    private readonly origin: string,
  ) {}

  /** Every route answers after `latencyMs` (0 removes all faults). */
  async setLatency(latencyMs: number): Promise<void> {
    await this.call('DELETE', '/__sim/faults');
    if (latencyMs > 0) await this.call('PUT', '/__sim/faults/*', { latencyMs });
  }

  /** A fault on one route (or `*`), as the simulators' control API takes it. */
  async setFault(route: string, fault: Fault): Promise<void> {
    await this.call('PUT', `/__sim/faults/${encodeURIComponent(route)}`, fault);
  }

  async clearLog(): Promise<void> {
    await this.call('DELETE', '/__sim/log');
  }

  async log(): Promise<SimLogEntry[]> {
    return (await this.call('GET', '/__sim/log')) as SimLogEntry[];
  }

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(this.origin + path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) throw new Error(`${this.name} control ${method} ${path}: HTTP ${response.status} ${await response.text()}`);
    return response.json();
  }
}

/** "GET auction.get" style label of a logged call, for reports. */
export function describeCall(entry: SimLogEntry): string {
  return `${entry.method} ${entry.path}${entry.query ? `?${entry.query}` : ''} -> ${entry.status}`;
}

/** Calls in `actual` that `expected` lacks, matching method, path and query (parameter order and name case ignored). */
export function callsBeyond(actual: readonly SimLogEntry[], expected: readonly SimLogEntry[]): SimLogEntry[] {
  const key = (e: SimLogEntry) => {
    const query = [...new URLSearchParams(e.query)].map(([k, v]) => `${k.toLowerCase()}=${v}`).sort();
    return `${e.method} ${e.path.toLowerCase()}?${query.join('&')}`;
  };
  const left = new Map<string, number>();
  for (const e of expected) left.set(key(e), (left.get(key(e)) ?? 0) + 1);
  return actual.filter((e) => {
    const n = left.get(key(e)) ?? 0;
    if (n > 0) left.set(key(e), n - 1);
    return n === 0;
  });
}

/**
 * How `actual` differs from `expected`: each call `expected` lacks either stands in for one of
 * `expected`'s calls to the same method and path that `actual` lacks (other query: e.g. a larger
 * page), or comes on top of them.
 */
export function callDifferences(
  actual: readonly SimLogEntry[],
  expected: readonly SimLogEntry[],
): { beyond: SimLogEntry[]; inPlaceOf: Array<{ actual: SimLogEntry; expected: SimLogEntry }> } {
  const route = (e: SimLogEntry) => `${e.method} ${e.path.toLowerCase()}`;
  const missing = callsBeyond(expected, actual);
  const beyond: SimLogEntry[] = [];
  const inPlaceOf: Array<{ actual: SimLogEntry; expected: SimLogEntry }> = [];
  for (const call of callsBeyond(actual, expected)) {
    const i = missing.findIndex((e) => route(e) === route(call));
    if (i < 0) beyond.push(call);
    else inPlaceOf.push({ actual: call, expected: missing.splice(i, 1)[0]! });
  }
  return { beyond, inPlaceOf };
}
