/**
 * Physical names as CloudFormation makes them (`<stack>-<LogicalId>-<SUFFIX>`, or the name
 * property when set), and Ref / Fn::GetAtt values that agree with them.
 */
import { describe, expect, it } from 'vitest';
import { deploy, setup, template } from './support.js';

const BODY =
  template(
    {
      Topic: 'AWS::SNS::Topic',
      Named: 'AWS::SNS::Topic\n    Properties:\n      TopicName: alerts',
      Queue: 'AWS::SQS::Queue',
      Bucket: 'AWS::S3::Bucket',
      AVeryLongLogicalIdForTheRoleOfTheFunctionThatProcessesOrders: 'AWS::IAM::Role',
      Api: 'AWS::ApiGateway::RestApi',
    },
    '',
  ) +
  `Outputs:
  TopicName: { Value: !GetAtt Topic.TopicName }
  TopicArn: { Value: !GetAtt Topic.TopicArn }
  TopicRef: { Value: !Ref Topic }
  NamedName: { Value: !GetAtt Named.TopicName }
  QueueName: { Value: !GetAtt Queue.QueueName }
  QueueUrl: { Value: !GetAtt Queue.QueueUrl }
  QueueRef: { Value: !Ref Queue }
  BucketRef: { Value: !Ref Bucket }
  BucketDomain: { Value: !GetAtt Bucket.RegionalDomainName }
  RoleRef: { Value: !Ref AVeryLongLogicalIdForTheRoleOfTheFunctionThatProcessesOrders }
  ApiRef: { Value: !Ref Api }
`;

describe('simulated physical names', () => {
  it('follow CloudFormation: <stack>-<LogicalId>-<SUFFIX>, the name when set, and GetAtt agrees with them', async () => {
    const s = setup();
    const stack = await deploy(s, 'shop-dev-events', BODY);
    expect(stack.status).toBe('CREATE_COMPLETE');
    const out = Object.fromEntries(stack.outputs.map((o) => [o.key, o.value]));

    expect(out.TopicName).toMatch(/^shop-dev-events-Topic-[A-Z0-9]{12}$/);
    expect(out.TopicArn).toBe(`arn:aws:sns:us-east-1:123456789012:${out.TopicName ?? ''}`);
    expect(out.TopicRef).toBe(out.TopicArn);
    expect(out.NamedName).toBe('alerts');
    expect(out.QueueName).toMatch(/^shop-dev-events-Queue-[A-Z0-9]{12}$/);
    expect(out.QueueUrl).toBe(`https://sqs.us-east-1.amazonaws.com/123456789012/${out.QueueName ?? ''}`);
    expect(out.QueueRef).toBe(out.QueueUrl);
    // S3 takes lowercase names only.
    expect(out.BucketRef).toMatch(/^shop-dev-events-bucket-[a-z0-9]{12}$/);
    expect(out.BucketDomain).toBe(`${out.BucketRef ?? ''}.s3.us-east-1.amazonaws.com`);
    // IAM takes 64 characters: the stack and logical id are shortened, the suffix kept.
    expect(out.RoleRef).toHaveLength(64);
    expect(out.RoleRef).toMatch(/^shop-dev-events-AVeryLongLogicalId\w*-[A-Z0-9]{12}$/);
    expect(out.ApiRef).toMatch(/^[a-z0-9]{10}$/);
  });
});
