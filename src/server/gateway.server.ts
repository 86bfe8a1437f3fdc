import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import type { GatewayContext } from '../graphql/context.js';
import { createErrorFormatter } from '../graphql/error.mapper.js';
import { subgraphSchema } from './subgraph.schema.js';
import { createBondHttp } from '../upstream/bond/bond.client.js';
import { createBondoraHttp } from '../upstream/bondora/bondora.client.js';
import { createContextFactory } from './context.factory.js';
import { jsonErrorHandler } from './http.errors.js';
import type { Logger } from './logger.js';

/** Where the upstreams are and how to authenticate, after simulators (if any) have started. */
export interface UpstreamSettings {
  bondora: { url: string; accessToken: string | undefined };
  bond: { url: string; identity: string; apiKey: string };
  timeoutMs: number;
}

export interface GatewayOptions {
  upstreams: UpstreamSettings;
  logger: Logger;
  /** Introspection on (default true); production turns it off unless configured. */
  introspection?: boolean;
}

export interface Gateway {
  url: string;
  close(): Promise<void>;
}

export async function startGateway(options: GatewayOptions, port = 0, host = '127.0.0.1'): Promise<Gateway> {
  const { upstreams, logger } = options;
  const app = express();
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);

  const apollo = new ApolloServer<GatewayContext>({
    schema: await subgraphSchema(),
    introspection: options.introspection ?? true,
    includeStacktraceInErrorResponses: false,
    // main.ts owns shutdown (gateway, then simulators, then exit 0); Apollo's handler would re-raise the signal.
    stopOnTerminationSignals: false,
    formatError: createErrorFormatter({
      secrets: [upstreams.bondora.accessToken, upstreams.bond.identity, upstreams.bond.apiKey],
      logger,
    }),
    logger: {
      debug: () => {},
      info: (m: unknown) => logger.info(String(m)),
      warn: (m: unknown) => logger.warn(String(m)),
      error: (m: unknown) => logger.error(String(m)),
    },
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer }), ApolloServerPluginLandingPageDisabled()],
  });
  await apollo.start();

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo, {
      context: createContextFactory({
        bondoraHttp: createBondoraHttp({ baseUrl: upstreams.bondora.url, timeoutMs: upstreams.timeoutMs }),
        bondHttp: createBondHttp({ baseUrl: upstreams.bond.url, timeoutMs: upstreams.timeoutMs, ...upstreams.bond }),
        bondoraToken: upstreams.bondora.accessToken,
      }),
    }),
  );

  app.use(jsonErrorHandler(logger));

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(port, host, () => resolve());
  });
  const address = httpServer.address() as AddressInfo;
  return {
    url: `http://${host}:${address.port}`,
    close: () => apollo.stop(),
  };
}
