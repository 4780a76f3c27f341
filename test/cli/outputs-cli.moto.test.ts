/** `stackpilot outputs` against moto: deploy, then read the outputs back and write the outputs file. */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { motoEnv, useMoto } from '../harness/aws-env.js';
import { copyExample, createS3Bucket } from '../helpers/example-project.js';
import { runCli } from '../helpers/run-cli.js';

const { endpoint } = useMoto();

describe('stackpilot outputs against moto', () => {
  it('before deploy names the stacks; after deploy prints them all and --write makes the file deploy made', async () => {
    const dir = await copyExample();
    await createS3Bucket(endpoint, 'orders-dev-artifacts');
    const env = motoEnv(endpoint);

    const before = await runCli(['outputs', 'app', '--endpoint-url', endpoint], { cwd: dir, env });
    expect(before.code).toBe(1);
    expect(before.stdout).toBe('');
    expect(before.stderr).toContain('error: app: orders-dev-app is not deployed\n');

    const deploy = await runCli(['deploy', '--endpoint-url', endpoint, '--yes', '--ci'], { cwd: dir, env });
    expect(deploy.code).toBe(0);
    const file = join(dir, '.stackpilot', 'outputs.json');
    const byDeploy = await readFile(file, 'utf8');
    await rm(file);

    const r = await runCli(['outputs', '--endpoint-url', endpoint, '--write', '--output', 'json'], { cwd: dir, env });
    expect(r.stderr).toBe('wrote outputs to .stackpilot/outputs.json\n');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      stacks: { stack: string; deployed: boolean; outputs: { key: string; exportName: string | null }[] }[];
    };
    expect(doc.stacks.map((s) => [s.stack, s.deployed])).toEqual([
      ['core-infra', true],
      ['data', true],
      ['app', true],
      ['backup', true],
    ]);
    const app = doc.stacks.find((s) => s.stack === 'app');
    expect(app?.outputs).toContainEqual(expect.objectContaining({ key: 'ApiUrl', exportName: 'orders-dev-ApiUrl' }));
    expect(await readFile(file, 'utf8')).toBe(byDeploy);

    const table = await runCli(['outputs', 'data', '--exclusively', '--endpoint-url', endpoint], { cwd: dir, env });
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(
      /^stack +output +value +export\ndata +TableName +orders-dev-orders +orders-dev-TableName$/m,
    );
  });
});
