import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import { DEFAULT_DEADLINES, uploadDeadlines } from './deadlines.js';
import type { CallDeadlines } from './deadlines.js';
import { abortSignalOf, boundEveryCall } from './call-deadline.js';
import type { CallBudget } from './call-deadline.js';
import { AwsError, NO_API_SLOT } from './errors.js';
import type { AwsTarget } from './ports.js';
import type { ApiLimiter } from './api-limiter.js';
import { DEFAULT_RETRY_POLICY, FullJitterRetryStrategy } from './retry-strategy.js';
import type { RetryPolicy } from './retry-strategy.js';

export interface SdkClientOptions {
  /**
   * Shared by the CloudFormation and SSM clients; every HTTP attempt, retries included, takes one
   * token. Not the S3 client's (see createSdkClients).
   */
  limiter: ApiLimiter;
  /** @default DEFAULT_RETRY_POLICY */
  retry?: Partial<RetryPolicy>;
  /**
   * Connect and response deadlines per attempt, and one per call across its token waits, retries
   * and backoffs: a server that accepts the connection and never answers fails the call with a
   * NoAnswerError instead of holding the run. (The SDK's own requestTimeout only logs a warning
   * unless `throwOnRequestTimeout` is set, and bounds one attempt, not the call.)
   * @default DEFAULT_DEADLINES
   */
  deadlines?: Partial<CallDeadlines>;
}

export interface SdkClients {
  cloudFormation: CloudFormationClient;
  ssm: SSMClient;
  s3: S3Client;
  /** For the account check before a run (GetCallerIdentity); under the same limiter and deadlines. */
  sts: STSClient;
}

export const RATE_LIMIT_MIDDLEWARE = 'stackpilotRateLimitMiddleware';

/**
 * The SDK's retry middleware sits at `finalizeRequest`/`high` and loops over everything below it
 * on each attempt; `finalizeRequest`/`low` is below it (after signing, before the deserializer
 * and the HTTP handler), so every attempt waits for its own token. Waiting after signing is
 * harmless as long as a wait stays well under SigV4's 5-minute window, which the call deadline
 * guarantees: the wait ends with the call's abort signal.
 */
function addRateLimit(client: CloudFormationClient | SSMClient | STSClient, limiter: ApiLimiter): void {
  // The middleware reads only the call's context, whatever the client's input and output types.
  (client.middlewareStack as CloudFormationClient['middlewareStack']).add(
    (next, context) => async (args) => {
      const signal = abortSignalOf(context);
      try {
        await limiter.acquire(signal);
      } catch (error) {
        if (signal?.aborted !== true) throw error;
        const operation = (context.commandName ?? 'call').replace(/Command$/, '');
        throw new AwsError(
          operation,
          NO_API_SLOT,
          'its deadline passed while it waited for its turn under --api-rate',
          undefined,
          error,
          'raise --api-rate or lower --concurrency',
        );
      }
      return next(args);
    },
    { step: 'finalizeRequest', priority: 'low', name: RATE_LIMIT_MIDDLEWARE, tags: ['RATE_LIMIT'] },
  );
}

/** The only place SDK clients are built: one region/profile/endpoint, one limiter, one retry policy. */
export function createSdkClients(target: AwsTarget, options: SdkClientOptions): SdkClients {
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const deadlines: CallDeadlines = { ...DEFAULT_DEADLINES, ...options.deadlines };
  const config = {
    // Unset fields are left out, so the SDK's own chain (AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL,
    // ~/.aws/config) decides.
    ...(target.region !== undefined && { region: target.region }),
    ...(target.profile !== undefined && { profile: target.profile }),
    ...(target.endpoint !== undefined && { endpoint: target.endpoint }),
    maxAttempts: policy.maxAttempts,
    retryStrategy: new FullJitterRetryStrategy(policy),
    requestHandler: {
      connectionTimeout: deadlines.connectMs,
      requestTimeout: deadlines.responseMs,
      // Without it the handler only logs a warning when requestTimeout passes, and waits on.
      throwOnRequestTimeout: true,
    },
  };
  const cloudFormation = new CloudFormationClient(config);
  const ssm = new SSMClient(config);
  const sts = new STSClient({ ...config, ...stsEndpoint(target) });
  addRateLimit(cloudFormation, options.limiter);
  addRateLimit(ssm, options.limiter);
  addRateLimit(sts, options.limiter);
  // No limiter on S3: --api-rate is CloudFormation's budget (a few requests per second per
  // account), S3's limits are thousands per second per prefix, and artifact uploads must not starve
  // the deploy's pollers. The same retry strategy covers S3's throttling (503 SlowDown).
  const s3 = new S3Client({
    ...config,
    // An emulator (moto, LocalStack) serves buckets as paths: `<bucket>.localhost` does not resolve.
    forcePathStyle: usesCustomEndpoint(target),
    // A bucket in another region answers 301; the SDK then retries it in the bucket's region.
    followRegionRedirects: true,
  });
  const fallbackEndpoint = target.endpoint ?? `the AWS endpoint of region ${target.region ?? '(from the environment)'}`;
  const callBudget = (): CallBudget => ({ callMs: deadlines.callMs });
  boundEveryCall(cloudFormation, callBudget, fallbackEndpoint);
  boundEveryCall(ssm, callBudget, fallbackEndpoint);
  boundEveryCall(sts, callBudget, fallbackEndpoint);
  boundEveryCall(
    s3,
    // An upload's deadlines grow with its size; every other S3 call is a small request.
    (command) =>
      command instanceof PutObjectCommand && command.input.Body instanceof Uint8Array
        ? uploadDeadlines(deadlines, command.input.Body.byteLength)
        : callBudget(),
    fallbackEndpoint,
  );
  return { cloudFormation, ssm, s3, sts };
}

/**
 * STS goes where CloudFormation goes when only CloudFormation's endpoint is set
 * (AWS_ENDPOINT_URL_CLOUDFORMATION): an emulator serves every service on one port, and the
 * account check must not ask the real AWS about an emulator's test credentials.
 */
function stsEndpoint(target: AwsTarget): { endpoint?: string } {
  if (target.endpoint !== undefined) return {};
  const env = (name: string): string | undefined => ((process.env[name] ?? '') === '' ? undefined : process.env[name]);
  if (env('AWS_ENDPOINT_URL_STS') !== undefined || env('AWS_ENDPOINT_URL') !== undefined) return {};
  const cloudFormation = env('AWS_ENDPOINT_URL_CLOUDFORMATION');
  return cloudFormation === undefined ? {} : { endpoint: cloudFormation };
}

/** An explicit endpoint, or one the SDK will read from the environment (the CLI against moto). */
function usesCustomEndpoint(target: AwsTarget): boolean {
  const fromEnv = (name: string): boolean => (process.env[name] ?? '') !== '';
  return target.endpoint !== undefined || fromEnv('AWS_ENDPOINT_URL_S3') || fromEnv('AWS_ENDPOINT_URL');
}
