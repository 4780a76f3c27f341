import type { CloudFormationClientConfig } from '@aws-sdk/client-cloudformation';
import { InternalError } from '../errors.js';
import { noteRetry } from './call-observer.js';

/**
 * The SDK's retry-strategy interface, taken from the client config so that we depend on no
 * package beyond the clients themselves.
 */
type RetryStrategyV2 = Extract<
  NonNullable<CloudFormationClientConfig['retryStrategy']>,
  { acquireInitialRetryToken: unknown }
>;
type RetryToken = Awaited<ReturnType<RetryStrategyV2['acquireInitialRetryToken']>>;
type RetryErrorInfo = Parameters<RetryStrategyV2['refreshRetryTokenForRetry']>[1];

export interface RetryPolicy {
  /** Attempts per call, the first one included. */
  maxAttempts: number;
  /** The backoff ceiling before the first retry; it doubles per retry. */
  baseDelayMs: number;
  /** No single backoff exceeds this. */
  maxDelayMs: number;
}

/**
 * Generous on purpose: a throttled DescribeStacks in the middle of a deploy must be retried, not
 * fail the stack. 8 attempts with full jitter wait about 32 s on average in the worst case.
 */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 250, maxDelayMs: 20_000 };

/**
 * Error names the SDK classifies as throttling that are quotas, not rates: retrying them only
 * delays the failure. CloudFormation's `LimitExceededException` is "ChangeSet limit exceeded" or
 * the stack quota (CLOUDFORMATION.md §5).
 */
const NOT_RETRIED = new Set(['LimitExceededException']);

/** "Full jitter": a uniform delay between 0 and the capped exponential ceiling. */
export function backoffDelayMs(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}

class Token implements RetryToken {
  constructor(
    private readonly retries: number,
    private readonly delayMs: number,
  ) {}

  getRetryCount(): number {
    return this.retries;
  }

  getRetryDelay(): number {
    return this.delayMs;
  }
}

/**
 * Retries throttling and transient errors (as the SDK's retry middleware classifies them:
 * `Throttling`, HTTP 429, 500/502/503/504, ECONNRESET, timeouts, ...) with capped exponential
 * backoff and full jitter. Unlike the SDK's StandardRetryStrategy it keeps no retry quota: that
 * quota (500 units, 5 per throttled retry) protects a service from retry storms, which our shared
 * RateLimiter already prevents, and a drained quota would make a long throttled deploy fail.
 * The SDK's retry middleware sleeps `getRetryDelay()` between attempts and honours abort signals.
 */
export class FullJitterRetryStrategy implements RetryStrategyV2 {
  constructor(
    private readonly policy: RetryPolicy = DEFAULT_RETRY_POLICY,
    private readonly random: () => number = Math.random,
  ) {}

  acquireInitialRetryToken(_scope: string): Promise<RetryToken> {
    return Promise.resolve(new Token(0, 0));
  }

  refreshRetryTokenForRetry(token: RetryToken, errorInfo: RetryErrorInfo): Promise<RetryToken> {
    const retry = token.getRetryCount() + 1;
    const limit = isUnreachable(errorInfo)
      ? Math.min(this.policy.maxAttempts, CONNECTION_REFUSED_ATTEMPTS)
      : this.policy.maxAttempts;
    if (retry >= limit || !isRetryable(errorInfo)) {
      // The middleware rethrows the failed attempt's own error, whatever we reject with.
      return Promise.reject(new InternalError('no retry'));
    }
    const delayMs = backoffDelayMs(retry, this.policy, this.random);
    // The middleware retries below the port interface: the caller learns of it only this way.
    noteRetry({ attempt: retry, delayMs, error: errorCodeOf(errorInfo) });
    return Promise.resolve(new Token(retry, delayMs));
  }

  recordSuccess(_token: RetryToken): void {
    // No quota to refill.
  }
}

/**
 * Nothing listens at the endpoint (a wrong --endpoint-url, an emulator not started), or its name
 * does not resolve (a region typo: sts.us-eest-1.amazonaws.com): worth a couple of quick tries,
 * not the half minute of backoff a throttled read gets. (EAI_AGAIN, a DNS server that did not
 * answer, keeps the full retries: it is the transient one.)
 */
const CONNECTION_REFUSED_ATTEMPTS = 3;

function isUnreachable(errorInfo: RetryErrorInfo): boolean {
  const code = (errorInfo.error as { code?: unknown } | undefined)?.code;
  return code === 'ECONNREFUSED' || code === 'ENOTFOUND';
}

/** The wire code of a service error (`Throttling`), else Node's (`ECONNRESET`), else the error's name. */
function errorCodeOf(errorInfo: RetryErrorInfo): string {
  const error = errorInfo.error as { Code?: unknown; code?: unknown; name?: unknown } | undefined;
  for (const candidate of [error?.Code, error?.code, error?.name])
    if (typeof candidate === 'string' && candidate !== '') return candidate;
  return errorInfo.errorType;
}

function isRetryable(errorInfo: RetryErrorInfo): boolean {
  if (errorInfo.error !== undefined && NOT_RETRIED.has(errorInfo.error.name)) return false;
  return errorInfo.errorType === 'THROTTLING' || errorInfo.errorType === 'TRANSIENT';
}
