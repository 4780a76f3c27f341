/**
 * Durations from CloudFormation's events (issue 14) over the wire, against moto: the stack's own
 * CREATE/UPDATE events are found through the SDK adapters, and a stack that does not exist yet
 * counts as having none. moto completes operations synchronously, so its durations are near 0;
 * only the shape of the events, not their timing, can be checked here (the simulator tests time).
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createAwsPorts } from '../../src/aws/create-aws-ports.js';
import { RateLimiter } from '../../src/aws/rate-limiter.js';
import { systemClock } from '../../src/clock.js';
import { durationsFromEvents } from '../../src/engine/runner/durations-from-events.js';
import { MOTO_REGION, useMoto } from '../harness/aws-env.js';
import { useTestCredentials } from '../harness/test-credentials.js';

const { endpoint } = useMoto();
useTestCredentials();

const ONE_TOPIC = JSON.stringify({ Resources: { Topic: { Type: 'AWS::SNS::Topic' } } });
const TWO_TOPICS = JSON.stringify({
  Resources: { Topic: { Type: 'AWS::SNS::Topic' }, Extra: { Type: 'AWS::SNS::Topic' } },
});

describe('durationsFromEvents against moto', () => {
  it('finds the last completed operation of a deployed stack; a stack not created yet has none; nothing fails', async () => {
    const cf = createAwsPorts(
      { region: MOTO_REGION, endpoint },
      {
        limiter: new RateLimiter({ ratePerSecond: 1000, burst: 1000 }),
        retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 },
      },
    ).cloudFormation;
    const stackName = `durations-${randomUUID().slice(0, 8)}`;
    for (const [type, templateBody] of [
      ['CREATE', ONE_TOPIC],
      ['UPDATE', TWO_TOPICS],
    ] as const) {
      const ref = await cf.createChangeSet({
        stackName,
        changeSetName: type.toLowerCase(),
        changeSetType: type,
        templateBody,
        parameters: [],
        tags: {},
        capabilities: [],
        clientToken: randomUUID(),
      });
      await cf.executeChangeSet(ref.changeSetId, randomUUID());
    }

    const read = await durationsFromEvents(
      cf,
      [
        { id: 'deployed', stackName },
        { id: 'new', stackName: `${stackName}-not-yet` },
      ],
      { clock: systemClock, deadlineMs: 20_000 },
    );

    expect(read.failed).toEqual([]);
    expect(read.unread).toEqual([]);
    expect(read.none).toEqual(['new']);
    expect(read.durations.deployed?.executeMs).toBeGreaterThanOrEqual(0);
  });
});
