/**
 * Issue 11, item 7, for the dry-run: a read refused by throttling is retried until the wait
 * deadline, as in deploy, so a plan under heavy throttling still previews every stack.
 */
import { describe, expect, it } from 'vitest';
import { AwsError } from '../../src/aws/errors.js';
import { RateLimiter, resilientPorts } from '../../src/aws/index.js';
import { seededRandom } from '../../src/aws/resilient-ports.js';
import { planRun } from '../../src/engine/plan/plan-run.js';
import type { EngineEvent } from '../../src/engine/events.js';
import { makeProject } from '../engine/support.js';
import { endpoint, simWorld } from '../scheduler/support.js';

const READS = new Set(['describeStack', 'getTemplate', 'describeChangeSet', 'describeStackEvents', 'listImports']);

describe('plan under throttling (70 % of every read refused)', () => {
  it('previews every stack, retrying reads past the port attempts, and reports each retry with its stack', async () => {
    const { project } = await makeProject({
      core: { template: 'Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n' },
      data: { template: 'Resources:\n  Table:\n    Type: AWS::DynamoDB::Table\n', dependsOn: ['core'] },
      other: { template: 'Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n' },
    });
    const random = seededRandom(11);
    const { world } = endpoint(simWorld(project), (method) =>
      READS.has(method) && random() < 0.7 ? new AwsError(method, 'Throttling', 'Rate exceeded', 400) : undefined,
    );
    const limiter = new RateLimiter({ ratePerSecond: 5, burst: 1, clock: world.clock });
    const events: EngineEvent[] = [];

    const result = await planRun({
      project,
      stacks: project.orderings.order,
      ports: resilientPorts(world.sim.ports, { limiter, clock: world.clock }),
      clock: world.clock,
      emit: (event) => events.push(event),
    });

    // Before: a read refused 10 times in a row failed that stack's plan.
    expect(Object.fromEntries(result.stacks.map((p) => [p.stack, p.status]))).toEqual({
      core: 'changes',
      data: 'changes',
      other: 'changes',
    });
    const retries = events.filter((e) => e.type === 'api:retry');
    expect(retries.length).toBeGreaterThan(0);
    expect(retries.every((r) => r.stack !== undefined && r.error === 'Throttling')).toBe(true);
    expect(Math.max(...retries.map((r) => r.attempt))).toBeGreaterThanOrEqual(10);
    // Nothing left behind: the plan's change sets and REVIEW_IN_PROGRESS stacks are gone.
    expect(world.sim.inspect.changeSets().filter((c) => c.executionStatus !== 'EXECUTE_COMPLETE')).toEqual([]);
  });
});
