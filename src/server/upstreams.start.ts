import type { Config } from '../config.js';
import { BondSimulator } from '../simulators/bond/bond.simulator.js';
import { BondoraSimulator } from '../simulators/bondora/bondora.simulator.js';
import type { UpstreamSettings } from './gateway.server.js';

export interface StartedUpstreams {
  settings: UpstreamSettings;
  /** URLs of the simulators this process started (empty when both upstreams are real). */
  simulated: { bondora?: string; bond?: string };
  stop(): Promise<void>;
}

/** Real upstreams where configured; the embedded simulators (on free ports) for the rest. */
export async function startUpstreams(config: Config, host = '127.0.0.1'): Promise<StartedUpstreams> {
  const stops: Array<() => Promise<void>> = [];
  const simulated: StartedUpstreams['simulated'] = {};

  let bondora = { url: config.bondora.url, accessToken: config.bondora.accessToken };
  if (!bondora.url) {
    const sim = new BondoraSimulator({ rateLimits: true });
    const url = await sim.start(0, host);
    stops.push(() => sim.stop());
    simulated.bondora = url;
    bondora = { url, accessToken: config.bondora.accessToken ?? BondoraSimulator.DEMO_TOKEN };
  }

  let bond = config.bond;
  if (!bond.url) {
    const sim = new BondSimulator();
    const url = await sim.start(0, host);
    stops.push(() => sim.stop());
    simulated.bond = url;
    bond = { url, identity: config.bond.identity ?? BondSimulator.DEMO_IDENTITY, apiKey: config.bond.apiKey ?? BondSimulator.DEMO_API_KEY };
  }

  return {
    settings: {
      bondora: { url: bondora.url!, accessToken: bondora.accessToken },
      bond: { url: bond.url!, identity: bond.identity!, apiKey: bond.apiKey! },
      timeoutMs: config.upstreamTimeoutMs,
    },
    simulated,
    stop: async () => {
      await Promise.all(stops.map((stop) => stop()));
    },
  };
}
