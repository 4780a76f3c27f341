/** Which region, credentials and endpoint the clients built from an AwsTarget really use. */
import { join } from 'node:path';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { createAwsPorts } from '../../src/aws/create-aws-ports.js';
import { RateLimiter } from '../../src/aws/rate-limiter.js';
import type { AwsTarget } from '../../src/aws/ports.js';
import { testdir } from '../helpers/testdir.js';
import type { StubServer } from './stub-server.js';
import { errorReply, startStub } from './stub-server.js';
import { useTestCredentials } from '../harness/test-credentials.js';

useTestCredentials();

let stub: StubServer | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

/** Makes one DescribeStacks call through ports built from `target` and returns what reached the stub. */
async function signedBy(target: (endpoint: string) => AwsTarget): Promise<{ accessKey: string; region: string }> {
  stub = await startStub(() => errorReply('ValidationError', 'Stack with id x does not exist'));
  const ports = createAwsPorts(target(stub.endpoint), { limiter: new RateLimiter({ ratePerSecond: 100, burst: 100 }) });
  await ports.cloudFormation.describeStack('x');
  const match = /Credential=([^/]+)\/\d{8}\/([^/]+)\/cloudformation\//.exec(stub.requests[0]?.authorization ?? '');
  return { accessKey: match?.[1] ?? '(none)', region: match?.[2] ?? '(none)' };
}

/** Sets (or, for `undefined`, removes) environment variables until the calling test finishes. */
function setEnv(values: Record<string, string | undefined>): void {
  const saved = Object.fromEntries(Object.keys(values).map((key) => [key, process.env[key]]));
  const apply = (entries: Record<string, string | undefined>): void => {
    for (const [key, value] of Object.entries(entries)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
  apply(values);
  onTestFinished(() => apply(saved));
}

/** A profile `dev` with its own keys and region, in files the SDK reads through AWS_CONFIG_FILE. */
async function useProfileFiles(): Promise<void> {
  const dir = await testdir({
    credentials: '[dev]\naws_access_key_id = AKIDPROFILEDEV\naws_secret_access_key = secret\n',
    config: '[profile dev]\nregion = eu-west-3\n',
  });
  setEnv({
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
    AWS_CONFIG_FILE: join(dir, 'config'),
    // With both a profile and static env keys the SDK warns; a profile user has no env keys.
    AWS_ACCESS_KEY_ID: undefined,
    AWS_SECRET_ACCESS_KEY: undefined,
    AWS_REGION: undefined,
    AWS_DEFAULT_REGION: undefined,
  });
}

describe('AwsTarget', () => {
  it('signs for the given region with the environment credentials', async () => {
    await expect(signedBy((endpoint) => ({ region: 'ap-south-1', endpoint }))).resolves.toEqual({
      accessKey: 'testing',
      region: 'ap-south-1',
    });
  });

  it("uses a profile's credentials and region", async () => {
    await useProfileFiles();
    await expect(signedBy((endpoint) => ({ profile: 'dev', endpoint }))).resolves.toEqual({
      accessKey: 'AKIDPROFILEDEV',
      region: 'eu-west-3',
    });
  });

  it("lets an explicit region override the profile's", async () => {
    await useProfileFiles();
    await expect(signedBy((endpoint) => ({ profile: 'dev', region: 'us-west-2', endpoint }))).resolves.toEqual({
      accessKey: 'AKIDPROFILEDEV',
      region: 'us-west-2',
    });
  });

  it('leaves the endpoint to the SDK when none is given, which honours AWS_ENDPOINT_URL', async () => {
    await expect(
      signedBy((endpoint) => {
        setEnv({ AWS_ENDPOINT_URL: endpoint });
        return { region: 'us-east-1' };
      }),
    ).resolves.toEqual({ accessKey: 'testing', region: 'us-east-1' });
  });
});
