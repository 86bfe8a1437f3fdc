import 'reflect-metadata';
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { printSubgraphSchema } from '@apollo/subgraph';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { gatewaySchema } from '../graphql/schema.js';
import { subgraphSchema } from './subgraph.schema.js';

// `npm run schema` writes the committed SDL files; `npm run schema:check` fails when one is stale.
//   schema/schema.graphql    the client-facing schema, for frontends and codegen
//   schema/subgraph.graphql  the Federation 2 subgraph SDL (@link, @key), as `rover subgraph publish` takes it

export interface SchemaArtifact {
  file: string;
  print(): Promise<string>;
}

const schemaDir = new URL('../../schema/', import.meta.url);

export const SCHEMA_ARTIFACTS: SchemaArtifact[] = [
  {
    file: fileURLToPath(new URL('schema.graphql', schemaDir)),
    print: async () => `${printSchema(lexicographicSortSchema(await gatewaySchema()))}\n`,
  },
  {
    file: fileURLToPath(new URL('subgraph.graphql', schemaDir)),
    print: async () => `${printSubgraphSchema(await subgraphSchema()).trimEnd()}\n`,
  },
];

/** The difference between a committed file and the code's output, or undefined when they match. */
export function schemaDrift(committed: string, current: string): string | undefined {
  if (committed === current) return undefined;
  const a = committed.split('\n');
  const b = current.split('\n');
  const line = a.findIndex((text, i) => text !== b[i]);
  const at = line === -1 ? a.length : line;
  return `first difference at line ${at + 1}:\n  committed: ${a[at] ?? '<end>'}\n  code:      ${b[at] ?? '<end>'}`;
}

/** Drift of every artifact against the files on disk: one message per stale file. */
export async function checkSchemaArtifacts(): Promise<string[]> {
  const problems: string[] = [];
  for (const artifact of SCHEMA_ARTIFACTS) {
    const committed = await readFile(artifact.file, 'utf8').catch(() => '');
    const drift = schemaDrift(committed, await artifact.print());
    if (drift) problems.push(`${artifact.file} is out of date; run \`npm run schema\`.\n${drift}`);
  }
  return problems;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv.includes('--write')) {
    for (const artifact of SCHEMA_ARTIFACTS) {
      await writeFile(artifact.file, await artifact.print());
      process.stdout.write(`wrote ${artifact.file}\n`);
    }
  } else {
    const problems = await checkSchemaArtifacts();
    if (problems.length > 0) {
      process.stderr.write(`${problems.join('\n')}\n`);
      process.exit(1);
    }
    process.stdout.write('schema/ is up to date\n');
  }
}
