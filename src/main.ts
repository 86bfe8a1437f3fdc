import 'reflect-metadata';
import { ConfigError, loadConfig } from './config.js';
import { startGateway } from './server/gateway.server.js';
import { jsonLogger } from './server/logger.js';
import { connectRedis, RedisLoginStateStore, RedisTokenStore } from './server/redis.stores.js';
import { startUpstreams } from './server/upstreams.start.js';

// `npm start`: the gateway, on real upstreams where configured and on the embedded simulators otherwise.

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = jsonLogger();
  const redis = config.redis.url ? await connectRedis(config.redis.url, (message) => logger.warn('redis', { message })) : undefined;
  const sharedState = redis && {
    loginStates: new RedisLoginStateStore(redis, config.redis.keyPrefix),
    tokens: new RedisTokenStore(redis, config.redis.keyPrefix),
  };
  const upstreams = await startUpstreams(config, config.host);
  const gateway = await startGateway(
    { upstreams: upstreams.settings, logger, introspection: config.introspection, graphiql: config.graphiql, sharedState },
    config.port,
    config.host,
  );

  const lines = [
    `GraphQL gateway   ${gateway.url}/graphql`,
    ...(config.graphiql ? [`GraphiQL          ${gateway.url}/graphql (open in a browser)`] : []),
    `Health            ${gateway.url}/healthz`,
    ...(upstreams.settings.bondora.oauth
      ? [`Bondora login     ${gateway.url}/auth/bondora/login (status: ${gateway.url}/auth/bondora/status)`]
      : []),
    `Bondora upstream  ${upstreams.simulated.bondora ? `${upstreams.simulated.bondora} (embedded simulator)` : upstreams.settings.bondora.url}`,
    `Bond upstream     ${upstreams.simulated.bond ? `${upstreams.simulated.bond} (embedded simulator)` : upstreams.settings.bond.url}`,
    ...Object.values(upstreams.simulated).map((url) => `Simulator control ${new URL(url).origin}/__sim/log, ${new URL(url).origin}/__sim/faults/<route>`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    await gateway.close();
    await upstreams.stop();
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
