/**
 * `stackpilot plan --simulate` as a user runs it (the built CLI, a copy of the example): the
 * NDJSON event stream of `--output json`, and under GitHub Actions the grouped progress on
 * stderr, the tables on stdout and the plan in the job summary.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyExample } from '../helpers/example-project.js';
import { runCli } from '../helpers/run-cli.js';

interface Event {
  type: string;
  stack?: string;
  status?: string;
  changes?: {
    action: string;
    logicalId: string;
    details: { changeSource?: string; upstreamOutput?: { stack: string; output: string } }[];
  }[];
  detailedExitCode?: number;
  dryRun?: boolean;
  command?: string;
}

const NO_CI = { CI: '', GITHUB_ACTIONS: '', GITHUB_STEP_SUMMARY: '' };

describe('stackpilot plan --simulate', () => {
  it("--output json: one event per line, each stack's plan with its changes in stack:planned, plan:done last", async () => {
    const dir = await copyExample();
    const r = await runCli(['plan', '--simulate', '--output', 'json', '--detailed-exitcode'], { cwd: dir, env: NO_CI });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(2);
    const lines = r.stdout.trimEnd().split('\n');
    const events = lines.map((line) => JSON.parse(line) as Event);
    expect(events[0]).toMatchObject({ type: 'run:start', command: 'plan', dryRun: true });
    expect(events.at(-1)).toMatchObject({ type: 'plan:done', detailedExitCode: 2 });
    const planned = events.filter((e) => e.type === 'stack:planned');
    expect(planned.map((e) => [e.stack, e.status])).toEqual([
      ['core-infra', 'changes'],
      ['data', 'changes'],
      ['app', 'pending'],
      ['backup', 'changes'],
    ]);
    for (const e of planned.filter((p) => p.status === 'changes')) expect(e.changes?.length).toBeGreaterThan(0);
    expect(planned[0]?.changes?.map((c) => c.logicalId)).toContain('Vpc');
    expect(events.some((e) => e.type === 'stack:changeset')).toBe(true);
  });

  it('names an upstream output as the cause, from deployed state (data deployed with a new BucketName, app not)', async () => {
    const dir = await copyExample();
    expect((await runCli(['deploy', '--simulate', '--ci', '--yes'], { cwd: dir, env: NO_CI })).code).toBe(0);
    const data = join(dir, 'templates', 'data.yaml');
    const text = await readFile(data, 'utf8');
    const edited = text.replace(
      '    Description: Name of the data bucket\n    Value: !Ref Bucket\n',
      "    Description: Name of the data bucket\n    Value: !Sub '${Bucket}-v2'\n",
    );
    expect(edited).not.toBe(text);
    await writeFile(data, edited);
    expect(
      (await runCli(['deploy', 'data', '--exclusively', '--simulate', '--ci', '--yes'], { cwd: dir, env: NO_CI })).code,
    ).toBe(0);

    const r = await runCli(['plan', '--simulate'], { cwd: dir, env: NO_CI });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('app (orders-dev-app): update, 0 to add, 2 to modify, 0 to remove');
    expect(r.stdout).toMatch(
      /GetOrderFunction +AWS::Lambda::Function +False +Environment \(upstream output data\.BucketName\)/,
    );
  });

  it('under GitHub Actions: the tables on stdout, one group per stack on stderr, the plan in the job summary', async () => {
    const dir = await copyExample();
    const summaryFile = join(dir, 'step-summary.md');
    await writeFile(summaryFile, '# earlier step\n');
    const r = await runCli(['plan', '--simulate'], {
      cwd: dir,
      env: { CI: 'true', GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summaryFile },
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^core-infra \(orders-dev-core-infra\): create, 11 to add/);
    expect(r.stdout).not.toContain('::group::');
    expect(r.stderr).toContain('::group::core-infra — create, 11 to add, 0 to modify, 0 to remove\n');
    expect(r.stderr).toContain('core-infra  planning orders-dev-core-infra');
    expect(r.stderr).toContain('::endgroup::');

    const summary = await readFile(summaryFile, 'utf8');
    expect(summary.startsWith('# earlier step\n')).toBe(true);
    expect(summary).toContain('## 📝 stackpilot plan: changes to deploy: orders (stage dev, region us-east-1)');
    expect(summary).toContain('### core-infra (orders-dev-core-infra): create, 11 to add, 0 to modify, 0 to remove');
    expect(summary).toContain('| Action | Logical ID | Type | Replacement | What changes |');
    expect(summary).toMatch(/\| Add \| Vpc \| AWS::EC2::VPC \| {2}\| {2}\|/);
    expect(summary).toContain('### app (orders-dev-app): will be created after data: its outputs are not known yet');
    expect(summary).toContain(
      'plan: 3 with changes, 0 unchanged, 1 waiting for upstream stacks · 18 to add, 0 to modify, 0 to remove · nothing was changed',
    );
    // A deploy's summary parts are not in a plan's.
    expect(summary).not.toContain('```mermaid');
  });
});
