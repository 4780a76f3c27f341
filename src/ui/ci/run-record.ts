import { packagedText } from '../packaged-text.js';
import type { EngineEvent, RootCause, StackOutcome } from '../../engine/events.js';

type Of<T extends EngineEvent['type']> = Extract<EngineEvent, { type: T }>;

/** What one stack did in a run, with the (injected) times of its events, in ms since the epoch. */
export interface StackRecord {
  id: string;
  /** `stack:start`: it got a slot to make its change set. */
  startedAt: number | undefined;
  /** Its change set was ready, or found to hold no changes. */
  changeSetAt: number | undefined;
  /** `stack:executing`. */
  executingAt: number | undefined;
  doneAt: number | undefined;
  outcome: StackOutcome | undefined;
  /** The engine's active time for the stack (change set + execution). */
  durationMs: number | undefined;
  reason: string | undefined;
  rootCause: RootCause | undefined;
  /** From the ready change set; zeros when unchanged. */
  changes: { add: number; modify: number; remove: number } | undefined;
  warnings: string[];
  /** What packaging did (`stack:packaged`), one line. */
  packaged: string | undefined;
}

export interface RunRecord {
  start: Of<'run:start'> | undefined;
  startedAt: number | undefined;
  done: Of<'run:done'> | undefined;
  doneAt: number | undefined;
  /** The time of the latest event: where an unfinished stack's bar ends. */
  lastAt: number | undefined;
  /** In the run's dependency order (`run:start`'s `order`), then any other stack as first seen. */
  stacks: Map<string, StackRecord>;
  /** Run-level warnings, interruptions and outputs that could not be written. */
  notes: string[];
}

export function emptyRunRecord(): RunRecord {
  return {
    start: undefined,
    startedAt: undefined,
    done: undefined,
    doneAt: undefined,
    lastAt: undefined,
    stacks: new Map(),
    notes: [],
  };
}

function stackRecord(run: RunRecord, id: string): StackRecord {
  let record = run.stacks.get(id);
  if (!record) {
    record = {
      id,
      startedAt: undefined,
      changeSetAt: undefined,
      executingAt: undefined,
      doneAt: undefined,
      outcome: undefined,
      durationMs: undefined,
      reason: undefined,
      rootCause: undefined,
      changes: undefined,
      warnings: [],
      packaged: undefined,
    };
    run.stacks.set(id, record);
  }
  return record;
}

/** Folds one event, emitted at `at`, into the record (mutates it: the renderer keeps one per run). */
export function recordEvent(run: RunRecord, event: EngineEvent, at: number): void {
  run.lastAt = Math.max(run.lastAt ?? at, at);
  switch (event.type) {
    case 'run:start':
      run.start = event;
      run.startedAt = at;
      for (const id of event.order) stackRecord(run, id);
      for (const id of event.stacks) stackRecord(run, id);
      return;
    case 'run:done':
      run.done = event;
      run.doneAt = at;
      return;
    case 'run:warning':
    case 'run:interrupt':
      run.notes.push(event.message);
      return;
    case 'run:outputs-file':
      if (event.error !== undefined) run.notes.push(event.error);
      else if (!event.written) run.notes.push(`did not write ${event.file}: missing ${event.missing.join(', ')}`);
      return;
    case 'stack:start':
      stackRecord(run, event.stack).startedAt ??= at;
      return;
    case 'stack:changeset': {
      const record = stackRecord(run, event.stack);
      if (event.phase === 'creating') return;
      record.changeSetAt = at;
      const changes = event.changes ?? [];
      const count = (action: string): number => changes.filter((c) => c.action === action).length;
      record.changes = { add: count('Add'), modify: count('Modify'), remove: count('Remove') };
      return;
    }
    case 'stack:executing':
    case 'stack:deleting':
      stackRecord(run, event.stack).executingAt = at;
      return;
    case 'stack:warning':
      stackRecord(run, event.stack).warnings.push(event.message);
      return;
    case 'stack:done': {
      const record = stackRecord(run, event.stack);
      record.doneAt = at;
      record.outcome = event.status;
      record.durationMs = event.durationMs;
      record.reason = event.reason;
      record.rootCause = event.rootCause;
      return;
    }
    case 'stack:packaged':
      stackRecord(run, event.stack).packaged = packagedText(event);
      return;
    case 'stack:waiting':
    case 'stack:settling':
    case 'stack:replacing-failed':
    case 'stack:blocked':
    case 'stack:resource':
    case 'stack:outputs':
      stackRecord(run, event.stack);
      return;
  }
}

/** `Table (AWS::DynamoDB::Table) CREATE_FAILED: Table already exists`. */
export function describeRootCause(cause: RootCause): string {
  return `${cause.logicalId} (${cause.resourceType}) ${cause.status}: ${cause.reason}`;
}

/** Why a stack did not succeed, one line: its root cause when known, else the engine's reason. */
export function failureText(record: StackRecord): string {
  if (record.rootCause) return describeRootCause(record.rootCause);
  return record.reason ?? record.outcome ?? 'unknown';
}
