import { randomBytes } from 'node:crypto';
import PQueue from 'p-queue';
import type { AwsPorts, ResourceChange } from '../aws/ports.js';
import type { Clock } from '../clock.js';
import type { Project } from '../graph/load-project.js';
import { DeployError } from './deploy-errors.js';
import { discardPrepared, prepareStack } from './deploy-stack.js';
import type { EngineEvent } from './events.js';
import { DEFAULT_CONCURRENCY } from './schedule-plan.js';
import { deployedOutputsReader } from './deployed-outputs.js';

export type PlanStatus = 'changes' | 'unchanged' | 'pending' | 'blocked' | 'failed' | 'skipped';

export interface PlannedStack {
  stack: string;
  stackName: string;
  status: PlanStatus;
  changeSetType: 'CREATE' | 'UPDATE' | undefined;
  /** Every change of the change set, with its details (all pages). */
  changes: ResourceChange[];
  /** Upstream stacks with changes in this plan whose outputs or SSM values feed this one. */
  pendingUpstream: string[];
  /** For pending, failed or skipped stacks: why, one line. */
  reason: string | undefined;
}

export interface PlanRunOptions {
  project: Project;
  stacks: readonly string[];
  ports: AwsPorts;
  clock: Clock;
  /** Progress (change sets being made); the plan itself is the result. */
  emit: (event: EngineEvent) => void;
  concurrency?: number;
  /** Ctrl-C: stop making change sets; every one made is still deleted. */
  stopSignal?: AbortSignal;
  /** As for deploy: stateful resources allowed to be removed or replaced. */
  allowReplace?: ReadonlySet<string>;
  runId?: string;
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
  const runId = options.runId ?? `plan-${new Date(clock.now()).toISOString().replace(/[-:T.Z]/g, '').slice(0, 14)}-${randomBytes(3).toString('hex')}`;
  const stopSignal = options.stopSignal ?? new AbortController().signal;
  const byId = new Map(project.config.stacks.map((s) => [s.id, s]));
  const selected = project.orderings.order.filter((id) => options.stacks.includes(id));
  const queue = new PQueue({ concurrency: options.concurrency ?? DEFAULT_CONCURRENCY });
  const outputsOfDeployed = deployedOutputsReader(options.ports.cloudFormation, (id) => byId.get(id)?.stackName);

  const planOne = async (id: string): Promise<PlannedStack> => {
    const stack = byId.get(id);
    const template = project.templates.get(id);
    const base = { stack: id, stackName: stack?.stackName ?? id, changeSetType: undefined, changes: [], pendingUpstream: [], reason: undefined };
    if (!stack || !template) return { ...base, status: 'failed', reason: 'not in the project' };
    if (stopSignal.aborted) return { ...base, status: 'skipped', reason: 'interrupted' };
    let missingUpstream: string | undefined;
    const outcome = await prepareStack(stack, template, {
      ports: options.ports, clock, emit, runId, replaceFailed: false, settleTimeoutMs: 30 * 60_000,
      stopSignal, cancelSignal: new AbortController().signal,
      // A plan asks nobody: it shows every change and executes none.
      approve: () => Promise.resolve({ approved: true }), requireApproval: 'never',
      ...(options.allowReplace ? { allowReplace: options.allowReplace } : {}),
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
      if (missingUpstream !== undefined) return { ...base, status: 'pending', reason: `will be created after ${missingUpstream}: its outputs are not known yet` };
      if (result.status === 'unchanged') return { ...base, status: 'unchanged' };
      return { ...base, status: result.status === 'skipped' || result.status === 'blocked' ? result.status : 'failed', reason: result.reason };
    }
    const prepared = outcome.prepared;
    try {
      const described = await options.ports.cloudFormation.describeChangeSet(prepared.changeSetId);
      return { ...base, status: 'changes', changeSetType: prepared.type, changes: described.changes };
    } finally {
      await discardPrepared(prepared, { ports: options.ports, clock, emit, runId, approve: () => Promise.resolve({ approved: false }), outputsOf: () => Promise.resolve({}), replaceFailed: false, settleTimeoutMs: 0, stopSignal, cancelSignal: stopSignal });
    }
  };

  // Bounded by the queue's concurrency, not by the number of stacks.
  const planned = await Promise.all(selected.map((id) => queue.add(() => planOne(id))));
  const status = new Map(planned.map((p) => [p.stack, p.status]));
  for (const p of planned) {
    const feeding = project.graph.edges.filter((e) => e.stack === p.stack && (e.via === 'output' || e.via === 'ssm') && status.get(e.dependsOn) === 'changes');
    p.pendingUpstream = [...new Set(feeding.map((e) => e.dependsOn))];
  }
  // A blocked stack is a deploy that would be refused: an error, like a stack that cannot be planned.
  const detailedExitCode = planned.some((p) => p.status === 'failed' || p.status === 'skipped' || p.status === 'blocked') ? 1
    : planned.some((p) => p.status === 'changes' || p.status === 'pending') ? 2 : 0;
  return { stacks: planned, detailedExitCode };
}
