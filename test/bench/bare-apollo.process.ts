import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import type { AuctionExtendedDto, BondoraEnvelope } from '../../src/upstream/bondora/bondora.dto.js';
import { toDateTime } from '../../src/graphql/value.mapper.js';
import { exitWithParent, reportReady } from './child.lifecycle.js';
import { auctionFields } from './direct.client.js';

// Bench child: the framework's ceiling. The same @apollo/server and Express 5 integration as the
// gateway with a hand-written SDL schema: no type-graphql, no context, no loaders, no gateway code.
// Its one resolver either returns a constant (BENCH_CONSTANT: the gateway's own answer to op 1, so
// both serialize a response of the same size), or, given BENCH_UPSTREAM, makes the single Bondora
// call op 1 needs with a plain fetch (same headers as the gateway), the floor of any gateway
// that calls an upstream per operation.

const constant = process.env.BENCH_CONSTANT ? (JSON.parse(process.env.BENCH_CONSTANT) as Record<string, unknown>) : undefined;
const upstream = process.env.BENCH_UPSTREAM ? (JSON.parse(process.env.BENCH_UPSTREAM) as { url: string; token: string }) : undefined;
if (!constant && !upstream) throw new Error('set BENCH_CONSTANT (the auction to answer) or BENCH_UPSTREAM (the Bondora simulator)');

// Decimal and DateTime values of the gateway are JSON strings, so String gives the same bytes.
const typeDefs = `#graphql
  type Query { auction(id: ID!): Auction }
  type Auction {
    id: ID!
    loanNumber: Int
    userName: String
    country: String
    rating: String
    interest: String
    appliedAmount: String
    remainingAmount: String
    loanDuration: Int
    plannedCloseDate: String
  }
`;

async function fetchAuction(id: string): Promise<Record<string, unknown> | null> {
  const response = await fetch(`${upstream!.url}/api/v1/auction/${encodeURIComponent(id)}`, {
    headers: { accept: 'application/json', 'accept-encoding': 'gzip', authorization: `Bearer ${upstream!.token}` },
    signal: AbortSignal.timeout(10_000),
  });
  if (response.status === 404) return null;
  const a = ((await response.json()) as BondoraEnvelope<AuctionExtendedDto>).Payload;
  if (!a) return null;
  // The gateway's own projection and date reading, so both servers answer with the same bytes.
  const fields = auctionFields(a);
  return {
    ...fields,
    interest: String(fields.interest),
    appliedAmount: String(fields.appliedAmount),
    remainingAmount: String(fields.remainingAmount),
    plannedCloseDate: toDateTime(fields.plannedCloseDate)?.toISOString() ?? null,
  };
}

const app = express();
app.disable('x-powered-by');
const httpServer = http.createServer(app);
const apollo = new ApolloServer({
  typeDefs,
  resolvers: { Query: { auction: (_: unknown, { id }: { id: string }) => constant ?? fetchAuction(id) } },
  stopOnTerminationSignals: false,
  plugins: [ApolloServerPluginDrainHttpServer({ httpServer }), ApolloServerPluginLandingPageDisabled()],
});
await apollo.start();
app.use('/graphql', express.json({ limit: '1mb' }), expressMiddleware(apollo));
await new Promise<void>((resolve, reject) => {
  httpServer.once('error', reject);
  httpServer.listen(0, '127.0.0.1', () => resolve());
});

exitWithParent(() => apollo.stop());
reportReady({ url: `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}` });
