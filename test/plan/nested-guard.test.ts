/**
 * The data guard inside nested stacks (on AWS, a change set made with IncludeNestedStacks names
 * each nested stack's change set). The simulator has no nested stacks, so a port double gives
 * app's root change set a nested stack `Store` whose own change set replaces or removes data.
 */
import { describe, expect, it } from 'vitest';
import { AwsError } from '../../src/aws/errors.js';
import type { AwsPorts, CloudFormationPort, ResourceChange } from '../../src/aws/ports.js';
import { loadProject } from '../../src/graph/load-project.js';
import type { Project } from '../../src/graph/load-project.js';
import { REPO_ROOT } from '../helpers/run-cli.js';
import { doneOf, eventsOf, outcomes, simDeploy, simWorld } from '../scheduler/support.js';
import type { SimWorld } from '../scheduler/support.js';

const NESTED = 'arn:aws:cloudformation:us-east-1:123456789012:changeSet/store/1';
const NESTED_STACK = 'arn:aws:cloudformation:us-east-1:123456789012:stack/orders-dev-app-Store-X/1';

const change = (over: Partial<ResourceChange>): ResourceChange => ({
  action: 'Modify',
  logicalId: 'X',
  physicalId: 'x-1',
  resourceType: 'AWS::DynamoDB::Table',
  replacement: 'False',
  scope: ['Properties'],
  details: [],
  ...over,
});

/** app's change sets get a nested stack Store whose change set holds `nested` (or cannot be read). */
function withNestedStore(
  cf: CloudFormationPort,
  nested: ResourceChange[] | 'unreadable',
  nestedTemplate = '',
): CloudFormationPort {
  return {
    ...cf,
    async describeChangeSet(id) {
      if (id === NESTED) {
        if (nested === 'unreadable') throw new AwsError('DescribeChangeSet', 'AccessDenied', 'not allowed', 403);
        return {
          changeSetId: NESTED,
          changeSetName: 'store',
          stackId: NESTED_STACK,
          status: 'CREATE_COMPLETE',
          statusReason: undefined,
          executionStatus: 'AVAILABLE',
          changes: nested,
        };
      }
      const described = await cf.describeChangeSet(id);
      if (!described.stackId.includes('orders-dev-app') || described.status !== 'CREATE_COMPLETE') return described;
      return {
        ...described,
        changes: [
          ...described.changes,
          change({
            logicalId: 'Store',
            physicalId: NESTED_STACK,
            resourceType: 'AWS::CloudFormation::Stack',
            nestedChangeSetId: NESTED,
          }),
        ],
      };
    },
    async getTemplate(stack) {
      return stack === NESTED_STACK ? nestedTemplate : cf.getTemplate(stack);
    },
  };
}

async function deployedWorld(): Promise<{ world: SimWorld; edited: Project }> {
  const project = await loadProject({ cwd: REPO_ROOT, command: 'deploy' });
  const world = simWorld(project);
  await simDeploy(world);
  const app = project.templates.get('app');
  if (!app) throw new Error('no app template');
  // app changes, so it gets a change set (the double adds the nested stack to it).
  const edited = {
    ...project,
    templates: new Map(project.templates).set('app', {
      ...app,
      body: app.body.replaceAll('MemorySize: 256', 'MemorySize: 512'),
    }),
  };
  return { world, edited };
}

function through(world: SimWorld, project: Project, cf: CloudFormationPort): SimWorld {
  const ports: AwsPorts = { ...world.sim.ports, cloudFormation: cf };
  return { ...world, project, sim: { ...world.sim, ports } };
}

const rekey = change({
  logicalId: 'Table',
  replacement: 'True',
  details: [
    {
      attribute: 'Properties',
      name: 'KeySchema',
      requiresRecreation: 'Always',
      changeSource: 'DirectModification',
      causingEntity: undefined,
      evaluation: 'Static',
    },
  ],
});

describe('the data guard in nested stacks', () => {
  it('blocks a stack whose nested stack would replace a table, naming the nested path and the flag', async () => {
    const { world, edited } = await deployedWorld();
    const run = await simDeploy(through(world, edited, withNestedStore(world.sim.ports.cloudFormation, [rekey])), {
      stacks: ['app'],
    });
    expect(outcomes(run.result).app).toBe('blocked');
    expect(doneOf(run.log, 'app').event.reason).toBe(
      'refused to lose data: in nested stack Store: Table (AWS::DynamoDB::Table) would be replaced because KeySchema changes, losing its data; to allow it: --allow-replace app.Store.Table',
    );
    expect(eventsOf(run.log, 'stack:executing', 'app')).toEqual([]);
  });

  it('lets it through with --allow-replace app.Store.Table', async () => {
    const { world, edited } = await deployedWorld();
    const run = await simDeploy(through(world, edited, withNestedStore(world.sim.ports.cloudFormation, [rekey])), {
      stacks: ['app'],
      allowReplace: new Set(['app.Store.Table']),
    });
    expect(outcomes(run.result).app).toBe('updated');
  });

  it("warns, without blocking, for a removal the nested stack's DeletionPolicy Retain keeps", async () => {
    const { world, edited } = await deployedWorld();
    const removed = change({
      action: 'Remove',
      logicalId: 'Bucket',
      resourceType: 'AWS::S3::Bucket',
      replacement: undefined,
    });
    const template = 'Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n    DeletionPolicy: Retain\n';
    const run = await simDeploy(
      through(world, edited, withNestedStore(world.sim.ports.cloudFormation, [removed], template)),
      { stacks: ['app'] },
    );
    expect(outcomes(run.result).app).toBe('updated');
    expect(eventsOf(run.log, 'stack:warning', 'app').map((r) => r.event.message)).toContain(
      'in nested stack Store: Bucket (AWS::S3::Bucket) leaves the stack but is kept (DeletionPolicy Retain); it will no longer be managed by it',
    );
  });

  it('warns when a nested change set cannot be read, and goes on', async () => {
    const { world, edited } = await deployedWorld();
    const run = await simDeploy(through(world, edited, withNestedStore(world.sim.ports.cloudFormation, 'unreadable')), {
      stacks: ['app'],
    });
    expect(outcomes(run.result).app).toBe('updated');
    expect(eventsOf(run.log, 'stack:warning', 'app').map((r) => r.event.message)).toContain(
      'could not read the change set of nested stack Store (not allowed): its changes were not checked for data loss',
    );
  });

  it('takes the worse of the nested change set and the spec: KeySchema said Never, Replacement False, is blocked', async () => {
    const { world, edited } = await deployedWorld();
    const understated = change({
      logicalId: 'Table',
      replacement: 'False',
      details: (rekey.details ?? []).map((d) => ({ ...d, requiresRecreation: 'Never' })),
    });
    const run = await simDeploy(
      through(world, edited, withNestedStore(world.sim.ports.cloudFormation, [understated])),
      { stacks: ['app'] },
    );
    expect(outcomes(run.result).app).toBe('blocked');
    expect(doneOf(run.log, 'app').event.reason).toContain(
      'in nested stack Store: Table (AWS::DynamoDB::Table) would be replaced because KeySchema changes',
    );
  });

  it('says a nested Modify of a table with no details (nothing explains it), without blocking', async () => {
    const { world, edited } = await deployedWorld();
    const bare = change({ logicalId: 'Table', replacement: undefined, scope: [] });
    const run = await simDeploy(through(world, edited, withNestedStore(world.sim.ports.cloudFormation, [bare])), {
      stacks: ['app'],
    });
    expect(outcomes(run.result).app).toBe('updated');
    expect(eventsOf(run.log, 'stack:warning', 'app').map((r) => r.event.message)).toContainEqual(
      expect.stringContaining(
        'in nested stack Store: Table (AWS::DynamoDB::Table) changes, but neither the change set',
      ),
    );
  });
});
