import { StackpilotError } from '../errors.js';
import { formatDuration } from '../format-duration.js';

/**
 * An AWS API refusal, SDK-free so the engine can inspect it: `awsCode` is the wire error code
 * (e.g. `ValidationError`, `Throttling`), `message` the service's own words.
 */
export class AwsError extends StackpilotError {
  readonly code = 'AWS';
  readonly source = 'aws';
  readonly awsCode: string;
  readonly operation: string;
  readonly httpStatus: number | undefined;

  constructor(
    operation: string,
    awsCode: string,
    message: string,
    httpStatus: number | undefined,
    cause?: unknown,
    hint?: string,
  ) {
    super(`${operation}: ${awsCode}: ${message}`, {
      ...(cause === undefined ? {} : { cause }),
      ...(hint === undefined ? {} : { hint }),
    });
    this.operation = operation;
    this.awsCode = awsCode;
    this.httpStatus = httpStatus;
  }

  /** The service's message without our prefix. */
  get serviceMessage(): string {
    return this.message.slice(this.operation.length + this.awsCode.length + 4);
  }
}

/** The synchronous "nothing to do" answer of UpdateStack / CreateChangeSet (CLOUDFORMATION.md §2.3). */
export function isNoUpdatesError(error: unknown): boolean {
  return (
    error instanceof AwsError &&
    error.awsCode === 'ValidationError' &&
    /No updates are to be performed/.test(error.message)
  );
}

/** The two reasons of a FAILED change set that mean "no changes" (CLOUDFORMATION.md §2.3). */
export function isNoChangesReason(reason: string | undefined): boolean {
  if (reason === undefined) return false;
  return (
    reason.includes("The submitted information didn't contain changes") ||
    reason.includes('No updates are to be performed')
  );
}

/** `awsCode` of a call that never got an answer: connection refused or reset, DNS, timeout. */
export const NETWORK_ERROR = 'NetworkError';

/** `awsCode` of a call that got no answer before its deadline (connect, response or call; deadlines.ts). */
export const NO_ANSWER = 'NoAnswer';

/**
 * A call that ran out of its deadline: the endpoint accepted nothing, or accepted the connection
 * and never answered. Not retried by anyone: its own attempts already filled the deadline.
 */
export class NoAnswerError extends AwsError {
  readonly endpoint: string;

  constructor(operation: string, endpoint: string, deadlineMs: number, cause?: unknown) {
    super(
      operation,
      NO_ANSWER,
      `the endpoint did not answer within ${formatDuration(deadlineMs)}: ${endpoint}`,
      undefined,
      cause,
      'check that the endpoint is right (--endpoint-url, AWS_ENDPOINT_URL, the region) and reachable; ' +
        'a slow network can get longer deadlines through STACKPILOT_AWS_DEADLINES (see the README)',
    );
    this.endpoint = endpoint;
  }
}

/**
 * `awsCode` of a call whose deadline passed while it waited for a token of the shared rate
 * limiter: the run queued more calls than --api-rate lets through in time.
 */
export const NO_API_SLOT = 'NoApiSlot';

/** DescribeStacks' answer for a name that resolves to no live stack (CLOUDFORMATION.md §5). */
export function isStackNotFoundError(error: unknown): boolean {
  return (
    error instanceof AwsError &&
    error.awsCode === 'ValidationError' &&
    /^Stack with id .* does not exist$/.test(error.serviceMessage)
  );
}
