import { CloudFormationClient, CreateStackCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { expect, it } from 'vitest';
import { motoClientConfig, useMoto } from '../harness/aws-env.js';
const { endpoint } = useMoto();
it('keeps its stack', async () => {
  const cf = new CloudFormationClient(motoClientConfig(endpoint));
  await cf.send(new CreateStackCommand({ StackName: 'race-3', TemplateBody: JSON.stringify({ Resources: { T: { Type: 'AWS::SNS::Topic' } } }) }));
  await new Promise((r) => setTimeout(r, 1500));
  const { Stacks } = await cf.send(new DescribeStacksCommand({}));
  expect(Stacks?.map((s) => s.StackName)).toEqual(['race-3']);
});
