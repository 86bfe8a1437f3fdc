import type { BondoraConnections } from '../auth/bondora.connections.js';
import { DEV_PERSONAS, type DevPersona } from '../auth/dev.personas.js';
import { startDevIssuer, type DevIssuer } from '../auth/dev.issuer.js';
import { createJwtVerifier, type JwtVerifier } from '../auth/jwt.verifier.js';

// The development identity provider of `npm start` on the embedded simulators: a key made at
// start-up, its JWKS on loopback, and a ready token per demo persona. The gateway verifies these
// tokens exactly as it verifies a real provider's, through the JWKS URL.

export interface DevAuth {
  issuer: DevIssuer;
  verifier: JwtVerifier;
  tokens: Array<{ persona: DevPersona; token: string }>;
  /** Connects each persona that has a simulated Bondora investor, through the simulator's OAuth flow. */
  connectInvestors(connections: BondoraConnections): Promise<void>;
  close(): Promise<void>;
}

export async function startDevAuth(customerId: string | undefined): Promise<DevAuth> {
  const issuer = await startDevIssuer();
  const verifier = createJwtVerifier({
    jwksUrl: issuer.jwksUrl,
    issuer: issuer.issuer,
    audience: issuer.audience,
    scopesClaim: 'scope',
    customerClaim: 'bond_customer_id',
  });
  const tokens = await Promise.all(
    DEV_PERSONAS.map(async (persona) => ({
      persona,
      token: await issuer.issue({
        sub: persona.sub,
        scopes: persona.scopes,
        ...(persona.isCustomer && customerId ? { customerId } : {}),
      }),
    })),
  );
  return {
    issuer,
    verifier,
    tokens,
    async connectInvestors(connections) {
      for (const persona of DEV_PERSONAS) {
        if (!persona.bondoraInvestor) continue;
        const { url } = await connections.authorize(persona.sub);
        // The simulator's consent page picks the investor by a query parameter; the redirect carries the code.
        const consent = new URL(url);
        consent.searchParams.set('investor', persona.bondoraInvestor);
        const response = await fetch(consent, { redirect: 'manual' });
        const back = new URL(response.headers.get('location') ?? '', consent);
        const state = back.searchParams.get('state');
        const code = back.searchParams.get('code');
        if (response.status !== 302 || !state || !code) throw new Error(`the simulator did not consent for ${persona.bondoraInvestor}`);
        const login = await connections.takeLogin(state);
        if (!login) throw new Error('the login state of a dev persona was lost');
        await connections.finish(login, code);
      }
    },
    close: () => issuer.close(),
  };
}
