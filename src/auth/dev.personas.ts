import { ALL_SCOPES, type Scope } from './scope.registry.js';

// The demo callers `npm start` prints tokens for on the embedded simulators, one per kind of user
// the gateway serves. Their subjects are stable so a Bondora connection made for one survives a
// new token.

export interface DevPersona {
  readonly sub: string;
  readonly title: string;
  readonly scopes: readonly Scope[];
  /** Takes the id of a seeded Bond customer who owns applications. */
  readonly isCustomer?: boolean;
  /** Connected at start-up to this simulated Bondora investor (its authorize page's id). */
  readonly bondoraInvestor?: string;
}

export const DEV_PERSONAS: readonly DevPersona[] = [
  { sub: 'dev-operator', title: 'operator (every scope; the gateway token for Bondora)', scopes: ALL_SCOPES },
  {
    sub: 'dev-customer',
    title: "customer (their own credit applications)",
    scopes: ['applications:read', 'applications:write'],
    isCustomer: true,
  },
  {
    sub: 'dev-investor',
    title: 'investor (their own Bondora connection)',
    scopes: ['auctions:read', 'bids:read', 'bids:write', 'investments:read', 'market:trade'],
    bondoraInvestor: 'second-investor',
  },
];
