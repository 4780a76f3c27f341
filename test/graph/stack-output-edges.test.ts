import { describe, expect, it } from 'vitest';
import { graphOf, reading } from '../helpers/graph-builders.js';

const data = { template: 'Outputs:\n  TableName:\n    Value: t\n  StackName:\n    Value: !Ref AWS::StackName\n' };

describe('buildGraph: Fn::GetStackOutput', () => {
  it('makes a stack-output edge to the config stack with that CloudFormation name', () => {
    const { graph, problems, warnings } = graphOf({
      data,
      app: { stackOutputReads: [reading('demo-dev-data', 'TableName')] },
    });
    expect(problems).toEqual([]);
    expect(warnings).toEqual([]);
    expect(graph.edges).toEqual([
      expect.objectContaining({
        stack: 'app',
        dependsOn: 'data',
        via: 'stack-output',
        outputName: 'TableName',
        detail: 'Fn::GetStackOutput demo-dev-data.TableName in Fn, output TableName of data',
      }),
    ]);
    expect(graph.edges[0]?.pattern).toBeUndefined();
    expect(graph.edges[0]?.providedAt).toMatchObject({ file: 'templates/data.yaml', line: 2 });
    expect(graph.external).toEqual([]);
  });

  it('resolves a StackName given through a parameter bound to output(x, "StackName")', () => {
    const { graph } = graphOf({
      data,
      app: {
        template: 'Parameters:\n  DataStack:\n    Type: String\n',
        parameters: { DataStack: { output: { stack: 'data', name: 'StackName' } } },
        stackOutputReads: [reading('${DataStack}', 'TableName')],
      },
    });
    const reads = graph.edges.filter((e) => e.via === 'stack-output');
    expect(reads).toEqual([expect.objectContaining({ stack: 'app', dependsOn: 'data' })]);
    expect(reads[0]?.pattern).toBeUndefined();
  });

  it('takes the same account and region for ${AWS::AccountId} in RoleArn and ${AWS::Region} in Region', () => {
    const { graph } = graphOf({
      data,
      app: {
        stackOutputReads: [
          reading('demo-dev-data', 'TableName', {
            region: '${AWS::Region}',
            roleArn: 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/reader',
          }),
        ],
      },
    });
    expect(graph.edges).toEqual([expect.objectContaining({ dependsOn: 'data', via: 'stack-output' })]);
    expect(graph.edges[0]?.pattern).toBeUndefined();
  });

  it('lists a read of another region or another account as an external input, not an edge', () => {
    const { graph, problems, warnings } = graphOf({
      data,
      app: {
        stackOutputReads: [
          reading('demo-dev-data', 'TableName', { region: 'eu-west-1' }),
          reading('demo-dev-data', 'TableName', { roleArn: 'arn:aws:iam::123456789012:role/reader' }),
        ],
      },
    });
    expect(problems).toEqual([]);
    expect(warnings).toEqual([]);
    expect(graph.edges).toEqual([]);
    expect(graph.external).toEqual([
      expect.objectContaining({ stack: 'app', via: 'stack-output', name: 'demo-dev-data.TableName' }),
      expect.objectContaining({ stack: 'app', via: 'stack-output', name: 'demo-dev-data.TableName' }),
    ]);
    expect(graph.external?.[0]?.detail).toContain('region eu-west-1');
    expect(graph.external?.[1]?.detail).toContain('account 123456789012');
  });

  it('lists a stack the config does not deploy as external, with a warning that suggests a near name', () => {
    const { graph, problems, warnings } = graphOf({
      data,
      app: { stackOutputReads: [reading('demo-dev-dat', 'TableName')] },
    });
    expect(problems).toEqual([]);
    expect(graph.edges).toEqual([]);
    expect(graph.external).toEqual([expect.objectContaining({ via: 'stack-output', name: 'demo-dev-dat.TableName' })]);
    expect(warnings).toEqual([expect.objectContaining({ stack: 'app', hint: 'did you mean "demo-dev-data"?' })]);
    expect(warnings[0]?.message).toContain('assumed to exist outside');
  });

  it('refuses a read of an output the matched stack does not have, with a suggestion', () => {
    const { problems } = graphOf({ data, app: { stackOutputReads: [reading('demo-dev-data', 'TableNam')] } });
    expect(problems).toEqual([expect.objectContaining({ stack: 'app', hint: 'did you mean "TableName"?' })]);
    expect(problems[0]?.location).toMatchObject({ file: 'templates/reader.yaml', line: 7 });
    expect(problems[0]?.message).toContain('templates/data.yaml has no such output');
  });

  it('matches a stack name pattern as a pattern edge, to the stacks with that output, never the reader', () => {
    const { graph } = graphOf({
      data,
      other: {},
      app: {
        template: 'Outputs:\n  TableName:\n    Value: mine\n',
        stackOutputReads: [reading('demo-${Stage}-data', 'TableName'), reading('demo-dev-${Which}', 'TableName')],
      },
    });
    expect(graph.edges).toEqual([
      expect.objectContaining({ stack: 'app', dependsOn: 'data', via: 'stack-output', pattern: true }),
      expect.objectContaining({ stack: 'app', dependsOn: 'data', via: 'stack-output', pattern: true }),
    ]);
  });
});
