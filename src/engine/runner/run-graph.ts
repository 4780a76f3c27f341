import PQueue from 'p-queue';
import type { AwsPorts } from '../../aws/ports.js';
import type { RetryNotice } from '../../aws/call-observer.js';
import { seededRandom } from '../../aws/resilient-ports.js';
import type { Clock } from '../../clock.js';
import type { Project } from '../../graph/load-project.js';
import type { EngineEvent } from '../events.js';
import { countingPorts } from './counting-ports.js';
import type { CallCounter } from './counting-ports.js';
import { patientReads } from './patient-reads.js';
import { planSchedule } from './schedule-plan.js';
import type { EdgeDirection, SchedulePlan, SchedulingPolicy, StackDurations } from './schedule-plan.js';

/** What every operation's per-stack result has: a status (`skipped` when the runner skips it) and why. */
export interface StackResult {
  status: string;
  reason?: string | undefined;
}

/**
 * One operation the runner runs over the graph, stack by stack (DESIGN.md, "One graph runner,
 * many operations"). A simple operation writes `run` (one phase, started when every stack it waits
 * for succeeded) plus the three results below; deploy adds `prepare` (its change set, made as soon
 * as the stacks feeding it data succeeded) and `execute` hooks.
 *
 * A hook may throw: the runner fails that stack with `failed('internal error: ...')`, not the run.
 */
export interface StackOperation<R extends StackResult> {
  /** Whether the stacks waiting on this one may go. */
  succeeded: (result: R) => boolean;
  /** The result of a stack that will not run: a stack it waits for did not succeed, or a stop. */
  skipped: (id: string, reason: string) => R;
  /** The result of a stack whose hook threw. */
  failed: (id: string, reason: string) => R;
  /** The one phase of a simple operation (destroy one stack, read one stack's status). */
  run?: (id: string, graph: GraphRun<R>) => Promise<R>;
  /**
   * Phase one, once `plan.inputsFrom(id)` succeeded: `'prepared'` to wait for every stack it waits
   * for and then `execute`, or a result to end there. Its time is recorded as `changeSetMs`.
   */
  prepare?: (id: string, graph: GraphRun<R>) => Promise<'prepared' | R>;
  /**
   * Before a prepared stack executes: a result ends the stack there (deploy: a stale change set
   * whose remake was refused), `undefined` goes on. Runs before the runner's own stop check.
   */
  beforeExecute?: (id: string, graph: GraphRun<R>) => Promise<R | undefined>;
  /** Phase two of a prepared stack, or the only phase of `run`. Its time is recorded as `executeMs`. */
  execute?: (id: string, graph: GraphRun<R>) => Promise<R>;
  /** A prepared stack that will not execute: undo phase one. Awaited before the run ends, not before the next stack. */
  discard?: (id: string, graph: GraphRun<R>) => Promise<unknown>;
  /** Before the first stack starts (deploy `--plan-first`). */
  beforeStart?: (graph: GraphRun<R>) => Promise<void>;
  /** After a stack's result, before it is recorded and its waiters go (deploy: outputs to SSM). */
  settle?: (id: string, result: R, graph: GraphRun<R>) => Promise<void>;
  /** Once per stack when its result is recorded: the operation's `stack:done` event, if it has one. */
  done?: (id: string, result: R, measured: { durationMs: number; apiCalls: number }) => void;
}

export interface GraphRunnerOptions {
  project: Project;
  /** Config ids in the run (a selection). */
  stacks: readonly string[];
  /** Which way stacks wait for each other: `forward` (deploy, plan), `reverse` (destroy), `none`. */
  direction: EdgeDirection;
  ports: AwsPorts;
  clock: Clock;
  emit: (event: EngineEvent) => void;
  /** First Ctrl-C: start nothing new; stacks not started are skipped as `interrupted`. */
  stopSignal?: AbortSignal;
  /** Second Ctrl-C: for the operations, which cancel what is in progress. */
  cancelSignal?: AbortSignal;
  policy?: Partial<SchedulingPolicy>;
  /** Durations recorded by earlier runs, for priorities. */
  durations?: Readonly<Record<string, StackDurations>>;
  /** How long a read refused by throttling is retried (as long as a stack would wait for CloudFormation). */
  patienceMs: number;
  /** Count each stack's API calls (for `apiCalls`) and give each stack its own retry jitter. @default true */
  countCalls?: boolean;
}

type Phase = 'waiting' | 'preparing' | 'prepared' | 'executing' | 'done';

/** What an operation sees of the run it is part of. */
export interface GraphRun<R extends StackResult> {
  readonly plan: SchedulePlan;
  readonly clock: Clock;
  readonly emit: (event: EngineEvent) => void;
  readonly stopSignal: AbortSignal;
  readonly cancelSignal: AbortSignal;
  /** Ports for the run's own reads (counted in the run's total). */
  readonly runPorts: AwsPorts;
  /** Ports for one stack's calls: counted for its `apiCalls`, retries reported with it. */
  portsFor: (id: string) => AwsPorts;
  phase: (id: string) => Phase | undefined;
  result: (id: string) => R | undefined;
  isDone: (id: string) => boolean;
  succeeded: (id: string) => boolean;
  /** Why the run starts nothing new (`--fail-fast: ...`), if it does not. */
  stopReason: () => string | undefined;
  /** Records a stack's result (once; later calls are ignored). */
  finish: (id: string, result: R) => void;
  /** Work started outside the queue (a change-set deletion), awaited before the run ends. */
  background: (work: Promise<unknown>) => void;
  /** Time a person took to answer a question for this stack: not the stack's own time. */
  noteWait: (id: string, ms: number) => void;
  /** Phase one of a stack now, outside the ready queue's order (deploy `--plan-first`); does not pump. */
  prepareNow: (id: string) => Promise<void>;
}

export interface GraphRunResult<R extends StackResult> {
  results: ReadonlyMap<string, R>;
  /** What each stack's phases took in this run. */
  durations: ReadonlyMap<string, StackDurations>;
  /** API calls of the whole run, every stack's included. */
  apiCalls: number;
}

/** A graph runner made ready: its plan and ports are there before the operation runs. */
export interface GraphRunner {
  readonly plan: SchedulePlan;
  readonly runPorts: AwsPorts;
  portsFor: (id: string) => AwsPorts;
  run: <R extends StackResult>(operation: StackOperation<R>) => Promise<GraphRunResult<R>>;
}

/**
 * The scheduler (DESIGN.md, "Scheduling"): a ready queue over the DAG under a concurrency limit.
 * A stack starts the moment the last stack it waits for succeeded; among ready stacks the one with
 * the longest remaining path goes first. A stack whose dependency (dependent, in reverse) did not
 * succeed is skipped, naming the root cause; independent branches go on, unless `failFast`.
 */
export function graphRunner(options: GraphRunnerOptions): GraphRunner {
  const { project, clock, emit } = options;
  const plan = planSchedule(project, options.stacks, options.policy ?? {}, options.durations ?? {}, options.direction);
  const byId = new Map(project.config.stacks.map((s) => [s.id, s]));
  const counters = new Map<string, CallCounter>(plan.order.map((id) => [id, { calls: 0 }]));
  const runCounter: CallCounter = { calls: 0 };
  const counting = options.countCalls ?? true;
  /** Retries are reported with the stack whose call it was; the run's own reads have none. */
  const reportRetry =
    (ref?: { stack: string; stackName: string }) =>
    (notice: RetryNotice): void =>
      emit({ type: 'api:retry', ...ref, ...notice });
  const countedPorts = counting ? countingPorts(options.ports, runCounter, reportRetry()) : options.ports;
  // Reads refused by throttling wait as long as the stack would wait for CloudFormation.
  const runPorts = patientReads(countedPorts, { clock, patienceMs: options.patienceMs, onRetry: reportRetry() });
  /** One jitter sequence per stack: replayable virtual runs, and stacks that do not retry in step. */
  const stackRandom = new Map(plan.order.map((id, index) => [id, seededRandom(index + 2)]));
  const portsFor = (id: string): AwsPorts => {
    const ref = { stack: id, stackName: byId.get(id)?.stackName ?? id };
    if (!counting)
      return patientReads(options.ports, { clock, patienceMs: options.patienceMs, onRetry: reportRetry(ref) });
    return patientReads(countingPorts(countedPorts, counters.get(id) ?? { calls: 0 }, reportRetry(ref)), {
      clock,
      patienceMs: options.patienceMs,
      onRetry: reportRetry(ref),
      ...(stackRandom.has(id) ? { random: stackRandom.get(id) } : {}),
    });
  };
  return {
    plan,
    runPorts,
    portsFor,
    run: async (operation) => {
      const result = await runOperation(operation, { options, plan, runPorts, portsFor, counters, byId });
      return { ...result, apiCalls: runCounter.calls };
    },
  };
}

interface RunSetup {
  options: GraphRunnerOptions;
  plan: SchedulePlan;
  runPorts: AwsPorts;
  portsFor: (id: string) => AwsPorts;
  counters: ReadonlyMap<string, CallCounter>;
  byId: ReadonlyMap<string, { stackName: string }>;
}

async function runOperation<R extends StackResult>(
  op: StackOperation<R>,
  setup: RunSetup,
): Promise<Omit<GraphRunResult<R>, 'apiCalls'>> {
  const { options, plan, counters, byId } = setup;
  const { clock, emit } = options;
  const { policy } = plan;
  const stopSignal = options.stopSignal ?? new AbortController().signal;
  const cancelSignal = options.cancelSignal ?? new AbortController().signal;
  const results = new Map<string, R>();
  const durations = new Map<string, StackDurations>();
  const phase = new Map<string, Phase>(plan.order.map((id) => [id, 'waiting']));
  const started = new Map<string, number>();
  const waits = new Map<string, number>();
  const queue = new PQueue({ concurrency: policy.concurrency });
  const background: Promise<unknown>[] = [];
  let stopReason: string | undefined;
  let finishRun: () => void = () => undefined;
  const allDone = new Promise<void>((resolve) => {
    finishRun = resolve;
  });
  const twoPhases = op.prepare !== undefined;
  const execute = op.execute ?? op.run;
  if (!execute) throw new Error('a stack operation needs `run` or `execute`');

  const succeeded = (id: string): boolean => {
    const result = results.get(id);
    return result !== undefined && op.succeeded(result);
  };
  const isDone = (id: string): boolean => phase.get(id) === 'done';
  const waveOpen = (id: string): boolean =>
    !policy.waves ||
    plan.order.every((other) => (plan.level.get(other) ?? 0) >= (plan.level.get(id) ?? 0) || isDone(other));

  const finish = (id: string, result: R): void => {
    if (!byId.has(id) || isDone(id)) return;
    phase.set(id, 'done');
    results.set(id, result);
    // The time the stack was being worked on: its phases, not the wait between them.
    const took = durations.get(id);
    op.done?.(id, result, {
      durationMs: (took?.changeSetMs ?? 0) + (took?.executeMs ?? 0),
      apiCalls: counters.get(id)?.calls ?? 0,
    });
    if (policy.failFast && !op.succeeded(result) && stopReason === undefined)
      stopReason = `--fail-fast: ${id} ${result.status}`;
  };

  /**
   * The root causes behind each stack skipped for a stack it waits for (`data failed`), so that a
   * stack further along names them once instead of nesting every skip along the chain.
   */
  const rootCauses = new Map<string, readonly string[]>();
  const rootsOf = (dep: string): readonly string[] => {
    const blocker = results.get(dep);
    const status = blocker?.status ?? 'skipped';
    if (status !== 'skipped') return [`${dep} ${status}`];
    return rootCauses.get(dep) ?? (blocker?.reason ? [blocker.reason] : [`${dep} skipped`]);
  };

  /** Why a stack can no longer go: a stack it waits for that did not succeed, or a stop. */
  const blockedBy = (id: string): string | undefined => {
    const failed = plan.dependencies(id).filter((dep) => isDone(dep) && !succeeded(dep));
    if (failed.length > 0) {
      rootCauses.set(id, [...new Set(failed.flatMap(rootsOf))]);
      // A blocker that was itself skipped names the root causes behind it, so the stack that
      // failed is named all the way down, once.
      return boundedList(
        failed.map((dep) =>
          results.get(dep)?.status === 'skipped'
            ? `${dep} skipped (${boundedList(rootsOf(dep))})`
            : `${dep} ${results.get(dep)?.status ?? 'skipped'}`,
        ),
      );
    }
    if (stopSignal.aborted) return 'interrupted';
    return stopReason;
  };

  /** A bug in one stack's path fails that stack, not the run (and says so). */
  const guard = async <T>(id: string, work: () => Promise<T>): Promise<{ value: T } | undefined> => {
    try {
      return { value: await work() };
    } catch (error) {
      finish(
        id,
        op.failed(id, `internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
      );
      return undefined;
    }
  };

  const settle = async (id: string, result: R): Promise<void> => {
    if (op.settle) await guard(id, () => (op.settle as NonNullable<typeof op.settle>)(id, result, graph));
    finish(id, result);
  };

  const discard = (id: string): void => {
    if (op.discard) background.push(op.discard(id, graph));
  };

  const pump = (): void => {
    for (const id of plan.byPriority) {
      const current = phase.get(id);
      if (current === 'waiting' || current === 'prepared') {
        const reason = blockedBy(id);
        if (reason !== undefined) {
          finish(id, op.skipped(id, reason));
          if (current === 'prepared') discard(id);
          continue;
        }
      }
      if (current === 'waiting' && twoPhases && waveOpen(id) && plan.inputsFrom(id).every(succeeded)) {
        phase.set(id, 'preparing');
        void queue.add(() => runPrepare(id), { priority: plan.priority.get(id) ?? 0 });
      } else if (
        (current === 'prepared' || (current === 'waiting' && !twoPhases)) &&
        waveOpen(id) &&
        plan.dependencies(id).every(succeeded)
      ) {
        phase.set(id, 'executing');
        void queue.add(() => runExecute(id, current === 'waiting'), { priority: plan.priority.get(id) ?? 0 });
      }
    }
    if (plan.order.every(isDone)) finishRun();
  };

  /** Emits `stack:start` and returns true, or finishes the stack as skipped when it can no longer go. */
  const start = (id: string): boolean => {
    const reason = blockedBy(id);
    if (reason !== undefined) {
      finish(id, op.skipped(id, reason));
      return false;
    }
    // Started when it gets its slot, not when it was queued: the wait for a slot is not its work.
    started.set(id, clock.now());
    emit({ type: 'stack:start', stack: id, stackName: byId.get(id)?.stackName ?? id });
    return true;
  };

  const runPrepare = async (id: string, thenPump = true): Promise<void> => {
    const prepare = op.prepare;
    if (prepare && start(id)) {
      const outcome = await guard(id, () => prepare(id, graph));
      durations.set(id, { changeSetMs: clock.now() - (started.get(id) ?? clock.now()) - (waits.get(id) ?? 0) });
      if (outcome?.value === 'prepared') {
        if (!isDone(id)) phase.set(id, 'prepared');
        const waitingOn = plan.dependencies(id).filter((dep) => !isDone(dep));
        if (waitingOn.length > 0)
          emit({ type: 'stack:waiting', stack: id, stackName: byId.get(id)?.stackName ?? id, on: waitingOn });
      } else if (outcome) {
        await settle(id, outcome.value);
      }
    }
    if (thenPump) pump();
  };

  const runExecute = async (id: string, firstPhase: boolean): Promise<void> => {
    if (firstPhase && !start(id)) {
      pump();
      return;
    }
    if (op.beforeExecute && stopReason === undefined) {
      const before = await guard(id, () => (op.beforeExecute as NonNullable<typeof op.beforeExecute>)(id, graph));
      if (!before || before.value !== undefined) {
        if (before?.value !== undefined) await settle(id, before.value);
        pump();
        return;
      }
    }
    if (stopReason !== undefined) {
      // Queued behind busy slots when --fail-fast stopped the run: it must not start now.
      finish(id, op.skipped(id, stopReason));
      if (!firstPhase) discard(id);
      pump();
      return;
    }
    const executeStart = clock.now();
    const result = await guard(id, () => execute(id, graph));
    const changeSetMs = durations.get(id)?.changeSetMs;
    durations.set(id, { ...(changeSetMs === undefined ? {} : { changeSetMs }), executeMs: clock.now() - executeStart });
    if (result) await settle(id, result.value);
    pump();
  };

  const graph: GraphRun<R> = {
    plan,
    clock,
    emit,
    stopSignal,
    cancelSignal,
    runPorts: setup.runPorts,
    portsFor: setup.portsFor,
    phase: (id) => phase.get(id),
    result: (id) => results.get(id),
    isDone,
    succeeded,
    stopReason: () => stopReason,
    finish,
    background: (work) => {
      background.push(work);
    },
    noteWait: (id, ms) => waits.set(id, (waits.get(id) ?? 0) + ms),
    prepareNow: (id) => {
      phase.set(id, 'preparing');
      return queue.add(() => runPrepare(id, false), { priority: plan.priority.get(id) ?? 0 });
    },
  };

  const onStop = (): void => pump();
  stopSignal.addEventListener('abort', onStop, { once: true });
  try {
    if (op.beforeStart) await op.beforeStart(graph);
    pump();
    await allDone;
    await queue.onIdle();
    await Promise.all(background);
  } finally {
    stopSignal.removeEventListener('abort', onStop);
  }
  return { results, durations };
}

/** Items named in one skip reason at most: a stack with many failed dependencies stays one readable line. */
const MAX_NAMED = 5;

function boundedList(items: readonly string[]): string {
  if (items.length <= MAX_NAMED) return items.join(', ');
  return `${items.slice(0, MAX_NAMED).join(', ')} and ${items.length - MAX_NAMED} more`;
}
