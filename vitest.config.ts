import { defineConfig } from 'vitest/config';
import { LongFirstSequencer } from './tests/long-first-sequencer.ts';
import { UNIT_TESTS } from './tests/tiers.ts';

/** How long expect.poll keeps trying before it fails a test. */
const POLL_TIMEOUT_MS = 10_000;

// Integration tests talk to real Postgres, Redis and Chromium; each file isolates itself
// (own database, own key prefix), so files may run in parallel on the machine's two cores.
// Two projects: `unit` (tests/tiers.ts, no services: `npm run test:unit`) and `integration`
// (everything else). `npm test` runs both, one after the other, each with `--isolate=false`,
// which only the command line can ask for (vitest 3 takes the forks pool's isolation from the
// root config, not from a project's `isolate`): files share a worker process and its loaded
// modules. A fresh process per file loads about 280 modules again each time, 1.5 s of CPU per
// file; sharing them took the integration tier from 1,043 s to 951 s of wall time. Every file
// already starts its own server, database and key prefix, so nothing of one file reaches the next.
export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // expect.poll's default (1 s) is a guess about a machine's speed; a UI that takes longer on a
    // machine busy with the other file is not wrong. What the poll waits for is the assertion.
    expect: { poll: { timeout: POLL_TIMEOUT_MS } },
    sequence: { sequencer: LongFirstSequencer },
    projects: [
      { extends: true, test: { name: 'unit', include: UNIT_TESTS, setupFiles: ['tests/unit-tier-guard.ts'] } },
      { extends: true, test: { name: 'integration', include: ['tests/**/*.test.ts'], exclude: UNIT_TESTS } },
    ],
  },
});
