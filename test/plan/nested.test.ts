/**
 * Nested stacks in a plan. The simulator has none, so a small port double wraps it: the root
 * change set of `app` answers an `AWS::CloudFormation::Stack` change carrying a nested change
 * set's id (ResourceChange.ChangeSetId, §2.4), which has a nested stack of its own. planRun must
 * describe them all (each through the port, which drains every page), show them under their
 * parent's row, and delete only the root change set (CloudFormation deletes the hierarchy, §2.2).
 */
import pc from 'picocolors';
import { describe, expect, it } from 'vitest';
import { AwsError } from '../../src/aws/errors.js';
import type { ChangeSetDescription, CloudFormationPort, ResourceChange } from '../../src/aws/ports.js';
import type { EngineEvent } from '../../src/engine/events.js';
import { planRun } from '../../src/engine/plan/plan-run.js';
import { loadProject } from '../../src/graph/load-project.js';
import { formatPlan } from '../../src/ui/plan-report.js';
import { renderPlanSummary } from '../../src/ui/ci/plan-summary.js';
import { REPO_ROOT } from '../helpers/run-cli.js';
import { simDeploy, simWorld } from '../scheduler/support.js';

const NESTED = 'arn:aws:cloudformation:us-east-1:123456789012:changeSet/nested-network/1';
const DEEPER = 'arn:aws:cloudformation:us-east-1:123456789012:changeSet/nested-subnets/2';
const BROKEN = 'arn:aws:cloudformation:us-east-1:123456789012:changeSet/nested-broken/3';

const change = (over: Partial<ResourceChange>): ResourceChange => ({
  action: 'Modify',
  logicalId: 'X',
  physicalId: 'x-1',
  resourceType: 'AWS::EC2::Subnet',
  replacement: 'False',
  scope: ['Properties'],
  details: [],
  ...over,
});

function nestedDescription(id: string, changes: ResourceChange[]): ChangeSetDescription {
  return {
    changeSetId: id,
    changeSetName: id.split('/')[1] ?? '',
    stackId: 'nested',
    status: 'CREATE_COMPLETE',
    statusReason: undefined,
    executionStatus: 'AVAILABLE',
    changes,
  };
}

/** The simulator's CloudFormation, with app's root change set holding two nested stacks, one of them nested twice. */
function withNestedStacks(cf: CloudFormationPort, calls: string[]): CloudFormationPort {
  return {
    ...cf,
    async describeChangeSet(id) {
      calls.push(`describe ${id.split('/')[1] ?? id}`);
      if (id === NESTED) {
        return nestedDescription(NESTED, [
          change({
            logicalId: 'RouteTable',
            resourceType: 'AWS::EC2::RouteTable',
            details: [
              {
                attribute: 'Properties',
                name: 'Tags',
                requiresRecreation: 'Never',
                changeSource: 'DirectModification',
                causingEntity: undefined,
                evaluation: 'Static',
              },
            ],
          }),
          change({ logicalId: 'Subnets', resourceType: 'AWS::CloudFormation::Stack', nestedChangeSetId: DEEPER }),
        ]);
      }
      if (id === DEEPER) return nestedDescription(DEEPER, [change({ logicalId: 'SubnetA', replacement: 'True' })]);
      if (id === BROKEN)
        throw new AwsError('DescribeChangeSet', 'ChangeSetNotFound', `ChangeSet [${BROKEN}] does not exist`, 404);
      const described = await cf.describeChangeSet(id);
      if (!described.stackId.includes('orders-dev-app') || described.status !== 'CREATE_COMPLETE') return described;
      return {
        ...described,
        changes: [
          ...described.changes,
          change({
            logicalId: 'Network',
            resourceType: 'AWS::CloudFormation::Stack',
            nestedChangeSetId: NESTED,
            details: [
              {
                attribute: 'Properties',
                name: 'Parameters',
                requiresRecreation: 'Never',
                changeSource: 'DirectModification',
                causingEntity: undefined,
                evaluation: 'Static',
              },
            ],
          }),
          change({ logicalId: 'Broken', resourceType: 'AWS::CloudFormation::Stack', nestedChangeSetId: BROKEN }),
        ],
      };
    },
    async deleteChangeSet(id) {
      calls.push(`delete ${id.split('/')[1] ?? id}`);
      return cf.deleteChangeSet(id);
    },
  };
}

describe('nested stacks in a plan', () => {
  it('describes nested change sets recursively, shows them under their parent, and deletes only the root', async () => {
    const project = await loadProject({ cwd: REPO_ROOT, command: 'plan' });
    const world = simWorld(project);
    await simDeploy(world);
    const app = project.templates.get('app');
    if (!app) throw new Error('example template app missing');
    const edited = {
      ...project,
      templates: new Map(project.templates).set('app', {
        ...app,
        body: app.body.replaceAll('MemorySize: 256', 'MemorySize: 512'),
      }),
    };
    const calls: string[] = [];
    const events: EngineEvent[] = [];
    const result = await planRun({
      project: edited,
      stacks: ['app'],
      ports: { ...world.sim.ports, cloudFormation: withNestedStacks(world.sim.ports.cloudFormation, calls) },
      clock: world.clock,
      emit: (e) => events.push(e),
      concurrency: 1,
    });

    const appPlan = result.stacks.find((p) => p.stack === 'app');
    expect(appPlan?.status).toBe('changes');
    expect(appPlan?.nested).toEqual([
      {
        logicalId: 'Network',
        changeSetId: NESTED,
        changes: [
          expect.objectContaining({ logicalId: 'RouteTable' }),
          expect.objectContaining({ logicalId: 'Subnets', nestedChangeSetId: DEEPER }),
        ],
        nested: [
          {
            logicalId: 'Subnets',
            changeSetId: DEEPER,
            changes: [expect.objectContaining({ logicalId: 'SubnetA', replacement: 'True' })],
          },
        ],
      },
      {
        logicalId: 'Broken',
        changeSetId: BROKEN,
        changes: [],
        reason: `could not describe its change set: ChangeSet [${BROKEN}] does not exist`,
      },
    ]);
    // Nested change sets are in the event too.
    const planned = events.find((e) => e.type === 'stack:planned' && e.stack === 'app');
    expect(planned).toMatchObject({ nested: appPlan?.nested });

    // The root is described, then each nested change set once; one delete, of the root.
    expect(calls.filter((c) => c.startsWith('describe nested'))).toEqual([
      'describe nested-network',
      'describe nested-subnets',
      'describe nested-broken',
    ]);
    const deletes = calls.filter((c) => c.startsWith('delete'));
    expect(deletes).toHaveLength(1);
    expect(deletes[0]).not.toContain('nested');

    const report = formatPlan(result, pc.createColors(false));
    const lines = report.split('\n');
    const at = (text: string): number => lines.findIndex((l) => l.includes(text));
    expect(at('Network ')).toBeGreaterThan(0);
    expect(lines[at('Network ') + 1]).toMatch(
      /^ {2}Modify {4}↳ RouteTable +AWS::EC2::RouteTable +False +Tags \(direct\)$/,
    );
    expect(lines[at('Network ') + 2]).toMatch(/^ {2}Modify {4}↳ Subnets +AWS::CloudFormation::Stack/);
    expect(lines[at('Network ') + 3]).toMatch(/^ {2}Modify {6}↳ SubnetA +AWS::EC2::Subnet +True/);
    expect(lines[at('Broken ') + 1]).toContain(
      `could not describe its change set: ChangeSet [${BROKEN}] does not exist`,
    );
    // Nested changes count in the stack's headline and the summary.
    expect(report).toContain('app (orders-dev-app): update, 0 to add, 7 to modify, 0 to remove');

    const summary = renderPlanSummary(result.stacks, undefined, {
      project: 'orders',
      stage: 'dev',
      region: 'us-east-1',
      command: 'plan',
      concurrency: 1,
      simulated: true,
    });
    expect(summary).toContain('| Modify | Network › RouteTable | AWS::EC2::RouteTable | False | Tags (direct) |');
    expect(summary).toContain('| Modify | Network › Subnets › SubnetA | AWS::EC2::Subnet | **True** |  |');
    expect(summary).toContain(
      '|  | Broken |  |  | could not describe its change set: ChangeSet \\[arn:aws:cloudformation:us-east-1:123456789012:changeSet/nested-broken/3\\] does not exist |',
    );
  });
});
