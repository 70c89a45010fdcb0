import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // .vue single-file components in the app's component tests (tests/unit/app).
  plugins: [vue()],
  test: {
    include: ['tests/**/*.test.ts'],
    exclude: ['tests/e2e/**', 'node_modules/**'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Engine tests are CPU-bound on a 2-core machine: two forks keep wall time low
    // without starving the engine child processes the integration tests start.
    pool: 'forks',
    maxWorkers: 2,
  },
});
