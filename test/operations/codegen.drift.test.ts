import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);
const CODEGEN = join(ROOT, 'node_modules/.bin/graphql-codegen');
const temps: string[] = [];

/** `graphql-codegen` in a directory; with --check, 0 means the committed output is current. */
async function codegen(cwd: string, ...flags: string[]): Promise<{ code: number; output: string }> {
  try {
    // A plain environment: under the test runner's variables codegen's task list prints nothing.
    const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
    const { stdout, stderr } = await run(CODEGEN, ['--config', 'codegen.yml', ...flags], { cwd, env });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

/** A copy of everything codegen reads and writes, to change without touching the real files. */
async function copyOfInputs(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'codegen-drift-'));
  temps.push(dir);
  await cp(join(ROOT, 'codegen.yml'), join(dir, 'codegen.yml'));
  await cp(join(ROOT, 'schema'), join(dir, 'schema'), { recursive: true });
  await cp(join(ROOT, 'test/operations'), join(dir, 'test/operations'), {
    recursive: true,
    filter: (src) => !src.endsWith('.test.ts'),
  });
  await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

afterAll(async () => {
  await Promise.all(temps.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('test/operations/operations.generated.ts', () => {
  it('is what codegen produces from the committed schema and operations (`npm run codegen`)', async () => {
    const result = await codegen(ROOT, '--check');
    expect(result.code, result.output).toBe(0);
  });

  it('the check fails when an operation in a copy changes and the generated file does not', async () => {
    const dir = await copyOfInputs();
    const file = join(dir, 'test/operations/bondora.graphql');
    const source = await readFile(file, 'utf8');
    const edited = source.replace('    loanNumber\n', '    loanNumber\n    userName\n');
    expect(edited).not.toBe(source);
    await writeFile(file, edited);
    const result = await codegen(dir, '--check');
    expect(result.code).not.toBe(0);
  });

  it('a schema change that breaks an operation fails generation in a copy', async () => {
    const dir = await copyOfInputs();
    const file = join(dir, 'schema/schema.graphql');
    const sdl = await readFile(file, 'utf8');
    const edited = sdl.replace(/\n {2}loanNumber: Int\n/, '\n');
    expect(edited).not.toBe(sdl);
    await writeFile(file, edited);
    const result = await codegen(dir);
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/Cannot query field "loanNumber" on type "Auction"/);
  });
});
