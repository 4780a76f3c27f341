/**
 * `stackpilot validate --against-deployed` over the wire against moto: after a deploy of the
 * example, DescribeStacks and GetTemplate give back what was sent, so every stack has no changes.
 */
import { describe, expect, it } from 'vitest';
import { motoEnv, useMoto } from '../harness/aws-env.js';
import { copyExample, createS3Bucket } from '../helpers/example-project.js';
import { runCli } from '../helpers/run-cli.js';

const { endpoint } = useMoto();

describe('stackpilot validate --against-deployed against moto', () => {
  it('predicts creation before a deploy and no changes after it', async () => {
    const dir = await copyExample();
    await createS3Bucket(endpoint, 'orders-dev-artifacts');
    const env = motoEnv(endpoint);

    const before = await runCli(['validate', '--against-deployed', '--endpoint-url', endpoint], { cwd: dir, env });
    expect(before.stderr).toBe('');
    expect(before.code).toBe(0);
    expect(before.stdout).toMatch(/core-infra \(orders-dev-core-infra\): would be created \(\d+ resources\)/);

    expect((await runCli(['deploy', '--endpoint-url', endpoint, '--yes', '--ci'], { cwd: dir, env })).code).toBe(0);
    const after = await runCli(['validate', '--against-deployed', '--endpoint-url', endpoint], { cwd: dir, env });
    expect(after.stderr).toBe('');
    expect(after.code).toBe(0);
    for (const stack of ['core-infra', 'data', 'app', 'backup'])
      expect(after.stdout).toContain(`${stack} (orders-dev-${stack}): no changes`);
    expect(after.stdout).toContain('against deployed: 0 with changes, 4 unchanged');
  });
});
