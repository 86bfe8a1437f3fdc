import autocannon from 'autocannon';

// Maximum throughput with autocannon (closed loop: each connection sends its next request as soon
// as the previous answer arrives). The body of each request comes from `body(n)`, n counting all
// requests of the run, so consecutive requests can differ. An answer with "errors" is a mismatch.

export interface ThroughputOptions {
  /** e.g. http://127.0.0.1:PORT/graphql */
  endpoint: string;
  body(n: number): string;
  connections: number;
  durationS: number;
}

export interface ThroughputResult {
  /** Successful answers per second. */
  rps: number;
  ok: number;
  failed: number;
  /** Mean latency reported by autocannon, ms. */
  latencyMeanMs: number;
  /** Median latency reported by autocannon, ms (whole milliseconds). */
  latencyP50Ms: number;
}

export function measureThroughput(options: ThroughputOptions): Promise<ThroughputResult> {
  const url = new URL(options.endpoint);
  let n = 0;
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: url.origin,
        connections: options.connections,
        duration: options.durationS,
        timeout: 10,
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        requests: [
          {
            method: 'POST',
            path: url.pathname,
            setupRequest: (request) => ({ ...request, body: options.body(n++) }),
          },
        ],
        verifyBody: (body) => !body.includes('"errors"'),
      },
      (error, result) => {
        if (error) return reject(error);
        const failed = result.errors + result.non2xx + result.mismatches;
        const ok = Math.max(0, result['2xx'] - result.mismatches);
        resolve({ rps: ok / result.duration, ok, failed, latencyMeanMs: result.latency.mean, latencyP50Ms: result.latency.p50 });
      },
    );
  });
}
