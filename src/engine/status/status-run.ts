import { AwsError } from '../../aws/errors.js';
import type { AwsPorts } from '../../aws/ports.js';
import type { Clock } from '../../clock.js';
import type { Project } from '../../graph/load-project.js';
import { deployedOutputsReader } from '../deployed-outputs.js';
import type { EngineEvent } from '../events.js';
import { graphRunner } from '../runner/run-graph.js';
import type { StackOperation } from '../runner/run-graph.js';
import { DEFAULT_CONCURRENCY } from '../runner/schedule-plan.js';
import { findOrphans } from '../orphans/find-orphans.js';
import type { OrphanStack } from '../orphans/find-orphans.js';
import { readStackStatus } from './read-stack-status.js';
import type { StackStatusReport } from './read-stack-status.js';
import { detectDrift } from '../drift/detect-drift.js';
import { isInProgress } from '../stack-status.js';

export interface StatusRunOptions {
  project: Project;
  /** The selected stacks (config ids). */
  stacks: readonly string[];
  ports: AwsPorts;
  clock: Clock;
  /** The runner's events (`stack:start`); status has no renderer of its own for them. */
  emit?: (event: EngineEvent) => void;
  concurrency?: number;
  /** Ctrl-C: read nothing more; the stacks not read are reported as such. */
  stopSignal?: AbortSignal;
  /** The templates as deploy sends them (packaged), by stack id; absent: the template file. */
  packagedBodies?: ReadonlyMap<string, string>;
  /** How long a read refused by throttling is retried. @default 5 minutes */
  patienceMs?: number;
  /** Look for orphaned stacks of this project and stage (the whole stage is looked at). @default false */
  orphans?: boolean;
  /** `--drift`: run drift detection on every deployed stack that can be checked. */
  drift?: { timeoutMs?: number };
}

export interface StatusRunResult {
  /** In the config's dependency order. */
  stacks: StackStatusReport[];
  /** Stacks with this project's and stage's tags that the config no longer has; empty when not looked for. */
  orphans: OrphanStack[];
  /** 0: every stack can be deployed; 1: something would stop a deploy, or (with drift) a stateful stack drifted. */
  exitCode: 0 | 1;
}

/** The runner's per-stack result: the report, or why there is none. */
type StatusResult = { status: 'read'; report: StackStatusReport } | { status: 'skipped' | 'failed'; reason: string };

/**
 * `stackpilot status`: every selected stack read as deploy would meet it, nothing changed. An
 * operation of the graph runner with no edges to wait for (a stack's upstream outputs come from
 * the deployed stacks), so the reads share its concurrency, API budget and patience with
 * throttling; with `drift`, each checkable stack's drift detection runs in the same slot.
 */
export async function statusRun(options: StatusRunOptions): Promise<StatusRunResult> {
  const { project, clock } = options;
  const byId = new Map(project.config.stacks.map((s) => [s.id, s]));
  const runner = graphRunner({
    project,
    stacks: options.stacks,
    direction: 'none',
    ports: options.ports,
    clock,
    emit: options.emit ?? (() => undefined),
    ...(options.stopSignal ? { stopSignal: options.stopSignal } : {}),
    policy: { concurrency: options.concurrency ?? DEFAULT_CONCURRENCY, prioritize: false },
    patienceMs: options.patienceMs ?? 5 * 60_000,
    countCalls: false,
  });
  const deployedOutputsOf = deployedOutputsReader(runner.runPorts.cloudFormation, (id) => byId.get(id)?.stackName);

  const operation: StackOperation<StatusResult> = {
    succeeded: () => true,
    skipped: (_id, reason) => ({ status: 'skipped', reason }),
    failed: (_id, reason) => ({ status: 'failed', reason }),
    run: async (id, graph) => {
      const stack = byId.get(id);
      const template = project.templates.get(id);
      if (!stack || !template) return { status: 'failed', reason: 'not in the project' };
      const ports = graph.portsFor(id);
      try {
        const packaged = options.packagedBodies?.get(id);
        const report = await readStackStatus(stack, template, {
          cf: ports.cloudFormation,
          ssm: ports.ssm,
          deployedOutputsOf,
          ...(packaged === undefined ? {} : { templateBody: packaged }),
        });
        if (options.drift && report.readiness === 'deployable' && report.status && !isInProgress(report.status)) {
          report.drift = await detectDrift(ports.cloudFormation, stack.stackName, {
            clock,
            signal: graph.stopSignal,
            ...(options.drift.timeoutMs === undefined ? {} : { timeoutMs: options.drift.timeoutMs }),
          });
        }
        return { status: 'read', report };
      } catch (error) {
        if (!(error instanceof AwsError)) throw error;
        return { status: 'read', report: unreadable(id, stack.stackName, error.message, stack.stateful) };
      }
    },
  };
  const { results } = await runner.run(operation);

  const stacks = runner.plan.order.map((id): StackStatusReport => {
    const result = results.get(id);
    if (result?.status === 'read') return result.report;
    const stack = byId.get(id);
    return unreadable(id, stack?.stackName ?? id, result?.reason ?? 'not read', stack?.stateful);
  });
  // Orphans stop no deploy: they are listed, never counted in the exit code.
  const orphans = options.orphans
    ? await findOrphans({
        cf: runner.runPorts.cloudFormation,
        project: project.config.project,
        stage: project.config.stage,
        configuredStackNames: project.config.stacks.map((s) => s.stackName),
      })
    : [];
  return {
    stacks,
    orphans,
    exitCode: stacks.some(
      (s) => s.readiness === 'blocked' || s.readiness === 'unknown' || (s.stateful && s.drift?.status === 'DRIFTED'),
    )
      ? 1
      : 0,
  };
}

/** A stack whose state could not be read: nobody can say it is deployable. */
function unreadable(id: string, stackName: string, why: string, stateful = false): StackStatusReport {
  return {
    stack: id,
    stackName,
    readiness: 'unknown',
    status: undefined,
    lastUpdated: undefined,
    differs: undefined,
    differsNote: undefined,
    terminationProtection: undefined,
    terminationProtectionWanted: false,
    changeSets: [],
    stateful,
    drift: undefined,
    problems: [
      {
        code: 'UNREADABLE',
        severity: 'blocking',
        message: `could not be read: ${why}`,
        next: 'check the credentials, region and network (or --endpoint-url), then run status again',
      },
    ],
  };
}
