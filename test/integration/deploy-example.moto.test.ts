/**
 * The example system deployed to moto over the wire, through the same src/aws adapters users run
 * against AWS. moto (with the harness's patch for outputs and exports after a change set) shows
 * the happy paths; failures, rollbacks and in-progress states are covered in test/engine.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAwsPorts } from '../../src/aws/create-aws-ports.js';
import type { AwsPorts } from '../../src/aws/ports.js';
import { RateLimiter } from '../../src/aws/rate-limiter.js';
import { systemClock } from '../../src/clock.js';
import { deployRun } from '../../src/engine/deploy/deploy-run.js';
import { packageStacks } from '../../src/engine/package-stacks.js';
import type { EngineEvent } from '../../src/engine/events.js';
import { loadProject } from '../../src/graph/load-project.js';
import { MOTO_REGION, useMoto } from '../harness/aws-env.js';
import { copyExample, createS3Bucket } from '../helpers/example-project.js';
import { useTestCredentials } from '../harness/test-credentials.js';

const { endpoint } = useMoto();
useTestCredentials();

function ports(): AwsPorts {
  return createAwsPorts(
    { region: MOTO_REGION, endpoint },
    { limiter: new RateLimiter({ ratePerSecond: 200, burst: 50 }) },
  );
}

async function deploy(
  dir: string,
  options: { stacks?: string[]; ports?: AwsPorts } = {},
): Promise<{ exitCode: number; events: EngineEvent[] }> {
  const project = await loadProject({ cwd: dir, command: 'deploy' });
  const events: EngineEvent[] = [];
  const stacks = options.stacks ?? project.orderings.order;
  const used = options.ports ?? ports();
  // As `stackpilot deploy` does: app's code and nested template go to S3 first.
  const packaging = await packageStacks({ project, stacks, s3: used.s3 });
  const result = await deployRun({
    project,
    stacks,
    ports: used,
    clock: systemClock,
    packaging,
    emit: (e) => events.push(e),
    approve: () => Promise.resolve({ approved: true }),
  });
  return { exitCode: result.exitCode, events };
}

const done = (events: EngineEvent[]): Record<string, string> =>
  Object.fromEntries(events.flatMap((e) => (e.type === 'stack:done' ? [[e.stack, e.status]] : [])));

/** Change sets of a stack that were never executed: what a run must not leave behind. */
async function unexecutedChangeSets(stackName: string): Promise<number> {
  // ListChangeSets is not one of our ports; ask moto over the wire. AWS keeps an executed change set
  // describable (§2.2), and moto lists it too, so only the not-executed ones count.
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Authorization:
        'AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/cloudformation/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: new URLSearchParams({ Action: 'ListChangeSets', Version: '2010-05-15', StackName: stackName }),
  });
  const xml = await response.text();
  if (!response.ok) throw new Error(`ListChangeSets: HTTP ${response.status} ${xml}`);
  // moto keeps listing the change sets of a deleted stack under its name (AWS does not), so only
  // change sets this tool made (named stackpilot-<run>) are counted.
  const entries = xml
    .split('<member>')
    .slice(1)
    .filter((entry) => /<ChangeSetName>stackpilot-/.test(entry));
  return entries.filter((entry) => !entry.includes('<ExecutionStatus>EXECUTE_COMPLETE</ExecutionStatus>')).length;
}

describe('deploying the example system to moto', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await copyExample();
    await createS3Bucket(endpoint, 'orders-dev-artifacts');
  });

  it('creates every stack from nothing, in dependency order, and writes the outputs file', async () => {
    const { exitCode, events } = await deploy(dir);
    expect(done(events)).toEqual({ 'core-infra': 'created', data: 'created', app: 'created', backup: 'created' });
    expect(exitCode).toBe(0);
    // Each stack executes only after everything it depends on is done.
    const at = (type: string, stack: string): number =>
      events.findIndex((e) => e.type === type && 'stack' in e && e.stack === stack);
    expect(at('stack:executing', 'data')).toBeGreaterThan(at('stack:done', 'core-infra'));
    for (const stack of ['app', 'backup'])
      expect(at('stack:executing', stack)).toBeGreaterThan(at('stack:done', 'data'));
    expect(at('stack:executing', 'app')).toBeGreaterThan(at('stack:done', 'core-infra'));
    // data is tied to core-infra by a declared edge only: its change set is made while core-infra deploys.
    expect(at('stack:changeset', 'data')).toBeLessThan(at('stack:done', 'core-infra'));
    const appOutputs = events.find((e) => e.type === 'stack:outputs' && e.stack === 'app');
    expect(appOutputs?.type === 'stack:outputs' && appOutputs.outputs.ApiUrl).toMatch(
      /^https:\/\/\w+\.execute-api\.us-east-1\.amazonaws\.com\/dev$/,
    );
    const file = JSON.parse(await readFile(join(dir, '.stackpilot', 'outputs.json'), 'utf8')) as Record<string, string>;
    expect(Object.keys(file)).toEqual(['API_URL', 'API_ID']);
    expect(file.API_URL).toContain(file.API_ID);
    const last = events.at(-1);
    expect(last).toMatchObject({
      type: 'run:done',
      exitCode: 0,
      summary: { created: 4, updated: 0, unchanged: 0, failed: 0, skipped: 0, blocked: 0 },
    });
  });

  it('reports every stack unchanged on a second run, with no change set made or left behind', async () => {
    const { exitCode, events } = await deploy(dir);
    expect(done(events)).toEqual({
      'core-infra': 'unchanged',
      data: 'unchanged',
      app: 'unchanged',
      backup: 'unchanged',
    });
    expect(exitCode).toBe(0);
    expect(events.some((e) => e.type === 'stack:changeset' && e.phase === 'creating')).toBe(false);
    for (const name of ['orders-dev-core-infra', 'orders-dev-data', 'orders-dev-app', 'orders-dev-backup']) {
      expect(await unexecutedChangeSets(name)).toBe(0);
    }
    // Two reads per unchanged stack: DescribeStacks and GetTemplate.
    for (const e of events) if (e.type === 'stack:done') expect(e.apiCalls).toBe(2);
  });

  it('updates only the stack whose template changed', async () => {
    const file = join(dir, 'templates', 'backup.yaml');
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace('DeleteAfterDays: 35', 'DeleteAfterDays: 42'));
    expect(await readFile(file, 'utf8')).toContain('DeleteAfterDays: 42');
    const { exitCode, events } = await deploy(dir);
    expect(done(events)).toEqual({ 'core-infra': 'unchanged', data: 'unchanged', app: 'unchanged', backup: 'updated' });
    expect(exitCode).toBe(0);
    const ready = events.find((e) => e.type === 'stack:changeset' && e.phase === 'ready');
    expect(ready).toMatchObject({ stack: 'backup', changeSetType: 'UPDATE' });
  });

  it('replaces a stack left REVIEW_IN_PROGRESS by an aborted run: the next run creates it', async () => {
    const p = ports();
    const body = await readFile(join(dir, 'templates', 'backup.yaml'), 'utf8');
    // An earlier run stopped after CreateChangeSet(CREATE): the stack exists only in REVIEW_IN_PROGRESS.
    await p.cloudFormation.createChangeSet({
      stackName: 'orders-dev-extra',
      // Named as stackpilot names its change sets: only then is the stack ours to delete.
      changeSetName: 'stackpilot-aborted-run',
      changeSetType: 'CREATE',
      templateBody: body,
      parameters: [
        { key: 'Project', value: 'orders' },
        { key: 'Stage', value: 'dev' },
      ],
      tags: {},
      capabilities: ['CAPABILITY_IAM'],
      clientToken: 'aborted-run-token',
    });
    expect((await p.cloudFormation.describeStack('orders-dev-extra'))?.status).toBe('REVIEW_IN_PROGRESS');
    const config = await readFile(join(dir, 'stacks.config.ts'), 'utf8');
    await writeFile(
      join(dir, 'stacks.config.ts'),
      config.replace(
        '    backup: {\n',
        "    extra: {\n      template: 'templates/backup.yaml',\n      stackName: 'orders-dev-extra',\n      parameters: { Project: 'orders', Stage: 'other' },\n    },\n    backup: {\n",
      ),
    );
    const { events } = await deploy(dir, { stacks: ['extra'] });
    expect(done(events)).toEqual({ extra: 'created' });
    expect(events.find((e) => e.type === 'stack:changeset' && e.phase === 'creating')).toMatchObject({
      stack: 'extra',
      changeSetType: 'CREATE',
    });
    expect(events.find((e) => e.type === 'stack:warning')).toMatchObject({
      stack: 'extra',
      message: expect.stringContaining('left in REVIEW_IN_PROGRESS by an earlier run') as string,
    });
    const created = await p.cloudFormation.describeStack('orders-dev-extra');
    expect(created?.status).toBe('CREATE_COMPLETE');
    // moto keeps listing the deleted REVIEW stack's change set under the name: ask by the new ARN.
    const left = await p.cloudFormation.listChangeSets(created?.stackId ?? '');
    expect(left.filter((c) => c.executionStatus !== 'EXECUTE_COMPLETE')).toEqual([]);
  });
});

describe('an ssm() parameter against moto', () => {
  it('reads the value from SSM at deploy time and passes it to the stack', async () => {
    const p = ports();
    await p.ssm.putParameter({ name: '/shared/topic-name', value: 'from-ssm-topic', overwrite: true });
    const dir = await copyExample();
    await writeFile(
      join(dir, 'stacks.config.ts'),
      [
        "import { defineConfig, ssm } from 'stackpilot';",
        "export default defineConfig({ project: 'ssmdemo', region: 'us-east-1', stacks: {",
        "  topic: { template: 'topic.yaml', parameters: { TopicName: ssm('/shared/topic-name') } },",
        '} });',
      ].join('\n'),
    );
    await writeFile(
      join(dir, 'topic.yaml'),
      [
        'Parameters:',
        '  TopicName:',
        '    Type: String',
        'Resources:',
        '  Topic:',
        '    Type: AWS::SNS::Topic',
        '    Properties:',
        '      TopicName: !Ref TopicName',
        'Outputs:',
        '  Name:',
        '    Value: !GetAtt Topic.TopicName',
      ].join('\n'),
    );
    const { exitCode, events } = await deploy(dir);
    expect(exitCode).toBe(0);
    const stack = await p.cloudFormation.describeStack('ssmdemo-dev-topic');
    expect(stack?.parameters).toEqual([{ key: 'TopicName', value: 'from-ssm-topic' }]);
    expect(stack?.outputs.find((o) => o.key === 'Name')?.value).toBe('from-ssm-topic');
    expect(done(events)).toEqual({ topic: 'created' });

    // The SSM value changes: the stack is updated with it.
    await p.ssm.putParameter({ name: '/shared/topic-name', value: 'renamed-topic', overwrite: true });
    const second = await deploy(dir);
    expect(done(second.events)).toEqual({ topic: 'updated' });
    expect((await p.cloudFormation.describeStack('ssmdemo-dev-topic'))?.parameters).toEqual([
      { key: 'TopicName', value: 'renamed-topic' },
    ]);
  });
});
