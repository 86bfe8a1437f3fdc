import { readFile } from 'node:fs/promises';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { SCHEMA_ARTIFACTS } from '../../src/server/schema.print.js';
import { WATCHLIST_SDL } from './watchlist.subgraph.js';

describe('schema/subgraph.graphql in a supergraph', () => {
  it('composes with a subgraph that extends Auction and CreditApplication, with no errors and no hints', async () => {
    const ours = await readFile(SCHEMA_ARTIFACTS[1]!.file, 'utf8');
    const result = composeServices([
      { name: 'gateway', url: 'http://gateway.invalid/graphql', typeDefs: parse(ours) },
      { name: 'watchlist', url: 'http://watchlist.invalid/graphql', typeDefs: parse(WATCHLIST_SDL) },
    ]);
    expect(result.errors?.map((e) => e.message) ?? []).toEqual([]);
    expect((result.hints ?? []).map((h) => `${h.definition.code}: ${h.message}`)).toEqual([]);
    const supergraph = result.supergraphSdl ?? '';
    expect(supergraph).toMatch(/type Auction\s+@join__type\(graph: GATEWAY, key: "id"\)\s+@join__type\(graph: WATCHLIST, key: "id"\)/);
    expect(supergraph).toContain('watchers: Int! @join__field(graph: WATCHLIST)');
    expect(supergraph).toContain('reviewFlags: [String!]! @join__field(graph: WATCHLIST)');
  });

  it('a broken subgraph SDL does not compose (the test can fail)', () => {
    const broken = WATCHLIST_SDL.replace('watchers: Int!', 'rating: Int!');
    return readFile(SCHEMA_ARTIFACTS[1]!.file, 'utf8').then((ours) => {
      const result = composeServices([
        { name: 'gateway', url: 'http://gateway.invalid/graphql', typeDefs: parse(ours) },
        { name: 'watchlist', url: 'http://watchlist.invalid/graphql', typeDefs: parse(broken) },
      ]);
      expect(result.errors?.length ?? 0).toBeGreaterThan(0);
    });
  });
});
