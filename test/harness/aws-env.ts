/**
 * Environment and helpers for code under test that talks to the harness's moto server.
 */
import { beforeAll, inject } from 'vitest';
import { resetMoto } from './moto.js';

export const MOTO_REGION = 'us-east-1';

/**
 * Environment variables for a child process (or an AWS SDK client) that must talk to moto and to
 * nothing else: fixed test credentials, the moto endpoint for every service, and no real AWS
 * config, credentials file, profile or instance metadata. Spread it over `process.env` when
 * spawning: `{ ...process.env, ...motoEnv(endpoint) }` (the AWS_PROFILE-style variables below are
 * emptied so the user's own values do not leak through the spread).
 */
export function motoEnv(endpoint: string): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_SESSION_TOKEN: '',
    AWS_REGION: MOTO_REGION,
    AWS_DEFAULT_REGION: MOTO_REGION,
    AWS_ENDPOINT_URL: endpoint,
    AWS_EC2_METADATA_DISABLED: 'true',
    // Never read the real user's ~/.aws files or profiles.
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_PROFILE: '',
    AWS_DEFAULT_PROFILE: '',
    AWS_ROLE_ARN: '',
    AWS_WEB_IDENTITY_TOKEN_FILE: '',
    AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '',
    AWS_CONTAINER_CREDENTIALS_FULL_URI: '',
    // AWS SDK v3 prints a NodeVersionSupportWarning on Node < 22 to stderr; keep child stderr
    // deterministic for tests that assert on it.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

/**
 * Client configuration for an AWS SDK v3 client created inside a test process:
 * `new CloudFormationClient(motoClientConfig(endpoint))`.
 */
export function motoClientConfig(endpoint: string): {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
} {
  return {
    endpoint,
    region: MOTO_REGION,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  };
}

/**
 * For a test file: returns the endpoint of the run's moto server (started by global-setup.ts) and
 * resets moto once before the file's tests, so each FILE starts from an empty moto. Tests within a
 * file share state; a file whose tests need isolation from each other calls
 * `resetMoto(endpoint)` itself, e.g. in `beforeEach`.
 *
 * The reset empties the whole (shared) server, so files using moto must not run at the same time
 * as each other: vitest.config.ts runs them in a project with `fileParallelism: false`.
 */
export function useMoto(): { endpoint: string } {
  const endpoint = inject('motoEndpoint');
  if (typeof endpoint !== 'string' || endpoint === '') {
    throw new Error(
      "motoEndpoint was not provided: add './test/harness/global-setup.ts' to test.globalSetup in vitest.config.ts",
    );
  }
  beforeAll(() => resetMoto(endpoint));
  return { endpoint };
}

export { resetMoto };
