import type { Fault } from '../../src/simulators/sim.router.js';

/**
 * One fault per upstream route, each hitting `rate` of that route's calls: every fault kind the
 * gateway must survive is in the mix. Latency faults stay under the gateway's timeout except one.
 */
export function faultMix(rate: number): Array<{ origin: 'bondora' | 'bond'; route: string; fault: Fault }> {
  return [
    { origin: 'bondora', route: 'auctions.list', fault: { status: 503, probability: rate } },
    { origin: 'bondora', route: 'auction.get', fault: { status: 500, probability: rate } },
    { origin: 'bondora', route: 'bids.list', fault: { malformed: true, probability: rate } },
    { origin: 'bondora', route: 'bid.get', fault: { reset: true, probability: rate } },
    { origin: 'bond', route: 'applications.list', fault: { truncatedGzip: true, probability: rate } },
    { origin: 'bond', route: 'application.get', fault: { status: 429, retryAfterSeconds: 30, probability: rate } },
    { origin: 'bond', route: 'application.update', fault: { reset: true, probability: rate } },
  ];
}
