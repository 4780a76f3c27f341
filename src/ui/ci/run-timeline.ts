import type { StackOutcome } from '../../engine/events.js';
import { dependenciesOf } from '../../graph/types.js';
import type { StackGraph } from '../../graph/types.js';
import type { RunRecord, StackRecord } from './run-record.js';

/** One stretch of a stack's work on the run's timeline, in ms since the epoch. */
export interface TimelineBar {
  stack: string;
  /**
   * `change-set`: a change set made early, before the stack waited for its dependencies (shown
   * apart so the wait does not read as work); `work`: the rest, or all of it when it never waited.
   */
  part: 'change-set' | 'work';
  from: number;
  to: number;
  outcome: StackOutcome | undefined;
}

/** A stack that ended without doing any work of its own (skipped before it started). */
export interface TimelineMark {
  stack: string;
  at: number;
  outcome: StackOutcome | undefined;
}

export interface Timeline {
  bars: TimelineBar[];
  marks: TimelineMark[];
  /** The chain of stacks that set the run's length, first to last; see `observedCriticalPath`. */
  criticalPath: string[];
}

export function runTimeline(run: RunRecord, graph: StackGraph): Timeline {
  const bars: TimelineBar[] = [];
  const marks: TimelineMark[] = [];
  const lastSeen = run.doneAt ?? run.lastAt ?? 0;
  for (const stack of run.stacks.values()) {
    const bar = (part: TimelineBar['part'], from: number, to: number): void => {
      bars.push({ stack: stack.id, part, from, to: Math.max(from, to), outcome: stack.outcome });
    };
    const end = stack.doneAt ?? lastSeen;
    if (stack.startedAt === undefined) {
      if (stack.doneAt !== undefined) marks.push({ stack: stack.id, at: stack.doneAt, outcome: stack.outcome });
      continue;
    }
    const waitedAfterChangeSet =
      stack.changeSetAt !== undefined &&
      (stack.executingAt ?? end) > stack.changeSetAt &&
      (stack.executingAt !== undefined || stack.outcome === 'skipped');
    if (waitedAfterChangeSet && stack.changeSetAt !== undefined) {
      bar('change-set', stack.startedAt, stack.changeSetAt);
      if (stack.executingAt !== undefined) bar('work', stack.executingAt, end);
      else marks.push({ stack: stack.id, at: end, outcome: stack.outcome });
    } else {
      bar('work', stack.startedAt, end);
    }
  }
  return { bars, marks, criticalPath: observedCriticalPath(run, graph, bars) };
}

/**
 * The run's critical path as it happened: from the stack whose work ended last, back through the
 * dependency that finished last before it (the one it was waiting for), to a stack with none.
 * Shortening any stack on it would have shortened the run; the others had slack.
 */
export function observedCriticalPath(run: RunRecord, graph: StackGraph, bars: readonly TimelineBar[]): string[] {
  const workEnd = new Map<string, number>();
  for (const bar of bars) workEnd.set(bar.stack, Math.max(workEnd.get(bar.stack) ?? bar.to, bar.to));
  let current: string | undefined;
  for (const [id, end] of workEnd) if (current === undefined || end > (workEnd.get(current) ?? 0)) current = id;
  const path: string[] = [];
  while (current !== undefined && !path.includes(current)) {
    path.unshift(current);
    let gate: StackRecord | undefined;
    for (const dep of dependenciesOf(graph, current)) {
      const record = run.stacks.get(dep);
      if (
        record?.doneAt !== undefined &&
        workEnd.has(dep) &&
        (gate?.doneAt === undefined || record.doneAt > gate.doneAt)
      )
        gate = record;
    }
    current = gate?.id;
  }
  return path;
}
