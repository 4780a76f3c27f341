/** DeleteStack in the simulator (SIMULATOR.md §6): DELETE_FAILED on a non-empty bucket, RetainResources, Retain, a stuck delete. */
import { describe, expect, it } from 'vitest';
import { AwsError } from '../../src/aws/errors.js';
import { allEvents, deploy, lines, settled, setup, template } from './support.js';

const BODY = template({
  Queue: 'AWS::SQS::Queue',
  Logs: 'AWS::S3::Bucket\n    DependsOn: Key',
  Key: 'AWS::KMS::Key',
  Kept: 'AWS::S3::Bucket\n    DeletionPolicy: Retain',
  Snap: 'AWS::RDS::DBInstance\n    DeletionPolicy: Snapshot',
});

async function rejection(promise: Promise<unknown>): Promise<AwsError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof AwsError)) throw new Error(`expected an AwsError, got ${String(error)}`);
  return error;
}

describe('DeleteStack failures and RetainResources (§1.3, §3.2, §6)', () => {
  it('fails on a non-empty bucket with S3 reason, keeps what it depends on, and a retry with RetainResources completes', async () => {
    const s = setup({ scenario: { stacks: { web: { nonEmptyBuckets: ['Logs'] } } } });
    const done = await deploy(s, 'web', BODY);
    const before = (await allEvents(s.cf, done.stackId)).length;
    await s.cf.deleteStack(done.stackId, 'del-1');
    const failed = await settled(s, done.stackId);
    expect(failed.status).toBe('DELETE_FAILED');
    expect(failed.statusReason).toBe('The following resource(s) failed to delete: [Logs]. ');
    const events = (await allEvents(s.cf, done.stackId)).slice(before);
    const seq = lines(events);
    expect(seq).toContain('Queue DELETE_COMPLETE');
    expect(seq).toContain('Kept DELETE_SKIPPED');
    // Snapshot: deleted once its snapshot is taken.
    expect(seq).toContain('Snap DELETE_COMPLETE');
    // Key is deleted after Logs (Logs depends on it): with Logs failed it is left alone.
    expect(seq.some((l) => l.startsWith('Key '))).toBe(false);
    const logs = events.find((e) => e.logicalId === 'Logs' && e.status === 'DELETE_FAILED');
    expect(logs?.reason).toMatch(
      /^The bucket you tried to delete is not empty \(Service: Amazon S3; Status Code: 409; Error Code: BucketNotEmpty; Request ID: [0-9A-F]{16};/,
    );
    // The stack is still there by name, in DELETE_FAILED.
    expect((await s.cf.describeStack('web'))?.status).toBe('DELETE_FAILED');

    // A retry without RetainResources fails the same way; with it, the bucket is skipped and the rest goes.
    await s.cf.deleteStack(done.stackId, 'del-2');
    expect((await settled(s, done.stackId)).status).toBe('DELETE_FAILED');
    const second = (await allEvents(s.cf, done.stackId)).filter((e) => e.clientRequestToken === 'del-2');
    // Queue was deleted the first time: the retry does not touch it again.
    expect(lines(second).some((l) => l.startsWith('Queue '))).toBe(false);

    await s.cf.deleteStack(done.stackId, 'del-3', ['Logs']);
    expect((await settled(s, done.stackId)).status).toBe('DELETE_COMPLETE');
    const third = lines((await allEvents(s.cf, done.stackId)).filter((e) => e.clientRequestToken === 'del-3'));
    expect(third).toContain('Logs DELETE_SKIPPED');
    expect(third).toContain('Key DELETE_COMPLETE');
    expect(third.at(-1)).toBe('web DELETE_COMPLETE');
  });

  it('refuses RetainResources on a stack that is not DELETE_FAILED', async () => {
    const s = setup();
    const done = await deploy(s, 'web', BODY);
    const error = await rejection(s.cf.deleteStack(done.stackId, 'del-1', ['Queue']));
    expect(error.awsCode).toBe('ValidationError');
    expect(error.serviceMessage).toMatch(
      /RetainResources can only be specified when the stack is in DELETE_FAILED state/,
    );
    expect((await s.cf.describeStack('web'))?.status).toBe('CREATE_COMPLETE');
  });

  it('keeps a stuck delete (deleteHangs) in DELETE_IN_PROGRESS for as long as anyone waits', async () => {
    const s = setup({ scenario: { stacks: { web: { deleteHangs: true } } } });
    const done = await deploy(s, 'web', BODY);
    await s.cf.deleteStack(done.stackId, 'del-1');
    await s.wait(6 * 3600 * 1000);
    expect((await s.cf.describeStack(done.stackId))?.status).toBe('DELETE_IN_PROGRESS');
  });
});
