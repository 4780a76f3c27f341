import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import { NO_CHANGES_REASON, stateTime } from '../../src/sim/index.js';
import { deploy, execute, readyChangeSet, settled, setup, START, template } from './support.js';

const EXPORTER = template(
  {
    Table: 'AWS::DynamoDB::Table\n    Properties:\n      TableName: orders',
    Param:
      'AWS::SSM::Parameter\n    Properties:\n      Name: /orders/table\n      Type: String\n      Value: !Ref Table',
  },
  'Parameters:\n  Stage:\n    Type: String\nOutputs:\n  TableArn:\n    Value: !GetAtt Table.Arn\n    Export:\n      Name: !Sub "${Stage}-TableArn"\n',
);
const IMPORTER = template({ Role: 'AWS::IAM::Role\n    Properties:\n      Description: !ImportValue dev-TableArn' });

/** Saves the account as the CLI would: through JSON text. */
function save(state: unknown): unknown {
  return JSON.parse(JSON.stringify(state)) as unknown;
}

describe('exportState / importState (--simulate-state)', () => {
  it('keeps the account between runs: a second deploy of the same stacks finds nothing to change', async () => {
    const first = setup();
    const data = await deploy(first, 'data', EXPORTER, {
      parameters: [{ key: 'Stage', value: 'dev' }],
      tags: { team: 'a' },
    });
    await deploy(first, 'app', IMPORTER);
    await first.cf.updateTerminationProtection(data.stackId, true);
    const state = save(first.sim.exportState());

    const second = setup({ state, start: stateTime(state as { time: number }) });
    expect(second.clock.now()).toBe(first.clock.now());
    expect(await second.cf.describeStack('data')).toEqual(await first.cf.describeStack('data'));
    expect(second.sim.inspect.exports().map((e) => e.name)).toEqual(['dev-TableArn']);
    expect(second.sim.inspect.ssmParameter('/orders/table')?.value).toBe('orders');
    for (const [name, body, parameters, tags] of [
      ['data', EXPORTER, [{ key: 'Stage', value: 'dev' }], { team: 'a' }],
      ['app', IMPORTER, [], {}],
    ] as const) {
      const ref = await second.cf.createChangeSet({
        stackName: name,
        changeSetName: 'again',
        changeSetType: 'UPDATE',
        templateBody: body,
        parameters: [...parameters],
        tags,
        capabilities: [],
        clientToken: 'again',
      });
      const described = await readyChangeSet(second, ref.changeSetId);
      expect([name, described.status, described.statusReason]).toEqual([name, 'FAILED', NO_CHANGES_REASON]);
    }
    // The export is still in use after the reload.
    await second.cf.updateTerminationProtection(data.stackId, false);
    await second.cf.deleteStack('data');
    expect((await settled(second, data.stackId)).statusReason).toBe(
      'Export dev-TableArn cannot be deleted as it is in use by app',
    );
    // Ids go on from where the saved sequence stopped: no clash with saved ones.
    const fresh = await deploy(second, 'other', template({ Q: 'AWS::SQS::Queue' }));
    expect([data.stackId, (await second.cf.describeStack('app'))?.stackId]).not.toContain(fresh.stackId);
  });

  it('carries an operation in flight across a save, finishing it at its time', async () => {
    const s = setup({ scenario: { stacks: { data: { createSeconds: 100 } } } });
    const run = await execute(s, 'data', EXPORTER, { parameters: [{ key: 'Stage', value: 'dev' }] });
    await s.wait(40_000);
    const state = save(s.sim.exportState());
    const next = setup({ state, start: stateTime(state as { time: number }) });
    expect((await next.cf.describeStack('data'))?.status).toBe('CREATE_IN_PROGRESS');
    const done = await settled(next, run.stackId);
    expect(done.status).toBe('CREATE_COMPLETE');
    expect(next.elapsed()).toBe(5000 + 100_000);
    expect((await next.cf.describeChangeSet(run.changeSetId)).executionStatus).toBe('EXECUTE_COMPLETE');
    expect(next.sim.inspect.exports().map((e) => e.name)).toEqual(['dev-TableArn']);
  });

  it('refuses state it cannot read, naming the file and the field', () => {
    let error: unknown;
    try {
      setup({
        state: { version: 1, time: 'soon', idState: 1, stacks: [], changeSets: [], exports: [], ssm: [] },
        stateSource: '.stackpilot/sim-state.json',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toContain(
      '.stackpilot/sim-state.json is not a simulator state this version can read',
    );
    expect((error as ValidationError).problems[0]?.path).toBe('time');
    expect((error as ValidationError).hint).toMatch(/delete the state file/);
  });

  it('leaves deleted stacks and finished change sets out of the saved state', async () => {
    const s = setup();
    const gone = await deploy(s, 'gone', template({ Q: 'AWS::SQS::Queue' }));
    await s.cf.deleteStack(gone.stackId);
    await settled(s, gone.stackId);
    await deploy(s, 'kept', template({ Q: 'AWS::SQS::Queue' }));
    const state = s.sim.exportState();
    expect(state.stacks.map((x) => x.stackName)).toEqual(['kept']);
    expect(state.changeSets).toEqual([]);
    expect(state.time).toBe(s.clock.now());
    expect(state.time).toBeGreaterThan(START);
  });
});
