import type { BondLoaders } from '../loaders/bond.loaders.js';
import type { BondoraLoaders } from '../loaders/bondora.loaders.js';
import type { BondClient } from '../upstream/bond/bond.client.js';
import type { BondoraClient } from '../upstream/bondora/bondora.client.js';

/** Everything one GraphQL operation works with; built fresh per request so nothing leaks across callers. */
export interface GatewayContext {
  bondora: BondoraClient;
  bond: BondClient;
  bondoraLoaders: BondoraLoaders;
  bondLoaders: BondLoaders;
}
