import type { CloudFormationPort, StackDescription, StackEvent } from '../../aws/ports.js';
import type { Clock } from '../../clock.js';
import type { RootCause } from '../events.js';
import { isInProgress, isRootCauseCandidate } from '../stack-status.js';

export interface FollowOptions {
  stackId: string;
  stackName: string;
  /** ExecuteChangeSet's ClientRequestToken: every event of this operation carries it (§3.1). */
  clientRequestToken: string;
  /** Tokens of later calls that continue the operation (CancelUpdateStack's rollback is stamped with its own token). */
  otherTokens?: readonly string[];
  /** When the operation was started, by `clock`; bounds the events of emulators that send no token. */
  operationStart: number;
  clock: Clock;
  onEvent: (event: StackEvent) => void;
  /** Checked between polls: on abort the follower returns what it has (status `undefined`). */
  signal?: AbortSignal;
  /** @default { mode: 'adaptive' } */
  polling?: FollowPolling;
  /** Resources the change set touches: when all have completed, the end is near. */
  totalChanges?: number;
  /** What this stack's execution took last time, when a run recorded it. */
  expectedMs?: number;
}

/**
 * How an operation is followed. `adaptive` is ours: events first at `minDelayMs`, the delay
 * doubling (up to `maxDelayMs`) while nothing happens, completion taken from the stack's own
 * terminal event. `fixed` models peers such as the CDK: events every `eventsMs` for display,
 * DescribeStacks every `statusMs`, completion noticed only from the status.
 */
export type FollowPolling =
  | { mode: 'adaptive'; minDelayMs?: number; maxDelayMs?: number }
  | { mode: 'fixed'; eventsMs: number; statusMs: number };

export interface FollowResult {
  /** The stack once its status left *_IN_PROGRESS; undefined when following was stopped. */
  stack: StackDescription | undefined;
  /** This operation's events, oldest first. */
  events: StackEvent[];
}

/** Emulators without tokens: their clocks may lag ours slightly. */
const CLOCK_SKEW_MS = 2_000;
/** Even when events keep coming, confirm the status every so often (events can be missed). */
const STATUS_CHECK_EVERY = 5;

/**
 * Follows one stack operation to its end (CLOUDFORMATION.md §8): tails DescribeStackEvents
 * newest-first down to what it has already seen or to the operation's first event, and derives
 * completion from the stack's own terminal event, confirmed by one DescribeStacks (reads can be
 * stale; then DescribeStacks alone is repeated: the terminal event is the operation's last). Polls
 * back off while nothing happens, so a slow stack costs few calls.
 */
export async function followOperation(cf: CloudFormationPort, options: FollowOptions): Promise<FollowResult> {
  const polling = options.polling ?? { mode: 'adaptive' };
  const minDelay = polling.mode === 'adaptive' ? (polling.minDelayMs ?? 1_000) : polling.eventsMs;
  const maxDelay = polling.mode === 'adaptive' ? (polling.maxDelayMs ?? 15_000) : polling.eventsMs;
  let lastStatusCheck = options.clock.now();
  const seen = new Set<string>();
  const events: StackEvent[] = [];
  let delay = minDelay;
  let polls = 0;
  /** The stack's own terminal event arrived, but DescribeStacks may still be stale: check every poll. */
  let rootDone = false;

  const completed = new Set<string>();
  /** When each completion happened (event time), and when (our clock) the latest new one was seen. */
  const completedAt: number[] = [];
  let progressSeenAt = options.clock.now();
  /**
   * Adaptive polling: wait about half the time the operation still needs, so a slow stack costs
   * few calls and its end is noticed soon. What it still needs comes from the record of an
   * earlier run, else from its own progress (resources completed out of those the change set
   * touches); with neither, the delay doubles while nothing happens.
   */
  const nextDelay = (): number => {
    for (const e of events)
      if (!isRootEvent(e, options.stackName) && e.status.endsWith('_COMPLETE') && !completed.has(e.logicalId)) {
        completed.add(e.logicalId);
        completedAt.push(e.timestamp.getTime());
        progressSeenAt = options.clock.now();
      }
    const total = options.totalChanges ?? 0;
    if (rootDone || (total > 0 && completed.size >= total)) return minDelay;
    const elapsed = options.clock.now() - options.operationStart;
    let remaining: number | undefined;
    if (options.expectedMs !== undefined) remaining = options.expectedMs - elapsed;
    else if (total > 0 && completed.size >= 2)
      remaining = paceRemaining(completedAt, total) - (options.clock.now() - progressSeenAt);
    else if (total > 0 && completed.size > 0) remaining = (elapsed * (total - completed.size)) / completed.size;
    // Progress stalled past its own pace (one slow resource among quick ones): back off as with no progress.
    if (remaining === undefined || (options.expectedMs === undefined && remaining <= 0))
      return Math.min(maxDelay, delay * 2);
    return Math.max(minDelay, Math.min(maxDelay, remaining / 2));
  };

  const belongs = (event: StackEvent): boolean => {
    if (event.clientRequestToken !== undefined)
      return (
        event.clientRequestToken === options.clientRequestToken ||
        (options.otherTokens?.includes(event.clientRequestToken) ?? false)
      );
    return event.timestamp.getTime() >= options.operationStart - CLOCK_SKEW_MS;
  };

  const fetchNew = async (): Promise<StackEvent[]> => {
    const fresh: StackEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await cf.describeStackEvents(options.stackId, nextToken);
      for (const event of page.events) {
        if (seen.has(event.eventId) || !belongs(event)) return fresh.reverse();
        fresh.push(event);
      }
      nextToken = page.nextToken;
    } while (nextToken !== undefined);
    return fresh.reverse();
  };

  for (;;) {
    polls += 1;
    // After the stack's own terminal event there are no more events of this operation: only
    // the status is still to confirm (a read can be stale), not worth another DescribeStackEvents.
    const fresh: StackEvent[] = rootDone ? [] : await fetchNew();
    for (const event of fresh) {
      seen.add(event.eventId);
      events.push(event);
      options.onEvent(event);
    }
    const statusDue =
      polling.mode === 'fixed'
        ? options.clock.now() - lastStatusCheck >= polling.statusMs
        : (rootDone ||= fresh.some((e) => isRootEvent(e, options.stackName) && !isInProgress(e.status))) ||
          polls % STATUS_CHECK_EVERY === 0;
    if (statusDue) {
      lastStatusCheck = options.clock.now();
      const stack = await cf.describeStack(options.stackId);
      // A read right after execute may still say REVIEW_IN_PROGRESS (§1.5): that is not the end.
      if (stack && !isInProgress(stack.status)) {
        // Completion seen from the status alone: the last events may not have been read yet.
        const last: StackEvent[] = rootDone ? [] : await fetchNew();
        for (const event of last) {
          seen.add(event.eventId);
          events.push(event);
          options.onEvent(event);
        }
        return { stack, events };
      }
    }
    if (options.signal?.aborted) return { stack: undefined, events };
    delay = polling.mode === 'fixed' ? minDelay : nextDelay();
    try {
      await options.clock.sleep(delay, options.signal);
    } catch {
      return { stack: undefined, events };
    }
  }
}

/**
 * What an operation still needs at the pace its resources have been completing: CloudFormation
 * starts independent resources together and they complete over a spread of times, so the time
 * between the first and the latest completion, not the time since the start, predicts the rest.
 */
export function paceRemaining(completedAt: readonly number[], total: number): number {
  const first = Math.min(...completedAt);
  const latest = Math.max(...completedAt);
  return ((latest - first) / (completedAt.length - 1)) * (total - completedAt.length);
}

export function isRootEvent(event: StackEvent, stackName: string): boolean {
  return event.resourceType === 'AWS::CloudFormation::Stack' && event.logicalId === stackName;
}

/**
 * The first real failure of the operation: the oldest *_FAILED resource event whose reason is
 * not a cancellation cascade; else the stack's own failure reason (template-level failures such
 * as `No export named X found` have no resource event, §3.2).
 */
export function findRootCause(
  events: readonly StackEvent[],
  stackName: string,
  stack: StackDescription | undefined,
): RootCause | undefined {
  const resourceFailure = events.find((e) => !isRootEvent(e, stackName) && isRootCauseCandidate(e.status, e.reason));
  if (resourceFailure) {
    return {
      logicalId: resourceFailure.logicalId,
      resourceType: resourceFailure.resourceType,
      status: resourceFailure.status,
      reason: resourceFailure.reason ?? '(no reason given)',
    };
  }
  const stackFailure = events.find(
    (e) =>
      isRootEvent(e, stackName) &&
      e.reason !== undefined &&
      /FAILED|ROLLBACK/.test(e.status) &&
      e.reason !== 'User Initiated',
  );
  if (stackFailure) {
    return {
      logicalId: stackFailure.logicalId,
      resourceType: stackFailure.resourceType,
      status: stackFailure.status,
      reason: stackFailure.reason ?? '',
    };
  }
  if (stack?.statusReason) {
    return {
      logicalId: stack.stackName,
      resourceType: 'AWS::CloudFormation::Stack',
      status: stack.status,
      reason: stack.statusReason,
    };
  }
  return undefined;
}
