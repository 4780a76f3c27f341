/**
 * Issue 16's done-when: `stackpilot init --from-account --prefix orders-dev-` against the emulator,
 * after the example was deployed there, writes a config whose `stackpilot plan` shows no changes.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { motoEnv, useMoto } from '../harness/aws-env.js';
import { copyExample, createS3Bucket } from '../helpers/example-project.js';
import { runCli } from '../helpers/run-cli.js';
import { testdir } from '../helpers/testdir.js';

const { endpoint } = useMoto();

describe('stackpilot init --from-account against moto', () => {
  it('reads the deployed example into a config whose plan shows no changes', async () => {
    const example = await copyExample();
    await createS3Bucket(endpoint, 'orders-dev-artifacts');
    const env = motoEnv(endpoint);
    const deploy = await runCli(['deploy', '--endpoint-url', endpoint, '--yes', '--ci'], { cwd: example, env });
    expect(deploy.code).toBe(0);

    const dir = await testdir();
    const init = await runCli(['init', '--from-account', '--prefix', 'orders-dev-', '--endpoint-url', endpoint], {
      cwd: dir,
      env,
    });
    expect(init.code).toBe(0);
    // moto lists app's nested stack (orders-dev-app-Alarms-<suffix>) without its ParentId: left out by its name.
    expect(init.stdout).toContain('wrote stacks.config.ts (4 stacks) and 4 templates in templates/\n');
    expect(init.stderr).toMatch(
      /^warning: orders-dev-app-Alarms-\w+ is a nested stack \(named after a resource of its parent\): left out\n$/,
    );
    expect(await readFile(join(dir, 'stacks.config.ts'), 'utf8')).toContain(
      "DataBucketName: output('data', 'BucketName'),",
    );

    const plan = await runCli(['plan', '--endpoint-url', endpoint, '--ci', '--detailed-exitcode'], { cwd: dir, env });
    expect(plan.stdout).toContain('plan: 0 with changes, 4 unchanged');
    expect(plan.code).toBe(0);
    expect((await runCli(['validate'], { cwd: dir, env })).code).toBe(0);
  }, 120_000);
});
