/**
 * `stackpilot status` through the built CLI on the simulator: the example after a deploy is all
 * deployable (exit 0), a template edit shows as a difference, a failed first create stops a
 * deploy (exit 1) with the next step named, and `--output json` has the documented shape.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { copyExample } from '../helpers/example-project.js';
import { runCli } from '../helpers/run-cli.js';

interface StatusJson {
  project: string;
  stage: string;
  region: string | null;
  exitCode: number;
  stacks: {
    stack: string;
    stackName: string;
    readiness: string;
    status: string | null;
    differs: { template: boolean; parameters: boolean; tags: boolean } | null;
    problems: { code: string; severity: string; next: string }[];
  }[];
}

describe('stackpilot status --simulate', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await copyExample();
  });

  it('before any deploy: every stack not deployed, which is no error (exit 0)', async () => {
    const r = await runCli(['status', '--simulate', '--ci'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^data +orders-dev-data +not deployed +- +to create/m);
    expect(r.stdout).toContain('0 deployable, 4 not deployed · nothing was changed');
  });

  it('after deploy: all deployable, nothing differs (exit 0)', async () => {
    expect((await runCli(['deploy', '--simulate', '--ci'], { cwd: dir })).code).toBe(0);
    const r = await runCli(['status', '--simulate', '--ci'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[2]).toMatch(/^stack +CloudFormation name +status +last updated +differs +protection +change sets$/);
    for (const id of ['core-infra', 'data', 'app', 'backup'])
      expect(r.stdout).toMatch(
        new RegExp(
          `^${id} +orders-dev-${id} +CREATE_COMPLETE +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC +no +off +0$`,
          'm',
        ),
      );
    expect(r.stdout).toContain('4 deployable · nothing was changed');
  });

  it('a template edit shows as a difference of that stack only; --output json', async () => {
    const file = join(dir, 'templates', 'backup.yaml');
    const original = await readFile(file, 'utf8');
    await writeFile(file, original.replace(/^Resources:\n/m, 'Resources:\n  Extra:\n    Type: AWS::SNS::Topic\n'));
    try {
      const r = await runCli(['status', '--simulate', '--output', 'json'], { cwd: dir });
      expect(r.code).toBe(0);
      const json = JSON.parse(r.stdout) as StatusJson;
      expect(json).toMatchObject({ project: 'orders', stage: 'dev', region: 'us-east-1', exitCode: 0 });
      const differs = Object.fromEntries(json.stacks.map((s) => [s.stack, s.differs]));
      expect(differs).toEqual({
        'core-infra': { template: false, parameters: false, tags: false },
        data: { template: false, parameters: false, tags: false },
        app: { template: false, parameters: false, tags: false },
        backup: { template: true, parameters: false, tags: false },
      });
    } finally {
      await writeFile(file, original);
    }
  });

  it('lists a stack removed from the config as an orphan, but not the same-prefix stacks of stage dev-alice', async () => {
    // dev-alice's stacks begin with orders-dev- too; a name never makes an orphan, the tags do.
    expect((await runCli(['deploy', '--simulate', '--ci', '--stage', 'dev-alice'], { cwd: dir })).code).toBe(0);
    const config = join(dir, 'stacks.config.ts');
    const original = await readFile(config, 'utf8');
    const without = original.replace(/\n {4}backup: \{[^}]*\{[^}]*\},\n {4}\},/, '');
    expect(without).not.toContain('backup:');
    await writeFile(config, without);
    try {
      const r = await runCli(['status', '--simulate', '--ci'], { cwd: dir });
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(
        '! 1 orphaned stack: tagged stackpilot:project=orders and stackpilot:stage=dev, no longer in the config',
      );
      expect(r.stdout).toMatch(/^ {2}orders-dev-backup {2}CREATE_COMPLETE {2}.* UTC {2}protection off$/m);
      expect(r.stdout).not.toContain('orders-dev-alice');
      expect(r.stdout).toContain('3 deployable, 1 orphaned · nothing was changed');

      const json = JSON.parse((await runCli(['status', '--simulate', '--output', 'json'], { cwd: dir })).stdout) as {
        orphans: { stackName: string; status: string }[];
      };
      expect(json.orphans.map((o) => [o.stackName, o.status])).toEqual([['orders-dev-backup', 'CREATE_COMPLETE']]);
      // Named stacks: a look at those, not at the whole stage.
      expect((await runCli(['status', 'app', '--simulate', '--ci'], { cwd: dir })).stdout).not.toContain('orphaned');
    } finally {
      await writeFile(config, original);
    }
  });

  it("--drift shows a scenario's drift, stateful stacks first, and fails (exit 1) when a stateful stack drifted", async () => {
    await writeFile(
      join(dir, 'drift.json'),
      JSON.stringify({
        drift: {
          app: { Api: { status: 'DELETED' } },
          data: {
            Table: {
              properties: [{ path: '/BillingMode', expected: 'PAY_PER_REQUEST', actual: 'PROVISIONED' }],
            },
          },
        },
      }),
    );
    const r = await runCli(['status', '--simulate=drift.json', '--drift', '--ci'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const section = r.stdout.slice(r.stdout.indexOf('Drift (stateful stacks first):'));
    expect(section.split('\n').slice(0, 8)).toEqual([
      'Drift (stateful stacks first):',
      '✗ data (stateful): drifted, 1 resource',
      '    Table (AWS::DynamoDB::Table) MODIFIED',
      '      /BillingMode: template PAY_PER_REQUEST, actual PROVISIONED',
      expect.stringMatching(/^ {2}→ a change set does not see drift: /) as string,
      '· core-infra: in sync',
      '! app: drifted, 1 resource',
      '    Api (AWS::ApiGateway::RestApi) DELETED',
    ]);
    expect(r.stdout).toContain('4 deployable, 1 stateful drifted, 1 drifted · nothing was changed');

    // Only a non-stateful stack drifted: listed, exit 0.
    await writeFile(join(dir, 'drift.json'), JSON.stringify({ drift: { app: { Api: { status: 'DELETED' } } } }));
    const appOnly = await runCli(['status', '--simulate=drift.json', '--drift', '--output', 'json'], { cwd: dir });
    expect(appOnly.code).toBe(0);
    const json = JSON.parse(appOnly.stdout) as { stacks: { stack: string; drift: { status: string } | null }[] };
    expect(json.stacks.map((s) => [s.stack, s.drift?.status])).toEqual([
      ['core-infra', 'IN_SYNC'],
      ['data', 'IN_SYNC'],
      ['app', 'DRIFTED'],
      ['backup', 'IN_SYNC'],
    ]);
    // Without --drift nothing is detected: drift is null.
    const plain = JSON.parse(
      (await runCli(['status', '--simulate=drift.json', '--output', 'json'], { cwd: dir })).stdout,
    ) as {
      stacks: { drift: unknown }[];
    };
    expect(plain.stacks.every((s) => s.drift === null)).toBe(true);
  });

  it('a stack in ROLLBACK_COMPLETE would stop a deploy: exit 1, the next step named', async () => {
    const fresh = await copyExample();
    await writeFile(join(fresh, 'failed.json'), JSON.stringify({ existing: { data: 'ROLLBACK_COMPLETE' } }));
    const r = await runCli(['status', '--simulate=failed.json', '--ci'], { cwd: fresh });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^data +orders-dev-data +ROLLBACK_COMPLETE /m);
    expect(r.stdout).toContain(
      '✗ data: ROLLBACK_COMPLETE: its first create failed, and CloudFormation can only delete it',
    );
    expect(r.stdout).toContain('→ stackpilot deploy data --replace-failed');
    expect(r.stdout).toContain('1 would stop a deploy');
  });
});
