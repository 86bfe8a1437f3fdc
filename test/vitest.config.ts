import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';
import { SlowFirstSequencer } from './slow-first.sequencer.js';

const require = createRequire(import.meta.url);

export default defineConfig({
  // graphql 16 ships CJS and ESM builds; type-graphql and Apollo load the CJS one through Node,
  // so tests must resolve the bare specifier to the same copy or custom scalars break.
  resolve: { alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }] },
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    // Most files wait on timers, sockets and child processes more than they compute: two workers
    // on CI's two cores. Files share a worker's module graph (no re-import of the schema and
    // Apollo per file, about a minute of the run); every file builds its own gateways and stops
    // them, so no state but loaded modules crosses files.
    maxWorkers: 2,
    isolate: false,
    sequence: { sequencer: SlowFirstSequencer },
  },
});
