import { describe, expect, it } from 'vitest';
import { exporting, graphOf } from '../helpers/graph-builders.js';

const resources = (body: string): string => `Resources:\n${body}`;

describe('buildGraph: edges', () => {
  it('keeps a declared dependsOn edge with its provenance', () => {
    const { graph, problems } = graphOf({ network: {}, data: { dependsOn: ['network'] } });
    expect(problems).toEqual([]);
    expect(graph.edges).toEqual([
      expect.objectContaining({ stack: 'data', dependsOn: 'network', via: 'declared', detail: 'dependsOn "network"' }),
    ]);
  });

  it('infers an edge from an output() parameter and checks that the output exists', () => {
    const { graph, problems } = graphOf({
      data: { template: 'Outputs:\n  BucketName:\n    Value: b\n' },
      app: {
        template: 'Parameters:\n  Bucket:\n    Type: String\n',
        parameters: { Bucket: { output: { stack: 'data', name: 'BucketName' } } },
      },
    });
    expect(problems).toEqual([]);
    expect(graph.edges).toEqual([
      expect.objectContaining({
        stack: 'app',
        dependsOn: 'data',
        via: 'output',
        detail: 'parameter Bucket = output("data", "BucketName")',
      }),
    ]);
    expect(graph.edges[0]?.providedAt).toMatchObject({ file: 'templates/data.yaml', line: 2 });
  });

  it('reports an output() of an output the upstream template does not have, with a suggestion', () => {
    const { problems } = graphOf({
      data: { template: 'Outputs:\n  BucketName:\n    Value: b\n' },
      app: {
        template: 'Parameters:\n  Bucket:\n    Type: String\n',
        parameters: { Bucket: { output: { stack: 'data', name: 'BucketNme' } } },
      },
    });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({
      stack: 'app',
      path: 'stacks.app.parameters.Bucket',
      hint: 'did you mean "BucketName"?',
    });
    expect(problems[0]?.message).toContain('templates/data.yaml has no such output');
  });

  it('matches Fn::ImportValue to the stack that exports the name, resolving !Sub on both sides', () => {
    const { graph } = graphOf({
      network: {
        template: "Outputs:\n  VpcId:\n    Value: v\n    Export:\n      Name: !Sub '${AWS::StackName}-VpcId'\n",
      },
      app: {
        template: resources(
          "  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Vpc:\n        Fn::ImportValue: !Sub 'demo-${Stage}-network-VpcId'\n",
        ),
        parameters: {},
      },
    });
    // Stage is unknown in app, so the import is a pattern that still matches exactly one export.
    expect(graph.edges).toEqual([expect.objectContaining({ stack: 'app', dependsOn: 'network', via: 'import' })]);
    expect(graph.edges[0]?.detail).toContain('"demo-dev-network-VpcId"');
    expect(graph.edges[0]?.detail).toContain('matched as a pattern');
    expect(graph.edges[0]?.location).toMatchObject({ file: 'templates/app.yaml', line: 6 });
  });

  it('matches an exact import and does not call it a pattern', () => {
    const { graph, warnings } = graphOf({
      network: { template: exporting({ VpcId: 'shared-VpcId' }) },
      app: {
        template: resources(
          '  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Vpc: !ImportValue shared-VpcId\n',
        ),
      },
    });
    expect(warnings).toEqual([]);
    expect(graph.edges).toHaveLength(1);
    expect(graph.edges[0]?.detail).toBe('Fn::ImportValue "shared-VpcId" in Fn, exported by output VpcId of network');
  });

  it('warns about an import nobody in the project exports, and adds no edge', () => {
    const { graph, warnings, problems } = graphOf({
      app: {
        template: resources(
          '  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Vpc: !ImportValue legacy-VpcId\n',
        ),
      },
    });
    expect(problems).toEqual([]);
    expect(graph.edges).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toContain('"legacy-VpcId"');
    expect(warnings[0]?.message).toContain('assumed to exist outside');
    expect(warnings[0]?.location).toMatchObject({ file: 'templates/app.yaml', line: 5 });
  });

  it('refuses two stacks exporting the same name, naming both', () => {
    const { problems } = graphOf({
      a: { template: exporting({ X: 'same-name' }) },
      b: { template: exporting({ Y: 'same-name' }) },
    });
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toContain(
      'export "same-name" is created by both a (output X, templates/a.yaml:2:3) and b (output Y)',
    );
    expect(problems[0]?.location).toMatchObject({ file: 'templates/b.yaml', line: 2 });
  });

  it('refuses a stack importing its own export', () => {
    const { problems } = graphOf({
      a: {
        template: `${exporting({ X: 'own' })}Resources:\n  T:\n    Type: AWS::SNS::Topic\n    Properties:\n      TopicName: !ImportValue own\n`,
      },
    });
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toContain('imports "own", which its own stack exports');
  });

  const writer = resources(
    '  Param:\n    Type: AWS::SSM::Parameter\n    Properties:\n      Type: String\n      Name: /demo/db-host\n      Value: h\n',
  );

  it('infers an ssm edge from an AWS::SSM::Parameter::Value parameter', () => {
    const { graph } = graphOf({
      db: { template: writer },
      app: {
        template: 'Parameters:\n  DbHost:\n    Type: AWS::SSM::Parameter::Value<String>\n    Default: /demo/db-host\n',
      },
    });
    expect(graph.edges).toEqual([expect.objectContaining({ stack: 'app', dependsOn: 'db', via: 'ssm' })]);
    expect(graph.edges[0]?.detail).toContain('parameter DbHost of type AWS::SSM::Parameter::Value');
  });

  it('infers an ssm edge from a {{resolve:ssm:...}} dynamic reference', () => {
    const { graph } = graphOf({
      db: { template: writer },
      app: {
        template: resources(
          "  T:\n    Type: AWS::SNS::Topic\n    Properties:\n      DisplayName: '{{resolve:ssm:/demo/db-host:2}}'\n",
        ),
      },
    });
    expect(graph.edges).toEqual([expect.objectContaining({ stack: 'app', dependsOn: 'db', via: 'ssm' })]);
    expect(graph.edges[0]?.detail).toContain('{{resolve:ssm:...}} in T');
  });

  it('infers an ssm edge from an ssm() parameter in the config', () => {
    const { graph } = graphOf({
      db: { template: writer },
      app: { template: 'Parameters:\n  DbHost:\n    Type: String\n', parameters: { DbHost: { ssm: '/demo/db-host' } } },
    });
    expect(graph.edges).toEqual([
      expect.objectContaining({
        stack: 'app',
        dependsOn: 'db',
        via: 'ssm',
        detail: 'parameter DbHost = ssm("/demo/db-host"), written by resource Param of db',
      }),
    ]);
  });

  it('does not treat an SSM parameter *name* passed as a plain string as a deploy-time read', () => {
    const { graph } = graphOf({
      db: { template: writer },
      app: {
        template: resources(
          '  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Environment:\n        Variables:\n          DB_HOST_PARAM: /demo/db-host\n',
        ),
      },
    });
    expect(graph.edges).toEqual([]);
  });

  it('refuses two stacks writing the same SSM parameter', () => {
    const { problems } = graphOf({ a: { template: writer }, b: { template: writer } });
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toContain('SSM parameter "/demo/db-host" is created by both a');
  });

  it('weights nodes by resource count', () => {
    const { graph } = graphOf({
      one: {},
      three: {
        template: resources(
          '  A:\n    Type: AWS::SNS::Topic\n  B:\n    Type: AWS::SNS::Topic\n  C:\n    Type: AWS::SNS::Topic\n',
        ),
      },
    });
    expect(graph.nodes.map((n) => [n.id, n.weight])).toEqual([
      ['one', 1],
      ['three', 3],
    ]);
  });
});

describe('buildGraph: outputs written to SSM by stackpilot', () => {
  it('orders a stack reading ssm() after the stack whose outputsToSsm writes that parameter', async () => {
    const { projectOf } = await import('../helpers/graph-builders.js');
    const { buildGraph } = await import('../../src/graph/build-graph.js');
    const { config, templates } = projectOf({
      api: { template: 'Outputs:\n  Url:\n    Value: u\n' },
      web: { template: 'Parameters:\n  ApiUrl:\n    Type: String\n', parameters: { ApiUrl: { ssm: '/demo/api-url' } } },
    });
    const withPublish = {
      ...config,
      stacks: config.stacks.map((s) => (s.id === 'api' ? { ...s, outputsToSsm: { Url: '/demo/api-url' } } : s)),
    };
    const { graph } = buildGraph(withPublish, templates, () => ({ file: 'stacks.config.ts', line: 9 }));
    expect(graph.edges).toEqual([
      expect.objectContaining({
        stack: 'web',
        dependsOn: 'api',
        via: 'ssm',
        detail: 'parameter ApiUrl = ssm("/demo/api-url"), written by outputsToSsm.Url of api',
      }),
    ]);
  });
});
