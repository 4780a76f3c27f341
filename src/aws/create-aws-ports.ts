import type { CallDeadlines } from './deadlines.js';
import type { AwsPorts, AwsTarget } from './ports.js';
import type { RateLimiter } from './rate-limiter.js';
import type { RetryPolicy } from './retry-strategy.js';
import { createSdkClients } from './sdk-clients.js';
import { createSdkCloudFormation } from './sdk-cloudformation.js';
import { createSdkS3 } from './sdk-s3.js';
import { createSdkSsm } from './sdk-ssm.js';

export interface CreateAwsPortsOptions {
  /** One limiter for the whole run, shared by the CloudFormation and SSM clients (S3 has none). */
  limiter: RateLimiter;
  /** Overrides of DEFAULT_RETRY_POLICY (tests use short backoffs). */
  retry?: Partial<RetryPolicy>;
  /** Overrides of DEFAULT_DEADLINES (tests use short ones). */
  deadlines?: Partial<CallDeadlines>;
}

/** The real AWS behind the engine's ports. */
export function createAwsPorts(target: AwsTarget, options: CreateAwsPortsOptions): AwsPorts {
  const clients = createSdkClients(target, options);
  return {
    cloudFormation: createSdkCloudFormation(clients.cloudFormation),
    ssm: createSdkSsm(clients.ssm),
    s3: createSdkS3(clients.s3),
  };
}
