/**
 * Nested stacks over the wire (moto ignores IncludeNestedStacks and never answers a ChangeSetId,
 * so a local awsQuery stub plays AWS): the flag is sent only for templates with a nested stack,
 * and a change's ChangeSetId comes back as `nestedChangeSetId`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createAwsPorts } from '../../src/aws/create-aws-ports.js';
import { RateLimiter } from '../../src/aws/rate-limiter.js';
import { hasNestedStack } from '../../src/aws/sdk-cloudformation.js';
import type { StubReply, StubRequest, StubServer } from './stub-server.js';
import { resultReply, startStub } from './stub-server.js';
import { useTestCredentials } from '../harness/test-credentials.js';

useTestCredentials();

const STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/app/11111111-2222-3333-4444-555555555555';
const CS_ID = 'arn:aws:cloudformation:us-east-1:123456789012:changeSet/cs-1/66666666-7777-8888-9999-000000000000';
const NESTED_CS_ID =
  'arn:aws:cloudformation:us-east-1:123456789012:changeSet/cs-1-Network-ABC/77777777-7777-8888-9999-000000000000';

let stub: StubServer | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

async function portsFor(reply: (request: StubRequest, index: number) => StubReply) {
  stub = await startStub(reply);
  const limiter = new RateLimiter({ ratePerSecond: 1000, burst: 1000 });
  return {
    ports: createAwsPorts(
      { region: 'us-east-1', endpoint: stub.endpoint },
      { limiter, retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 } },
    ),
    requests: stub.requests,
  };
}

const NESTED_YAML = `Resources:
  Network:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: https://example.com/network.yaml
`;

describe('nested stacks on the wire', () => {
  it('sends IncludeNestedStacks=true only for a template with an AWS::CloudFormation::Stack resource', async () => {
    const { ports, requests } = await portsFor(() =>
      resultReply('CreateChangeSet', `<Id>${CS_ID}</Id><StackId>${STACK_ID}</StackId>`),
    );
    const input = {
      stackName: 'app',
      changeSetName: 'cs-1',
      changeSetType: 'UPDATE' as const,
      parameters: [],
      tags: {},
      capabilities: [],
      clientToken: 't',
    };
    await ports.cloudFormation.createChangeSet({ ...input, templateBody: NESTED_YAML });
    await ports.cloudFormation.createChangeSet({
      ...input,
      templateBody: '{"Resources":{"N":{"Type":"AWS::CloudFormation::Stack","Properties":{"TemplateURL":"x"}}}}',
    });
    await ports.cloudFormation.createChangeSet({
      ...input,
      templateBody: 'Resources:\n  Set:\n    Type: AWS::CloudFormation::StackSet\n',
    });
    expect(requests.map((r) => r.params.get('IncludeNestedStacks'))).toEqual(['true', 'true', 'false']);
  });

  it('recognises a nested stack in YAML and JSON, quoted or not, and nothing else', () => {
    expect(hasNestedStack(NESTED_YAML)).toBe(true);
    expect(hasNestedStack("Resources:\n  N:\n    Type: 'AWS::CloudFormation::Stack'\n")).toBe(true);
    expect(hasNestedStack('{"Type" : "AWS::CloudFormation::Stack"}')).toBe(true);
    expect(hasNestedStack('Resources:\n  W:\n    Type: AWS::CloudFormation::WaitCondition\n')).toBe(false);
    expect(hasNestedStack('Description: deploys an AWS::CloudFormation::StackSet\n')).toBe(false);
  });

  it("maps a change's ChangeSetId to nestedChangeSetId, over every page, and leaves it out elsewhere", async () => {
    const header = `<ChangeSetId>${CS_ID}</ChangeSetId><ChangeSetName>cs-1</ChangeSetName><StackId>${STACK_ID}</StackId><Status>CREATE_COMPLETE</Status><ExecutionStatus>AVAILABLE</ExecutionStatus>`;
    const nested =
      `<member><Type>Resource</Type><ResourceChange><Action>Modify</Action><LogicalResourceId>Network</LogicalResourceId><PhysicalResourceId>${STACK_ID}-network</PhysicalResourceId>` +
      `<ResourceType>AWS::CloudFormation::Stack</ResourceType><Replacement>False</Replacement><ChangeSetId>${NESTED_CS_ID}</ChangeSetId></ResourceChange></member>`;
    const plain =
      '<member><Type>Resource</Type><ResourceChange><Action>Add</Action><LogicalResourceId>Logs</LogicalResourceId><ResourceType>AWS::Logs::LogGroup</ResourceType></ResourceChange></member>';
    // A change without a ResourceChange (a hook-only entry) is skipped without shifting the ids.
    const hookOnly = '<member><Type>Resource</Type><HookInvocationCount>1</HookInvocationCount></member>';
    const { ports } = await portsFor((_, i) =>
      i === 0
        ? resultReply('DescribeChangeSet', `${header}<Changes>${hookOnly}${plain}</Changes><NextToken>p2</NextToken>`)
        : resultReply('DescribeChangeSet', `${header}<Changes>${nested}</Changes>`),
    );

    const described = await ports.cloudFormation.describeChangeSet(CS_ID);
    expect(described.changes.map((c) => [c.logicalId, c.nestedChangeSetId])).toEqual([
      ['Logs', undefined],
      ['Network', NESTED_CS_ID],
    ]);
    expect('nestedChangeSetId' in (described.changes[0] ?? {})).toBe(false);
  });
});
