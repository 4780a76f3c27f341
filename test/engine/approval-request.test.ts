/** What an approval question says: the property that forces a replacement, and whether more questions follow. */
import { describe, expect, it } from 'vitest';
import type { ResourceChange, ResourceChangeDetail } from '../../src/aws/ports.js';
import type { PreparedStack } from '../../src/engine/deploy/deploy-stack.js';
import { planApprovalRequest } from '../../src/engine/deploy/plan-first.js';
import { approvalNeeded } from '../../src/engine/guards/approvals.js';
import { replacementCausesByResource } from '../../src/engine/guards/replacement-causes.js';

const detail = (name: string, requiresRecreation: string): ResourceChangeDetail => ({
  attribute: 'Properties',
  name,
  requiresRecreation,
  changeSource: 'DirectModification',
  causingEntity: undefined,
  evaluation: 'Static',
});
const tableReplaced: ResourceChange = {
  action: 'Modify',
  logicalId: 'Table',
  physicalId: 'orders-dev-data-Table-ABC',
  resourceType: 'AWS::DynamoDB::Table',
  replacement: 'True',
  scope: ['Properties'],
  details: [detail('KeySchema', 'Always'), detail('BillingMode', 'Never')],
};
const summary = ({ action, logicalId, resourceType, replacement }: ResourceChange) => ({
  action,
  logicalId,
  resourceType,
  replacement,
});

describe('approval questions', () => {
  it('name the property that forces a replacement in the reason', () => {
    const needed = approvalNeeded(
      'destructive',
      [summary(tableReplaced)],
      'UPDATE',
      replacementCausesByResource([tableReplaced]),
    );
    expect(needed?.reason).toBe('1 resource is removed or replaced: Table (replaced because KeySchema changes)');
  });

  it('plan-first: one question with nothing deferred offers no "all remaining"; its causes are keyed <stack>.<LogicalId>', () => {
    const prepared = {
      stack: { id: 'data' },
      changes: [summary(tableReplaced)],
      resourceChanges: [tableReplaced],
    } as unknown as PreparedStack;
    const only = planApprovalRequest([prepared], []);
    expect(only.onlyQuestion).toBe(true);
    expect(only.replacedBecause?.get('data.Table')).toEqual(['KeySchema']);
    expect(planApprovalRequest([prepared], ['app']).onlyQuestion).toBe(false);
  });
});
