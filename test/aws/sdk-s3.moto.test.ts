/**
 * The S3 adapter against moto over the wire, and CreateChangeSet with a TemplateURL that moto's
 * CloudFormation reads from its own S3. Bucket names are unique per test and never start with
 * `s3`: moto 5.2.1 (`cloudformation/utils.py get_stack_from_s3_url`) reads a host starting with
 * `s3` as the path-style endpoint.
 */
import { randomUUID } from 'node:crypto';
import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { createAwsPorts } from '../../src/aws/create-aws-ports.js';
import { AwsError } from '../../src/aws/errors.js';
import type { AwsPorts } from '../../src/aws/ports.js';
import { RateLimiter } from '../../src/aws/rate-limiter.js';
import { MOTO_REGION, motoClientConfig, useMoto } from '../harness/aws-env.js';
import { useTestCredentials } from '../harness/test-credentials.js';

const { endpoint } = useMoto();
useTestCredentials();

const limiter = new RateLimiter({ ratePerSecond: 1000, burst: 1000 });

function ports(): AwsPorts {
  return createAwsPorts(
    { region: MOTO_REGION, endpoint },
    { limiter, retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 } },
  );
}

const raw = new S3Client({ ...motoClientConfig(endpoint), forcePathStyle: true });
afterAll(() => raw.destroy());

function unique(base: string): string {
  return `${base}-${randomUUID().slice(0, 8)}`;
}

async function bucket(region = MOTO_REGION): Promise<string> {
  const name = unique('artifacts');
  await raw.send(
    new CreateBucketCommand({
      Bucket: name,
      ...(region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: region as 'eu-west-1' } }),
    }),
  );
  return name;
}

async function rejection(promise: Promise<unknown>): Promise<AwsError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AwsError);
  return error as AwsError;
}

describe('S3 adapter on moto', () => {
  it('answers HeadBucket of a missing bucket with NoSuchBucket, naming the bucket', async () => {
    const name = unique('never-created');
    const error = await rejection(ports().s3.bucketRegion(name));
    expect([error.operation, error.awsCode, error.httpStatus]).toEqual(['HeadBucket', 'NoSuchBucket', 404]);
    expect(error.serviceMessage).toBe(`The specified bucket does not exist: ${name}`);
  });

  it("gives a bucket's region, from HeadBucket's x-amz-bucket-region", async () => {
    const s3 = ports().s3;
    await expect(s3.bucketRegion(await bucket())).resolves.toBe('us-east-1');
    await expect(s3.bucketRegion(await bucket('eu-west-1'))).resolves.toBe('eu-west-1');
  });

  it('puts an object (content type, SHA-256 checked) and tells whether objects exist', async () => {
    const s3 = ports().s3;
    const name = await bucket();
    const body = new TextEncoder().encode('{"Resources":{}}');
    await expect(s3.objectExists(name, 'templates/a.json')).resolves.toBe(false);
    await s3.putObject({ bucket: name, key: 'templates/a.json', body, contentType: 'application/json' });
    await expect(s3.objectExists(name, 'templates/a.json')).resolves.toBe(true);
    await expect(s3.objectExists(name, 'templates/b.json')).resolves.toBe(false);

    const stored = await raw.send(new GetObjectCommand({ Bucket: name, Key: 'templates/a.json' }));
    expect(stored.ContentType).toBe('application/json');
    await expect(stored.Body?.transformToString()).resolves.toBe('{"Resources":{}}');
  });

  it('refuses PutObject to a missing bucket with NoSuchBucket', async () => {
    const error = await rejection(
      ports().s3.putObject({ bucket: unique('never-created'), key: 'k', body: new Uint8Array([1]) }),
    );
    expect([error.awsCode, error.httpStatus]).toEqual(['NoSuchBucket', 404]);
  });

  it('takes no CloudFormation rate-limiter token for S3 calls', async () => {
    const before = limiter.stats().acquired;
    const s3 = ports().s3;
    const name = await bucket();
    await s3.bucketRegion(name);
    await s3.objectExists(name, 'k');
    await s3.putObject({ bucket: name, key: 'k', body: new Uint8Array([1, 2, 3]) });
    expect(limiter.stats().acquired).toBe(before);
  });
});

describe('CreateChangeSet with a TemplateURL on moto', () => {
  it('makes the change set from a template in S3 (virtual-hosted URL), then cleans up', async () => {
    const aws = ports();
    const name = await bucket();
    const template = JSON.stringify({ Resources: { Topic: { Type: 'AWS::SNS::Topic' } } });
    await aws.s3.putObject({
      bucket: name,
      key: 'templates/app.json',
      body: new TextEncoder().encode(template),
      contentType: 'application/json',
    });
    const stackName = unique('by-url');

    const ref = await aws.cloudFormation.createChangeSet({
      stackName,
      changeSetName: 'by-url',
      changeSetType: 'CREATE',
      templateUrl: `https://${name}.s3.${MOTO_REGION}.amazonaws.com/templates/app.json`,
      parameters: [],
      tags: {},
      capabilities: [],
      clientToken: unique('token'),
    });
    const description = await aws.cloudFormation.describeChangeSet(ref.changeSetId);
    expect(description.status).toBe('CREATE_COMPLETE');
    expect(description.changes.map((c) => [c.action, c.logicalId, c.resourceType])).toEqual([
      ['Add', 'Topic', 'AWS::SNS::Topic'],
    ]);
    // The Add of Topic shows the body was read (moto's GetTemplate of a REVIEW_IN_PROGRESS stack answers `{}`).

    await aws.cloudFormation.deleteChangeSet(ref.changeSetId);
    await aws.cloudFormation.deleteStack(ref.stackId, unique('delete'));
    await expect(aws.cloudFormation.describeStack(stackName)).resolves.toBeUndefined();
  });
});
