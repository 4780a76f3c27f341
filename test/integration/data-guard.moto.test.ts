/**
 * The data guard against moto (issue 11, item 2): moto's DescribeChangeSet answers a Modify with
 * only Action, LogicalResourceId and ResourceType (no Replacement, Scope or Details), so a guard
 * that trusted Replacement let a KeySchema change of the stateful data stack's table through.
 * Now the deployed template is diffed with the new one and the spec says KeySchema replaces.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { motoEnv, resetMoto, useMoto } from '../harness/aws-env.js';
import { copyExample, createS3Bucket } from '../helpers/example-project.js';
import { runCli } from '../helpers/run-cli.js';

const { endpoint } = useMoto();

const AUTH =
  'AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/SERVICE/aws4_request, SignedHeaders=host, Signature=0';

async function cloudFormation(params: Record<string, string>): Promise<string> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Authorization: AUTH.replace('SERVICE', 'cloudformation'),
    },
    body: new URLSearchParams({ Version: '2010-05-15', ...params }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${params.Action}: HTTP ${response.status} ${text}`);
  return text;
}

/** The orders table's key attributes, as DynamoDB itself holds them. */
async function tableKeys(): Promise<string[]> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.0',
      'X-Amz-Target': 'DynamoDB_20120810.DescribeTable',
      Authorization: AUTH.replace('SERVICE', 'dynamodb'),
    },
    body: JSON.stringify({ TableName: 'orders-dev-orders' }),
  });
  const table = (await response.json()) as { Table?: { KeySchema?: { AttributeName: string }[] } };
  return (table.Table?.KeySchema ?? []).map((k) => k.AttributeName);
}

describe('the data guard against moto', () => {
  it('blocks a KeySchema change of the stateful data table without --yes or --allow-replace; nothing executes', async () => {
    const dir = await copyExample();
    await createS3Bucket(endpoint, 'orders-dev-artifacts');
    const env = { ...motoEnv(endpoint), GITHUB_ACTIONS: '' };
    expect((await runCli(['deploy', '--endpoint-url', endpoint, '--yes', '--ci'], { cwd: dir, env })).code).toBe(0);
    expect(await tableKeys()).toEqual(['pk', 'sk']);
    const stackBefore = await cloudFormation({ Action: 'DescribeStacks', StackName: 'orders-dev-data' });

    const file = join(dir, 'templates', 'data.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replaceAll('AttributeName: sk', 'AttributeName: sortKey'));

    const plan = await runCli(['plan', '--endpoint-url', endpoint, 'data', '--exclusively'], { cwd: dir, env });
    expect(plan.code).toBe(1);
    expect(plan.stdout).toContain('would be replaced because KeySchema changes');

    const run = await runCli(['deploy', '--endpoint-url', endpoint, '--ci', 'data', '--exclusively'], {
      cwd: dir,
      env,
    });
    expect(run.code).toBe(1);
    const output = run.stdout + run.stderr;
    expect(output).toContain('Table (AWS::DynamoDB::Table) would be replaced because KeySchema changes');
    expect(output).toContain('--allow-replace data.Table');

    // Nothing was executed: the table keeps its key, the stack its last update, no change set is left.
    expect(await tableKeys()).toEqual(['pk', 'sk']);
    const stackAfter = await cloudFormation({ Action: 'DescribeStacks', StackName: 'orders-dev-data' });
    expect(/<LastUpdatedTime>[^<]*/.exec(stackAfter)?.[0]).toBe(/<LastUpdatedTime>[^<]*/.exec(stackBefore)?.[0]);
    const changeSets = (await cloudFormation({ Action: 'ListChangeSets', StackName: 'orders-dev-data' }))
      .split('<member>')
      .slice(1)
      .filter((m) => m.includes('orders-dev-data') && !m.includes('EXECUTE_COMPLETE'));
    expect(changeSets).toEqual([]);
  });

  it('blocks a table whose TableName a changed parameter feeds, although moto lists no change at all', async () => {
    await resetMoto(endpoint);
    const dir = await copyExample();
    const env = { ...motoEnv(endpoint), GITHUB_ACTIONS: '' };
    const file = join(dir, 'templates', 'data.yaml');
    const withSuffix = (suffix: string, text: string): string =>
      text
        .replace('Resources:\n', `  Suffix:\n    Type: String\n    Default: ${suffix}\n\nResources:\n`)
        .replace("TableName: !Sub '${Project}-${Stage}-orders'", "TableName: !Sub '${Project}-${Stage}-${Suffix}'");
    const original = await readFile(file, 'utf8');
    await writeFile(file, withSuffix('orders', original));
    const first = await runCli(['deploy', '--endpoint-url', endpoint, '--ci', '--yes', 'data', '--exclusively'], {
      cwd: dir,
      env,
    });
    expect(first.code).toBe(0);

    await writeFile(file, withSuffix('orders-v2', original));
    const run = await runCli(['deploy', '--endpoint-url', endpoint, '--ci', '--yes', 'data', '--exclusively'], {
      cwd: dir,
      env,
    });
    expect(run.code).toBe(1);
    expect(run.stdout + run.stderr).toContain('Table (AWS::DynamoDB::Table) may be replaced because TableName changes');
  });
});
