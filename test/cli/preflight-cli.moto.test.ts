/**
 * The account check before a run, against moto (which serves STS GetCallerIdentity): no
 * credentials is one error and no CloudFormation call; with credentials, the account is checked
 * once and the run goes on.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { motoEnv, useMoto } from '../harness/aws-env.js';
import { startThrottlingProxy } from '../harness/throttling-proxy.js';
import type { ThrottlingProxy } from '../harness/throttling-proxy.js';
import { copyExample } from '../helpers/example-project.js';
import { runCli } from '../helpers/run-cli.js';

const { endpoint } = useMoto();

let proxy: ThrottlingProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
});

describe('the account check against moto', () => {
  it('no credentials: one error before any stack call, not one per stack', async () => {
    // Counts every CloudFormation and SSM request on its way to moto; throttles none.
    proxy = await startThrottlingProxy({ target: endpoint, rate: 0, maxInARow: 0 });
    const dir = await copyExample();
    await writeFile(join(dir, 'empty'), '');
    const env = {
      ...motoEnv(proxy.endpoint),
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_CONFIG_FILE: join(dir, 'empty'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'empty'),
    };
    for (const args of [['deploy', '--yes', '--ci'], ['plan'], ['validate', '--against-deployed']]) {
      const r = await runCli([...args, '--endpoint-url', proxy.endpoint], { cwd: dir, env });
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr.split('\n').filter((l) => l.startsWith('error:'))).toEqual([
        expect.stringMatching(/^error: no AWS credentials found \(tried: environment variables/),
      ]);
      expect(r.stderr).not.toContain('DescribeStacks');
    }
    expect(proxy.byAction()).toEqual({});
  });

  it('with credentials: GetCallerIdentity once, then the run (validate --against-deployed reads each stack)', async () => {
    proxy = await startThrottlingProxy({ target: endpoint, rate: 0, maxInARow: 0 });
    const dir = await copyExample();
    const r = await runCli(['validate', '--against-deployed', '--endpoint-url', proxy.endpoint], {
      cwd: dir,
      env: motoEnv(proxy.endpoint),
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(proxy.byAction()).toEqual({ DescribeStacks: 4 });
  });
});
