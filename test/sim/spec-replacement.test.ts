/**
 * The simulator decides replacements from the resource spec (@aws-cdk/aws-service-spec), not
 * from a hand-written table: properties that table never listed replace too, the spec's "maybe"
 * is a Conditional replacement, and custom resources update in place.
 */
import { describe, expect, it } from 'vitest';
import type { CreateChangeSetInput } from '../../src/aws/ports.js';
import { deploy, readyChangeSet, setup, template } from './support.js';
import type { Sim } from './support.js';

let n = 0;
async function changes(s: Sim, body: string, extra: Partial<CreateChangeSetInput> = {}) {
  n += 1;
  const ref = await s.cf.createChangeSet({
    stackName: 'spec',
    changeSetName: `c${n}`,
    changeSetType: 'UPDATE',
    templateBody: body,
    parameters: [],
    tags: {},
    capabilities: [],
    clientToken: `t${n}`,
    ...extra,
  });
  return (await readyChangeSet(s, ref.changeSetId)).changes;
}

describe('replacements from the resource spec', () => {
  it('replaces for create-only properties the old table did not know (Lambda PackageType, S3 ObjectLockEnabled, LayerVersion Description)', async () => {
    const s = setup();
    const body = (packageType: string, lock: string, description: string) =>
      template({
        Fn: `AWS::Lambda::Function\n    Properties:\n      Role: arn:aws:iam::123456789012:role/r\n      PackageType: ${packageType}`,
        Bucket: `AWS::S3::Bucket\n    Properties:\n      ObjectLockEnabled: ${lock}`,
        Layer: `AWS::Lambda::LayerVersion\n    Properties:\n      Description: ${description}\n      Content:\n        S3Bucket: b\n        S3Key: k`,
      });
    await deploy(s, 'spec', body('Zip', 'false', 'one'));
    const result = await changes(s, body('Image', 'true', 'two'));
    expect(result.map((c) => [c.logicalId, c.replacement])).toEqual([
      ['Fn', 'True'],
      ['Bucket', 'True'],
      ['Layer', 'True'],
    ]);
    expect(result[0]?.details).toEqual([
      {
        attribute: 'Properties',
        name: 'PackageType',
        requiresRecreation: 'Always',
        changeSource: 'DirectModification',
        evaluation: 'Static',
        causingEntity: undefined,
      },
    ]);
  });

  it('says Conditional, with RequiresRecreation Conditionally, for a "maybe" property (VPC InstanceTenancy)', async () => {
    const s = setup();
    const body = (tenancy: string) =>
      template({
        Vpc: `AWS::EC2::VPC\n    Properties:\n      CidrBlock: 10.0.0.0/16\n      InstanceTenancy: ${tenancy}`,
      });
    await deploy(s, 'spec', body('default'));
    const [vpc] = await changes(s, body('dedicated'));
    expect(vpc).toMatchObject({ action: 'Modify', logicalId: 'Vpc', replacement: 'Conditional' });
    expect(vpc?.details).toEqual([
      {
        attribute: 'Properties',
        name: 'InstanceTenancy',
        requiresRecreation: 'Conditionally',
        changeSource: 'DirectModification',
        evaluation: 'Static',
        causingEntity: undefined,
      },
    ]);
  });

  it('updates in place what the spec says is mutable, and custom resources whatever changes', async () => {
    const s = setup();
    const body = (mode: string, token: string) =>
      template({
        Table: `AWS::DynamoDB::Table\n    Properties:\n      TableName: orders\n      BillingMode: ${mode}\n      KeySchema:\n        - AttributeName: pk\n          KeyType: HASH`,
        Seed: `Custom::Seed\n    Properties:\n      ServiceToken: ${token}\n      Rows: 1`,
      });
    await deploy(s, 'spec', body('PAY_PER_REQUEST', 'arn:aws:lambda:us-east-1:123456789012:function:a'));
    const result = await changes(s, body('PROVISIONED', 'arn:aws:lambda:us-east-1:123456789012:function:b'));
    expect(
      result.map((c) => [
        c.logicalId,
        c.replacement,
        c.details.map((d) => `${d.name ?? ''}:${d.requiresRecreation ?? ''}`),
      ]),
    ).toEqual([
      ['Table', 'False', ['BillingMode:Never']],
      ['Seed', 'False', ['ServiceToken:Never']],
    ]);
  });
});
