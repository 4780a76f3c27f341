import { describe, expect, it } from 'vitest';
import { AwsError } from '../../src/aws/errors.js';
import { allEvents, deploy, lines, settled, setup, template } from './support.js';

const NETWORK = `Parameters:
  Stage:
    Type: String
    Default: dev
  Cidrs:
    Type: CommaDelimitedList
    Default: 10.0.0.0/20,10.0.16.0/20
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
Resources:
  Vpc:
    Type: AWS::EC2::VPC
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: !Sub '\${AWS::StackName}-events'
  ProdOnly:
    Type: AWS::SQS::Queue
    Condition: IsProd
Outputs:
  VpcId:
    Value: !Ref Vpc
    Export:
      Name: !Sub '\${Stage}-VpcId'
  TopicArn:
    Value: !Ref Topic
    Export:
      Name: !Sub '\${Stage}-TopicArn'
  Zone:
    Value: !Select [1, !GetAZs '']
  Second:
    Value: !Select [1, !Ref Cidrs]
  Joined:
    Value: !Join ['/', [!Ref 'AWS::Region', !Ref 'AWS::AccountId', !Ref 'AWS::Partition', !Ref 'AWS::URLSuffix']]
  Mode:
    Value: !If [IsProd, big, small]
  Split:
    Value: !Select [0, !Split [',', 'a,b']]
  Queue:
    Condition: IsProd
    Value: !Ref ProdOnly
`;

const APP = template(
  {
    Fn: `AWS::Lambda::Function\n    Properties:\n      Role: !ImportValue dev-TopicArn\n      VpcConfig:\n        SubnetIds: [!ImportValue dev-VpcId]`,
  },
  'Outputs:\n  Vpc:\n    Value: !ImportValue dev-VpcId\n',
);

describe('outputs and exports (§4)', () => {
  it('evaluates outputs with intrinsic functions and registers exports on success', async () => {
    const s = setup();
    const network = await deploy(s, 'network', NETWORK);
    const outputs = Object.fromEntries(network.outputs.map((o) => [o.key, o.value]));
    expect(outputs).toEqual({
      VpcId: expect.stringMatching(/^vpc-[0-9a-f]{17}$/) as string,
      TopicArn: 'arn:aws:sns:us-east-1:123456789012:network-events',
      Zone: 'us-east-1b',
      Second: '10.0.16.0/20',
      Joined: 'us-east-1/123456789012/aws/amazonaws.com',
      Mode: 'small',
      Split: 'a',
    });
    expect(network.outputs.find((o) => o.key === 'VpcId')?.exportName).toBe('dev-VpcId');
    expect(s.sim.inspect.exports().map((e) => [e.name, e.stackName])).toEqual([
      ['dev-VpcId', 'network'],
      ['dev-TopicArn', 'network'],
    ]);
    // Imports resolve at execution.
    const app = await deploy(s, 'app', APP);
    expect(app.status).toBe('CREATE_COMPLETE');
    expect(app.outputs[0]?.value).toBe(outputs.VpcId);
  });

  it('fails a create whose import no stack exports, at execution, with no resource events', async () => {
    const s = setup();
    const run = await deploy(s, 'app', APP);
    expect(run.status).toBe('ROLLBACK_COMPLETE');
    expect(lines(await allEvents(s.cf, run.stackId))).toEqual([
      'app REVIEW_IN_PROGRESS User Initiated',
      'app CREATE_IN_PROGRESS User Initiated',
      'app ROLLBACK_IN_PROGRESS No export named dev-TopicArn found. Rollback requested by user.',
      'app ROLLBACK_COMPLETE',
    ]);
  });

  it('refuses to change or remove an export in use, and to delete its stack (§1.2, §4)', async () => {
    const s = setup();
    const network = await deploy(s, 'network', NETWORK);
    await deploy(s, 'app', APP);
    await deploy(s, 'app2', APP);
    const removed = await deploy(s, 'network', NETWORK.replace(/ {2}TopicArn:\n.*\n.*\n.*\n/, ''));
    expect(removed).toMatchObject({ status: 'UPDATE_ROLLBACK_COMPLETE' });
    const removedEvents = lines(await allEvents(s.cf, network.stackId));
    expect(removedEvents.slice(-4)).toEqual([
      'network UPDATE_IN_PROGRESS User Initiated',
      'network UPDATE_ROLLBACK_IN_PROGRESS Export dev-TopicArn cannot be deleted as it is in use by app and app2',
      'network UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS',
      'network UPDATE_ROLLBACK_COMPLETE',
    ]);
    const renamed = await deploy(s, 'network', NETWORK.replace("'${AWS::StackName}-events'", 'renamed-events'));
    expect(lines(await allEvents(s.cf, renamed.stackId))).toContain(
      'network UPDATE_ROLLBACK_IN_PROGRESS Export dev-TopicArn cannot be updated as it is in use by app and app2',
    );

    await s.cf.deleteStack(network.stackId, 'del');
    const after = await settled(s, network.stackId);
    expect(after).toMatchObject({
      status: 'UPDATE_ROLLBACK_COMPLETE',
      statusReason: 'Export dev-VpcId cannot be deleted as it is in use by app and app2',
    });
    expect(lines(await allEvents(s.cf, network.stackId)).slice(-2)).toEqual([
      'network DELETE_IN_PROGRESS User Initiated',
      'network UPDATE_ROLLBACK_COMPLETE Export dev-VpcId cannot be deleted as it is in use by app and app2',
    ]);
    // Importers gone, the exporter can go.
    for (const name of ['app', 'app2']) {
      await s.cf.deleteStack(name);
      await settled(s, (await s.cf.describeStack(name))?.stackId ?? name);
    }
    await s.cf.deleteStack(network.stackId);
    expect((await settled(s, network.stackId)).status).toBe('DELETE_COMPLETE');
    expect(s.sim.inspect.exports()).toEqual([]);
  });

  it('fails a stack that exports a name another stack already exports', async () => {
    const s = setup();
    await deploy(s, 'network', NETWORK);
    const twin = await deploy(s, 'twin', NETWORK);
    expect(twin.status).toBe('ROLLBACK_COMPLETE');
    expect(lines(await allEvents(s.cf, twin.stackId))).toContain(
      'twin ROLLBACK_IN_PROGRESS Export with name dev-VpcId is already exported by stack network. Rollback requested by user.',
    );
  });
});

describe('SSM (§4, SsmPort)', () => {
  const WRITER = template({
    Table: 'AWS::DynamoDB::Table\n    Properties:\n      TableName: orders',
    Param: 'AWS::SSM::Parameter\n    Properties:\n      Name: /app/table\n      Type: String\n      Value: !Ref Table',
    Kept: 'AWS::SSM::Parameter\n    DeletionPolicy: Retain\n    Properties:\n      Name: /app/kept\n      Type: String\n      Value: !GetAtt Table.Arn',
  });

  it('writes AWS::SSM::Parameter resources on success and deletes them with the stack (Retain keeps them)', async () => {
    const s = setup();
    const done = await deploy(s, 'data', WRITER);
    expect(await s.sim.ports.ssm.getParameter('/app/table')).toEqual({
      name: '/app/table',
      type: 'String',
      value: 'orders',
      version: 1,
    });
    expect(s.sim.inspect.ssmParameter('/app/kept')?.value).toBe('arn:aws:dynamodb:us-east-1:123456789012:table/orders');
    await s.cf.deleteStack(done.stackId);
    await settled(s, done.stackId);
    expect(await s.sim.ports.ssm.getParameter('/app/table')).toBeUndefined();
    expect(s.sim.inspect.ssmParameter('/app/kept')).toBeDefined();
  });

  it('resolves AWS::SSM::Parameter::Value parameters when the change set is made, and sees a new value as a change', async () => {
    const s = setup();
    s.sim.inspect.putSsmParameter('/base/ami', 'ami-1');
    const body = template(
      { Box: 'AWS::EC2::Instance\n    Properties:\n      ImageId: !Ref Ami' },
      'Parameters:\n  Ami:\n    Type: AWS::SSM::Parameter::Value<String>\n    Default: /base/ami\nOutputs:\n  Image:\n    Value: !Ref Ami\n',
    );
    const first = await deploy(s, 'box', body);
    expect(first.outputs[0]?.value).toBe('ami-1');
    expect(first.parameters).toEqual([{ key: 'Ami', value: '/base/ami' }]);
    await s.sim.ports.ssm.putParameter({ name: '/base/ami', value: 'ami-2', overwrite: true });
    const ref = await s.cf.createChangeSet({
      stackName: 'box',
      changeSetName: 'next',
      changeSetType: 'UPDATE',
      templateBody: body,
      parameters: [],
      tags: {},
      capabilities: [],
      clientToken: 'n',
    });
    await s.wait(5000);
    const described = await s.cf.describeChangeSet(ref.changeSetId);
    expect(described.changes[0]?.details.map((d) => `${d.changeSource}:${d.causingEntity ?? ''}`)).toEqual([
      'ParameterReference:Ami',
      'DirectModification:',
    ]);
    const missing = await s.cf
      .createChangeSet({
        stackName: 'other',
        changeSetName: 'c',
        changeSetType: 'CREATE',
        templateBody: body,
        parameters: [{ key: 'Ami', value: '/nope' }],
        tags: {},
        capabilities: [],
        clientToken: 'm',
      })
      .catch((e: unknown) => e);
    expect((missing as AwsError).serviceMessage).toBe(
      'Unable to fetch parameters [/nope] from parameter store for this account.',
    );
  });

  it('gets and puts parameters, refusing to overwrite unless asked, SecureString values decrypted', async () => {
    const s = setup();
    await s.sim.ports.ssm.putParameter({ name: '/x', value: '1', overwrite: false });
    const refused = await s.sim.ports.ssm
      .putParameter({ name: '/x', value: '2', overwrite: false })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AwsError);
    expect((refused as AwsError).awsCode).toBe('ParameterAlreadyExists');
    await s.sim.ports.ssm.putParameter({ name: '/x', value: '3', overwrite: true });
    expect(await s.sim.ports.ssm.getParameter('/x')).toEqual({ name: '/x', type: 'String', value: '3', version: 2 });
    s.sim.inspect.putSsmParameter('/secret', 'hunter2', 'SecureString');
    expect(await s.sim.ports.ssm.getParameter('/secret')).toMatchObject({ type: 'SecureString', value: 'hunter2' });
    expect(await s.sim.ports.ssm.getParameter('/none')).toBeUndefined();
  });
});
