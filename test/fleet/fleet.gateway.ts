import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { exitWithParent, reportReady } from '../bench/child.lifecycle.js';

// A replica of the fleet: `npm start` itself (src/main.ts, configured by the environment the parent
// sets), wrapped so ProcessSupervisor can start it: a JSON ready line once /healthz answers on PORT,
// and no way to outlive the parent. main.ts owns its SIGTERM shutdown; when the parent goes away
// the wrapper hands it the same signal. A start-up failure exits from main.ts, before the ready line.

const port = Number(process.env.PORT);
if (!Number.isInteger(port) || port <= 0) throw new Error('fleet.gateway.ts needs PORT set to a free port');
const url = `http://127.0.0.1:${port}`;

exitWithParent(() => {
  // Runs main.ts's own SIGTERM handler (if it has started listening) without a real signal, which
  // would kill the process outright once both once-listeners are spent.
  process.emit('SIGTERM', 'SIGTERM');
  return new Promise<void>(() => {});
});

if (process.env.FLEET_GATEWAY_COMPILED === 'true') {
  // As `npm start` runs it: the compiled gateway, built first (once, under the build's lock) when stale.
  const root = new URL('../../', import.meta.url);
  execFileSync(process.execPath, [fileURLToPath(new URL('scripts/build.mjs', root)), '--if-stale'], { cwd: root, stdio: ['ignore', 2, 'inherit'] });
  await import(new URL('dist/main.js', root).href);
} else {
  await import('../../src/main.js');
}

const deadline = Date.now() + 60_000;
for (;;) {
  const status = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) }).then(
    (r) => r.status,
    () => 0,
  );
  if (status === 200) break;
  if (Date.now() > deadline) throw new Error(`${url}/healthz did not answer 200 within 60 s`);
  await new Promise((r) => setTimeout(r, 100));
}
reportReady({ url });
