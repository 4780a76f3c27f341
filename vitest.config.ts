import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The CLI suites spawn the built binary; give child processes room on a 2-core CI machine.
    testTimeout: 30_000,
    // As bin/stackpilot.js does for the CLI: the SDK's multi-line Node 22 warning, once per worker
    // that builds a client, buried the test output under Node 20. The CLI's own one-line notice
    // (src/cli/node-support.ts) is what users see.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
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
