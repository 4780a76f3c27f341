/**
 * Issue 7 against moto: the example system's code (two functions, a shared layer) and its nested
 * alarms template are packaged, uploaded to moto's S3 and deployed in one command; a rerun
 * uploads nothing and finds every stack unchanged; editing one handler changes only app.
 */
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { motoEnv, useMoto } from '../harness/aws-env.js';
import { copyExample, createS3Bucket } from '../helpers/example-project.js';
import { runCli } from '../helpers/run-cli.js';

const { endpoint } = useMoto();
const BUCKET = 'orders-dev-artifacts';

interface Event {
  type: string;
  stack?: string;
  status?: string;
  uploaded?: number;
  reused?: number;
  uploadedBytes?: number;
  artifacts?: number;
  bytes?: number;
  durationMs?: number;
}

async function deploy(dir: string): Promise<{ code: number | null; events: Event[]; stderr: string }> {
  const r = await runCli(['deploy', '--endpoint-url', endpoint, '--yes', '--ci', '--output', 'json'], {
    cwd: dir,
    env: motoEnv(endpoint),
  });
  return {
    code: r.code,
    stderr: r.stderr,
    events: r.stdout
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Event),
  };
}

const outcomes = (events: Event[]): Record<string, string | undefined> =>
  Object.fromEntries(
    events.filter((e) => e.type === 'stack:done').map((e): [string, string | undefined] => [e.stack ?? '', e.status]),
  );
const packaged = (events: Event[], stack: string): Event | undefined =>
  events.find((e) => e.type === 'stack:packaged' && e.stack === stack);

/** Keys in moto's bucket (ListObjectsV2 over the wire). */
async function bucketKeys(): Promise<string[]> {
  const response = await fetch(`${endpoint}/${BUCKET}?list-type=2`, {
    headers: {
      Authorization:
        'AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0',
    },
  });
  const xml = await response.text();
  if (!response.ok) throw new Error(`ListObjectsV2: HTTP ${response.status} ${xml}`);
  return [...xml.matchAll(/<Key>([^<]+)<\/Key>/g)].map((m) => m[1] ?? '').sort();
}

/** A CloudFormation query call to moto, the XML answer. */
async function cloudFormation(action: string, params: Record<string, string> = {}): Promise<string> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Authorization:
        'AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/cloudformation/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: new URLSearchParams({ Action: action, Version: '2010-05-15', ...params }),
  });
  const xml = await response.text();
  if (!response.ok) throw new Error(`${action}: HTTP ${response.status} ${xml}`);
  return xml;
}

describe('packaging the example system against moto', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await copyExample();
    await createS3Bucket(endpoint, BUCKET);
  });

  it('packages, uploads and deploys in one command: content-hash keys, the nested stack made from its S3 copy (moto names it orders-dev-app-Alarms-<random>, as AWS does)', async () => {
    const first = await deploy(dir);
    expect(first.code).toBe(0);
    expect(outcomes(first.events)).toEqual({
      'core-infra': 'created',
      data: 'created',
      app: 'created',
      backup: 'created',
    });
    // Only app has local code; its packaging is reported before its change set is made.
    expect(first.events.filter((e) => e.type === 'stack:packaged').map((e) => e.stack)).toEqual(['app']);
    expect(packaged(first.events, 'app')).toMatchObject({ artifacts: 4, uploaded: 4, reused: 0 });
    expect(packaged(first.events, 'app')?.uploadedBytes).toBeGreaterThan(0);
    const appChangeSet = first.events.findIndex((e) => e.type === 'stack:changeset' && e.stack === 'app');
    expect(first.events.findIndex((e) => e.type === 'stack:packaged')).toBeLessThan(appChangeSet);

    const keys = await bucketKeys();
    expect(keys).toHaveLength(4);
    expect(keys.filter((k) => /^stackpilot\/[0-9a-f]{64}\.zip$/.test(k))).toHaveLength(3);
    expect(keys.filter((k) => /^stackpilot\/[0-9a-f]{64}\.template$/.test(k))).toHaveLength(1);
    // The deployed app template points at S3, never at a local path.
    const template = await cloudFormation('GetTemplate', { StackName: 'orders-dev-app' });
    expect(template).toContain(`https://${BUCKET}.s3.us-east-1.amazonaws.com/stackpilot/`);
    expect(template).not.toMatch(/(Code|Content|TemplateURL): (\.\.\/|nested\/)/);
    // moto created the nested stack from the template it read from its own S3 (it names it by logical id).
    const nested = /<StackName>(orders-dev-app-Alarms-\w+)<\/StackName>/.exec(
      await cloudFormation('DescribeStacks'),
    )?.[1];
    expect(nested).toBeDefined();
    // Its template is the nested one (moto's DescribeStackResources leaves out logical ids: count them).
    expect(await cloudFormation('GetTemplate', { StackName: nested ?? '' })).toContain(
      'Orders system - application alarms (nested in the app stack)',
    );
    const resources = await cloudFormation('DescribeStackResources', { StackName: nested ?? '' });
    expect(resources.match(/<ResourceStatus>CREATE_COMPLETE<\/ResourceStatus>/g)).toHaveLength(2);
  });

  it('uploads nothing on a rerun and finds every stack unchanged', async () => {
    const again = await deploy(dir);
    expect(again.code).toBe(0);
    expect(packaged(again.events, 'app')).toMatchObject({ artifacts: 4, uploaded: 0, uploadedBytes: 0, reused: 4 });
    expect(outcomes(again.events)).toEqual({
      'core-infra': 'unchanged',
      data: 'unchanged',
      app: 'unchanged',
      backup: 'unchanged',
    });
    expect(await bucketKeys()).toHaveLength(4);
  });

  it('changes only app when one handler changes: one new object, one stack updated', async () => {
    await appendFile(join(dir, 'functions', 'get-order', 'index.py'), '\n# a comment that changes the zip\n');
    const edited = await deploy(dir);
    expect(edited.code).toBe(0);
    expect(packaged(edited.events, 'app')).toMatchObject({ uploaded: 1, reused: 3 });
    expect(outcomes(edited.events)).toEqual({
      'core-infra': 'unchanged',
      data: 'unchanged',
      app: 'updated',
      backup: 'unchanged',
    });
    expect(await bucketKeys()).toHaveLength(5);
  });
});
