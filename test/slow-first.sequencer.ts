import { BaseSequencer, type TestSpecification } from 'vitest/node';

// Two workers share the files; a long file started last leaves one worker idle while it runs. With
// a cache of earlier durations vitest puts long files first by itself; a clean clone (CI) has no
// cache, so the files known to take tens of seconds (child processes, npm, Redis restarts) go
// first, in this order, ahead of the cached or size-based order of the rest.
const SLOW_FIRST = [
  'test/server/production.build.test.ts',
  'test/fleet/redis-failure.test.ts',
  'test/upstream/fleet.budgets.test.ts',
  'test/graphql/faults.test.ts',
  'test/fleet/fleet.test.ts',
];

export class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (spec: TestSpecification) => {
      const at = SLOW_FIRST.findIndex((file) => spec.moduleId.endsWith(file));
      return at === -1 ? SLOW_FIRST.length : at;
    };
    return sorted.map((spec, index) => ({ spec, index })).sort((a, b) => rank(a.spec) - rank(b.spec) || a.index - b.index).map(({ spec }) => spec);
  }
}
