import { describe, expect, it } from 'vitest';
import { AwsError, NETWORK_ERROR, sdkKnownRegions } from '../../src/aws/index.js';
import type { CallerIdentity, IdentityPort } from '../../src/aws/index.js';
import { checkEndpointUrls, endpointUrlProblem } from '../../src/cli/endpoint-url.js';
import { preflight } from '../../src/cli/preflight.js';
import type { PreflightInput } from '../../src/cli/preflight.js';
import { unknownRegionWarning } from '../../src/cli/region-check.js';
import { stageNote } from '../../src/cli/stage-note.js';
import { AccountError, UsageError } from '../../src/errors.js';

describe("the SDK's regions", () => {
  it('are read from the SDK in use (an SDK upgrade that moves them fails here, not silently)', () => {
    const regions = sdkKnownRegions();
    expect(regions).toBeDefined();
    expect(regions).toEqual(expect.arrayContaining(['us-east-1', 'eu-west-1', 'ap-southeast-2', 'cn-north-1']));
    expect(regions?.length).toBeGreaterThan(30);
  });
});

describe('unknownRegionWarning', () => {
  const known = sdkKnownRegions();

  it('says nothing for a known region', () => {
    expect(unknownRegionWarning('us-east-1', known)).toBeUndefined();
    expect(unknownRegionWarning('eu-central-2', known)).toBeUndefined();
  });

  it('suggests the nearest known region for a typo', () => {
    expect(unknownRegionWarning('us-eest-1', known)).toEqual({
      message: 'region "us-eest-1" is not one the AWS SDK knows',
      hint: 'did you mean "us-east-1"? (if "us-eest-1" is a region newer than this stackpilot, go on or upgrade)',
    });
    expect(unknownRegionWarning('eu-wset-1', known)?.hint).toMatch(/^did you mean "eu-west-1"\?/);
    expect(unknownRegionWarning('useast1', known)?.hint).toMatch(/^did you mean "us-east-1"\?/);
  });

  it('warns without a guess when nothing is close, and stays silent when the list is unknown', () => {
    expect(unknownRegionWarning('mars-north-7', known)?.hint).toMatch(/^check the region/);
    expect(unknownRegionWarning('us-eest-1', undefined)).toBeUndefined();
  });
});

describe('endpoint URLs', () => {
  it.each([
    ['localhost:5102', 'has no scheme (http:// or https://)'],
    ['127.0.0.1:5000', 'has no scheme (http:// or https://)'],
    ['http://local host:5102', 'contains spaces'],
    [' http://localhost:5102', 'contains spaces'],
    ['ftp://localhost:5102', 'has the scheme "ftp"; only http and https work'],
    ['http://', 'is not a valid URL'],
    ['', 'is empty'],
  ])('refuses %j: %s', (url, problem) => {
    expect(endpointUrlProblem(url)).toBe(problem);
  });

  it.each(['http://localhost:5102', 'https://cloudformation.us-east-1.amazonaws.com', 'http://127.0.0.1:5000/'])(
    'accepts %s',
    (url) => {
      expect(endpointUrlProblem(url)).toBeUndefined();
    },
  );

  it('names the flag or variable, what was given and a corrected example', () => {
    const flag = (): void => checkEndpointUrls('localhost:5102', {});
    expect(flag).toThrow(UsageError);
    expect(flag).toThrow('--endpoint-url "localhost:5102" has no scheme (http:// or https://)');
    try {
      flag();
    } catch (error) {
      expect((error as UsageError).hint).toBe('give a full http(s) URL, e.g. --endpoint-url http://localhost:5102');
    }
    expect(() => checkEndpointUrls(undefined, { AWS_ENDPOINT_URL_CLOUDFORMATION: 'http://a b' })).toThrow(
      'AWS_ENDPOINT_URL_CLOUDFORMATION "http://a b" contains spaces',
    );
  });

  it('checks the variables only without the flag, which replaces them', () => {
    expect(() => checkEndpointUrls('http://localhost:5102', { AWS_ENDPOINT_URL: 'localhost:1' })).not.toThrow();
    expect(() => checkEndpointUrls(undefined, { AWS_ENDPOINT_URL: '' })).not.toThrow();
  });
});

describe('stageNote', () => {
  it('is silent for a stage the config names, and says so for another', () => {
    expect(stageNote({ stage: 'prod', knownStages: ['dev', 'prod'] })).toBeUndefined();
    expect(stageNote({ stage: 'pr-42', knownStages: ['dev', 'prod'] })).toBe(
      'stage "pr-42" is not in the config (it knows dev, prod): the top-level settings apply',
    );
    expect(stageNote({ stage: 'pr-42', knownStages: undefined })).toBeUndefined();
  });
});

/** An identity port that answers from a script; `calls` counts what reached "AWS". */
function identity(result: CallerIdentity | AwsError, region = 'us-east-1'): IdentityPort & { calls: number } {
  const port = {
    calls: 0,
    region: () => Promise.resolve(region),
    whoAmI: () => {
      port.calls += 1;
      return result instanceof AwsError ? Promise.reject(result) : Promise.resolve(result);
    },
  };
  return port;
}

function input(port: IdentityPort, over: Partial<PreflightInput> = {}): PreflightInput & { warnings: string[] } {
  const warnings: string[] = [];
  return {
    identity: port,
    profile: undefined,
    endpoint: undefined,
    env: {},
    warn: (message, hint) => warnings.push(`${message} → ${hint}`),
    knownRegions: sdkKnownRegions(),
    profileNames: () => Promise.resolve(['default', 'prod-admin']),
    warnings,
    ...over,
  };
}

async function failure(promise: Promise<unknown>): Promise<AccountError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AccountError);
  return error as AccountError;
}

const sdkError = (name: string, message: string, status?: number, cause?: object): AwsError =>
  new AwsError('GetCallerIdentity', name, message, status, cause);

describe('preflight', () => {
  it('returns the account and region', async () => {
    const port = identity({ account: '123456789012', arn: 'arn:aws:iam::123456789012:user/me', region: 'us-east-1' });
    await expect(preflight(input(port))).resolves.toEqual({ account: '123456789012', region: 'us-east-1' });
    expect(port.calls).toBe(1);
  });

  it('warns about an unknown region and goes on', async () => {
    const run = input(identity({ account: '1', arn: 'a', region: 'us-eest-1' }, 'us-eest-1'));
    await expect(preflight(run)).resolves.toMatchObject({ account: '1' });
    expect(run.warnings).toEqual([
      'region "us-eest-1" is not one the AWS SDK knows → did you mean "us-east-1"? (if "us-eest-1" is a region newer than this stackpilot, go on or upgrade)',
    ]);
  });

  it('no credentials: names what was tried and what to do', async () => {
    const error = await failure(
      preflight(
        input(identity(sdkError('CredentialsProviderError', 'Could not load credentials from any providers')), {
          env: { AWS_CONFIG_FILE: '/tmp/none' },
        }),
      ),
    );
    expect(error.message).toBe(
      'no AWS credentials found (tried: environment variables AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, profile "default" in /tmp/none and ~/.aws/credentials, SSO, web identity, container and instance metadata)',
    );
    expect(error.hint).toBe('run aws configure, pass --profile <name>, or aws sso login if the profile uses SSO');
  });

  it('an unknown profile, from --profile or AWS_PROFILE: named, with the nearest one', async () => {
    const none = sdkError('CredentialsProviderError', 'Could not load credentials from any providers');
    const flag = await failure(preflight(input(identity(none), { profile: 'prod-admn' })));
    expect(flag.message).toBe('AWS profile "prod-admn" is not in ~/.aws/config and ~/.aws/credentials');
    expect(flag.hint).toBe('did you mean "prod-admin"?');
    const env = await failure(preflight(input(identity(none), { env: { AWS_PROFILE: 'staging' } })));
    expect(env.message).toBe('AWS profile "staging" is not in ~/.aws/config and ~/.aws/credentials');
    expect(env.hint).toBe('the profiles there: default, prod-admin');
  });

  it('an expired token or an expired SSO session: says so, with the login command', async () => {
    const expired = await failure(
      preflight(
        input(identity(sdkError('ExpiredToken', 'The security token included in the request is expired', 403)), {
          profile: 'prod-admin',
        }),
      ),
    );
    expect(expired.message).toBe(
      'the AWS credentials of profile "prod-admin" (--profile) have expired: The security token included in the request is expired',
    );
    expect(expired.hint).toBe('get fresh ones: aws sso login --profile prod-admin, or aws configure');
    const sso = await failure(
      preflight(
        input(
          identity(
            sdkError(
              'CredentialsProviderError',
              'The SSO session associated with this profile has expired or is otherwise invalid.',
            ),
          ),
          { profile: 'prod-admin' },
        ),
      ),
    );
    expect(sso.message).toMatch(
      /^the AWS credentials of profile "prod-admin" \(--profile\) could not be loaded: The SSO/,
    );
    expect(sso.hint).toBe('aws sso login --profile prod-admin');
  });

  it('credentials AWS refuses', async () => {
    const error = await failure(
      preflight(
        input(
          identity(sdkError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403)),
          {
            env: { AWS_ACCESS_KEY_ID: 'AKIA' },
          },
        ),
      ),
    );
    expect(error.message).toBe(
      'AWS refused the credentials of the keys in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY: InvalidClientTokenId: The security token included in the request is invalid.',
    );
  });

  it('a region whose endpoint does not resolve: names the region, the host and the nearest region', async () => {
    const dns = sdkError(NETWORK_ERROR, 'getaddrinfo ENOTFOUND sts.us-eest-1.amazonaws.com', undefined, {
      code: 'ENOTFOUND',
      hostname: 'sts.us-eest-1.amazonaws.com',
    });
    const error = await failure(preflight(input(identity(dns, 'us-eest-1'))));
    expect(error.message).toBe(
      'cannot reach AWS STS in region "us-eest-1": sts.us-eest-1.amazonaws.com does not resolve (DNS)',
    );
    expect(error.hint).toBe(
      'did you mean "us-east-1"? check the region (--region, the config, AWS_REGION) and the network',
    );
  });

  it('an endpoint that refuses connections', async () => {
    const refused = sdkError(NETWORK_ERROR, 'connect ECONNREFUSED 127.0.0.1:9', undefined, { code: 'ECONNREFUSED' });
    const error = await failure(preflight(input(identity(refused), { endpoint: 'http://127.0.0.1:9' })));
    expect(error.message).toBe('cannot reach http://127.0.0.1:9: the connection was refused');
    expect(error.hint).toBe('is the emulator running on that port? (check --endpoint-url / AWS_ENDPOINT_URL)');
  });

  it('no region at all', async () => {
    const port: IdentityPort = {
      region: () => Promise.reject(new AwsError('ResolveRegion', 'Error', 'Region is missing', undefined)),
      whoAmI: () => Promise.reject(new Error('not called')),
    };
    const error = await failure(preflight(input(port)));
    expect(error.message).toBe('no AWS region is set');
  });

  it('an emulator without STS: a warning, no account, and the run goes on', async () => {
    const run = input(identity(sdkError('UnknownError', 'HTTP 404 answer without an AWS error code', 404)), {
      endpoint: 'http://localhost:4566',
    });
    await expect(preflight(run)).resolves.toEqual({ account: undefined, region: 'us-east-1' });
    expect(run.warnings).toEqual([
      'the endpoint http://localhost:4566 does not answer STS GetCallerIdentity (UnknownError) → the credentials are not checked before the run; the first stack call will',
    ]);
    // Against AWS itself the same answer is an error.
    await failure(preflight(input(identity(sdkError('UnknownError', 'HTTP 404', 404)))));
  });
});
