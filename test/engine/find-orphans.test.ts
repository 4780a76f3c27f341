/**
 * Orphans are found by both stackpilot tags, never by a name: on the simulator, through the
 * ports' listStacks (DescribeStacks without a name).
 */
import { describe, expect, it } from 'vitest';
import { findOrphans } from '../../src/engine/orphans/find-orphans.js';
import { deploy, setup, template } from '../sim/support.js';

const BODY = template({ Topic: 'AWS::SNS::Topic' });
const tags = (project: string, stage: string): Record<string, string> => ({
  'stackpilot:project': project,
  'stackpilot:stage': stage,
});

describe('findOrphans', () => {
  it('lists stacks with this project and stage tags that the config lacks, and nothing else', async () => {
    const s = setup();
    await deploy(s, 'orders-dev-core', BODY, { tags: tags('orders', 'dev') });
    await deploy(s, 'orders-dev-old-cache', BODY, { tags: { ...tags('orders', 'dev'), team: 'x' } });
    // Same name prefix, another stage: dev-alice's stacks are not dev's orphans.
    await deploy(s, 'orders-dev-alice-core', BODY, { tags: tags('orders', 'dev-alice') });
    // A name alone never makes an orphan.
    await deploy(s, 'orders-dev-handmade', BODY);
    // Another project's stage dev.
    await deploy(s, 'billing-dev-core', BODY, { tags: tags('billing', 'dev') });
    // Only one of the two tags.
    await deploy(s, 'orders-dev-half', BODY, { tags: { 'stackpilot:project': 'orders' } });
    // Deleted: gone, not an orphan.
    const gone = await deploy(s, 'orders-dev-gone', BODY, { tags: tags('orders', 'dev') });
    await s.cf.deleteStack(gone.stackId);
    await s.wait(10 * 60_000);

    const orphans = await findOrphans({
      cf: s.cf,
      project: 'orders',
      stage: 'dev',
      configuredStackNames: ['orders-dev-core', 'orders-dev-app'],
    });
    expect(orphans).toEqual([
      {
        stackName: 'orders-dev-old-cache',
        stackId: expect.stringContaining(':stack/orders-dev-old-cache/') as string,
        status: 'CREATE_COMPLETE',
        lastUpdated: expect.stringMatching(/^\d{4}-/) as string,
        terminationProtection: false,
      },
    ]);
  });
});

describe('findOrphans and nested stacks', () => {
  it('leaves out a nested stack: it carries its parent’s tags but goes with its parent', async () => {
    const s = setup();
    await deploy(s, 'orders-dev-app', BODY, { tags: tags('orders', 'dev') });
    // The simulator has no nested stacks: what DescribeStacks says of one (ParentId) is added here.
    const listStacks = async (): ReturnType<typeof s.cf.listStacks> =>
      (await s.cf.listStacks()).flatMap((stack) => [
        stack,
        {
          ...stack,
          stackName: 'orders-dev-app-AlarmsStack-1AB2',
          stackId: `${stack.stackId}-nested`,
          parentId: stack.stackId,
        },
      ]);
    const orphans = await findOrphans({
      cf: { ...s.cf, listStacks },
      project: 'orders',
      stage: 'dev',
      configuredStackNames: ['orders-dev-core'],
    });
    expect(orphans.map((o) => o.stackName)).toEqual(['orders-dev-app']);
  });
});
