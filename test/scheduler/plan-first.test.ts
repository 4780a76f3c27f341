/**
 * `deploy --plan-first` on the simulator: change sets made up front, one approval, those very
 * change sets executed in graph order; stacks fed by upstream changes get theirs in their turn;
 * a change set that went stale is made again and never executed blindly.
 */
import { describe, expect, it, vi } from 'vitest';
import type { ApprovalRequest } from '../../src/engine/guards/approvals.js';
import type { Project } from '../../src/graph/load-project.js';
import { loadProject } from '../../src/graph/load-project.js';
import { REPO_ROOT } from '../helpers/run-cli.js';
import { doneOf, eventsOf, outcomes, simDeploy, simWorld } from './support.js';
import type { SimWorld } from './support.js';

function withTemplate(project: Project, id: string, edit: (body: string) => string): Project {
  const template = project.templates.get(id);
  if (!template) throw new Error(`no template ${id}`);
  return { ...project, templates: new Map(project.templates).set(id, { ...template, body: edit(template.body) }) };
}

/** Waits (virtual time) until the stack is no longer in progress. */
async function settled(world: SimWorld, stackName: string): Promise<string | undefined> {
  for (let i = 0; i < 600; i += 1) {
    const status = world.sim.inspect.stack(stackName)?.status;
    if (status !== undefined && !status.endsWith('_IN_PROGRESS')) return status;
    await world.clock.sleep(1_000);
  }
  return world.sim.inspect.stack(stackName)?.status;
}

/** Someone else updates the stack with `templateBody` while the plan waits for its approval. */
async function updateBehindOurBack(world: SimWorld, stackName: string, templateBody: string): Promise<void> {
  const cf = world.sim.ports.cloudFormation;
  const deployed = world.sim.inspect.stack(stackName);
  if (!deployed) throw new Error(`${stackName} is not deployed`);
  const made = await cf.createChangeSet({
    stackName,
    changeSetName: 'someone-else',
    changeSetType: 'UPDATE',
    templateBody,
    parameters: deployed.parameters.map((p) => ({ key: p.key, value: p.value })),
    tags: deployed.tags,
    capabilities: ['CAPABILITY_IAM'],
    clientToken: 'someone-else',
  });
  for (let i = 0; i < 60 && (await cf.describeChangeSet(made.changeSetId)).status !== 'CREATE_COMPLETE'; i += 1)
    await world.clock.sleep(1_000);
  await cf.executeChangeSet(made.changeSetId, 'someone-else-token');
  expect(await settled(world, stackName)).toBe('UPDATE_COMPLETE');
}

describe('deploy --plan-first', () => {
  it("makes the change sets up front, asks once, then executes those very change sets; app waits for data's output", async () => {
    const project = await loadProject({ cwd: REPO_ROOT, command: 'deploy' });
    const world = simWorld(project);
    const asked: ApprovalRequest[] = [];
    const approve = vi.fn(() => Promise.resolve({ approved: true }));
    const run = await simDeploy(world, {
      approve,
      planFirst: {
        approvePlan: (request) => {
          asked.push(request);
          return Promise.resolve({ approved: true });
        },
      },
    });

    expect(outcomes(run.result)).toEqual({
      'core-infra': 'created',
      data: 'created',
      app: 'created',
      backup: 'created',
    });
    expect(asked).toHaveLength(1);
    const request = asked[0];
    // app takes data's BucketName through output(): its change set is made when data is done.
    expect(request?.stackName).toBe('3 stacks: core-infra, data, backup');
    expect(request?.reason).toContain('app gets its change set after the stacks it depends on');
    expect(request?.changes.map((c) => c.logicalId)).toContain('data.Table');
    // Every up-front change set was made before the first execution, and each stack made exactly one.
    const firstExecution = Math.min(...eventsOf(run.log, 'stack:executing').map((r) => r.index));
    for (const id of ['core-infra', 'data', 'backup']) {
      const creating = eventsOf(run.log, 'stack:changeset', id).filter((r) => r.event.phase === 'creating');
      expect(creating).toHaveLength(1);
      expect(creating[0]?.index).toBeLessThan(firstExecution);
    }
    expect(
      eventsOf(run.log, 'stack:changeset', 'app').filter((r) => r.event.phase === 'creating')[0]?.index,
    ).toBeGreaterThan(doneOf(run.log, 'data').index);
    // app's own change set is a new stack's: nothing in it needs a yes under --require-approval destructive.
    expect(approve).not.toHaveBeenCalled();
    expect(world.sim.inspect.changeSets().filter((c) => c.executionStatus === 'AVAILABLE')).toEqual([]);
  });

  it('executes nothing when the plan is refused: every change set and REVIEW_IN_PROGRESS stack is gone, exit 1', async () => {
    const project = await loadProject({ cwd: REPO_ROOT, command: 'deploy' });
    const world = simWorld(project);
    const run = await simDeploy(world, {
      planFirst: { approvePlan: () => Promise.resolve({ approved: false, reason: 'rejected at the prompt' }) },
    });

    expect(outcomes(run.result)).toEqual({
      'core-infra': 'blocked',
      data: 'blocked',
      app: 'skipped',
      backup: 'blocked',
    });
    expect(doneOf(run.log, 'data').event.reason).toBe('the plan was not approved');
    expect(eventsOf(run.log, 'run:warning').map((r) => r.event.message)).toEqual([
      'the plan was not approved: rejected at the prompt',
    ]);
    expect(doneOf(run.log, 'app').event.reason).toContain('data blocked');
    expect(eventsOf(run.log, 'stack:executing')).toEqual([]);
    expect(run.result.exitCode).toBe(1);
    expect(world.sim.inspect.changeSets().filter((c) => c.status !== 'DELETE_COMPLETE')).toEqual([]);
    for (const stack of project.config.stacks) expect(world.sim.inspect.stack(stack.stackName)).toBeUndefined();
  });

  it('asks nothing when nothing changes', async () => {
    const project = await loadProject({ cwd: REPO_ROOT, command: 'deploy' });
    const world = simWorld(project);
    await simDeploy(world);
    const approvePlan = vi.fn(() => Promise.resolve({ approved: true }));
    const run = await simDeploy(world, { planFirst: { approvePlan } });
    expect(Object.values(outcomes(run.result))).toEqual(['unchanged', 'unchanged', 'unchanged', 'unchanged']);
    expect(approvePlan).not.toHaveBeenCalled();
  });

  it('makes a stale change set again and executes it without asking when it does what was approved', async () => {
    const project = await loadProject({ cwd: REPO_ROOT, command: 'deploy' });
    const world = simWorld(project);
    await simDeploy(world);
    const app = project.config.stacks.find((s) => s.id === 'app');
    if (!app) throw new Error('no app');
    const original = project.templates.get('app')?.body ?? '';
    const edited = withTemplate(project, 'app', (b) => b.replaceAll('MemorySize: 256', 'MemorySize: 512'));
    const approve = vi.fn(() => Promise.resolve({ approved: true }));
    const run = await simDeploy(
      { ...world, project: edited },
      {
        approve,
        // Meanwhile someone adds an output to app: the approved change set is OBSOLETE, but a new one
        // changes the same resources and properties (outputs are not resource changes).
        planFirst: {
          approvePlan: async () => {
            await updateBehindOurBack(
              world,
              app.stackName,
              original.replace('\nOutputs:\n', '\nOutputs:\n  Extra:\n    Value: extra\n'),
            );
            return { approved: true };
          },
        },
      },
    );

    expect(outcomes(run.result).app).toBe('updated');
    expect(eventsOf(run.log, 'stack:warning', 'app').map((r) => r.event.message)).toContainEqual(
      expect.stringMatching(
        /^the approved change set went stale \(its change set is gone: another change set of the stack was executed, or someone deleted it\): making a new one$/,
      ),
    );
    expect(approve).not.toHaveBeenCalled();
    expect(eventsOf(run.log, 'stack:changeset', 'app').filter((r) => r.event.phase === 'creating')).toHaveLength(2);
    expect(world.sim.inspect.stack(app.stackName)?.outputs.map((o) => o.key)).not.toContain('Extra');
  });

  it('asks again when the remade change set differs from the approved one, and blocks on no', async () => {
    const project = await loadProject({ cwd: REPO_ROOT, command: 'deploy' });
    const world = simWorld(project);
    await simDeploy(world);
    const app = project.config.stacks.find((s) => s.id === 'app');
    if (!app) throw new Error('no app');
    const original = project.templates.get('app')?.body ?? '';
    const edited = withTemplate(project, 'app', (b) => b.replaceAll('MemorySize: 256', 'MemorySize: 512'));
    const asked: ApprovalRequest[] = [];
    const run = await simDeploy(
      { ...world, project: edited },
      {
        approve: (request) => {
          asked.push(request);
          return Promise.resolve({ approved: false, reason: 'rejected at the prompt' });
        },
        // Meanwhile someone changes the functions' timeout: the new change set would also undo that.
        planFirst: {
          approvePlan: async () => {
            await updateBehindOurBack(world, app.stackName, original.replaceAll('Timeout: 10', 'Timeout: 20'));
            return { approved: true };
          },
        },
      },
    );

    expect(asked).toHaveLength(1);
    expect(asked[0]?.reason).toMatch(
      /^its change set was made again \(its change set is gone: .*\) and differs from the approved plan: 2 resources change$/,
    );
    expect(outcomes(run.result).app).toBe('blocked');
    expect(eventsOf(run.log, 'stack:executing', 'app')).toEqual([]);
    expect(world.sim.inspect.changeSets().filter((c) => c.executionStatus === 'AVAILABLE')).toEqual([]);
  });
});
