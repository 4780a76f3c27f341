/**
 * Priority in the shared API budget (issue 14): under contention, a call for a stack that can
 * execute, on the longest remaining path, gets the next token before the change sets made early
 * for stacks that cannot execute yet; polls of running operations before new change sets.
 */
import { describe, expect, it } from 'vitest';
import { AdaptiveRateLimiter } from '../../src/aws/adaptive-rate-limiter.js';
import type { ApiLimiter } from '../../src/aws/api-limiter.js';
import { RateLimiter } from '../../src/aws/rate-limiter.js';
import { callRank } from '../../src/engine/runner/call-rank.js';
import type { SimCall } from '../../src/sim/index.js';
import type { StackDef } from '../engine/support.js';
import { makeProject, stackNameOf } from '../engine/support.js';
import { outcomes, simDeploy, simWorld } from './support.js';

const EXPORTER = `Resources:
  Topic:
    Type: AWS::SNS::Topic
Outputs:
  Arn:
    Value: !Ref Topic
    Export:
      Name: root-arn
`;
const IMPORTER = `Resources:
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      Tags:
        - Key: root
          Value: !ImportValue root-arn
`;

/** `root` and eight stacks importing from it: all eight make their change sets early, at once. */
async function fanOut(limiter: (clock: { now(): number; sleep(ms: number): Promise<void> }) => ApiLimiter) {
  const stacks: Record<string, StackDef> = { root: { template: EXPORTER } };
  for (let i = 1; i <= 8; i += 1) stacks[`leaf${i}`] = { template: IMPORTER };
  const { project } = await makeProject(stacks);
  const world = simWorld(project, {
    file: {
      stacks: Object.fromEntries(Object.keys(stacks).map((id) => [id, { changeSetSeconds: 2, createSeconds: 30 }])),
    },
  });
  const run = await simDeploy(world, { apiLimiter: limiter(world.clock), policy: { concurrency: 10 } });
  expect(Object.values(outcomes(run.result))).toEqual(Array(9).fill('created'));
  return world.sim.stats().calls;
}

const rootName = stackNameOf('root');
const isRoot = (c: SimCall): boolean => c.stackName === rootName;

/** Calls of other stacks answered after root's change set was seen ready and before root executed it. */
function overtakers(calls: readonly SimCall[]): SimCall[] {
  const execute = calls.findIndex((c) => isRoot(c) && c.operation === 'ExecuteChangeSet');
  let lastDescribe = -1;
  for (let i = 0; i < execute; i += 1)
    if (isRoot(calls[i] as SimCall) && calls[i]?.operation === 'DescribeChangeSet') lastDescribe = i;
  return calls.slice(lastDescribe + 1, execute).filter((c) => !isRoot(c));
}

describe('priority in the shared API budget', () => {
  it('root executes its change set with the next token once it is ready; first-come-first-served made it queue', async () => {
    const prioritized = await fanOut((clock) => new AdaptiveRateLimiter({ ceiling: 1, clock }));
    const fifo = await fanOut((clock) => new RateLimiter({ ratePerSecond: 1, burst: 1, clock }));

    expect(overtakers(prioritized)).toEqual([]);
    expect(overtakers(fifo).length).toBeGreaterThan(0);
    const executedAt = (calls: readonly SimCall[]): number =>
      calls.find((c) => isRoot(c) && c.operation === 'ExecuteChangeSet')?.at ?? Number.NaN;
    expect(executedAt(prioritized)).toBeLessThan(executedAt(fifo));
  });

  it('ranks polls of running operations over change sets, and change sets that can execute over early ones', () => {
    // Tiers never mix, whatever the remaining paths.
    expect(callRank('running', 0)).toBeGreaterThan(callRank('ready', 1e7));
    expect(callRank('ready', 0)).toBeGreaterThan(callRank('speculative', 1e7));
    // Within a tier, the longer remaining path first.
    expect(callRank('ready', 600)).toBeGreaterThan(callRank('ready', 60));
  });
});
