import PQueue from 'p-queue';
import { AwsError } from '../../aws/errors.js';
import type { AwsPorts } from '../../aws/ports.js';
import type { Clock } from '../../clock.js';
import type { Project } from '../../graph/load-project.js';
import { deployedOutputsReader } from '../deployed-outputs.js';
import { patientReads } from '../patient-reads.js';
import { DEFAULT_CONCURRENCY } from '../schedule-plan.js';
import { findOrphans } from '../orphans/find-orphans.js';
import type { OrphanStack } from '../orphans/find-orphans.js';
import { readStackStatus } from './read-stack-status.js';
import { detectDrift } from '../drift/detect-drift.js';
import { isInProgress } from '../stack-status.js';
import type { StackStatusReport } from './read-stack-status.js';

export interface StatusRunOptions {
  project: Project;
  /** The selected stacks (config ids). */
  stacks: readonly string[];
  ports: AwsPorts;
  clock: Clock;
  concurrency?: number;
  /** The templates as deploy sends them (packaged), by stack id; absent: the template file. */
  packagedBodies?: ReadonlyMap<string, string>;
  /** How long a read refused by throttling is retried. @default 5 minutes */
  patienceMs?: number;
  /** Look for orphaned stacks of this project and stage (the whole stage is looked at). @default false */
  orphans?: boolean;
  /** `--drift`: run drift detection on every deployed stack that can be checked, stateful ones first. */
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

/**
 * `stackpilot status`: every selected stack read as deploy would meet it, nothing changed. The
 * reads go through the run's ports (one API budget); stacks are read in parallel up to
 * `concurrency`, with no edge to wait for: a stack's upstream outputs come from the deployed stacks.
 */
export async function statusRun(options: StatusRunOptions): Promise<StatusRunResult> {
  const { project } = options;
  const byId = new Map(project.config.stacks.map((s) => [s.id, s]));
  const selected = project.orderings.order.filter((id) => options.stacks.includes(id));
  const ports = patientReads(options.ports, { clock: options.clock, patienceMs: options.patienceMs ?? 5 * 60_000 });
  const deployedOutputsOf = deployedOutputsReader(ports.cloudFormation, (id) => byId.get(id)?.stackName);
  const queue = new PQueue({ concurrency: options.concurrency ?? DEFAULT_CONCURRENCY });

  const readOne = async (id: string): Promise<StackStatusReport> => {
    const stack = byId.get(id);
    const template = project.templates.get(id);
    if (!stack || !template) return unreadable(id, id, 'not in the project');
    try {
      const packaged = options.packagedBodies?.get(id);
      return await readStackStatus(stack, template, {
        cf: ports.cloudFormation,
        ssm: ports.ssm,
        deployedOutputsOf,
        ...(packaged === undefined ? {} : { templateBody: packaged }),
      });
    } catch (error) {
      if (!(error instanceof AwsError)) throw error;
      return unreadable(id, stack.stackName, error.message, stack.stateful);
    }
  };
  const stacks = await Promise.all(selected.map((id) => queue.add(() => readOne(id))));
  if (options.drift) {
    const driftOptions = options.drift;
    // Stateful stacks first: their drift is what a deploy could make worse.
    const checkable = [...stacks]
      .filter((s) => s.readiness === 'deployable' && s.status !== undefined && !isInProgress(s.status))
      .sort((a, b) => Number(b.stateful) - Number(a.stateful));
    await Promise.all(
      checkable.map((s) =>
        queue.add(async () => {
          s.drift = await detectDrift(ports.cloudFormation, s.stackName, {
            clock: options.clock,
            ...(driftOptions.timeoutMs === undefined ? {} : { timeoutMs: driftOptions.timeoutMs }),
          });
        }),
      ),
    );
  }
  // Orphans stop no deploy: they are listed, never counted in the exit code.
  const orphans = options.orphans
    ? await findOrphans({
        cf: ports.cloudFormation,
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
