import { describe, expect, it } from 'vitest';
import type { CloudFormationPort, StackDescription, StackEvent } from '../../src/aws/ports.js';
import { findRootCause, followOperation } from '../../src/engine/deploy/follow-operation.js';
import { FakeClock } from '../helpers/fake-clock.js';

const STACK = 'demo-dev-app';
const ARN = `arn:aws:cloudformation:us-east-1:123456789012:stack/${STACK}/1`;
const T0 = Date.UTC(2025, 0, 1);

let seq = 0;
function event(
  logicalId: string,
  status: string,
  options: { reason?: string; token?: string | null; at?: number } = {},
): StackEvent {
  seq += 1;
  const root = logicalId === STACK;
  return {
    eventId: `e${seq}`,
    stackId: ARN,
    stackName: STACK,
    logicalId,
    physicalId: root ? ARN : `p-${logicalId}`,
    resourceType: root ? 'AWS::CloudFormation::Stack' : 'AWS::SQS::Queue',
    status,
    reason: options.reason,
    timestamp: new Date(options.at ?? T0 + seq),
    clientRequestToken: options.token === null ? undefined : (options.token ?? 'tok'),
  };
}

function description(status: string): StackDescription {
  return {
    stackId: ARN,
    stackName: STACK,
    status,
    statusReason: undefined,
    parameters: [],
    outputs: [],
    tags: {},
    capabilities: [],
    terminationProtection: false,
    creationTime: undefined,
    lastUpdatedTime: undefined,
  };
}

/** A port that answers from scripts: `batches[i]` becomes visible at poll i (oldest first), `statuses` per DescribeStacks. */
function scripted(
  history: StackEvent[],
  batches: StackEvent[][],
  statuses: string[],
): { port: CloudFormationPort; describes: () => number; eventReads: () => number } {
  const visible = [...history].reverse();
  let polls = 0;
  let describes = 0;
  const unused = (): never => {
    throw new Error('not used by the follower');
  };
  const port: CloudFormationPort = {
    describeStackEvents: (_id, nextToken) => {
      if (nextToken === undefined) visible.unshift(...[...(batches[polls] ?? [])].reverse());
      if (nextToken === undefined) polls += 1;
      const start = nextToken === undefined ? 0 : Number(nextToken);
      const page = visible.slice(start, start + 2);
      return Promise.resolve({ events: page, nextToken: start + 2 < visible.length ? String(start + 2) : undefined });
    },
    describeStack: () => {
      const status = statuses[Math.min(describes, statuses.length - 1)] ?? 'CREATE_COMPLETE';
      describes += 1;
      return Promise.resolve(description(status));
    },
    getTemplate: unused,
    listStackSummaries: unused,
    createChangeSet: unused,
    describeChangeSet: unused,
    deleteChangeSet: unused,
    executeChangeSet: unused,
    deleteStack: unused,
    cancelUpdateStack: unused,
    updateTerminationProtection: unused,
    listImports: unused,
    listChangeSets: unused,
    listStackResources: unused,
    createStackRefactor: unused,
    describeStackRefactor: unused,
    listStackRefactorActions: unused,
    executeStackRefactor: unused,
    listStackRefactors: unused,
    listStacks: unused,
    detectStackDrift: unused,
    describeStackDriftDetectionStatus: unused,
    describeStackResourceDrifts: unused,
  };
  return { port, describes: () => describes, eventReads: () => polls };
}

describe('followOperation (§3.1, §8)', () => {
  it("reports only this operation's events, once each, oldest first, and tolerates a stale REVIEW_IN_PROGRESS read (§1.5)", async () => {
    const clock = new FakeClock(T0);
    const earlier = [
      event(STACK, 'UPDATE_IN_PROGRESS', { token: 'older-run' }),
      event('Queue', 'UPDATE_COMPLETE', { token: 'older-run' }),
      event(STACK, 'UPDATE_COMPLETE', { token: 'older-run' }),
    ];
    const batches = [
      [
        event(STACK, 'UPDATE_IN_PROGRESS', { reason: 'User Initiated' }),
        event('Queue', 'UPDATE_IN_PROGRESS'),
        event('Topic', 'UPDATE_IN_PROGRESS'),
      ],
      [],
      [
        event('Queue', 'UPDATE_COMPLETE'),
        event('Topic', 'UPDATE_COMPLETE'),
        event(STACK, 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS'),
        event(STACK, 'UPDATE_COMPLETE'),
      ],
    ];
    // The first read after the stack's own terminal event is stale.
    const { port } = scripted(earlier, batches, ['REVIEW_IN_PROGRESS', 'UPDATE_COMPLETE']);
    const seen: string[] = [];

    const result = await followOperation(port, {
      stackId: ARN,
      stackName: STACK,
      clientRequestToken: 'tok',
      operationStart: T0,
      clock,
      onEvent: (e) => seen.push(`${e.logicalId} ${e.status}`),
    });

    expect(result.stack?.status).toBe('UPDATE_COMPLETE');
    expect(seen).toEqual([
      `${STACK} UPDATE_IN_PROGRESS`,
      'Queue UPDATE_IN_PROGRESS',
      'Topic UPDATE_IN_PROGRESS',
      'Queue UPDATE_COMPLETE',
      'Topic UPDATE_COMPLETE',
      `${STACK} UPDATE_COMPLETE_CLEANUP_IN_PROGRESS`,
      `${STACK} UPDATE_COMPLETE`,
    ]);
    expect(result.events).toHaveLength(7);
  });

  it.each([
    ['a fresh status read', ['CREATE_COMPLETE'], 1],
    ['a stale one first', ['CREATE_IN_PROGRESS', 'CREATE_COMPLETE'], 2],
  ])(
    'reads no more events after the terminal one: only DescribeStacks confirms it, with %s',
    async (_case, statuses, describes) => {
      const clock = new FakeClock(T0);
      const batches = [
        [event(STACK, 'CREATE_IN_PROGRESS', { reason: 'User Initiated' }), event('Queue', 'CREATE_IN_PROGRESS')],
        [event('Queue', 'CREATE_COMPLETE'), event(STACK, 'CREATE_COMPLETE')],
      ];
      const scriptedPort = scripted([], batches, statuses);

      const result = await followOperation(scriptedPort.port, {
        stackId: ARN,
        stackName: STACK,
        clientRequestToken: 'tok',
        operationStart: T0,
        clock,
        onEvent: () => undefined,
      });

      expect(result.stack?.status).toBe('CREATE_COMPLETE');
      expect(result.events).toHaveLength(4);
      expect(scriptedPort.eventReads()).toBe(2);
      expect(scriptedPort.describes()).toBe(describes);
    },
  );

  it('bounds token-less events (emulators) by the operation start (§3.1 ClientRequestToken)', async () => {
    const clock = new FakeClock(T0 + 60_000);
    const old = [event('Queue', 'CREATE_FAILED', { token: null, reason: 'an old failure', at: T0 })];
    const batches = [
      [
        event(STACK, 'UPDATE_IN_PROGRESS', { token: null, at: T0 + 60_001 }),
        event(STACK, 'UPDATE_COMPLETE', { token: null, at: T0 + 60_002 }),
      ],
    ];
    const { port } = scripted(old, batches, ['UPDATE_COMPLETE']);

    const result = await followOperation(port, {
      stackId: ARN,
      stackName: STACK,
      clientRequestToken: 'tok',
      operationStart: T0 + 60_000,
      clock,
      onEvent: () => undefined,
    });

    expect(result.events.map((e) => e.status)).toEqual(['UPDATE_IN_PROGRESS', 'UPDATE_COMPLETE']);
  });

  it('returns what it has when its signal aborts (§8 follow loop)', async () => {
    const clock = new FakeClock(T0);
    const { port } = scripted([], [[event(STACK, 'UPDATE_IN_PROGRESS')]], ['UPDATE_IN_PROGRESS']);
    const controller = new AbortController();

    const result = await followOperation(port, {
      stackId: ARN,
      stackName: STACK,
      clientRequestToken: 'tok',
      operationStart: T0,
      clock,
      signal: controller.signal,
      onEvent: () => controller.abort(),
    });

    expect(result.stack).toBeUndefined();
    expect(result.events).toHaveLength(1);
  });
});

describe('followOperation polling on a first run (no recorded duration)', () => {
  /** Events become visible when the clock reaches them: resources start together and complete over a spread of times. */
  function timed(
    clock: FakeClock,
    timeline: StackEvent[],
    endAt: number,
  ): { port: CloudFormationPort; reads: () => number } {
    let reads = 0;
    const port = {
      describeStackEvents: () => {
        reads += 1;
        const visible = timeline.filter((e) => e.timestamp.getTime() <= clock.now()).reverse();
        return Promise.resolve({ events: visible, nextToken: undefined });
      },
      describeStack: () => {
        reads += 1;
        return Promise.resolve(description(clock.now() >= endAt ? 'CREATE_COMPLETE' : 'CREATE_IN_PROGRESS'));
      },
    } as Partial<CloudFormationPort> as CloudFormationPort;
    return { port, reads: () => reads };
  }

  it.each([60, 90, 120, 150])(
    'notices the end of a %i s create soon from the pace at which its resources complete',
    async (seconds) => {
      const clock = new FakeClock(T0);
      const endAt = T0 + seconds * 1000;
      // As the simulator and CloudFormation's parallel creates do: 13 resources start together
      // and take 0.6-1.4 units each (fixed draws), the slowest ending just before the stack.
      let state = 7919;
      const draw = (): number => {
        state = (Math.imul(state, 1103515245) + 12345) >>> 0;
        return 0.6 + 0.8 * ((state >>> 8) / 16777216);
      };
      const weights = Array.from({ length: 13 }, draw);
      const slowest = Math.max(...weights);
      const timeline = [event(STACK, 'CREATE_IN_PROGRESS', { at: T0 + 1 })];
      weights.forEach((w, i) =>
        timeline.push(
          event(`R${i}`, 'CREATE_COMPLETE', { at: T0 + Math.round((w / slowest) * (seconds * 1000 - 500)) }),
        ),
      );
      timeline.push(event(STACK, 'CREATE_COMPLETE', { at: endAt }));
      timeline.sort((x, y) => x.timestamp.getTime() - y.timestamp.getTime());
      const { port, reads } = timed(clock, timeline, endAt);

      const result = await followOperation(port, {
        stackId: ARN,
        stackName: STACK,
        clientRequestToken: 'tok',
        operationStart: T0,
        clock,
        totalChanges: 13,
        onEvent: () => undefined,
      });

      expect(result.stack?.status).toBe('CREATE_COMPLETE');
      // Estimated from the time since the start, the end was noticed 1.5-5.2 s late (a slot held that long).
      expect(clock.now() - endAt).toBeLessThanOrEqual(2_500);
      expect(reads()).toBeLessThanOrEqual(20);
    },
  );

  it('backs off again when progress stalls behind one slow resource (a database among quick ones)', async () => {
    const clock = new FakeClock(T0);
    const endAt = T0 + 900_000;
    const timeline = [event(STACK, 'CREATE_IN_PROGRESS', { at: T0 + 100 })];
    for (let i = 0; i < 5; i += 1) timeline.push(event(`R${i}`, 'CREATE_COMPLETE', { at: T0 + 10_000 + 1_000 * i }));
    timeline.push(
      event('Database', 'CREATE_COMPLETE', { at: endAt - 500 }),
      event(STACK, 'CREATE_COMPLETE', { at: endAt }),
    );
    const { port, reads } = timed(clock, timeline, endAt);

    await followOperation(port, {
      stackId: ARN,
      stackName: STACK,
      clientRequestToken: 'tok',
      operationStart: T0,
      clock,
      totalChanges: 6,
      onEvent: () => undefined,
    });

    // Paced by the five quick resources, it would poll every second. Fifteen minutes at the 15 s ceiling is 60 polls (and a DescribeStacks every fifth); at 1 s it would be 900.
    expect(reads()).toBeLessThanOrEqual(90);
  });
});

describe('findRootCause (§3.2, §8)', () => {
  it('skips the "cancelled" cascade even when it comes first (§3.2 create failure, §8)', () => {
    const events = [
      event(STACK, 'CREATE_IN_PROGRESS', { reason: 'User Initiated' }),
      event('Topic', 'CREATE_FAILED', { reason: 'Resource creation cancelled' }),
      event('Queue', 'CREATE_FAILED', { reason: 'Resource handler returned message: "Queue name taken"' }),
      event(STACK, 'ROLLBACK_IN_PROGRESS', {
        reason: 'The following resource(s) failed to create: [Queue, Topic]. Rollback requested by user.',
      }),
    ];
    expect(findRootCause(events, STACK, description('ROLLBACK_COMPLETE'))).toMatchObject({
      logicalId: 'Queue',
      status: 'CREATE_FAILED',
      reason: 'Resource handler returned message: "Queue name taken"',
    });
  });

  it('falls back to the stack event for a template-level failure with no resource event (§3.2 "No export named X found")', () => {
    const reason = 'No export named orders-dev-VpcId found. Rollback requested by user.';
    const events = [
      event(STACK, 'CREATE_IN_PROGRESS', { reason: 'User Initiated' }),
      event(STACK, 'ROLLBACK_IN_PROGRESS', { reason }),
      event(STACK, 'ROLLBACK_COMPLETE'),
    ];
    expect(findRootCause(events, STACK, description('ROLLBACK_COMPLETE'))).toMatchObject({
      logicalId: STACK,
      status: 'ROLLBACK_IN_PROGRESS',
      reason,
    });
  });
});

describe('FakeClock (test/helpers)', () => {
  it('moves virtual time on sleep and honours an aborted or aborting signal (no CloudFormation behaviour: the test clock itself)', async () => {
    const clock = new FakeClock(1_000);
    await clock.sleep(250);
    expect(clock.now()).toBe(1_250);

    const aborted = new AbortController();
    aborted.abort(new Error('before'));
    await expect(clock.sleep(10, aborted.signal)).rejects.toThrow('before');
    expect(clock.now()).toBe(1_250);

    const aborting = new AbortController();
    const sleeping = clock.sleep(10, aborting.signal);
    aborting.abort(new Error('during'));
    await expect(sleeping).rejects.toThrow('during');
  });
});
