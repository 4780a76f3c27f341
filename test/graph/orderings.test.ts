import { describe, expect, it } from 'vitest';
import { computeOrderings } from '../../src/graph/orderings.js';
import { selectStacks } from '../../src/graph/select-stacks.js';
import type { StackGraph } from '../../src/graph/types.js';
import { UsageError } from '../../src/errors.js';

/** The example system's shape: core → data → {app, backup}, app also on core. */
function example(weights: Record<string, number> = {}): StackGraph {
  const edge = (stack: string, dependsOn: string) => ({
    stack,
    dependsOn,
    via: 'declared' as const,
    detail: '',
    location: undefined,
    providedAt: undefined,
  });
  return {
    nodes: ['core', 'data', 'app', 'backup'].map((id) => ({ id, stackName: id, weight: weights[id] ?? 1 })),
    edges: [edge('data', 'core'), edge('app', 'core'), edge('app', 'data'), edge('backup', 'data')],
  };
}

describe('computeOrderings', () => {
  it('orders topologically, levels in parallel, and keeps declaration order among equals', () => {
    const o = computeOrderings(example());
    expect(o.order).toEqual(['core', 'data', 'app', 'backup']);
    expect(o.levels).toEqual([['core'], ['data'], ['app', 'backup']]);
  });

  it('is stable: a later-declared root comes after an earlier one', () => {
    const graph: StackGraph = { nodes: ['z', 'a', 'm'].map((id) => ({ id, stackName: id, weight: 1 })), edges: [] };
    expect(computeOrderings(graph).order).toEqual(['z', 'a', 'm']);
    expect(computeOrderings(graph).levels).toEqual([['z', 'a', 'm']]);
  });

  it('takes the heaviest chain as the critical path', () => {
    expect(computeOrderings(example({ app: 20, backup: 3 })).criticalPath).toEqual(['core', 'data', 'app']);
    const heavyBackup = computeOrderings(example({ app: 2, backup: 30 }));
    expect(heavyBackup.criticalPath).toEqual(['core', 'data', 'backup']);
    expect(heavyBackup.criticalWeight).toBe(32);
  });

  it('refuses a cyclic graph', () => {
    const graph = example();
    const cyclic = {
      ...graph,
      edges: [
        ...graph.edges,
        {
          stack: 'core',
          dependsOn: 'app',
          via: 'declared' as const,
          detail: '',
          location: undefined,
          providedAt: undefined,
        },
      ],
    };
    expect(() => computeOrderings(cyclic)).toThrow(/cycle among: core, data, app, backup/);
  });
});

describe('selectStacks', () => {
  const graph = example();

  it('selects everything when no stack is named', () => {
    expect(selectStacks(graph, [])).toEqual(['core', 'data', 'app', 'backup']);
  });

  it('brings everything upstream of a named stack', () => {
    expect(selectStacks(graph, ['app'])).toEqual(['core', 'data', 'app']);
    expect(selectStacks(graph, ['backup'])).toEqual(['core', 'data', 'backup']);
  });

  it('takes only the named stacks with exclusively', () => {
    expect(selectStacks(graph, ['app', 'backup'], { exclusively: true })).toEqual(['app', 'backup']);
  });

  it('adds everything downstream with withDependents, and what those need', () => {
    expect(selectStacks(graph, ['data'], { withDependents: true })).toEqual(['core', 'data', 'app', 'backup']);
    expect(selectStacks(graph, ['data'], { withDependents: true, exclusively: true })).toEqual([
      'data',
      'app',
      'backup',
    ]);
  });

  it('rejects unknown ids, listing the valid ones and the closest', () => {
    let error: unknown;
    try {
      selectStacks(graph, ['ap', 'nope']);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toBe('unknown stack "ap", "nope"');
    expect((error as UsageError).hint).toBe('did you mean "app"? the stacks are: core, data, app, backup');
  });
});
