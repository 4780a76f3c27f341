/** `stackpilot outputs` on the simulator, as a user runs it: the built CLI, real files. */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyExample } from '../helpers/example-project.js';
import { runCli } from '../helpers/run-cli.js';

describe('stackpilot outputs --simulate', () => {
  it('names every stack not deployed (exit 1) and prints nothing else', async () => {
    const dir = await copyExample();
    const r = await runCli(['outputs', '--simulate'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n').filter((l) => l.startsWith('error:'))).toEqual([
      'error: core-infra: orders-dev-core-infra is not deployed',
      'error: data: orders-dev-data is not deployed',
      'error: app: orders-dev-app is not deployed',
      'error: backup: orders-dev-backup is not deployed',
    ]);
  });

  it('after deploy: the table, one stack, JSON, and --write makes the file deploy makes', async () => {
    const dir = await copyExample();
    const deploy = await runCli(['deploy', '--simulate', '--ci'], { cwd: dir });
    expect(deploy.code).toBe(0);
    const file = join(dir, '.stackpilot', 'outputs.json');
    const byDeploy = await readFile(file, 'utf8');

    const all = await runCli(['outputs', '--simulate'], { cwd: dir });
    expect(all.stderr).toBe('');
    expect(all.code).toBe(0);
    const lines = all.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^stack +output +value +export$/);
    expect(lines).toContainEqual(expect.stringMatching(/^core-infra +VpcId +vpc-\w+ +orders-dev-VpcId$/));
    // An output without an export has an empty last column.
    expect(lines).toContainEqual(expect.stringMatching(/^data +TableNameParameter +\/orders\/dev\/data\/table-name$/));
    expect(lines).toContainEqual(expect.stringMatching(/^app +ApiUrl +https:\/\/\S+ +orders-dev-ApiUrl$/));
    expect(new Set(lines.slice(1).map((l) => l.split(' ')[0]))).toEqual(
      new Set(['core-infra', 'data', 'app', 'backup']),
    );

    const one = await runCli(['outputs', 'app', '--exclusively', '--simulate', '--output', 'json'], { cwd: dir });
    expect(one.code).toBe(0);
    const doc = JSON.parse(one.stdout) as {
      stacks: { stack: string; status: string; deployed: boolean; outputs: { key: string; exportName: string }[] }[];
    };
    expect(doc.stacks.map((s) => [s.stack, s.status, s.deployed])).toEqual([['app', 'CREATE_COMPLETE', true]]);
    expect(doc.stacks[0]?.outputs.map((o) => [o.key, o.exportName])).toEqual([
      ['ApiUrl', 'orders-dev-ApiUrl'],
      ['ApiId', 'orders-dev-ApiId'],
    ]);

    // The frontend sync for a developer who did not deploy: the same file, nothing deployed.
    await rm(file);
    const write = await runCli(['outputs', 'core-infra', '--simulate', '--write'], { cwd: dir });
    expect(write.code).toBe(0);
    expect(write.stderr).toBe('wrote outputs to .stackpilot/outputs.json\n');
    expect(await readFile(file, 'utf8')).toBe(byDeploy);
  });

  it('with one stack deployed: prints it, names the others, and --write writes nothing with values missing', async () => {
    const dir = await copyExample();
    expect((await runCli(['deploy', 'core-infra', '--simulate', '--ci'], { cwd: dir })).code).toBe(0);
    const r = await runCli(['outputs', '--simulate', '--write'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^core-infra +VpcId /m);
    expect(r.stdout).not.toMatch(/^(data|app|backup) /m);
    expect(r.stderr).toContain('error: app: orders-dev-app is not deployed\n');
    expect(r.stderr).toContain(
      'error: did not write .stackpilot/outputs.json: missing API_URL (output ApiUrl of app), API_ID (output ApiId of app)\n',
    );
    await expect(readFile(join(dir, '.stackpilot', 'outputs.json'), 'utf8')).rejects.toThrow(/ENOENT/);
  });

  it('--write without an outputs file in the config is a usage error', async () => {
    const dir = await copyExample();
    await writeFile(
      join(dir, 'stacks.config.json'),
      JSON.stringify({
        project: 'tiny',
        region: 'us-east-1',
        stacks: { core: { template: 'templates/core-infra.yaml', parameters: { Project: 'tiny', Stage: 'dev' } } },
      }),
    );
    const r = await runCli(['outputs', '--simulate', '--write', '--config', 'stacks.config.json'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error: --write: the config has no `outputs` file to write');
  });
});
