import { describe, expect, it } from 'vitest';
import { AwsError, NETWORK_ERROR } from '../../src/aws/errors.js';
import type { AwsPorts, CloudFormationPort, SsmPort, StackDescription } from '../../src/aws/ports.js';
import { RateLimiter } from '../../src/aws/rate-limiter.js';
import { prioritizedPorts } from '../../src/aws/call-priority.js';
import { RESILIENT_RETRY_POLICY, isRetryableAwsError, resilientPorts } from '../../src/aws/resilient-ports.js';
import { createSimulator, createVirtualClock } from '../../src/sim/index.js';
import { MemoryS3 } from '../helpers/memory-s3.js';
import { recordingLimiter } from '../helpers/recording-limiter.js';

const STACK: StackDescription = {
  stackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/s/1',
  stackName: 's',
  status: 'CREATE_COMPLETE',
  statusReason: undefined,
  parameters: [],
  outputs: [],
  tags: {},
  capabilities: [],
  terminationProtection: false,
  creationTime: undefined,
  lastUpdatedTime: undefined,
};

/** A CloudFormation port as a class (methods on the prototype, state on `this`) that fails its first calls. */
class FlakyCloudFormation {
  calls = 0;
  constructor(private readonly failures: AwsError[]) {}

  describeStack(): Promise<StackDescription | undefined> {
    this.calls += 1;
    const failure = this.failures.shift();
    return failure ? Promise.reject(failure) : Promise.resolve(STACK);
  }
}

function ports(cf: FlakyCloudFormation): AwsPorts {
  return { cloudFormation: cf as unknown as CloudFormationPort, ssm: {} as SsmPort, s3: new MemoryS3() };
}

const throttle = (): AwsError => new AwsError('DescribeStacks', 'Throttling', 'Rate exceeded', 400);

function world() {
  const clock = createVirtualClock(0);
  const limiter = new RateLimiter({ ratePerSecond: 1000, burst: 1000, clock });
  return { clock, limiter };
}

describe('resilientPorts', () => {
  it('tells the shared budget of every throttled attempt, and passes the call priority in scope', async () => {
    const clock = createVirtualClock(0);
    const limiter = recordingLimiter();
    const cf = new FlakyCloudFormation([throttle(), new AwsError('DescribeStacks', 'InternalFailure', 'boom', 500)]);
    const wrapped = prioritizedPorts(resilientPorts(ports(cf), { limiter, clock, retry: { baseDelayMs: 1 } }), () => 3);

    await wrapped.cloudFormation.describeStack('s');

    // The 500 is retried too, but it says nothing about the rate.
    expect(limiter.throttled()).toBe(1);
    expect(limiter.priorities).toEqual([3, 3, 3]);
  });

  it('retries throttling with full-jitter backoff on the clock, taking a limiter token per attempt', async () => {
    const { clock, limiter } = world();
    const cf = new FlakyCloudFormation([throttle(), throttle(), throttle()]);
    const retries: { attempt: number; delayMs: number }[] = [];
    const wrapped = resilientPorts(ports(cf), {
      limiter,
      clock,
      onRetry: ({ attempt, delayMs }) => retries.push({ attempt, delayMs }),
    });
    expect(await wrapped.cloudFormation.describeStack('s')).toBe(STACK);
    expect(cf.calls).toBe(4);
    expect(limiter.stats().acquired).toBe(4);
    expect(retries.map((r) => r.attempt)).toEqual([1, 2, 3]);
    retries.forEach((r) => expect(r.delayMs).toBeLessThan(RESILIENT_RETRY_POLICY.baseDelayMs * 2 ** (r.attempt - 1)));
    // The backoffs were slept in virtual time.
    expect(clock.now()).toBe(retries.reduce((sum, r) => sum + r.delayMs, 0));
  });

  it('passes other errors through at once', async () => {
    const { clock, limiter } = world();
    const refusal = new AwsError('DescribeStacks', 'ValidationError', 'Stack [x] does not exist', 400);
    const cf = new FlakyCloudFormation([refusal]);
    await expect(resilientPorts(ports(cf), { limiter, clock }).cloudFormation.describeStack('x')).rejects.toBe(refusal);
    expect(limiter.stats().acquired).toBe(1);
  });

  it('gives up after maxAttempts with the last error', async () => {
    const { clock, limiter } = world();
    const cf = new FlakyCloudFormation([throttle(), throttle(), throttle(), throttle()]);
    const wrapped = resilientPorts(ports(cf), { limiter, clock, retry: { maxAttempts: 3 } });
    await expect(wrapped.cloudFormation.describeStack('s')).rejects.toMatchObject({ awsCode: 'Throttling' });
    expect(limiter.stats().acquired).toBe(3);
  });

  it('treats network errors, 5xx and 429 as transient, and quotas as final', () => {
    expect(isRetryableAwsError(new AwsError('X', NETWORK_ERROR, 'ECONNRESET', undefined))).toBe(true);
    expect(isRetryableAwsError(new AwsError('X', 'InternalFailure', 'oops', 500))).toBe(true);
    expect(isRetryableAwsError(new AwsError('X', 'Whatever', 'busy', 503))).toBe(true);
    expect(isRetryableAwsError(new AwsError('X', 'TooManyRequestsException', 'slow down', 429))).toBe(true);
    expect(isRetryableAwsError(new AwsError('X', 'LimitExceededException', 'ChangeSet limit exceeded', 400))).toBe(
      false,
    );
    expect(isRetryableAwsError(new Error('not AWS'))).toBe(false);
  });

  it('is deterministic for a seed', async () => {
    const delays = async (seed: number): Promise<number[]> => {
      const { clock, limiter } = world();
      const seen: number[] = [];
      const cf = new FlakyCloudFormation([throttle(), throttle(), throttle(), throttle()]);
      await resilientPorts(ports(cf), {
        limiter,
        clock,
        seed,
        onRetry: ({ delayMs }) => seen.push(delayMs),
      }).cloudFormation.describeStack('s');
      return seen;
    };
    expect(await delays(3)).toEqual(await delays(3));
    expect(await delays(3)).not.toEqual(await delays(4));
  });

  it('stops backing off when its signal aborts', async () => {
    const { clock, limiter } = world();
    const controller = new AbortController();
    const cf = new FlakyCloudFormation([throttle(), throttle()]);
    const wrapped = resilientPorts(ports(cf), {
      limiter,
      clock,
      signal: controller.signal,
      onRetry: () => controller.abort(new Error('interrupted')),
    });
    await expect(wrapped.cloudFormation.describeStack('s')).rejects.toThrow('interrupted');
  });

  it('lets no throttled read fail against the simulator at a 50 % throttle rate', async () => {
    const clock = createVirtualClock(0);
    const limiter = new RateLimiter({ ratePerSecond: 5, burst: 5, clock });
    const sim = createSimulator({ clock, scenario: { throttle: { rate: 0.5 } } });
    const wrapped = resilientPorts(sim.ports, { limiter, clock });
    for (let i = 0; i < 100; i += 1) expect(await wrapped.cloudFormation.describeStack('nope')).toBeUndefined();
    await wrapped.ssm.putParameter({ name: '/p', value: 'v', overwrite: true });
    expect((await wrapped.ssm.getParameter('/p'))?.value).toBe('v');
    const stats = sim.stats();
    expect(stats.throttledCalls).toBeGreaterThan(30);
    // Every attempt, throttled or not, went through the limiter: the simulator saw no more than it granted.
    expect(limiter.stats().acquired).toBe(stats.totalCalls);
    expect(stats.peakCallsPerSecond).toBeLessThanOrEqual(5 + 5);
  });
});
