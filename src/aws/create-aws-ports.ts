import type { CallDeadlines } from './deadlines.js';
import type { AwsPorts, AwsTarget, IdentityPort } from './ports.js';
import type { ApiLimiter } from './api-limiter.js';
import { attemptCountingLimiter } from './call-observer.js';
import type { RetryPolicy } from './retry-strategy.js';
import { createSdkClients } from './sdk-clients.js';
import { createSdkCloudFormation } from './sdk-cloudformation.js';
import { createSdkS3 } from './sdk-s3.js';
import { createSdkSsm } from './sdk-ssm.js';
import { createSdkIdentity } from './sdk-sts.js';

export interface CreateAwsPortsOptions {
  /** One limiter for the whole run, shared by the CloudFormation and SSM clients (S3 has none). */
  limiter: ApiLimiter;
  /** Overrides of DEFAULT_RETRY_POLICY (tests use short backoffs). */
  retry?: Partial<RetryPolicy>;
  /** Overrides of DEFAULT_DEADLINES (tests use short ones). */
  deadlines?: Partial<CallDeadlines>;
}

/** The real AWS behind the engine's ports. */
export function createAwsPorts(target: AwsTarget, options: CreateAwsPortsOptions): AwsPorts {
  return createAwsSession(target, options).ports;
}

/** The engine's ports and, for the CLI's account check, the identity of the caller: one set of clients. */
export function createAwsSession(
  target: AwsTarget,
  options: CreateAwsPortsOptions,
): { ports: AwsPorts; identity: IdentityPort } {
  // Every token the SDK's middleware takes is one attempt, SDK retries included: counted for the
  // call that made it (a stack's apiCalls).
  const clients = createSdkClients(target, { ...options, limiter: attemptCountingLimiter(options.limiter) });
  return {
    ports: {
      cloudFormation: createSdkCloudFormation(clients.cloudFormation),
      ssm: createSdkSsm(clients.ssm),
      s3: createSdkS3(clients.s3),
    },
    identity: createSdkIdentity(clients.sts),
  };
}
