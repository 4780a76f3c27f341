import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The CLI suites spawn the built binary; give child processes room on a 2-core CI machine.
    testTimeout: 30_000,
    reporters: ['default', './test/helpers/summary-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
          exclude: ['test/**/*.moto.test.ts', 'test/harness-smoke/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'moto',
          include: ['test/**/*.moto.test.ts', 'test/harness-smoke/**/*.test.ts'],
          // One moto server for the run; a reset wipes all of it, so moto files run one at a time.
          globalSetup: ['./test/harness/global-setup.ts'],
          fileParallelism: false,
        },
      },
    ],
  },
});
