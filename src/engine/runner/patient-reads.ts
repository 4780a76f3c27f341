import { observeCall, operationOf } from '../../aws/call-observer.js';
import type { RetryNotice } from '../../aws/call-observer.js';
import { AwsError, NETWORK_ERROR } from '../../aws/errors.js';
import type { AwsPorts, CloudFormationPort, SsmPort } from '../../aws/ports.js';
import { isRetryableAwsError, seededRandom } from '../../aws/resilient-ports.js';
import { backoffDelayMs } from '../../aws/retry-strategy.js';
import type { RetryPolicy } from '../../aws/retry-strategy.js';
import type { Clock } from '../../clock.js';

export interface PatientReadsOptions {
  clock: Clock;
  /**
   * How long one read may keep being refused before its error stands: the stack's wait deadline
   * (`--wait-timeout`).
   */
  patienceMs: number;
  /** Jitter of the backoff. @default a seeded sequence (replayable virtual runs) */
  random?: () => number;
  /** Told of every retry this layer makes. */
  onRetry?: (notice: RetryNotice) => void;
}

/** The port methods that only read: repeating them changes nothing. */
const READS = new Set([
  'describeStack',
  'getTemplate',
  'describeChangeSet',
  'describeStackEvents',
  'listImports',
  'listChangeSets',
  'listStacks',
  'describeStackDriftDetectionStatus',
  'describeStackResourceDrifts',
  'listStackSummaries',
  'listStackResources',
  'describeStackRefactor',
  'listStackRefactorActions',
  'listStackRefactors',
  'getParameter',
]);

/** Between rounds of the port's own retries: a throttled account needs seconds, not milliseconds. */
const BACKOFF: RetryPolicy = { maxAttempts: Number.POSITIVE_INFINITY, baseDelayMs: 1_000, maxDelayMs: 20_000 };

/**
 * A refusal from a service that is there (throttling, 429, 5xx), as opposed to one that did not
 * answer at all: the former ends when the load does, the latter may never.
 */
export function isRefusal(error: unknown): error is AwsError {
  return error instanceof AwsError && isRetryableAwsError(error) && error.awsCode !== NETWORK_ERROR;
}

/**
 * Reads that keep being refused are sent again until the wait deadline, instead of failing the
 * stack once the port's bounded retries (8 attempts through the SDK, 10 on the simulator) are
 * spent: under heavy throttling an operation that completed must not be reported failed. Each
 * attempt still goes through the ports, so through the shared limiter, and is counted. Calls that
 * change something keep their bounded attempts, and a read the endpoint does not answer at all
 * fails as before (the caller decides what that means: `unknown` once a change set was executed).
 */
export function patientReads(ports: AwsPorts, options: PatientReadsOptions): AwsPorts {
  const random = options.random ?? seededRandom(1);
  const patient = async <T>(method: string, call: () => Promise<T>): Promise<T> => {
    const started = options.clock.now();
    let attempts = 0;
    const counter = {
      attempt: () => {
        attempts += 1;
      },
    };
    for (let round = 1; ; round += 1) {
      try {
        return await observeCall(counter, operationOf(method), call);
      } catch (error) {
        if (!isRefusal(error)) throw error;
        const delayMs = backoffDelayMs(round, BACKOFF, random);
        if (options.clock.now() - started + delayMs > options.patienceMs) throw error;
        options.onRetry?.({
          operation: operationOf(method),
          attempt: Math.max(attempts, round),
          delayMs,
          error: error.awsCode,
        });
        await options.clock.sleep(delayMs);
      }
    }
  };
  return {
    cloudFormation: withPatientReads<CloudFormationPort>(ports.cloudFormation, patient),
    ssm: withPatientReads<SsmPort>(ports.ssm, patient),
    s3: ports.s3,
  };
}

type Patient = <T>(method: string, call: () => Promise<T>) => Promise<T>;

function withPatientReads<T extends object>(target: T, patient: Patient): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value: unknown = Reflect.get(object, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string' || !READS.has(property)) return value;
      return (...args: unknown[]): unknown =>
        patient(property, async () => (value as (...a: unknown[]) => Promise<unknown>).apply(object, args));
    },
  });
}
