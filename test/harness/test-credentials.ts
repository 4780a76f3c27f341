import { afterAll, beforeAll } from 'vitest';

const TEST_ENV: Record<string, string> = {
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  AWS_CONFIG_FILE: '/dev/null',
  AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  AWS_EC2_METADATA_DISABLED: 'true',
};
const CLEARED = [
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE',
  'AWS_ENDPOINT_URL',
  'AWS_ROLE_ARN',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
];

/** Fixed fake credentials for the file's SDK clients; the user's AWS setup is never read. */
export function useTestCredentials(): void {
  const saved: Record<string, string | undefined> = {};
  beforeAll(() => {
    for (const key of [...Object.keys(TEST_ENV), ...CLEARED]) saved[key] = process.env[key];
    Object.assign(process.env, TEST_ENV);
    for (const key of CLEARED) delete process.env[key];
  });
  afterAll(() => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });
}
