import { loadConfig } from '../config.js';
import { BondSimulator } from './bond/bond.simulator.js';
import { BondoraSimulator } from './bondora/bondora.simulator.js';

// `npm run simulators`: both fake upstreams alone, on fixed ports, for frontend work without the gateway.
// Loopback only, whatever HOST says: the control API hands out every credential the simulators were sent.

const config = loadConfig();
const bondora = new BondoraSimulator({ rateLimits: true });
const bond = new BondSimulator({ rateLimit: 1000 });
const bondoraUrl = await bondora.start(config.simulatorPorts.bondora, '127.0.0.1');
const bondUrl = await bond.start(config.simulatorPorts.bond, '127.0.0.1');

process.stdout.write(
  [
    `Bondora API simulator  ${bondoraUrl}/api/v1/auctions`,
    `  Authorization: Bearer ${BondoraSimulator.DEMO_TOKEN}`,
    `Bond API simulator     ${bondUrl}/credit/applications`,
    `  Identity: ${BondSimulator.DEMO_IDENTITY}`,
    `  Authorization: ${BondSimulator.DEMO_API_KEY}`,
    `Control API            ${bondoraUrl}/__sim/log, ${bondoraUrl}/__sim/faults/<route> (same on the Bond origin)`,
    `Webhooks               PUT ${bondoraUrl}/__sim/webhook {url,keyId,secretBase64}, POST ${bondoraUrl}/__sim/publish-auction`,
    `                       POST ${bondUrl.replace(/\/api\/v0\.1$/, '')}/__sim/webhooks {url,events} -> {webhook_id,secret}`,
    '',
  ].join('\n'),
);

const stop = async () => {
  await Promise.all([bondora.stop(), bond.stop()]);
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
