import { describe, expect, it } from 'vitest';
import type { CreateChangeSetInput, Parameter } from '../../src/aws/ports.js';
import { deploy, doneOf, makeProject, methods, stackNameOf, world } from './support.js';

const NET = `
Resources:
  Vpc:
    Type: AWS::EC2::VPC
Outputs:
  VpcId:
    Value: vpc-0abc
`;
const APP = `
Parameters:
  Env:
    Type: String
  Port:
    Type: Number
  Azs:
    Type: CommaDelimitedList
  VpcId:
    Type: String
  DbHost:
    Type: String
Resources:
  Fn:
    Type: AWS::Lambda::Function
`;

/** The parameters of the (last) change set made for a stack. */
function sentParameters(w: ReturnType<typeof world>, stack: string): Record<string, string> {
  const input = w.fake
    .callsOf('createChangeSet')
    .map((args) => args[0] as CreateChangeSetInput)
    .filter((c) => c.stackName === stackNameOf(stack))
    .at(-1);
  return Object.fromEntries((input?.parameters ?? []).map((p: Parameter) => [p.key, p.value]));
}

describe('resolving parameters (DESIGN step 1)', () => {
  it('sends literals, lists joined with commas, an output of a stack deployed in the same run, and an ssm() value (§2.1 CreateChangeSet Parameters)', async () => {
    const w = world();
    w.fake.setSsm('/demo/db-host', 'db.internal:5432');
    const { project } = await makeProject({
      net: { template: NET },
      app: {
        template: APP,
        parameters: {
          Env: 'prod',
          Port: 8080,
          Azs: ['us-east-1a', 'us-east-1b'],
          VpcId: { output: { stack: 'net', name: 'VpcId' } },
          DbHost: { ssm: '/demo/db-host' },
        },
      },
    });

    const { result, events } = await deploy(project, w);

    expect(result.exitCode).toBe(0);
    expect(sentParameters(w, 'app')).toEqual({
      Env: 'prod',
      Port: '8080',
      Azs: 'us-east-1a,us-east-1b',
      VpcId: 'vpc-0abc',
      DbHost: 'db.internal:5432',
    });
    // The output came from this run's result: net was not described again for it.
    expect(w.fake.callsOf('describeStack').filter((args) => args[0] === stackNameOf('net'))).toHaveLength(1);
    expect(doneOf(events, 'app').status).toBe('created');
  });

  it('reads an output of a stack outside the run from the deployed stack (§1.5 DescribeStacks by name)', async () => {
    const w = world();
    w.fake.setSsm('/demo/db-host', 'db');
    w.fake.seedStack({
      stackName: stackNameOf('net'),
      status: 'UPDATE_COMPLETE',
      templateBody: NET,
      outputs: { VpcId: 'vpc-deployed' },
    });
    const { project } = await makeProject({
      net: { template: NET },
      app: {
        template: APP,
        parameters: {
          Env: 'dev',
          Port: 1,
          Azs: ['a'],
          VpcId: { output: { stack: 'net', name: 'VpcId' } },
          DbHost: { ssm: '/demo/db-host' },
        },
      },
    });

    const { events } = await deploy(project, w, { stacks: ['app'] });

    expect(sentParameters(w, 'app').VpcId).toBe('vpc-deployed');
    expect(w.fake.callsOf('describeStack').map((args) => args[0])).toContain(stackNameOf('net'));
    expect(methods(w).filter((m) => m === 'createChangeSet')).toHaveLength(1);
    expect(doneOf(events, 'app').status).toBe('created');
  });

  it('fails clearly when the upstream stack outside the run is not deployed (§5 "Stack with id X does not exist" → absent)', async () => {
    const w = world();
    const { project } = await makeProject({
      net: { template: NET },
      app: {
        template: APP,
        parameters: {
          Env: 'dev',
          Port: 1,
          Azs: ['a'],
          VpcId: { output: { stack: 'net', name: 'VpcId' } },
          DbHost: 'x',
        },
      },
    });

    const { events } = await deploy(project, w, { stacks: ['app'] });

    const done = doneOf(events, 'app');
    expect(done.status).toBe('failed');
    expect(done.reason).toContain('not deployed');
    expect(methods(w)).not.toContain('createChangeSet');
  });

  it('fails with a clear message when an ssm() parameter does not exist, before any change set (§2.1: nothing is created)', async () => {
    const w = world();
    const { project } = await makeProject({
      app: {
        template: `Parameters:\n  DbHost:\n    Type: String\nResources:\n  Fn:\n    Type: AWS::Lambda::Function\n`,
        parameters: { DbHost: { ssm: '/demo/missing' } },
      },
    });

    const { result, events } = await deploy(project, w);

    expect(result.exitCode).toBe(1);
    const done = doneOf(events, 'app');
    expect(done.status).toBe('failed');
    expect(done.reason).toContain('/demo/missing');
    expect(done.reason).toContain('does not exist');
    expect(done.reason).toContain('DbHost');
    expect(methods(w)).toEqual(['getParameter']);
  });

  it('never puts a NoEcho parameter value or a SecureString ssm() value in any event (§2.3, §3.2: create, failed update, no-changes paths)', async () => {
    const NOECHO_VALUE = 'hunter2-noecho-literal';
    const SECURE_VALUE = 's3cr3t-securestring-value';
    const SECRET_TEMPLATE = `
Parameters:
  DbPassword:
    Type: String
    NoEcho: true
  ApiKey:
    Type: String
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Key: !Ref ApiKey
  Db:
    Type: AWS::RDS::DBInstance
Outputs:
  FnName:
    Value: orders-fn
`;
    const w = world();
    w.fake.setSsm('/demo/api-key', SECURE_VALUE, 'SecureString');
    const first = await makeProject({
      app: { template: SECRET_TEMPLATE, parameters: { DbPassword: NOECHO_VALUE, ApiKey: { ssm: '/demo/api-key' } } },
    });
    const all = [];
    all.push(...(await deploy(first.project, w)).events);
    // An update that fails (the reason path), then one that is unchanged (the comparison path).
    const changed = SECRET_TEMPLATE.replace(
      'Type: AWS::RDS::DBInstance',
      'Type: AWS::RDS::DBInstance\n    Properties:\n      Size: 20',
    );
    const { project } = await makeProject(
      { app: { template: changed, parameters: { DbPassword: NOECHO_VALUE, ApiKey: { ssm: '/demo/api-key' } } } },
      { dir: first.dir },
    );
    w.fake.failNextExecution(stackNameOf('app'), 'Db', 'Resource handler returned message: "Storage too small"');
    all.push(...(await deploy(project, w)).events);
    const original = await makeProject(
      {
        app: { template: SECRET_TEMPLATE, parameters: { DbPassword: NOECHO_VALUE, ApiKey: { ssm: '/demo/api-key' } } },
      },
      { dir: first.dir },
    );
    all.push(...(await deploy(original.project, w)).events);

    // The values were really sent, so their absence from the events means something.
    expect(sentParameters(w, 'app')).toEqual({ DbPassword: NOECHO_VALUE, ApiKey: SECURE_VALUE });
    expect(all.map((e) => e.type)).toContain('stack:resource');
    expect(all.filter((e) => e.type === 'stack:done').map((e) => (e.type === 'stack:done' ? e.status : ''))).toEqual([
      'created',
      'failed',
      'unchanged',
    ]);
    for (const event of all) {
      const json = JSON.stringify(event);
      expect(json).not.toContain(NOECHO_VALUE);
      expect(json).not.toContain(SECURE_VALUE);
    }
  });

  it('always makes a change set for a stack with an AWS::SSM::Parameter::Value parameter, which CloudFormation resolves itself (§2.3)', async () => {
    const SSM_TYPED = `
Parameters:
  ImageId:
    Type: AWS::SSM::Parameter::Value<String>
    Default: /demo/ami
Resources:
  Instance:
    Type: AWS::EC2::Instance
`;
    const w = world();
    const { project } = await makeProject({ app: { template: SSM_TYPED } });
    await deploy(project, w);
    const before = w.fake.calls.length;

    const { events } = await deploy(project, w);

    const since = w.fake.calls.slice(before).map((c) => c.method);
    expect(since).toContain('createChangeSet');
    expect(since).not.toContain('getTemplate');
    // The fake sees the same inputs and answers "no changes" (§2.3): still unchanged, change set gone.
    expect(doneOf(events, 'app').status).toBe('unchanged');
    expect(w.fake.liveChangeSets().filter((c) => c.executionStatus !== 'EXECUTE_COMPLETE')).toEqual([]);
  });
});
