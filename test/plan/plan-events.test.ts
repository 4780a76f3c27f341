/**
 * The plan through the renderers: planRun's events (run:start as a dry run, each stack's progress,
 * `stack:planned` with the whole plan, `plan:done`), the cause of a change that comes from an
 * upstream output fed to a parameter by `output()`, and the note on SSM values read at deploy time.
 */
import pc from 'picocolors';
import { describe, expect, it } from 'vitest';
import { RateLimiter, resilientPorts } from '../../src/aws/index.js';
import type { EngineEvent } from '../../src/engine/events.js';
import { planRun } from '../../src/engine/plan/plan-run.js';
import type { PlanRunResult, PlannedStack } from '../../src/engine/plan/plan-run.js';
import { loadProject } from '../../src/graph/load-project.js';
import type { Project } from '../../src/graph/load-project.js';
import { formatPlan } from '../../src/ui/plan-report.js';
import { createEventFormatter } from '../../src/ui/plain-renderer.js';
import { REPO_ROOT } from '../helpers/run-cli.js';
import { simDeploy, simWorld } from '../scheduler/support.js';
import type { SimWorld } from '../scheduler/support.js';

const plain = pc.createColors(false);

async function plan(
  world: SimWorld,
  project: Project = world.project,
): Promise<{ result: PlanRunResult; events: EngineEvent[] }> {
  const limiter = new RateLimiter({ ratePerSecond: 5, burst: 1, clock: world.clock });
  const events: EngineEvent[] = [];
  const result = await planRun({
    project,
    stacks: project.orderings.order,
    ports: resilientPorts(world.sim.ports, { limiter, clock: world.clock }),
    clock: world.clock,
    emit: (event) => events.push(event),
  });
  return { result, events };
}

/** data's BucketName output gets a new value without any resource change: app's parameter DataBucketName follows it. */
function withNewBucketOutput(project: Project): Project {
  const data = project.templates.get('data');
  if (!data) throw new Error('example template data missing');
  const body = data.body.replace(
    '    Description: Name of the data bucket\n    Value: !Ref Bucket\n',
    "    Description: Name of the data bucket\n    Value: !Sub '${Bucket}-v2'\n",
  );
  if (body === data.body) throw new Error('BucketName output not found in data.yaml');
  return { ...project, templates: new Map(project.templates).set('data', { ...data, body }) };
}

describe('plan events', () => {
  it("emits run:start as a dry run, each stack's progress, stack:planned with every change, and plan:done", async () => {
    const world = simWorld(await loadProject({ cwd: REPO_ROOT, command: 'plan' }));
    const { result, events } = await plan(world);

    const start = events[0];
    expect(start).toMatchObject({
      type: 'run:start',
      command: 'plan',
      dryRun: true,
      stacks: ['core-infra', 'data', 'app', 'backup'],
    });
    expect(
      events
        .filter((e) => e.type === 'stack:start')
        .map((e) => 'stack' in e && e.stack)
        .sort(),
    ).toEqual(['app', 'backup', 'core-infra', 'data']);
    expect(events.some((e) => e.type === 'stack:changeset' && e.stack === 'core-infra' && e.phase === 'ready')).toBe(
      true,
    );

    const planned = events.filter(
      (e): e is Extract<EngineEvent, { type: 'stack:planned' }> => e.type === 'stack:planned',
    );
    expect(planned.map((e) => [e.stack, e.status])).toEqual([
      ['core-infra', 'changes'],
      ['data', 'changes'],
      ['app', 'pending'],
      ['backup', 'changes'],
    ]);
    const core = planned[0];
    expect(core?.changes.find((c) => c.logicalId === 'Vpc')).toMatchObject({
      action: 'Add',
      resourceType: 'AWS::EC2::VPC',
      details: [],
    });
    // The events carry the same plan as the result, field for field.
    expect(planned.map(({ type: _type, ...p }) => p)).toEqual(result.stacks);

    const done = events.at(-1);
    expect(done).toMatchObject({
      type: 'plan:done',
      detailedExitCode: 2,
      summary: { changes: 3, unchanged: 0, pending: 1, blocked: 0, failed: 0, skipped: 0 },
    });
    // Every stack:planned comes after all progress: pendingUpstream is only known once all are planned.
    const firstPlanned = events.findIndex((e) => e.type === 'stack:planned');
    expect(events.slice(firstPlanned).every((e) => e.type === 'stack:planned' || e.type === 'plan:done')).toBe(true);
  });

  it("the plain lines say planning, planned and the plan's end", async () => {
    const world = simWorld(await loadProject({ cwd: REPO_ROOT, command: 'plan' }));
    const { events } = await plan(world);
    const format = createEventFormatter(plain, () => new Date(Date.UTC(2025, 0, 1, 12, 0, 0)));
    const text = events.map(format).join('');
    expect(text).toContain('12:00:00  core-infra  planning orders-dev-core-infra\n');
    expect(text).toContain('12:00:00  core-infra  planned: create, 11 to add, 0 to modify, 0 to remove\n');
    expect(text).toContain(
      '12:00:00  app         planned: will be created after data: its outputs are not known yet\n',
    );
    expect(text).toMatch(/12:00:00 {2}run {9}plan done in .+: 3 with changes, 1 pending \(detailed exit code 2\)\n/);
    expect(text).not.toContain('deploying');
  });

  it('names the upstream output behind a parameter fed by output(): data deployed with a new BucketName, app not yet', async () => {
    const project = await loadProject({ cwd: REPO_ROOT, command: 'plan' });
    const world = simWorld(project);
    await simDeploy(world);
    const edited = withNewBucketOutput(project);
    // data alone is deployed with the new output; app still has the old value.
    const dataOnly = await simDeploy({ ...world, project: edited }, { stacks: ['data'] });
    expect(dataOnly.result.exitCode).toBe(0);

    const { result } = await plan(world, edited);
    expect(Object.fromEntries(result.stacks.map((p) => [p.stack, p.status]))).toEqual({
      'core-infra': 'unchanged',
      data: 'unchanged',
      app: 'changes',
      backup: 'unchanged',
    });
    const app = result.stacks.find((p) => p.stack === 'app');
    const details = app?.changes.flatMap((c) => c.details) ?? [];
    expect(details).toContainEqual(
      expect.objectContaining({
        changeSource: 'ParameterReference',
        causingEntity: 'DataBucketName',
        upstreamOutput: { stack: 'data', output: 'BucketName' },
      }),
    );
    // Parameters given as literals keep `parameter X`: none here carries an upstream output.
    expect(
      details.filter((d) => d.upstreamOutput !== undefined).every((d) => d.causingEntity === 'DataBucketName'),
    ).toBe(true);

    const report = formatPlan(result, plain);
    expect(report).toMatch(
      /GetOrderFunction +AWS::Lambda::Function +False +Environment \(upstream output data\.BucketName\)/,
    );
    expect(report).toMatch(/Role +AWS::IAM::Role +False +Policies \(upstream output data\.BucketName\)/);
    expect(report).not.toContain('parameter DataBucketName');
  });
});

describe('the plan report', () => {
  const stack = (over: Partial<PlannedStack>): PlannedStack => ({
    stack: 'app',
    stackName: 'orders-dev-app',
    status: 'changes',
    changeSetType: 'UPDATE',
    changes: [],
    pendingUpstream: [],
    reason: undefined,
    ...over,
  });
  const change = (
    logicalId: string,
    details: PlannedStack['changes'][number]['details'],
    extra: Partial<PlannedStack['changes'][number]> = {},
  ): PlannedStack['changes'][number] => ({
    action: 'Modify',
    logicalId,
    physicalId: `${logicalId}-1`,
    resourceType: 'AWS::Lambda::Function',
    replacement: 'False',
    scope: ['Properties'],
    details,
    ...extra,
  });
  const detail = (
    name: string,
    changeSource: string,
    evaluation: string,
    causingEntity?: string,
  ): PlannedStack['changes'][number]['details'][number] => ({
    attribute: 'Properties',
    name,
    requiresRecreation: 'Never',
    changeSource,
    causingEntity,
    evaluation,
  });

  it('keeps direct, parameter X and from <resource>, and drops the Dynamic twin of a parameter edit', () => {
    const result: PlanRunResult = {
      detailedExitCode: 2,
      stacks: [
        stack({
          changes: [
            change('Fn', [
              detail('MemorySize', 'DirectModification', 'Static'),
              detail('Timeout', 'ParameterReference', 'Static', 'Timeout'),
              detail('Timeout', 'DirectModification', 'Dynamic'),
              detail('Role', 'ResourceReference', 'Static', 'Role'),
            ]),
          ],
        }),
      ],
    };
    expect(formatPlan(result, plain)).toContain('MemorySize (direct), Timeout (parameter Timeout), Role (from Role)');
  });

  it('says once per stack reading SSM at deploy time which values the preview used', () => {
    const result: PlanRunResult = {
      detailedExitCode: 2,
      stacks: [
        stack({
          ssmReads: ['/orders/dev/ami', '/orders/dev/db-host'],
          changes: [change('Fn', [detail('ImageId', 'ParameterReference', 'Static', 'Ami')])],
        }),
        stack({
          stack: 'data',
          stackName: 'orders-dev-data',
          status: 'unchanged',
          changeSetType: undefined,
          ssmReads: ['/orders/dev/key'],
        }),
        stack({
          stack: 'backup',
          stackName: 'orders-dev-backup',
          status: 'pending',
          reason: 'will be created after data',
          ssmReads: ['/x'],
        }),
      ],
    };
    const report = formatPlan(result, plain);
    expect(report).toContain(
      'app (orders-dev-app): update, 0 to add, 1 to modify, 0 to remove\n  reads SSM at deploy time (/orders/dev/ami, /orders/dev/db-host): this preview used the values CloudFormation read when the change set was made; a deploy reads them again when it makes its own\n',
    );
    expect(report).toContain('data (orders-dev-data): no changes\n  reads SSM at deploy time (/orders/dev/key)');
    // No change set was made for a pending stack: nothing was read.
    expect(report).not.toContain('(/x)');
  });

  it('the example stacks read no SSM at deploy time (app reads its parameter at run time): no note', async () => {
    const world = simWorld(await loadProject({ cwd: REPO_ROOT, command: 'plan' }));
    const { result } = await plan(world);
    expect(result.stacks.map((p) => p.ssmReads)).toEqual([undefined, undefined, undefined, undefined]);
    expect(formatPlan(result, plain)).not.toContain('reads SSM');
  });
});
