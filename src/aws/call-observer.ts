import { AsyncLocalStorage } from 'node:async_hooks';
import type { ApiLimiter } from './api-limiter.js';
import type { AwsPorts, CloudFormationPort, SsmPort } from './ports.js';

/** A failed attempt that is about to be sent again. */
export interface RetryNotice {
  /** The API operation, e.g. `DescribeStacks`. */
  operation: string;
  /** Attempts of this call so far, the failed one included. */
  attempt: number;
  /** How long before the next attempt. */
  delayMs: number;
  /** The failed attempt's error code (`Throttling`, `NetworkError`, an HTTP status ...). */
  error: string;
}

/**
 * Who wants to know what one logical port call costs on the wire. The SDK retries inside its
 * own middleware and the simulator's ports inside `resilientPorts`, below the port interface:
 * the observers in scope are how those attempts reach the code that made the call (a stack's
 * `apiCalls`, `api:retry` events).
 */
export interface CallObserver {
  /** One HTTP attempt is sent (it took a limiter token). */
  attempt?: () => void;
  /** A failed attempt will be retried. */
  retry?: (notice: RetryNotice) => void;
  /**
   * The call is over, after `attempts` attempts seen below it: 0 when the ports beneath report
   * none (a port without a retry layer, a test fake), which is then one request.
   */
  settled?: (attempts: number) => void;
}

interface Entry {
  observer: CallObserver;
  attempts: number;
}

interface Scope {
  operation: string;
  entries: readonly Entry[];
}

/**
 * The calls in progress carry their observers through every await below them (SDK middleware,
 * limiter waits, retry sleeps), so that concurrent stacks' attempts are told apart.
 */
const scope = new AsyncLocalStorage<Scope>();

/** The API operation behind each port method, for retry notices. */
const OPERATIONS: Readonly<Record<string, string>> = {
  describeStack: 'DescribeStacks',
  getTemplate: 'GetTemplate',
  createChangeSet: 'CreateChangeSet',
  describeChangeSet: 'DescribeChangeSet',
  deleteChangeSet: 'DeleteChangeSet',
  executeChangeSet: 'ExecuteChangeSet',
  describeStackEvents: 'DescribeStackEvents',
  deleteStack: 'DeleteStack',
  listStackResources: 'ListStackResources',
  cancelUpdateStack: 'CancelUpdateStack',
  updateTerminationProtection: 'UpdateTerminationProtection',
  listImports: 'ListImports',
  listChangeSets: 'ListChangeSets',
  listStacks: 'DescribeStacks',
  detectStackDrift: 'DetectStackDrift',
  describeStackDriftDetectionStatus: 'DescribeStackDriftDetectionStatus',
  describeStackResourceDrifts: 'DescribeStackResourceDrifts',
  listStackSummaries: 'ListStacks',
  createStackRefactor: 'CreateStackRefactor',
  describeStackRefactor: 'DescribeStackRefactor',
  listStackRefactorActions: 'ListStackRefactorActions',
  executeStackRefactor: 'ExecuteStackRefactor',
  listStackRefactors: 'ListStackRefactors',
  getParameter: 'GetParameter',
  putParameter: 'PutParameter',
};

export function operationOf(method: string): string {
  return Object.hasOwn(OPERATIONS, method) ? (OPERATIONS[method] ?? method) : method;
}

/** Runs `call` with `observer` added to those already in scope. */
export async function observeCall<T>(observer: CallObserver, operation: string, call: () => Promise<T>): Promise<T> {
  const entry: Entry = { observer, attempts: 0 };
  const outer = scope.getStore();
  try {
    return await scope.run({ operation, entries: [...(outer?.entries ?? []), entry] }, call);
  } finally {
    observer.settled?.(entry.attempts);
  }
}

/** Tells every observer in scope that one attempt is being sent. */
export function noteAttempt(): void {
  for (const entry of scope.getStore()?.entries ?? []) {
    entry.attempts += 1;
    entry.observer.attempt?.();
  }
}

/**
 * Tells of a retry once: to the first observer in scope that listens for retries, the one that
 * wrapped the ports first (a stack's view of them before the run's).
 */
export function noteRetry(notice: Omit<RetryNotice, 'operation'>): void {
  const current = scope.getStore();
  if (!current) return;
  // The outermost observer has seen every attempt of the logical call, also those of earlier
  // rounds of retries (patient reads): the count goes on instead of starting again at 1.
  const attempt = Math.max(notice.attempt, current.entries[0]?.attempts ?? 0);
  current.entries.find((e) => e.observer.retry)?.observer.retry?.({ operation: current.operation, ...notice, attempt });
}

/** A limiter whose every granted token counts as one attempt of the call in scope. */
export function attemptCountingLimiter(limiter: ApiLimiter): ApiLimiter {
  return {
    async acquire(signal, priority) {
      await limiter.acquire(signal, priority);
      noteAttempt();
    },
    noteThrottled: () => limiter.noteThrottled?.(),
  };
}

/**
 * The CloudFormation and SSM ports with `observer` in scope of every call. S3 is left as it is:
 * it takes no limiter token and is not part of the API budget.
 */
export function observedPorts(ports: AwsPorts, observer: CallObserver): AwsPorts {
  return {
    cloudFormation: observing<CloudFormationPort>(ports.cloudFormation, observer),
    ssm: observing<SsmPort>(ports.ssm, observer),
    s3: ports.s3,
  };
}

function observing<T extends object>(target: T, observer: CallObserver): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value: unknown = Reflect.get(object, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      return (...args: unknown[]): unknown =>
        observeCall(observer, operationOf(property), async () =>
          (value as (...a: unknown[]) => Promise<unknown>).apply(object, args),
        );
    },
  });
}
