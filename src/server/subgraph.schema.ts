import { buildSubgraphSchema } from '@apollo/subgraph';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { lexicographicSortSchema, parse, type GraphQLSchema } from 'graphql';
import { createResolversMap } from 'type-graphql';
import { entityReferenceResolvers } from '../graphql/entity.reference.js';
import { gatewaySchema } from '../graphql/schema.js';

// The served schema is the type-graphql schema made a Federation 2 subgraph: the same types and
// resolvers plus _service and _entities, with @key on Auction, Bid and CreditApplication.

// v2.5 brings @authenticated and @requiresScopes: a router that enforces them agrees with the gateway's own guards.
export const FEDERATION_LINK =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key", "@authenticated", "@requiresScopes"])';

let subgraph: Promise<GraphQLSchema> | undefined;

export function subgraphSchema(): Promise<GraphQLSchema> {
  subgraph ??= (async () => {
    const schema = await gatewaySchema();
    // Sorted: type-graphql orders fields by the order its decorators ran, which is module load order,
    // so the published SDL would otherwise depend on which module happened to be imported first.
    const typeDefs = parse(`${FEDERATION_LINK}\n\n${printSchemaWithDirectives(lexicographicSortSchema(schema))}`);
    const resolvers = createResolversMap(schema) as Record<string, Record<string, unknown>>;
    for (const [typeName, resolveReference] of Object.entries(entityReferenceResolvers)) {
      resolvers[typeName] = { ...resolvers[typeName], __resolveReference: resolveReference };
    }
    return buildSubgraphSchema({ typeDefs, resolvers: resolvers as never });
  })();
  return subgraph;
}
