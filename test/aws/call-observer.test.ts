/**
 * Attempts and retries made below the port interface reach the code that made the call, even
 * when calls of several stacks wait in the same limiter queue at once (issue 11, item 7).
 */
import { describe, expect, it } from 'vitest';
import { observedPorts } from '../../src/aws/call-observer.js';
import type { RetryNotice } from '../../src/aws/call-observer.js';
import { AwsError } from '../../src/aws/errors.js';
import type { AwsPorts, CloudFormationPort, SsmPort, StackDescription } from '../../src/aws/ports.js';
import { RateLimiter } from '../../src/aws/rate-limiter.js';
import { resilientPorts } from '../../src/aws/resilient-ports.js';
import { createVirtualClock } from '../../src/sim/index.js';
import { MemoryS3 } from '../helpers/memory-s3.js';

/** Refuses the first `refusals[name]` calls for each stack name, then answers. */
function endpoint(refusals: Record<string, number>): AwsPorts {
  const left = new Map(Object.entries(refusals));
  const cloudFormation = {
    describeStack(name: string): Promise<StackDescription | undefined> {
      const n = left.get(name) ?? 0;
      if (n > 0) {
        left.set(name, n - 1);
        return Promise.reject(new AwsError('DescribeStacks', 'Throttling', 'Rate exceeded', 400));
      }
      return Promise.resolve(undefined);
    },
  };
  return { cloudFormation: cloudFormation as unknown as CloudFormationPort, ssm: {} as SsmPort, s3: new MemoryS3() };
}

describe('observedPorts', () => {
  it('gives each concurrent caller its own attempts and retries, and the outer view all of them', async () => {
    const clock = createVirtualClock(0);
    // One token a second: the calls of a and b queue behind each other in the one limiter.
    const limiter = new RateLimiter({ ratePerSecond: 1, burst: 1, clock });
    const shared = resilientPorts(endpoint({ a: 3, b: 1 }), { limiter, clock, retry: { baseDelayMs: 10 } });
    const run = { attempts: 0, settled: 0 };
    const runView = observedPorts(shared, {
      attempt: () => (run.attempts += 1),
      settled: (n) => (run.settled += n),
    });
    const seen: Record<string, { attempts: number; retries: RetryNotice[] }> = {};
    const stackView = (id: string): AwsPorts => {
      const own = { attempts: 0, retries: [] as RetryNotice[] };
      seen[id] = own;
      return observedPorts(runView, {
        attempt: () => (own.attempts += 1),
        retry: (notice) => own.retries.push(notice),
      });
    };
    const a = stackView('a');
    const b = stackView('b');

    await Promise.all([a.cloudFormation.describeStack('a'), b.cloudFormation.describeStack('b')]);

    expect(seen.a?.attempts).toBe(4);
    expect(seen.b?.attempts).toBe(2);
    expect(seen.a?.retries.map((r) => `${r.operation} ${r.attempt} ${r.error}`)).toEqual([
      'DescribeStacks 1 Throttling',
      'DescribeStacks 2 Throttling',
      'DescribeStacks 3 Throttling',
    ]);
    expect(seen.b?.retries.map((r) => r.attempt)).toEqual([1]);
    // The run's view counts every attempt, and hears of no retry a stack's view already reported.
    expect(run).toEqual({ attempts: 6, settled: 6 });
    expect(limiter.stats().acquired).toBe(6);
  });
});
