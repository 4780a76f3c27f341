/** Names through parameters and possible cycles, as every command loads a project from files. */
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import { loadProject } from '../../src/graph/load-project.js';
import { testdir } from '../helpers/testdir.js';

const config = (stacks: Record<string, object>): string =>
  JSON.stringify({ project: 'demo', region: 'us-east-1', stacks }, null, 2);

// app exports a name `<Env>-ApiUrl` and imports `<ParentStack>-TableName`; data imports app's export.
const app = `Parameters:
  ParentStack:
    Type: String
    Default: legacy-data
Resources:
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      DisplayName: !ImportValue
        Fn::Sub: '\${ParentStack}-TableName'
Outputs:
  Url:
    Value: u
    Export:
      Name: demo-ApiUrl
`;
const data = `Resources:
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      DisplayName: !ImportValue demo-ApiUrl
Outputs:
  StackName:
    Value: !Ref AWS::StackName
  Table:
    Value: t
    Export:
      Name: !Sub '\${AWS::StackName}-TableName'
`;

describe('loadProject: names through parameters and possible cycles', () => {
  it("refuses the certain cycle that output('data', 'StackName') reveals, instead of a template default's guess", async () => {
    const dir = await testdir({
      'stacks.config.json': config({
        app: { template: 'app.yaml', parameters: { ParentStack: { output: { stack: 'data', name: 'StackName' } } } },
        data: { template: 'data.yaml' },
      }),
      'app.yaml': app,
      'data.yaml': data,
    });
    const error = await loadProject({ cwd: dir, command: 'validate' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    const messages = (error as ValidationError).problems.map((p) => p.message);
    const cycle = messages.find((m) => m.includes('dependency cycle between 2 stacks'));
    expect(cycle).not.toContain('possible');
    // The import names data's export through the parameter, not the default's `legacy-data-TableName`.
    expect(cycle).toContain('Fn::ImportValue "demo-dev-data-TableName" in Topic, exported by output Table of data');
  });

  it('warns of a possible cycle when a name is only a pattern, and orders by the certain edges', async () => {
    const dir = await testdir({
      // ParentStack comes from SSM at deploy time: the import is the wildcard `${ParentStack}-TableName`.
      'stacks.config.json': config({
        app: { template: 'app.yaml', parameters: { ParentStack: { ssm: '/demo/parent-stack' } } },
        data: { template: 'data.yaml' },
      }),
      'app.yaml': app,
      'data.yaml': data,
    });
    const project = await loadProject({ cwd: dir, command: 'validate' });
    expect(project.warnings.map((w) => w.message)).toContainEqual(
      expect.stringContaining('possible dependency cycle between 2 stacks: app → data → app'),
    );
    expect(project.graph.setAside).toEqual([
      expect.objectContaining({ stack: 'app', dependsOn: 'data', pattern: true }),
    ]);
    expect(project.orderings.order).toEqual(['app', 'data']);
  });

  it("reads the import as exact, without a pattern warning, when output('data', 'StackName') is known", async () => {
    const dir = await testdir({
      'stacks.config.json': config({
        data: { template: 'data.yaml' },
        app: { template: 'app.yaml', parameters: { ParentStack: { output: { stack: 'data', name: 'StackName' } } } },
      }),
      'app.yaml': app.replace(/Outputs:[^]*$/, ''),
      'data.yaml': data.replace('    Properties:\n      DisplayName: !ImportValue demo-ApiUrl\n', ''),
    });
    const project = await loadProject({ cwd: dir, command: 'validate' });
    expect(project.warnings).toEqual([]);
    const imports = project.graph.edges.filter((e) => e.via === 'import');
    expect(imports.map((e) => `${e.stack}>${e.dependsOn}`)).toEqual(['app>data']);
    expect(imports[0]?.detail).toContain('"demo-dev-data-TableName"');
    expect(imports[0]?.pattern).toBeUndefined();
  });
});
