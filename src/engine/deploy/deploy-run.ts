import { randomBytes } from 'node:crypto';
import type { AwsPorts } from '../../aws/ports.js';
import type { Clock } from '../../clock.js';
import { displayPath } from '../../config/resolve-config.js';
import type { Project } from '../../graph/load-project.js';
import { weakReferenceNotes } from '../../graph/weak-references.js';
import type { ApprovalLevel, Approver } from '../guards/approvals.js';
import { graphRunner } from '../runner/run-graph.js';
import type { GraphRun, StackOperation } from '../runner/run-graph.js';
import { DeployError } from '../deploy-errors.js';
import { StackpilotError } from '../../errors.js';
import { discardPrepared, executeStack, prepareStack } from './deploy-stack.js';
import type { PreparedStack, StackDeployContext, StackDeployResult } from './deploy-stack.js';
import type { DeployOutcome, EngineEvent, StackOutcome } from '../events.js';
import type { FollowPolling } from './follow-operation.js';
import { writeOutputsFile } from '../outputs-file.js';
import { FileWriteError } from '../../write-file-atomic.js';
import { deployedOutputsReader } from '../deployed-outputs.js';
import { planApprovalRequest, sameChanges, staleReason } from './plan-first.js';
import type { Packaging } from '../package-stacks.js';
import type { ResourceChange } from '../../aws/ports.js';
import { approvalNeeded } from '../guards/approvals.js';
import type { SchedulingPolicy, StackDurations } from '../runner/schedule-plan.js';
import { durationsFromEvents } from '../runner/durations-from-events.js';
import { observedPorts } from '../../aws/call-observer.js';
import { prioritizedPorts } from '../../aws/call-priority.js';
import { LOWEST_RANK } from '../runner/call-rank.js';

export interface DeployRunOptions {
  project: Project;
  /** Config ids to deploy (a selection). */
  stacks: readonly string[];
  ports: AwsPorts;
  clock: Clock;
  emit: (event: EngineEvent) => void;
  approve: Approver;
  /** @default 'destructive' */
  requireApproval?: ApprovalLevel;
  /** Stateful resources allowed to be removed or replaced: `<stack>.<LogicalId>`. */
  allowReplace?: ReadonlySet<string>;
  replaceFailed?: boolean;
  /** @default 30 minutes */
  settleTimeoutMs?: number;
  /** First Ctrl-C: start nothing new. */
  stopSignal?: AbortSignal;
  /** Second Ctrl-C: cancel updates in progress. */
  cancelSignal?: AbortSignal;
  /** Names change sets and tokens; random when not given. */
  runId?: string;
  /** How stacks are scheduled; stackpilot's own policy by default (peers' for the benchmark). */
  policy?: Partial<SchedulingPolicy>;
  /** Durations recorded by earlier runs, for priorities. */
  durations?: Readonly<Record<string, StackDurations>>;
  /**
   * No local durations (a fresh CI checkout): read each stack's last completed operation from
   * CloudFormation's events for the priorities, bounded by `deadlineMs`. Used only when
   * `durations` is empty.
   */
  durationsFromEvents?: { deadlineMs?: number };
  /** How operations are followed; adaptive by default. */
  polling?: FollowPolling;
  /**
   * `--plan-first`: make every change set that can be made before anything executes, ask
   * `approvePlan` once for all of them, then execute those very change sets in graph order.
   * Stacks fed by upstream stacks with changes get theirs in their turn, under `requireApproval`.
   */
  planFirst?: { approvePlan: Approver };
  /** Local code and nested templates, packaged (`packageStacks`) and uploading while the run goes. */
  packaging?: Packaging;
  /** The endpoint when it is not AWS (--endpoint-url, AWS_ENDPOINT_URL): an emulator. */
  emulatorEndpoint?: string;
  /** `--check-drift`: drift detection before a stateful stack is updated; a drifted one needs a person's yes. */
  checkDrift?: boolean;
}

export interface DeployRunResult {
  exitCode: number;
  results: ReadonlyMap<string, StackDeployResult>;
  /** What each stack's phases took in this run, to record for the next run's priorities. */
  durations: ReadonlyMap<string, StackDurations>;
}

export { DEFAULT_CONCURRENCY } from '../runner/schedule-plan.js';

const OK: readonly StackOutcome[] = ['created', 'updated', 'unchanged'];

/**
 * Deploy, as an operation of the graph runner (`graphRunner`, forward): a stack's change set is
 * created as soon as its inputs are known (early, while upstream stacks that feed it no data still
 * deploy), and executed the moment its last dependency succeeds. The runner does the scheduling,
 * the skips, the signals and the budget; this file what deploying one stack means around it.
 */
export async function deployRun(options: DeployRunOptions): Promise<DeployRunResult> {
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
  const settleTimeoutMs = options.settleTimeoutMs ?? 30 * 60_000;
  const fromEvents = await readEventDurations(options);
  const history = fromEvents?.durations ?? options.durations ?? {};
  const runner = graphRunner({
    project,
    stacks: options.stacks,
    direction: 'forward',
    ports: options.ports,
    clock,
    emit,
    stopSignal,
    cancelSignal,
    policy: options.policy ?? {},
    durations: history,
    patienceMs: settleTimeoutMs,
  });
  const { plan } = runner;
  const { policy } = plan;
  const byId = new Map(project.config.stacks.map((s) => [s.id, s]));
  /** Results recorded so far, for outputs (filled by the runner through `done`). */
  const results = new Map<string, StackDeployResult>();
  const prepared = new Map<string, PreparedStack>();
  /** `--plan-first`: change sets made up front and approved, with what was approved. */
  const approvedUpFront = new Map<string, ResourceChange[]>();
  /** While `--plan-first` makes its change sets: nobody is asked per stack, the plan is asked once. */
  let upFront = false;
  let run: GraphRun<StackDeployResult> | undefined;

  // Outputs of stacks outside this run come from the deployed stacks, read once each.
  const readDeployed = deployedOutputsReader(runner.runPorts.cloudFormation, (id) => byId.get(id)?.stackName);
  const outputsOf = async (id: string): Promise<Record<string, string> | undefined> =>
    results.get(id)?.outputs ?? (results.has(id) ? undefined : readDeployed(id));

  // A stack this run just deployed that lacks an output the template declares: plain moto (and
  // some other emulators) set no outputs after executing a change set, so "deploy it first" is wrong.
  const endpoint = options.emulatorEndpoint;
  const missingOutputHint =
    endpoint === undefined
      ? undefined
      : (upstream: string): string | undefined =>
          results.has(upstream)
            ? `${upstream} was deployed in this run, but the endpoint ${endpoint} is not AWS: some emulators ` +
              '(plain moto) set no stack outputs after a change set; use one that does, e.g. the patched moto ' +
              "of `npm run emulator` in stackpilot's repository, or check the output name"
            : undefined;

  const contextFor = (
    id: string,
    approval?: Pick<StackDeployContext, 'approve' | 'requireApproval'>,
  ): StackDeployContext => ({
    ports: runner.portsFor(id),
    clock,
    emit,
    approve: approval?.approve ?? options.approve,
    requireApproval: approval?.requireApproval ?? options.requireApproval ?? 'destructive',
    runId,
    ...(options.allowReplace ? { allowReplace: options.allowReplace } : {}),
    noteApprovalWait: (ms) => run?.noteWait(id, ms),
    replaceFailed: options.replaceFailed ?? false,
    settleTimeoutMs,
    stopSignal,
    cancelSignal,
    ...(options.polling ? { polling: options.polling } : {}),
    // Polling is paced by durations this tool recorded only: the last operation CloudFormation's
    // events show may have been a small update of a stack whose create takes much longer.
    ...(options.durations?.[id]?.executeMs === undefined ? {} : { expectedExecuteMs: options.durations[id].executeMs }),
    ...(options.packaging?.of(id) ? { packaged: () => options.packaging?.of(id)?.ready } : {}),
    ...(missingOutputHint ? { missingOutputHint } : {}),
    ...(options.checkDrift ? { checkDrift: true } : {}),
    outputsOf: async (upstream) => {
      const outputs = await outputsOf(upstream);
      if (!outputs) {
        throw new DeployError(
          'UPSTREAM_MISSING',
          `${id} needs outputs of stack ${upstream} (${byId.get(upstream)?.stackName ?? upstream}), which is not deployed`,
          {
            hint: `deploy it too: stackpilot deploy ${id} (without --exclusively)`,
          },
        );
      }
      return outputs;
    },
  });

  const skippedResult = (_id: string, reason: string): StackDeployResult => ({
    status: 'skipped',
    stackStatus: undefined,
    outputs: undefined,
    reason,
  });

  /**
   * A change set made up front that went stale is deleted and made again; the new one runs
   * without a question only when it does what the approved one did.
   */
  const refreshIfStale = async (id: string, ready: PreparedStack): Promise<PreparedStack | StackDeployResult> => {
    const ctx = contextFor(id);
    const why = await staleReason(ctx.ports.cloudFormation, ready);
    if (why === undefined) return ready;
    const stack = byId.get(id);
    const template = project.templates.get(id);
    if (!stack || !template) return ready;
    emit({
      type: 'stack:warning',
      stack: id,
      stackName: stack.stackName,
      message: `the approved change set went stale (${why}): making a new one`,
    });
    await discardPrepared(ready, ctx);
    const outcome = await prepareStack(
      stack,
      template,
      contextFor(id, { requireApproval: 'never', approve: options.approve }),
    );
    if ('done' in outcome) return outcome.done;
    const remade = outcome.prepared;
    const needed =
      options.requireApproval === 'never' || sameChanges(remade.resourceChanges, approvedUpFront.get(id) ?? [])
        ? undefined
        : approvalNeeded('any-change', remade.changes, remade.type);
    if (needed) {
      const askedAt = clock.now();
      const answer = await options.approve({
        stack: id,
        stackName: stack.stackName,
        ...needed,
        reason: `its change set was made again (${why}) and differs from the approved plan: ${needed.reason}`,
        changes: remade.changes,
      });
      run?.noteWait(id, clock.now() - askedAt);
      if (!answer.approved) {
        const reason = answer.reason ?? 'not approved';
        emit({ type: 'stack:blocked', stack: id, stackName: stack.stackName, reason });
        await discardPrepared(remade, ctx);
        return { status: 'blocked', stackStatus: remade.deployed?.status, outputs: undefined, reason };
      }
    }
    return remade;
  };

  /**
   * `--plan-first`, before anything executes: change sets in graph order for every stack whose
   * inputs are known now (no selected upstream stack that feeds it data has changes), then one
   * question. The rest stay waiting and go the normal way.
   */
  const prepareUpFront = async (graph: GraphRun<StackDeployResult>, approvePlan: Approver): Promise<void> => {
    const settled = new Map<string, Promise<void>>();
    const deferred: string[] = [];
    upFront = true;
    for (const id of plan.order) {
      const inputs = plan.inputsFrom(id);
      settled.set(
        id,
        (async () => {
          await Promise.all(inputs.map((upstream) => settled.get(upstream) ?? Promise.resolve()));
          if (stopSignal.aborted || !inputs.every((upstream) => graph.isDone(upstream) && graph.succeeded(upstream))) {
            if (inputs.some((upstream) => graph.phase(upstream) === 'prepared' || deferred.includes(upstream)))
              deferred.push(id);
            return;
          }
          await graph.prepareNow(id);
        })(),
      );
    }
    await Promise.all(settled.values());
    upFront = false;
    const ready = plan.order.flatMap((id) => prepared.get(id) ?? []);
    if (ready.length === 0 || stopSignal.aborted) return;
    let answer = { approved: true, reason: undefined as string | undefined };
    if ((options.requireApproval ?? 'destructive') !== 'never') {
      const request = planApprovalRequest(ready, deferred);
      const askedAt = clock.now();
      answer = { reason: undefined, ...(await approvePlan(request)) };
      // Nobody's stack was working while a person read the plan.
      for (const p of ready) graph.noteWait(p.stack.id, clock.now() - askedAt);
    }
    // Said once for the run; each stack's reason stays short.
    if (!answer.approved)
      emit({ type: 'run:warning', message: `the plan was not approved: ${answer.reason ?? 'refused'}` });
    for (const p of ready) {
      if (answer.approved) {
        approvedUpFront.set(p.stack.id, p.resourceChanges);
        continue;
      }
      prepared.delete(p.stack.id);
      const reason = 'the plan was not approved';
      emit({ type: 'stack:blocked', stack: p.stack.id, stackName: p.stack.stackName, reason });
      graph.finish(p.stack.id, { status: 'blocked', stackStatus: p.deployed?.status, outputs: undefined, reason });
      graph.background(discardPrepared(p, contextFor(p.stack.id)));
    }
  };

  const deploy: StackOperation<StackDeployResult> = {
    succeeded: (result) => OK.includes(result.status),
    skipped: skippedResult,
    failed: (_id, reason) => ({ status: 'failed', stackStatus: undefined, outputs: undefined, reason }),
    beforeStart: async (graph) => {
      run = graph;
      if (options.planFirst) await prepareUpFront(graph, options.planFirst.approvePlan);
    },
    prepare: async (id) => {
      const stack = byId.get(id);
      const template = project.templates.get(id);
      if (!stack || !template) throw new Error(`${id} is not in the project`);
      const approval = upFront ? { requireApproval: 'never' as const, approve: options.approve } : undefined;
      const outcome = await prepareStack(stack, template, contextFor(id, approval));
      if ('done' in outcome) return outcome.done;
      prepared.set(id, outcome.prepared);
      return 'prepared';
    },
    beforeExecute: async (id) => {
      const ready = prepared.get(id);
      // Made at the start of the run: never executed blindly if the stack moved since.
      if (!ready || !approvedUpFront.has(id)) return undefined;
      prepared.delete(id);
      const fresh = await refreshIfStale(id, ready);
      if (!('changeSetId' in fresh)) return fresh;
      prepared.set(id, fresh);
      return undefined;
    },
    execute: async (id) => {
      const ready = prepared.get(id);
      prepared.delete(id);
      if (!ready) throw new Error(`${id} has no change set to execute`);
      return executeStack(ready, contextFor(id));
    },
    discard: async (id) => {
      const ready = prepared.get(id);
      prepared.delete(id);
      if (ready) await discardPrepared(ready, contextFor(id));
    },
    settle: async (id, result) => {
      const stack = byId.get(id);
      if (stack && OK.includes(result.status) && result.outputs) {
        const ref = { stack: id, stackName: stack.stackName };
        emit({ type: 'stack:outputs', ...ref, outputs: result.outputs });
        await publishOutputs(stack.outputsToSsm, result.outputs, contextFor(id).ports, (message) =>
          emit({ type: 'stack:warning', ...ref, message }),
        );
      }
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
        ...(result.outputs ? { outputs: result.outputs } : {}),
      });
    },
  };

  emit({
    type: 'run:start',
    command: 'deploy',
    project: project.config.project,
    stage: project.config.stage,
    region: project.config.region,
    stacks: plan.order,
    order: plan.order,
    concurrency: policy.concurrency,
    dryRun: false,
  });
  if (fromEvents) emit(fromEvents.event);
  // Fn::GetStackOutput is resolved only when the reader is updated: say which readers may go stale.
  for (const message of weakReferenceNotes(project.graph, plan.order)) emit({ type: 'run:warning', message });
  for (const id of plan.order) {
    const on = plan.dependencies(id);
    if (on.length > 0) emit({ type: 'stack:waiting', stack: id, stackName: byId.get(id)?.stackName ?? id, on });
  }
  // Uploads started before the run; each stack says what its packaging did when it is done.
  const packaged: Promise<unknown>[] = [];
  for (const id of plan.order) {
    const stack = byId.get(id);
    const packaging = options.packaging?.of(id);
    if (!stack || !packaging) continue;
    packaged.push(
      packaging.stats.then(
        (stats) => emit({ type: 'stack:packaged', stack: id, stackName: stack.stackName, ...stats }),
        () => undefined,
      ),
    );
  }
  const { durations, apiCalls } = await runner.run(deploy);
  await Promise.all(packaged);

  const outputsFile = project.config.outputs;
  let outputsFileFailed = false;
  if (outputsFile) {
    const file = displayPath(outputsFile.file, project.config.configDir);
    try {
      // A stack this run skipped, blocked or failed to update still has its deployed outputs: the
      // file says what is live (a failed first create has none, and the value stays missing).
      const liveOutputsOf = async (id: string): Promise<Record<string, string> | undefined> =>
        results.get(id)?.outputs ?? readDeployed(id);
      const written = await writeOutputsFile(outputsFile, liveOutputsOf, file);
      emit({ type: 'run:outputs-file', file, written: written.written, missing: written.missing });
    } catch (error) {
      // The stacks are deployed (or not, as the summary says): the run still ends with its summary,
      // and exit 1 says the file is not there. A write that failed and a read of a deployed stack's
      // outputs that failed (the endpoint stopped answering) are both the user's to act on.
      if (!(error instanceof StackpilotError) || error.source === 'bug') throw error;
      outputsFileFailed = true;
      const message =
        error instanceof FileWriteError
          ? `${error.message}. The stacks are deployed; ${error.hint ?? 'fix the path'}, then run deploy again to write the file`
          : `could not read the outputs it needs: ${error.message}; run deploy again once the endpoint answers`;
      emit({ type: 'run:outputs-file', file, written: false, missing: [], error: message });
    }
  }

  const summary: Record<DeployOutcome, number> = {
    created: 0,
    updated: 0,
    unchanged: 0,
    failed: 0,
    skipped: 0,
    blocked: 0,
    unknown: 0,
  };
  for (const result of results.values()) summary[result.status] += 1;
  const exitCode =
    summary.failed + summary.skipped + summary.blocked + summary.unknown > 0 || outputsFileFailed ? 1 : 0;
  // Read now, not when run:durations was said: a read still in flight at its deadline goes on
  // sending attempts (its answer ignored), and every request that left counts.
  const allCalls = apiCalls + (fromEvents?.counter.calls ?? 0);
  emit({ type: 'run:done', exitCode, durationMs: clock.now() - runStart, summary, apiCalls: allCalls });
  return { exitCode, results, durations };
}

/** `durationsFromEvents`, when asked for and no durations were recorded locally; its calls are the budget's last. */
async function readEventDurations(options: DeployRunOptions): Promise<
  | {
      durations: Record<string, StackDurations>;
      event: EngineEvent & { type: 'run:durations' };
      counter: { calls: number };
    }
  | undefined
> {
  if (!options.durationsFromEvents || Object.keys(options.durations ?? {}).length > 0) return undefined;
  const started = options.clock.now();
  const counter = { calls: 0 };
  // Attempts are counted as they are sent, not when the call settles: calls in flight at the
  // deadline are left to finish on their own. Their retries are said like any other call's.
  const counted = observedPorts(options.ports, {
    attempt: () => {
      counter.calls += 1;
    },
    // Ports without a retry layer (the simulator, test fakes) report no attempts: one request each.
    settled: (attempts) => {
      if (attempts === 0) counter.calls += 1;
    },
    retry: (notice) => options.emit({ type: 'api:retry', ...notice }),
  });
  const ports = prioritizedPorts(counted, () => LOWEST_RANK);
  const selected = new Set(options.stacks);
  const stacks = options.project.config.stacks.filter((s) => selected.has(s.id));
  const read = await durationsFromEvents(ports.cloudFormation, stacks, {
    clock: options.clock,
    ...(options.durationsFromEvents.deadlineMs === undefined
      ? {}
      : { deadlineMs: options.durationsFromEvents.deadlineMs }),
  });
  return {
    durations: read.durations,
    event: {
      type: 'run:durations',
      source: 'cloudformation-events',
      read: Object.keys(read.durations),
      none: read.none,
      failed: read.failed,
      unread: read.unread,
      apiCalls: counter.calls,
      durationMs: options.clock.now() - started,
    },
    counter,
  };
}

async function publishOutputs(
  mapping: Readonly<Record<string, string>>,
  outputs: Record<string, string>,
  ports: AwsPorts,
  warn: (message: string) => void,
): Promise<void> {
  for (const [output, parameterName] of Object.entries(mapping)) {
    const value = outputs[output];
    if (value === undefined) {
      warn(`output ${output} is missing, so SSM parameter ${parameterName} was not written`);
      continue;
    }
    try {
      await ports.ssm.putParameter({
        name: parameterName,
        value,
        overwrite: true,
        description: `output ${output}, written by stackpilot`,
      });
    } catch (error) {
      warn(
        `could not write output ${output} to SSM parameter ${parameterName}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}
