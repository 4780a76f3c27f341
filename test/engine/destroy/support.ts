/**
 * Destroy test support: the example deployed on the simulator, then the destroy operation and its
 * planning on the same account. `destroyEach` calls the per-stack operation in the plan's order,
 * one stack at a time: a test driver, not a scheduler (the runner schedules destroy).
 */
import { loadProject } from '../../../src/graph/load-project.js';
import type { AwsPorts } from '../../../src/aws/ports.js';
import { RateLimiter } from '../../../src/aws/rate-limiter.js';
import { resilientPorts } from '../../../src/aws/resilient-ports.js';
import type { EngineEvent } from '../../../src/engine/events.js';
import { planDestroy } from '../../../src/engine/destroy/destroy-plan.js';
import type { DestroyPlan } from '../../../src/engine/destroy/destroy-plan.js';
import { destroyStack } from '../../../src/engine/destroy/destroy-stack.js';
import type { StackDestroyContext, StackDestroyResult } from '../../../src/engine/destroy/destroy-stack.js';
import { selectForDestroy } from '../../../src/graph/select-destroy.js';
import type { ScenarioFile } from '../../../src/sim/index.js';
import { REPO_ROOT } from '../../helpers/run-cli.js';
import { testdir } from '../../helpers/testdir.js';
import { simDeploy, simWorld } from '../../scheduler/support.js';
import type { SimWorld } from '../../scheduler/support.js';

export interface Deployed extends SimWorld {
  ports: AwsPorts;
}

/** The example system deployed on a fresh simulated account (scenario keyed by stack id). */
export async function deployedExample(file: ScenarioFile = {}): Promise<Deployed> {
  return deployed(REPO_ROOT, file);
}

/** A small project (`stacks.config.json` and templates, in a temp folder) deployed on the simulator. */
export async function deployedProject(files: Record<string, string>, file: ScenarioFile = {}): Promise<Deployed> {
  return deployed(await testdir(files), file);
}

async function deployed(cwd: string, file: ScenarioFile): Promise<Deployed> {
  const project = await loadProject({ cwd, command: 'destroy' });
  const world = simWorld(project, { file });
  const run = await simDeploy(world);
  if (run.result.exitCode !== 0) throw new Error('the example did not deploy');
  const limiter = new RateLimiter({ ratePerSecond: 50, burst: 10, clock: world.clock });
  return { ...world, ports: resilientPorts(world.sim.ports, { limiter, clock: world.clock }) };
}

export async function planFor(
  world: Deployed,
  names: string[] = [],
  options: { exclusively?: boolean; allowStateful?: string[] } = {},
): Promise<DestroyPlan> {
  return planDestroy({
    project: world.project,
    selected: selectForDestroy(world.project.graph, names, { exclusively: options.exclusively === true }),
    cf: world.ports.cloudFormation,
    allowStateful: new Set(options.allowStateful ?? []),
  });
}

export async function destroyEach(
  world: Deployed,
  plan: DestroyPlan,
  options: Partial<Pick<StackDestroyContext, 'waitTimeoutMs' | 'stopSignal' | 'cancelSignal'>> & {
    retain?: Record<string, string[]>;
  } = {},
): Promise<{ results: Map<string, StackDestroyResult>; events: EngineEvent[] }> {
  const events: EngineEvent[] = [];
  const results = new Map<string, StackDestroyResult>();
  for (const target of plan.targets) {
    results.set(
      target.id,
      await destroyStack(target, {
        ports: world.ports,
        clock: world.clock,
        emit: (e) => events.push(e),
        runId: 'test',
        waitTimeoutMs: options.waitTimeoutMs ?? 30 * 60_000,
        stopSignal: options.stopSignal ?? new AbortController().signal,
        cancelSignal: options.cancelSignal ?? new AbortController().signal,
        retain: new Set(options.retain?.[target.id] ?? []),
      }),
    );
  }
  return { results, events };
}

export function statuses(results: ReadonlyMap<string, StackDestroyResult>): Record<string, string> {
  return Object.fromEntries([...results].map(([id, r]) => [id, r.status]));
}
