import { configDefaults, defineConfig } from 'vitest/config';
import { testPostgresUrl } from './test/support/local-postgres.ts';

/**
 * Time limits here only catch a hang: no test checks how fast something happens (benchmarks do),
 * and a test waits for events or advances a manual clock, so a slow machine is never a failure.
 */
const HANG_MS = 300_000;

const postgres = await testPostgresUrl();

export default defineConfig({
  test: {
    env: postgres ? { TEST_DATABASE_URL: postgres } : {},
    testTimeout: HANG_MS,
    hookTimeout: HANG_MS,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: { name: 'node', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, 'test/e2e/**'] },
      },
      {
        // The browser tests need the built UI (built first when its sources changed) and a
        // Chromium each: one file at a time.
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/e2e/global-setup.ts'],
          fileParallelism: false,
          expect: { poll: { timeout: HANG_MS } },
        },
      },
    ],
  },
});
