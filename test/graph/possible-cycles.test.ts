import { describe, expect, it } from 'vitest';
import { computeOrderings } from '../../src/graph/orderings.js';
import { possibleCycleWarning, settleCycles } from '../../src/graph/settle-cycles.js';
import type { Edge, StackGraph } from '../../src/graph/types.js';
import { exporting, graphOf } from '../helpers/graph-builders.js';

const importing = (logicalId: string, exportExpression: string): string =>
  `Resources:\n  ${logicalId}:\n    Type: AWS::SNS::Topic\n    Properties:\n      DisplayName: !ImportValue\n        Fn::Sub: '${exportExpression}'\n`;

const edge = (stack: string, dependsOn: string, pattern = false): Edge => ({
  stack,
  dependsOn,
  via: 'import',
  detail: `${stack} imports from ${dependsOn}`,
  location: undefined,
  providedAt: undefined,
  ...(pattern ? { pattern: true as const } : {}),
});
const graphWith = (ids: string[], edges: Edge[]): StackGraph => ({
  nodes: ids.map((id) => ({ id, stackName: id, weight: 1 })),
  edges,
});

describe('settleCycles', () => {
  it('reports a cycle that needs a pattern edge as possible, and orders by the certain edges', () => {
    // data imports app's exact export; app imports `${Env}-TableName`, which only a pattern ties to data.
    const { graph } = graphOf({
      app: {
        template: `Parameters:\n  Env:\n    Type: String\n${exporting({ Url: 'demo-ApiUrl' })}${importing('Reader', '${Env}-TableName')}`,
      },
      data: { template: `${exporting({ Table: 'demo-TableName' })}${importing('Notifier', 'demo-ApiUrl')}` },
    });
    const settled = settleCycles(graph);
    expect(settled.cycles).toEqual([]);
    expect(settled.possible).toHaveLength(1);
    expect(settled.graph.edges).toEqual([expect.objectContaining({ stack: 'data', dependsOn: 'app' })]);
    expect(settled.graph.setAside).toEqual([
      expect.objectContaining({ stack: 'app', dependsOn: 'data', pattern: true }),
    ]);
    expect(computeOrderings(settled.graph).order).toEqual(['app', 'data']);

    const warning = possibleCycleWarning(settled.possible[0]!);
    expect(warning.stack).toBe('app');
    expect(warning.message).toContain('possible dependency cycle between 2 stacks: app → data → app');
    expect(warning.message).toContain('app needs data (pattern): Fn::ImportValue "demo-TableName" in Reader');
    expect(warning.message).toContain('data needs app: Fn::ImportValue "demo-ApiUrl" in Notifier');
    expect(warning.message).toContain('the order follows the certain edges only; set aside: app → data');
    expect(warning.hint).toContain('make the names exact');
  });

  it('keeps a cycle of certain edges an error, even with a pattern edge beside it', () => {
    const settled = settleCycles(
      graphWith(['a', 'b', 'c'], [edge('a', 'b'), edge('b', 'a'), edge('c', 'a', true), edge('a', 'c')]),
    );
    expect(settled.cycles.map((c) => c.stacks)).toEqual([['a', 'b']]);
    expect(settled.possible).toEqual([]);
  });

  it('sets aside only the pattern edges inside a possible cycle; other pattern edges still order', () => {
    const settled = settleCycles(
      graphWith(['a', 'b', 'c'], [edge('a', 'b', true), edge('b', 'a'), edge('c', 'b', true)]),
    );
    expect(settled.cycles).toEqual([]);
    expect(settled.graph.edges.map((e) => `${e.stack}>${e.dependsOn}`)).toEqual(['b>a', 'c>b']);
    expect(settled.graph.setAside?.map((e) => `${e.stack}>${e.dependsOn}`)).toEqual(['a>b']);
    expect(computeOrderings(settled.graph).order).toEqual(['a', 'b', 'c']);
  });

  it('leaves an acyclic graph as it is', () => {
    const graph = graphWith(['a', 'b'], [edge('b', 'a', true)]);
    const settled = settleCycles(graph);
    expect(settled).toEqual({ cycles: [], possible: [], graph });
  });
});
