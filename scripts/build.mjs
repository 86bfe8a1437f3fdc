// `npm run build`: src/ compiled by tsc into dist/ (decorator metadata included), the files src/
// reads at run time copied beside it, and GraphiQL's browser bundle made once into
// dist/server/graphiql/assets by the same code that bundles it in memory from sources.
// `--if-stale` builds only when dist/ is missing or older than its inputs. Builds take a lock, so
// processes starting together (a benchmark's gateways) build once and never read half a dist/.

import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = path.join(ROOT, 'dist');
/** Written last with the build's start time, so an unfinished build, or an input edited during one, counts as stale. */
const STAMP = path.join(DIST, '.build-stamp');
const INPUTS = ['src', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'scripts/build.mjs'];
const LOCK = path.join(ROOT, 'node_modules', '.cache', 'bondora-bond-gateway-build.lock');

/** True when dist/ must be (re)built; false where there are no sources to build from (a runtime image). */
export function isStale() {
  if (!existsSync(path.join(ROOT, 'src'))) return false;
  if (!existsSync(STAMP)) return true;
  const built = statSync(STAMP).mtimeMs;
  return INPUTS.some((input) => newestMtime(path.join(ROOT, input)) > built);
}

function newestMtime(file) {
  if (!existsSync(file)) return 0;
  const stat = statSync(file);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(file).reduce((newest, name) => Math.max(newest, newestMtime(path.join(file, name))), stat.mtimeMs);
}

export async function build() {
  const started = new Date();
  rmSync(DIST, { recursive: true, force: true });
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const compiled = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  if (compiled.status !== 0) throw new Error(`tsc failed (exit ${compiled.status ?? compiled.signal})`);
  // Whatever src/ holds besides TypeScript (GraphiQL's client source and stylesheet) is read at run time.
  cpSync(path.join(ROOT, 'src'), DIST, { recursive: true, filter: (from) => statSync(from).isDirectory() || !from.endsWith('.ts') });
  const graphiql = await import(pathToFileURL(path.join(DIST, 'server', 'graphiql.bundle.js')).href);
  const bundle = await graphiql.buildGraphiqlBundle();
  await graphiql.writeGraphiqlBundle(bundle);
  writeFileSync(STAMP, `${started.toISOString()}\n`);
  utimesSync(STAMP, started, started);
  return { ms: Date.now() - started.getTime(), graphiql: bundle.id };
}

/** Runs `step` holding the build lock; the lock of a builder that is gone (killed mid-build) is taken over. */
async function withLock(step) {
  mkdirSync(path.dirname(LOCK), { recursive: true });
  for (;;) {
    try {
      mkdirSync(LOCK);
      writeFileSync(path.join(LOCK, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      if (!holderAlive()) rmSync(LOCK, { recursive: true, force: true });
      else await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  try {
    return await step();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

function holderAlive() {
  let pid;
  try {
    pid = Number(readFileSync(path.join(LOCK, 'pid'), 'utf8'));
  } catch {
    // Released meanwhile (try again), or taken but its pid not written yet.
    pid = 0;
  }
  // A lock without a pid yet is being taken right now, unless it has been like that for a while.
  if (!pid) return Date.now() - (statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs ?? 0) < 5_000;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const ifStale = process.argv.includes('--if-stale');
  try {
    const result = await withLock(async () => (!ifStale || isStale() ? build() : undefined));
    if (result) process.stderr.write(`built dist/ in ${(result.ms / 1000).toFixed(1)} s (GraphiQL bundle ${result.graphiql})\n`);
  } catch (error) {
    process.stderr.write(`build failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
