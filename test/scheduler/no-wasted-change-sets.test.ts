/**
 * No wasted calls (issue 14): a stack whose upstream, at any distance, already failed makes no
 * early change set; it is skipped in turn, naming the root cause.
 */
import { describe, expect, it } from 'vitest';
import { makeProject, stackNameOf } from '../engine/support.js';
import { doneOf, outcomes, simDeploy, simWorld } from './support.js';

const exporting = (name: string): string =>
  `Resources:\n  Topic:\n    Type: AWS::SNS::Topic\nOutputs:\n  Value:\n    Value: ${name}-value\n    Export:\n      Name: ${name}\n`;
const importing = (name: string, parameter = ''): string =>
  `${parameter}Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n    Properties:\n      Tags:\n        - Key: up\n          Value: !ImportValue ${name}\n`;

describe('early change sets below a failure', () => {
  /**
   *   a (fails fast) ─import→ b (slow change set) ─import→ c ←output()─ d (done after a failed)
   * When d is done, a has failed and b is still making its change set: c's would be wasted.
   */
  it('makes none for a stack whose upstream already failed, even through a stack still preparing', async () => {
    const { project } = await makeProject({
      a: {
        template: `Resources:\n  Table:\n    Type: AWS::DynamoDB::Table\nOutputs:\n  Value:\n    Value: x\n    Export:\n      Name: demo-a\n`,
      },
      b: { template: `${importing('demo-a')}Outputs:\n  Value:\n    Value: y\n    Export:\n      Name: demo-b\n` },
      c: {
        template: importing('demo-b', 'Parameters:\n  FromD:\n    Type: String\n'),
        parameters: { FromD: { output: { stack: 'd', name: 'Value' } } },
      },
      d: { template: exporting('demo-d') },
    });
    const world = simWorld(project, {
      file: {
        stacks: {
          a: { changeSetSeconds: 1, createSeconds: 5, fail: { logicalId: 'Table', reason: 'boom' } },
          b: { changeSetSeconds: 120, createSeconds: 10 },
          c: { changeSetSeconds: 1, createSeconds: 10 },
          d: { changeSetSeconds: 1, createSeconds: 30 },
        },
      },
    });

    const { result, log } = await simDeploy(world, { budget: { ratePerSecond: 50, burst: 50 } });

    expect(outcomes(result)).toEqual({ a: 'failed', b: 'skipped', c: 'skipped', d: 'created' });
    expect(doneOf(log, 'c').event.reason).toBe('b skipped (a failed)');
    const calls = world.sim.stats().calls.filter((call) => call.stackName === stackNameOf('c'));
    expect(calls.map((call) => call.operation)).not.toContain('CreateChangeSet');
  });
});
