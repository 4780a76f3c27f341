import { observedPorts } from '../../aws/call-observer.js';
import type { RetryNotice } from '../../aws/call-observer.js';
import type { AwsPorts } from '../../aws/ports.js';

/** Counts the AWS requests one stack (or the run) sends, for the `apiCalls` of its events. */
export interface CallCounter {
  calls: number;
}

/**
 * Counts every attempt of every CloudFormation and SSM call, retries included (the SDK's and the
 * simulator ports' retries happen below the port interface and are observed from there), so that
 * `apiCalls` is what reached the endpoint. S3 calls (artifact uploads, which take no limiter
 * token) are not counted: the packaging events report their own files and bytes. `onRetry`
 * hears of each retry of a call made through these ports.
 */
export function countingPorts(
  ports: AwsPorts,
  counter: CallCounter,
  onRetry?: (notice: RetryNotice) => void,
): AwsPorts {
  return observedPorts(ports, {
    settled: (attempts) => {
      counter.calls += Math.max(1, attempts);
    },
    ...(onRetry ? { retry: onRetry } : {}),
  });
}
