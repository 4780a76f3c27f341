/**
 * Runs only the moto harness smoke tests, with the harness's globalSetup, without touching the
 * repository's vitest.config.ts:
 *
 *   npx vitest run --config test/harness/vitest.smoke.config.ts
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import base from '../../vitest.config.js';

export default defineConfig({
  ...base,
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    ...base.test,
    // Replaces (mergeConfig would append to) the base include list.
    include: ['test/harness-smoke/**/*.test.ts'],
    globalSetup: ['./test/harness/global-setup.ts'],
  },
});
