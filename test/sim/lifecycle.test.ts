import { describe, expect, it } from 'vitest';
import { AwsError } from '../../src/aws/errors.js';
import { allEvents, deploy, execute, lines, readyChangeSet, settled, setup, START, template } from './support.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const THREE = template({ A: 'AWS::SQS::Queue', B: 'AWS::SNS::Topic', C: 'AWS::S3::Bucket\n    DependsOn: A' });

async function rejection(promise: Promise<unknown>): Promise<AwsError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof AwsError)) throw new Error(`expected an AwsError, got ${String(error)}`);
  return error;
}

describe('create through a change set (§1.2, §3.2)', () => {
  it('emits REVIEW, then CREATE_IN_PROGRESS, the resources in dependency order, and CREATE_COMPLETE', async () => {
    const s = setup();
    const done = await deploy(s, 'web', THREE);
    expect(done.status).toBe('CREATE_COMPLETE');
    const events = await allEvents(s.cf, done.stackId);
    expect(lines(events)).toEqual([
      'web REVIEW_IN_PROGRESS User Initiated',
      'web CREATE_IN_PROGRESS User Initiated',
      'A CREATE_IN_PROGRESS',
      'B CREATE_IN_PROGRESS',
      'A CREATE_IN_PROGRESS Resource creation Initiated',
      'B CREATE_IN_PROGRESS Resource creation Initiated',
      'A CREATE_COMPLETE',
      'C CREATE_IN_PROGRESS',
      'B CREATE_COMPLETE',
      'C CREATE_IN_PROGRESS Resource creation Initiated',
      'C CREATE_COMPLETE',
      'web CREATE_COMPLETE',
    ]);
    // Timestamps never go backwards; C starts only when A is complete.
    const times = events.map((e) => e.timestamp.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const at = (line: string): number => events[lines(events).indexOf(line)]?.timestamp.getTime() ?? -1;
    expect(at('C CREATE_IN_PROGRESS')).toBeGreaterThanOrEqual(at('A CREATE_COMPLETE'));
  });

  it('stamps ids, physical ids and the execute token as CloudFormation does (§3.1)', async () => {
    const s = setup();
    const done = await deploy(s, 'web', THREE);
    const events = await allEvents(s.cf, done.stackId);
    for (const e of events.filter((x) => x.logicalId === 'web')) {
      expect(e.eventId).toMatch(UUID);
      expect(e.physicalId).toBe(done.stackId);
      expect(e.resourceType).toBe('AWS::CloudFormation::Stack');
    }
    for (const e of events.filter((x) => x.logicalId !== 'web'))
      expect(e.eventId).toBe(`${e.logicalId}-${e.status}-${e.timestamp.toISOString()}`);
    const [first, initiated] = events.filter((e) => e.logicalId === 'A');
    expect(first?.physicalId).toBe('');
    expect(initiated?.physicalId).toMatch(/^web-A-[A-Z0-9]{12}$/);
    // Every event of the execution carries its token; the REVIEW event belongs to no execution and
    // carries CreateChangeSet's ClientToken (SIMULATOR.md §3 [?]: how stackpilot knows its own).
    expect(events.slice(1).every((e) => e.clientRequestToken === done.token)).toBe(true);
    expect(events[0]?.clientRequestToken).toMatch(/^client-\d+$/);
    expect(done.stackId).toMatch(/^arn:aws:cloudformation:us-east-1:123456789012:stack\/web\/[0-9a-f-]{36}$/);
  });

  it('derives the status lazily from the clock: nothing changes until virtual time passes the event times', async () => {
    const s = setup({ scenario: { stacks: { web: { changeSetSeconds: 5, createSeconds: 100 } } } });
    const run = await execute(s, 'web', THREE);
    const t0 = s.elapsed();
    expect(t0).toBe(5000);
    expect((await s.cf.describeStack('web'))?.status).toBe('CREATE_IN_PROGRESS');
    const early = (await allEvents(s.cf, run.stackId)).length;
    expect((await allEvents(s.cf, run.stackId)).length).toBe(early);
    await s.waitUntil(t0 + 50_000);
    const middle = await allEvents(s.cf, run.stackId);
    expect(middle.length).toBeGreaterThan(early);
    expect(middle.every((e) => e.timestamp.getTime() <= START + t0 + 50_000)).toBe(true);
    await s.waitUntil(t0 + 99_999);
    expect((await s.cf.describeStack(run.stackId))?.status).toBe('CREATE_IN_PROGRESS');
    await s.waitUntil(t0 + 100_000);
    const stack = await s.cf.describeStack(run.stackId);
    expect(stack?.status).toBe('CREATE_COMPLETE');
    expect(stack?.creationTime?.getTime()).toBe(START);
  });

  it('moves a change set through CREATE_PENDING and CREATE_IN_PROGRESS to CREATE_COMPLETE / AVAILABLE at changeSetSeconds', async () => {
    const s = setup({ scenario: { stacks: { web: { changeSetSeconds: 10 } } } });
    const ref = await s.cf.createChangeSet({
      stackName: 'web',
      changeSetName: 'cs',
      changeSetType: 'CREATE',
      templateBody: THREE,
      parameters: [],
      tags: {},
      capabilities: [],
      clientToken: 'c',
    });
    const seen: string[] = [];
    for (let t = 0; t <= 10_000; t += 500) {
      await s.waitUntil(t);
      const d = await s.cf.describeChangeSet(ref.changeSetId);
      const label = `${d.status}/${d.executionStatus ?? ''}`;
      if (seen.at(-1) !== label) seen.push(label);
      if (t === 9500) expect(d.changes).toEqual([]);
    }
    expect(seen).toEqual(['CREATE_PENDING/UNAVAILABLE', 'CREATE_IN_PROGRESS/UNAVAILABLE', 'CREATE_COMPLETE/AVAILABLE']);
    const ready = await s.cf.describeChangeSet(ref.changeSetId);
    expect(ready.changes.map((c) => `${c.action} ${c.logicalId}`)).toEqual(['Add A', 'Add B', 'Add C']);
    expect((await s.cf.describeStack('web'))?.status).toBe('REVIEW_IN_PROGRESS');

    await s.cf.executeChangeSet(ref.changeSetId, 'tok');
    // §2.2: execution moves ExecutionStatus only; Status stays CREATE_COMPLETE.
    expect(await s.cf.describeChangeSet(ref.changeSetId)).toMatchObject({
      status: 'CREATE_COMPLETE',
      executionStatus: 'EXECUTE_IN_PROGRESS',
    });
    await settled(s, ref.stackId);
    expect(await s.cf.describeChangeSet(ref.changeSetId)).toMatchObject({
      status: 'CREATE_COMPLETE',
      executionStatus: 'EXECUTE_COMPLETE',
    });
  });

  it('refuses to execute a change set that is not ready, with the InvalidChangeSetStatus wording (§2.2, §10.15)', async () => {
    const s = setup();
    const ref = await s.cf.createChangeSet({
      stackName: 'web',
      changeSetName: 'cs',
      changeSetType: 'CREATE',
      templateBody: THREE,
      parameters: [],
      tags: {},
      capabilities: [],
      clientToken: 'c',
    });
    await s.wait(2000);
    const error = await rejection(s.cf.executeChangeSet(ref.changeSetId, 'tok'));
    expect(error.awsCode).toBe('InvalidChangeSetStatus');
    expect(error.serviceMessage).toBe(
      `ChangeSet [${ref.changeSetId}] cannot be executed in its current status of [CREATE_IN_PROGRESS]`,
    );
  });
});

describe('change sets and the REVIEW_IN_PROGRESS stack (§2.1, §2.2, §10.9-§10.12)', () => {
  const input = (name: string, type: 'CREATE' | 'UPDATE' = 'CREATE') => ({
    stackName: 'web',
    changeSetName: name,
    changeSetType: type,
    templateBody: THREE,
    parameters: [],
    tags: {},
    capabilities: [],
    clientToken: name,
  });

  it('leaves the REVIEW stack when a CREATE change set is deleted, reuses its id for the next one, and refuses an UPDATE one', async () => {
    const s = setup();
    const first = await s.cf.createChangeSet(input('one'));
    expect(await s.cf.describeStack('web')).toMatchObject({
      status: 'REVIEW_IN_PROGRESS',
      statusReason: 'User Initiated',
      stackId: first.stackId,
    });
    await s.cf.deleteChangeSet(first.changeSetId);
    expect((await s.cf.describeStack('web'))?.status).toBe('REVIEW_IN_PROGRESS');
    const gone = await rejection(s.cf.describeChangeSet(first.changeSetId));
    expect([gone.awsCode, gone.httpStatus, gone.serviceMessage]).toEqual([
      'ChangeSetNotFound',
      404,
      `ChangeSet [${first.changeSetId}] does not exist`,
    ]);
    // Deleting it again succeeds while the stack exists.
    await s.cf.deleteChangeSet(first.changeSetId);
    const second = await s.cf.createChangeSet(input('two'));
    expect(second.stackId).toBe(first.stackId);
    const update = await rejection(s.cf.createChangeSet(input('three', 'UPDATE')));
    expect(update.serviceMessage).toBe('Stack [web] does not exist');
  });

  it('refuses a CREATE change set for a live stack, and a second change set of the same name', async () => {
    const s = setup();
    await deploy(s, 'web', THREE);
    const error = await rejection(s.cf.createChangeSet(input('again')));
    expect(error.serviceMessage).toBe(
      'Stack [web] already exists and cannot be created again with the changeSet [again].',
    );
    const body = template({ A: 'AWS::SQS::Queue' });
    await s.cf.createChangeSet({ ...input('dup', 'UPDATE'), templateBody: body });
    // The same call again (a retry with the same ClientToken) is idempotent; another token is not.
    await s.cf.createChangeSet({ ...input('dup', 'UPDATE'), templateBody: body });
    const clash = await rejection(
      s.cf.createChangeSet({ ...input('dup', 'UPDATE'), templateBody: body, clientToken: 'other' }),
    );
    expect([clash.awsCode, clash.serviceMessage]).toEqual([
      'AlreadyExistsException',
      'ChangeSet dup cannot be created due to a mismatch with existing attribute ClientToken',
    ]);
  });

  it("deletes the stack's other change sets when one is executed", async () => {
    const s = setup();
    await deploy(s, 'web', THREE);
    const a = await s.cf.createChangeSet({ ...input('a', 'UPDATE'), templateBody: template({ A: 'AWS::SQS::Queue' }) });
    const b = await s.cf.createChangeSet({ ...input('b', 'UPDATE'), templateBody: template({ B: 'AWS::SNS::Topic' }) });
    await readyChangeSet(s, b.changeSetId);
    await s.cf.executeChangeSet(a.changeSetId, 'tok');
    expect((await rejection(s.cf.describeChangeSet(b.changeSetId))).awsCode).toBe('ChangeSetNotFound');
    expect((await s.cf.describeChangeSet(a.changeSetId)).executionStatus).toBe('EXECUTE_IN_PROGRESS');
    expect(s.sim.inspect.changeSets().map((c) => c.name)).toEqual(['a']);
  });

  it('refuses updates in ROLLBACK_COMPLETE and while an operation runs, naming the ARN and the state (§1.3, §10.4, §10.6)', async () => {
    const s = setup({ scenario: { stacks: { bad: { fail: { logicalId: 'A', reason: 'nope' } } } } });
    const failed = await deploy(s, 'bad', THREE);
    expect(failed.status).toBe('ROLLBACK_COMPLETE');
    const refused = await rejection(s.cf.createChangeSet({ ...input('u', 'UPDATE'), stackName: 'bad' }));
    expect(refused.serviceMessage).toBe(
      `Stack:${failed.stackId} is in ROLLBACK_COMPLETE state and can not be updated.`,
    );

    const ok = await deploy(s, 'web', THREE);
    await execute(s, 'web', template({ A: 'AWS::SQS::Queue' }));
    const busy = await rejection(
      s.cf.createChangeSet({ ...input('u2', 'UPDATE'), templateBody: template({ B: 'AWS::SNS::Topic' }) }),
    );
    expect(busy.serviceMessage).toBe(`Stack:${ok.stackId} is in UPDATE_IN_PROGRESS state and can not be updated.`);
    expect((await rejection(s.cf.deleteStack(ok.stackId))).serviceMessage).toBe(
      'Stack cannot be deleted while in status UPDATE_IN_PROGRESS',
    );

    await settled(s, ok.stackId);
    await s.cf.deleteStack(ok.stackId);
    await settled(s, ok.stackId);
    const deleted = await rejection(s.cf.createChangeSet({ ...input('u3', 'UPDATE'), stackName: ok.stackId }));
    expect(deleted.serviceMessage).toBe(`Stack:${ok.stackId} is in DELETE_COMPLETE state and can not be updated.`);
  });
});

describe('update (§1.2, §3.2)', () => {
  it('runs UPDATE_IN_PROGRESS, changed resources, UPDATE_COMPLETE_CLEANUP_IN_PROGRESS with removals, UPDATE_COMPLETE', async () => {
    const s = setup();
    const body = template({
      Keep: 'AWS::SQS::Queue',
      Edit: 'AWS::SNS::Topic\n    Properties:\n      DisplayName: one',
      Gone: 'AWS::S3::Bucket',
      Kept: 'AWS::S3::Bucket\n    DeletionPolicy: Retain',
    });
    const created = await deploy(s, 'web', body);
    const before = (await allEvents(s.cf, created.stackId)).length;
    const updated = await deploy(
      s,
      'web',
      template({
        Keep: 'AWS::SQS::Queue',
        Edit: 'AWS::SNS::Topic\n    Properties:\n      DisplayName: two',
        New: 'AWS::SQS::Queue',
      }),
    );
    expect(updated.status).toBe('UPDATE_COMPLETE');
    const events = (await allEvents(s.cf, created.stackId)).slice(before);
    const seq = lines(events);
    expect(seq[0]).toBe('web UPDATE_IN_PROGRESS User Initiated');
    expect(seq.at(-1)).toBe('web UPDATE_COMPLETE');
    const cleanup = seq.indexOf('web UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
    expect(seq.slice(1, cleanup).sort()).toEqual([
      'Edit UPDATE_COMPLETE',
      'Edit UPDATE_IN_PROGRESS',
      'New CREATE_COMPLETE',
      'New CREATE_IN_PROGRESS',
      'New CREATE_IN_PROGRESS Resource creation Initiated',
    ]);
    expect(seq.slice(cleanup + 1, -1).sort()).toEqual([
      'Gone DELETE_COMPLETE',
      'Gone DELETE_IN_PROGRESS',
      'Kept DELETE_SKIPPED',
    ]);
    expect(seq.some((l) => l.startsWith('Keep '))).toBe(false);
    expect(events.every((e) => e.clientRequestToken === updated.token)).toBe(true);
    expect(updated.lastUpdatedTime).toBeDefined();
  });

  it('always passes through the cleanup state, even when nothing is removed', async () => {
    const s = setup();
    await deploy(s, 'web', template({ A: 'AWS::SQS::Queue' }));
    const updated = await deploy(s, 'web', template({ A: 'AWS::SQS::Queue', B: 'AWS::SQS::Queue' }));
    const seq = lines(await allEvents(s.cf, updated.stackId));
    expect(seq.slice(-2)).toEqual(['web UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', 'web UPDATE_COMPLETE']);
  });
});

describe('stacks: lookups, delete, protection, templates, events paging (§1.5, §3.1, §5)', () => {
  it('answers undefined for an unknown stack and the service wording elsewhere', async () => {
    const s = setup();
    expect(await s.cf.describeStack('nope')).toBeUndefined();
    expect((await rejection(s.cf.getTemplate('nope'))).serviceMessage).toBe('Stack with id nope does not exist');
    expect((await rejection(s.cf.describeStackEvents('nope'))).serviceMessage).toBe('Stack [nope] does not exist');
    expect((await rejection(s.cf.cancelUpdateStack('nope'))).serviceMessage).toBe('Stack [nope] does not exist');
    await s.cf.deleteStack('nope'); // a silent success
  });

  it('returns the template as submitted, comments and all', async () => {
    const s = setup();
    const body = `# a comment\n${THREE}`;
    const done = await deploy(s, 'web', body);
    expect(await s.cf.getTemplate(done.stackId)).toBe(body);
    expect(await s.cf.getTemplate('web')).toBe(body);
  });

  it('deletes a stack: by ARN DELETE_COMPLETE afterwards, by name gone; deleted resources in reverse order', async () => {
    const s = setup();
    const done = await deploy(s, 'web', THREE);
    const count = (await allEvents(s.cf, done.stackId)).length;
    await s.cf.deleteStack(done.stackId, 'del-1');
    expect((await s.cf.describeStack('web'))?.status).toBe('DELETE_IN_PROGRESS');
    const gone = await settled(s, done.stackId);
    expect(gone.status).toBe('DELETE_COMPLETE');
    expect(await s.cf.describeStack('web')).toBeUndefined();
    expect((await rejection(s.cf.describeStackEvents('web'))).serviceMessage).toBe('Stack [web] does not exist');
    const events = (await allEvents(s.cf, done.stackId)).slice(count);
    const seq = lines(events);
    expect(seq[0]).toBe('web DELETE_IN_PROGRESS User Initiated');
    expect(seq.at(-1)).toBe('web DELETE_COMPLETE');
    expect(seq.indexOf('C DELETE_COMPLETE')).toBeLessThan(seq.indexOf('A DELETE_IN_PROGRESS'));
    expect(events.every((e) => e.clientRequestToken === 'del-1')).toBe(true);
    // The name is free again: a new stack, a new id.
    const again = await deploy(s, 'web', THREE);
    expect(again.stackId).not.toBe(done.stackId);
  });

  it('refuses to delete a protected stack, and updates termination protection', async () => {
    const s = setup();
    const done = await deploy(s, 'web', THREE);
    await s.cf.updateTerminationProtection(done.stackId, true);
    expect((await s.cf.describeStack('web'))?.terminationProtection).toBe(true);
    const error = await rejection(s.cf.deleteStack(done.stackId));
    expect(error.serviceMessage).toBe('Stack [web] cannot be deleted while TerminationProtection is enabled');
    await s.cf.updateTerminationProtection(done.stackId, false);
    await s.cf.deleteStack(done.stackId);
    expect((await settled(s, done.stackId)).status).toBe('DELETE_COMPLETE');
  });

  it('pages DescribeStackEvents newest first with opaque tokens', async () => {
    const s = setup({ pageSize: 3 });
    const done = await deploy(s, 'web', THREE);
    const first = await s.cf.describeStackEvents(done.stackId);
    expect(first.events).toHaveLength(3);
    expect(first.events[0]?.status).toBe('CREATE_COMPLETE');
    expect(first.nextToken).toBeDefined();
    const all = await allEvents(s.cf, done.stackId);
    expect(all).toHaveLength(12);
    expect(all.at(-1)?.eventId).toBe(first.events[0]?.eventId);
    expect((await rejection(s.cf.describeStackEvents(done.stackId, 'garbage'))).serviceMessage).toBe(
      'Invalid NextToken',
    );
  });
});
