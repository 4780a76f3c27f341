import { describe, expect, it } from 'vitest';
import { describeCycle, findCycles } from '../../src/graph/find-cycles.js';
import type { StackGraph } from '../../src/graph/types.js';
import { exporting, graphOf } from '../helpers/graph-builders.js';

const importing = (logicalId: string, exportName: string): string =>
  `Resources:\n  ${logicalId}:\n    Type: AWS::SNS::Topic\n    Properties:\n      DisplayName: !ImportValue ${exportName}\n`;

describe('findCycles', () => {
  it('finds an import cycle and explains every link with file and line', () => {
    const { graph } = graphOf({
      app: { template: `${exporting({ ApiUrl: 'demo-ApiUrl' })}${importing('Reader', 'demo-TableName')}` },
      data: { template: `${exporting({ TableName: 'demo-TableName' })}${importing('Notifier', 'demo-ApiUrl')}` },
    });
    const cycles = findCycles(graph);
    expect(cycles).toHaveLength(1);
    const [cycle] = cycles;
    expect(cycle?.stacks).toEqual(['app', 'data']);
    expect(cycle?.chain.map((e) => `${e.stack}>${e.dependsOn}`)).toEqual(['app>data', 'data>app']);
    const text = describeCycle(cycle!);
    expect(text).toContain('dependency cycle between 2 stacks: app → data → app');
    expect(text).toContain(
      'app needs data: Fn::ImportValue "demo-TableName" in Reader, exported by output TableName of data (templates/app.yaml:',
    );
    expect(text).toContain('provided at templates/data.yaml:2:3');
    expect(text).toContain('data needs app: Fn::ImportValue "demo-ApiUrl" in Notifier');
    // The remedy the team used: move one direction to a run-time SSM lookup.
    expect(text).toContain(
      "data → app: have app write the value to an AWS::SSM::Parameter and pass only the parameter's name to data",
    );
    expect(text).toContain('or split a stack');
  });

  it('finds a cycle through a deploy-time SSM read and says to read it at run time instead', () => {
    const { graph } = graphOf({
      a: {
        template:
          "Parameters:\n  Host:\n    Type: AWS::SSM::Parameter::Value<String>\n    Default: /b/host\nResources:\n  P:\n    Type: AWS::SSM::Parameter\n    Properties:\n      Type: String\n      Name: /a/port\n      Value: '1'\n",
      },
      b: {
        template:
          "Resources:\n  P:\n    Type: AWS::SSM::Parameter\n    Properties:\n      Type: String\n      Name: /b/host\n      Value: '{{resolve:ssm:/a/port}}'\n",
      },
    });
    const cycles = findCycles(graph);
    expect(cycles).toHaveLength(1);
    const text = describeCycle(cycles[0]!);
    expect(text).toContain('a → b → a');
    expect(text).toContain(
      'reads SSM parameter "/b/host" at deploy time (parameter Host of type AWS::SSM::Parameter::Value)',
    );
    expect(text).toContain('reads SSM parameter "/a/port" at deploy time ({{resolve:ssm:...}} in P)');
    expect(text).toContain("read the parameter at run time in a's code");
  });

  it('finds every strongly connected component and reports a three-stack cycle as one chain', () => {
    const graph: StackGraph = {
      nodes: ['x', 'y', 'z', 'p', 'q', 'free'].map((id) => ({ id, stackName: id, weight: 1 })),
      edges: [
        { stack: 'x', dependsOn: 'y', via: 'declared', detail: 'd', location: undefined, providedAt: undefined },
        { stack: 'y', dependsOn: 'z', via: 'output', detail: 'd', location: undefined, providedAt: undefined },
        { stack: 'z', dependsOn: 'x', via: 'import', detail: 'd', location: undefined, providedAt: undefined },
        { stack: 'p', dependsOn: 'q', via: 'declared', detail: 'd', location: undefined, providedAt: undefined },
        { stack: 'q', dependsOn: 'p', via: 'declared', detail: 'd', location: undefined, providedAt: undefined },
        { stack: 'free', dependsOn: 'x', via: 'declared', detail: 'd', location: undefined, providedAt: undefined },
      ],
    };
    const cycles = findCycles(graph);
    expect(cycles.map((c) => c.stacks)).toEqual([
      ['x', 'y', 'z'],
      ['p', 'q'],
    ]);
    expect(describeCycle(cycles[0]!)).toContain('x → y → z → x');
    expect(describeCycle(cycles[1]!)).toContain('drop "q" from stacks.p.dependsOn');
  });

  it('lists edges inside the cycle that are not on the chain', () => {
    const graph: StackGraph = {
      nodes: ['a', 'b'].map((id) => ({ id, stackName: id, weight: 1 })),
      edges: [
        { stack: 'a', dependsOn: 'b', via: 'declared', detail: 'first', location: undefined, providedAt: undefined },
        { stack: 'a', dependsOn: 'b', via: 'output', detail: 'second', location: undefined, providedAt: undefined },
        { stack: 'b', dependsOn: 'a', via: 'declared', detail: 'back', location: undefined, providedAt: undefined },
      ],
    };
    const text = describeCycle(findCycles(graph)[0]!);
    expect(text).toContain('other edges inside this cycle:\n  a needs b: second');
  });

  it('finds nothing in an acyclic graph', () => {
    const { graph } = graphOf({ a: {}, b: { dependsOn: ['a'] }, c: { dependsOn: ['a', 'b'] } });
    expect(findCycles(graph)).toEqual([]);
  });
});
