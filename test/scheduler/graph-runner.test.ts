/**
 * The graph runner on its own (issue 13, step 0), with a trivial operation that records the order
 * stacks run in: `reverse` (destroy's direction) runs dependents first, and a stack whose
 * dependent failed is skipped, naming the root cause; `none` waits for nothing.
 */
import { describe, expect, it } from 'vitest';
import { buildGraph } from '../../src/graph/build-graph.js';
import type { Project } from '../../src/graph/load-project.js';
import { computeOrderings } from '../../src/graph/orderings.js';
import { graphRunner } from '../../src/engine/runner/run-graph.js';
import type { StackOperation, StackResult } from '../../src/engine/runner/run-graph.js';
import type { EdgeDirection } from '../../src/engine/runner/schedule-plan.js';
import { projectOf } from '../helpers/graph-builders.js';
import type { StackSpec } from '../helpers/graph-builders.js';
import { world } from '../engine/support.js';

/** net ← data ← app, data ← backup: app and backup depend on data, data on net. */
const STACKS: Record<string, StackSpec> = {
  net: {},
  data: { dependsOn: ['net'] },
  app: { dependsOn: ['data'] },
  backup: { dependsOn: ['data'] },
};

function project(stacks: Record<string, StackSpec>): Project {
  const { config, templates } = projectOf(stacks);
  const built = buildGraph(config, templates, () => ({ file: 'stacks.config.ts' }));
  return { config, templates, graph: built.graph, orderings: computeOrderings(built.graph), warnings: [] };
}

interface Result extends StackResult {
  status: 'done' | 'failed' | 'skipped';
}

/** Runs every stack with a trivial operation; `failing` stacks fail. Returns what ran and the results. */
async function runTrivial(
  direction: EdgeDirection,
  failing: readonly string[] = [],
): Promise<{ ran: string[]; results: ReadonlyMap<string, Result> }> {
  const w = world();
  const ran: string[] = [];
  const runner = graphRunner({
    project: project(STACKS),
    stacks: Object.keys(STACKS),
    direction,
    ports: w.fake.ports,
    clock: w.clock,
    emit: () => undefined,
    patienceMs: 1_000,
    policy: { concurrency: 1 },
  });
  const operation: StackOperation<Result> = {
    succeeded: (r) => r.status === 'done',
    skipped: (_id, reason) => ({ status: 'skipped', reason }),
    failed: (_id, reason) => ({ status: 'failed', reason }),
    run: (id) => {
      ran.push(id);
      return Promise.resolve(failing.includes(id) ? { status: 'failed', reason: 'refused' } : { status: 'done' });
    },
  };
  const { results } = await runner.run(operation);
  return { ran, results };
}

describe('graph runner', () => {
  it('forward: every stack after its dependencies', async () => {
    const { ran } = await runTrivial('forward');
    expect(ran.indexOf('net')).toBeLessThan(ran.indexOf('data'));
    expect(ran.indexOf('data')).toBeLessThan(ran.indexOf('app'));
    expect(ran.indexOf('data')).toBeLessThan(ran.indexOf('backup'));
  });

  it('reverse: every stack after its dependents (dependents first)', async () => {
    const { ran, results } = await runTrivial('reverse');
    expect(ran).toHaveLength(4);
    expect(ran.indexOf('app')).toBeLessThan(ran.indexOf('data'));
    expect(ran.indexOf('backup')).toBeLessThan(ran.indexOf('data'));
    expect(ran.indexOf('data')).toBeLessThan(ran.indexOf('net'));
    expect([...results.values()].every((r) => r.status === 'done')).toBe(true);
  });

  it('reverse: a failed dependent blocks its dependencies, naming the root cause all the way down', async () => {
    const { ran, results } = await runTrivial('reverse', ['app']);
    // backup is independent of app: it still goes; data and net wait for app, so they never run.
    expect(ran).toContain('backup');
    expect(ran).not.toContain('data');
    expect(ran).not.toContain('net');
    expect(results.get('app')).toEqual({ status: 'failed', reason: 'refused' });
    expect(results.get('data')).toEqual({ status: 'skipped', reason: 'app failed' });
    expect(results.get('net')).toEqual({ status: 'skipped', reason: 'data skipped (app failed)' });
  });

  it('none: no stack waits for another, a failure skips nothing', async () => {
    const { ran, results } = await runTrivial('none', ['net']);
    expect(ran).toHaveLength(4);
    expect(results.get('app')?.status).toBe('done');
  });
});
