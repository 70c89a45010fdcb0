/**
 * The end-to-end suite (Playwright → Debian Chromium → `flowbench serve` → real engine,
 * real SQLite). Kept apart from the default `vitest run` (whose config excludes
 * tests/e2e) because it needs a built renderer and a browser:
 *   npx vitest run --config tests/e2e/vitest.config.ts
 */
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [vue()],
  root: new URL('../..', import.meta.url).pathname,
  test: {
    include: ['tests/e2e/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
  },
});
