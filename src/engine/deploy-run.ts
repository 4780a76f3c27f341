import { randomBytes } from 'node:crypto';
import PQueue from 'p-queue';
import type { AwsPorts } from '../aws/ports.js';
import type { Clock } from '../clock.js';
import { displayPath } from '../config/resolve-config.js';
import type { Project } from '../graph/load-project.js';
import { weakReferenceNotes } from '../graph/weak-references.js';
import type { ApprovalLevel, Approver } from './approvals.js';
import { countingPorts } from './counting-ports.js';
import { patientReads } from './patient-reads.js';
import { seededRandom } from '../aws/resilient-ports.js';
import type { RetryNotice } from '../aws/call-observer.js';
import type { CallCounter } from './counting-ports.js';
import { DeployError } from './deploy-errors.js';
import { StackpilotError } from '../errors.js';
import { discardPrepared, executeStack, prepareStack } from './deploy-stack.js';
import type { PreparedStack, StackDeployContext, StackDeployResult } from './deploy-stack.js';
import type { DeployOutcome, EngineEvent, StackOutcome } from './events.js';
import type { FollowPolling } from './follow-operation.js';
import { writeOutputsFile } from './outputs-file.js';
import { FileWriteError } from '../write-file-atomic.js';
import { deployedOutputsReader } from './deployed-outputs.js';
import { planSchedule } from './schedule-plan.js';
import { planApprovalRequest, sameChanges, staleReason } from './plan-first.js';
import type { Packaging } from './package-stacks.js';
import type { ResourceChange } from '../aws/ports.js';
import { approvalNeeded } from './approvals.js';
import type { SchedulingPolicy, StackDurations } from './schedule-plan.js';

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
}

export interface DeployRunResult {
  exitCode: number;
  results: ReadonlyMap<string, StackDeployResult>;
  /** What each stack's phases took in this run, to record for the next run's priorities. */
  durations: ReadonlyMap<string, StackDurations>;
}

export { DEFAULT_CONCURRENCY } from './schedule-plan.js';

const OK: readonly StackOutcome[] = ['created', 'updated', 'unchanged'];

type Phase = 'waiting' | 'preparing' | 'prepared' | 'executing' | 'done';

/**
 * The scheduler: a ready queue over the DAG under a concurrency limit (DESIGN.md, "Scheduling").
 * A stack's change set is created as soon as its inputs are known (early, while upstream stacks
 * that feed it no data still deploy), and executed the moment its last dependency succeeds. Among
 * ready stacks the one with the longest remaining path goes first. A stack whose dependency did
 * not succeed is skipped, naming it; independent branches go on, unless `failFast`.
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
  const plan = planSchedule(project, options.stacks, options.policy ?? {}, options.durations ?? {});
  const { policy } = plan;
  const byId = new Map(project.config.stacks.map((s) => [s.id, s]));
  const results = new Map<string, StackDeployResult>();
  const durations = new Map<string, StackDurations>();
  const phase = new Map<string, Phase>(plan.order.map((id) => [id, 'waiting']));
  const prepared = new Map<string, PreparedStack>();
  const started = new Map<string, number>();
  /** Time a person took to answer an approval: not the stack's own time. */
  const approvalWaits = new Map<string, number>();
  /** `--plan-first`: change sets made up front and approved, with what was approved. */
  const approvedUpFront = new Map<string, ResourceChange[]>();
  const counters = new Map<string, CallCounter>(plan.order.map((id) => [id, { calls: 0 }]));
  const runCounter: CallCounter = { calls: 0 };
  const settleTimeoutMs = options.settleTimeoutMs ?? 30 * 60_000;
  /** Retries are reported with the stack whose call it was; the run's own reads have none. */
  const reportRetry =
    (ref?: { stack: string; stackName: string }) =>
    (notice: RetryNotice): void =>
      emit({ type: 'api:retry', ...ref, ...notice });
  const countedPorts = countingPorts(options.ports, runCounter, reportRetry());
  // Reads refused by throttling wait as long as the stack would wait for CloudFormation.
  const runPorts = patientReads(countedPorts, { clock, patienceMs: settleTimeoutMs, onRetry: reportRetry() });
  /** One jitter sequence per stack: replayable virtual runs, and stacks that do not retry in step. */
  const stackRandom = new Map(plan.order.map((id, index) => [id, seededRandom(index + 2)]));
  const stackPorts = (id: string): AwsPorts => {
    const ref = { stack: id, stackName: byId.get(id)?.stackName ?? id };
    return patientReads(countingPorts(countedPorts, counters.get(id) ?? { calls: 0 }, reportRetry(ref)), {
      clock,
      patienceMs: settleTimeoutMs,
      onRetry: reportRetry(ref),
      ...(stackRandom.has(id) ? { random: stackRandom.get(id) } : {}),
    });
  };
  const queue = new PQueue({ concurrency: policy.concurrency });
  /** Change-set deletions and other work started outside the queue; awaited before the run ends. */
  const background: Promise<unknown>[] = [];
  let stopReason: string | undefined;
  let finishRun: () => void = () => undefined;
  const allDone = new Promise<void>((resolve) => {
    finishRun = resolve;
  });

  // Outputs of stacks outside this run come from the deployed stacks, read once each.
  const readDeployed = deployedOutputsReader(runPorts.cloudFormation, (id) => byId.get(id)?.stackName);
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
    ports: stackPorts(id),
    clock,
    emit,
    approve: approval?.approve ?? options.approve,
    requireApproval: approval?.requireApproval ?? options.requireApproval ?? 'destructive',
    runId,
    ...(options.allowReplace ? { allowReplace: options.allowReplace } : {}),
    noteApprovalWait: (ms) => approvalWaits.set(id, (approvalWaits.get(id) ?? 0) + ms),
    replaceFailed: options.replaceFailed ?? false,
    settleTimeoutMs,
    stopSignal,
    cancelSignal,
    ...(options.polling ? { polling: options.polling } : {}),
    ...(options.durations?.[id]?.executeMs === undefined ? {} : { expectedExecuteMs: options.durations[id].executeMs }),
    ...(options.packaging?.of(id) ? { packaged: () => options.packaging?.of(id)?.ready } : {}),
    ...(missingOutputHint ? { missingOutputHint } : {}),
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

  const succeeded = (id: string): boolean => OK.includes(results.get(id)?.status ?? 'skipped');
  const isDone = (id: string): boolean => phase.get(id) === 'done';
  const waveOpen = (id: string): boolean =>
    !policy.waves ||
    plan.order.every((other) => (plan.level.get(other) ?? 0) >= (plan.level.get(id) ?? 0) || isDone(other));

  const finish = (id: string, result: StackDeployResult): void => {
    const stack = byId.get(id);
    if (!stack || isDone(id)) return;
    phase.set(id, 'done');
    results.set(id, result);
    // The time the stack was being worked on: its change set and its execution, not the wait between.
    const took = durations.get(id);
    emit({
      type: 'stack:done',
      stack: id,
      stackName: stack.stackName,
      status: result.status,
      stackStatus: result.stackStatus,
      durationMs: (took?.changeSetMs ?? 0) + (took?.executeMs ?? 0),
      apiCalls: counters.get(id)?.calls ?? 0,
      ...(result.reason ? { reason: result.reason } : {}),
      ...(result.rootCause ? { rootCause: result.rootCause } : {}),
      ...(result.outputs ? { outputs: result.outputs } : {}),
    });
    if (policy.failFast && !OK.includes(result.status) && stopReason === undefined)
      stopReason = `--fail-fast: ${id} ${result.status}`;
  };

  /**
   * The root causes behind each stack skipped for its dependencies (`data failed`), so that a
   * stack further down names them once instead of nesting every skip along the chain.
   */
  const rootCauses = new Map<string, readonly string[]>();
  const rootsOf = (dep: string): readonly string[] => {
    const blocker = results.get(dep);
    const status = blocker?.status ?? 'skipped';
    if (status !== 'skipped') return [`${dep} ${status}`];
    return rootCauses.get(dep) ?? (blocker?.reason ? [blocker.reason] : [`${dep} skipped`]);
  };

  /** Why a stack can no longer deploy: a dependency that did not succeed, or a stop. */
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

  const pump = (): void => {
    for (const id of plan.byPriority) {
      const current = phase.get(id);
      if (current === 'waiting' || current === 'prepared') {
        const reason = blockedBy(id);
        if (reason !== undefined) {
          const ready = prepared.get(id);
          prepared.delete(id);
          finish(id, { status: 'skipped', stackStatus: undefined, outputs: undefined, reason });
          if (ready) background.push(discardPrepared(ready, contextFor(id)));
          continue;
        }
      }
      if (current === 'waiting' && waveOpen(id) && plan.inputsFrom(id).every(succeeded)) {
        phase.set(id, 'preparing');
        void queue.add(() => runPrepare(id), { priority: plan.priority.get(id) ?? 0 });
      } else if (current === 'prepared' && waveOpen(id) && plan.dependencies(id).every(succeeded)) {
        phase.set(id, 'executing');
        void queue.add(() => runExecute(id), { priority: plan.priority.get(id) ?? 0 });
      }
    }
    if (plan.order.every(isDone)) finishRun();
  };

  const runPrepare = async (
    id: string,
    approval?: Pick<StackDeployContext, 'approve' | 'requireApproval'>,
    thenPump = true,
  ): Promise<void> => {
    const stack = byId.get(id);
    const template = project.templates.get(id);
    if (!stack || !template) return;
    const reason = blockedBy(id);
    if (reason !== undefined) {
      finish(id, { status: 'skipped', stackStatus: undefined, outputs: undefined, reason });
    } else {
      // Started when it gets its slot, not when it was queued: the wait for a slot is not its work.
      started.set(id, clock.now());
      emit({ type: 'stack:start', stack: id, stackName: stack.stackName });
      const outcome = await guard(id, () => prepareStack(stack, template, contextFor(id, approval)));
      durations.set(id, { changeSetMs: clock.now() - (started.get(id) ?? clock.now()) - (approvalWaits.get(id) ?? 0) });
      if (outcome && 'prepared' in outcome) {
        prepared.set(id, outcome.prepared);
        phase.set(id, 'prepared');
        const waitingOn = plan.dependencies(id).filter((dep) => !isDone(dep));
        if (waitingOn.length > 0) emit({ type: 'stack:waiting', stack: id, stackName: stack.stackName, on: waitingOn });
      } else if (outcome) {
        await settleOutcome(id, outcome.done);
      }
    }
    if (thenPump) pump();
  };

  const runExecute = async (id: string): Promise<void> => {
    let ready = prepared.get(id);
    prepared.delete(id);
    if (!ready) return;
    if (approvedUpFront.has(id) && stopReason === undefined) {
      // Made at the start of the run: never executed blindly if the stack moved since.
      const fresh = await guard(id, () => refreshIfStale(id, ready as PreparedStack));
      if (!fresh) {
        pump();
        return;
      }
      if (!('changeSetId' in fresh)) {
        await settleOutcome(id, fresh);
        pump();
        return;
      }
      ready = fresh;
    }
    if (stopReason !== undefined) {
      // Queued behind busy slots when --fail-fast stopped the run: it must not start now.
      finish(id, { status: 'skipped', stackStatus: undefined, outputs: undefined, reason: stopReason });
      background.push(discardPrepared(ready, contextFor(id)));
      pump();
      return;
    }
    const executeStart = clock.now();
    const result = await guard(id, () => executeStack(ready, contextFor(id)));
    const changeSetMs = durations.get(id)?.changeSetMs;
    durations.set(id, { ...(changeSetMs === undefined ? {} : { changeSetMs }), executeMs: clock.now() - executeStart });
    if (result) await settleOutcome(id, result);
    pump();
  };

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
      approvalWaits.set(id, (approvalWaits.get(id) ?? 0) + clock.now() - askedAt);
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
  const prepareUpFront = async (approvePlan: Approver): Promise<void> => {
    const settled = new Map<string, Promise<void>>();
    const deferred: string[] = [];
    for (const id of plan.order) {
      const inputs = plan.inputsFrom(id);
      settled.set(
        id,
        (async () => {
          await Promise.all(inputs.map((upstream) => settled.get(upstream) ?? Promise.resolve()));
          if (stopSignal.aborted || !inputs.every((upstream) => isDone(upstream) && succeeded(upstream))) {
            if (inputs.some((upstream) => phase.get(upstream) === 'prepared' || deferred.includes(upstream)))
              deferred.push(id);
            return;
          }
          phase.set(id, 'preparing');
          await queue.add(() => runPrepare(id, { requireApproval: 'never', approve: options.approve }, false), {
            priority: plan.priority.get(id) ?? 0,
          });
        })(),
      );
    }
    await Promise.all(settled.values());
    const ready = plan.order.flatMap((id) => prepared.get(id) ?? []);
    if (ready.length === 0 || stopSignal.aborted) return;
    let answer = { approved: true, reason: undefined as string | undefined };
    if ((options.requireApproval ?? 'destructive') !== 'never') {
      const request = planApprovalRequest(ready, deferred);
      const askedAt = clock.now();
      answer = { reason: undefined, ...(await approvePlan(request)) };
      // Nobody's stack was working while a person read the plan.
      for (const p of ready)
        approvalWaits.set(p.stack.id, (approvalWaits.get(p.stack.id) ?? 0) + clock.now() - askedAt);
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
      finish(p.stack.id, { status: 'blocked', stackStatus: p.deployed?.status, outputs: undefined, reason });
      background.push(discardPrepared(p, contextFor(p.stack.id)));
    }
  };

  /** A bug in one stack's path fails that stack, not the run (and says so). */
  const guard = async <T>(id: string, work: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await work();
    } catch (error) {
      finish(id, {
        status: 'failed',
        stackStatus: undefined,
        outputs: undefined,
        reason: `internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      });
      return undefined;
    }
  };

  const settleOutcome = async (id: string, result: StackDeployResult): Promise<void> => {
    const stack = byId.get(id);
    if (stack && OK.includes(result.status) && result.outputs) {
      const ref = { stack: id, stackName: stack.stackName };
      emit({ type: 'stack:outputs', ...ref, outputs: result.outputs });
      await publishOutputs(stack.outputsToSsm, result.outputs, contextFor(id).ports, (message) =>
        emit({ type: 'stack:warning', ...ref, message }),
      );
    }
    finish(id, result);
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
  // Fn::GetStackOutput is resolved only when the reader is updated: say which readers may go stale.
  for (const message of weakReferenceNotes(project.graph, plan.order)) emit({ type: 'run:warning', message });
  for (const id of plan.order) {
    const on = plan.dependencies(id);
    if (on.length > 0) emit({ type: 'stack:waiting', stack: id, stackName: byId.get(id)?.stackName ?? id, on });
  }
  // Uploads started before the run; each stack says what its packaging did when it is done.
  for (const id of plan.order) {
    const stack = byId.get(id);
    const packaging = options.packaging?.of(id);
    if (!stack || !packaging) continue;
    background.push(
      packaging.stats.then(
        (stats) => emit({ type: 'stack:packaged', stack: id, stackName: stack.stackName, ...stats }),
        () => undefined,
      ),
    );
  }
  const onStop = (): void => pump();
  stopSignal.addEventListener('abort', onStop, { once: true });
  try {
    if (options.planFirst) await prepareUpFront(options.planFirst.approvePlan);
    pump();
    await allDone;
    await queue.onIdle();
    await Promise.all(background);
  } finally {
    stopSignal.removeEventListener('abort', onStop);
  }

  const outputsFile = project.config.outputs;
  let outputsFileFailed = false;
  if (outputsFile) {
    const file = displayPath(outputsFile.file, project.config.configDir);
    try {
      const written = await writeOutputsFile(outputsFile, outputsOf, file);
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
  emit({ type: 'run:done', exitCode, durationMs: clock.now() - runStart, summary, apiCalls: runCounter.calls });
  return { exitCode, results, durations };
}

/** Items named in one skip reason at most: a stack with many failed dependencies stays one readable line. */
const MAX_NAMED = 5;

function boundedList(items: readonly string[]): string {
  if (items.length <= MAX_NAMED) return items.join(', ');
  return `${items.slice(0, MAX_NAMED).join(', ')} and ${items.length - MAX_NAMED} more`;
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
