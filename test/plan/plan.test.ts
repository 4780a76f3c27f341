/**
 * `plan` on the simulator: every change set made, described and deleted (with the
 * REVIEW_IN_PROGRESS stack of a CREATE), in every path; the account is left exactly as it was.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RateLimiter, resilientPorts } from '../../src/aws/index.js';
import { planRun } from '../../src/engine/plan/plan-run.js';
import type { PlanRunResult } from '../../src/engine/plan/plan-run.js';
import { loadProject } from '../../src/graph/load-project.js';
import type { Project } from '../../src/graph/load-project.js';
import { REPO_ROOT } from '../helpers/run-cli.js';
import { simDeploy, simWorld } from '../scheduler/support.js';
import type { SimWorld } from '../scheduler/support.js';

async function example(): Promise<Project> {
  return loadProject({ cwd: REPO_ROOT, command: 'plan' });
}

async function plan(world: SimWorld, stopSignal?: AbortSignal): Promise<PlanRunResult> {
  const limiter = new RateLimiter({ ratePerSecond: 5, burst: 1, clock: world.clock });
  return planRun({
    project: world.project,
    stacks: world.project.orderings.order,
    ports: resilientPorts(world.sim.ports, { limiter, clock: world.clock }),
    clock: world.clock,
    emit: () => undefined,
    ...(stopSignal ? { stopSignal } : {}),
  });
}

/** What a plan must leave as it found it: live stacks with their status, and change sets not executed. */
function accountOf(world: SimWorld): { stacks: string[]; pendingChangeSets: number } {
  const stacks = world.project.config.stacks
    .map((s) => world.sim.inspect.stack(s.stackName))
    .filter((d) => d !== undefined && d.status !== 'DELETE_COMPLETE')
    .map((d) => `${d?.stackName} ${d?.status}`);
  return {
    stacks,
    pendingChangeSets: world.sim.inspect.changeSets().filter((c) => c.executionStatus !== 'EXECUTE_COMPLETE').length,
  };
}

const byStack = (result: PlanRunResult): Record<string, string> =>
  Object.fromEntries(result.stacks.map((p) => [p.stack, p.status]));

describe('plan on the simulator', () => {
  it('previews a first deploy: creates, and app waits for data, whose outputs do not exist yet; nothing is left behind', async () => {
    const world = simWorld(await example());
    const result = await plan(world);

    expect(byStack(result)).toEqual({ 'core-infra': 'changes', data: 'changes', app: 'pending', backup: 'changes' });
    expect(result.stacks.find((p) => p.stack === 'app')?.reason).toBe(
      'will be created after data: its outputs are not known yet',
    );
    const core = result.stacks.find((p) => p.stack === 'core-infra');
    expect(core?.changeSetType).toBe('CREATE');
    expect(core?.changes.map((c) => c.logicalId)).toContain('Vpc');
    expect(result.detailedExitCode).toBe(2);
    expect(accountOf(world)).toEqual({ stacks: [], pendingChangeSets: 0 });
  });

  it('says nothing would change after a deploy (detailed exit 0), and leaves the account as it was', async () => {
    const world = simWorld(await example());
    await simDeploy(world);
    const before = accountOf(world);
    const result = await plan(world);
    expect(byStack(result)).toEqual({
      'core-infra': 'unchanged',
      data: 'unchanged',
      app: 'unchanged',
      backup: 'unchanged',
    });
    expect(result.detailedExitCode).toBe(0);
    expect(accountOf(world)).toEqual(before);
  });

  it('shows a template edit with the property and its cause, and marks stacks fed by a stack with changes', async () => {
    const project = await example();
    const world = simWorld(project);
    await simDeploy(world);
    const before = accountOf(world);
    // data changes (a new output) and app takes data's BucketName output: app's preview may still change.
    const data = project.templates.get('data');
    const app = project.templates.get('app');
    if (!data || !app) throw new Error('example templates missing');
    const edited: Project = {
      ...project,
      templates: new Map(project.templates)
        .set('data', { ...data, body: `${data.body}  BucketArn:\n    Value: !GetAtt Bucket.Arn\n` })
        .set('app', { ...app, body: app.body.replaceAll('MemorySize: 256', 'MemorySize: 512') }),
    };
    const result = await plan({ ...world, project: edited });

    expect(byStack(result)).toEqual({
      'core-infra': 'unchanged',
      data: 'changes',
      app: 'changes',
      backup: 'unchanged',
    });
    const appPlan = result.stacks.find((p) => p.stack === 'app');
    expect(appPlan?.pendingUpstream).toEqual(['data']);
    const { formatPlan } = await import('../../src/ui/plan-report.js');
    const report = formatPlan(result, (await import('picocolors')).default.createColors(false));
    expect(report).toContain(
      "app (orders-dev-app): update, 0 to add, 2 to modify, 0 to remove\n  depends on pending changes in data: this preview uses today's values of their outputs, which may still change",
    );
    expect(report).toContain(
      'Stacks marked "depends on pending changes" were previewed with the values their upstream stacks have today.',
    );
    expect(report).toMatch(/CreateOrderFunction +AWS::Lambda::Function +False +MemorySize \(direct\)/);
    expect(
      appPlan?.changes
        .filter((c) => c.action === 'Modify')
        .map((c) => c.logicalId)
        .sort(),
    ).toEqual(['CreateOrderFunction', 'GetOrderFunction']);
    expect(appPlan?.changes[0]?.details).toContainEqual(
      expect.objectContaining({ name: 'MemorySize', changeSource: 'DirectModification' }),
    );
    // An output-only edit: a change set with no resource changes.
    expect(result.stacks.find((p) => p.stack === 'data')?.changes).toEqual([]);
    expect(result.detailedExitCode).toBe(2);
    expect(accountOf(world)).toEqual(before);
  });

  it('leaves nothing behind when interrupted at any point', async () => {
    const project = await example();
    // Abort after the n-th simulator call: every step of making, describing and deleting change sets.
    for (const stopAfter of [1, 2, 3, 5, 8, 12, 16, 20, 25]) {
      const world = simWorld(project);
      const stop = new AbortController();
      let calls = 0;
      const ports = world.sim.ports;
      const counted = new Proxy(ports.cloudFormation, {
        get(target, property, receiver) {
          const value: unknown = Reflect.get(target, property, receiver);
          if (typeof value !== 'function') return value;
          return (...args: unknown[]): unknown => {
            calls += 1;
            if (calls === stopAfter) stop.abort(new Error('interrupted'));
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        },
      });
      const limiter = new RateLimiter({ ratePerSecond: 5, burst: 1, clock: world.clock });
      await planRun({
        project,
        stacks: project.orderings.order,
        ports: resilientPorts({ ...ports, cloudFormation: counted }, { limiter, clock: world.clock }),
        clock: world.clock,
        emit: () => undefined,
        stopSignal: stop.signal,
      });
      expect({ stopAfter, ...accountOf(world) }).toEqual({ stopAfter, stacks: [], pendingChangeSets: 0 });
    }
  });

  it('is what `stackpilot plan` prints: the example README config loads and the report names every stack', async () => {
    const text = await readFile(join(REPO_ROOT, 'stacks.config.ts'), 'utf8');
    expect(text).toContain("from 'stackpilot'");
    const { formatPlan } = await import('../../src/ui/plan-report.js');
    const pc = (await import('picocolors')).default;
    const world = simWorld(await example());
    const report = formatPlan(await plan(world), pc.createColors(false));
    expect(report).toContain('core-infra (orders-dev-core-infra): create, 11 to add, 0 to modify, 0 to remove');
    expect(report).toContain('app (orders-dev-app): will be created after data: its outputs are not known yet');
    expect(report).toMatch(
      /^plan: 3 with changes, 0 unchanged, 1 waiting for upstream stacks · 18 to add, 0 to modify, 0 to remove · nothing was changed$/m,
    );
  });
});
