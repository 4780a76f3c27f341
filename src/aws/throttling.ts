import { AwsError } from './errors.js';

/** The throttling error codes of AWS services (the SDK's list): the service refused the rate, not the call. */
export const THROTTLING_CODES: ReadonlySet<string> = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'BandwidthLimitExceeded',
  'SlowDown',
  'ProvisionedThroughputExceededException',
  'RequestThrottled',
  'PriorRequestNotComplete',
  'EC2ThrottledException',
]);

/**
 * An attempt refused because the account sends too fast: an SDK service exception (by its name,
 * HTTP 429 or the SDK's own `$retryable.throttling` mark) or one of our AwsErrors. The run's
 * budget slows down on each (AdaptiveRateLimiter).
 */
export function isThrottlingError(error: unknown): boolean {
  if (error instanceof AwsError) return THROTTLING_CODES.has(error.awsCode) || error.httpStatus === 429;
  if (typeof error !== 'object' || error === null) return false;
  const e = error as {
    name?: unknown;
    Code?: unknown;
    $metadata?: { httpStatusCode?: unknown };
    $retryable?: { throttling?: unknown };
  };
  return (
    (typeof e.name === 'string' && THROTTLING_CODES.has(e.name)) ||
    (typeof e.Code === 'string' && THROTTLING_CODES.has(e.Code)) ||
    e.$metadata?.httpStatusCode === 429 ||
    e.$retryable?.throttling === true
  );
}
