import { describe, expect, it } from 'vitest';
import type { CreateChangeSetInput } from '../../src/aws/ports.js';
import { NO_CHANGES_REASON } from '../helpers/fake-cloudformation.js';
import { deploy, doneOf, makeProject, methods, ofType, stackNameOf, world } from './support.js';

const APP = `
Parameters:
  Env:
    Type: String
    Default: dev
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: 30
  Topic:
    Type: AWS::SNS::Topic
Outputs:
  QueueUrl:
    Value: https://sqs.us-east-1.amazonaws.com/123456789012/queue
  Stage:
    Value: !Ref Env
`;

const APP_NAME = stackNameOf('app');

describe('deploying one stack through a change set', () => {
  it('creates a stack from nothing and reports every resource event once, oldest first (§1.2, §3.1, §3.2 create success)', async () => {
    const w = world({ eventPageSize: 2, executionPolls: 4 });
    const { project } = await makeProject({ app: { template: APP } });

    const { result, events } = await deploy(project, w);

    expect(result.exitCode).toBe(0);
    const done = doneOf(events, 'app');
    expect(done).toMatchObject({
      status: 'created',
      stackStatus: 'CREATE_COMPLETE',
      outputs: { QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/queue', Stage: 'dev' },
    });
    expect(done.apiCalls).toBeGreaterThan(0);
    expect(ofType(events, 'stack:changeset').map((e) => [e.phase, e.changeSetType])).toEqual([
      ['creating', 'CREATE'],
      ['ready', 'CREATE'],
    ]);
    expect(ofType(events, 'stack:changeset')[1]?.changes?.map((c) => `${c.action} ${c.logicalId}`)).toEqual([
      'Add Queue',
      'Add Topic',
    ]);
    expect(ofType(events, 'stack:executing')).toHaveLength(1);
    // §3.2: in-progress, "Resource creation Initiated", complete; never the stack's own events.
    expect(
      ofType(events, 'stack:resource').map((e) => `${e.logicalId} ${e.status}${e.reason ? ` ${e.reason}` : ''}`),
    ).toEqual([
      'Queue CREATE_IN_PROGRESS',
      'Topic CREATE_IN_PROGRESS',
      'Queue CREATE_IN_PROGRESS Resource creation Initiated',
      'Topic CREATE_IN_PROGRESS Resource creation Initiated',
      'Queue CREATE_COMPLETE',
      'Topic CREATE_COMPLETE',
    ]);
    const types = events.map((e) => e.type);
    expect(types.indexOf('stack:executing')).toBeLessThan(types.indexOf('stack:resource'));
    expect(types.at(-1)).toBe('run:done');
    // The follower had to poll several times and to page (page size 2, §3.1 NextToken).
    const eventCalls = w.fake.callsOf('describeStackEvents');
    expect(eventCalls.filter((args) => args[1] === undefined).length).toBeGreaterThanOrEqual(4);
    expect(eventCalls.some((args) => args[1] !== undefined)).toBe(true);
    // Every event of the execution carried the token given to ExecuteChangeSet (§3.1).
    const [, token] = w.fake.callsOf('executeChangeSet')[0] ?? [];
    const resourceEvents = w.fake.history(APP_NAME).filter((e) => e.logicalId !== APP_NAME);
    expect(resourceEvents).toHaveLength(6);
    expect(resourceEvents.every((e) => e.clientRequestToken === token)).toBe(true);
    expect(ofType(events, 'run:done')[0]).toMatchObject({
      exitCode: 0,
      summary: { created: 1, updated: 0, unchanged: 0, failed: 0, skipped: 0, blocked: 0 },
    });
  });

  it('reports the same template, parameters and tags as unchanged without a change set (DESIGN step 3; §1.1 DescribeStacks parameters/tags, GetTemplate)', async () => {
    const w = world();
    const { project } = await makeProject({ app: { template: APP, tags: { team: 'orders' } } });
    await deploy(project, w);
    const before = w.fake.calls.length;

    const { result, events } = await deploy(project, w);

    expect(result.exitCode).toBe(0);
    expect(doneOf(events, 'app')).toMatchObject({
      status: 'unchanged',
      stackStatus: 'CREATE_COMPLETE',
      outputs: { Stage: 'dev' },
    });
    expect(ofType(events, 'stack:changeset').map((e) => e.phase)).toEqual(['unchanged']);
    expect(methods(w).slice(before)).not.toContain('createChangeSet');
    expect(methods(w).slice(before)).toContain('getTemplate');
  });

  it('creates a change set when only the tags changed, and executes it although it lists no resource change (§2.3)', async () => {
    const w = world();
    const first = await makeProject({ app: { template: APP, tags: { team: 'orders' } } });
    await deploy(first.project, w);
    const { project } = await makeProject({ app: { template: APP, tags: { team: 'payments' } } }, { dir: first.dir });
    const before = w.fake.calls.length;

    const { events } = await deploy(project, w);

    const created = w.fake.calls
      .slice(before)
      .filter((c) => c.method === 'createChangeSet')
      .map((c) => c.args[0] as CreateChangeSetInput);
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({ changeSetType: 'UPDATE', tags: { team: 'payments' } });
    expect(ofType(events, 'stack:changeset').find((e) => e.phase === 'ready')?.changes).toEqual([]);
    expect(doneOf(events, 'app')).toMatchObject({ status: 'updated', stackStatus: 'UPDATE_COMPLETE' });
    expect(w.fake.stack(APP_NAME)?.tags).toEqual({ team: 'payments' });
  });

  it('executes a ready change set with an empty change list (an output edit) and reports it updated (§2.3)', async () => {
    const w = world();
    const first = await makeProject({ app: { template: APP } });
    await deploy(first.project, w);
    const edited = `${APP}  Extra:\n    Value: added-output\n`;
    const { project } = await makeProject({ app: { template: edited } }, { dir: first.dir });

    const { events } = await deploy(project, w);

    expect(ofType(events, 'stack:changeset').map((e) => [e.phase, e.changes?.length])).toEqual([
      ['creating', undefined],
      ['ready', 0],
    ]);
    expect(methods(w)).toContain('executeChangeSet');
    expect(doneOf(events, 'app')).toMatchObject({
      status: 'updated',
      stackStatus: 'UPDATE_COMPLETE',
      outputs: { Extra: 'added-output' },
    });
  });

  it('treats a change set FAILED with the "no changes" reason as unchanged and deletes it (§2.3)', async () => {
    // A NoEcho parameter comes back masked (****), so the comparison cannot prove equality and a
    // change set is made; CloudFormation then answers "no changes".
    const secretTemplate = `Parameters:\n  Token:\n    Type: String\n    NoEcho: true\n${APP.replace('Parameters:\n', '')}`;
    const w = world();
    const { project } = await makeProject({
      app: { template: secretTemplate, parameters: { Token: 'same-every-time' } },
    });
    await deploy(project, w);
    const before = w.fake.calls.length;

    const { result, events } = await deploy(project, w);

    expect(result.exitCode).toBe(0);
    const since = w.fake.calls.slice(before);
    expect(since.map((c) => c.method)).toContain('createChangeSet');
    expect(since.map((c) => c.method)).not.toContain('executeChangeSet');
    expect(ofType(events, 'stack:changeset').at(-1)).toMatchObject({ phase: 'unchanged', reason: NO_CHANGES_REASON });
    expect(doneOf(events, 'app')).toMatchObject({
      status: 'unchanged',
      stackStatus: 'CREATE_COMPLETE',
      outputs: { Stage: 'dev' },
    });
    const made = since.find((c) => c.method === 'describeChangeSet')?.args[0];
    expect(since.filter((c) => c.method === 'deleteChangeSet').map((c) => c.args[0])).toEqual([made]);
    expect(w.fake.liveChangeSets().filter((c) => c.executionStatus !== 'EXECUTE_COMPLETE')).toEqual([]);
  });

  it('fails on a change set FAILED for another reason, and leaves nothing behind on a create (§2.2, DESIGN step 5)', async () => {
    const w = world();
    const { project } = await makeProject({ app: { template: APP } });
    const reason = 'Template error: instance of Fn::GetAtt references undefined resource Missing';
    w.fake.failNextChangeSet(APP_NAME, reason);

    const { result, events } = await deploy(project, w);

    expect(result.exitCode).toBe(1);
    const done = doneOf(events, 'app');
    expect(done.status).toBe('failed');
    expect(done.reason).toContain(reason);
    expect(methods(w)).not.toContain('executeChangeSet');
    expect(methods(w)).toContain('deleteChangeSet');
    expect(w.fake.liveChangeSets()).toEqual([]);
    // The CREATE change set's REVIEW_IN_PROGRESS stack was deleted too: by name it is gone.
    expect(w.fake.stack(APP_NAME)).toBeUndefined();
    expect(w.fake.callsOf('deleteStack')).toHaveLength(1);
  });

  it('fails on a FAILED UPDATE change set, deletes it and leaves the stack as it was (§2.2)', async () => {
    const w = world();
    const first = await makeProject({ app: { template: APP } });
    await deploy(first.project, w);
    const { project } = await makeProject(
      { app: { template: APP.replace('VisibilityTimeout: 30', 'VisibilityTimeout: 60') } },
      { dir: first.dir },
    );
    w.fake.failNextChangeSet(APP_NAME, 'Parameters: [Missing] must have values');

    const { events } = await deploy(project, w);

    expect(doneOf(events, 'app')).toMatchObject({ status: 'failed' });
    expect(doneOf(events, 'app').reason).toContain('Parameters: [Missing] must have values');
    expect(w.fake.liveChangeSets().filter((c) => c.executionStatus !== 'EXECUTE_COMPLETE')).toEqual([]);
    expect(w.fake.callsOf('deleteStack')).toEqual([]);
    expect(w.fake.stack(APP_NAME)?.status).toBe('CREATE_COMPLETE');
  });

  it('turns termination protection on beside the change set after a create (§6)', async () => {
    const w = world();
    const { project } = await makeProject({ app: { template: APP, terminationProtection: true } });

    await deploy(project, w);

    const stackId = w.fake.stack(APP_NAME)?.stackId;
    expect(w.fake.callsOf('updateTerminationProtection')).toEqual([[stackId, true]]);
    expect(w.fake.stack(APP_NAME)?.terminationProtection).toBe(true);
  });
});

describe('failures during execution', () => {
  const NET = `
Resources:
  Vpc:
    Type: AWS::EC2::VPC
  Subnet:
    Type: AWS::EC2::Subnet
Outputs:
  VpcId:
    Value: vpc-0abc
`;
  const CONSUMER = `
Parameters:
  VpcId:
    Type: String
Resources:
  Group:
    Type: AWS::EC2::SecurityGroup
Outputs:
  GroupId:
    Value: sg-1
`;
  const REAL_REASON =
    'Resource handler returned message: "The CIDR \'10.0.0.0/33\' is invalid." (RequestToken: 5f0c, HandlerErrorCode: InvalidRequest)';

  it('finds the failing resource, not the cancelled sibling; skips everything downstream and deploys the independent stack (§3.2 create failure, §8)', async () => {
    const w = world({ eventPageSize: 2, executionPolls: 3 });
    const { project } = await makeProject({
      net: { template: NET },
      app: { template: CONSUMER, parameters: { VpcId: { output: { stack: 'net', name: 'VpcId' } } } },
      web: { template: `Resources:\n  Site:\n    Type: AWS::S3::Bucket\n`, dependsOn: ['app'] },
      solo: { template: `Resources:\n  Alone:\n    Type: AWS::SNS::Topic\n` },
    });
    w.fake.failNextExecution(stackNameOf('net'), 'Subnet', REAL_REASON);

    const { result, events } = await deploy(project, w);

    const net = doneOf(events, 'net');
    expect(net).toMatchObject({
      status: 'failed',
      stackStatus: 'ROLLBACK_COMPLETE',
      rootCause: {
        logicalId: 'Subnet',
        resourceType: 'AWS::EC2::Subnet',
        status: 'CREATE_FAILED',
        reason: REAL_REASON,
      },
    });
    expect(net.reason).toContain(REAL_REASON);
    // The cascade was reported as it happened, but is not the cause.
    expect(
      ofType(events, 'stack:resource')
        .filter((e) => e.stack === 'net')
        .map((e) => `${e.logicalId} ${e.status} ${e.reason ?? ''}`.trim()),
    ).toContain('Vpc CREATE_FAILED Resource creation cancelled');
    expect(doneOf(events, 'app')).toMatchObject({ status: 'skipped', apiCalls: 0 });
    expect(doneOf(events, 'app').reason).toContain('net');
    // Downstream of a skipped stack is skipped too, still naming the stack that failed.
    expect(doneOf(events, 'web')).toMatchObject({ status: 'skipped' });
    expect(doneOf(events, 'web').reason).toContain('net failed');
    expect(doneOf(events, 'solo')).toMatchObject({ status: 'created' });
    // app needs net's output to make its change set, so it never called AWS. web is tied to app by a
    // declared edge only: its change set was made early, and deleted with its REVIEW stack when app was skipped.
    expect(w.fake.calls.filter((c) => JSON.stringify(c.args).includes(stackNameOf('app')))).toEqual([]);
    expect(w.fake.callsOf('executeChangeSet').some((args) => JSON.stringify(args).includes(stackNameOf('web')))).toBe(
      false,
    );
    // Executed change sets stay describable (§2.2); none that was never executed is left.
    expect(w.fake.liveChangeSets().filter((c) => c.executionStatus === 'AVAILABLE')).toEqual([]);
    expect(w.fake.stack(stackNameOf('web'))).toBeUndefined();
    expect(result.exitCode).toBe(1);
    expect(ofType(events, 'run:done')[0]).toMatchObject({
      exitCode: 1,
      summary: { created: 1, updated: 0, unchanged: 0, failed: 1, skipped: 2, blocked: 0 },
    });
  });

  it('finds the root cause of a failed update that rolled back to UPDATE_ROLLBACK_COMPLETE, which stays updatable (§1.2, §1.3, §3.2 update failure)', async () => {
    const w = world({ eventPageSize: 2 });
    const first = await makeProject({ app: { template: APP } });
    await deploy(first.project, w);
    const changed = APP.replace('VisibilityTimeout: 30', 'VisibilityTimeout: 9999').replace(
      '  Topic:\n    Type: AWS::SNS::Topic\n',
      '  Topic:\n    Type: AWS::SNS::Topic\n  Dlq:\n    Type: AWS::SQS::Queue\n',
    );
    const { project } = await makeProject({ app: { template: changed } }, { dir: first.dir });
    const reason =
      'Resource handler returned message: "Invalid value for the parameter VisibilityTimeout." (HandlerErrorCode: InvalidRequest)';
    w.fake.failNextExecution(APP_NAME, 'Queue', reason);

    const { events } = await deploy(project, w);

    const done = doneOf(events, 'app');
    expect(done).toMatchObject({
      status: 'failed',
      stackStatus: 'UPDATE_ROLLBACK_COMPLETE',
      rootCause: { logicalId: 'Queue', status: 'UPDATE_FAILED', reason },
    });
    expect(done.outputs).toBeUndefined();
    const reported = ofType(events, 'stack:resource').map((e) => `${e.logicalId} ${e.status}`);
    expect(reported).toContain('Dlq CREATE_FAILED');
    expect(reported.slice(-2)).toEqual(['Dlq DELETE_IN_PROGRESS', 'Dlq DELETE_COMPLETE']);
    // Exactly the resource events of this operation (its token), each once, oldest first (§3.1).
    const token = w.fake.callsOf('executeChangeSet').at(-1)?.[1];
    const expected = w.fake
      .history(APP_NAME)
      .filter((e) => e.clientRequestToken === token && e.logicalId !== APP_NAME)
      .reverse();
    expect(reported).toEqual(expected.map((e) => `${e.logicalId} ${e.status}`));

    // UPDATE_ROLLBACK_COMPLETE is healthy: the next deploy updates it.
    const again = await deploy(project, w);
    expect(doneOf(again.events, 'app')).toMatchObject({ status: 'updated', stackStatus: 'UPDATE_COMPLETE' });
  });
});
