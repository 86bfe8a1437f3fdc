// `npm start`: the compiled gateway (dist/main.js), built first when dist/ is missing or older than
// src/ or package-lock.json, so `npm install && npm start` works on a fresh clone. The build runs in
// a child process; the gateway then runs in this one, so signals reach it and its exit code is ours.
// package.json starts this with the V8 flags the Dockerfile starts the gateway with: see there.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { isStale } from './build.mjs';

if (isStale()) {
  const build = spawnSync(process.execPath, [fileURLToPath(new URL('build.mjs', import.meta.url)), '--if-stale'], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
await import('../dist/main.js');
