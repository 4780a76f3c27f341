/**
 * `stackpilot validate --against-deployed --simulate` through the built CLI: after a deploy of the
 * example nothing differs; a KeySchema edit of the data stack's table is predicted as a
 * replacement that deploy would block (exit 1, the --allow-replace flag named); plain `validate`
 * stays offline.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { copyExample } from '../helpers/example-project.js';
import { runCli } from '../helpers/run-cli.js';

describe('stackpilot validate --against-deployed on the simulator', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await copyExample();
  });

  it('says a stack that is not deployed would be created', async () => {
    const r = await runCli(['validate', 'core-infra', '--against-deployed', '--simulate'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/core-infra \(orders-dev-core-infra\): would be created \(\d+ resources\)/);
  });

  it('finds no changes right after a deploy, and a KeySchema edit as a blocked replacement', async () => {
    expect((await runCli(['deploy', '--simulate', '--ci'], { cwd: dir })).code).toBe(0);
    const clean = await runCli(['validate', '--against-deployed', '--simulate'], { cwd: dir });
    expect(clean.code).toBe(0);
    for (const stack of ['core-infra', 'data', 'app', 'backup'])
      expect(clean.stdout).toContain(`${stack} (orders-dev-${stack}): no changes`);
    expect(clean.stdout).toMatch(/not resolved[\s\S]*`stackpilot plan`[\s\S]*@aws-cdk\/aws-service-spec \d+\.\d+\.\d+/);

    const file = join(dir, 'templates', 'data.yaml');
    const body = await readFile(file, 'utf8');
    await writeFile(
      file,
      body.replace(
        '        - AttributeName: sk\n          KeyType: RANGE',
        '        - AttributeName: created\n          KeyType: RANGE',
      ),
    );
    const r = await runCli(['validate', '--against-deployed', '--simulate'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/Modify +Table +AWS::DynamoDB::Table +True +KeySchema \(replace\)/);
    expect(r.stdout).toContain(
      'deploy would block: Table (AWS::DynamoDB::Table) would be replaced because KeySchema changes',
    );
    expect(r.stdout).toContain('--allow-replace data.Table');
    expect(r.stdout).toContain('app (orders-dev-app): no changes');

    const allowed = await runCli(
      ['validate', 'data', '--exclusively', '--against-deployed', '--simulate', '--allow-replace', 'data.Table'],
      { cwd: dir },
    );
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).not.toContain('deploy would block');
  });

  it('keeps plain validate offline, and refuses stack names without --against-deployed', async () => {
    const r = await runCli(['validate'], { cwd: dir, env: { AWS_ENDPOINT_URL: 'http://127.0.0.1:9' } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('is valid: 4 stacks');
    const named = await runCli(['validate', 'data'], { cwd: dir });
    expect(named.code).toBe(2);
    expect(named.stderr).toContain('only select stacks with --against-deployed');
  });
});
