import { randomBytes } from 'node:crypto';
import type { BondoraOAuthConfig, Config } from '../config.js';
import type { BondoraOAuthSettings } from './bondora.oauth.routes.js';
import type { BondSimulator } from '../simulators/bond/bond.simulator.js';
import type { BondoraSimulator } from '../simulators/bondora/bondora.simulator.js';
import type { UpstreamSettings } from './gateway.server.js';

export interface StartedUpstreams {
  settings: UpstreamSettings;
  /** URLs of the simulators this process started (empty when both upstreams are real). */
  simulated: { bondora?: string; bond?: string };
  /** A seeded Bond customer who owns applications, for the dev issuer's customer persona (simulated Bond only). */
  demoCustomerId: string | undefined;
  /**
   * Points the simulators' webhooks at the gateway's receivers with fresh secrets, adding those to
   * `webhooks` (which the receivers read on every delivery), as a user registers them with the real APIs.
   */
  wireWebhooks(gatewayUrl: string, webhooks: { bondoraKeys: Record<string, string>; bondSecrets: string[] }): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Real upstreams where configured; the embedded simulators (on free ports) for the rest. Simulators
 * listen on loopback only, whatever HOST says: their control API hands out what they were sent.
 * A simulator's code loads only when it starts, so a gateway on real upstreams never carries it.
 */
export async function startUpstreams(config: Config): Promise<StartedUpstreams> {
  const host = '127.0.0.1';
  const stops: Array<() => Promise<void>> = [];
  const simulated: StartedUpstreams['simulated'] = {};

  let bondora = { url: config.bondora.url, accessToken: config.bondora.accessToken };
  let bondoraSim: BondoraSimulator | undefined;
  let bondSim: BondSimulator | undefined;
  const bondoraSettings = {
    rateLimits: config.bondora.rateLimits,
    listCacheTtlMs: config.bondora.listCacheTtlMs,
    closedAuctionTtlMs: config.bondora.closedAuctionTtlMs,
    entityCacheTtlMs: config.bondora.entityCacheTtlMs,
  };
  let oauth = bondoraOAuthSettings(config.bondora.oauth, 'https://app.bondora.com/oauth/authorize');
  if (!bondora.url) {
    const { BondoraSimulator } = await import('../simulators/bondora/bondora.simulator.js');
    const sim = new BondoraSimulator({ rateLimits: true, publishEveryMs: config.simulatorPublishMs || undefined });
    bondoraSim = sim;
    const url = await sim.start(0, host);
    stops.push(() => sim.stop());
    simulated.bondora = url;
    bondora = { url, accessToken: config.bondora.accessToken ?? BondoraSimulator.DEMO_TOKEN };
    // The simulator's registered demo application makes /auth/bondora/login work out of the box.
    oauth = bondoraOAuthSettings(
      {
        ...config.bondora.oauth,
        clientId: config.bondora.oauth.clientId ?? BondoraSimulator.DEMO_CLIENT_ID,
        clientSecret: config.bondora.oauth.clientSecret ?? BondoraSimulator.DEMO_CLIENT_SECRET,
      },
      `${url}/oauth/authorize`,
    );
  }

  let bond = config.bond;
  let demoCustomerId: string | undefined;
  if (!bond.url) {
    const { BondSimulator } = await import('../simulators/bond/bond.simulator.js');
    const sim = new BondSimulator({ rateLimit: 1000 });
    bondSim = sim;
    const url = await sim.start(0, host);
    stops.push(() => sim.stop());
    simulated.bond = url;
    demoCustomerId = sim.customers.find((c) => sim.applications.some((a) => a.applicant.customer_id === c.customer_id))?.customer_id;
    bond = { ...config.bond, url, identity: config.bond.identity ?? BondSimulator.DEMO_IDENTITY, apiKey: config.bond.apiKey ?? BondSimulator.DEMO_API_KEY };
  }

  return {
    settings: {
      bondora: { url: bondora.url!, accessToken: bondora.accessToken, ...bondoraSettings, ...(oauth ? { oauth } : {}) },
      bond: {
        url: bond.url!,
        identity: bond.identity!,
        apiKey: bond.apiKey!,
        rateLimits: config.bond.rateLimits,
        entityCacheTtlMs: config.bond.entityCacheTtlMs,
      },
      timeoutMs: config.upstreamTimeoutMs,
      rateLimitWaitMs: config.rateLimitWaitMs,
    },
    simulated,
    demoCustomerId,
    wireWebhooks: async (gatewayUrl, webhooks) => wireSimulatedWebhooks({ bondora: bondoraSim, bond: bondSim }, gatewayUrl, webhooks),
    stop: async () => {
      await Promise.all(stops.map((stop) => stop()));
    },
  };
}

/**
 * Registers the gateway's receivers with the simulators, as a user registers them with Bondora (its
 * web UI) and Bond (POST /webhooks): a fresh Bondora signing key and a fresh Bond subscription
 * secret, each added to `webhooks`, which the receivers read on every delivery.
 */
export async function wireSimulatedWebhooks(
  simulators: { bondora?: BondoraSimulator; bond?: BondSimulator },
  gatewayUrl: string,
  webhooks: { bondoraKeys: Record<string, string>; bondSecrets: string[] },
): Promise<void> {
  if (simulators.bondora) {
    const keyId = `gateway-${randomBytes(4).toString('hex')}`;
    const secretBase64 = randomBytes(32).toString('base64');
    webhooks.bondoraKeys[keyId] = secretBase64;
    simulators.bondora.configureWebhook({ url: `${gatewayUrl}/webhooks/bondora`, keyId, secretBase64 });
  }
  if (simulators.bond) {
    const { secret } = simulators.bond.subscribeWebhook(`${gatewayUrl}/webhooks/bond`, ['credit.application.*']);
    webhooks.bondSecrets.push(secret);
  }
}

/** OAuth settings when a client is configured (or simulated); none otherwise. */
function bondoraOAuthSettings(config: BondoraOAuthConfig, defaultAuthorizeUrl: string): BondoraOAuthSettings | undefined {
  if (!config.clientId || !config.clientSecret) return undefined;
  return {
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    authorizeUrl: config.authorizeUrl ?? defaultAuthorizeUrl,
    redirectUri: config.redirectUri,
    scopes: config.scopes,
    refreshToken: config.refreshToken,
  };
}
