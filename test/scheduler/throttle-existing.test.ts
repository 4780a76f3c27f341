/**
 * The shared API budget under throttling, and stacks that exist before the run (issue 4, "Done
 * when": throttling at 30 % with no failed stack; pre-existing ROLLBACK_COMPLETE and in-progress
 * stacks).
 */
import { describe, expect, it } from 'vitest';
import { realisticScenario } from '../../bench/scenarios.js';
import { syntheticProject } from '../../bench/synthetic-project.js';
import { makeProject, stackNameOf } from '../engine/support.js';
import { doneOf, eventsOf, executingOf, first, maybeFirst, outcomes, simDeploy, simWorld } from './support.js';

describe('throttling: 30 % of calls answered "Rate exceeded"', () => {
  it('creates every stack of a 12-stack system, with no failure, and never goes over 5 calls a second', async () => {
    const scenario = realisticScenario();
    const project = syntheticProject(scenario.name, scenario.stacks);
    const scripts = Object.fromEntries(
      scenario.stacks.map((s) => [s.id, { changeSetSeconds: s.changeSetSeconds, createSeconds: s.createSeconds }]),
    );
    const world = simWorld(project, { file: { stacks: scripts, throttle: { rate: 0.3 } } });

    const { result, log, limiter } = await simDeploy(world, {
      policy: { concurrency: 8 },
      budget: { ratePerSecond: 5, burst: 1 },
    });

    expect(result.exitCode).toBe(0);
    expect(Object.values(outcomes(result))).toEqual(Array(12).fill('created'));
    expect(eventsOf(log, 'stack:warning')).toEqual([]);
    const stats = world.sim.stats();
    // Throttling really happened, on a good share of the calls ...
    expect(stats.throttledCalls).toBeGreaterThan(0.2 * stats.totalCalls);
    // ... every attempt, retries included, took a token from the one limiter ...
    expect(limiter.stats().acquired).toBe(stats.totalCalls);
    // ... so the budget held in every one-second window, pollers and retries together.
    expect(stats.peakCallsPerSecond).toBeLessThanOrEqual(5);
    // Eight stacks at once still made progress: the dependency order held.
    for (const edge of project.graph.edges)
      expect(executingOf(log, edge.stack).index).toBeGreaterThan(doneOf(log, edge.dependsOn).index);
  });
});

describe('stacks that exist before the run (scenario "existing")', () => {
  const TABLE =
    'Resources:\n  Table:\n    Type: AWS::DynamoDB::Table\nOutputs:\n  Name:\n    Value: !Ref Table\n    Export:\n      Name: demo-data-table\n';
  const APP =
    'Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Environment:\n        Variables:\n          TABLE: !ImportValue demo-data-table\n';
  const REPORTS = 'Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n';
  async function system() {
    const { project } = await makeProject({
      data: { template: TABLE },
      app: { template: APP },
      reports: { template: REPORTS, dependsOn: ['app'] },
      other: { template: 'Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n' },
    });
    return project;
  }

  it('fails a ROLLBACK_COMPLETE stack naming --replace-failed, and skips its dependents', async () => {
    const world = simWorld(await system(), { file: { existing: { data: 'ROLLBACK_COMPLETE' } } });
    expect(world.sim.inspect.stack(stackNameOf('data'))?.status).toBe('ROLLBACK_COMPLETE');

    const { result, log } = await simDeploy(world);

    expect(outcomes(result)).toEqual({ data: 'failed', app: 'skipped', reports: 'skipped', other: 'created' });
    const data = doneOf(log, 'data').event;
    expect(data.reason).toContain('is in ROLLBACK_COMPLETE');
    expect(data.reason).toContain('--replace-failed');
    expect(doneOf(log, 'app').event.reason).toBe('data failed');
    expect(doneOf(log, 'reports').event.reason).toBe('app skipped (data failed)');
    // The failed stack was left as it was: nothing was deleted without --replace-failed.
    expect(
      world.sim.stats().calls.filter((c) => c.operation === 'DeleteStack' && c.stackName === stackNameOf('data')),
    ).toEqual([]);
    expect(world.sim.inspect.stack(stackNameOf('data'))?.status).toBe('ROLLBACK_COMPLETE');
    // app and reports were already making their early change sets (import, dependsOn) when data
    // failed; both were deleted, with their REVIEW_IN_PROGRESS stacks.
    for (const id of ['app', 'reports']) first(log, 'stack:changeset', id, (e) => e.phase === 'ready');
    expect(world.sim.inspect.changeSets().filter((c) => c.executionStatus === 'AVAILABLE')).toEqual([]);
    for (const id of ['app', 'reports']) expect(world.sim.inspect.stack(stackNameOf(id))).toBeUndefined();
    expect(result.exitCode).toBe(1);
  });

  it('replaces it with --replace-failed: deleted, created again, and the dependents after it', async () => {
    const world = simWorld(await system(), {
      file: { existing: { data: 'ROLLBACK_COMPLETE' }, stacks: { data: { deleteSeconds: 40 } } },
    });

    const { result, log } = await simDeploy(world, { replaceFailed: true });

    expect(outcomes(result)).toEqual({ data: 'created', app: 'created', reports: 'created', other: 'created' });
    const replacing = first(log, 'stack:replacing-failed', 'data');
    expect(replacing.event.status).toBe('ROLLBACK_COMPLETE');
    const ops = world.sim
      .stats()
      .operations.filter((o) => o.stackName === stackNameOf('data') && o.startedAt >= replacing.at);
    expect(ops.map((o) => `${o.kind} ${o.finalStatus}`)).toEqual(['delete DELETE_COMPLETE', 'create CREATE_COMPLETE']);
    expect(ops[1]?.startedAt).toBeGreaterThanOrEqual(ops[0]?.finishedAt ?? Infinity);
    expect(executingOf(log, 'app').index).toBeGreaterThan(doneOf(log, 'data').index);
    expect(result.exitCode).toBe(0);
  });

  it("waits for someone else's update (UPDATE_IN_PROGRESS), saying so, then deploys it, then its dependents", async () => {
    const project = await system();
    // data was deployed with another template (a placeholder): after the foreign update, it is updated.
    const world = simWorld(project, {
      scenario: {
        existing: { [stackNameOf('data')]: { status: 'UPDATE_IN_PROGRESS' } },
        stacks: { [stackNameOf('data')]: { updateSeconds: 200 } },
      },
    });
    expect(world.sim.inspect.stack(stackNameOf('data'))?.status).toBe('UPDATE_IN_PROGRESS');
    const foreign = world.sim
      .stats()
      .operations.find((o) => o.stackName === stackNameOf('data') && o.token?.startsWith('Console-UpdateStack-'));
    expect(foreign?.finishedAt).toBeDefined();

    const { result, log, startedAt } = await simDeploy(world);

    expect(outcomes(result)).toEqual({ data: 'updated', app: 'created', reports: 'created', other: 'created' });
    const settling = eventsOf(log, 'stack:settling', 'data');
    expect(settling.length).toBeGreaterThanOrEqual(2);
    expect(settling.every((r) => r.event.status === 'UPDATE_IN_PROGRESS')).toBe(true);
    expect(settling.at(-1)?.event.waitedSeconds).toBeGreaterThan(150);
    // Its change set was made only once the other update had ended, and executed after it.
    const creating = first(log, 'stack:changeset', 'data', (e) => e.phase === 'creating');
    expect(creating.at).toBeGreaterThanOrEqual(foreign?.finishedAt ?? Infinity);
    expect(creating.index).toBeGreaterThan(settling.at(-1)?.index ?? Infinity);
    expect(first(log, 'stack:changeset', 'data', (e) => e.phase === 'creating').event.changeSetType).toBe('UPDATE');
    // The independent stack did not wait for it.
    expect(doneOf(log, 'other').at - startedAt).toBeLessThan(120_000);
    expect(doneOf(log, 'other').index).toBeLessThan(doneOf(log, 'data').index);
    // Dependents after it.
    expect(executingOf(log, 'app').index).toBeGreaterThan(doneOf(log, 'data').index);
    expect(maybeFirst(log, 'stack:executing', 'reports')?.index).toBeGreaterThan(doneOf(log, 'app').index);
    expect(result.exitCode).toBe(0);
  });
});
