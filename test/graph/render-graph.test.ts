import { describe, expect, it } from 'vitest';
import { computeOrderings } from '../../src/graph/orderings.js';
import type { Edge, StackGraph } from '../../src/graph/types.js';
import { renderGraph } from '../../src/ui/render-graph.js';

const edge = (stack: string, dependsOn: string, via: Edge['via'], extra: Partial<Edge> = {}): Edge => ({
  stack,
  dependsOn,
  via,
  detail: `${stack} from ${dependsOn}`,
  location: { file: `templates/${stack}.yaml`, line: 4 },
  providedAt: undefined,
  ...extra,
});

const graph: StackGraph = {
  nodes: ['data', 'app', 'web'].map((id) => ({ id, stackName: `demo-dev-${id}`, weight: 1 })),
  edges: [
    edge('app', 'data', 'stack-output', { outputName: 'TableName' }),
    edge('web', 'app', 'import', { pattern: true }),
  ],
  external: [
    {
      stack: 'app',
      via: 'stack-output',
      name: 'shared-network.VpcId',
      detail: 'Fn::GetStackOutput shared-network.VpcId in Fn: a stack in region eu-west-1, outside this config',
      location: { file: 'templates/app.yaml', line: 9, column: 7 },
    },
  ],
  setAside: [edge('data', 'web', 'ssm', { pattern: true })],
};
const view = { project: 'demo', stage: 'dev', graph, orderings: computeOrderings(graph) };

describe('graph output: pattern edges, stack-output edges, external inputs', () => {
  it('adds via stack-output, pattern: true, external and setAside to the JSON, additively', () => {
    const json = JSON.parse(renderGraph(view, 'json')) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(['stacks', 'edges', 'order', 'levels', 'criticalPath', 'external', 'setAside']);
    expect(json.edges).toEqual([
      {
        stack: 'app',
        dependsOn: 'data',
        via: 'stack-output',
        detail: 'app from data',
        location: 'templates/app.yaml:4',
      },
      {
        stack: 'web',
        dependsOn: 'app',
        via: 'import',
        detail: 'web from app',
        location: 'templates/web.yaml:4',
        pattern: true,
      },
    ]);
    expect(json.external).toEqual([
      {
        stack: 'app',
        via: 'stack-output',
        name: 'shared-network.VpcId',
        detail: 'Fn::GetStackOutput shared-network.VpcId in Fn: a stack in region eu-west-1, outside this config',
        location: 'templates/app.yaml:9:7',
      },
    ]);
    expect(json.setAside).toEqual([
      expect.objectContaining({ stack: 'data', dependsOn: 'web', via: 'ssm', pattern: true }),
    ]);
  });

  it('draws pattern edges dashed in mermaid and dot, with a legend line', () => {
    const mermaid = renderGraph(view, 'mermaid').split('\n');
    expect(mermaid).toContain('  s_app -->|stack-output| s_data');
    expect(mermaid).toContain('  s_web -.->|import| s_app');
    expect(mermaid[2]).toMatch(/^ {2}%% dashed: the edge rests on a name matched as a pattern/);
    const dot = renderGraph(view, 'dot').split('\n');
    expect(dot).toContain('  s_app -> s_data [label="stack-output"];');
    expect(dot).toContain('  s_web -> s_app [label="import", style=dashed];');
    expect(dot.some((l) => l.startsWith('  // dashed: the edge rests on a name matched as a pattern'))).toBe(true);
  });

  it('marks pattern edges in text, and lists set-aside edges and external inputs', () => {
    const text = renderGraph(view, 'text');
    expect(text).toContain('  web needs app [import, pattern]: web from app  (templates/web.yaml:4)');
    expect(text).toContain('  (pattern: the edge rests on a name matched as a pattern');
    expect(text).toContain(
      'set aside (pattern edges that would close a possible cycle; the order does not follow them):',
    );
    expect(text).toContain('  data needs web [ssm, pattern]: data from web');
    expect(text).toContain(
      'inputs from outside this config:\n  app [stack-output] shared-network.VpcId: Fn::GetStackOutput',
    );
  });

  it('keeps a certain edge solid when the same pair also has a pattern edge', () => {
    const both: StackGraph = { ...graph, edges: [...graph.edges, edge('web', 'app', 'declared')] };
    const mermaid = renderGraph({ ...view, graph: both, orderings: computeOrderings(both) }, 'mermaid');
    expect(mermaid).toContain('  s_web -->|import, declared| s_app');
  });

  it('keeps only the selected stacks’ external inputs and set-aside edges', () => {
    const json = JSON.parse(renderGraph({ ...view, selected: ['data', 'web'] }, 'json')) as Record<string, unknown>;
    expect(json.external).toEqual([]);
    expect(json.setAside).toHaveLength(1);
  });

  it('says "1 stack" and "1 step" for a selection of one, with its step number on its line', () => {
    const text = renderGraph({ ...view, selected: ['data'] }, 'text');
    expect(text.split('\n').slice(0, 2)).toEqual([
      'demo (stage dev): 1 stack, deployed in 1 step',
      '  1. data  demo-dev-data',
    ]);
  });
});
