import { describe, expect, it } from 'vitest';
import { selectForDestroy } from '../../src/graph/select-destroy.js';
import { UsageError } from '../../src/errors.js';
import type { StackGraph } from '../../src/graph/types.js';

// core-infra ← data ← app, data ← backup (the example's shape), plus an unrelated stack.
const GRAPH: StackGraph = {
  nodes: ['core-infra', 'data', 'app', 'backup', 'other'].map((id) => ({
    id,
    stackName: `orders-dev-${id}`,
    weight: 1,
  })),
  edges: [
    { stack: 'data', dependsOn: 'core-infra', via: 'declared', detail: '', location: undefined, providedAt: undefined },
    { stack: 'app', dependsOn: 'data', via: 'output', detail: '', location: undefined, providedAt: undefined },
    { stack: 'app', dependsOn: 'core-infra', via: 'import', detail: '', location: undefined, providedAt: undefined },
    { stack: 'backup', dependsOn: 'data', via: 'import', detail: '', location: undefined, providedAt: undefined },
  ],
};

describe('selectForDestroy: selection the other way', () => {
  it('brings everything that depends on a named stack, not what it depends on', () => {
    expect(selectForDestroy(GRAPH, ['data'])).toEqual(['data', 'app', 'backup']);
    expect(selectForDestroy(GRAPH, ['core-infra'])).toEqual(['core-infra', 'data', 'app', 'backup']);
    expect(selectForDestroy(GRAPH, ['app'])).toEqual(['app']);
  });

  it('--exclusively: the named stacks alone; no names: all', () => {
    expect(selectForDestroy(GRAPH, ['data'], { exclusively: true })).toEqual(['data']);
    expect(selectForDestroy(GRAPH, [])).toEqual(['core-infra', 'data', 'app', 'backup', 'other']);
  });

  it('refuses an unknown stack with did-you-mean', () => {
    expect(() => selectForDestroy(GRAPH, ['dta'])).toThrow(UsageError);
  });
});
