import 'reflect-metadata';
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { gatewaySchema } from '../graphql/schema.js';

// `npm run schema` writes the client-facing SDL; `npm run schema:check` fails when it is stale.

export const SCHEMA_FILE = fileURLToPath(new URL('../../schema/schema.graphql', import.meta.url));

export async function printGatewaySchema(): Promise<string> {
  return `${printSchema(lexicographicSortSchema(await gatewaySchema()))}\n`;
}

/** The difference between the committed SDL and the code's, or undefined when they match. */
export function schemaDrift(committed: string, current: string): string | undefined {
  if (committed === current) return undefined;
  const a = committed.split('\n');
  const b = current.split('\n');
  const line = a.findIndex((text, i) => text !== b[i]);
  const at = line === -1 ? a.length : line;
  return `first difference at line ${at + 1}:\n  committed: ${a[at] ?? '<end>'}\n  code:      ${b[at] ?? '<end>'}`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const current = await printGatewaySchema();
  if (process.argv.includes('--write')) {
    await writeFile(SCHEMA_FILE, current);
    process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
  } else {
    const committed = await readFile(SCHEMA_FILE, 'utf8').catch(() => '');
    const drift = schemaDrift(committed, current);
    if (drift) {
      process.stderr.write(`schema/schema.graphql is out of date; run \`npm run schema\`.\n${drift}\n`);
      process.exit(1);
    }
    process.stdout.write('schema/schema.graphql is up to date\n');
  }
}
