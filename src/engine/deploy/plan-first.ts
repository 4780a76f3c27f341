import { AwsError } from '../../aws/errors.js';
import type { CloudFormationPort, ResourceChange } from '../../aws/ports.js';
import type { ApprovalRequest } from '../guards/approvals.js';
import { replacementCausesByResource } from '../guards/replacement-causes.js';
import type { PreparedStack } from './deploy-stack.js';
import type { ResourceChangeSummary } from '../events.js';

/**
 * `deploy --plan-first`: every change set that can be made up front is made, shown and approved
 * once, then executed in graph order. These are the pieces the scheduler needs for it.
 */

/** The one question for the whole plan: every change of every prepared stack, `<stack>.<LogicalId>`. */
export function planApprovalRequest(prepared: readonly PreparedStack[], deferred: readonly string[]): ApprovalRequest {
  const changes: ResourceChangeSummary[] = prepared.flatMap((p) =>
    p.changes.map((c) => ({ ...c, logicalId: `${p.stack.id}.${c.logicalId}` })),
  );
  const flagged = changes.filter(
    (c) => c.action === 'Remove' || c.replacement === 'True' || c.replacement === 'Conditional',
  );
  const n = (action: string): number => changes.filter((c) => c.action === action).length;
  const stacks = prepared.map((p) => p.stack.id);
  const flaggedNote = flagged.length > 0 ? ` (${flagged.length} removed or replaced)` : '';
  const later =
    deferred.length > 0
      ? `; ${deferred.join(', ')} ${deferred.length === 1 ? 'gets its' : 'get their'} change set ` +
        'after the stacks it depends on, approved under --require-approval'
      : '';
  return {
    stack: 'plan',
    stackName: `${stacks.length} ${stacks.length === 1 ? 'stack' : 'stacks'}: ${stacks.join(', ')}`,
    reason:
      `${n('Add')} to add, ${n('Modify')} to modify, ${n('Remove')} to remove${flaggedNote}; ` +
      `approving executes these change sets in graph order${later}`,
    flagged,
    changes,
    replacedBecause: new Map(
      prepared.flatMap((p) => [...replacementCausesByResource(p.resourceChanges, (id) => `${p.stack.id}.${id}`)]),
    ),
    // Stacks left for later are asked about one by one: "all remaining" means something then.
    onlyQuestion: deferred.length === 0,
  };
}

/**
 * Why a change set made at the start of the run may no longer be executed, or undefined when it
 * still can: CloudFormation marks it OBSOLETE when the stack changes by other means (§2.2), and
 * a stack updated or created meanwhile by someone else is caught even where it does not.
 */
export async function staleReason(cf: CloudFormationPort, prepared: PreparedStack): Promise<string | undefined> {
  const changeSet = await cf.describeChangeSet(prepared.changeSetId).catch((error: unknown) => {
    // Deleted meanwhile (by a person or another run): it cannot be executed either.
    if (error instanceof AwsError && error.awsCode === 'ChangeSetNotFound') return undefined;
    throw error;
  });
  // Executing another change set of the stack deletes this one (§2.2).
  if (!changeSet) return 'its change set is gone: another change set of the stack was executed, or someone deleted it';
  if (changeSet.executionStatus !== 'AVAILABLE')
    return `its change set is ${changeSet.executionStatus ?? changeSet.status}`;
  const now = await cf.describeStack(prepared.stackId);
  const before = prepared.deployed;
  if (!before) {
    return now && now.status !== 'REVIEW_IN_PROGRESS' ? `the stack was created meanwhile (${now.status})` : undefined;
  }
  if (!now || now.status === 'DELETE_COMPLETE') return 'the stack was deleted meanwhile';
  const moved = (now.lastUpdatedTime?.getTime() ?? 0) !== (before.lastUpdatedTime?.getTime() ?? 0);
  if (moved || now.status !== before.status)
    return `the stack changed meanwhile (${now.status}${now.lastUpdatedTime ? ` at ${now.lastUpdatedTime.toISOString()}` : ''})`;
  return undefined;
}

/**
 * Whether a new change set does what the approved one did: the same resources, actions and
 * replacements, and the same properties changing.
 */
export function sameChanges(a: readonly ResourceChange[], b: readonly ResourceChange[]): boolean {
  const key = (c: ResourceChange): string => {
    const properties = [...new Set(c.details.map((d) => `${d.attribute ?? ''}.${d.name ?? ''}`))].sort().join(',');
    return `${c.action} ${c.logicalId} ${c.resourceType} ${c.replacement ?? ''} ${properties}`;
  };
  const left = a.map(key).sort();
  const right = b.map(key).sort();
  return left.length === right.length && left.every((k, i) => k === right[i]);
}
