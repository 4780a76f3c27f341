/**
 * The SDK adapters against moto over the wire (the harness's patched moto server). Every test uses
 * its own stack and parameter names, so the tests do not depend on each other or on moto being
 * empty. Where moto differs from AWS the test says so and asserts only what both do.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createAwsPorts } from '../../src/aws/create-aws-ports.js';
import { AwsError, isNoChangesReason } from '../../src/aws/errors.js';
import type { AwsPorts, CloudFormationPort } from '../../src/aws/ports.js';
import { RateLimiter } from '../../src/aws/rate-limiter.js';
import { MOTO_REGION, useMoto } from '../harness/aws-env.js';
import { useTestCredentials } from '../harness/test-credentials.js';

const { endpoint } = useMoto();
useTestCredentials();

function ports(limiter = new RateLimiter({ ratePerSecond: 1000, burst: 1000 })): AwsPorts {
  return createAwsPorts(
    { region: MOTO_REGION, endpoint },
    { limiter, retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 } },
  );
}

function unique(base: string): string {
  return `${base}-${randomUUID().slice(0, 8)}`;
}

const QUEUE_AND_TOPIC = JSON.stringify(
  {
    Parameters: { QueueName: { Type: 'String' } },
    Resources: {
      Queue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: { Ref: 'QueueName' } } },
      Topic: { Type: 'AWS::SNS::Topic' },
    },
    Outputs: { QueueUrl: { Value: { Ref: 'Queue' }, Export: { Name: { 'Fn::Sub': '${AWS::StackName}-queue-url' } } } },
  },
  null,
  2,
);

const ONE_TOPIC = JSON.stringify({ Resources: { Topic: { Type: 'AWS::SNS::Topic' } } });
const TWO_TOPICS = JSON.stringify({
  Resources: { Topic: { Type: 'AWS::SNS::Topic' }, Extra: { Type: 'AWS::SNS::Topic' } },
});

/** Creates and executes a CREATE change set; moto completes the stack synchronously. */
async function deployed(cf: CloudFormationPort, stackName: string, templateBody: string) {
  const ref = await cf.createChangeSet({
    stackName,
    changeSetName: 'create',
    changeSetType: 'CREATE',
    templateBody,
    parameters: [],
    tags: {},
    capabilities: [],
    clientToken: unique('token'),
  });
  await cf.executeChangeSet(ref.changeSetId, unique('exec'));
  return ref;
}

async function rejection(promise: Promise<unknown>): Promise<AwsError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AwsError);
  return error as AwsError;
}

describe('CloudFormation adapter on moto', () => {
  it('describes a stack that does not exist as undefined', async () => {
    await expect(ports().cloudFormation.describeStack(unique('never-created'))).resolves.toBeUndefined();
  });

  it('creates a CREATE change set: the stack is REVIEW_IN_PROGRESS and every resource is an Add', async () => {
    const cf = ports().cloudFormation;
    const stackName = unique('review');

    const ref = await cf.createChangeSet({
      stackName,
      changeSetName: 'first',
      changeSetType: 'CREATE',
      templateBody: QUEUE_AND_TOPIC,
      parameters: [{ key: 'QueueName', value: unique('queue') }],
      tags: { team: 'core' },
      capabilities: ['CAPABILITY_IAM'],
      clientToken: unique('token'),
      description: 'from the adapter test',
    });

    expect(ref.changeSetId).toMatch(/^arn:aws:cloudformation:us-east-1:\d{12}:changeSet\/first\//);
    expect(ref.stackId).toMatch(new RegExp(`^arn:aws:cloudformation:us-east-1:\\d{12}:stack/${stackName}/`));
    await expect(cf.describeStack(stackName)).resolves.toMatchObject({
      stackId: ref.stackId,
      stackName,
      status: 'REVIEW_IN_PROGRESS',
      tags: { team: 'core' },
    });

    const description = await cf.describeChangeSet(ref.changeSetId);
    expect(description).toMatchObject({
      changeSetId: ref.changeSetId,
      changeSetName: 'first',
      stackId: ref.stackId,
      status: 'CREATE_COMPLETE',
      executionStatus: 'AVAILABLE',
    });
    expect([...description.changes].sort((a, b) => a.logicalId.localeCompare(b.logicalId))).toEqual([
      {
        action: 'Add',
        logicalId: 'Queue',
        physicalId: undefined,
        resourceType: 'AWS::SQS::Queue',
        replacement: undefined,
        scope: [],
        details: [],
      },
      {
        action: 'Add',
        logicalId: 'Topic',
        physicalId: undefined,
        resourceType: 'AWS::SNS::Topic',
        replacement: undefined,
        scope: [],
        details: [],
      },
    ]);
  });

  it('executes it: the stack has its parameters, outputs, template and events, newest first', async () => {
    const cf = ports().cloudFormation;
    const stackName = unique('created');
    const queueName = unique('queue');
    const ref = await cf.createChangeSet({
      stackName,
      changeSetName: 'create',
      changeSetType: 'CREATE',
      templateBody: QUEUE_AND_TOPIC,
      parameters: [{ key: 'QueueName', value: queueName }],
      tags: { team: 'core' },
      capabilities: [],
      clientToken: unique('token'),
    });

    await cf.executeChangeSet(ref.changeSetId, unique('exec'));

    const stack = await cf.describeStack(ref.stackId);
    expect(stack).toMatchObject({
      stackId: ref.stackId,
      status: 'CREATE_COMPLETE',
      parameters: [{ key: 'QueueName', value: queueName }],
      tags: { team: 'core' },
      terminationProtection: false,
    });
    expect(stack?.outputs).toEqual([
      {
        key: 'QueueUrl',
        value: expect.stringContaining(queueName) as string,
        exportName: `${stackName}-queue-url`,
        description: undefined,
      },
    ]);
    expect(stack?.creationTime).toBeInstanceOf(Date);
    await expect(cf.getTemplate(ref.stackId)).resolves.toBe(QUEUE_AND_TOPIC);

    const { events, nextToken } = await cf.describeStackEvents(ref.stackId);
    expect(nextToken).toBeUndefined();
    expect(events.every((e) => e.stackId === ref.stackId && e.stackName === stackName)).toBe(true);
    const times = events.map((e) => e.timestamp.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const stackEvents = events.filter((e) => e.logicalId === stackName);
    expect(stackEvents.map((e) => e.status)).toEqual(['CREATE_COMPLETE', 'CREATE_IN_PROGRESS', 'REVIEW_IN_PROGRESS']);
    expect(stackEvents.map((e) => [e.resourceType, e.physicalId])).toEqual(
      Array(3).fill(['AWS::CloudFormation::Stack', ref.stackId]),
    );
    expect(stackEvents[2]?.reason).toBe('User Initiated');
  });

  it('reports an UPDATE change set with the deployed template as FAILED with the no-changes reason', async () => {
    const cf = ports().cloudFormation;
    const stackName = unique('unchanged');
    await deployed(cf, stackName, ONE_TOPIC);

    // moto finds UPDATE change sets' stacks by name only (AWS also takes the ARN).
    const ref = await cf.createChangeSet({
      stackName,
      changeSetName: 'same',
      changeSetType: 'UPDATE',
      templateBody: ONE_TOPIC,
      parameters: [],
      tags: {},
      capabilities: [],
      clientToken: unique('token'),
    });

    const description = await cf.describeChangeSet(ref.changeSetId);
    expect(description).toMatchObject({ status: 'FAILED', executionStatus: 'UNAVAILABLE' });
    expect(description.statusReason).toBe(
      "The submitted information didn't contain changes. Submit different information to create a change set.",
    );
    expect(isNoChangesReason(description.statusReason)).toBe(true);
  });

  it('lists an added resource in an UPDATE change set, and forgets the change set once deleted', async () => {
    const cf = ports().cloudFormation;
    const stackName = unique('updated');
    await deployed(cf, stackName, ONE_TOPIC);
    const ref = await cf.createChangeSet({
      stackName,
      changeSetName: 'add-extra',
      changeSetType: 'UPDATE',
      templateBody: TWO_TOPICS,
      parameters: [],
      tags: {},
      capabilities: [],
      clientToken: unique('token'),
    });

    const description = await cf.describeChangeSet(ref.changeSetId);
    expect(description).toMatchObject({ status: 'CREATE_COMPLETE', executionStatus: 'AVAILABLE' });
    expect(description.changes).toContainEqual(
      expect.objectContaining({ action: 'Add', logicalId: 'Extra', resourceType: 'AWS::SNS::Topic' }),
    );

    await cf.deleteChangeSet(ref.changeSetId);

    const error = await rejection(cf.describeChangeSet(ref.changeSetId));
    expect(error.operation).toBe('DescribeChangeSet');
    // AWS: ChangeSetNotFound (404). moto: ValidationError "Stack with id <change set ARN> does not exist".
    expect(['ChangeSetNotFound', 'ValidationError']).toContain(error.awsCode);
    expect(error.message).toContain(ref.changeSetId);
    await expect(cf.describeStack(stackName)).resolves.toMatchObject({ status: 'CREATE_COMPLETE' });
  });

  it('maps the refusal of an unknown change set to an AwsError naming the operation', async () => {
    const cf = ports().cloudFormation;
    const unknown = `arn:aws:cloudformation:${MOTO_REGION}:123456789012:changeSet/missing/${randomUUID()}`;

    const error = await rejection(cf.describeChangeSet(unknown));

    expect(error).toMatchObject({ operation: 'DescribeChangeSet', httpStatus: expect.any(Number) as number });
    expect(error.message).toMatch(
      new RegExp(`^DescribeChangeSet: (ChangeSetNotFound|ValidationError): .*${unknown.replaceAll('/', '\\/')}`),
    );
  });

  it('deletes a stack: gone by name, DELETE_COMPLETE by ARN', async () => {
    const cf = ports().cloudFormation;
    const stackName = unique('deleted');
    const ref = await deployed(cf, stackName, ONE_TOPIC);

    await cf.deleteStack(ref.stackId, unique('delete'));

    await expect(cf.describeStack(stackName)).resolves.toBeUndefined();
    await expect(cf.describeStack(ref.stackId)).resolves.toMatchObject({
      stackId: ref.stackId,
      status: 'DELETE_COMPLETE',
    });
  });
});

describe('SSM adapter on moto', () => {
  it('puts and gets a parameter, overwriting only when asked', async () => {
    const ssm = ports().ssm;
    const name = `/stackpilot-test/${unique('param')}/url`;

    await ssm.putParameter({ name, value: 'https://one', overwrite: false, description: 'api url' });
    await expect(ssm.getParameter(name)).resolves.toEqual({ name, type: 'String', value: 'https://one', version: 1 });

    const refused = await rejection(ssm.putParameter({ name, value: 'https://two', overwrite: false }));
    expect(refused).toMatchObject({ operation: 'PutParameter', awsCode: 'ParameterAlreadyExists', httpStatus: 400 });

    await ssm.putParameter({ name, value: 'https://two', overwrite: true });
    await expect(ssm.getParameter(name)).resolves.toEqual({ name, type: 'String', value: 'https://two', version: 2 });
  });

  it('gets a parameter that does not exist as undefined', async () => {
    await expect(ports().ssm.getParameter(`/stackpilot-test/${unique('missing')}`)).resolves.toBeUndefined();
  });
});

it('counts the calls of both clients on the one limiter they share', async () => {
  const limiter = new RateLimiter({ ratePerSecond: 1000, burst: 1000 });
  const shared = ports(limiter);

  await shared.cloudFormation.describeStack(unique('nothing'));
  await shared.ssm.getParameter(`/stackpilot-test/${unique('nothing')}`);

  expect(limiter.stats().acquired).toBe(2);
});
