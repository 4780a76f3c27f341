/**
 * Priorities from CloudFormation's own events (issue 14): with no local durations file (a fresh
 * CI checkout), each stack's last completed operation is read from DescribeStackEvents, only as
 * many pages as needed, bounded in time, and a failure to read only leaves the priors in place.
 */
import { describe, expect, it } from 'vitest';
import { AwsError } from '../../src/aws/errors.js';
import type { CloudFormationPort } from '../../src/aws/ports.js';
import { durationsFromEvents } from '../../src/engine/runner/durations-from-events.js';
import { createSimulator, createVirtualClock } from '../../src/sim/index.js';
import { makeProject, stackNameOf } from '../engine/support.js';
import { eventsOf, executingOf, outcomes, runDone, simDeploy, simWorld } from './support.js';

const topics = (count: number): string =>
  `Resources:\n${Array.from({ length: count }, (_, i) => `  Topic${i}:\n    Type: AWS::SNS::Topic\n`).join('')}`;

/** `slow` is one topic (a small prior) that takes ten minutes; `big` twenty quick topics. */
async function slowAndBig(dir?: string, extra = 0) {
  return makeProject(
    { slow: { template: topics(1 + extra) }, big: { template: topics(20 + extra) } },
    dir === undefined ? {} : { dir },
  );
}
const TIMINGS = {
  stacks: {
    slow: { changeSetSeconds: 2, createSeconds: 600, updateSeconds: 600 },
    big: { changeSetSeconds: 2, createSeconds: 30, updateSeconds: 30 },
  },
};
const executionOrder = (log: Parameters<typeof executingOf>[0]): string[] =>
  ['slow', 'big'].sort((a, b) => executingOf(log, a).index - executingOf(log, b).index);

describe('durations from CloudFormation events when there is no local durations file', () => {
  it("orders a fresh checkout's run by what each stack's last operation took, not by its resource-type prior", async () => {
    const { project, dir } = await slowAndBig();
    const world = simWorld(project, { file: TIMINGS });
    const first = await simDeploy(world, { policy: { concurrency: 1 }, durationsFromEvents: {} });
    // Nothing deployed yet: no events, so the priors decide (20 topics outweigh one).
    expect(executionOrder(first.log)).toEqual(['big', 'slow']);
    expect(eventsOf(first.log, 'run:durations')[0]?.event).toMatchObject({ read: [], none: ['slow', 'big'] });

    // A fresh checkout: no durations file, both stacks changed.
    const edited = await slowAndBig(dir, 1);
    const second = await simDeploy(
      { ...world, project: edited.project },
      {
        policy: { concurrency: 1 },
        durationsFromEvents: {},
      },
    );

    expect(outcomes(second.result)).toEqual({ slow: 'updated', big: 'updated' });
    expect(executionOrder(second.log)).toEqual(['slow', 'big']);
    const read = eventsOf(second.log, 'run:durations')[0]?.event;
    expect(read).toMatchObject({ read: ['slow', 'big'], none: [], failed: [], unread: [] });
    // Counted in the run's calls: one page each was enough.
    expect(read?.apiCalls).toBe(2);
    expect(runDone(second.log).apiCalls).toBeGreaterThanOrEqual(read?.apiCalls ?? Number.NaN);
  });

  it('is not used when local durations exist', async () => {
    const { project } = await slowAndBig();
    const world = simWorld(project, { file: TIMINGS });
    const run = await simDeploy(world, {
      durations: { big: { executeMs: 30_000 } },
      durationsFromEvents: {},
    });
    expect(eventsOf(run.log, 'run:durations')).toEqual([]);
    expect(world.sim.stats().callsByOperation.DescribeStackEvents ?? 0).toBeGreaterThan(0);
  });

  it("reads the last completed operation's duration from its first to its terminal stack event, only as many pages as needed", async () => {
    const { project, dir } = await slowAndBig();
    const world = simWorld(project, { file: TIMINGS });
    await simDeploy(world, {});
    await simDeploy({ ...world, project: (await slowAndBig(dir, 1)).project }, {});
    const update = world.sim
      .stats()
      .operations.filter((op) => op.stackName === stackNameOf('slow'))
      .at(-1);

    // Pages of 3 events: the update's own events span a few pages, the whole history more.
    const sim = createSimulator({ clock: world.clock, state: world.sim.exportState(), pageSize: 3 });
    const read = await durationsFromEvents(sim.ports.cloudFormation, [{ id: 'slow', stackName: stackNameOf('slow') }], {
      clock: world.clock,
    });
    const calls = sim.stats().callsByOperation.DescribeStackEvents ?? 0;

    expect(update?.kind).toBe('update');
    expect(read.durations.slow?.executeMs).toBe((update?.finishedAt ?? 0) - (update?.startedAt ?? 0));
    expect(read.durations.slow?.executeMs).toBeGreaterThanOrEqual(600_000);
    // The update's events fit in fewer pages than the whole history, the create's included.
    expect(calls).toBeGreaterThan(1);
    expect(calls).toBeLessThan(await pagesOf(sim.ports.cloudFormation, stackNameOf('slow')));
  });

  it('never fails: an unreadable stack keeps its prior and says why; a stack not yet created has none', async () => {
    const clock = createVirtualClock();
    const denied: Pick<CloudFormationPort, 'describeStackEvents'> = {
      describeStackEvents: (name) =>
        name === 'a'
          ? Promise.reject(
              new AwsError('DescribeStackEvents', 'AccessDenied', 'not authorized to DescribeStackEvents', 403),
            )
          : Promise.reject(
              new AwsError('DescribeStackEvents', 'ValidationError', `Stack [${name}] does not exist`, 400),
            ),
    };
    const read = await durationsFromEvents(
      denied as CloudFormationPort,
      [
        { id: 'a', stackName: 'a' },
        { id: 'b', stackName: 'b' },
      ],
      { clock },
    );
    expect(read.durations).toEqual({});
    expect(read.none).toEqual(['b']);
    expect(read.failed).toEqual([{ stack: 'a', reason: expect.stringContaining('not authorized') as string }]);
  });

  it('stops at its deadline: stacks not read by then are unread, in virtual time', async () => {
    const clock = createVirtualClock();
    const silent: Pick<CloudFormationPort, 'describeStackEvents'> = {
      describeStackEvents: () => new Promise(() => undefined),
    };
    const started = clock.now();
    const read = await durationsFromEvents(
      silent as CloudFormationPort,
      [
        { id: 'a', stackName: 'a' },
        { id: 'b', stackName: 'b' },
      ],
      { clock, deadlineMs: 2_000 },
    );
    expect(clock.now() - started).toBe(2_000);
    expect(read.unread).toEqual(['a', 'b']);
  });
});

async function pagesOf(cf: CloudFormationPort, stackName: string): Promise<number> {
  let pages = 0;
  let nextToken: string | undefined;
  do {
    pages += 1;
    nextToken = (await cf.describeStackEvents(stackName, nextToken)).nextToken;
  } while (nextToken !== undefined && pages < 1_000);
  return pages;
}
