/**
 * Smoke tests for the moto harness (test/harness) and for the change-set patch in
 * test/harness/moto-patched-server.py.
 *
 * What UNPATCHED moto 5.2.1 does with the same calls (checked by hand against plain `moto_server`):
 *  - (a) stack B's CREATE change set fails on execute with "ValidationError: No export named x-VpcId
 *    found", even when x-VpcId is listed by ListExports (e.g. exported by a CreateStack stack):
 *    the stack behind a CREATE change set is built without the account's exports.
 *  - (b) after a CREATE change set, DescribeStacks shows no Outputs and ListExports is empty; after
 *    an UPDATE change set, Outputs and ListExports keep the values of the previous deployment.
 *  - (c) an UPDATE change set's Tags are ignored (DescribeStacks keeps the old tags); the stack's
 *    stored parameters keep their first values, so a later change set that goes back to those
 *    values is created as FAILED "didn't contain changes"; parameters removed from the template
 *    stay listed in DescribeStacks.
 *  - (d) with two stacks that each have a change set called `same`, DescribeChangeSet and
 *    ExecuteChangeSet by name with StackName A act on B's (the last one created), DeleteChangeSet on
 *    the first one created whatever the StackName, ListChangeSets lists both stacks' change sets, and
 *    deleting a name the stack does not have fails with HTTP 500 (UnboundLocalError).
 *  - (e) GetTemplateSummary of a stack (or template) without AWSTemplateFormatVersion answers HTTP
 *    500 (KeyError), which the AWS CLI's `cloudformation deploy` calls on every update.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CloudFormationClient,
  CreateChangeSetCommand,
  DescribeChangeSetCommand,
  DeleteChangeSetCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  GetTemplateSummaryCommand,
  ListChangeSetsCommand,
  ListExportsCommand,
  type Parameter,
  type Stack,
  type Tag,
} from '@aws-sdk/client-cloudformation';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, describe, expect, it } from 'vitest';
import { motoClientConfig, motoEnv, resetMoto, useMoto } from '../harness/aws-env.js';
import { startMoto } from '../harness/moto.js';

const { endpoint } = useMoto();
const cf = new CloudFormationClient(motoClientConfig(endpoint));
const ssm = new SSMClient(motoClientConfig(endpoint));
afterAll(() => {
  cf.destroy();
  ssm.destroy();
});

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface Deploy {
  stackName: string;
  type: 'CREATE' | 'UPDATE';
  template: object;
  parameters?: Record<string, string>;
  tags?: Record<string, string>;
}

let changeSetCounter = 0;

async function createChangeSet(
  deploy: Deploy,
): Promise<{ id: string; status: string | undefined; reason: string | undefined }> {
  changeSetCounter += 1;
  const created = await cf.send(
    new CreateChangeSetCommand({
      StackName: deploy.stackName,
      ChangeSetName: `harness-${changeSetCounter}`,
      ChangeSetType: deploy.type,
      TemplateBody: JSON.stringify(deploy.template),
      Parameters: Object.entries(deploy.parameters ?? {}).map(([ParameterKey, ParameterValue]): Parameter => ({
        ParameterKey,
        ParameterValue,
      })),
      Tags: Object.entries(deploy.tags ?? {}).map(([Key, Value]): Tag => ({ Key, Value })),
    }),
  );
  const id = created.Id ?? '';
  expect(id).toMatch(/^arn:aws:cloudformation:/);
  const described = await cf.send(new DescribeChangeSetCommand({ ChangeSetName: id, StackName: deploy.stackName }));
  return { id, status: described.Status, reason: described.StatusReason };
}

/** Creates a change set, checks it is ready (moto creates it synchronously), executes it by ARN. */
async function deployViaChangeSet(deploy: Deploy): Promise<Stack> {
  const changeSet = await createChangeSet(deploy);
  expect(changeSet.status, changeSet.reason).toBe('CREATE_COMPLETE');
  await cf.send(new ExecuteChangeSetCommand({ ChangeSetName: changeSet.id, StackName: deploy.stackName }));
  const stack = await describeStack(deploy.stackName);
  expect(stack.StackStatus).toBe(`${deploy.type}_COMPLETE`);
  return stack;
}

async function describeStack(stackName: string): Promise<Stack> {
  const { Stacks } = await cf.send(new DescribeStacksCommand({ StackName: stackName }));
  const stack = Stacks?.[0];
  if (stack === undefined) throw new Error(`no stack ${stackName}`);
  return stack;
}

async function listExports(): Promise<Record<string, string | undefined>> {
  const { Exports } = await cf.send(new ListExportsCommand({}));
  return Object.fromEntries((Exports ?? []).map((e) => [e.Name ?? '', e.Value]));
}

async function ssmValue(name: string): Promise<string | undefined> {
  const { Parameter } = await ssm.send(new GetParameterCommand({ Name: name }));
  return Parameter?.Value;
}

/** Stack A: exports its VpcId parameter (moto's AWS::SSM::Parameter has no Fn::GetAtt Value). */
const networkTemplate = {
  Parameters: { VpcId: { Type: 'String' } },
  Resources: {
    Marker: {
      Type: 'AWS::SSM::Parameter',
      Properties: { Name: '/harness/network/vpc-id', Type: 'String', Value: { Ref: 'VpcId' } },
    },
  },
  Outputs: {
    VpcId: { Value: { Ref: 'VpcId' }, Export: { Name: 'x-VpcId' } },
  },
};

/** Stack B: imports A's export into an SSM parameter. */
const consumerTemplate = {
  Resources: {
    ImportedVpc: {
      Type: 'AWS::SSM::Parameter',
      Properties: { Name: '/harness/consumer/vpc-id', Type: 'String', Value: { 'Fn::ImportValue': 'x-VpcId' } },
    },
  },
};

function counterTemplate(withNote: boolean): object {
  return {
    Parameters: {
      Count: { Type: 'String' },
      ...(withNote ? { Note: { Type: 'String', Default: 'n/a' } } : {}),
    },
    Resources: {
      Topic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: 'harness-counter' } },
    },
    Outputs: {
      Count: { Value: { Ref: 'Count' }, Export: { Name: 'x-Count' } },
      TopicArn: { Value: { Ref: 'Topic' } },
    },
  };
}

describe('patched moto: change sets', () => {
  it('a CREATE change set gives the stack its Outputs and registers its exports (patch b)', async () => {
    const stack = await deployViaChangeSet({
      stackName: 'harness-network',
      type: 'CREATE',
      template: networkTemplate,
      parameters: { VpcId: 'vpc-0a1b2c3d' },
      tags: { team: 'net' },
    });
    expect(stack.Outputs).toEqual([
      expect.objectContaining({ OutputKey: 'VpcId', OutputValue: 'vpc-0a1b2c3d', ExportName: 'x-VpcId' }),
    ]);
    expect(stack.Parameters).toEqual([{ ParameterKey: 'VpcId', ParameterValue: 'vpc-0a1b2c3d' }]);
    expect(stack.Tags).toEqual([{ Key: 'team', Value: 'net' }]);
    expect(await listExports()).toEqual({ 'x-VpcId': 'vpc-0a1b2c3d' });
    expect(await ssmValue('/harness/network/vpc-id')).toBe('vpc-0a1b2c3d');
  });

  it('a CREATE change set resolves Fn::ImportValue against the account exports (patch a)', async () => {
    await deployViaChangeSet({ stackName: 'harness-consumer', type: 'CREATE', template: consumerTemplate });
    expect(await ssmValue('/harness/consumer/vpc-id')).toBe('vpc-0a1b2c3d');
  });

  it('an UPDATE change set replaces the stack Outputs and its export values (patch b)', async () => {
    // A separate stack: on AWS, an export that another stack imports (x-VpcId) cannot be changed.
    const created = await deployViaChangeSet({
      stackName: 'harness-counter',
      type: 'CREATE',
      template: counterTemplate(true),
      parameters: { Count: '1' },
    });
    const topicArn = created.Outputs?.find((o) => o.OutputKey === 'TopicArn')?.OutputValue;
    expect(topicArn).toMatch(/^arn:aws:sns:us-east-1:\d{12}:harness-counter$/);
    expect((await listExports())['x-Count']).toBe('1');

    const updated = await deployViaChangeSet({
      stackName: 'harness-counter',
      type: 'UPDATE',
      template: counterTemplate(true),
      parameters: { Count: '2' },
    });
    expect(updated.Outputs).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ OutputKey: 'Count', OutputValue: '2', ExportName: 'x-Count' }),
        expect.objectContaining({ OutputKey: 'TopicArn', OutputValue: topicArn }),
      ]),
    );
    expect(await listExports()).toEqual({ 'x-VpcId': 'vpc-0a1b2c3d', 'x-Count': '2' });
  });

  it('an UPDATE change set records its parameters and tags on the stack (patch c)', async () => {
    const updated = await deployViaChangeSet({
      stackName: 'harness-counter',
      type: 'UPDATE',
      template: counterTemplate(false),
      parameters: { Count: '3' },
      tags: { owner: 'harness' },
    });
    // The Note parameter left the template, so it is no longer listed.
    expect(updated.Parameters).toEqual([{ ParameterKey: 'Count', ParameterValue: '3' }]);
    expect(updated.Tags).toEqual([{ Key: 'owner', Value: 'harness' }]);

    // Going back to an earlier value is a change (unpatched moto compares with the first deployment).
    const back = await createChangeSet({
      stackName: 'harness-counter',
      type: 'UPDATE',
      template: counterTemplate(false),
      parameters: { Count: '2' },
    });
    expect(back.status, back.reason).toBe('CREATE_COMPLETE');
  });

  it('motoEnv() lets a child process with the AWS SDK reach moto and nothing else', async () => {
    const home = await mkdtemp(join(tmpdir(), 'stackpilot-moto-home-'));
    try {
      const script = [
        "import { CloudFormationClient, ListExportsCommand } from '@aws-sdk/client-cloudformation';",
        'const out = await new CloudFormationClient({}).send(new ListExportsCommand({}));',
        'process.stdout.write(JSON.stringify(out.Exports.map((e) => e.Name)));',
      ].join('\n');
      const env = { ...process.env, HOME: home, ...motoEnv(endpoint) };
      const result = await run(process.execPath, ['--input-type=module', '-e', script], REPO_ROOT, env);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toBe('');
      expect(JSON.parse(result.stdout)).toEqual(['x-VpcId', 'x-Count']);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });

  it('a change-set name is looked up in the stack given, as on AWS (patch d: CDK names every one the same)', async () => {
    const template = (topic: string): string =>
      JSON.stringify({ Resources: { Topic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: topic } } } });
    const twins = ['harness-twin-a', 'harness-twin-b'];
    for (const StackName of twins) {
      await cf.send(
        new CreateChangeSetCommand({
          StackName,
          ChangeSetName: 'same',
          ChangeSetType: 'CREATE',
          TemplateBody: template(StackName),
        }),
      );
    }
    const [a, b] = twins as [string, string];
    const describedA = await cf.send(new DescribeChangeSetCommand({ StackName: a, ChangeSetName: 'same' }));
    expect(describedA.StackName).toBe(a);

    await cf.send(new ExecuteChangeSetCommand({ StackName: a, ChangeSetName: 'same' }));
    expect((await describeStack(a)).StackStatus).toBe('CREATE_COMPLETE');
    expect((await describeStack(b)).StackStatus).toBe('REVIEW_IN_PROGRESS');

    const listed = await cf.send(new ListChangeSetsCommand({ StackName: b }));
    expect((listed.Summaries ?? []).map((s) => s.StackName)).toEqual([b]);

    await cf.send(new DeleteChangeSetCommand({ StackName: a, ChangeSetName: 'same' }));
    const describedB = await cf.send(new DescribeChangeSetCommand({ StackName: b, ChangeSetName: 'same' }));
    expect(describedB.StackName).toBe(b);
    await expect(cf.send(new DescribeChangeSetCommand({ StackName: a, ChangeSetName: 'same' }))).rejects.toThrow();
    // AWS: deleting a change set the (existing) stack does not have succeeds (CDK relies on it).
    await cf.send(new DeleteChangeSetCommand({ StackName: a, ChangeSetName: 'never-made' }));
  });

  it('GetTemplateSummary reads a template without AWSTemplateFormatVersion (patch e: CDK templates have none)', async () => {
    const summary = await cf.send(new GetTemplateSummaryCommand({ StackName: 'harness-twin-a' }));
    expect(summary.ResourceTypes).toEqual(['AWS::SNS::Topic']);
    const yaml =
      'Parameters:\n  Name:\n    Type: String\nResources:\n  T:\n    Type: AWS::SNS::Topic\n    Properties:\n      TopicName: !Ref Name\n';
    const fromBody = await cf.send(new GetTemplateSummaryCommand({ TemplateBody: yaml }));
    expect(fromBody.Parameters?.map((p) => p.ParameterKey)).toEqual(['Name']);
  });

  it('resetMoto empties stacks, exports and resources', async () => {
    await resetMoto(endpoint);
    const { Stacks } = await cf.send(new DescribeStacksCommand({}));
    expect(Stacks ?? []).toEqual([]);
    expect(await listExports()).toEqual({});
    await expect(ssmValue('/harness/network/vpc-id')).rejects.toThrow(/ParameterNotFound|not found/i);
  });
});

describe('startMoto', () => {
  it('starts an independent server and stop() ends it', async () => {
    const started = Date.now();
    const server = await startMoto();
    const startup = Date.now() - started;
    try {
      expect(server.endpoint).toBe(`http://127.0.0.1:${server.port}`);
      expect(server.endpoint).not.toBe(endpoint);
      expect(startup).toBeLessThan(30_000);
      const response = await fetch(`${server.endpoint}/moto-api/config`);
      expect(response.ok).toBe(true);
    } finally {
      await server.stop();
    }
    await expect(fetch(`${server.endpoint}/moto-api/config`)).rejects.toThrow();
    await server.stop(); // a second stop is harmless
  });

  it('fails with the install command when python3 is missing, instead of skipping', async () => {
    const path = process.env.PATH;
    const empty = await mkdtemp(join(tmpdir(), 'stackpilot-no-python-'));
    process.env.PATH = empty;
    try {
      await expect(startMoto()).rejects.toThrow("pip install 'moto[server]==5.2.1'");
    } finally {
      process.env.PATH = path;
      await rm(empty, { recursive: true, force: true });
    }
  });
});

function run(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
