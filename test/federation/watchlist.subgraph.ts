import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import express from 'express';
import { parse } from 'graphql';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

// A second, independent subgraph used as a fixture: it extends Auction and CreditApplication by
// key with fields of its own, and lists entity ids it wants the gateway to resolve through us.

export const WATCHLIST_SDL = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

type Query {
  "Auction ids on the watchlist; the supergraph resolves their fields through the gateway subgraph."
  watchedAuctions: [Auction!]!
  watchedApplications: [CreditApplication!]!
}

type Auction @key(fields: "id") {
  id: ID!
  watchers: Int!
  note: String
}

type CreditApplication @key(fields: "id") {
  id: ID!
  reviewFlags: [String!]!
}
`;

export interface WatchlistSubgraph {
  url: string;
  setWatchedAuctions(ids: string[]): void;
  setWatchedApplications(ids: string[]): void;
  close(): Promise<void>;
}

const watchersOf = (id: string) => (parseInt(id.slice(0, 4), 16) % 97) + 1;

export async function startWatchlistSubgraph(): Promise<WatchlistSubgraph> {
  let auctions: string[] = [];
  let applications: string[] = [];
  const schema = buildSubgraphSchema({
    typeDefs: parse(WATCHLIST_SDL),
    resolvers: {
      Query: {
        watchedAuctions: () => auctions.map((id) => ({ id })),
        watchedApplications: () => applications.map((id) => ({ id })),
      },
      Auction: {
        __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
        watchers: (a: { id: string }) => watchersOf(a.id),
        note: (a: { id: string }) => `watching ${a.id.slice(0, 8)}`,
      },
      CreditApplication: {
        __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
        reviewFlags: (a: { id: string }) => (a.id.endsWith('1') ? ['manual-review'] : []),
      },
    } as never,
  });
  const server = new ApolloServer({ schema, plugins: [ApolloServerPluginInlineTraceDisabled()] });
  await server.start();
  const app = express();
  app.use('/graphql', express.json(), expressMiddleware(server));
  const httpServer = http.createServer(app);
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = httpServer.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    setWatchedAuctions: (ids) => (auctions = ids),
    setWatchedApplications: (ids) => (applications = ids),
    close: async () => {
      await server.stop();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}

export { watchersOf };
