import { describe, expect, it } from 'vitest';
import { AwsError } from '../../src/aws/errors.js';
import { peakPerWindow } from '../../src/sim/index.js';
import { allEvents, deploy, setup, START, template } from './support.js';

async function throttledPattern(seed: number, calls: number): Promise<boolean[]> {
  const s = setup({ scenario: { throttle: { rate: 0.2 } }, seed });
  const pattern: boolean[] = [];
  for (let i = 0; i < calls; i += 1) {
    const outcome = await s.cf.describeStack('nope').then(
      () => false,
      (error: unknown) => {
        expect(error).toBeInstanceOf(AwsError);
        expect([
          (error as AwsError).awsCode,
          (error as AwsError).serviceMessage,
          (error as AwsError).operation,
        ]).toEqual(['Throttling', 'Rate exceeded', 'DescribeStacks']);
        return true;
      },
    );
    pattern.push(outcome);
  }
  expect(s.sim.stats().throttledCalls).toBe(pattern.filter(Boolean).length);
  return pattern;
}

describe('throttling (§5, §10.25)', () => {
  it('throttles about the configured fraction of calls, the same ones for the same seed', async () => {
    const a = await throttledPattern(7, 2000);
    const fraction = a.filter(Boolean).length / a.length;
    expect(fraction).toBeGreaterThan(0.17);
    expect(fraction).toBeLessThan(0.23);
    expect(await throttledPattern(7, 2000)).toEqual(a);
    expect(await throttledPattern(8, 2000)).not.toEqual(a);
  });

  it('throttles nothing without a throttle section', async () => {
    const s = setup();
    for (let i = 0; i < 100; i += 1) await s.cf.describeStack('nope');
    expect(s.sim.stats().throttledCalls).toBe(0);
  });
});

describe('stats', () => {
  it('counts calls per operation and per stack, with virtual timestamps, and the peak per second', async () => {
    const s = setup();
    const done = await deploy(s, 'web', template({ A: 'AWS::SQS::Queue' }));
    await s.sim.ports.ssm.getParameter('/x');
    const stats = s.sim.stats();
    expect(stats.callsByOperation).toMatchObject({ CreateChangeSet: 1, ExecuteChangeSet: 1, GetParameter: 1 });
    expect(stats.callsByOperation.DescribeStacks).toBeGreaterThan(10);
    expect(stats.totalCalls).toBe(Object.values(stats.callsByOperation).reduce((a, b) => a + b, 0));
    // Every call but the SSM one is about stack web, whether named by name, ARN or change set id.
    expect(stats.callsByStack).toEqual({ web: stats.totalCalls - 1 });
    expect(stats.calls[0]).toEqual({ at: START, operation: 'DescribeStacks', stackName: 'web', throttled: false });
    expect(stats.calls.map((c) => c.at)).toEqual([...stats.calls.map((c) => c.at)].sort((x, y) => x - y));
    expect(stats.peakCallsPerSecond).toBe(
      peakPerWindow(
        stats.calls.map((c) => c.at),
        1000,
      ),
    );
    // Completion times: when CloudFormation finished (the stack's terminal event), for the detection-delay figure.
    const terminal = (await allEvents(s.cf, done.stackId)).at(-1);
    expect(stats.operations).toEqual([
      {
        stackName: 'web',
        stackId: done.stackId,
        kind: 'create',
        token: done.token,
        startedAt: START + 5000,
        finishedAt: terminal?.timestamp.getTime(),
        finalStatus: 'CREATE_COMPLETE',
      },
    ]);
    expect(stats.changeSets).toEqual([
      {
        stackName: 'web',
        changeSetId: done.changeSetId,
        createdAt: START,
        readyAt: START + 5000,
        status: 'CREATE_COMPLETE',
      },
    ]);
  });

  it('finds the busiest one-second window', () => {
    expect(peakPerWindow([], 1000)).toBe(0);
    expect(peakPerWindow([0, 100, 999, 1000, 1500, 1999, 2500], 1000)).toBe(3);
    expect(peakPerWindow([2000, 0, 10, 20, 990, 1000], 1000)).toBe(4);
    expect(peakPerWindow([5, 5, 5], 1000)).toBe(3);
  });

  it('charges virtual time per call when asked (latencyMs)', async () => {
    const s = setup({ latencyMs: 150 });
    await s.cf.describeStack('a');
    await s.cf.describeStack('b');
    expect(s.elapsed()).toBe(300);
    expect(s.sim.stats().calls.map((c) => c.at - START)).toEqual([150, 300]);
  });
});
