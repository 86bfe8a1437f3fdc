import type { CallerBondoraAccess } from '../auth/bondora.access.js';
import type { BondoraConnections } from '../auth/bondora.connections.js';
import type { Caller } from '../auth/caller.js';
import type { EventLog } from '../events/event.log.js';
import type { BondLoaders } from '../loaders/bond.loaders.js';
import type { BondoraAccountLoaders } from '../loaders/bondora.account.loaders.js';
import type { BondoraLoaders } from '../loaders/bondora.loaders.js';
import type { BondClient } from '../upstream/bond/bond.client.js';
import type { BondoraClient } from '../upstream/bondora/bondora.client.js';

/** Everything one GraphQL operation works with; built fresh per request so nothing leaks across callers. */
export interface GatewayContext {
  /** Who is calling: every guard and ownership check reads this. */
  caller: Caller;
  bondora: BondoraClient;
  bond: BondClient;
  bondoraLoaders: BondoraLoaders;
  bondLoaders: BondLoaders;
  /** The investor's loan parts and secondary-market items, through Bondora's bulk /list endpoints. */
  accountLoaders: BondoraAccountLoaders;
  /** Which Bondora credential this request acts with (decided on first use). */
  bondoraAccess: CallerBondoraAccess;
  /** Per-caller Bondora OAuth connections; undefined when no Bondora application is configured. */
  bondoraConnections: BondoraConnections | undefined;
  /** Where connectBondora may send the browser back when the login is done (AUTH_RETURN_URLS). */
  returnUrls: readonly string[];
  /** The webhook event log subscriptions read; undefined where subscriptions are not served. */
  events?: EventLog;
  /** Events a subscriber may fall behind before its subscription is ended as too slow. */
  subscriberQueueLimit?: number;
  /**
   * A subscription's context lives as long as the subscription: before each event is resolved,
   * this gives it fresh loaders and a fresh wait budget, so no event sees another's cached data.
   */
  renew?: () => void;
}
