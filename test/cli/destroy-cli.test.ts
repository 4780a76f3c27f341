/**
 * `stackpilot destroy` on the example system, through the built CLI on the simulator (issue 13
 * item 1, "Done when"): after a deploy, `destroy --yes` deletes app and backup in parallel, then
 * data (allowed by flag), then core-infra, and lists the retained bucket; a second run says
 * everything is absent. Without a terminal and without --yes it is a usage error and nothing is
 * deleted; --dry-run changes nothing.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { copyExample } from '../helpers/example-project.js';
import { runCli } from '../helpers/run-cli.js';
import { testdir } from '../helpers/testdir.js';

interface Line {
  n: number;
  time: string;
  stack: string;
  text: string;
}

function parse(stdout: string): Line[] {
  const lines: Line[] = [];
  for (const raw of stdout.split('\n')) {
    const match = /^(\d{2}:\d{2}:\d{2}) {2}(\S+) +(.*)$/.exec(raw);
    if (match) lines.push({ n: lines.length, time: match[1] ?? '', stack: match[2] ?? '', text: match[3] ?? '' });
  }
  return lines;
}

function find(lines: readonly Line[], stack: string, pattern: RegExp): Line {
  const line = lines.find((l) => l.stack === stack && pattern.test(l.text));
  if (!line)
    throw new Error(
      `no line for ${stack} matching ${String(pattern)} in:\n${lines.map((l) => `${l.stack}  ${l.text}`).join('\n')}`,
    );
  return line;
}

async function stackStatuses(dir: string): Promise<Record<string, string>> {
  const state = JSON.parse(await readFile(join(dir, '.stackpilot', 'simulator-state.json'), 'utf8')) as {
    stacks: { stackName: string; status: string }[];
  };
  return Object.fromEntries(
    state.stacks.filter((s) => s.status !== 'DELETE_COMPLETE').map((s) => [s.stackName, s.status]),
  );
}

describe('stackpilot destroy --simulate: the example system', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await copyExample();
    const deployed = await runCli(['deploy', '--simulate', '--ci'], { cwd: dir });
    if (deployed.code !== 0) throw new Error(`deploy failed: ${deployed.stdout}${deployed.stderr}`);
  });

  it('without a terminal and without --yes: a usage error after the table, nothing deleted', async () => {
    const r = await runCli(['destroy', '--simulate', '--allow-stateful', 'data'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'destroy deletes 4 stacks of stage dev and there is no terminal to confirm it: nothing was deleted',
    );
    expect(r.stderr).toContain('pass --yes to confirm');
    expect(r.stdout).toContain('orders-dev-data');
    expect(Object.keys(await stackStatuses(dir))).toHaveLength(4);
  });

  it('--dry-run prints what goes and what stays, and changes nothing', async () => {
    const r = await runCli(['destroy', '--simulate', '--dry-run'], { cwd: dir });
    expect(r.code).toBe(0);
    const out = r.stdout.split('\n');
    expect(out[0]).toBe('destroy orders · stage dev · us-east-1 · simulated');
    expect(out.find((l) => /^ {2}backup /.test(l))).toMatch(
      /orders-dev-backup\s+delete\s+\d+ deleted, 1 kept \(DeletionPolicy\)$/,
    );
    expect(out.find((l) => /^ {2}data /.test(l))).toMatch(
      /orders-dev-data\s+refused\s+1 deleted, 2 kept \(DeletionPolicy\)$/,
    );
    expect(out.find((l) => /^ {2}core-infra /.test(l))).toMatch(/orders-dev-core-infra\s+stays\s+/);
    expect(r.stdout).toMatch(/data\.Bucket +AWS::S3::Bucket +Retain +named orders-dev-data-123456789012-us-east-1$/m);
    expect(r.stdout).toContain('data is refused: data is stateful');
    expect(r.stdout).toContain('core-infra stays: it waits for data, which is refused');
    expect(r.stdout).toContain('dry run: nothing was deleted');
    expect(Object.keys(await stackStatuses(dir))).toHaveLength(4);
  });

  it('--yes deletes app and backup in parallel, then data (allowed by flag), then core-infra, and lists the retained bucket', async () => {
    const r = await runCli(['destroy', '--simulate', '--ci', '--yes', '--allow-stateful', 'data'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = parse(r.stdout);
    const appDeleting = find(lines, 'app', /^deleting orders-dev-app/);
    const backupDeleting = find(lines, 'backup', /^deleting orders-dev-backup/);
    const appDone = find(lines, 'app', /^deleted in /);
    const backupDone = find(lines, 'backup', /^deleted in /);
    const dataDeleting = find(lines, 'data', /^deleting orders-dev-data/);
    const dataDone = find(lines, 'data', /^deleted in /);
    const coreDeleting = find(lines, 'core-infra', /^deleting orders-dev-core-infra/);
    find(lines, 'core-infra', /^deleted in /);
    // app and backup at the same time: each started before the other finished ...
    expect(appDeleting.n).toBeLessThan(backupDone.n);
    expect(backupDeleting.n).toBeLessThan(appDone.n);
    // ... then data, then core-infra.
    expect(dataDeleting.n).toBeGreaterThan(Math.max(appDone.n, backupDone.n));
    expect(coreDeleting.n).toBeGreaterThan(dataDone.n);
    expect(find(lines, 'run', /^done in /).text).toMatch(/: 4 deleted \(\d+ API calls\)$/);
    expect(r.stdout).toContain('Retained (still in the account, no longer in any stack):');
    expect(r.stdout).toMatch(/data\.Bucket\s+AWS::S3::Bucket\s+orders-dev-data-123456789012-us-east-1/);
    expect(r.stdout).toMatch(/data\.Table\s+AWS::DynamoDB::Table\s+orders-dev-orders/);
    expect(r.stdout).toContain('a later deploy of stage dev will fail on them ("already exists")');
    // Said once, in the closing report: no per-stack warning saying it again.
    expect(r.stdout.match(/already exists/g)).toHaveLength(1);
    expect(await stackStatuses(dir)).toEqual({});
  });

  it('a second run says everything is absent, exit 0', async () => {
    const r = await runCli(['destroy', '--simulate', '--ci'], { cwd: dir });
    expect(r.code).toBe(0);
    const lines = parse(r.stdout);
    for (const stack of ['core-infra', 'data', 'app', 'backup']) find(lines, stack, /^not deployed in /);
    expect(find(lines, 'run', /^done in /).text).toMatch(/: 4 absent \(\d+ API calls\)$/);
  });

  it('--output json: destroy:planned first, stack:done deleted with retained, run:done summary', async () => {
    const again = await runCli(['deploy', '--simulate', '--ci'], { cwd: dir });
    expect(again.code).toBe(0);
    const r = await runCli(['destroy', 'data', '--simulate', '--yes', '--allow-stateful', 'data', '--output', 'json'], {
      cwd: dir,
    });
    expect(r.code).toBe(0);
    const events = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; [k: string]: unknown });
    expect(events[0]?.type).toBe('destroy:planned');
    expect((events[0]?.stacks as { stack: string }[]).map((s) => s.stack)).toEqual(['backup', 'app', 'data']);
    const done = events.filter((e) => e.type === 'stack:done');
    expect(done.map((e) => [e.stack, e.status])).toEqual(
      expect.arrayContaining([
        ['app', 'deleted'],
        ['backup', 'deleted'],
        ['data', 'deleted'],
      ]),
    );
    expect(events.at(-1)).toMatchObject({ type: 'run:done', exitCode: 0, summary: { deleted: 3 } });
    expect(Object.keys(await stackStatuses(dir))).toEqual(['orders-dev-core-infra']);
  });
});

describe('stackpilot destroy --simulate: failures', () => {
  it('a termination-protected stack is refused (named, with the command), its dependencies stay, exit 1', async () => {
    const dir = await copyExample();
    // data is protected in this stage (as the config does for prod).
    const config = join(dir, 'stacks.config.ts');
    await writeFile(
      config,
      (await readFile(config, 'utf8')).replace(
        "terminationProtection: stage === 'prod'",
        'terminationProtection: true',
      ),
    );
    expect((await runCli(['deploy', '--simulate', '--ci'], { cwd: dir })).code).toBe(0);
    const r = await runCli(['destroy', '--simulate', '--ci', '--yes', '--allow-stateful', 'data'], { cwd: dir });
    expect(r.code).toBe(1);
    const lines = parse(r.stdout);
    find(lines, 'app', /^deleted in /);
    find(lines, 'backup', /^deleted in /);
    expect(find(lines, 'data', /^blocked in /).text).toContain(
      'aws cloudformation update-termination-protection --no-enable-termination-protection --stack-name orders-dev-data --region us-east-1',
    );
    expect(find(lines, 'core-infra', /^skipped in /).text).toContain('data blocked');
    expect(Object.keys(await stackStatuses(dir)).sort()).toEqual(['orders-dev-core-infra', 'orders-dev-data']);
  });

  it('DELETE_FAILED on a bucket with objects names it and the next step; the retry with --retain deletes the rest', async () => {
    const dir = await testdir({
      'stacks.config.json': JSON.stringify({
        project: 'demo',
        region: 'us-east-1',
        stacks: { web: { template: 'web.yaml' } },
      }),
      'web.yaml': 'Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n  Logs:\n    Type: AWS::S3::Bucket\n',
      'scenario.json': JSON.stringify({ stacks: { web: { nonEmptyBuckets: ['Logs'] } } }),
    });
    expect((await runCli(['deploy', '--simulate=scenario.json', '--ci'], { cwd: dir })).code).toBe(0);
    // web is not marked stateful, but its bucket has no DeletionPolicy: refused on what is deployed.
    const refused = await runCli(['destroy', '--simulate=scenario.json', '--ci', '--yes'], { cwd: dir });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain(
      'web holds data that no DeletionPolicy keeps: Logs (AWS::S3::Bucket); allow it with --allow-stateful web',
    );
    const failed = await runCli(['destroy', '--simulate=scenario.json', '--ci', '--yes', '--allow-stateful', 'web'], {
      cwd: dir,
    });
    expect(failed.code).toBe(1);
    const lines = parse(failed.stdout);
    expect(find(lines, 'web', /^failed in /).text).toMatch(
      /^failed in \S+ \(\d+ API calls\): demo-dev-web ended in DELETE_FAILED: Logs \(AWS::S3::Bucket\) DELETE_FAILED: The bucket you tried to delete is not empty \(Service: Amazon S3; Status Code: 409; Error Code: BucketNotEmpty;/,
    );
    expect(failed.stdout).toContain(
      'stackpilot destroy web --retain Logs (RetainResources: CloudFormation skips it and deletes the rest)',
    );
    const retried = await runCli(
      ['destroy', '--simulate=scenario.json', '--ci', '--yes', '--allow-stateful', 'web', '--retain', 'Logs'],
      { cwd: dir },
    );
    expect(retried.code).toBe(0);
    const again = parse(retried.stdout);
    expect(find(again, 'web', /^deleting demo-dev-web/).text).toContain('keeping Logs');
    find(again, 'web', /^deleted in /);
    expect(retried.stdout).toMatch(/web\.Logs\s+AWS::S3::Bucket\s+demo-dev-web-logs-[a-z0-9]{12}\n/);
  });
});
