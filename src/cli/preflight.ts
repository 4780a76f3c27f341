// Not the aws/ index: that loads the SDK, which a simulated run never needs (issue 17: first frame).
import { AwsError, NETWORK_ERROR, NoAnswerError } from '../aws/errors.js';
import type { IdentityPort } from '../aws/ports.js';
import { didYouMean } from '../config/resolve-config.js';
import { AccountError } from '../errors.js';
import { unknownRegionWarning } from './region-check.js';

export interface PreflightInput {
  identity: IdentityPort;
  /** --profile, if given. */
  profile: string | undefined;
  /** The endpoint the calls go to when it is not AWS (--endpoint-url or an AWS_ENDPOINT_URL* variable). */
  endpoint: string | undefined;
  env: NodeJS.ProcessEnv;
  /** A warning for stderr (the run goes on). */
  warn: (message: string, hint: string) => void;
  /** The SDK's regions (sdkKnownRegions); undefined: unknown, no region warning. */
  knownRegions: readonly string[] | undefined;
  /** The profiles in the shared config files (sdkProfileNames), read only to explain a failure. */
  profileNames: () => Promise<string[] | undefined>;
}

export interface PreflightResult {
  /** The account id; undefined when an emulator does not serve STS. */
  account: string | undefined;
  region: string;
}

/**
 * The account check before the first stack call of a run against AWS or an emulator: the region
 * (a warning when the SDK does not know it), then one STS GetCallerIdentity, which proves the
 * credentials and names the account. A failure here is one error that says which credentials
 * were tried and what to do, instead of the same SDK message once per stack.
 */
export async function preflight(input: PreflightInput): Promise<PreflightResult> {
  let region: string;
  try {
    region = await input.identity.region();
  } catch (error) {
    throw new AccountError('no AWS region is set', {
      hint: "set `region` in the config (or the stage's), pass --region, or set AWS_REGION",
      cause: error,
    });
  }
  const warning = unknownRegionWarning(region, input.knownRegions);
  if (warning !== undefined) input.warn(warning.message, warning.hint);
  try {
    const identity = await input.identity.whoAmI();
    return { account: identity.account === '' ? undefined : identity.account, region };
  } catch (error) {
    if (input.endpoint !== undefined && emulatorWithoutSts(error)) {
      input.warn(
        `the endpoint ${input.endpoint} does not answer STS GetCallerIdentity (${(error as AwsError).awsCode})`,
        'the credentials are not checked before the run; the first stack call will',
      );
      return { account: undefined, region };
    }
    throw await explain(error, input, region);
  }
}

/** Who the SDK was asked to be, as the user would name it. */
function credentialSource(input: PreflightInput): { profile: string; text: string } {
  const env = (name: string): string | undefined =>
    Object.hasOwn(input.env, name) && input.env[name] !== '' ? input.env[name] : undefined;
  if (input.profile !== undefined) return { profile: input.profile, text: `profile "${input.profile}" (--profile)` };
  const fromEnv = env('AWS_PROFILE');
  if (fromEnv !== undefined) return { profile: fromEnv, text: `profile "${fromEnv}" (AWS_PROFILE)` };
  if (env('AWS_ACCESS_KEY_ID') !== undefined)
    return { profile: 'default', text: 'the keys in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY' };
  return { profile: 'default', text: 'profile "default"' };
}

const EXPIRED = new Set(['ExpiredToken', 'ExpiredTokenException', 'RequestExpired', 'TokenRefreshRequired']);
const REJECTED = new Set([
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
  'InvalidAccessKeyId',
  'AccessDenied',
  'AccessDeniedException',
]);

async function explain(error: unknown, input: PreflightInput, region: string): Promise<Error> {
  if (!(error instanceof AwsError)) return error instanceof Error ? error : new AccountError(String(error));
  const source = credentialSource(input);
  const files = sharedFiles(input.env);
  const orProfileFlag = input.profile === undefined ? ', or pass --profile <name>' : '';
  const loginHint = `aws sso login --profile ${source.profile}, or aws configure${orProfileFlag}`;

  if (error.awsCode === 'CredentialsProviderError') {
    const named = input.profile ?? (source.text.includes('AWS_PROFILE') ? source.profile : undefined);
    if (named !== undefined) {
      const profiles = await input.profileNames();
      if (profiles !== undefined && !profiles.includes(named)) {
        return new AccountError(`AWS profile "${named}" is not in ${files}`, {
          hint:
            didYouMean(named, profiles) ??
            (profiles.length > 0
              ? `the profiles there: ${profiles.join(', ')}`
              : `aws configure --profile ${named} creates it`),
          cause: error,
        });
      }
    }
    if (/Could not load credentials from any providers/.test(error.serviceMessage)) {
      return new AccountError(
        `no AWS credentials found (tried: ${triedSources(source.text)} in ${files}, ` +
          'SSO, web identity, container and instance metadata)',
        { hint: `run aws configure, pass --profile <name>, or aws sso login if the profile uses SSO`, cause: error },
      );
    }
    return new AccountError(`the AWS credentials of ${source.text} could not be loaded: ${error.serviceMessage}`, {
      hint: /sso/i.test(error.serviceMessage) ? `aws sso login --profile ${source.profile}` : loginHint,
      cause: error,
    });
  }
  if (EXPIRED.has(error.awsCode)) {
    return new AccountError(`the AWS credentials of ${source.text} have expired: ${error.serviceMessage}`, {
      hint: `get fresh ones: ${loginHint}`,
      cause: error,
    });
  }
  if (REJECTED.has(error.awsCode)) {
    return new AccountError(
      `AWS refused the credentials of ${source.text}: ${error.awsCode}: ${error.serviceMessage}`,
      {
        hint: `check the access key and secret (${loginHint})`,
        cause: error,
      },
    );
  }
  if (error instanceof NoAnswerError) return error;
  if (error.awsCode === NETWORK_ERROR) {
    const cause = error.cause as { code?: unknown; hostname?: unknown } | undefined;
    const where = input.endpoint ?? `AWS STS in region "${region}"`;
    if (cause?.code === 'ENOTFOUND') {
      const host = typeof cause.hostname === 'string' ? cause.hostname : 'its host';
      const suggestion = input.endpoint === undefined ? didYouMean(region, input.knownRegions ?? []) : undefined;
      return new AccountError(`cannot reach ${where}: ${host} does not resolve (DNS)`, {
        hint:
          input.endpoint !== undefined
            ? 'check the host in --endpoint-url / AWS_ENDPOINT_URL'
            : `${suggestion === undefined ? '' : `${suggestion} `}check the region (--region, the config, AWS_REGION) and the network`,
        cause: error,
      });
    }
    if (cause?.code === 'ECONNREFUSED') {
      return new AccountError(`cannot reach ${where}: the connection was refused`, {
        hint:
          input.endpoint !== undefined
            ? 'is the emulator running on that port? (check --endpoint-url / AWS_ENDPOINT_URL)'
            : 'check the network, a proxy or firewall',
        cause: error,
      });
    }
    return new AccountError(`cannot reach ${where}: ${error.serviceMessage}`, {
      hint: 'check the network and the endpoint',
      cause: error,
    });
  }
  return new AccountError(
    `cannot check the AWS account (STS GetCallerIdentity with ${source.text}): ${error.awsCode}: ${error.serviceMessage}`,
    { hint: `check the credentials and the region (${loginHint})`, cause: error },
  );
}

/**
 * An emulator that answers, but not for STS (HTTP 404/501, an unknown action): it reached the
 * endpoint, so there is nothing to report up front. Credential refusals are not this.
 */
function emulatorWithoutSts(error: unknown): boolean {
  if (!(error instanceof AwsError) || error.httpStatus === undefined) return false;
  if (EXPIRED.has(error.awsCode) || REJECTED.has(error.awsCode)) return false;
  return (
    error.httpStatus === 404 ||
    error.httpStatus === 501 ||
    error.httpStatus >= 500 ||
    /^(InvalidAction|UnknownError|NotImplemented|UnknownOperation)/.test(error.awsCode)
  );
}

function sharedFiles(env: NodeJS.ProcessEnv): string {
  const value = (name: string, fallback: string): string =>
    Object.hasOwn(env, name) && env[name] !== '' && env[name] !== undefined ? env[name] : fallback;
  const config = value('AWS_CONFIG_FILE', '~/.aws/config');
  const credentials = value('AWS_SHARED_CREDENTIALS_FILE', '~/.aws/credentials');
  return config === credentials ? config : `${config} and ${credentials}`;
}

/** With no profile named, the SDK tries the environment variables before the default profile. */
function triedSources(sourceText: string): string {
  return sourceText === 'profile "default"'
    ? 'environment variables AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, profile "default"'
    : sourceText;
}
