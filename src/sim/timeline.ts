/**
 * The event timelines of stack operations (CLOUDFORMATION.md §3.2), as pure functions of the
 * work and a start time. Times are virtual ms; the account stamps ids and tokens.
 */
import type { WorkItem } from './model.js';
import { scheduleTasks } from './schedule.js';

export interface Step {
  at: number;
  logicalId: string;
  type: string;
  status: string;
  reason?: string;
  /** `''` for a resource that has none yet; unset for the stack's own events. */
  physicalId?: string;
  root?: true;
}

export interface Removal {
  logicalId: string;
  type: string;
  physicalId: string;
  dependsOn: readonly string[];
  retain: boolean;
}

const REPLACING = 'Requested update requires the creation of a new physical resource; hence creating one.';
const INITIATED = 'Resource creation Initiated';

export function root(at: number, status: string, reason?: string): Step {
  return { at, logicalId: '', type: '', status, root: true, ...(reason === undefined ? {} : { reason }) };
}

/** Lead-in and tail of a phase: short against the phase, at most a second. */
function margin(durationMs: number): number {
  return Math.max(1, Math.min(1000, Math.round(durationMs * 0.05)));
}

/** Places the forward work of an operation in a window, respecting dependencies. */
export function placeWork(
  items: readonly Omit<WorkItem, 'start' | 'initiated' | 'end'>[],
  windowStart: number,
  windowEnd: number,
): WorkItem[] {
  const slots = scheduleTasks(
    items.map((i) => ({ id: i.logicalId, deps: i.dependsOn })),
    windowStart,
    windowEnd,
  );
  return items.map((item) => {
    const slot = slots.get(item.logicalId) ?? { start: windowStart, end: windowStart + 2 };
    const initiated = Math.min(
      slot.end - 1,
      slot.start + Math.max(1, Math.min(1000, Math.round((slot.end - slot.start) * 0.1))),
    );
    return { ...item, start: slot.start, initiated, end: slot.end };
  });
}

/** The events of one work item, all of them or those up to `cutoff` (exclusive of its end then). */
function itemSteps(item: WorkItem, upTo = Number.POSITIVE_INFINITY): Step[] {
  const r = { logicalId: item.logicalId, type: item.type };
  const steps: Step[] = [];
  if (item.action === 'create') {
    steps.push({ ...r, at: item.start, status: 'CREATE_IN_PROGRESS', physicalId: '' });
    steps.push({
      ...r,
      at: item.initiated,
      status: 'CREATE_IN_PROGRESS',
      reason: INITIATED,
      physicalId: item.physicalId,
    });
    steps.push({ ...r, at: item.end, status: 'CREATE_COMPLETE', physicalId: item.physicalId });
  } else if (item.action === 'replace') {
    steps.push({
      ...r,
      at: item.start,
      status: 'UPDATE_IN_PROGRESS',
      reason: REPLACING,
      physicalId: item.oldPhysicalId ?? '',
    });
    steps.push({
      ...r,
      at: item.initiated,
      status: 'UPDATE_IN_PROGRESS',
      reason: INITIATED,
      physicalId: item.physicalId,
    });
    steps.push({ ...r, at: item.end, status: 'UPDATE_COMPLETE', physicalId: item.physicalId });
  } else {
    steps.push({ ...r, at: item.start, status: 'UPDATE_IN_PROGRESS', physicalId: item.physicalId });
    steps.push({ ...r, at: item.end, status: 'UPDATE_COMPLETE', physicalId: item.physicalId });
  }
  return steps.filter((s) => s.at <= upTo);
}

export function forwardSteps(work: readonly WorkItem[]): Step[] {
  return work.flatMap((item) => itemSteps(item));
}

/** Deletions in reverse dependency order over a window; Retain gives DELETE_SKIPPED (§6). */
export function deletionSteps(removals: readonly Removal[], windowStart: number, windowEnd: number): Step[] {
  const slots = scheduleTasks(
    removals.map((r) => ({ id: r.logicalId, deps: r.dependsOn })),
    windowStart,
    windowEnd,
    true,
  );
  return removals.flatMap((r): Step[] => {
    const slot = slots.get(r.logicalId) ?? { start: windowStart, end: windowStart + 2 };
    const base = { logicalId: r.logicalId, type: r.type, physicalId: r.physicalId };
    if (r.retain) return [{ ...base, at: slot.start, status: 'DELETE_SKIPPED' }];
    // A resource that never got a physical id goes straight to DELETE_COMPLETE (§3.2).
    if (r.physicalId === '') return [{ ...base, at: slot.start, status: 'DELETE_COMPLETE' }];
    return [
      { ...base, at: slot.start, status: 'DELETE_IN_PROGRESS' },
      { ...base, at: slot.end, status: 'DELETE_COMPLETE' },
    ];
  });
}

/** What a failure or a cancel at `cutoff` finds: done, in flight (with or without a physical id). */
export interface Interruption {
  /** Steps up to the cutoff (for a precomputed failure; a cancel finds them already visible). */
  before: Step[];
  /** `*_FAILED` for the failing resource (if any) and "cancelled" for every sibling in flight. */
  failures: Step[];
  completed: WorkItem[];
  /** Started and not finished, the failing one included. */
  interrupted: WorkItem[];
  /** Logical ids in the order the stack reason lists them: the failing one, then the cancelled ones. */
  failedIds: string[];
}

export function interrupt(
  work: readonly WorkItem[],
  cutoff: number,
  failing?: { logicalId: string; reason: string },
): Interruption {
  const before: Step[] = [];
  const failures: Step[] = [];
  const completed: WorkItem[] = [];
  const interrupted: WorkItem[] = [];
  const failedIds: string[] = [];
  let offset = 1;
  const failedStatus = (item: WorkItem): string => (item.action === 'create' ? 'CREATE_FAILED' : 'UPDATE_FAILED');
  const failingItem = failing ? work.find((w) => w.logicalId === failing.logicalId) : undefined;
  if (failingItem && failing) {
    before.push(...itemSteps(failingItem, cutoff - 1));
    failures.push({
      at: cutoff,
      logicalId: failingItem.logicalId,
      type: failingItem.type,
      status: failedStatus(failingItem),
      reason: failing.reason,
      physicalId: failingItem.physicalId,
    });
    interrupted.push(failingItem);
    failedIds.push(failingItem.logicalId);
  }
  for (const item of work) {
    if (item === failingItem) continue;
    if (item.end <= cutoff) {
      before.push(...itemSteps(item));
      completed.push(item);
    } else if (item.start < cutoff) {
      before.push(...itemSteps(item, cutoff));
      failures.push({
        at: cutoff + offset++,
        logicalId: item.logicalId,
        type: item.type,
        status: failedStatus(item),
        reason: item.action === 'create' ? 'Resource creation cancelled' : 'Resource update cancelled',
        physicalId: item.initiated <= cutoff || item.action === 'update' ? item.physicalId : '',
      });
      interrupted.push(item);
      failedIds.push(item.logicalId);
    }
  }
  return { before, failures, completed, interrupted, failedIds };
}

/** ROLLBACK_IN_PROGRESS → deletions of what the create made → ROLLBACK_COMPLETE (§3.2). */
export function createRollbackSteps(input: {
  at: number;
  durationMs: number;
  reason: string;
  made: readonly WorkItem[];
  cutoff: number;
  retain: (id: string) => boolean;
}): { steps: Step[]; endsAt: number } {
  const lead = margin(input.durationMs);
  const endsAt = input.at + input.durationMs;
  const removals: Removal[] = input.made.map((item) => ({
    logicalId: item.logicalId,
    type: item.type,
    dependsOn: item.dependsOn,
    retain: input.retain(item.logicalId),
    physicalId: item.initiated <= input.cutoff ? item.physicalId : '',
  }));
  return {
    steps: [
      root(input.at, 'ROLLBACK_IN_PROGRESS', input.reason),
      ...deletionSteps(removals, input.at + lead, endsAt - lead),
      root(endsAt, 'ROLLBACK_COMPLETE'),
    ],
    endsAt,
  };
}

/**
 * UPDATE_ROLLBACK_IN_PROGRESS → modified resources back to their old configuration →
 * UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS → what the update created deleted → UPDATE_ROLLBACK_COMPLETE (§3.2).
 */
export function updateRollbackSteps(input: {
  at: number;
  durationMs: number;
  reason: string;
  touched: readonly WorkItem[];
  cutoff: number;
}): { steps: Step[]; endsAt: number } {
  const lead = margin(input.durationMs);
  const endsAt = input.at + input.durationMs;
  const revert = input.touched.filter((i) => i.action !== 'create');
  const created = input.touched.filter((i) => i.action !== 'update');
  const cleanupAt = revert.length > 0 ? input.at + Math.round(input.durationMs * 0.6) : input.at + 2 * lead;
  const reverts = placeWork(
    revert.map((i) => ({ ...i, action: 'update' as const, physicalId: i.oldPhysicalId ?? i.physicalId })),
    input.at + lead,
    cleanupAt - lead,
  );
  const removals: Removal[] = created.map((item) => ({
    logicalId: item.logicalId,
    type: item.type,
    dependsOn: item.dependsOn,
    retain: false,
    physicalId: item.initiated <= input.cutoff ? item.physicalId : '',
  }));
  return {
    steps: [
      root(input.at, 'UPDATE_ROLLBACK_IN_PROGRESS', input.reason),
      ...forwardSteps(reverts),
      root(cleanupAt, 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS'),
      ...deletionSteps(removals, cleanupAt + lead, endsAt - lead),
      root(endsAt, 'UPDATE_ROLLBACK_COMPLETE'),
    ],
    endsAt,
  };
}

/** How long a rollback takes: half of the work it undoes, at least 5 s. */
export function rollbackDuration(elapsedMs: number): number {
  return Math.max(5000, Math.round(elapsedMs / 2));
}

export { margin as phaseMargin };
