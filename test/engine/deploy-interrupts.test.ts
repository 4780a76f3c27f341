import { describe, expect, it } from 'vitest';
import type { Approver } from '../../src/engine/guards/approvals.js';
import { deploy, doneOf, makeProject, methods, ofType, stackNameOf, world } from './support.js';

const TWO = `
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: 30
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      DisplayName: orders
`;
const NAME = stackNameOf('app');
/** The same stack with both resources modified: an update with resources in flight. */
const MODIFIED = TWO.replace('VisibilityTimeout: 30', 'VisibilityTimeout: 60').replace(
  'DisplayName: orders',
  'DisplayName: orders-v2',
);
/** Topic removed: a destructive change. */
const WITHOUT_TOPIC = TWO.slice(0, TWO.indexOf('  Topic:'));

/** A deployed stack with TWO, and a project at `next` in the same dir. */
async function deployedThen(next: string, options: Parameters<typeof world>[0] = {}) {
  const w = world(options);
  const first = await makeProject({ app: { template: TWO } });
  await deploy(first.project, w);
  const { project } = await makeProject({ app: { template: next } }, { dir: first.dir });
  return { w, project, before: w.fake.calls.length };
}

describe('Ctrl-C: the stop signal (start nothing new, delete change sets not executed)', () => {
  it('skips a stack without any AWS call when stopped before the run starts (§8: nothing is looked up)', async () => {
    const w = world();
    const { project } = await makeProject({ app: { template: TWO } });
    const stop = new AbortController();
    stop.abort(new Error('interrupted'));

    const { result, events } = await deploy(project, w, { stopSignal: stop.signal });

    expect(w.fake.calls).toEqual([]);
    expect(doneOf(events, 'app')).toMatchObject({ status: 'skipped', apiCalls: 0 });
    expect(result.exitCode).toBe(1);
  });

  it('deletes the CREATE change set and its REVIEW_IN_PROGRESS stack when stopped as the change set becomes ready (DESIGN step 5, §2.2)', async () => {
    const w = world();
    const { project } = await makeProject({ app: { template: TWO } });
    const stop = new AbortController();

    const { events } = await deploy(project, w, {
      stopSignal: stop.signal,
      onEvent: (e) => {
        if (e.type === 'stack:changeset' && e.phase === 'ready') stop.abort(new Error('interrupted'));
      },
    });

    expect(doneOf(events, 'app')).toMatchObject({ status: 'skipped' });
    expect(methods(w)).not.toContain('executeChangeSet');
    expect(w.fake.callsOf('deleteChangeSet')).toHaveLength(1);
    expect(w.fake.liveChangeSets()).toEqual([]);
    expect(w.fake.stack(NAME)).toBeUndefined();
  });

  it('deletes the change set when stopped while it is being created (§2.2)', async () => {
    const w = world({ changeSetDescribes: 5 });
    const { project } = await makeProject({ app: { template: TWO } });
    const stop = new AbortController();

    const { events } = await deploy(project, w, {
      stopSignal: stop.signal,
      onEvent: (e) => {
        if (e.type === 'stack:changeset' && e.phase === 'creating') stop.abort();
      },
    });

    expect(doneOf(events, 'app')).toMatchObject({ status: 'skipped' });
    expect(methods(w)).not.toContain('executeChangeSet');
    expect(w.fake.liveChangeSets()).toEqual([]);
    expect(w.fake.stack(NAME)).toBeUndefined();
  });

  it('deletes an UPDATE change set when stopped inside the approver, and leaves the stack as it was (§2.2 DeleteChangeSet)', async () => {
    const { w, project, before } = await deployedThen(WITHOUT_TOPIC);
    const stop = new AbortController();
    const approve: Approver = () => {
      stop.abort(new Error('interrupted'));
      return Promise.resolve({ approved: true });
    };

    const { events } = await deploy(project, w, { stopSignal: stop.signal, approve });

    expect(doneOf(events, 'app')).toMatchObject({ status: 'skipped' });
    const since = w.fake.calls.slice(before).map((c) => c.method);
    expect(since).not.toContain('executeChangeSet');
    expect(since).toContain('deleteChangeSet');
    expect(since).not.toContain('deleteStack');
    expect(w.fake.liveChangeSets().filter((c) => c.executionStatus !== 'EXECUTE_COMPLETE')).toEqual([]);
    expect(w.fake.stack(NAME)?.status).toBe('CREATE_COMPLETE');
  });
});

describe('second Ctrl-C: the cancel signal (§6 CancelUpdateStack)', () => {
  it('cancels an update in progress; CloudFormation rolls it back and the rollback is still followed (§1.2, §3.2)', async () => {
    const { w, project } = await deployedThen(MODIFIED, { executionPolls: 4 });
    const cancel = new AbortController();

    const { events } = await deploy(project, w, {
      cancelSignal: cancel.signal,
      onEvent: (e) => {
        if (e.type === 'stack:resource' && e.status === 'UPDATE_IN_PROGRESS') cancel.abort();
      },
    });

    const stackId = w.fake.stack(NAME)?.stackId;
    expect(w.fake.callsOf('cancelUpdateStack').map((args) => args[0])).toEqual([stackId]);
    expect(ofType(events, 'stack:warning').map((e) => e.message)).toEqual([
      expect.stringContaining('cancelled the update') as unknown,
    ]);
    const done = doneOf(events, 'app');
    expect(done).toMatchObject({ status: 'failed', stackStatus: 'UPDATE_ROLLBACK_COMPLETE' });
    // The rollback's events are this operation's too, whatever token they carry.
    const reported = ofType(events, 'stack:resource').map(
      (e) => `${e.logicalId} ${e.status}${e.reason ? ` ${e.reason}` : ''}`,
    );
    expect(reported).toContain('Queue UPDATE_FAILED Resource update cancelled');
    expect(reported.at(-1)).toBe('Topic UPDATE_COMPLETE');
    expect(done.reason).toContain('UPDATE_ROLLBACK_COMPLETE');
  });

  it('does not cancel a create and says so (§1.2, §6: CancelUpdateStack only from UPDATE_IN_PROGRESS)', async () => {
    const w = world();
    const { project } = await makeProject({ app: { template: TWO } });
    const cancel = new AbortController();

    const { events } = await deploy(project, w, {
      cancelSignal: cancel.signal,
      onEvent: (e) => {
        if (e.type === 'stack:resource') cancel.abort();
      },
    });

    expect(methods(w)).not.toContain('cancelUpdateStack');
    expect(ofType(events, 'stack:warning').map((e) => e.message)).toEqual([
      expect.stringContaining('a create cannot be cancelled') as unknown,
    ]);
    expect(doneOf(events, 'app')).toMatchObject({ status: 'created', stackStatus: 'CREATE_COMPLETE' });
  });
});

describe('destructive changes need approval (DESIGN step 4)', () => {
  it('blocks a removal the approver refuses: reason propagated, change set deleted, exit code 1 (§2.4 Action Remove)', async () => {
    const { w, project, before } = await deployedThen(WITHOUT_TOPIC);
    const approve: Approver = () => Promise.resolve({ approved: false, reason: 'no deletes on Fridays' });

    const { result, events, approvals } = await deploy(project, w, { approve });

    expect(approvals).toHaveLength(1);
    expect(approvals[0]?.changes).toEqual([
      { action: 'Remove', logicalId: 'Topic', resourceType: 'AWS::SNS::Topic', replacement: undefined },
    ]);
    expect(ofType(events, 'stack:blocked')).toEqual([
      { type: 'stack:blocked', stack: 'app', stackName: NAME, reason: 'no deletes on Fridays' },
    ]);
    expect(doneOf(events, 'app')).toMatchObject({ status: 'blocked', reason: 'no deletes on Fridays' });
    const since = w.fake.calls.slice(before).map((c) => c.method);
    expect(since).not.toContain('executeChangeSet');
    expect(since).toContain('deleteChangeSet');
    expect(w.fake.liveChangeSets().filter((c) => c.executionStatus !== 'EXECUTE_COMPLETE')).toEqual([]);
    expect(result.exitCode).toBe(1);
    expect(ofType(events, 'run:done')[0]).toMatchObject({ exitCode: 1, summary: { blocked: 1 } });
  });

  it("does not count the time a person takes to answer as the stack's own time", async () => {
    const { w, project } = await deployedThen(WITHOUT_TOPIC);
    const approve: Approver = async () => {
      await w.clock.sleep(600_000);
      return { approved: true };
    };

    const { events, result } = await deploy(project, w, { approve });

    expect(doneOf(events, 'app')).toMatchObject({ status: 'updated' });
    expect(doneOf(events, 'app').durationMs).toBeLessThan(600_000);
    expect(result.durations.get('app')?.changeSetMs).toBeLessThan(600_000);
  });

  it('asks about a replacement (Replacement True) and executes it when approved (§2.4)', async () => {
    const { w, project } = await deployedThen(MODIFIED.replace('DisplayName: orders-v2', 'DisplayName: orders'));
    w.fake.replaceOnUpdate.add('Queue');

    const { events, approvals } = await deploy(project, w);

    expect(approvals.map((a) => a.changes)).toEqual([
      [{ action: 'Modify', logicalId: 'Queue', resourceType: 'AWS::SQS::Queue', replacement: 'True' }],
    ]);
    expect(approvals[0]?.reason).toContain('Queue');
    expect(doneOf(events, 'app')).toMatchObject({ status: 'updated', stackStatus: 'UPDATE_COMPLETE' });
    // §3.2: the old copy is deleted in the cleanup phase.
    expect(
      ofType(events, 'stack:resource')
        .map((e) => `${e.logicalId} ${e.status}`)
        .slice(-2),
    ).toEqual(['Queue DELETE_IN_PROGRESS', 'Queue DELETE_COMPLETE']);
  });

  it('does not ask when nothing is removed or replaced (§2.4 Replacement False)', async () => {
    const { w, project } = await deployedThen(MODIFIED);

    const { events, approvals } = await deploy(project, w, {
      approve: () => Promise.reject(new Error('must not be asked')),
    });

    expect(approvals).toEqual([]);
    expect(doneOf(events, 'app').status).toBe('updated');
  });
});
