import { defineConfig } from 'vitest/config';

// Integration tests talk to real Postgres, Redis and Chromium; each file isolates itself
// (own database, own key prefix), so files may run in parallel on the machine's two cores.
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
