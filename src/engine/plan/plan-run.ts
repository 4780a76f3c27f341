import { randomBytes } from 'node:crypto';
import type { AwsPorts, ChangeSetDescription, CloudFormationPort, ResourceChange } from '../../aws/ports.js';
import { AwsError, isNoChangesReason } from '../../aws/errors.js';
import { isOutputRef } from '../../config/resolve-config.js';
import type { ResolvedStack } from '../../config/resolve-config.js';
import type { Clock } from '../../clock.js';
import type { Project } from '../../graph/load-project.js';
import { weakReferenceNotes } from '../../graph/weak-references.js';
import { DeployError } from '../deploy-errors.js';
import { discardPrepared, prepareStack } from '../deploy/deploy-stack.js';
import type { Packaging } from '../package-stacks.js';
import type { EngineEvent, NestedPlan, PlanStatus, PlannedChange, StackPlan } from '../events.js';
import { DEFAULT_CONCURRENCY, feedsChangeSet } from '../runner/schedule-plan.js';
import { graphRunner } from '../runner/run-graph.js';
import { deployedOutputsReader } from '../deployed-outputs.js';

export type { PlanStatus } from '../events.js';

/** One stack of the plan: what `stack:planned` carries. */
export type PlannedStack = StackRef & StackPlan;

interface StackRef {
  stack: string;
  stackName: string;
}

/** Nested stacks inside nested stacks: far deeper than any real template goes. */
const MAX_NESTED_DEPTH = 10;

export interface PlanRunOptions {
  project: Project;
  stacks: readonly string[];
  ports: AwsPorts;
  clock: Clock;
  /**
   * `run:start`, each stack's progress (`stack:start`, `stack:changeset`...), then one
   * `stack:planned` per stack and `plan:done`: the whole plan is in the events too.
   */
  emit: (event: EngineEvent) => void;
  concurrency?: number;
  /** Ctrl-C: stop making change sets; every one made is still deleted. */
  stopSignal?: AbortSignal;
  /** As for deploy: stateful resources allowed to be removed or replaced. */
  allowReplace?: ReadonlySet<string>;
  runId?: string;
  /** Local code and nested templates, packaged and uploading (`packageStacks`): change sets need them in S3. */
  packaging?: Packaging;
  /** As for deploy (--wait-timeout): how long a stack busy with another operation, or a change set, is waited for. @default 30 minutes */
  settleTimeoutMs?: number;
}

export interface PlanRunResult {
  stacks: PlannedStack[];
  /** 0 nothing to change, 2 changes, 1 a stack could not be planned. */
  detailedExitCode: 0 | 1 | 2;
}

/**
 * The dry-run: every selected stack's change set is made, described and deleted, together with
 * the REVIEW_IN_PROGRESS stack a CREATE change set leaves, in every path including Ctrl-C.
 * Nothing executes, so stacks are planned in parallel against what is deployed today; a stack
 * whose inputs come from an upstream stack with changes is marked, since its preview uses
 * today's values.
 */
export async function planRun(options: PlanRunOptions): Promise<PlanRunResult> {
  const { project, clock, emit } = options;
  const runId =
    options.runId ??
    `plan-${new Date(clock.now())
      .toISOString()
      .replace(/[-:T.Z]/g, '')
      .slice(0, 14)}-${randomBytes(3).toString('hex')}`;
  const stopSignal = options.stopSignal ?? new AbortController().signal;
  const byId = new Map(project.config.stacks.map((s) => [s.id, s]));
  const settleTimeoutMs = options.settleTimeoutMs ?? 30 * 60_000;
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  /**
   * Nothing executes, so stacks are planned independently (no edges), in graph order. As in
   * deploy, a read refused by throttling waits as long as the stack would wait for CloudFormation,
   * instead of failing the stack's plan once the port's own retries are spent.
   */
  const runner = graphRunner({
    project,
    stacks: options.stacks,
    direction: 'none',
    ports: options.ports,
    clock,
    emit,
    stopSignal,
    policy: { concurrency, prioritize: false },
    patienceMs: settleTimeoutMs,
    countCalls: false,
  });
  const selected = runner.plan.order;
  const outputsOfDeployed = deployedOutputsReader(runner.runPorts.cloudFormation, (id) => byId.get(id)?.stackName);
  const startedAt = clock.now();
  emit({
    type: 'run:start',
    command: 'plan',
    project: project.config.project,
    stage: project.config.stage,
    region: project.config.region,
    stacks: selected,
    order: selected,
    concurrency,
    dryRun: true,
  });
  // Fn::GetStackOutput is resolved only when the reader is updated: say which readers may go stale.
  for (const message of weakReferenceNotes(project.graph, selected)) emit({ type: 'run:warning', message });

  const baseOf = (id: string): PlannedStack => ({
    stack: id,
    stackName: byId.get(id)?.stackName ?? id,
    status: 'failed',
    changeSetType: undefined,
    changes: [],
    pendingUpstream: [],
    reason: undefined,
  });

  const planOne = async (id: string): Promise<PlannedStack> => {
    const stack = byId.get(id);
    const template = project.templates.get(id);
    const base = baseOf(id);
    if (!stack || !template) return { ...base, status: 'failed', reason: 'not in the project' };
    const ssmReads = [...new Set(template.ssmReads.map((read) => read.parameterName.value))];
    if (ssmReads.length > 0) base.ssmReads = ssmReads;
    const ports = runner.portsFor(id);
    let missingUpstream: string | undefined;
    const outcome = await prepareStack(stack, template, {
      ports,
      clock,
      emit,
      runId,
      replaceFailed: false,
      settleTimeoutMs,
      stopSignal,
      cancelSignal: new AbortController().signal,
      // A plan asks nobody: it shows every change and executes none.
      approve: () => Promise.resolve({ approved: true }),
      requireApproval: 'never',
      ...(options.allowReplace ? { allowReplace: options.allowReplace } : {}),
      ...(options.packaging?.of(id) ? { packaged: () => options.packaging?.of(id)?.ready } : {}),
      outputsOf: async (upstream) => {
        const outputs = await outputsOfDeployed(upstream);
        if (!outputs) {
          missingUpstream = upstream;
          throw new DeployError('UPSTREAM_NOT_DEPLOYED', `will be created after ${upstream}`);
        }
        return outputs;
      },
    });
    if ('done' in outcome) {
      const result = outcome.done;
      if (missingUpstream !== undefined)
        return {
          ...base,
          status: 'pending',
          reason: `will be created after ${missingUpstream}: its outputs are not known yet`,
        };
      if (result.status === 'unchanged') return { ...base, status: 'unchanged' };
      return {
        ...base,
        status: result.status === 'skipped' || result.status === 'blocked' ? result.status : 'failed',
        reason: result.reason,
      };
    }
    const prepared = outcome.prepared;
    try {
      // prepareStack has described the change set (all pages) and the data guard its nested ones.
      const nested = await describeNested(ports.cloudFormation, prepared.resourceChanges, 1, prepared.nestedChangeSets);
      return {
        ...base,
        status: 'changes',
        changeSetType: prepared.type,
        changes: prepared.resourceChanges.map((c) => plannedChange(c, stack)),
        ...(nested.length > 0 ? { nested } : {}),
      };
    } finally {
      await discardPrepared(prepared, {
        ports,
        clock,
        emit,
        runId,
        approve: () => Promise.resolve({ approved: false }),
        outputsOf: () => Promise.resolve({}),
        replaceFailed: false,
        settleTimeoutMs: 0,
        stopSignal,
        cancelSignal: stopSignal,
      });
    }
  };

  // What packaging did, per stack, once its uploads are done (they run beside the change sets).
  const packagedEvents = selected.map((id) => {
    const packaging = options.packaging?.of(id);
    const stackName = byId.get(id)?.stackName ?? id;
    return packaging
      ? packaging.stats.then(
          (stats) => emit({ type: 'stack:packaged', stack: id, stackName, ...stats }),
          () => undefined,
        )
      : Promise.resolve();
  });
  // Bounded by the runner's concurrency, not by the number of stacks; a stack not started at
  // Ctrl-C is skipped as `interrupted`.
  const { results } = await runner.run<PlannedStack>({
    succeeded: (p) => p.status !== 'failed' && p.status !== 'skipped' && p.status !== 'blocked',
    skipped: (id, reason) => ({ ...baseOf(id), status: 'skipped', reason }),
    failed: (id, reason) => ({ ...baseOf(id), status: 'failed', reason }),
    run: planOne,
  });
  const planned = selected.flatMap((id) => results.get(id) ?? []);
  await Promise.all(packagedEvents);
  const status = new Map(planned.map((p) => [p.stack, p.status]));
  for (const p of planned) {
    const feeding = project.graph.edges.filter(
      (e) => e.stack === p.stack && feedsChangeSet(e.via) && status.get(e.dependsOn) === 'changes',
    );
    p.pendingUpstream = [...new Set(feeding.map((e) => e.dependsOn))];
  }
  // A blocked stack is a deploy that would be refused: an error, like a stack that cannot be planned.
  const detailedExitCode = planned.some(
    (p) => p.status === 'failed' || p.status === 'skipped' || p.status === 'blocked',
  )
    ? 1
    : planned.some((p) => p.status === 'changes' || p.status === 'pending')
      ? 2
      : 0;
  for (const p of planned) emit({ type: 'stack:planned', ...p });
  const summary: Record<PlanStatus, number> = {
    changes: 0,
    unchanged: 0,
    pending: 0,
    blocked: 0,
    failed: 0,
    skipped: 0,
  };
  for (const p of planned) summary[p.status] += 1;
  emit({ type: 'plan:done', detailedExitCode, durationMs: clock.now() - startedAt, summary });
  return { stacks: planned, detailedExitCode };
}

/** A change as the plan shows it: a parameter the config feeds from an upstream output names that output. */
function plannedChange(change: ResourceChange, stack: ResolvedStack | undefined): PlannedChange {
  return {
    ...change,
    scope: [...change.scope],
    details: change.details.map((d) => {
      const value =
        d.changeSource === 'ParameterReference' && d.causingEntity !== undefined
          ? stack?.parameters[d.causingEntity]
          : undefined;
      return isOutputRef(value)
        ? { ...d, upstreamOutput: { stack: value.output.stack, output: value.output.name } }
        : { ...d };
    }),
  };
}

/**
 * The change sets of nested stacks (IncludeNestedStacks), one after the other and all pages each,
 * under the `AWS::CloudFormation::Stack` change that names them. They are deleted with the root.
 */
async function describeNested(
  cf: CloudFormationPort,
  changes: readonly ResourceChange[],
  depth: number,
  known: ReadonlyMap<string, ChangeSetDescription | AwsError>,
): Promise<NestedPlan[]> {
  const out: NestedPlan[] = [];
  for (const change of changes) {
    const changeSetId = change.nestedChangeSetId;
    if (changeSetId === undefined) continue;
    if (depth > MAX_NESTED_DEPTH) {
      out.push({
        logicalId: change.logicalId,
        changeSetId,
        changes: [],
        reason: `nested more than ${MAX_NESTED_DEPTH} levels deep: not described`,
      });
      continue;
    }
    try {
      // The data guard has read it already when the stack was deployed before.
      const earlier = known.get(changeSetId);
      if (earlier instanceof AwsError) throw earlier;
      const described = earlier ?? (await cf.describeChangeSet(changeSetId));
      const nested = await describeNested(cf, described.changes, depth + 1, known);
      const reason =
        described.status === 'CREATE_COMPLETE' || isNoChanges(described.status, described.statusReason)
          ? undefined
          : `its change set is ${described.status}${described.statusReason ? `: ${described.statusReason}` : ''}`;
      out.push({
        logicalId: change.logicalId,
        changeSetId,
        changes: described.changes.map((c) => plannedChange(c, undefined)),
        ...(reason ? { reason } : {}),
        ...(nested.length > 0 ? { nested } : {}),
      });
    } catch (error) {
      if (!(error instanceof AwsError)) throw error;
      out.push({
        logicalId: change.logicalId,
        changeSetId,
        changes: [],
        reason: `could not describe its change set: ${error.serviceMessage}`,
      });
    }
  }
  return out;
}

function isNoChanges(status: string, reason: string | undefined): boolean {
  return status === 'FAILED' && isNoChangesReason(reason);
}
