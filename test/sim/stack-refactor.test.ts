/**
 * Stack refactoring on the simulator (src/sim/REFACTOR.md): validated on create, listed as actions,
 * executed on virtual time keeping physical ids; each documented rule refused with its reason; a
 * scripted failure rolls back with nothing moved.
 */
import { describe, expect, it } from 'vitest';
import type { CreateStackRefactorInput } from '../../src/aws/ports.js';
import { VALIDATE_MS } from '../../src/sim/stack-refactor.js';
import { parseScenario, stateTime } from '../../src/sim/index.js';
import { ValidationError } from '../../src/errors.js';
import { deploy, setup, template } from './support.js';
import type { Sim } from './support.js';

const TABLE = 'AWS::DynamoDB::Table\n    Properties:\n      BillingMode: PAY_PER_REQUEST';
const QUEUE = 'AWS::SQS::Queue';
const TOPIC = 'AWS::SNS::Topic';
const MONO = template({ Table: TABLE, Queue: QUEUE, Topic: TOPIC });
/** After the move: the table in `data`, the rest left in `mono`. */
const MONO_AFTER = template({ Queue: QUEUE, Topic: TOPIC });
const DATA = template({ Table: TABLE });

function refactor(
  stacks: Record<string, string>,
  extra: Partial<CreateStackRefactorInput> = {},
): CreateStackRefactorInput {
  return {
    enableStackCreation: true,
    stacks: Object.entries(stacks).map(([stackName, templateBody]) => ({ stackName, templateBody })),
    resourceMappings: [],
    ...extra,
  };
}

/** Creates the refactor and waits for its validation to end. */
async function created(s: Sim, input: CreateStackRefactorInput) {
  const id = await s.cf.createStackRefactor(input);
  expect((await s.cf.describeStackRefactor(id)).status).toBe('CREATE_IN_PROGRESS');
  await s.wait(VALIDATE_MS);
  return { id, described: await s.cf.describeStackRefactor(id) };
}

/** Executes and polls DescribeStackRefactor every second until it is no longer *_IN_PROGRESS. */
async function executed(s: Sim, id: string) {
  await s.cf.executeStackRefactor(id);
  const seen: string[] = [];
  for (;;) {
    const d = await s.cf.describeStackRefactor(id);
    if (seen.at(-1) !== d.executionStatus) seen.push(d.executionStatus ?? '');
    if (!d.executionStatus?.endsWith('_IN_PROGRESS')) return { described: d, seen };
    await s.wait(1000);
  }
}

async function physicalIds(s: Sim, stackName: string): Promise<Record<string, string | undefined>> {
  const resources = await s.cf.listStackResources(stackName);
  return Object.fromEntries(resources.map((r) => [r.logicalId, r.physicalId]));
}

describe('simulator stack refactoring', () => {
  it('moves a resource into a new stack keeping its physical id, CREATE_COMPLETE then EXECUTE_COMPLETE', async () => {
    const s = setup();
    await deploy(s, 'mono', MONO);
    const before = await physicalIds(s, 'mono');
    const { id, described } = await created(s, refactor({ mono: MONO_AFTER, data: DATA }));
    expect(described).toMatchObject({
      status: 'CREATE_COMPLETE',
      executionStatus: 'AVAILABLE',
      statusReason: undefined,
    });
    expect(await s.cf.listStackRefactorActions(id)).toEqual([
      expect.objectContaining({ action: 'CREATE', entity: 'STACK' }),
      expect.objectContaining({
        action: 'MOVE',
        entity: 'RESOURCE',
        physicalId: before.Table,
        detection: 'AUTO',
        mapping: {
          source: { stackName: 'mono', logicalId: 'Table' },
          destination: { stackName: 'data', logicalId: 'Table' },
        },
      }),
    ]);
    const { described: done, seen } = await executed(s, id);
    expect(seen).toEqual(['EXECUTE_IN_PROGRESS', 'EXECUTE_COMPLETE']);
    expect(done.stackIds).toHaveLength(2);
    expect(await physicalIds(s, 'data')).toEqual({ Table: before.Table });
    expect(await physicalIds(s, 'mono')).toEqual({ Queue: before.Queue, Topic: before.Topic });
    expect(await s.cf.getTemplate('data')).toBe(DATA);
    expect((await s.cf.describeStack('data'))?.status).toBe('CREATE_COMPLETE');
    expect((await s.cf.describeStack('mono'))?.status).toBe('UPDATE_COMPLETE');
    expect((await s.cf.listStackRefactors()).map((r) => [r.stackRefactorId, r.executionStatus])).toEqual([
      [id, 'EXECUTE_COMPLETE'],
    ]);
    // A deploy of the same templates afterwards changes nothing: the resource is the stack's own now.
    const redeployed = await deploy(s, 'data', template({ Table: TABLE, Other: QUEUE }));
    expect(redeployed.status).toBe('UPDATE_COMPLETE');
    expect((await physicalIds(s, 'data')).Table).toBe(before.Table);
  });

  it('renames a logical id across stacks when a ResourceMapping says so (detection MANUAL)', async () => {
    const s = setup();
    await deploy(s, 'mono', MONO);
    await deploy(s, 'data', template({ Keep: QUEUE }));
    const before = await physicalIds(s, 'mono');
    const { id, described } = await created(
      s,
      refactor(
        { mono: MONO_AFTER, data: template({ Keep: QUEUE, Orders: TABLE }) },
        {
          enableStackCreation: false,
          resourceMappings: [
            {
              source: { stackName: 'mono', logicalId: 'Table' },
              destination: { stackName: 'data', logicalId: 'Orders' },
            },
          ],
        },
      ),
    );
    expect(described.status).toBe('CREATE_COMPLETE');
    expect((await s.cf.listStackRefactorActions(id)).map((a) => [a.action, a.detection])).toEqual([['MOVE', 'MANUAL']]);
    await executed(s, id);
    expect((await physicalIds(s, 'data')).Orders).toBe(before.Table);
  });

  const refusals: [string, (s: Sim) => Promise<CreateStackRefactorInput>, RegExp][] = [
    [
      'a resource created',
      () => Promise.resolve(refactor({ mono: MONO_AFTER, data: template({ Table: TABLE, New: QUEUE }) })),
      /Resource data\.New would be created: a stack refactor cannot create resources/,
    ],
    [
      'a resource deleted',
      () => Promise.resolve(refactor({ mono: template({ Queue: QUEUE }), data: DATA })),
      /Resource mono\.Topic would be deleted: a stack refactor cannot delete resources/,
    ],
    [
      'a property changed during the move',
      () =>
        Promise.resolve(
          refactor({
            mono: MONO_AFTER,
            data: template({ Table: 'AWS::DynamoDB::Table\n    Properties:\n      BillingMode: PROVISIONED' }),
          }),
        ),
      /Resource data\.Table differs from mono\.Table: a stack refactor cannot change a resource's type or properties/,
    ],
    [
      'a parameter added',
      () =>
        Promise.resolve(
          refactor({
            mono: template({ Queue: QUEUE, Topic: TOPIC }, 'Parameters:\n  Env:\n    Type: String\n'),
            data: DATA,
          }),
        ),
      /Stack mono: its Parameters may not be changed or added during a stack refactor; update the stack first/,
    ],
    [
      'a condition added',
      () =>
        Promise.resolve(
          refactor({ mono: MONO_AFTER, data: template({ Table: TABLE }, 'Conditions:\n  Never: !Equals [a, b]\n') }),
        ),
      /Stack data: its Conditions may not be changed or added/,
    ],
    [
      'a mapping added',
      () =>
        Promise.resolve(
          refactor({ mono: MONO_AFTER, data: template({ Table: TABLE }, 'Mappings:\n  M:\n    k:\n      v: x\n') }),
        ),
      /Stack data: its Mappings may not be changed or added/,
    ],
    [
      'a stack left empty',
      () => Promise.resolve(refactor({ mono: 'Resources: {}\n', data: MONO })),
      /Stack mono would have no resources: CloudFormation does not support empty stacks/,
    ],
    [
      'a new stack without EnableStackCreation',
      () => Promise.resolve(refactor({ mono: MONO_AFTER, data: DATA }, { enableStackCreation: false })),
      /Stack data does not exist, and EnableStackCreation is not set to create it/,
    ],
    [
      'a resource moved that refers to AWS::StackName',
      async (s) => {
        const named = 'AWS::SQS::Queue\n    Properties:\n      QueueName: !Sub "${AWS::StackName}-jobs"';
        await deploy(s, 'mono2', template({ Jobs: named, Topic: TOPIC }));
        return refactor({ mono2: template({ Topic: TOPIC }), data: template({ Jobs: named }) });
      },
      /Resource mono2\.Jobs refers to AWS::StackName, whose value differs between mono2 and data/,
    ],
    [
      'the same resource moved into two stacks',
      () =>
        Promise.resolve(
          refactor(
            { mono: MONO_AFTER, data: DATA, data2: DATA },
            {
              resourceMappings: [
                {
                  source: { stackName: 'mono', logicalId: 'Table' },
                  destination: { stackName: 'data', logicalId: 'Table' },
                },
                {
                  source: { stackName: 'mono', logicalId: 'Table' },
                  destination: { stackName: 'data2', logicalId: 'Table' },
                },
              ],
            },
          ),
        ),
      /Resource mono\.Table cannot be refactored into more than one place/,
    ],
  ];

  for (const [rule, input, reason] of refusals) {
    it(`refuses ${rule}: CREATE_FAILED with the reason, no actions, not executable`, async () => {
      const s = setup();
      await deploy(s, 'mono', MONO);
      const { id, described } = await created(s, await input(s));
      expect(described.status).toBe('CREATE_FAILED');
      expect(described.statusReason).toMatch(reason);
      expect(described.executionStatus).toBe('UNAVAILABLE');
      expect(await s.cf.listStackRefactorActions(id)).toEqual([]);
      await expect(s.cf.executeStackRefactor(id)).rejects.toMatchObject({
        awsCode: 'ValidationError',
        serviceMessage: `Stack refactor ${id} cannot be executed: its ExecutionStatus is UNAVAILABLE`,
      });
    });
  }

  it('refuses a stack with a stack policy (scenario `stackPolicy`)', async () => {
    const s = setup({ scenario: { stacks: { mono: { stackPolicy: true } } } });
    await deploy(s, 'mono', MONO);
    const { described } = await created(s, refactor({ mono: MONO_AFTER, data: DATA }));
    expect(described.statusReason).toBe(
      'Stack mono has a stack policy: stacks with a stack policy cannot be refactored',
    );
  });

  it('refuses 6 stacks (and 1) at once with a ValidationError; 5 are accepted and validated', async () => {
    const s = setup();
    const six = Object.fromEntries(['a', 'b', 'c', 'd', 'e', 'f'].map((n) => [n, DATA]));
    await expect(s.cf.createStackRefactor(refactor(six))).rejects.toMatchObject({
      awsCode: 'ValidationError',
      serviceMessage: 'A stack refactor involves 2 to 5 stacks; 6 were given',
    });
    await expect(s.cf.createStackRefactor(refactor({ a: DATA }))).rejects.toMatchObject({
      serviceMessage: 'A stack refactor involves 2 to 5 stacks; 1 were given',
    });
    const big = { Table: TABLE, Queue: QUEUE, Topic: TOPIC, Bucket: 'AWS::S3::Bucket', Log: 'AWS::Logs::LogGroup' };
    await deploy(s, 'big', template(big));
    const five = {
      big: template({ Log: big.Log }),
      s1: template({ Table: big.Table }),
      s2: template({ Queue: big.Queue }),
      s3: template({ Topic: big.Topic }),
      s4: template({ Bucket: big.Bucket }),
    };
    const { id, described } = await created(s, refactor(five));
    expect(described.status).toBe('CREATE_COMPLETE');
    expect((await s.cf.listStackRefactorActions(id)).map((a) => a.action)).toEqual([
      'CREATE',
      'CREATE',
      'CREATE',
      'CREATE',
      'MOVE',
      'MOVE',
      'MOVE',
      'MOVE',
    ]);
  });

  it('a scripted failure rolls back: ROLLBACK_COMPLETE with the reason, nothing moved, the new stack gone', async () => {
    const s = setup({ scenario: { stacks: { mono: { refactorFail: { reason: 'Table is being backed up' } } } } });
    await deploy(s, 'mono', MONO);
    const before = await physicalIds(s, 'mono');
    const { id } = await created(s, refactor({ mono: MONO_AFTER, data: DATA }));
    const { described, seen } = await executed(s, id);
    expect(seen).toEqual(['EXECUTE_IN_PROGRESS', 'ROLLBACK_IN_PROGRESS', 'ROLLBACK_COMPLETE']);
    expect(described.executionStatusReason).toBe('Table is being backed up');
    expect(await physicalIds(s, 'mono')).toEqual(before);
    expect(await s.cf.getTemplate('mono')).toBe(MONO);
    expect(await s.cf.describeStack('data')).toBeUndefined();
  });

  it('is OBSOLETE once a stack of it was updated after it was made', async () => {
    const s = setup();
    await deploy(s, 'mono', MONO);
    const { id } = await created(s, refactor({ mono: MONO_AFTER, data: DATA }));
    await deploy(s, 'mono', template({ Table: TABLE, Queue: QUEUE, Topic: TOPIC, Extra: QUEUE }));
    expect((await s.cf.describeStackRefactor(id)).executionStatus).toBe('OBSOLETE');
    await expect(s.cf.executeStackRefactor(id)).rejects.toMatchObject({ awsCode: 'ValidationError' });
  });

  it('keeps the stacks busy while executing: a change set meanwhile is refused', async () => {
    const s = setup();
    await deploy(s, 'mono', MONO);
    const { id } = await created(s, refactor({ mono: MONO_AFTER, data: DATA }));
    await s.cf.executeStackRefactor(id);
    expect((await s.cf.describeStack('mono'))?.status).toBe('UPDATE_IN_PROGRESS');
    await expect(
      s.cf.createChangeSet({
        stackName: 'mono',
        changeSetName: 'meanwhile',
        changeSetType: 'UPDATE',
        templateBody: MONO_AFTER,
        parameters: [],
        tags: {},
        capabilities: [],
        clientToken: 't',
      }),
    ).rejects.toMatchObject({ awsCode: 'ValidationError' });
  });

  it('survives a save and a load mid-execution (--simulate-state): it ends after the reload and the move is made', async () => {
    const first = setup();
    await deploy(first, 'mono', MONO);
    const before = await physicalIds(first, 'mono');
    const { id } = await created(first, refactor({ mono: MONO_AFTER, data: DATA }));
    await first.cf.executeStackRefactor(id);
    const state = JSON.parse(JSON.stringify(first.sim.exportState())) as { time: number };

    const second = setup({ state, start: stateTime(state) });
    expect((await second.cf.describeStackRefactor(id)).executionStatus).toBe('EXECUTE_IN_PROGRESS');
    await expect(second.cf.executeStackRefactor(id)).rejects.toMatchObject({
      serviceMessage: `Stack refactor ${id} cannot be executed: its ExecutionStatus is EXECUTE_IN_PROGRESS`,
    });
    for (;;) {
      const d = await second.cf.describeStackRefactor(id);
      if (d.executionStatus === 'EXECUTE_COMPLETE') break;
      await second.wait(1000);
    }
    expect(await physicalIds(second, 'data')).toEqual({ Table: before.Table });
    expect((await second.cf.describeStack('mono'))?.status).toBe('UPDATE_COMPLETE');
  });

  it('answers an unknown refactor id with a ValidationError', async () => {
    const s = setup();
    await expect(s.cf.describeStackRefactor('nope')).rejects.toMatchObject({
      awsCode: 'ValidationError',
      serviceMessage: 'Stack refactor nope does not exist',
    });
  });
});

describe('scenario options for stack refactoring', () => {
  it('accepts refactorFail and stackPolicy, and refuses an empty reason', () => {
    const text = JSON.stringify({ stacks: { data: { refactorFail: { reason: 'locked' }, stackPolicy: true } } });
    expect(parseScenario(text, 'sc.json').stacks?.data).toEqual({
      refactorFail: { reason: 'locked' },
      stackPolicy: true,
    });
    const bad = JSON.stringify({ stacks: { data: { refactorFail: { reason: '' } } } });
    expect(() => parseScenario(bad, 'sc.json')).toThrow(ValidationError);
  });
});
