/**
 * planOrphanDestroy on the simulator: what `destroy --orphans` refuses, read from the deployed
 * stacks (the orphans' templates are no longer in the config).
 */
import { describe, expect, it } from 'vitest';
import { actionOf } from '../../src/engine/destroy/destroy-plan.js';
import { planOrphanDestroy } from '../../src/engine/orphans/orphan-destroy.js';
import type { OrphanStack } from '../../src/engine/orphans/find-orphans.js';
import { deploy, setup, template } from '../sim/support.js';

const orphan = (stackName: string, stackId: string): OrphanStack => ({
  stackName,
  stackId,
  status: 'CREATE_COMPLETE',
  lastUpdated: undefined,
  terminationProtection: false,
});

describe('planOrphanDestroy', () => {
  it('refuses a stateful resource type, termination protection and an export in use; deletes the rest', async () => {
    const s = setup();
    const exporter = await deploy(
      s,
      'orders-dev-net',
      template(
        { Topic: 'AWS::SNS::Topic' },
        'Outputs:\n  TopicArn:\n    Value: !Ref Topic\n    Export:\n      Name: orders-dev-TopicArn\n',
      ),
    );
    const importer = await deploy(
      s,
      'orders-dev-user',
      template({ Queue: 'AWS::SQS::Queue\n    Properties:\n      QueueName: !ImportValue orders-dev-TopicArn' }),
    );
    const table = await deploy(
      s,
      'orders-dev-cache',
      template({ Table: 'AWS::DynamoDB::Table\n    Properties:\n      BillingMode: PAY_PER_REQUEST' }),
    );
    const guarded = await deploy(s, 'orders-dev-guarded', template({ Topic: 'AWS::SNS::Topic' }));
    await s.cf.updateTerminationProtection(guarded.stackId, true);
    const orphans = [
      orphan('orders-dev-net', exporter.stackId),
      orphan('orders-dev-user', importer.stackId),
      orphan('orders-dev-cache', table.stackId),
      orphan('orders-dev-guarded', guarded.stackId),
    ];

    const plan = await planOrphanDestroy({ orphans, cf: s.cf, region: 'us-east-1', allowStateful: new Set() });
    const byName = new Map(plan.targets.map((t) => [t.stackName, t]));
    expect(plan.targets.map((t) => [t.stackName, actionOf(t)])).toEqual([
      ['orders-dev-net', 'refused'],
      ['orders-dev-user', 'delete'],
      ['orders-dev-cache', 'refused'],
      ['orders-dev-guarded', 'refused'],
    ]);
    expect(byName.get('orders-dev-net')?.refusal).toContain(
      'orders-dev-user, an orphan too, imports its export orders-dev-TopicArn: run destroy --orphans again once orders-dev-user is gone',
    );
    expect(byName.get('orders-dev-cache')?.refusal).toBe(
      'orders-dev-cache holds Table (AWS::DynamoDB::Table), whose data would go with it: allow it with --allow-stateful orders-dev-cache',
    );
    expect(byName.get('orders-dev-guarded')?.refusal).toContain(
      'aws cloudformation update-termination-protection --no-enable-termination-protection --stack-name orders-dev-guarded --region us-east-1',
    );

    // --allow-stateful lets the table's stack go, never a protected one.
    const allowed = await planOrphanDestroy({
      orphans,
      cf: s.cf,
      region: 'us-east-1',
      allowStateful: new Set(['orders-dev-cache', 'orders-dev-guarded']),
    });
    expect(allowed.targets.map((t) => actionOf(t))).toEqual(['refused', 'delete', 'delete', 'refused']);
  });
});
