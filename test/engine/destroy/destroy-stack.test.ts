/** The per-stack destroy operation and its planning, on the simulator (issue 13 item 1). */
import { describe, expect, it } from 'vitest';
import { AwsError } from '../../../src/aws/errors.js';
import { planDestroy } from '../../../src/engine/destroy/destroy-plan.js';
import { deployedExample, deployedProject, destroyEach, planFor, statuses } from './support.js';

describe('planning a destroy (reads only)', () => {
  it('orders dependents first, lists what DeletionPolicy keeps with fixed names, and refuses the stateful stack unless allowed', async () => {
    const world = await deployedExample();
    const calls = world.sim.stats().calls.length;
    const plan = await planFor(world);
    expect(plan.targets.map((t) => t.id)).toEqual(['backup', 'app', 'data', 'core-infra']);
    const data = plan.targets.find((t) => t.id === 'data');
    expect(data?.kept.map((k) => [k.logicalId, k.policy, k.fixedName])).toEqual([
      ['Table', 'Retain', 'orders-dev-orders'],
      // The template's !Sub resolved with the account the stack's ARN names.
      ['Bucket', 'Retain', 'orders-dev-data-123456789012-us-east-1'],
    ]);
    expect(data?.refusal).toBe(
      'data is stateful (its data goes with it; DeletionPolicy keeps Table, Bucket): allow it with --allow-stateful data, or allowDestroy: true for this stack in the config',
    );
    expect(plan.targets.find((t) => t.id === 'backup')?.kept.map((k) => k.logicalId)).toEqual(['BackupVault']);
    expect(plan.targets.filter((t) => t.refusal !== undefined).map((t) => t.id)).toEqual(['data']);
    // Nothing but reads.
    const written = world.sim
      .stats()
      .calls.slice(calls)
      .filter((c) => !/^(Describe|Get|List)/.test(c.operation));
    expect(written).toEqual([]);

    const allowed = await planFor(world, [], { allowStateful: ['data'] });
    expect(allowed.targets.every((t) => t.refusal === undefined)).toBe(true);
  });

  it('refuses a stack not marked stateful that holds data no DeletionPolicy keeps (a second signal), unless allowed', async () => {
    const world = await deployedProject(LOGS);
    const plan = await planFor(world);
    expect(plan.targets[0]?.refusal).toBe(
      'web holds data that no DeletionPolicy keeps: Logs (AWS::S3::Bucket), Key (AWS::KMS::Key); ' +
        'allow it with --allow-stateful web, or allowDestroy: true for this stack in the config, ' +
        'or give those resources DeletionPolicy: Retain or Snapshot and deploy before destroying',
    );
    const run = await destroyEach(world, plan);
    expect(statuses(run.results)).toEqual({ web: 'blocked' });
    expect(world.sim.inspect.stack('demo-dev-web')?.status).toBe('CREATE_COMPLETE');
    expect((await planFor(world, [], { allowStateful: ['web'] })).targets[0]?.refusal).toBeUndefined();
  });

  it('a queue-only stack is not refused; data kept by DeletionPolicy is not refused either', async () => {
    const world = await deployedProject({
      'stacks.config.json': JSON.stringify({
        project: 'demo',
        region: 'us-east-1',
        stacks: { web: { template: 'web.yaml' } },
      }),
      'web.yaml':
        'Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n  Logs:\n    Type: AWS::S3::Bucket\n    DeletionPolicy: Retain\n',
    });
    expect((await planFor(world)).targets[0]?.refusal).toBeUndefined();
  });

  it('when the deployed template cannot be read, every deployed resource of a data type counts (ListStackResources)', async () => {
    const world = await deployedProject(LOGS);
    const cf = world.ports.cloudFormation;
    const plan = await planDestroy({
      project: world.project,
      selected: ['web'],
      cf: { ...cf, getTemplate: () => Promise.resolve('{ not a template') },
      allowStateful: new Set(),
    });
    expect(plan.targets[0]?.refusal).toContain(
      'web holds data that no DeletionPolicy keeps: Logs (AWS::S3::Bucket), Key (AWS::KMS::Key) ' +
        '(its deployed template could not be read, so every resource of a data type counts)',
    );
  });

  it('runs the other way: `data` brings its dependents; --exclusively is refused while one is deployed', async () => {
    const world = await deployedExample();
    expect((await planFor(world, ['data'], { allowStateful: ['data'] })).targets.map((t) => t.id)).toEqual([
      'backup',
      'app',
      'data',
    ]);
    const alone = await planFor(world, ['data'], { exclusively: true, allowStateful: ['data'] });
    expect(alone.targets.map((t) => t.id)).toEqual(['data']);
    expect(alone.targets[0]?.refusal).toBe(
      'app (orders-dev-app), backup (orders-dev-backup) depend on it and are still deployed: destroy data without --exclusively, or destroy app backup first',
    );
  });

  it('refuses a termination-protected stack, naming the command to lift it, and never lifts it', async () => {
    const world = await deployedExample();
    await world.sim.ports.cloudFormation.updateTerminationProtection('orders-dev-backup', true);
    const plan = await planFor(world, ['backup']);
    expect(plan.targets[0]?.refusal).toBe(
      'orders-dev-backup has termination protection, which stackpilot never lifts; if it is to go, lift it yourself: aws cloudformation update-termination-protection --no-enable-termination-protection --stack-name orders-dev-backup --region us-east-1',
    );
    const run = await destroyEach(world, plan);
    expect(statuses(run.results)).toEqual({ backup: 'blocked' });
    expect(world.sim.stats().calls.filter((c) => c.operation === 'UpdateTerminationProtection')).toHaveLength(1);
    expect(world.sim.inspect.stack('orders-dev-backup')?.status).toBe('CREATE_COMPLETE');
  });

  it('refuses a stack whose export a stack outside the config imports, naming the importer (ListImports)', async () => {
    const world = await deployedExample();
    // Another team's stack imports two of core-infra's exports.
    const cf = world.sim.ports.cloudFormation;
    const made = await cf.createChangeSet({
      stackName: 'billing-dev',
      changeSetName: 'other-tool',
      changeSetType: 'CREATE',
      templateBody: `Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      Tags:
        - { Key: vpc, Value: !ImportValue orders-dev-VpcId }
        - { Key: sg, Value: !ImportValue orders-dev-LambdaSecurityGroupId }
`,
      parameters: [],
      tags: {},
      capabilities: [],
      clientToken: 'other-tool',
    });
    await world.clock.sleep(10_000);
    await cf.executeChangeSet(made.changeSetId, 'other-tool');
    await world.clock.sleep(120_000);
    expect(world.sim.inspect.stack('billing-dev')?.status).toBe('CREATE_COMPLETE');

    const plan = await planFor(world, ['core-infra'], { allowStateful: ['data'] });
    expect(plan.targets.map((t) => t.id)).toEqual(['backup', 'app', 'data', 'core-infra']);
    expect(plan.targets.map((t) => [t.id, t.refusal])).toEqual([
      ['backup', undefined],
      ['app', undefined],
      ['data', undefined],
      [
        'core-infra',
        'billing-dev, which this destroy does not delete, imports its exports orders-dev-VpcId, orders-dev-LambdaSecurityGroupId: delete billing-dev or update it to stop importing first (CloudFormation refuses to delete an export in use)',
      ],
    ]);
  });

  it('warns once and goes on when ListImports is unavailable (an emulator answering 500)', async () => {
    const world = await deployedExample();
    world.ports = {
      ...world.ports,
      cloudFormation: {
        ...world.ports.cloudFormation,
        listImports: () => Promise.reject(new AwsError('ListImports', 'InternalFailure', 'not implemented', 500)),
      },
    };
    const plan = await planFor(world, [], { allowStateful: ['data'] });
    expect(plan.warnings).toEqual([
      'could not check who imports orders-dev-BackupVaultName (ListImports answered InternalFailure, HTTP 500: not implemented); going on: CloudFormation itself refuses to delete an export in use',
    ]);
    expect(plan.targets.every((t) => t.refusal === undefined)).toBe(true);
  });
});

describe('deleting one stack', () => {
  it('deletes each stack (DeleteStack, no change set), reports the retained resources by physical id, then says absent', async () => {
    const world = await deployedExample();
    const plan = await planFor(world, [], { allowStateful: ['data'] });
    const run = await destroyEach(world, plan);
    expect(statuses(run.results)).toEqual({
      backup: 'deleted',
      app: 'deleted',
      data: 'deleted',
      'core-infra': 'deleted',
    });
    expect(run.results.get('data')?.retained).toEqual([
      { logicalId: 'Table', resourceType: 'AWS::DynamoDB::Table', physicalId: 'orders-dev-orders', fixedName: true },
      {
        logicalId: 'Bucket',
        resourceType: 'AWS::S3::Bucket',
        physicalId: 'orders-dev-data-123456789012-us-east-1',
        fixedName: true,
      },
    ]);
    expect(run.results.get('app')?.retained).toEqual([]);
    expect(world.sim.stats().calls.filter((c) => c.operation === 'CreateChangeSet')).toHaveLength(4);
    const deleting = run.events.filter((e) => e.type === 'stack:deleting');
    expect(deleting.map((e) => e.stack)).toEqual(['backup', 'app', 'data', 'core-infra']);
    expect(
      run.events.some((e) => e.type === 'stack:resource' && e.status === 'DELETE_SKIPPED' && e.logicalId === 'Bucket'),
    ).toBe(true);

    const again = await destroyEach(world, await planFor(world, [], { allowStateful: ['data'] }));
    expect(statuses(again.results)).toEqual({
      backup: 'absent',
      app: 'absent',
      data: 'absent',
      'core-infra': 'absent',
    });
  });

  it('reports DELETE_FAILED with the root cause and the --retain next step; the retry with --retain completes', async () => {
    const world = await deployedProject(LOGS, { stacks: { web: { nonEmptyBuckets: ['Logs'] } } });
    const first = await destroyEach(world, await planFor(world, [], { allowStateful: ['web'] }));
    const failed = first.results.get('web');
    expect(failed?.status).toBe('failed');
    expect(failed?.stackStatus).toBe('DELETE_FAILED');
    expect(failed?.rootCause).toMatchObject({
      logicalId: 'Logs',
      resourceType: 'AWS::S3::Bucket',
      status: 'DELETE_FAILED',
    });
    expect(failed?.rootCause?.reason).toMatch(
      /^The bucket you tried to delete is not empty \(Service: Amazon S3; Status Code: 409; Error Code: BucketNotEmpty;/,
    );
    expect(failed?.reason?.split('\n')).toEqual([
      `demo-dev-web ended in DELETE_FAILED: Logs (AWS::S3::Bucket) DELETE_FAILED: ${failed?.rootCause?.reason}`,
      '→ fix what stops it (e.g. empty the bucket) and run destroy again, or leave it in place: stackpilot destroy web --retain Logs (RetainResources: CloudFormation skips it and deletes the rest)',
    ]);
    expect(world.sim.inspect.stack('demo-dev-web')?.status).toBe('DELETE_FAILED');

    const retry = await destroyEach(world, await planFor(world, [], { allowStateful: ['web'] }), {
      retain: { web: ['Logs'] },
    });
    expect(statuses(retry.results)).toEqual({ web: 'deleted' });
    expect(retry.results.get('web')?.retained).toEqual([
      {
        logicalId: 'Logs',
        resourceType: 'AWS::S3::Bucket',
        physicalId: expect.stringMatching(/^demo-dev-web-logs-[a-z0-9]{12}$/) as unknown,
        fixedName: false,
      },
    ]);
    const deletes = world.sim.stats().calls.filter((c) => c.operation === 'DeleteStack');
    expect(deletes).toHaveLength(2);
  });

  it('keeps a bucket named with --retain in the same run: the delete fails on it, then is retried with RetainResources', async () => {
    const world = await deployedProject(LOGS, { stacks: { web: { nonEmptyBuckets: ['Logs'] } } });
    const run = await destroyEach(world, await planFor(world, [], { allowStateful: ['web'] }), {
      retain: { web: ['Logs'] },
    });
    expect(statuses(run.results)).toEqual({ web: 'deleted' });
    expect(run.events.filter((e) => e.type === 'stack:deleting').map((e) => e.retain)).toEqual([[], ['Logs']]);
    expect(world.sim.inspect.stack('demo-dev-web')).toBeUndefined();
  });

  it('gives up on a stuck delete at the wait timeout, saying what to do (CloudFormation goes on)', async () => {
    const world = await deployedProject(LOGS, { stacks: { web: { deleteHangs: true } } });
    const started = world.clock.now();
    const run = await destroyEach(world, await planFor(world, [], { allowStateful: ['web'] }), {
      waitTimeoutMs: 5 * 60_000,
    });
    const result = run.results.get('web');
    expect(result?.status).toBe('failed');
    expect(result?.stackStatus).toBe('DELETE_IN_PROGRESS');
    expect(result?.reason).toContain('demo-dev-web was still DELETE_IN_PROGRESS after 5m00s (--wait-timeout)');
    expect(result?.reason).toContain('run destroy again: it waits for the delete still running');
    // Bounded: the follower stopped within a poll of the deadline (virtual time).
    expect(world.clock.now() - started).toBeLessThan(5 * 60_000 + 20_000);
    expect(world.sim.inspect.stack('demo-dev-web')?.status).toBe('DELETE_IN_PROGRESS');
  });
});

const LOGS = {
  'stacks.config.json': JSON.stringify({
    project: 'demo',
    region: 'us-east-1',
    stacks: { web: { template: 'web.yaml' } },
  }),
  'web.yaml': `Resources:
  Queue:
    Type: AWS::SQS::Queue
  Logs:
    Type: AWS::S3::Bucket
    DependsOn: Key
  Key:
    Type: AWS::KMS::Key
`,
};
