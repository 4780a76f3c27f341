import { randomBytes } from 'node:crypto';
import type { AwsPorts } from '../aws/ports.js';
import type { Clock } from '../clock.js';
import { displayPath } from '../config/resolve-config.js';
import type { Project } from '../graph/load-project.js';
import { dependenciesOf } from '../graph/types.js';
import type { Approver } from './approvals.js';
import { countingPorts } from './counting-ports.js';
import type { CallCounter } from './counting-ports.js';
import { deployStack } from './deploy-stack.js';
import type { StackDeployResult } from './deploy-stack.js';
import type { EngineEvent, StackOutcome } from './events.js';
import { writeOutputsFile } from './outputs-file.js';
import { DeployError } from './deploy-errors.js';

export interface DeployRunOptions {
  project: Project;
  /** Config ids to deploy (a selection); deployed in the graph's order. */
  stacks: readonly string[];
  ports: AwsPorts;
  clock: Clock;
  emit: (event: EngineEvent) => void;
  approve: Approver;
  replaceFailed?: boolean;
  /** @default 30 minutes */
  settleTimeoutMs?: number;
  stopSignal?: AbortSignal;
  cancelSignal?: AbortSignal;
  /** Names change sets and tokens; random when not given. */
  runId?: string;
}

export interface DeployRunResult {
  exitCode: number;
  results: ReadonlyMap<string, StackDeployResult>;
}

const OK: readonly StackOutcome[] = ['created', 'updated', 'unchanged'];

/**
 * Deploys the selected stacks one at a time in dependency order (the parallel scheduler comes
 * later and reuses `deployStack`). A stack whose dependency did not succeed is skipped, naming it;
 * independent stacks go on.
 */
export async function deployRun(options: DeployRunOptions): Promise<DeployRunResult> {
  const { project, clock, emit } = options;
  const runStart = clock.now();
  const runId = options.runId ?? `${new Date(runStart).toISOString().replace(/[-:T.Z]/g, '').slice(0, 14)}-${randomBytes(3).toString('hex')}`;
  const stopSignal = options.stopSignal ?? new AbortController().signal;
  const cancelSignal = options.cancelSignal ?? new AbortController().signal;
  const selected = new Set(options.stacks);
  const order = project.orderings.order.filter((id) => selected.has(id));
  const byId = new Map(project.config.stacks.map((s) => [s.id, s]));
  const results = new Map<string, StackDeployResult>();
  const runCounter: CallCounter = { calls: 0 };
  const runPorts = countingPorts(options.ports, runCounter);

  // Outputs of stacks outside this run come from the deployed stacks, read once each.
  const described = new Map<string, Promise<Record<string, string> | undefined>>();
  const outputsOf = async (id: string): Promise<Record<string, string> | undefined> => {
    const fromRun = results.get(id);
    if (fromRun) return fromRun.outputs;
    const stack = byId.get(id);
    if (!stack) return undefined;
    let pending = described.get(id);
    if (!pending) {
      pending = runPorts.cloudFormation.describeStack(stack.stackName).then((d) => (d ? Object.fromEntries(d.outputs.map((o) => [o.key, o.value])) : undefined));
      described.set(id, pending);
    }
    return pending;
  };

  emit({
    type: 'run:start', command: 'deploy', project: project.config.project, stage: project.config.stage, region: project.config.region,
    stacks: order, order, concurrency: 1, dryRun: false,
  });

  for (const id of order) {
    const stack = byId.get(id);
    const template = project.templates.get(id);
    if (!stack || !template) continue;
    const ref = { stack: id, stackName: stack.stackName };
    const started = clock.now();
    const blockers = dependenciesOf(project.graph, id).filter((dep) => selected.has(dep) && !OK.includes(results.get(dep)?.status ?? 'skipped'));
    let result: StackDeployResult;
    const counter: CallCounter = { calls: 0 };
    if (blockers.length > 0) {
      // A blocker that was itself skipped says why, so the stack that failed is named all the way down.
      const reason = blockers.map((dep) => {
        const blocker = results.get(dep);
        const status = blocker?.status ?? 'skipped';
        return status === 'skipped' && blocker?.reason ? `${dep} skipped (${blocker.reason})` : `${dep} ${status}`;
      }).join(', ');
      result = { status: 'skipped', stackStatus: undefined, outputs: undefined, reason };
    } else if (stopSignal.aborted) {
      result = { status: 'skipped', stackStatus: undefined, outputs: undefined, reason: 'interrupted' };
    } else {
      emit({ type: 'stack:start', ...ref });
      const ports = countingPorts(runPorts, counter);
      result = await deployStack(stack, template, {
        ports, clock, emit, approve: options.approve, runId, replaceFailed: options.replaceFailed ?? false,
        settleTimeoutMs: options.settleTimeoutMs ?? 30 * 60_000, stopSignal, cancelSignal,
        outputsOf: async (upstream) => {
          const outputs = await outputsOf(upstream);
          if (!outputs) {
            throw new DeployError('UPSTREAM_MISSING', `${id} needs outputs of stack ${upstream} (${byId.get(upstream)?.stackName ?? upstream}), which is not deployed`, {
              hint: `deploy it too: stackpilot deploy ${id} (without --exclusively)`,
            });
          }
          return outputs;
        },
      });
      if (OK.includes(result.status) && result.outputs) {
        emit({ type: 'stack:outputs', ...ref, outputs: result.outputs });
        await publishOutputs(stack.outputsToSsm, result.outputs, ports, (message) => emit({ type: 'stack:warning', ...ref, message }));
      }
    }
    results.set(id, result);
    emit({
      type: 'stack:done', ...ref, status: result.status, stackStatus: result.stackStatus, durationMs: clock.now() - started, apiCalls: counter.calls,
      ...(result.reason ? { reason: result.reason } : {}),
      ...(result.rootCause ? { rootCause: result.rootCause } : {}),
      ...(result.outputs ? { outputs: result.outputs } : {}),
    });
  }

  const outputsFile = project.config.outputs;
  if (outputsFile) {
    const written = await writeOutputsFile(outputsFile, outputsOf);
    const where = displayPath(outputsFile.file, project.config.configDir);
    emit({ type: 'run:outputs-file', file: where, written: written.written, missing: written.missing });
  }

  const summary: Record<StackOutcome, number> = { created: 0, updated: 0, unchanged: 0, failed: 0, skipped: 0, blocked: 0 };
  for (const result of results.values()) summary[result.status] += 1;
  const exitCode = summary.failed + summary.skipped + summary.blocked > 0 ? 1 : 0;
  emit({ type: 'run:done', exitCode, durationMs: clock.now() - runStart, summary, apiCalls: runCounter.calls });
  return { exitCode, results };
}

async function publishOutputs(mapping: Readonly<Record<string, string>>, outputs: Record<string, string>, ports: AwsPorts, warn: (message: string) => void): Promise<void> {
  for (const [output, parameterName] of Object.entries(mapping)) {
    const value = outputs[output];
    if (value === undefined) {
      warn(`output ${output} is missing, so SSM parameter ${parameterName} was not written`);
      continue;
    }
    try {
      await ports.ssm.putParameter({ name: parameterName, value, overwrite: true, description: `output ${output}, written by stackpilot` });
    } catch (error) {
      warn(`could not write output ${output} to SSM parameter ${parameterName}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
