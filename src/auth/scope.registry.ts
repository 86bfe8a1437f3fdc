// The one registry of caller scopes: every guard, the subgraph's @requiresScopes, the dev issuer's
// personas and the README's table take their names from here.

export const SCOPES = {
  'auctions:read': 'read active and closed auctions',
  'bids:read': "read the investor's bids (and each auction's myBids)",
  'bids:write': 'place and cancel bids',
  'applications:read': 'read credit applications (only the caller’s own customer unless applications:all)',
  'applications:write': 'update, create and submit credit applications (same ownership rule)',
  'applications:all': "every customer's applications, not just the caller's own (operators)",
  'pii:read': "another customer's personal data: date of birth, address, email",
  'bondora:shared': "use the gateway's own Bondora token when the caller has no Bondora connection",
  'investments:read': "the investor's account, loan parts and own secondary-market items",
  'market:trade': 'buy, sell and cancel on the secondary market',
  'operations:adhoc': 'run operations that are not in the trusted-documents manifest (operators, GraphiQL) when TRUSTED_DOCUMENTS_ONLY is on',
} as const;

export type Scope = keyof typeof SCOPES;

export const ALL_SCOPES = Object.keys(SCOPES) as Scope[];

export function isScope(value: string): value is Scope {
  return Object.prototype.hasOwnProperty.call(SCOPES, value);
}
