/**
 * `stackpilot status` against moto through the built CLI: the example after a deploy is all
 * deployable, a change set left unexecuted is listed, a template edit shows as a difference.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAwsPorts } from '../../src/aws/create-aws-ports.js';
import type { CloudFormationPort } from '../../src/aws/ports.js';
import { findOrphans } from '../../src/engine/orphans/find-orphans.js';
import { RateLimiter } from '../../src/aws/rate-limiter.js';
import { MOTO_REGION, motoEnv, useMoto } from '../harness/aws-env.js';
import { useTestCredentials } from '../harness/test-credentials.js';
import { copyExample, createS3Bucket } from '../helpers/example-project.js';
import { runCli } from '../helpers/run-cli.js';

const { endpoint } = useMoto();
useTestCredentials();

describe('stackpilot status against moto', () => {
  it('after deploy: all deployable (exit 0); a leftover change set and a template edit are shown', async () => {
    const dir = await copyExample();
    await createS3Bucket(endpoint, 'orders-dev-artifacts');
    const env = motoEnv(endpoint);
    const args = ['--endpoint-url', endpoint, '--ci'];
    expect((await runCli(['deploy', ...args, '--yes'], { cwd: dir, env })).code).toBe(0);

    const after = await runCli(['status', ...args], { cwd: dir, env });
    expect(after.stderr).toBe('');
    expect(after.code).toBe(0);
    for (const id of ['core-infra', 'data', 'app', 'backup'])
      expect(after.stdout).toMatch(new RegExp(`^${id} +orders-dev-${id} +CREATE_COMPLETE +.* UTC +no +off +0$`, 'm'));
    expect(after.stdout).toContain('4 deployable · nothing was changed');

    // Someone's change set on backup, made and never executed.
    const ports = createAwsPorts(
      { region: MOTO_REGION, endpoint },
      { limiter: new RateLimiter({ ratePerSecond: 100, burst: 100 }) },
    );
    const file = join(dir, 'templates', 'backup.yaml');
    const original = await readFile(file, 'utf8');
    const edited = original.replace(/^Resources:\n/m, 'Resources:\n  Extra:\n    Type: AWS::SNS::Topic\n');
    await ports.cloudFormation.createChangeSet({
      stackName: 'orders-dev-backup',
      changeSetName: 'left-behind',
      changeSetType: 'UPDATE',
      templateBody: edited,
      parameters: [
        { key: 'Project', value: 'orders' },
        { key: 'Stage', value: 'dev' },
      ],
      tags: {},
      capabilities: [],
      clientToken: 'left-behind',
    });
    await writeFile(file, edited);

    const withLeftover = await runCli(['status', ...args], { cwd: dir, env });
    expect(withLeftover.code).toBe(0);
    expect(withLeftover.stdout).toMatch(/^backup +orders-dev-backup +CREATE_COMPLETE +.* UTC +template +off +1$/m);
    expect(withLeftover.stdout).toContain('! backup: 1 change set not executed: left-behind');
    expect(withLeftover.stdout).toContain(
      '→ review and execute, or delete: aws cloudformation delete-change-set --stack-name orders-dev-backup --change-set-name left-behind',
    );
    expect(withLeftover.stdout).toContain('4 deployable, 1 with local changes · nothing was changed');

    // moto has no drift detection: each stack's drift is "not known", which fails nothing.
    const drift = await runCli(['status', ...args, '--drift'], { cwd: dir, env });
    expect(drift.code, drift.stdout).toBe(0);
    expect(drift.stdout).toContain(
      '! data (stateful): drift not known (FAILED: DetectStackDrift failed with HTTP 500: the endpoint may not support drift detection (moto does not))',
    );
  }, 120_000);

  it('finds orphans by both tags through DescribeStacks without a name, never by the name prefix', async () => {
    const cf = createAwsPorts(
      { region: MOTO_REGION, endpoint },
      { limiter: new RateLimiter({ ratePerSecond: 100, burst: 100 }) },
    ).cloudFormation;
    const ours = { 'stackpilot:project': 'shop', 'stackpilot:stage': 'dev' };
    await create(cf, 'shop-dev-core', ours);
    await create(cf, 'shop-dev-old', ours);
    await create(cf, 'shop-dev-alice-core', { ...ours, 'stackpilot:stage': 'dev-alice' });
    await create(cf, 'shop-dev-byhand', {});
    const orphans = await findOrphans({ cf, project: 'shop', stage: 'dev', configuredStackNames: ['shop-dev-core'] });
    expect(orphans.map((o) => [o.stackName, o.status])).toEqual([['shop-dev-old', 'CREATE_COMPLETE']]);
  });
});

/** A one-topic stack through a change set, executed and waited for. */
async function create(cf: CloudFormationPort, stackName: string, tags: Record<string, string>): Promise<void> {
  const ref = await cf.createChangeSet({
    stackName,
    changeSetName: 'create',
    changeSetType: 'CREATE',
    templateBody: 'Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n',
    parameters: [],
    tags,
    capabilities: [],
    clientToken: `create-${stackName}`,
  });
  for (let i = 0; i < 50 && (await cf.describeChangeSet(ref.changeSetId)).status !== 'CREATE_COMPLETE'; i += 1)
    await new Promise((resolve) => setTimeout(resolve, 100));
  await cf.executeChangeSet(ref.changeSetId, `run-${stackName}`);
  for (let i = 0; i < 50 && (await cf.describeStack(ref.stackId))?.status !== 'CREATE_COMPLETE'; i += 1)
    await new Promise((resolve) => setTimeout(resolve, 100));
}
