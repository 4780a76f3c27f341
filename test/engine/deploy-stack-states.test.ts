import { describe, expect, it } from 'vitest';
import type { CreateChangeSetInput } from '../../src/aws/ports.js';
import { deploy, doneOf, makeProject, methods, ofType, stackNameOf, world } from './support.js';

const TEMPLATE = `
Resources:
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
Outputs:
  TableName:
    Value: orders
`;
const OLDER = TEMPLATE.replace('PAY_PER_REQUEST', 'PROVISIONED');
const NAME = stackNameOf('data');

describe('the state the stack is found in (DESIGN step 2)', () => {
  it('refuses a ROLLBACK_COMPLETE stack without --replace-failed, naming the flag and the delete command, and makes no change set (§1.3)', async () => {
    const w = world();
    const { project } = await makeProject({ data: { template: TEMPLATE } });
    w.fake.failNextExecution(NAME, 'Table', 'Resource handler returned message: "Table already exists: orders"');
    const first = await deploy(project, w);
    expect(doneOf(first.events, 'data')).toMatchObject({ status: 'failed', stackStatus: 'ROLLBACK_COMPLETE' });
    const before = w.fake.calls.length;

    const { result, events } = await deploy(project, w);

    expect(result.exitCode).toBe(1);
    const done = doneOf(events, 'data');
    expect(done.status).toBe('failed');
    expect(done.reason).toContain('ROLLBACK_COMPLETE');
    expect(done.reason).toContain('--replace-failed');
    expect(done.reason).toContain(`aws cloudformation delete-stack --stack-name ${NAME}`);
    // Why the create failed, from the stack's events, next to the advice.
    expect(done.reason).toContain(
      'its first create failed (Table (AWS::DynamoDB::Table) CREATE_FAILED: Resource handler returned message: ' +
        '"Table already exists: orders")',
    );
    // Reads only: the stack, then its events (a page at a time).
    expect(new Set(methods(w).slice(before))).toEqual(new Set(['describeStack', 'describeStackEvents']));
  });

  it('with replaceFailed deletes the ROLLBACK_COMPLETE stack, waits for it, and creates it again (§1.3, §8)', async () => {
    const w = world({ deleteDescribes: 2 });
    const { project } = await makeProject({ data: { template: TEMPLATE } });
    const failedId = w.fake.seedStack({ stackName: NAME, status: 'ROLLBACK_COMPLETE', templateBody: TEMPLATE });

    const { result, events } = await deploy(project, w, { replaceFailed: true });

    expect(result.exitCode).toBe(0);
    expect(ofType(events, 'stack:replacing-failed')).toEqual([
      { type: 'stack:replacing-failed', stack: 'data', stackName: NAME, status: 'ROLLBACK_COMPLETE' },
    ]);
    expect(w.fake.callsOf('deleteStack').map((args) => args[0])).toEqual([failedId]);
    const order = methods(w);
    expect(order.indexOf('deleteStack')).toBeLessThan(order.indexOf('createChangeSet'));
    expect((w.fake.callsOf('createChangeSet')[0]?.[0] as CreateChangeSetInput).changeSetType).toBe('CREATE');
    expect(doneOf(events, 'data')).toMatchObject({ status: 'created', stackStatus: 'CREATE_COMPLETE' });
    const created = w.fake.stack(NAME);
    expect(created?.stackId).not.toBe(failedId);
    expect(w.fake.stack(failedId)?.status).toBe('DELETE_COMPLETE');
  });

  it('stops on UPDATE_ROLLBACK_FAILED with the continue-update-rollback command (§1.3, §6)', async () => {
    const w = world();
    const { project } = await makeProject({ data: { template: TEMPLATE } });
    w.fake.seedStack({ stackName: NAME, status: 'UPDATE_ROLLBACK_FAILED', templateBody: OLDER });

    const { result, events } = await deploy(project, w);

    expect(result.exitCode).toBe(1);
    const done = doneOf(events, 'data');
    expect(done.status).toBe('failed');
    expect(done.reason).toContain('UPDATE_ROLLBACK_FAILED');
    expect(done.reason).toContain(`aws cloudformation continue-update-rollback --stack-name ${NAME}`);
    expect(methods(w)).not.toContain('createChangeSet');
  });

  it("waits for someone else's operation to settle, saying so, then deploys (§1.3: *_IN_PROGRESS cannot be updated)", async () => {
    const w = world();
    const { project } = await makeProject({ data: { template: TEMPLATE } });
    w.fake.seedStack({ stackName: NAME, status: 'UPDATE_COMPLETE', templateBody: OLDER });
    w.fake.startForeignOperation(NAME, { describes: 3 });

    const { events } = await deploy(project, w);

    const settling = ofType(events, 'stack:settling');
    expect(settling.length).toBeGreaterThanOrEqual(2);
    expect(settling.every((e) => e.status === 'UPDATE_IN_PROGRESS')).toBe(true);
    expect(settling[0]?.waitedSeconds).toBe(0);
    expect(settling.at(-1)?.waitedSeconds).toBeGreaterThan(0);
    // Only after it settled was a change set made.
    const order = methods(w);
    expect(order.slice(0, order.indexOf('createChangeSet')).filter((m) => m === 'describeStack')).toHaveLength(4);
    expect(doneOf(events, 'data')).toMatchObject({ status: 'updated', stackStatus: 'UPDATE_COMPLETE' });
  });

  it('fails naming --wait-timeout when the other operation outlasts the settle timeout (§1.3: *_IN_PROGRESS cannot be updated)', async () => {
    const w = world();
    const { project } = await makeProject({ data: { template: TEMPLATE } });
    w.fake.seedStack({ stackName: NAME, status: 'UPDATE_COMPLETE', templateBody: OLDER });
    w.fake.startForeignOperation(NAME, { describes: 10_000 });

    const { result, events } = await deploy(project, w, { settleTimeoutMs: 60_000 });

    expect(result.exitCode).toBe(1);
    const done = doneOf(events, 'data');
    expect(done.status).toBe('failed');
    expect(done.reason).toContain('UPDATE_IN_PROGRESS');
    expect(done.reason).toContain('--wait-timeout');
    expect(methods(w)).not.toContain('createChangeSet');
    // Virtual time only: the wait was given up after the timeout, not long after.
    expect(w.clock.sleeps.reduce((a, b) => a + b, 0)).toBeLessThan(60_000 + 15_000);
  });

  it('treats a REVIEW_IN_PROGRESS stack left by an aborted run as absent: removes it, then a CREATE change set (§1.3, §8)', async () => {
    const w = world();
    const { project } = await makeProject({ data: { template: TEMPLATE } });
    // What a run stopped right after CreateChangeSet leaves behind.
    const left = await w.fake.createChangeSet({
      stackName: NAME,
      changeSetName: 'stackpilot-aborted',
      changeSetType: 'CREATE',
      templateBody: TEMPLATE,
      parameters: [],
      tags: {},
      capabilities: [],
      clientToken: 'aborted',
    });
    expect(w.fake.stack(NAME)?.status).toBe('REVIEW_IN_PROGRESS');
    const before = w.fake.calls.length;

    const { result, events } = await deploy(project, w);

    expect(result.exitCode).toBe(0);
    const since = w.fake.calls.slice(before);
    const made = since.filter((c) => c.method === 'createChangeSet').map((c) => c.args[0] as CreateChangeSetInput);
    expect(made.map((c) => c.changeSetType)).toEqual(['CREATE']);
    expect(since.map((c) => c.method)).not.toContain('getTemplate');
    expect(since.filter((c) => c.method === 'deleteStack').map((c) => c.args[0])).toEqual([left.stackId]);
    expect(ofType(events, 'stack:warning').map((e) => e.message)).toEqual([
      expect.stringContaining('REVIEW_IN_PROGRESS') as unknown,
    ]);
    expect(doneOf(events, 'data')).toMatchObject({
      status: 'created',
      stackStatus: 'CREATE_COMPLETE',
      outputs: { TableName: 'orders' },
    });
    // Nothing of the aborted run is left: its stack and change set went with the delete.
    expect(w.fake.liveChangeSets().map((c) => c.name)).toEqual([made[0]?.changeSetName]);
  });
});
