/**
 * `holdSlot` (the benchmark's `cdk` strategy): a stack keeps its concurrency slot from its change
 * set to the end of its execution, as the CDK does; by default the slot is given back while a
 * made change set waits for its turn to execute.
 */
import { describe, expect, it } from 'vitest';
import { makeProject } from '../engine/support.js';
import { simDeploy, simWorld } from './support.js';

const topic = 'Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n';

async function sequence(holdSlot: boolean): Promise<string[]> {
  const { project } = await makeProject({ a: { template: topic }, b: { template: topic } });
  const world = simWorld(project, { file: { stacks: { a: { changeSetSeconds: 5 }, b: { changeSetSeconds: 5 } } } });
  const { log } = await simDeploy(world, {
    policy: { concurrency: 1, prioritize: false, earlyChangeSets: false, holdSlot },
  });
  return log.flatMap((r) =>
    r.event.type === 'stack:start' || r.event.type === 'stack:executing' || r.event.type === 'stack:done'
      ? [`${r.event.stack} ${r.event.type.slice(6)}`]
      : [],
  );
}

describe('holdSlot', () => {
  it('executes a stack in the slot that made its change set, before the next stack starts', async () => {
    expect(await sequence(true)).toEqual(['a start', 'a executing', 'a done', 'b start', 'b executing', 'b done']);
  });

  it('without it, the next stack makes its change set in between', async () => {
    expect(await sequence(false)).toEqual(['a start', 'b start', 'a executing', 'a done', 'b executing', 'b done']);
  });
});
