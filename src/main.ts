import 'reflect-metadata';
import { createHmac } from 'node:crypto';
import { createJwtVerifier } from './auth/jwt.verifier.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import type { CallerAuthentication } from './server/caller.middleware.js';
import { startDevAuth, type DevAuth } from './server/dev.auth.js';
import { startGateway } from './server/gateway.server.js';
import { graphiqlHeaders } from './server/graphiql.examples.js';
import { jsonLogger } from './server/logger.js';
import { trustedDocumentsOf } from './server/trusted-documents.manifest.js';
import { startUpstreams } from './server/upstreams.start.js';
import { MemoryEventLog } from './events/event.log.js';

// `npm start`: the gateway, on real upstreams where configured and on the embedded simulators otherwise.

function readConfig(): Config {
  return orExit(() => loadConfig());
}

/** Configuration and the files it names, read before anything starts: a problem exits 2, naming the variable. */
function orExit<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}

async function main(): Promise<void> {
  const config = readConfig();
  const trustedDocuments = orExit(() => trustedDocumentsOf(config.frontends));
  const logger = jsonLogger(process.stderr, config.observability.logLevel);
  // With REDIS_URL, what the replicas share; the Redis modules load only then.
  const fleet = config.redis.url ? await (await import('./server/redis.fleet.js')).connectFleet(config, logger) : undefined;
  const events = fleet?.events ?? new MemoryEventLog(config.webhooks.eventLogSize);
  const upstreams = await startUpstreams(config);
  // Receivers read this on every delivery, so the simulators' fresh secrets can join once the gateway listens.
  const webhooks = { ...config.webhooks, bondoraKeys: { ...config.webhooks.bondoraKeys }, bondSecrets: [...config.webhooks.bondSecrets] };

  let dev: DevAuth | undefined;
  let auth: CallerAuthentication;
  if (config.auth.mode === 'disabled') auth = { mode: 'disabled' };
  else if (config.auth.mode === 'dev') {
    dev = await startDevAuth(upstreams.demoCustomerId);
    auth = { mode: 'jwt', verifier: dev.verifier };
  } else {
    auth = {
      mode: 'jwt',
      verifier: createJwtVerifier({
        jwksUrl: config.auth.jwksUrl,
        publicKeyPem: config.auth.publicKeyPem,
        issuer: config.auth.issuer!,
        audience: config.auth.audience!,
        scopesClaim: config.auth.scopesClaim,
        customerClaim: config.auth.customerClaim,
      }),
    };
  }

  const operatorToken = dev?.tokens.find((t) => t.persona.sub === 'dev-operator')?.token;
  const gateway = await startGateway(
    {
      upstreams: upstreams.settings,
      logger,
      auth,
      callers: config.callers,
      returnUrls: config.auth.returnUrls,
      production: config.production,
      federationTraces: config.federationTraces,
      introspection: config.introspection,
      graphiql: config.graphiql,
      graphiqlHeaders: graphiqlHeaders(operatorToken),
      frontends: config.frontends,
      trustedDocuments,
      apqCache: fleet?.apqCache,
      sharedState: fleet?.sharedState,
      // Replicas that share TOKEN_ENCRYPTION_KEY name a caller alike in their access lines.
      callerPseudonymKey: config.tokenEncryptionKey ? createHmac('sha256', config.tokenEncryptionKey).update('access-log caller pseudonyms').digest() : undefined,
      // While Redis is away this replica still serves, on its own share: /readyz says degraded and why.
      readiness: fleet ? [fleet.health] : [],
      events,
      webhooks,
      metricsToken: config.observability.metricsToken,
      tracing: config.observability.tracing,
    },
    config.port,
    config.host,
  );
  if (dev && gateway.bondoraConnections && upstreams.simulated.bondora) await dev.connectInvestors(gateway.bondoraConnections);
  await upstreams.wireWebhooks(gateway.url, webhooks);

  const lines = [
    `GraphQL gateway   ${gateway.url}/graphql`,
    ...(config.graphiql ? [`GraphiQL          ${gateway.url}/graphql (open in a browser${operatorToken ? "; it sends the operator's token" : ''})`] : []),
    `Health            ${gateway.url}/healthz (alive), ${gateway.url}/readyz (ready: upstreams${config.redis.url ? ', Redis' : ''})`,
    `Metrics           ${gateway.url}/metrics (Prometheus${config.observability.metricsToken ? '; send METRICS_TOKEN as a bearer token' : ''})`,
    ...(config.observability.tracing ? [`Traces            OTLP/HTTP to ${new URL(config.observability.tracing.url).origin} as ${config.observability.tracing.serviceName}`] : []),
    `Subscriptions     ${gateway.url.replace(/^http/, 'ws')}/graphql (graphql-ws)`,
    `Webhooks          ${gateway.url}/webhooks/bondora, ${gateway.url}/webhooks/bond${Object.keys(upstreams.simulated).length ? ' (the embedded simulators deliver here)' : ''}`,
    ...(gateway.bondoraConnections ? [`Bondora callback  ${gateway.url}/auth/bondora/callback (start with the connectBondora mutation)`] : []),
    `Bondora upstream  ${upstreams.simulated.bondora ? `${upstreams.simulated.bondora} (embedded simulator)` : upstreams.settings.bondora.url}`,
    `Bond upstream     ${upstreams.simulated.bond ? `${upstreams.simulated.bond} (embedded simulator)` : upstreams.settings.bond.url}`,
    ...Object.values(upstreams.simulated).map((url) => `Simulator control ${new URL(url).origin}/__sim/log, ${new URL(url).origin}/__sim/faults/<route>`),
    `Callers           ${config.auth.mode === 'disabled' ? 'AUTH_DISABLED: every caller is an operator' : config.auth.mode === 'dev' ? `development issuer ${dev!.issuer.issuer} (JWKS ${dev!.issuer.jwksUrl})` : `JWTs from ${config.auth.issuer}`}`,
    ...(trustedDocuments
      ? [`Trusted documents ${trustedDocuments.manifest.size} operations from ${config.frontends.trustedDocuments}${trustedDocuments.only ? ' (TRUSTED_DOCUMENTS_ONLY: nothing else runs without operations:adhoc)' : ''}`]
      : []),
    ...(dev
      ? [
          '',
          'Demo tokens (valid 12 h; send as "Authorization: Bearer <token>"):',
          ...dev.tokens.flatMap(({ persona, token }) => [`  ${persona.sub}: ${persona.title}`, `    ${token}`]),
        ]
      : []),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    await gateway.close();
    await upstreams.stop();
    await dev?.close();
    if (fleet) await fleet.close();
    else await events.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`Failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
