import { defineConfig } from 'vitest/config';
import { LongFirstSequencer } from './tests/long-first-sequencer.ts';
import { UNIT_TESTS } from './tests/tiers.ts';

// Integration tests talk to real Postgres, Redis and Chromium; each file isolates itself
// (own database, own key prefix), so files may run in parallel on the machine's two cores.
// Two projects: `unit` (tests/tiers.ts, no services: `npm run test:unit`) and `integration`
// (everything else). `npm test` runs both, one after the other: the unit tier with
// `--isolate=false` (its files share worker processes: a third of the wall time), which only the
// command line can ask for — vitest 3 takes the forks pool's isolation from the root config, not
// from a project's `isolate` — and integration files each in a fresh process.
export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    sequence: { sequencer: LongFirstSequencer },
    projects: [
      { extends: true, test: { name: 'unit', include: UNIT_TESTS, setupFiles: ['tests/unit-tier-guard.ts'] } },
      { extends: true, test: { name: 'integration', include: ['tests/**/*.test.ts'], exclude: UNIT_TESTS } },
    ],
  },
});
