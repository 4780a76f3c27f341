/**
 * Ctrl-C on the simulator (DESIGN.md "Scheduling", the deploy command's interrupt handling): the
 * first one (stopSignal) starts nothing new, deletes change sets not executed and leaves
 * executing stacks to CloudFormation; the second (cancelSignal) cancels updates in progress.
 */
import { describe, expect, it } from 'vitest';
import { makeProject, stackNameOf } from '../engine/support.js';
import {
  atTime,
  doneOf,
  eventsOf,
  executingOf,
  first,
  maybeFirst,
  outcomes,
  preparedAt,
  runDone,
  simDeploy,
  simWorld,
  START,
} from './support.js';

const exporting = (name: string): string =>
  `Resources:\n  Topic:\n    Type: AWS::SNS::Topic\nOutputs:\n  Arn:\n    Value: !Ref Topic\n    Export:\n      Name: ${name}\n`;

describe('Ctrl-C once (stopSignal)', () => {
  /**
   *   base (300 s) ─import→ parkedA        solo (300 s)
   *        ├──dependsOn──→ parkedB
   *        └──output()───→ needsData        (not started: it needs base's outputs)
   */
  async function system() {
    const { project } = await makeProject({
      base: { template: exporting('demo-base') },
      solo: { template: exporting('demo-solo') },
      parkedA: {
        template:
          'Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n    Properties:\n      Tags:\n        - Key: base\n          Value: !ImportValue demo-base\n',
      },
      parkedB: { template: 'Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n', dependsOn: ['base'] },
      needsData: {
        template: 'Parameters:\n  Arn:\n    Type: String\nResources:\n  Queue:\n    Type: AWS::SQS::Queue\n',
        parameters: { Arn: { output: { stack: 'base', name: 'Arn' } } },
      },
    });
    return project;
  }

  it('lets executing stacks finish, skips parked ones and deletes their change sets, starts nothing new, exit 1', async () => {
    const world = simWorld(await system(), {
      file: { stacks: { base: { createSeconds: 300 }, solo: { createSeconds: 300 } } },
    });
    const stop = new AbortController();
    const stopAt = START + 60_000;
    atTime(world.clock, stopAt, () => stop.abort(new Error('interrupted')));

    const { result, log } = await simDeploy(world, { stopSignal: stop.signal });

    // The moment of the interrupt: base and solo executing, parkedA and parkedB waiting with ready change sets.
    const before = log.filter((r) => r.at < stopAt).at(-1);
    expect(before).toBeDefined();
    for (const id of ['base', 'solo']) expect(executingOf(log, id).at).toBeLessThan(stopAt);
    expect(preparedAt(log, before?.index ?? 0).sort()).toEqual(['parkedA', 'parkedB']);
    expect(maybeFirst(log, 'stack:start', 'needsData')).toBeUndefined();

    expect(outcomes(result)).toEqual({
      base: 'created',
      solo: 'created',
      parkedA: 'skipped',
      parkedB: 'skipped',
      needsData: 'skipped',
    });
    // Executing stacks were followed to their end, after the interrupt.
    for (const id of ['base', 'solo']) {
      expect(doneOf(log, id).at).toBeGreaterThan(stopAt);
      expect(doneOf(log, id).event.stackStatus).toBe('CREATE_COMPLETE');
    }
    for (const id of ['parkedA', 'parkedB', 'needsData']) expect(doneOf(log, id).event.reason).toMatch(/interrupted/);
    // Nothing new started after the interrupt, and nothing executed.
    const after = log.filter(
      (r) => r.at >= stopAt && (r.event.type === 'stack:start' || r.event.type === 'stack:executing'),
    );
    expect(after).toEqual([]);
    // The parked change sets are gone, and the REVIEW_IN_PROGRESS stacks they made.
    expect(world.sim.inspect.changeSets().filter((c) => c.executionStatus === 'AVAILABLE')).toEqual([]);
    for (const id of ['parkedA', 'parkedB', 'needsData'])
      expect(world.sim.inspect.stack(stackNameOf(id))).toBeUndefined();
    // They were deleted at once, not when the executing stacks finished.
    const deletes = world.sim.stats().calls.filter((c) => c.operation === 'DeleteChangeSet');
    expect(deletes).toHaveLength(2);
    for (const call of deletes) expect(call.at).toBeLessThan(stopAt + 10_000);
    expect(result.exitCode).toBe(1);
    expect(runDone(log).summary).toMatchObject({ created: 2, skipped: 3 });
  });

  it('skips a stack whose change set is being made, and deletes it', async () => {
    const world = simWorld(await system(), {
      file: { stacks: { base: { createSeconds: 300 }, solo: { createSeconds: 300, changeSetSeconds: 30 } } },
    });
    const stop = new AbortController();
    const stopAt = START + 15_000;
    atTime(world.clock, stopAt, () => stop.abort(new Error('interrupted')));

    const { result, log } = await simDeploy(world, { stopSignal: stop.signal });

    expect(first(log, 'stack:changeset', 'solo', (e) => e.phase === 'creating').at).toBeLessThan(stopAt);
    expect(doneOf(log, 'solo').event.status).toBe('skipped');
    expect(maybeFirst(log, 'stack:executing', 'solo')).toBeUndefined();
    expect(doneOf(log, 'base').event.status).toBe('created');
    expect(world.sim.inspect.stack(stackNameOf('solo'))).toBeUndefined();
    expect(world.sim.inspect.changeSets().filter((c) => c.executionStatus === 'AVAILABLE')).toEqual([]);
    expect(result.exitCode).toBe(1);
  });
});

describe('Ctrl-C twice (cancelSignal)', () => {
  it('cancels an update in progress: CancelUpdateStack, and the stack ends UPDATE_ROLLBACK_COMPLETE', async () => {
    const { project } = await makeProject({
      svc: { template: 'Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n  Topic:\n    Type: AWS::SNS::Topic\n' },
      next: { template: 'Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n', dependsOn: ['svc'] },
    });
    // svc exists with another template (a placeholder): this run updates it, for 200 s.
    const world = simWorld(project, {
      scenario: {
        existing: { [stackNameOf('svc')]: { status: 'CREATE_COMPLETE' } },
        stacks: { [stackNameOf('svc')]: { updateSeconds: 200 } },
      },
    });
    const stop = new AbortController();
    const cancel = new AbortController();

    const { result, log } = await simDeploy(world, {
      stopSignal: stop.signal,
      cancelSignal: cancel.signal,
      onEvent: (r) => {
        // 30 s into the update: Ctrl-C, then Ctrl-C again a second later.
        if (r.event.type === 'stack:executing' && r.event.stack === 'svc') {
          atTime(world.clock, r.at + 30_000, () => stop.abort(new Error('interrupted')));
          atTime(world.clock, r.at + 31_000, () => cancel.abort(new Error('cancelled')));
        }
      },
    });

    const executing = executingOf(log, 'svc');
    const calls = world.sim.stats().calls.filter((c) => c.operation === 'CancelUpdateStack' && !c.throttled);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.at).toBeGreaterThanOrEqual(executing.at + 31_000);
    // The rollback was followed to its end, with the cancel's events.
    const svc = doneOf(log, 'svc').event;
    expect(svc.status).toBe('failed');
    expect(svc.stackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(world.sim.inspect.stack(stackNameOf('svc'))?.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(eventsOf(log, 'stack:warning', 'svc').map((r) => r.event.message)).toContain(
      `cancelled the update of ${stackNameOf('svc')}: CloudFormation rolls it back`,
    );
    // It ended well before the update would have: cancelled, not waited out.
    expect(doneOf(log, 'svc').at - executing.at).toBeLessThan(200_000);
    // Its dependent never started (made its change set early, then skipped, deleted).
    expect(doneOf(log, 'next').event.status).toBe('skipped');
    expect(maybeFirst(log, 'stack:executing', 'next')).toBeUndefined();
    expect(world.sim.inspect.stack(stackNameOf('next'))).toBeUndefined();
    expect(result.exitCode).toBe(1);
  });

  it('cannot cancel a create: says so, and CloudFormation goes on with it', async () => {
    const { project } = await makeProject({ svc: { template: 'Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n' } });
    const world = simWorld(project, { file: { stacks: { svc: { createSeconds: 200 } } } });
    const stop = new AbortController();
    const cancel = new AbortController();

    const { result, log } = await simDeploy(world, {
      stopSignal: stop.signal,
      cancelSignal: cancel.signal,
      onEvent: (r) => {
        if (r.event.type === 'stack:executing') {
          atTime(world.clock, r.at + 30_000, () => stop.abort(new Error('interrupted')));
          atTime(world.clock, r.at + 31_000, () => cancel.abort(new Error('cancelled')));
        }
      },
    });

    expect(world.sim.stats().callsByOperation.CancelUpdateStack).toBeUndefined();
    expect(
      eventsOf(log, 'stack:warning', 'svc')
        .map((r) => r.event.message)
        .join('\n'),
    ).toContain('a create cannot be cancelled');
    expect(outcomes(result)).toEqual({ svc: 'created' });
    expect(world.sim.inspect.stack(stackNameOf('svc'))?.status).toBe('CREATE_COMPLETE');
  });
});
