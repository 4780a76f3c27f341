import { packagedText } from '../packaged-text.js';
import type { ApprovalRequest } from '../../engine/guards/approvals.js';
import type { EngineEvent, ResourceChangeSummary, RootCause, StackOutcome } from '../../engine/events.js';
import type { StackDurations } from '../../engine/runner/schedule-plan.js';
import type { RunHeader } from '../renderer.js';

/**
 * The dashboard's state: a pure reducer over engine events (plus the prompt's own events), so the
 * Ink components only draw a snapshot of it. Time comes in with each event (`Stamped.at`), since
 * engine events carry none; the reducer never reads a clock.
 */

/** Where a stack is, as far as the events tell. */
export type StackState =
  /** Nothing heard yet: no dependencies to wait for, or waiting for a slot. */
  | 'queued'
  /** Waiting for its dependencies before it can start (`stack:waiting` before `stack:start`). */
  | 'waiting'
  /** Started: resolving parameters, looking at the deployed stack. */
  | 'starting'
  /** Another operation is running on the stack; waiting for it to settle. */
  | 'settling'
  /** Deleting a stack whose first create failed, to create it again. */
  | 'replacing'
  | 'creating-change-set'
  /** Change set ready (and, if needed, approved or being asked about). */
  | 'change-set-ready'
  /** Prepared, parked until its dependencies are deployed (`stack:waiting` after `stack:start`). */
  | 'parked'
  | 'executing'
  | 'done';

export interface StackView {
  id: string;
  stackName: string | undefined;
  state: StackState;
  /** The stacks named by its last `stack:waiting`. */
  waitingOn: readonly string[];
  /** The CloudFormation status it waits on while settling or being replaced. */
  detail: string | undefined;
  startedAt: number | undefined;
  /** When its change set was ready and it parked, waiting for its dependencies. */
  parkedAt: number | undefined;
  executingAt: number | undefined;
  finishedAt: number | undefined;
  changeSetType: 'CREATE' | 'UPDATE' | undefined;
  /** The change set, once ready. */
  changes: readonly ResourceChangeSummary[] | undefined;
  /** `stack:deleting`: the stack is being deleted (destroy), not a change set executed. */
  deleting?: boolean;
  /** Destroy: how many of its resources the delete left in place (`stack:done.retained`). */
  retained?: number;
  /** Changes being executed (`stack:executing.total`). */
  total: number | undefined;
  /** Logical ids of the change set that reached a `*_COMPLETE` status, each once. */
  completed: readonly string[];
  /** The last resource event, in words: `Table CREATE_IN_PROGRESS`. */
  latest: string | undefined;
  latestFailed: boolean;
  warnings: readonly string[];
  outcome: StackOutcome | undefined;
  /** Active time, from `stack:done`. */
  durationMs: number | undefined;
  /**
   * The approval question on screen for it: when it was asked, on the run's clock and in real time.
   * A person's time is real time: the row shows the real wait, and its work clock stops meanwhile.
   */
  asked?: { at: number; realAt: number };
  /** Run-clock time spent awaiting approval before it parked: not its work (as `stack:done` counts). */
  approvalWaitMs?: number;
  /** Why it failed, was skipped or blocked. */
  reason: string | undefined;
  rootCause: RootCause | undefined;
}

export interface RunResult {
  exitCode: number;
  durationMs: number;
  summary: Partial<Record<StackOutcome, number>>;
  apiCalls: number;
}

export interface DashboardState {
  header: RunHeader;
  /** Stacks in dependency order: `run:start`'s order once it came. */
  order: readonly string[];
  /** Each stack's dependencies (the stacks it deploys after). */
  dependencies: Readonly<Record<string, readonly string[]>>;
  /** What stacks took in earlier runs, for the time-left estimate. */
  durations: Readonly<Record<string, StackDurations>>;
  stacks: Readonly<Record<string, StackView>>;
  runStartedAt: number | undefined;
  run: RunResult | undefined;
  /** Approval requests waiting for an answer, oldest first; the first is the one on screen. */
  approvals: readonly ApprovalRequest[];
  /** `a` was pressed: every later request is approved without asking. */
  approveAll: boolean;
  /** Run-level messages (interrupts, warnings, the outputs file), oldest first. */
  notices: readonly string[];
}

/** What the prompt reports, alongside the engine's events. */
export type PromptEvent =
  | { type: 'approval:requested'; request: ApprovalRequest }
  | { type: 'approval:answered'; stack: string; approved: boolean }
  /** `a`: the shown request and all queued ones approved, and all later ones too. */
  | { type: 'approval:approved-all' }
  /** Answered without the user (interrupt, close): the queue is dropped. */
  | { type: 'approval:cancelled' };

/** What the renderer learns after it is drawn: the account id, once the account is open. */
export type HeaderEvent = { type: 'header:account'; account: string };

export type DashboardEvent = EngineEvent | PromptEvent | HeaderEvent;

/** An event and when the renderer received it (ms since the epoch, from the renderer's clock). */
export interface Stamped {
  event: DashboardEvent;
  at: number;
  /** The same instant in real time (differs from `at` on the simulator's clock). @default at */
  realAt?: number;
}

export interface DashboardInit {
  header: RunHeader;
  /**
   * Each stack's dependencies: `{ app: ['data'], data: ['core-infra'] }`. The keys are the stacks
   * shown until `run:start` names the run's stacks and their order.
   */
  edges: Readonly<Record<string, readonly string[]>>;
  /** Recorded durations of earlier runs, by stack id; the time-left estimate needs them. */
  durations?: Readonly<Record<string, StackDurations>>;
}

export function initialDashboardState(init: DashboardInit): DashboardState {
  const order = dependencyOrder(Object.keys(init.edges), init.edges);
  return {
    header: init.header,
    order,
    dependencies: init.edges,
    durations: init.durations ?? {},
    stacks: Object.fromEntries(order.map((id) => [id, newStack(id)])),
    runStartedAt: undefined,
    run: undefined,
    approvals: [],
    approveAll: false,
    notices: [],
  };
}

export function reduceDashboard(state: DashboardState, { event, at, realAt = at }: Stamped): DashboardState {
  switch (event.type) {
    case 'run:start': {
      const stacks = Object.fromEntries(event.order.map((id) => [id, state.stacks[id] ?? newStack(id)]));
      return {
        ...state,
        header: {
          ...state.header,
          project: event.project,
          stage: event.stage,
          region: event.region,
          command: event.command,
          concurrency: event.concurrency,
        },
        order: event.order,
        stacks,
        runStartedAt: at,
      };
    }
    case 'stack:waiting':
      return update(state, event.stack, (s) => ({
        ...s,
        stackName: event.stackName,
        waitingOn: event.on,
        ...(s.startedAt === undefined ? { state: 'waiting' } : { state: 'parked', parkedAt: at }),
      }));
    case 'stack:start':
      return update(state, event.stack, (s) => ({
        ...s,
        stackName: event.stackName,
        state: 'starting',
        startedAt: at,
      }));
    case 'stack:settling':
      return update(state, event.stack, (s) => ({ ...s, state: 'settling', detail: event.status }));
    case 'stack:replacing-failed':
      return update(state, event.stack, (s) => ({ ...s, state: 'replacing', detail: event.status }));
    case 'stack:changeset':
      return update(state, event.stack, (s) => {
        if (event.phase === 'creating')
          return { ...s, state: 'creating-change-set', changeSetType: event.changeSetType };
        if (event.phase === 'ready')
          return { ...s, state: 'change-set-ready', changeSetType: event.changeSetType, changes: event.changes ?? [] };
        return s;
      });
    case 'stack:blocked':
      return update(state, event.stack, (s) => ({
        ...s,
        state: 'done',
        outcome: 'blocked',
        reason: event.reason,
        finishedAt: at,
      }));
    case 'stack:executing':
      return update(state, event.stack, (s) => ({
        ...s,
        state: 'executing',
        total: event.total,
        completed: [],
        executingAt: at,
      }));
    case 'stack:deleting':
      return update(state, event.stack, (s) => ({
        ...s,
        state: 'executing',
        deleting: true,
        total: event.total,
        completed: [],
        executingAt: at,
      }));
    case 'stack:resource':
      return update(state, event.stack, (s) => {
        const failed = event.status.endsWith('_FAILED');
        const latest = `${event.logicalId} ${event.status}${failed && event.reason ? `: ${event.reason}` : ''}`;
        return { ...s, latest, latestFailed: failed, completed: countCompleted(s, event.logicalId, event.status) };
      });
    case 'stack:warning':
      return update(state, event.stack, (s) => ({ ...s, warnings: [...s.warnings, event.message] }));
    case 'stack:outputs':
      return state;
    case 'stack:packaged':
      return notice(state, `${event.stack}: ${packagedText(event)}`);
    case 'stack:done':
      return {
        ...update(state, event.stack, (s) => ({
          ...answered(s, at),
          state: 'done',
          outcome: event.status,
          durationMs: event.durationMs,
          finishedAt: at,
          reason: event.reason ?? s.reason,
          rootCause: event.rootCause,
          ...(event.retained === undefined ? {} : { retained: event.retained.length }),
        })),
        approvals: state.approvals.filter((r) => r.stack !== event.stack),
      };
    case 'run:outputs-file':
      return notice(
        state,
        event.error !== undefined
          ? event.error
          : event.written
            ? `wrote outputs to ${event.file}`
            : `did not write ${event.file}: missing ${event.missing.join(', ')}`,
      );
    case 'run:interrupt':
    case 'run:warning':
      return notice(state, event.message);
    // Counted in apiCalls; one row per retry would only flicker. Where priorities came from is for --debug.
    case 'api:retry':
    case 'run:durations':
      return state;
    case 'run:done':
      return {
        ...state,
        run: {
          exitCode: event.exitCode,
          durationMs: event.durationMs,
          summary: event.summary,
          apiCalls: event.apiCalls,
        },
      };
    case 'header:account':
      return { ...state, header: { ...state.header, account: event.account } };
    case 'approval:requested':
      return {
        ...updateKnown(state, event.request.stack, (s) => ({ ...s, asked: s.asked ?? { at, realAt } })),
        approvals: [...state.approvals.filter((r) => r.stack !== event.request.stack), event.request],
      };
    case 'approval:answered':
      return {
        ...updateKnown(state, event.stack, (s) => answered(s, at)),
        approvals: state.approvals.filter((r) => r.stack !== event.stack),
      };
    case 'approval:approved-all':
      return { ...answerAll(state, at), approvals: [], approveAll: true };
    case 'approval:cancelled':
      return { ...answerAll(state, at), approvals: [] };
    // `plan` does not use the dashboard.
    case 'stack:planned':
    case 'destroy:planned':
    case 'plan:done':
      return state;
  }
}

/** The question is answered: its wait joins the time that is not the stack's work. */
function answered(s: StackView, at: number): StackView {
  if (s.asked === undefined) return s;
  const { asked, ...rest } = s;
  // Asked again while parked (a stale change set): parked time is not counted as work anyway.
  if (s.state === 'parked') return rest;
  return { ...rest, approvalWaitMs: (s.approvalWaitMs ?? 0) + Math.max(0, at - asked.at) };
}

function answerAll(state: DashboardState, at: number): DashboardState {
  const stacks = { ...state.stacks };
  for (const request of state.approvals) {
    const s = stacks[request.stack];
    if (s) stacks[request.stack] = answered(s, at);
  }
  return { ...state, stacks };
}

/** A change set's resources that completed, counted once each however many events repeat them. */
function countCompleted(s: StackView, logicalId: string, status: string): readonly string[] {
  if (s.state !== 'executing') return s.completed;
  // A rollback's *_COMPLETE undoes work rather than finishing it.
  if (!status.endsWith('_COMPLETE') || status.includes('ROLLBACK')) return s.completed;
  if (s.completed.includes(logicalId)) return s.completed;
  if (s.changes && s.changes.length > 0 && !s.changes.some((c) => c.logicalId === logicalId)) return s.completed;
  return [...s.completed, logicalId];
}

function newStack(id: string): StackView {
  return {
    id,
    stackName: undefined,
    state: 'queued',
    waitingOn: [],
    detail: undefined,
    startedAt: undefined,
    parkedAt: undefined,
    executingAt: undefined,
    finishedAt: undefined,
    changeSetType: undefined,
    changes: undefined,
    total: undefined,
    completed: [],
    latest: undefined,
    latestFailed: false,
    warnings: [],
    outcome: undefined,
    durationMs: undefined,
    reason: undefined,
    rootCause: undefined,
  };
}

function update(state: DashboardState, id: string, change: (s: StackView) => StackView): DashboardState {
  const current = state.stacks[id];
  return {
    ...state,
    order: current ? state.order : [...state.order, id],
    stacks: { ...state.stacks, [id]: change(current ?? newStack(id)) },
  };
}

/** `update` for a stack the dashboard lists; anything else (`--plan-first` asks as `plan`) is no row. */
function updateKnown(state: DashboardState, id: string, change: (s: StackView) => StackView): DashboardState {
  return Object.hasOwn(state.stacks, id) ? update(state, id, change) : state;
}

function notice(state: DashboardState, message: string): DashboardState {
  return { ...state, notices: [...state.notices, message] };
}

/** Dependencies first, otherwise in the given order. */
function dependencyOrder(ids: readonly string[], edges: Readonly<Record<string, readonly string[]>>): string[] {
  const order: string[] = [];
  const seen = new Set<string>();
  const visit = (id: string): void => {
    if (seen.has(id)) return;
    seen.add(id);
    for (const dep of edges[id] ?? []) if (dep in edges) visit(dep);
    order.push(id);
  };
  for (const id of ids) visit(id);
  return order;
}
