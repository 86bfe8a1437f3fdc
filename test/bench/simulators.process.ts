import { BondSimulator } from '../../src/simulators/bond/bond.simulator.js';
import { BondoraSimulator } from '../../src/simulators/bondora/bondora.simulator.js';
import { exitWithParent, reportReady } from './child.lifecycle.js';

// Bench child: both simulators on free loopback ports, rate limits off. Latency is injected and
// calls are counted through each origin's /__sim control API, from the load process.

/** Extra Bondora investors: distinct credentials keep concurrent identical calls apart. */
const investorTokens = Array.from({ length: 32 }, (_, i) => `bench-investor-token-${String(i).padStart(4, '0')}`);

const bondora = new BondoraSimulator({ rateLimits: false, tokens: investorTokens });
const bond = new BondSimulator({ rateLimit: false });
const [bondoraUrl, bondUrl] = await Promise.all([bondora.start(0, '127.0.0.1'), bond.start(0, '127.0.0.1')]);

// Each extra investor bids on the auctions of the demo investor's 50 newest bids (active and
// closed alike), so op 3 can rotate investors and still ask for the same mix of auctions.
const demoBids = bondora.bidsOf(BondoraSimulator.DEMO_TOKEN).slice(0, 50);
for (const token of investorTokens) {
  const response = await fetch(`${bondoraUrl}/api/v1/bid`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ Bids: demoBids.map((b) => ({ AuctionId: b.AuctionId, Amount: b.RequestedBidAmount })) }),
  });
  if (response.status !== 202) throw new Error(`seeding bids for ${token}: HTTP ${response.status} ${await response.text()}`);
}
bondora.router.clearLog();

exitWithParent(async () => {
  await Promise.all([bondora.stop(), bond.stop()]);
});
reportReady({
  bondora: { url: bondoraUrl, token: BondoraSimulator.DEMO_TOKEN, investorTokens },
  bond: { url: bondUrl, origin: new URL(bondUrl).origin, identity: BondSimulator.DEMO_IDENTITY, apiKey: BondSimulator.DEMO_API_KEY },
});
