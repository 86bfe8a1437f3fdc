import { BondSimulator } from '../../src/simulators/bond/bond.simulator.js';
import { BondoraSimulator } from '../../src/simulators/bondora/bondora.simulator.js';
import { exitWithParent, reportReady } from '../bench/child.lifecycle.js';

// Load child for `npm run load -- --replicas N`: both simulators on free loopback ports with the
// documented limits on (Bondora per token and endpoint, Bond 1000 a minute per key), so every 429
// in their request logs is a limit the fleet overran. The ids the load needs come from the seed
// directly: fetching them over HTTP would spend the budget the gateways believe is theirs.

const bondora = new BondoraSimulator({ rateLimits: true });
const bond = new BondSimulator({ rateLimit: 1000 });
const [bondoraUrl, bondUrl] = await Promise.all([bondora.start(0, '127.0.0.1'), bond.start(0, '127.0.0.1')]);
const applications = bond.applications;

exitWithParent(async () => {
  await Promise.all([bondora.stop(), bond.stop()]);
});
reportReady({
  bondora: { url: bondoraUrl, token: BondoraSimulator.DEMO_TOKEN },
  bond: { url: bondUrl, origin: new URL(bondUrl).origin, identity: BondSimulator.DEMO_IDENTITY, apiKey: BondSimulator.DEMO_API_KEY },
  ids: {
    auctions: bondora.activeAuctions.slice(0, 100).map((a) => a.AuctionId),
    applications: applications.slice(0, 50).map((a) => a.application_id),
    updatable: (applications.find((a) => a.application_status === 'created') ?? applications[0]!).application_id,
  },
});
