/** The AWS layer: the only code that imports the AWS SDK. */
export type {
  AwsPorts,
  AwsPortsFactory,
  AwsTarget,
  CallerIdentity,
  ChangeAction,
  ChangeSetDescription,
  ChangeSetRef,
  CloudFormationPort,
  CreateChangeSetInput,
  IdentityPort,
  Parameter,
  ResourceChange,
  ResourceChangeDetail,
  S3Port,
  SsmParameterValue,
  SsmPort,
  StackDescription,
  StackEvent,
  StackOutput,
} from './ports.js';
export { DEADLINES_ENV, DEFAULT_DEADLINES, parseDeadlines, uploadDeadlines, type CallDeadlines } from './deadlines.js';
export {
  AwsError,
  NETWORK_ERROR,
  NO_ANSWER,
  NO_API_SLOT,
  NoAnswerError,
  isNoChangesReason,
  isNoUpdatesError,
  isStackNotFoundError,
} from './errors.js';
export { createAwsPorts, createAwsSession } from './create-aws-ports.js';
export { sdkKnownRegions, sdkProfileNames } from './sdk-internals.js';
export { ACCESS_DENIED, NO_SUCH_BUCKET } from './sdk-s3.js';
export type { CreateAwsPortsOptions } from './create-aws-ports.js';
export { RateLimiter } from './rate-limiter.js';
export type { ApiLimiter } from './api-limiter.js';
export { observedPorts, type CallObserver, type RetryNotice } from './call-observer.js';
export type { RateLimiterOptions, RateLimiterStats } from './rate-limiter.js';
export { DEFAULT_RETRY_POLICY } from './retry-strategy.js';
export type { RetryPolicy } from './retry-strategy.js';
export {
  RESILIENT_RETRY_POLICY,
  isRetryableAwsError,
  resilientPorts,
  type ResilientPortsOptions,
} from './resilient-ports.js';
