import type { Clock } from '../clock.js';
import { AwsError, NETWORK_ERROR } from './errors.js';
import type { AwsPorts, CloudFormationPort, S3Port, SsmPort } from './ports.js';
import type { ApiLimiter } from './api-limiter.js';
import { noteAttempt, noteRetry } from './call-observer.js';
import { callPriority } from './call-priority.js';
import { THROTTLING_CODES, isThrottlingError } from './throttling.js';
import { backoffDelayMs } from './retry-strategy.js';
import type { RetryPolicy } from './retry-strategy.js';

/**
 * Generous on purpose: a throttled read in the middle of a deploy must be retried, never fail
 * the stack. Ten attempts with full jitter ride out minutes of heavy throttling.
 */
export const RESILIENT_RETRY_POLICY: RetryPolicy = { maxAttempts: 10, baseDelayMs: 250, maxDelayMs: 20_000 };

export interface ResilientPortsOptions {
  /** Shared by every call of the run: one token per attempt, retries included. */
  limiter: ApiLimiter;
  /** Backoffs are slept on it, so virtual runs back off in virtual time. */
  clock: Clock;
  retry?: Partial<RetryPolicy>;
  /** Randomness of the jitter, for deterministic runs. @default a sequence seeded with `seed` */
  random?: () => number;
  /** @default 1 */
  seed?: number;
  /** Aborts limiter waits and backoff sleeps. */
  signal?: AbortSignal;
  /** Told about every retry (for logs and tests). */
  onRetry?: (info: { operation: string; attempt: number; delayMs: number; error: AwsError }) => void;
}

/** Throttling codes of AWS services (the SDK's list), plus transient failures worth another try. */
const RETRYABLE_CODES = new Set([
  ...THROTTLING_CODES,
  NETWORK_ERROR,
  'UnknownError',
  'RequestTimeout',
  'RequestTimeoutException',
  'InternalFailure',
  'ServiceUnavailable',
]);

export function isRetryableAwsError(error: unknown): error is AwsError {
  if (!(error instanceof AwsError)) return false;
  return (
    RETRYABLE_CODES.has(error.awsCode) ||
    (error.httpStatus !== undefined && (error.httpStatus >= 500 || error.httpStatus === 429))
  );
}

/**
 * What the SDK adapters get from SDK middleware, for ports that have none (the simulator): every
 * CloudFormation and SSM call first takes a token from the shared limiter (S3 calls do not); a
 * throttled or transient failure is retried with capped exponential backoff and full jitter,
 * slept on the given clock. Other errors pass
 * through at once. Throttled calls were never executed by the service, so even the mutating
 * calls are safe to repeat; their client tokens cover the transient cases.
 */
export function resilientPorts(ports: AwsPorts, options: ResilientPortsOptions): AwsPorts {
  const policy: RetryPolicy = { ...RESILIENT_RETRY_POLICY, ...options.retry };
  const random = options.random ?? seededRandom(options.seed ?? 1);

  const retrying =
    (limited: boolean): Caller =>
    async <T>(operation: string, attempt: () => Promise<T>): Promise<T> => {
      for (let tries = 1; ; tries += 1) {
        if (limited) {
          await options.limiter.acquire(options.signal, callPriority());
          noteAttempt();
        } else options.signal?.throwIfAborted();
        try {
          return await attempt();
        } catch (error) {
          if (limited && isThrottlingError(error)) options.limiter.noteThrottled?.();
          if (!isRetryableAwsError(error) || tries >= policy.maxAttempts) throw error;
          const delayMs = backoffDelayMs(tries, policy, random);
          options.onRetry?.({ operation, attempt: tries, delayMs, error });
          if (limited) noteRetry({ attempt: tries, delayMs, error: error.awsCode });
          await options.clock.sleep(delayMs, options.signal);
        }
      }
    };

  const limited = retrying(true);
  return {
    cloudFormation: wrap(ports.cloudFormation, limited),
    ssm: wrap(ports.ssm, limited),
    // The same retries but no limiter token, as the SDK S3 client has (sdk-clients.ts): S3 calls
    // are not CloudFormation API calls and must not eat the run's --api-rate budget.
    s3: wrap(ports.s3, retrying(false)),
  };
}

type Caller = <T>(operation: string, attempt: () => Promise<T>) => Promise<T>;

/** Every method of a port, through `call`; the port's own `this` is kept. */
function wrap<P extends CloudFormationPort | SsmPort | S3Port>(port: P, call: Caller): P {
  const wrapped: Record<string, unknown> = {};
  for (const key of methodNames(port)) {
    const method = (port as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)[key];
    if (typeof method !== 'function') continue;
    wrapped[key] = (...args: unknown[]) => call(key, () => method.apply(port, args));
  }
  return wrapped as P;
}

/** Own and prototype methods (a port may be a class instance). */
function methodNames(port: object): string[] {
  const names = new Set<string>();
  for (
    let o: object | null = port;
    o !== null && o !== Object.prototype;
    o = Object.getPrototypeOf(o) as object | null
  ) {
    for (const name of Object.getOwnPropertyNames(o)) if (name !== 'constructor') names.add(name);
  }
  return [...names];
}

/** mulberry32: deterministic jitter for virtual runs. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
