/**
 * A 200-stack random DAG (the benchmark's graph: heavy-tailed durations, import and output()
 * edges) through the real engine on the simulator, in virtual time, with ten slots.
 */
import { describe, expect, it } from 'vitest';
import { randomScenario } from '../../bench/scenarios.js';
import { syntheticProject } from '../../bench/synthetic-project.js';
import {
  changeSetCreatingOf,
  doneOf,
  executingOf,
  maxActive,
  outcomes,
  runDone,
  simDeploy,
  simWorld,
} from './support.js';

describe('a 200-stack random DAG', () => {
  it('deploys completely with concurrency 10, every edge respected, never more than 10 at work', async () => {
    const scenario = randomScenario(200, 42);
    const project = syntheticProject(scenario.name, scenario.stacks);
    const scripts = Object.fromEntries(
      scenario.stacks.map((s) => [s.id, { changeSetSeconds: s.changeSetSeconds, createSeconds: s.createSeconds }]),
    );
    const world = simWorld(project, { file: { stacks: scripts } });
    const edges = project.graph.edges;
    expect(edges.length).toBeGreaterThan(200);
    expect(edges.some((e) => e.via === 'output')).toBe(true);
    expect(edges.some((e) => e.via === 'import')).toBe(true);

    const { result, log, startedAt } = await simDeploy(world, { policy: { concurrency: 10 } });

    expect(result.exitCode).toBe(0);
    expect(Object.values(outcomes(result)).filter((s) => s !== 'created')).toEqual([]);
    expect(runDone(log).summary.created).toBe(200);
    for (const edge of edges) {
      const upDone = doneOf(log, edge.dependsOn);
      const downExecuting = executingOf(log, edge.stack);
      expect(downExecuting.index, `${edge.stack} after ${edge.dependsOn}`).toBeGreaterThan(upDone.index);
      expect(downExecuting.at).toBeGreaterThanOrEqual(upDone.at);
      // A stack fed an output() makes its change set only with the value in hand.
      if (edge.via === 'output') expect(changeSetCreatingOf(log, edge.stack).index).toBeGreaterThan(upDone.index);
    }
    // CloudFormation agrees: no create began before an upstream create had ended.
    const created = new Map(
      world.sim
        .stats()
        .operations.filter((o) => o.kind === 'create')
        .map((o) => [o.stackName, o]),
    );
    const nameOf = (id: string) => `${scenario.name}-${id}`;
    for (const edge of edges) {
      expect(created.get(nameOf(edge.stack))?.startedAt).toBeGreaterThanOrEqual(
        created.get(nameOf(edge.dependsOn))?.finishedAt ?? Infinity,
      );
    }
    expect(maxActive(log)).toBe(10);
    expect(world.sim.stats().peakCallsPerSecond).toBeLessThanOrEqual(5);
    // Hours of CloudFormation work, in virtual time.
    expect((world.clock.now() - startedAt) / 3_600_000).toBeGreaterThan(1);
  });
});
