import type { StackOutcome } from '../../engine/events.js';
import { formatDuration } from '../../format-duration.js';
import type { DashboardState, StackView } from './store.js';

/** What a stack counts as in the footer and in the summary lines. */
export type StackCategory = 'running' | 'approval' | 'waiting' | StackOutcome;

/** Footer order: what is going on first, then results. */
export const CATEGORY_ORDER: readonly StackCategory[] = [
  'running',
  'approval',
  'waiting',
  'created',
  'updated',
  'unchanged',
  'failed',
  'unknown',
  'blocked',
  'skipped',
  'deleted',
  'absent',
];

const CATEGORY_WORDS: Record<StackCategory, string> = {
  running: 'running',
  approval: 'awaiting approval',
  waiting: 'waiting',
  created: 'created',
  updated: 'updated',
  unchanged: 'unchanged',
  failed: 'failed',
  unknown: 'state unknown',
  blocked: 'blocked',
  skipped: 'skipped',
  deleted: 'deleted',
  absent: 'not deployed',
};

export function categoryWords(category: StackCategory): string {
  return CATEGORY_WORDS[category];
}

export function isAwaitingApproval(state: DashboardState, id: string): boolean {
  return state.approvals.some((r) => r.stack === id);
}

export function categoryOf(state: DashboardState, s: StackView): StackCategory {
  if (s.state === 'done') return s.outcome ?? 'failed';
  if (isAwaitingApproval(state, s.id)) return 'approval';
  if (s.state === 'queued' || s.state === 'waiting' || s.state === 'parked') return 'waiting';
  return 'running';
}

/** Work is going on: the row gets a spinner. */
export function isActive(state: DashboardState, s: StackView): boolean {
  return categoryOf(state, s) === 'running';
}

/** The dependencies a waiting stack still waits for. */
function pendingDependencies(state: DashboardState, s: StackView): string[] {
  return s.waitingOn.filter((dep) => state.stacks[dep]?.state !== 'done');
}

/** The phase in words: `waiting for data`, `executing 12/30`, `created in 2m13s`, `skipped: data failed`. */
export function phaseText(state: DashboardState, s: StackView): string {
  if (s.state !== 'done' && isAwaitingApproval(state, s.id)) return 'awaiting approval';
  switch (s.state) {
    case 'queued':
      return 'queued';
    case 'waiting': {
      const pending = pendingDependencies(state, s);
      return pending.length > 0 ? `waiting for ${pending.join(', ')}` : 'queued';
    }
    case 'starting':
      return 'starting';
    case 'settling':
      return `stack busy: ${s.detail ?? ''}`;
    case 'replacing':
      return 'deleting failed stack';
    case 'creating-change-set':
      return 'creating change set';
    case 'change-set-ready':
      return 'change set ready';
    case 'parked':
      return 'waiting to execute';
    case 'executing':
      if (s.deleting) return s.total ? `deleting ${s.completed.length}/${s.total}` : 'deleting';
      return s.total ? `executing ${s.completed.length}/${s.total}` : 'executing';
    case 'done':
      switch (s.outcome) {
        case 'created':
        case 'updated':
          return `${s.outcome} in ${formatDuration(s.durationMs ?? 0)}`;
        case 'skipped':
        case 'blocked':
          return `${s.outcome}: ${s.reason ?? ''}`;
        case 'unknown':
          return 'state unknown';
        case 'unchanged':
          return 'unchanged';
        case 'deleted':
          return `deleted in ${formatDuration(s.durationMs ?? 0)}`;
        case 'absent':
          return 'not deployed';
        case 'failed':
        case undefined:
          return 'failed';
      }
  }
}

/**
 * How long the stack has been worked on (its change set, then its execution, not the wait between
 * nor the wait for an approval, as `stack:done.durationMs` counts it), or took; undefined before
 * it starts.
 */
export function stackElapsedMs(s: StackView, now: number): number | undefined {
  if (s.startedAt === undefined) return undefined;
  if (s.state === 'done') return s.durationMs;
  const waited = s.approvalWaitMs ?? 0;
  if (s.state === 'parked') return (s.parkedAt ?? now) - s.startedAt - waited;
  const until = s.asked?.at ?? now;
  if (s.executingAt !== undefined)
    return (s.parkedAt ?? s.executingAt) - s.startedAt - waited + (until - s.executingAt);
  return until - s.startedAt - waited;
}

/** How long a person has had the stack's approval question, in real time; undefined when not asked. */
export function approvalWaitRealMs(s: StackView, realNow: number): number | undefined {
  return s.asked === undefined || s.state === 'done' ? undefined : Math.max(0, realNow - s.asked.realAt);
}

export function runElapsedMs(state: DashboardState, now: number): number {
  if (state.run) return state.run.durationMs;
  return state.runStartedAt === undefined ? 0 : now - state.runStartedAt;
}

/** Stacks per category, in footer order, leaving out empty ones. */
export function countByCategory(state: DashboardState): [StackCategory, number][] {
  const counts = new Map<StackCategory, number>();
  for (const id of state.order) {
    const s = state.stacks[id];
    if (s) counts.set(categoryOf(state, s), (counts.get(categoryOf(state, s)) ?? 0) + 1);
  }
  return CATEGORY_ORDER.filter((c) => counts.has(c)).map((c) => [c, counts.get(c) ?? 0]);
}

/**
 * Time left along the critical path: each unfinished stack's remaining recorded time (what its
 * phases took last time, less what it has spent on them so far), summed along the longest chain
 * of dependencies. A change set made early, beside its upstream stacks, is still counted after
 * them, so this leans long. Undefined unless every unfinished stack has a recorded execution, and
 * once the run is over.
 */
export function timeLeftMs(state: DashboardState, now: number): number | undefined {
  if (state.run) return undefined;
  const finish = new Map<string, number>();
  let longest = 0;
  for (const id of state.order) {
    const s = state.stacks[id];
    if (!s || s.state === 'done') continue;
    const recorded = state.durations[id];
    if (recorded?.executeMs === undefined) return undefined;
    const upstream = Math.max(0, ...(state.dependencies[id] ?? []).map((dep) => finish.get(dep) ?? 0));
    const total = upstream + remainingMs(s, recorded.changeSetMs ?? 0, recorded.executeMs, now);
    finish.set(id, total);
    longest = Math.max(longest, total);
  }
  return finish.size === 0 ? undefined : longest;
}

function remainingMs(s: StackView, changeSetMs: number, executeMs: number, now: number): number {
  switch (s.state) {
    case 'executing':
      return Math.max(0, executeMs - (now - (s.executingAt ?? now)));
    case 'change-set-ready':
    case 'parked':
      return executeMs;
    case 'starting':
    case 'settling':
    case 'replacing':
    case 'creating-change-set':
      return Math.max(0, changeSetMs - (now - (s.startedAt ?? now))) + executeMs;
    case 'queued':
    case 'waiting':
    case 'done':
      return changeSetMs + executeMs;
  }
}
