/** When an approved change set may no longer be executed (`deploy --plan-first`). */
import { describe, expect, it } from 'vitest';
import { AwsError } from '../../src/aws/errors.js';
import type { ChangeSetDescription, CloudFormationPort, StackDescription } from '../../src/aws/ports.js';
import type { PreparedStack } from '../../src/engine/deploy/deploy-stack.js';
import { sameChanges, staleReason } from '../../src/engine/deploy/plan-first.js';

const stack = (over: Partial<StackDescription> = {}): StackDescription => ({
  stackId: 'arn:stack/app/1',
  stackName: 'app',
  status: 'UPDATE_COMPLETE',
  statusReason: undefined,
  parameters: [],
  outputs: [],
  tags: {},
  capabilities: [],
  terminationProtection: false,
  creationTime: new Date(0),
  lastUpdatedTime: new Date(1_000),
  ...over,
});
const changeSet = (over: Partial<ChangeSetDescription> = {}): ChangeSetDescription => ({
  changeSetId: 'arn:cs/1',
  changeSetName: 'stackpilot-x',
  stackId: 'arn:stack/app/1',
  status: 'CREATE_COMPLETE',
  statusReason: undefined,
  executionStatus: 'AVAILABLE',
  changes: [],
  ...over,
});
const prepared = (deployed: StackDescription | undefined): PreparedStack => ({
  stack: { id: 'app', stackName: 'app' } as PreparedStack['stack'],
  type: deployed ? 'UPDATE' : 'CREATE',
  changeSetId: 'arn:cs/1',
  stackId: 'arn:stack/app/1',
  changeSetName: 'stackpilot-x',
  token: 't',
  changes: [],
  resourceChanges: [],
  nestedChangeSets: new Map(),
  deployed,
});
function port(cs: () => Promise<ChangeSetDescription>, now: StackDescription | undefined): CloudFormationPort {
  return { describeChangeSet: cs, describeStack: () => Promise.resolve(now) } as unknown as CloudFormationPort;
}

describe('staleReason', () => {
  it('is undefined while the change set is available and the stack has not moved', async () => {
    expect(
      await staleReason(
        port(() => Promise.resolve(changeSet()), stack()),
        prepared(stack()),
      ),
    ).toBeUndefined();
    expect(
      await staleReason(
        port(() => Promise.resolve(changeSet()), stack({ status: 'REVIEW_IN_PROGRESS', lastUpdatedTime: undefined })),
        prepared(undefined),
      ),
    ).toBeUndefined();
  });
  it('names an OBSOLETE change set', async () => {
    expect(
      await staleReason(
        port(() => Promise.resolve(changeSet({ executionStatus: 'OBSOLETE' })), stack()),
        prepared(stack()),
      ),
    ).toBe('its change set is OBSOLETE');
  });
  it('names a change set that is gone', async () => {
    const gone = (): Promise<ChangeSetDescription> =>
      Promise.reject(new AwsError('DescribeChangeSet', 'ChangeSetNotFound', 'ChangeSet [x] does not exist', 404));
    expect(await staleReason(port(gone, stack()), prepared(stack()))).toMatch(/^its change set is gone/);
  });
  it('names a stack updated, deleted or created meanwhile even when the change set still looks available', async () => {
    const available = (): Promise<ChangeSetDescription> => Promise.resolve(changeSet());
    expect(await staleReason(port(available, stack({ lastUpdatedTime: new Date(5_000) })), prepared(stack()))).toBe(
      'the stack changed meanwhile (UPDATE_COMPLETE at 1970-01-01T00:00:05.000Z)',
    );
    expect(await staleReason(port(available, undefined), prepared(stack()))).toBe('the stack was deleted meanwhile');
    expect(await staleReason(port(available, stack({ status: 'CREATE_COMPLETE' })), prepared(undefined))).toBe(
      'the stack was created meanwhile (CREATE_COMPLETE)',
    );
  });
  it('passes other errors on', async () => {
    const denied = (): Promise<ChangeSetDescription> =>
      Promise.reject(new AwsError('DescribeChangeSet', 'AccessDenied', 'no', 403));
    await expect(staleReason(port(denied, stack()), prepared(stack()))).rejects.toThrow('AccessDenied');
  });
});

describe('sameChanges', () => {
  const change = (name: string, replacement = 'False') => ({
    action: 'Modify' as const,
    logicalId: 'Fn',
    physicalId: undefined,
    resourceType: 'AWS::Lambda::Function',
    replacement,
    scope: ['Properties'],
    details: [
      {
        attribute: 'Properties',
        name,
        requiresRecreation: 'Never',
        changeSource: 'DirectModification',
        causingEntity: undefined,
        evaluation: 'Static',
      },
    ],
  });
  it('compares resources, actions, replacements and the properties that change', () => {
    expect(sameChanges([change('MemorySize')], [change('MemorySize')])).toBe(true);
    expect(sameChanges([change('MemorySize')], [change('Timeout')])).toBe(false);
    expect(sameChanges([change('MemorySize')], [change('MemorySize', 'True')])).toBe(false);
    expect(sameChanges([change('MemorySize')], [])).toBe(false);
  });
});
