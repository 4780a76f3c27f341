import { defineConfig } from 'vitest/config';
export default defineConfig({
  test: {
    testTimeout: 30_000,
    reporters: ['default', './test/helpers/summary-reporter.ts'],
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: ['test/harness-smoke/**'] } },
      { extends: true, test: { name: 'moto', include: ['test/harness-smoke/**/*.test.ts'], globalSetup: ['./test/harness/global-setup.ts'], fileParallelism: false } },
    ],
  },
});
