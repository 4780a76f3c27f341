/**
 * Someone else's REVIEW_IN_PROGRESS stack against moto (issue 11, item 8): a stack whose only
 * change set another tool made (not `stackpilot-*`) is not deleted; the deploy of that stack
 * fails naming it and the command to remove it. (The stackpilot-made case is in
 * deploy-example.moto.test.ts.) moto lists every change set of the account whatever StackName
 * says, and stamps no client token on the REVIEW_IN_PROGRESS event.
 */
import { describe, expect, it } from 'vitest';
import { createAwsPorts } from '../../src/aws/create-aws-ports.js';
import { RateLimiter } from '../../src/aws/rate-limiter.js';
import { MOTO_REGION, motoEnv, useMoto } from '../harness/aws-env.js';
import { useTestCredentials } from '../harness/test-credentials.js';
import { copyExample, createS3Bucket } from '../helpers/example-project.js';
import { runCli } from '../helpers/run-cli.js';

const { endpoint } = useMoto();
useTestCredentials();

describe('a foreign REVIEW_IN_PROGRESS stack against moto', () => {
  it('is left alone: the deploy fails naming the stack, the other tool and the delete-stack command', async () => {
    const dir = await copyExample();
    await createS3Bucket(endpoint, 'orders-dev-artifacts');
    const cf = createAwsPorts(
      { region: MOTO_REGION, endpoint },
      { limiter: new RateLimiter({ ratePerSecond: 200, burst: 50 }) },
    ).cloudFormation;
    // Another tool's pending review of a stack that happens to bear our name, and one of another stack.
    const foreign = await cf.createChangeSet({
      stackName: 'orders-dev-core-infra',
      changeSetName: 'sam-review-1',
      changeSetType: 'CREATE',
      templateBody: 'Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n',
      parameters: [],
      tags: {},
      capabilities: [],
      clientToken: 'sam-token',
    });
    await cf.createChangeSet({
      stackName: 'unrelated',
      changeSetName: 'stackpilot-unrelated',
      changeSetType: 'CREATE',
      templateBody: 'Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n',
      parameters: [],
      tags: {},
      capabilities: [],
      clientToken: 'stackpilot-unrelated-token',
    });
    expect((await cf.listChangeSets(foreign.stackId)).map((c) => c.changeSetName)).toEqual(['sam-review-1']);

    const run = await runCli(['deploy', '--endpoint-url', endpoint, '--ci', '--yes', 'core-infra', '--exclusively'], {
      cwd: dir,
      env: { ...motoEnv(endpoint), GITHUB_ACTIONS: '' },
    });

    expect(run.code).toBe(1);
    const output = run.stdout + run.stderr;
    expect(output).toContain('orders-dev-core-infra is in REVIEW_IN_PROGRESS, made by another tool');
    expect(output).toContain('sam-review-1');
    expect(output).toContain('aws cloudformation delete-stack --stack-name orders-dev-core-infra');
    expect(output).not.toContain('earlier run');
    expect((await cf.describeStack(foreign.stackId))?.status).toBe('REVIEW_IN_PROGRESS');
    expect((await cf.listChangeSets(foreign.stackId)).map((c) => c.changeSetName)).toEqual(['sam-review-1']);
  });
});
