import { AwsError } from '../../aws/errors.js';
import type { CloudFormationPort, StackEvent } from '../../aws/ports.js';
import type { Clock } from '../../clock.js';
import type { StackDurations } from './schedule-plan.js';

/**
 * What each stack's last completed operation took, read from CloudFormation's own events: the
 * priorities of a run that has no local durations file (a fresh CI checkout), so it is ordered as
 * well as a laptop that keeps one. Only a help: whatever cannot be read in time, or at all, is
 * left to the resource-type priors, and nothing here ever fails the run.
 */
export interface EventDurationsOptions {
  clock: Clock;
  /** For the whole read; stacks not read by then keep their priors. @default 5_000 */
  deadlineMs?: number;
  /** Stacks read at a time. @default 4 */
  concurrency?: number;
  /** DescribeStackEvents pages per stack at most (a long tail of failed attempts is not worth more). @default 5 */
  maxPages?: number;
}

export interface EventDurations {
  /** By config id: `executeMs` of the last CREATE or UPDATE that completed. */
  durations: Record<string, StackDurations>;
  /** Not deployed, or no completed operation within the pages read. */
  none: string[];
  /** Stacks whose events could not be read, with CloudFormation's reason. */
  failed: { stack: string; reason: string }[];
  /** Not read before the deadline. */
  unread: string[];
}

export const DEFAULT_EVENTS_DEADLINE_MS = 5_000;

/** The stack's own event that starts the operation a terminal event ends. */
const STARTED_BY: Readonly<Record<string, string>> = {
  CREATE_COMPLETE: 'CREATE_IN_PROGRESS',
  UPDATE_COMPLETE: 'UPDATE_IN_PROGRESS',
};

export async function durationsFromEvents(
  cf: CloudFormationPort,
  stacks: readonly { id: string; stackName: string }[],
  options: EventDurationsOptions,
): Promise<EventDurations> {
  const result: EventDurations = { durations: {}, none: [], failed: [], unread: [] };
  const maxPages = options.maxPages ?? 5;
  const pending = [...stacks];
  const expiry = new AbortController();
  const worker = async (): Promise<void> => {
    for (let next = pending.shift(); next !== undefined && !expiry.signal.aborted; next = pending.shift()) {
      const stack = next;
      try {
        const ms = await lastOperationMs(cf, stack.stackName, maxPages, expiry.signal);
        // Past the deadline the stack counts as unread, whatever came back.
        if (expiry.signal.aborted) return;
        if (ms === undefined) result.none.push(stack.id);
        else result.durations[stack.id] = { executeMs: ms };
      } catch (error) {
        if (expiry.signal.aborted) return;
        if (isMissingStack(error)) result.none.push(stack.id);
        else result.failed.push({ stack: stack.id, reason: error instanceof Error ? error.message : String(error) });
      }
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 4, stacks.length)) }, worker);
  const done = new AbortController();
  // Calls in flight at the deadline are left to finish on their own; their answers are ignored.
  const deadline = options.clock.sleep(options.deadlineMs ?? DEFAULT_EVENTS_DEADLINE_MS, done.signal).then(
    () => expiry.abort(),
    () => undefined,
  );
  await Promise.race([Promise.all(workers), deadline]);
  done.abort();
  expiry.abort();
  const settled = new Set([...Object.keys(result.durations), ...result.none, ...result.failed.map((f) => f.stack)]);
  result.unread = stacks.map((s) => s.id).filter((id) => !settled.has(id));
  return result;
}

/**
 * Newest first, down to the last CREATE_COMPLETE / UPDATE_COMPLETE of the stack itself and on to
 * the event that started it; `undefined` when the pages end (or `maxPages` are read) first.
 */
async function lastOperationMs(
  cf: CloudFormationPort,
  stackName: string,
  maxPages: number,
  signal: AbortSignal,
): Promise<number | undefined> {
  let end: StackEvent | undefined;
  let nextToken: string | undefined;
  for (let page = 0; page < maxPages && !signal.aborted; page += 1) {
    const answer = await cf.describeStackEvents(stackName, nextToken);
    for (const event of answer.events) {
      if (event.resourceType !== 'AWS::CloudFormation::Stack' || event.logicalId !== stackName) continue;
      if (end === undefined) {
        if (Object.hasOwn(STARTED_BY, event.status)) end = event;
      } else if (event.status === STARTED_BY[end.status]) {
        return Math.max(0, end.timestamp.getTime() - event.timestamp.getTime());
      }
    }
    nextToken = answer.nextToken;
    if (nextToken === undefined) return undefined;
  }
  return undefined;
}

/** DescribeStackEvents of a name with no stack: `Stack [name] does not exist` (a stack this run creates). */
function isMissingStack(error: unknown): boolean {
  return (
    error instanceof AwsError && error.awsCode === 'ValidationError' && /does not exist/.test(error.serviceMessage)
  );
}
