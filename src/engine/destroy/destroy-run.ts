import { randomBytes } from 'node:crypto';
import type { AwsPorts, CloudFormationPort } from '../../aws/ports.js';
import type { Clock } from '../../clock.js';
import type { Project } from '../../graph/load-project.js';
import type { EngineEvent, StackOutcome } from '../events.js';
import { countingPorts } from '../runner/counting-ports.js';
import { graphRunner } from '../runner/run-graph.js';
import type { StackOperation } from '../runner/run-graph.js';
import type { SchedulingPolicy, StackDurations } from '../runner/schedule-plan.js';
import type { FollowPolling } from '../deploy/follow-operation.js';
import { planDestroy, plannedEvent } from './destroy-plan.js';
import type { DestroyPlan, DestroyTarget } from './destroy-plan.js';
import { destroyStack } from './destroy-stack.js';
import type { StackDestroyResult } from './destroy-stack.js';

export interface DestroyRunOptions {
  project: Project;
  /** Config ids to destroy (`selectForDestroy`). */
  stacks: readonly string[];
  ports: AwsPorts;
  clock: Clock;
  emit: (event: EngineEvent) => void;
  /** `--allow-stateful <id>`. */
  allowStateful?: ReadonlySet<string>;
  /** `--retain`: per stack id, the logical ids to keep when its delete fails on them. */
  retain?: ReadonlyMap<string, ReadonlySet<string>>;
  /**
   * Asked once, after `destroy:planned` and before anything is deleted: true goes on. The host
   * shows the table and asks (the stage name, or `--yes`); `--dry-run` answers false.
   */
  confirm: (plan: DestroyPlan) => Promise<boolean>;
  /** @default 30 minutes */
  waitTimeoutMs?: number;
  /** First Ctrl-C: delete no new stack. */
  stopSignal?: AbortSignal;
  /** Second Ctrl-C: stop following the deletes in progress. */
  cancelSignal?: AbortSignal;
  runId?: string;
  policy?: Partial<SchedulingPolicy>;
  durations?: Readonly<Record<string, StackDurations>>;
  polling?: FollowPolling;
  /**
   * Plans instead of `planDestroy` (`destroy --orphans`: stacks no longer in the config, whose
   * `project` is `orphanProject`). Its reads go through the run's counted ports.
   */
  planner?: (cf: CloudFormationPort) => Promise<DestroyPlan>;
}

export interface DestroyRunResult {
  /** False when the confirmation said no (or `--dry-run`): nothing was deleted, no `run:start`. */
  started: boolean;
  exitCode: number;
  plan: DestroyPlan;
  results: ReadonlyMap<string, StackDestroyResult>;
  /** API calls of the whole run, the planning reads included (undefined when it did not start). */
  apiCalls?: number;
}

const OK: readonly StackOutcome[] = ['deleted', 'absent'];

/**
 * Destroy, as an operation of the graph runner in reverse: a stack is deleted once every selected
 * stack that depends on it is gone; one that cannot go (blocked, failed) keeps the stacks it
 * depends on (skipped, naming it). Planning reads come first, through the runner's counted ports,
 * then the one confirmation.
 */
export async function destroyRun(options: DestroyRunOptions): Promise<DestroyRunResult> {
  const { project, clock, emit } = options;
  const runStart = clock.now();
  const runId =
    options.runId ??
    `${new Date(runStart)
      .toISOString()
      .replace(/[-:T.Z]/g, '')
      .slice(0, 14)}-${randomBytes(3).toString('hex')}`;
  const stopSignal = options.stopSignal ?? new AbortController().signal;
  const cancelSignal = options.cancelSignal ?? new AbortController().signal;
  const waitTimeoutMs = options.waitTimeoutMs ?? 30 * 60_000;
  const runner = graphRunner({
    project,
    stacks: options.stacks,
    direction: 'reverse',
    ports: options.ports,
    clock,
    emit,
    stopSignal,
    cancelSignal,
    policy: options.policy ?? {},
    durations: options.durations ?? {},
    patienceMs: waitTimeoutMs,
  });
  const byId = new Map(project.config.stacks.map((s) => [s.id, s]));
  // ListImports is asked once per export, without the patience other reads get: some emulators
  // answer it 500 for good, and the plan then warns and goes on instead of waiting --wait-timeout.
  const importsCounter = { calls: 0 };
  const impatient = countingPorts(options.ports, importsCounter, (notice) => emit({ type: 'api:retry', ...notice }));
  const runCf = runner.runPorts.cloudFormation;
  const planCf: CloudFormationPort = { ...runCf, listImports: (name) => impatient.cloudFormation.listImports(name) };
  const plan = options.planner
    ? await options.planner(planCf)
    : await planDestroy({
        project,
        selected: options.stacks,
        cf: planCf,
        allowStateful: options.allowStateful ?? new Set(),
      });
  emit(plannedEvent(plan));
  const askedAt = clock.now();
  const none = new Map<string, StackDestroyResult>();
  if (!(await options.confirm(plan))) return { started: false, exitCode: 0, plan, results: none };

  // A person reading the table is not the run's time.
  const asked = clock.now() - askedAt;
  const targets = new Map<string, DestroyTarget>(plan.targets.map((t) => [t.id, t]));
  const results = new Map<string, StackDestroyResult>();
  const destroy: StackOperation<StackDestroyResult> = {
    succeeded: (result) => OK.includes(result.status),
    skipped: (_id, reason) => ({ status: 'skipped', stackStatus: undefined, reason }),
    failed: (_id, reason) => ({ status: 'failed', stackStatus: undefined, reason }),
    run: async (id, graph) => {
      const target = targets.get(id);
      if (!target) return { status: 'absent', stackStatus: undefined };
      return destroyStack(target, {
        ports: graph.portsFor(id),
        clock,
        emit,
        runId,
        waitTimeoutMs,
        stopSignal,
        cancelSignal,
        retain: options.retain?.get(id) ?? new Set(),
        ...(options.polling ? { polling: options.polling } : {}),
      });
    },
    done: (id, result, measured) => {
      results.set(id, result);
      emit({
        type: 'stack:done',
        stack: id,
        stackName: byId.get(id)?.stackName ?? id,
        status: result.status,
        stackStatus: result.stackStatus,
        durationMs: measured.durationMs,
        apiCalls: measured.apiCalls,
        ...(result.reason ? { reason: result.reason } : {}),
        ...(result.rootCause ? { rootCause: result.rootCause } : {}),
        ...(result.retained ? { retained: result.retained } : {}),
      });
    },
  };

  const { plan: schedule } = runner;
  emit({
    type: 'run:start',
    command: 'destroy',
    project: project.config.project,
    stage: project.config.stage,
    region: project.config.region,
    stacks: schedule.order,
    order: schedule.order,
    concurrency: schedule.policy.concurrency,
    dryRun: false,
  });
  for (const id of schedule.order) {
    const on = schedule.dependencies(id);
    if (on.length > 0) emit({ type: 'stack:waiting', stack: id, stackName: byId.get(id)?.stackName ?? id, on });
  }
  const ran = await runner.run(destroy);
  const apiCalls = ran.apiCalls + importsCounter.calls;
  const summary: Partial<Record<StackOutcome, number>> = {};
  for (const result of results.values()) summary[result.status] = (summary[result.status] ?? 0) + 1;
  const exitCode = [...results.values()].every((r) => OK.includes(r.status)) ? 0 : 1;
  emit({ type: 'run:done', exitCode, durationMs: clock.now() - runStart - asked, summary, apiCalls });
  return { started: true, exitCode, plan, results, apiCalls };
}
