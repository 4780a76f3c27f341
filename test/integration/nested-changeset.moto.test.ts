/**
 * What moto does with a template holding a nested stack, over the wire through our adapter:
 * IncludeNestedStacks=true is accepted (moto does not read it), and its change set lists the
 * `AWS::CloudFormation::Stack` resource without a nested ChangeSetId, so a plan on moto shows the
 * nested stack as one row. AWS answers a ChangeSetId there (CLOUDFORMATION.md §2.4); that path is
 * tested against a stub in test/aws/sdk-nested-wire.test.ts and test/plan/nested.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { createAwsPorts } from '../../src/aws/create-aws-ports.js';
import { RateLimiter } from '../../src/aws/rate-limiter.js';
import { MOTO_REGION, useMoto } from '../harness/aws-env.js';
import { useTestCredentials } from '../harness/test-credentials.js';
import { putS3Object } from '../helpers/example-project.js';

useTestCredentials();
const { endpoint } = useMoto();

const CHILD = `Resources:
  Topic:
    Type: AWS::SNS::Topic
`;

describe('a change set with IncludeNestedStacks on moto', () => {
  it('is accepted, and its AWS::CloudFormation::Stack change has no nested ChangeSetId', async () => {
    await putS3Object(endpoint, 'nested-templates', 'child.yaml', CHILD);
    const ports = createAwsPorts(
      { region: MOTO_REGION, endpoint },
      {
        limiter: new RateLimiter({ ratePerSecond: 100, burst: 10 }),
        retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 },
      },
    );
    const cf = ports.cloudFormation;
    const created = await cf.createChangeSet({
      stackName: 'nested-root',
      changeSetName: 'stackpilot-nested-1',
      changeSetType: 'CREATE',
      parameters: [],
      tags: {},
      capabilities: [],
      clientToken: 'nested-1',
      templateBody: `Resources:\n  Child:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: ${endpoint}/nested-templates/child.yaml\n`,
    });
    let described = await cf.describeChangeSet(created.changeSetId);
    for (let i = 0; i < 50 && described.status !== 'CREATE_COMPLETE' && described.status !== 'FAILED'; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      described = await cf.describeChangeSet(created.changeSetId);
    }
    expect(described.status).toBe('CREATE_COMPLETE');
    expect(described.changes.map((c) => [c.action, c.logicalId, c.resourceType])).toEqual([
      ['Add', 'Child', 'AWS::CloudFormation::Stack'],
    ]);
    expect(described.changes[0]?.nestedChangeSetId).toBeUndefined();

    // One delete of the root change set, then the REVIEW stack: nothing is left.
    await cf.deleteChangeSet(created.changeSetId);
    await cf.deleteStack(created.stackId);
    const after = await cf.describeStack(created.stackId);
    expect(after === undefined || after.status === 'DELETE_COMPLETE').toBe(true);
  });
});
