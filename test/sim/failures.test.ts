import { describe, expect, it } from 'vitest';
import { AwsError } from '../../src/aws/errors.js';
import { unitHash } from '../../src/sim/random.js';
import { allEvents, deploy, execute, lines, settled, setup, template } from './support.js';

// Relative durations come from the logical id: Early is quicker than Broken, Slow slower.
const FAILING = template({
  Early: 'AWS::SQS::Queue',
  Broken: 'AWS::DynamoDB::Table',
  Slow: 'AWS::S3::Bucket',
  Later: 'AWS::SNS::Topic\n    DependsOn: Broken',
});
const REASON =
  'Resource handler returned message: "Table already exists" (RequestToken: 1, HandlerErrorCode: AlreadyExists)';

describe('a failing create (§3.2 "Create, A fails while B is in flight")', () => {
  it('fails the resource at its turn, cancels siblings in flight, rolls back what was made, ends ROLLBACK_COMPLETE', async () => {
    expect(unitHash('Early')).toBeLessThan(unitHash('Broken'));
    expect(unitHash('Slow')).toBeGreaterThan(unitHash('Broken'));
    const s = setup({
      scenario: { stacks: { data: { createSeconds: 60, fail: { logicalId: 'Broken', reason: REASON } } } },
    });
    const done = await deploy(s, 'data', FAILING);
    expect(done).toMatchObject({ status: 'ROLLBACK_COMPLETE', statusReason: undefined, outputs: [] });
    const events = await allEvents(s.cf, done.stackId);
    const seq = lines(events);
    const failedAt = seq.indexOf(`Broken CREATE_FAILED ${REASON}`);
    expect(failedAt).toBeGreaterThan(0);
    expect(seq.slice(0, failedAt)).toContain('Early CREATE_COMPLETE');
    expect(seq.slice(failedAt + 1, failedAt + 3)).toEqual([
      'Slow CREATE_FAILED Resource creation cancelled',
      'data ROLLBACK_IN_PROGRESS The following resource(s) failed to create: [Broken, Slow]. Rollback requested by user.',
    ]);
    // Later waited for Broken: it never started, so it never shows.
    expect(seq.some((l) => l.startsWith('Later'))).toBe(false);
    expect(seq.slice(failedAt + 3).sort()).toEqual([
      'Broken DELETE_COMPLETE',
      'Broken DELETE_IN_PROGRESS',
      'Early DELETE_COMPLETE',
      'Early DELETE_IN_PROGRESS',
      'Slow DELETE_COMPLETE',
      'Slow DELETE_IN_PROGRESS',
      'data ROLLBACK_COMPLETE',
    ]);
    expect(seq.at(-1)).toBe('data ROLLBACK_COMPLETE');
    // The rollback takes time too, and every event (rollback included) carries the execute token.
    const time = (prefix: string): number =>
      events.find((e) => lines([e])[0]?.startsWith(prefix))?.timestamp.getTime() ?? 0;
    expect(time('data ROLLBACK_COMPLETE') - time('data ROLLBACK_IN_PROGRESS')).toBeGreaterThanOrEqual(5000);
    expect(events.slice(1).every((e) => e.clientRequestToken === done.token)).toBe(true);
    // The template it tried stays; the change set failed.
    expect(await s.cf.getTemplate(done.stackId)).toBe(FAILING);
    expect((await s.cf.describeChangeSet(done.changeSetId)).executionStatus).toBe('EXECUTE_FAILED');
    expect(s.sim.stats().operations).toEqual([
      expect.objectContaining({
        stackName: 'data',
        kind: 'create',
        finalStatus: 'ROLLBACK_COMPLETE',
        finishedAt: time('data ROLLBACK_COMPLETE'),
      }),
    ]);
  });

  it('can only be deleted, quickly, after which the name takes a new create', async () => {
    const s = setup({ scenario: { stacks: { data: { fail: { logicalId: 'Broken', reason: REASON } } } } });
    const failed = await deploy(s, 'data', FAILING);
    await s.cf.deleteStack(failed.stackId);
    expect((await settled(s, failed.stackId)).status).toBe('DELETE_COMPLETE');
    expect(await s.cf.describeStack('data')).toBeUndefined();
  });
});

describe('a failing update (§3.2 "Update, failure")', () => {
  const BEFORE = template(
    {
      Early: 'AWS::SQS::Queue\n    Properties:\n      DelaySeconds: 1',
      Broken: 'AWS::DynamoDB::Table\n    Properties:\n      BillingMode: PROVISIONED',
      Slow: 'AWS::S3::Bucket\n    Properties:\n      Tags: []',
    },
    'Outputs:\n  Version:\n    Value: one\n',
  );
  const AFTER = BEFORE.replaceAll('DelaySeconds: 1', 'DelaySeconds: 2')
    .replace('PROVISIONED', 'PAY_PER_REQUEST')
    .replace('Tags: []', 'Tags: [{Key: a, Value: b}]')
    .replace('Value: one', 'Value: two')
    .replace('Resources:\n', 'Resources:\n  Added:\n    Type: AWS::SNS::Topic\n');

  it('fails the resource, cancels siblings, reverts what changed, deletes what it added, ends UPDATE_ROLLBACK_COMPLETE', async () => {
    const s = setup({ scenario: { stacks: { data: { updateSeconds: 60 } } } });
    const created = await deploy(s, 'data', BEFORE);
    const count = (await allEvents(s.cf, created.stackId)).length;
    // The failure is scripted now: the first deploy went through.
    const failing = setup({
      scenario: {
        stacks: { data: { updateSeconds: 60, fail: { logicalId: 'Broken', reason: 'Update of table refused' } } },
      },
      state: s.sim.exportState(),
    });
    await failing.waitUntil(s.elapsed());
    const done = await deploy(failing, 'data', AFTER);
    expect(done.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    const seq = lines((await allEvents(failing.cf, created.stackId)).slice(count));
    expect(seq[0]).toBe('data UPDATE_IN_PROGRESS User Initiated');
    expect(seq).toContain('Broken UPDATE_FAILED Update of table refused');
    expect(seq).toContain('Slow UPDATE_FAILED Resource update cancelled');
    const rollback = seq.indexOf(
      'data UPDATE_ROLLBACK_IN_PROGRESS The following resource(s) failed to update: [Broken].',
    );
    const cleanup = seq.indexOf('data UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS');
    expect(rollback).toBeGreaterThan(seq.indexOf('Broken UPDATE_FAILED Update of table refused'));
    expect(seq.slice(rollback + 1, cleanup).sort()).toEqual([
      'Broken UPDATE_COMPLETE',
      'Broken UPDATE_IN_PROGRESS',
      'Early UPDATE_COMPLETE',
      'Early UPDATE_IN_PROGRESS',
      'Slow UPDATE_COMPLETE',
      'Slow UPDATE_IN_PROGRESS',
    ]);
    expect(seq.slice(cleanup + 1)).toEqual([
      'Added DELETE_IN_PROGRESS',
      'Added DELETE_COMPLETE',
      'data UPDATE_ROLLBACK_COMPLETE',
    ]);
    // The stack keeps what it had.
    expect(done.outputs.map((o) => o.value)).toEqual(['one']);
    expect(await failing.cf.getTemplate('data')).toBe(BEFORE);
    expect((await failing.cf.describeChangeSet(done.changeSetId)).executionStatus).toBe('EXECUTE_FAILED');
  });

  it('says "failed to create" when the failing resource was being added', async () => {
    const s = setup({ scenario: { stacks: { data: { fail: { logicalId: 'Added', reason: 'no' } } } } });
    await deploy(s, 'data', BEFORE);
    const done = await deploy(s, 'data', AFTER);
    expect(lines(await allEvents(s.cf, done.stackId))).toContain(
      'data UPDATE_ROLLBACK_IN_PROGRESS The following resource(s) failed to create: [Added].',
    );
  });
});

describe('CancelUpdateStack (§6)', () => {
  const BODY = template({
    A: 'AWS::SQS::Queue\n    Properties:\n      DelaySeconds: 1',
    B: 'AWS::SQS::Queue\n    Properties:\n      DelaySeconds: 1',
  });

  it('rolls an update back from UPDATE_IN_PROGRESS, cancelling what is in flight, under the cancel token', async () => {
    const s = setup({ scenario: { stacks: { q: { updateSeconds: 100 } } } });
    const created = await deploy(s, 'q', BODY);
    const count = (await allEvents(s.cf, created.stackId)).length;
    const run = await execute(s, 'q', BODY.replaceAll('DelaySeconds: 1', 'DelaySeconds: 2'));
    await s.wait(30_000);
    await s.cf.cancelUpdateStack(run.stackId, 'cancel-1');
    const done = await settled(s, run.stackId);
    expect(done.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    const events = (await allEvents(s.cf, run.stackId)).slice(count);
    const seq = lines(events);
    expect(seq).toContain('A UPDATE_FAILED Resource update cancelled');
    expect(seq).toContain('q UPDATE_ROLLBACK_IN_PROGRESS Stack update cancelled');
    const cancelAt = events.findIndex((e) => e.clientRequestToken === 'cancel-1');
    expect(events.slice(0, cancelAt).every((e) => e.clientRequestToken === run.token)).toBe(true);
    expect(events.slice(cancelAt).every((e) => e.clientRequestToken === 'cancel-1')).toBe(true);
    expect(seq.at(-1)).toBe('q UPDATE_ROLLBACK_COMPLETE');
    expect(s.sim.stats().operations.at(-1)).toMatchObject({
      kind: 'update',
      finalStatus: 'UPDATE_ROLLBACK_COMPLETE',
      finishedAt: events.at(-1)?.timestamp.getTime(),
    });
  });

  it('refuses from any other status with the documented wording', async () => {
    const s = setup();
    await deploy(s, 'q', BODY);
    const error = await s.cf.cancelUpdateStack('q').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsError);
    expect((error as AwsError).serviceMessage).toBe('CancelUpdateStack cannot be called from current stack status');
  });
});
