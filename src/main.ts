import 'reflect-metadata';
import { createHmac } from 'node:crypto';
import { TokenCipher } from './auth/token.cipher.js';
import { createJwtVerifier } from './auth/jwt.verifier.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import type { CallerAuthentication } from './server/caller.middleware.js';
import { startDevAuth, type DevAuth } from './server/dev.auth.js';
import { startGateway } from './server/gateway.server.js';
import { graphiqlHeaders } from './server/graphiql.examples.js';
import { jsonLogger } from './server/logger.js';
import { connectRedis, RedisConnectionStore, RedisLoginStateStore, RedisResponseStore, RedisTokenStore } from './server/redis.stores.js';
import { RedisKeyValueCache } from './server/redis.apq.cache.js';
import { RedisBudgetStore } from './server/redis.budgets.js';
import { RedisFlights } from './server/redis.flights.js';
import { RedisHealth } from './server/redis.health.js';
import { trustedDocumentsOf } from './server/trusted-documents.manifest.js';
import { startUpstreams } from './server/upstreams.start.js';
import { MemoryEventLog } from './events/event.log.js';
import { RedisEventLog } from './events/redis.event.log.js';

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
  const redis = config.redis.url ? await connectRedis(config.redis.url, (message) => logger.warn('redis', { error: message }), true) : undefined;
  const redisHealth = redis && new RedisHealth(redis, config.redis.fleetSize);
  const cipher = config.tokenEncryptionKey ? TokenCipher.fromBase64Key(config.tokenEncryptionKey) : undefined;
  const prefix = config.redis.keyPrefix;
  const flights = redis && cipher && redisHealth && new RedisFlights(redis, redis.duplicate(), prefix, cipher, redisHealth);
  await flights?.start();
  const sharedState = redis &&
    cipher &&
    redisHealth && {
      loginStates: new RedisLoginStateStore(redis, prefix),
      connections: new RedisConnectionStore(redis, prefix, cipher),
      tokens: new RedisTokenStore(redis, prefix, cipher),
      responses: new RedisResponseStore(redis, prefix, cipher, redisHealth),
      flights,
      budgets: new RedisBudgetStore(redis, prefix, redisHealth),
      fleetSize: config.redis.fleetSize,
    };
  // With Redis every replica shares one event log; its live reader needs a connection of its own.
  const events = redis
    ? new RedisEventLog(redis, await connectRedis(config.redis.url!), config.redis.keyPrefix, { size: config.webhooks.eventLogSize })
    : new MemoryEventLog(config.webhooks.eventLogSize);
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
      // One APQ registration serves every replica.
      apqCache: redis && new RedisKeyValueCache(redis, `${config.redis.keyPrefix}cache:`),
      sharedState,
      // Replicas that share TOKEN_ENCRYPTION_KEY name a caller alike in their access lines.
      callerPseudonymKey: config.tokenEncryptionKey ? createHmac('sha256', config.tokenEncryptionKey).update('access-log caller pseudonyms').digest() : undefined,
      // While Redis is away this replica still serves, on its own share: /readyz says degraded and why.
      readiness: redisHealth ? [redisHealth] : [],
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
    await events.close();
    flights?.close();
    await redis?.quit();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`Failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
