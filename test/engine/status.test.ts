/**
 * `stackpilot status` on the simulator, engine level: what deploy would meet, read without
 * changing anything.
 */
import { describe, expect, it } from 'vitest';
import { statusRun } from '../../src/engine/status/status-run.js';
import { output } from '../../src/config/define-config.js';
import { deploy, setup, template } from '../sim/support.js';
import type { Sim } from '../sim/support.js';
import { makeProject, stackNameOf } from './support.js';
import type { StackDef } from './support.js';

const QUEUE = template({ Queue: 'AWS::SQS::Queue' }, 'Outputs:\n  QueueUrl:\n    Value: !Ref Queue\n');
const TOPIC = template({ Topic: 'AWS::SNS::Topic' }, 'Parameters:\n  Url:\n    Type: String\n');

const STACKS: Record<string, StackDef> = {
  base: { template: QUEUE, tags: { team: 'orders' } },
  top: { template: TOPIC, parameters: { Url: output('base', 'QueueUrl') } },
};

async function status(s: Sim, project: Awaited<ReturnType<typeof makeProject>>['project']) {
  return statusRun({ project, stacks: ['base', 'top'], ports: s.sim.ports, clock: s.clock });
}

/** Both stacks deployed as deploy would send them (base's output feeds top's parameter). */
async function deployBoth(s: Sim): Promise<void> {
  const base = await deploy(s, stackNameOf('base'), QUEUE, { tags: { team: 'orders' } });
  const url = base.outputs.find((o) => o.key === 'QueueUrl')?.value ?? '';
  await deploy(s, stackNameOf('top'), TOPIC, { parameters: [{ key: 'Url', value: url }] });
}

describe('statusRun', () => {
  it('says not deployed, without an error, for stacks that do not exist', async () => {
    const s = setup();
    const { project } = await makeProject(STACKS);
    const result = await status(s, project);
    expect(result.stacks.map((r) => [r.stack, r.readiness, r.status])).toEqual([
      ['base', 'not-deployed', undefined],
      ['top', 'not-deployed', undefined],
    ]);
    expect(result.exitCode).toBe(0);
  });

  it('finds deployed stacks unchanged by the comparison deploy uses, outputs of upstream stacks included', async () => {
    const s = setup();
    const { project } = await makeProject(STACKS);
    await deployBoth(s);
    const result = await status(s, project);
    expect(result.exitCode).toBe(0);
    for (const r of result.stacks) {
      expect(r.readiness).toBe('deployable');
      expect(r.status).toBe('CREATE_COMPLETE');
      expect(r.differs).toEqual({ template: false, parameters: false, tags: false });
      expect(r.problems).toEqual([]);
      expect(r.lastUpdated).toMatch(/^\d{4}-\d\d-\d\dT/);
    }
  });

  it('shows which of template, parameters and tags differ', async () => {
    const s = setup();
    const { dir } = await makeProject(STACKS);
    await deployBoth(s);
    const edited = await makeProject(
      {
        base: {
          template: template(
            { Queue: 'AWS::SQS::Queue', Dlq: 'AWS::SQS::Queue' },
            'Outputs:\n  QueueUrl:\n    Value: !Ref Queue\n',
          ),
        },
        top: { template: TOPIC, parameters: { Url: output('base', 'QueueUrl') } },
      },
      { dir },
    );
    const result = await status(s, edited.project);
    // base: a new resource, and its tags were dropped from the config.
    expect(result.stacks[0]?.differs).toEqual({ template: true, parameters: false, tags: true });
    expect(result.stacks[1]?.differs).toEqual({ template: false, parameters: false, tags: false });
    expect(result.exitCode).toBe(0);
  });

  it('lists a change set left unexecuted, with the command that deletes it', async () => {
    const s = setup();
    const { project } = await makeProject(STACKS);
    await deployBoth(s);
    await s.sim.ports.cloudFormation.createChangeSet({
      stackName: stackNameOf('base'),
      changeSetName: 'someone-review',
      changeSetType: 'UPDATE',
      templateBody: QUEUE,
      parameters: [],
      tags: {},
      capabilities: [],
      clientToken: 'left',
    });
    const result = await status(s, project);
    const base = result.stacks[0];
    expect(base?.changeSets.map((c) => c.name)).toEqual(['someone-review']);
    expect(base?.problems).toEqual([
      expect.objectContaining({
        code: 'LEFTOVER_CHANGE_SETS',
        severity: 'warning',
        next: expect.stringContaining(
          `aws cloudformation delete-change-set --stack-name ${stackNameOf('base')} --change-set-name someone-review`,
        ) as string,
      }),
    ]);
    // A leftover change set does not stop a deploy.
    expect(base?.readiness).toBe('deployable');
    expect(result.exitCode).toBe(0);
  });

  it('blocks on a stack whose first create failed, naming --replace-failed; its dependent cannot be compared', async () => {
    const s = setup({ scenario: { existing: { [stackNameOf('base')]: { status: 'ROLLBACK_COMPLETE' } } } });
    const { project } = await makeProject(STACKS);
    const result = await status(s, project);
    const [base, top] = result.stacks;
    expect(base?.readiness).toBe('blocked');
    expect(base?.status).toBe('ROLLBACK_COMPLETE');
    expect(base?.problems[0]).toMatchObject({ code: 'FAILED_CREATE', severity: 'blocking' });
    expect(base?.problems[0]?.next).toContain('stackpilot deploy base --replace-failed');
    expect(top?.readiness).toBe('not-deployed');
    expect(result.exitCode).toBe(1);
  });

  it('blocks on an operation in progress', async () => {
    const s = setup({ scenario: { existing: { [stackNameOf('base')]: { status: 'UPDATE_IN_PROGRESS' } } } });
    const { project } = await makeProject(STACKS);
    const result = await status(s, project);
    expect(result.stacks[0]?.problems[0]).toMatchObject({ code: 'IN_PROGRESS', severity: 'blocking' });
    expect(result.exitCode).toBe(1);
  });
});
