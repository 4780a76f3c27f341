import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY, FullJitterRetryStrategy, backoffDelayMs } from '../../src/aws/retry-strategy.js';
import type { RetryPolicy } from '../../src/aws/retry-strategy.js';

type ErrorInfo = Parameters<FullJitterRetryStrategy['refreshRetryTokenForRetry']>[1];

function info(errorType: ErrorInfo['errorType'], name: string): ErrorInfo {
  return { errorType, error: Object.assign(new Error(name), { name, $metadata: {} }) } as ErrorInfo;
}

const POLICY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 350 };

describe('backoffDelayMs', () => {
  it('draws uniformly below a ceiling that doubles per retry up to the cap', () => {
    const almostOne = (): number => 0.999_999;
    expect([1, 2, 3, 4, 10].map((retry) => backoffDelayMs(retry, POLICY, almostOne))).toEqual([99, 199, 349, 349, 349]);
    expect(backoffDelayMs(3, POLICY, () => 0)).toBe(0);
    expect(backoffDelayMs(2, POLICY, () => 0.5)).toBe(100);
  });

  it('keeps the default policy generous: 8 attempts, 250 ms base, 20 s cap', () => {
    expect(DEFAULT_RETRY_POLICY).toEqual({ maxAttempts: 8, baseDelayMs: 250, maxDelayMs: 20_000 });
  });
});

describe('FullJitterRetryStrategy', () => {
  async function retriesGranted(strategy: FullJitterRetryStrategy, errorInfo: ErrorInfo): Promise<number[]> {
    const delays: number[] = [];
    let token = await strategy.acquireInitialRetryToken('');
    for (;;) {
      try {
        token = await strategy.refreshRetryTokenForRetry(token, errorInfo);
      } catch {
        return delays;
      }
      delays.push(token.getRetryDelay());
    }
  }

  it('retries throttling until maxAttempts, with the backoff of each retry', async () => {
    const strategy = new FullJitterRetryStrategy(POLICY, () => 0.5);
    await expect(retriesGranted(strategy, info('THROTTLING', 'Throttling'))).resolves.toEqual([50, 100, 175]);
  });

  it('retries transient errors (timeouts, 5xx, dropped connections)', async () => {
    const strategy = new FullJitterRetryStrategy(POLICY, () => 0);
    await expect(retriesGranted(strategy, info('TRANSIENT', 'TimeoutError'))).resolves.toHaveLength(
      POLICY.maxAttempts - 1,
    );
  });

  it('never retries client errors, other server errors, or a LimitExceededException', async () => {
    const strategy = new FullJitterRetryStrategy(POLICY, () => 0);
    await expect(retriesGranted(strategy, info('CLIENT_ERROR', 'ValidationError'))).resolves.toEqual([]);
    await expect(retriesGranted(strategy, info('SERVER_ERROR', 'InternalFailure'))).resolves.toEqual([]);
    // The SDK classifies it as throttling; for CloudFormation it is a quota.
    await expect(retriesGranted(strategy, info('THROTTLING', 'LimitExceededException'))).resolves.toEqual([]);
  });

  it('gives a refused connection or a name that does not resolve three tries; a DNS server that did not answer gets all', async () => {
    const strategy = new FullJitterRetryStrategy({ ...POLICY, maxAttempts: 8 }, () => 0);
    const network = (code: string): ErrorInfo =>
      ({ errorType: 'TRANSIENT', error: Object.assign(new Error(code), { code, $metadata: {} }) }) as ErrorInfo;
    await expect(retriesGranted(strategy, network('ECONNREFUSED'))).resolves.toHaveLength(2);
    // A region typo: sts.us-eest-1.amazonaws.com never resolves; 8 attempts took 22 s.
    await expect(retriesGranted(strategy, network('ENOTFOUND'))).resolves.toHaveLength(2);
    await expect(retriesGranted(strategy, network('EAI_AGAIN'))).resolves.toHaveLength(7);
  });

  it('keeps no retry quota: a long throttling storm never exhausts the retries', async () => {
    const strategy = new FullJitterRetryStrategy(POLICY, () => 0);
    for (let call = 0; call < 500; call += 1) {
      await expect(retriesGranted(strategy, info('THROTTLING', 'Throttling'))).resolves.toHaveLength(
        POLICY.maxAttempts - 1,
      );
    }
  });
});
