/**
 * Issue 11, item 7: throttling never fails a stack whose operation completed, every attempt is
 * counted, and retries are reported; "unknown is not failed": a stack whose state can no longer
 * be read after its change set was executed ends `unknown`, and its dependents are skipped.
 */
import { describe, expect, it } from 'vitest';
import { AwsError, NETWORK_ERROR } from '../../src/aws/errors.js';
import { seededRandom } from '../../src/aws/resilient-ports.js';
import { makeProject, stackNameOf } from '../engine/support.js';
import { doneOf, endpoint, eventsOf, outcomes, runDone, simDeploy, simWorld } from './support.js';

const READS = new Set(['describeStack', 'getTemplate', 'describeChangeSet', 'describeStackEvents', 'listImports']);

const throttled = (operation: string): AwsError => new AwsError(operation, 'Throttling', 'Rate exceeded', 400);

async function chain() {
  const { project } = await makeProject({
    core: { template: 'Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n' },
    data: { template: 'Resources:\n  Table:\n    Type: AWS::DynamoDB::Table\n', dependsOn: ['core'] },
    app: { template: 'Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n', dependsOn: ['data'] },
    reports: { template: 'Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n', dependsOn: ['app'] },
    other: { template: 'Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n' },
  });
  return project;
}

describe('reads refused by throttling (70 % of every read)', () => {
  it('creates every stack, counts every request in apiCalls, and reports each retry', async () => {
    const random = seededRandom(11);
    const { world, requests } = endpoint(simWorld(await chain()), (method) =>
      READS.has(method) && random() < 0.7 ? throttled(method) : undefined,
    );

    const { result, log } = await simDeploy(world);

    // Before: a read refused 10 times in a row failed the stack, although its operation completed.
    expect(outcomes(result)).toEqual({
      core: 'created',
      data: 'created',
      app: 'created',
      reports: 'created',
      other: 'created',
    });
    expect(result.exitCode).toBe(0);
    // Every request that reached the endpoint, retries included, is in the run's apiCalls ...
    const done = runDone(log);
    expect(done.apiCalls).toBe(requests());
    // ... and each stack's share adds up to it (no read here is the run's own).
    const perStack = eventsOf(log, 'stack:done').map((r) => r.event.apiCalls);
    expect(perStack.reduce((a, b) => a + b, 0)).toBe(done.apiCalls);
    // Retries are events, with the stack, the operation and the error; some went past the port's 10 attempts.
    const retries = eventsOf(log, 'api:retry').map((r) => r.event);
    expect(retries.length).toBeGreaterThan(0.5 * requests());
    expect(retries.every((r) => r.error === 'Throttling' && r.stack !== undefined && r.delayMs >= 0)).toBe(true);
    expect(new Set(retries.map((r) => r.operation))).toContain('DescribeStackEvents');
    // The port gives up after its 10th attempt; a retry announced at attempt 10 or later is the wait going on.
    expect(Math.max(...retries.map((r) => r.attempt))).toBeGreaterThanOrEqual(10);
    // A stack's apiCalls is its requests: at least its retries plus one per call.
    for (const id of ['core', 'data', 'app', 'reports', 'other']) {
      const own = retries.filter((r) => r.stack === id).length;
      expect(doneOf(log, id).event.apiCalls).toBeGreaterThan(own);
    }
  });
});

describe('unknown is not failed', () => {
  it('the endpoint stops answering after data was executed: data unknown with the command to check it, dependents skipped, exit 1', async () => {
    let gone = false;
    const { world } = endpoint(simWorld(await chain()), (method, args) => {
      if (gone) return new AwsError(method, NETWORK_ERROR, 'connect ECONNREFUSED 127.0.0.1:5000', undefined);
      if (method === 'executeChangeSet' && String(args[1]).endsWith('-data')) {
        // The request goes through; from then on nothing answers.
        setImmediate(() => {
          gone = true;
        });
      }
      return undefined;
    });

    const { result, log } = await simDeploy(world, { stacks: ['core', 'data', 'app', 'reports'] });

    expect(outcomes(result)).toEqual({ core: 'created', data: 'unknown', app: 'skipped', reports: 'skipped' });
    const data = doneOf(log, 'data').event;
    expect(data.reason).toContain('its change set was executed, then its state could not be read');
    expect(data.reason).toContain(`aws cloudformation describe-stacks --stack-name ${stackNameOf('data')}`);
    expect(data.reason).toContain('stackpilot deploy data');
    expect(doneOf(log, 'app').event.reason).toBe('data unknown');
    expect(doneOf(log, 'reports').event.reason).toBe('app skipped (data unknown)');
    expect(result.exitCode).toBe(1);
    expect(runDone(log)).toMatchObject({ exitCode: 1, summary: { created: 1, unknown: 1, skipped: 2, failed: 0 } });
    // CloudFormation went on without us: the stack was created all the same.
    expect(world.sim.inspect.stack(stackNameOf('data'))?.status).toBe('CREATE_COMPLETE');
  });

  it('reads refused until --wait-timeout after execute: unknown once the deadline passed, not failed after 10 attempts', async () => {
    let refusing = false;
    const { world } = endpoint(simWorld(await chain()), (method, args) => {
      if (method === 'executeChangeSet' && String(args[1]).endsWith('-data')) {
        setImmediate(() => {
          refusing = true;
        });
        return undefined;
      }
      return refusing && READS.has(method) ? throttled(method) : undefined;
    });
    const started = world.clock.now();

    const { result, log } = await simDeploy(world, {
      stacks: ['core', 'data', 'app'],
      settleTimeoutMs: 10 * 60_000,
    });

    expect(outcomes(result)).toEqual({ core: 'created', data: 'unknown', app: 'skipped' });
    const data = doneOf(log, 'data');
    expect(data.event.reason).toContain('Throttling: Rate exceeded');
    // It kept asking for the whole wait deadline (virtual time), retry after retry.
    expect(data.at - started).toBeGreaterThan(10 * 60_000);
    expect(eventsOf(log, 'api:retry', 'data').length).toBeGreaterThan(30);
    expect(result.exitCode).toBe(1);
  });
});
