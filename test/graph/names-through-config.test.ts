import { describe, expect, it } from 'vitest';
import { exporting, graphOf } from '../helpers/graph-builders.js';

const importing = (logicalId: string, exportExpression: string): string =>
  `Resources:\n  ${logicalId}:\n    Type: AWS::SNS::Topic\n    Properties:\n      DisplayName: !ImportValue\n        Fn::Sub: '${exportExpression}'\n`;

// The vpc stack exports `<its stack name>-VpcId` and tells its stack name through an output.
const vpc = {
  template:
    "Outputs:\n  StackName:\n    Value: !Ref AWS::StackName\n  VpcId:\n    Value: v\n    Export:\n      Name: !Sub '${AWS::StackName}-VpcId'\n",
};
// app takes the vpc stack's name as a parameter, and exports a VpcId of its own (a VPC it peers with).
const appTemplate = `Parameters:\n  ParentVPCStack:\n    Type: String\n    Default: legacy\nOutputs:\n  PeerVpcId:\n    Value: p\n    Export:\n      Name: !Sub '\${AWS::StackName}-VpcId'\n${importing('Fn', '${ParentVPCStack}-VpcId')}`;

describe('buildGraph: names through parameters', () => {
  it("resolves a parameter bound to output('vpc', 'StackName') to the vpc stack's name before matching", () => {
    const { graph, problems } = graphOf({
      vpc,
      app: { template: appTemplate, parameters: { ParentVPCStack: { output: { stack: 'vpc', name: 'StackName' } } } },
    });
    expect(problems).toEqual([]);
    const imports = graph.edges.filter((e) => e.via === 'import');
    expect(imports).toEqual([expect.objectContaining({ stack: 'app', dependsOn: 'vpc' })]);
    expect(imports[0]?.detail).toBe('Fn::ImportValue "demo-dev-vpc-VpcId" in Fn, exported by output VpcId of vpc');
    expect(imports[0]?.pattern).toBeUndefined();
  });

  it("resolves a parameter bound to the vpc stack's literal CloudFormation name", () => {
    const { graph, problems } = graphOf({
      vpc,
      app: { template: appTemplate, parameters: { ParentVPCStack: 'demo-dev-vpc' } },
    });
    expect(problems).toEqual([]);
    expect(graph.edges).toEqual([expect.objectContaining({ stack: 'app', dependsOn: 'vpc', via: 'import' })]);
    expect(graph.edges[0]?.pattern).toBeUndefined();
  });

  it('keeps a name a pattern when the output it is bound to is only known after deploy', () => {
    const { graph, problems } = graphOf({
      vpc: { template: `${exporting({ VpcId: 'demo-dev-vpc-VpcId' })}  Id:\n    Value: !Ref Topic\n` },
      app: { template: appTemplate, parameters: { ParentVPCStack: { output: { stack: 'vpc', name: 'Id' } } } },
    });
    expect(problems).toEqual([]);
    // The wildcard matches vpc's export and never app's own export.
    expect(graph.edges.filter((e) => e.via === 'import')).toEqual([
      expect.objectContaining({ stack: 'app', dependsOn: 'vpc', via: 'import', pattern: true }),
    ]);
  });
});

describe('buildGraph: matching names', () => {
  it('never matches a wildcard import with the importing stack itself', () => {
    const { graph, problems, warnings } = graphOf({
      app: {
        template: `Parameters:\n  Env:\n    Type: String\n${exporting({ Own: 'mine-VpcId' })}${importing('Fn', '${Env}-VpcId')}`,
      },
    });
    expect(problems).toEqual([]);
    expect(graph.edges).toEqual([]);
    expect(warnings.some((w) => w.message.includes('matches no export of this project'))).toBe(true);
    expect(graph.external).toEqual([expect.objectContaining({ stack: 'app', via: 'import', name: '${Env}-VpcId' })]);
  });

  it('marks an edge that rests on a wildcard as pattern: true', () => {
    const { graph } = graphOf({
      network: { template: exporting({ VpcId: 'shared-VpcId' }) },
      app: { template: `Parameters:\n  Env:\n    Type: String\n${importing('Fn', '${Env}-VpcId')}` },
    });
    expect(graph.edges).toEqual([expect.objectContaining({ stack: 'app', dependsOn: 'network', pattern: true })]);
  });

  it('matches the same unresolved expression on both sides, for certain when only the account is unknown', () => {
    const { graph, problems } = graphOf({
      logs: { template: exporting({ Bucket: "!Sub 'logs-${AWS::AccountId}'" }) },
      app: { template: importing('Fn', 'logs-${AWS::AccountId}') },
    });
    expect(problems).toEqual([]);
    expect(graph.edges).toEqual([expect.objectContaining({ stack: 'app', dependsOn: 'logs', via: 'import' })]);
    expect(graph.edges[0]?.pattern).toBeUndefined();
  });

  it('refuses two stacks exporting the same expression of the account id: one name per run', () => {
    const { problems } = graphOf({
      a: { template: exporting({ X: "!Sub 'logs-${AWS::AccountId}'" }) },
      b: { template: exporting({ Y: "!Sub 'logs-${AWS::AccountId}'" }) },
    });
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toContain('export "logs-${AWS::AccountId}" is created by both a (output X');
  });

  it('matches the same expression built from an unset parameter as a pattern', () => {
    const parameter = 'Parameters:\n  Env:\n    Type: String\n';
    const { graph } = graphOf({
      logs: { template: `${parameter}${exporting({ Bucket: "!Sub '${Env}-logs'" })}` },
      app: { template: `${parameter}${importing('Fn', '${Env}-logs')}` },
    });
    expect(graph.edges).toEqual([
      expect.objectContaining({ stack: 'app', dependsOn: 'logs', via: 'import', pattern: true }),
    ]);
  });

  it('marks an SSM edge matched through a wildcard as a pattern', () => {
    const { graph } = graphOf({
      db: {
        template:
          'Resources:\n  P:\n    Type: AWS::SSM::Parameter\n    Properties:\n      Type: String\n      Name: /demo/db-host\n      Value: h\n',
      },
      app: {
        template:
          "Parameters:\n  Env:\n    Type: String\nResources:\n  T:\n    Type: AWS::SNS::Topic\n    Properties:\n      DisplayName: !Sub '{{resolve:ssm:/${Env}/db-host}}'\n",
      },
    });
    expect(graph.edges).toEqual([
      expect.objectContaining({ stack: 'app', dependsOn: 'db', via: 'ssm', pattern: true }),
    ]);
  });

  it('lists SSM parameters nobody in the config writes as external inputs', () => {
    const { graph } = graphOf({
      app: {
        template:
          "Resources:\n  T:\n    Type: AWS::SNS::Topic\n    Properties:\n      DisplayName: '{{resolve:ssm:/shared/domain}}'\n",
      },
    });
    expect(graph.external).toEqual([expect.objectContaining({ stack: 'app', via: 'ssm', name: '/shared/domain' })]);
  });
});
