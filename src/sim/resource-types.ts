import { partitionOf } from './intrinsics.js';
import { shortHash } from './random.js';
import { resourceSpec } from '../spec/resource-spec.js';
import type { Recreation } from '../spec/resource-spec.js';

/**
 * The little the simulator knows about resource types: which property names the resource (its
 * physical id), which properties force a replacement when changed (from the resource
 * specification, `src/spec`), and what `Ref` / `Fn::GetAtt` give. Everything else is generic;
 * the point is plausible, deterministic values.
 */

/** The property that names the resource: set, it is the physical id (as `Ref` gives it). */
const NAME_PROPERTY: Readonly<Record<string, string>> = {
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::S3::Bucket': 'BucketName',
  'AWS::SQS::Queue': 'QueueName',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::IAM::Role': 'RoleName',
  'AWS::SSM::Parameter': 'Name',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::Backup::BackupVault': 'BackupVaultName',
  'AWS::Kinesis::Stream': 'Name',
  'AWS::Events::Rule': 'Name',
  'AWS::StepFunctions::StateMachine': 'StateMachineName',
  'AWS::ECR::Repository': 'RepositoryName',
  'AWS::SecretsManager::Secret': 'Name',
};

/**
 * The longest name the service takes, for the names CloudFormation makes up
 * (`<stack>-<LogicalId>-<SUFFIX>`, shortened to fit); unlisted types are not short-limited.
 */
const NAME_LIMIT: Readonly<Record<string, number>> = {
  'AWS::S3::Bucket': 63,
  'AWS::IAM::Role': 64,
  'AWS::Lambda::Function': 64,
  'AWS::SQS::Queue': 80,
  'AWS::StepFunctions::StateMachine': 80,
  'AWS::Events::Rule': 64,
  'AWS::Kinesis::Stream': 128,
};

/** EC2-style ids: `vpc-0a1b2c...`. */
const ID_PREFIX: Readonly<Record<string, string>> = {
  'AWS::EC2::VPC': 'vpc-',
  'AWS::EC2::Subnet': 'subnet-',
  'AWS::EC2::SecurityGroup': 'sg-',
  'AWS::EC2::RouteTable': 'rtb-',
  'AWS::EC2::VPCEndpoint': 'vpce-',
  'AWS::EC2::InternetGateway': 'igw-',
  'AWS::EC2::NatGateway': 'nat-',
  'AWS::EC2::Instance': 'i-',
};

/**
 * What changing the property does to the resource, per the resource specification: `Always`
 * replaces, `Conditionally` may (the spec's "maybe"), `Never` updates in place. A type or property
 * the spec does not know is updated in place; so are custom resources, whose properties are the
 * provider's business (the spec marks their ServiceToken create-only; we do not follow it).
 */
export function recreationOf(type: string, property: string): Recreation {
  if (isCustomResource(type)) return 'Never';
  return resourceSpec().replacementOf(type, property) ?? 'Never';
}

export function isCustomResource(type: string): boolean {
  return type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource';
}

export function nameProperty(type: string): string | undefined {
  return NAME_PROPERTY[type];
}

/**
 * A deterministic physical id: the given name when the template names the resource, else an EC2
 * style id or CloudFormation's `<stack>-<LogicalId>-<RANDOM>`; a new generation (a replacement)
 * gets a new one.
 */
export function physicalIdFor(input: {
  type: string;
  stackName: string;
  stackId: string;
  logicalId: string;
  generation: number;
  name: string | undefined;
}): string {
  if (input.name !== undefined && input.name !== '') return input.name;
  const seed = `${input.stackId}/${input.logicalId}/${input.generation}`;
  const prefix = ID_PREFIX[input.type];
  if (prefix !== undefined) return `${prefix}${shortHash(seed, 17, 'hex')}`;
  if (input.type === 'AWS::SSM::Parameter') return `CFN-${input.logicalId}-${shortHash(seed, 12)}`;
  // API Gateway ids are 10 lowercase characters (`a1b2c3d4e5`), the host name of the API's URL.
  if (input.type === 'AWS::ApiGateway::RestApi' || input.type === 'AWS::ApiGatewayV2::Api')
    return shortHash(seed, 10).toLowerCase();
  const name = generatedName(input.stackName, input.logicalId, shortHash(seed, 12), NAME_LIMIT[input.type] ?? 255);
  // Bucket names are lowercase only: CloudFormation lowercases the name it makes up.
  return input.type === 'AWS::S3::Bucket' ? name.toLowerCase() : name;
}

/**
 * CloudFormation's made-up name, `<stack>-<LogicalId>-<SUFFIX>`: when it would be longer than the
 * service takes, the stack name and the logical id are shortened, never the suffix that makes it unique.
 */
function generatedName(stackName: string, logicalId: string, suffix: string, limit: number): string {
  const full = `${stackName}-${logicalId}-${suffix}`;
  if (full.length <= limit) return full;
  const room = limit - suffix.length - 2;
  // Each part gets half the room, and what the other does not need.
  const stack = stackName.slice(0, Math.max(room - logicalId.length, Math.floor(room / 2)));
  return `${stack}-${logicalId.slice(0, room - stack.length)}-${suffix}`;
}

function service(type: string): string {
  return (type.split('::')[1] ?? 'unknown').toLowerCase();
}

function arnOf(type: string, physicalId: string, region: string, account: string): string {
  const partition = partitionOf(region);
  switch (type) {
    case 'AWS::S3::Bucket':
      return `arn:${partition}:s3:::${physicalId}`;
    case 'AWS::IAM::Role':
      return `arn:${partition}:iam::${account}:role/${physicalId}`;
    case 'AWS::Lambda::Function':
      return `arn:${partition}:lambda:${region}:${account}:function:${physicalId}`;
    case 'AWS::SNS::Topic':
    case 'AWS::SQS::Queue':
      return `arn:${partition}:${service(type)}:${region}:${account}:${physicalId}`;
    case 'AWS::SSM::Parameter':
      return `arn:${partition}:ssm:${region}:${account}:parameter/${physicalId.replace(/^\//, '')}`;
    default: {
      const kind = (type.split('::')[2] ?? 'resource').toLowerCase();
      return `arn:${partition}:${service(type)}:${region}:${account}:${kind}/${physicalId}`;
    }
  }
}

/** What `Ref` of the resource gives. */
export function refValue(type: string, physicalId: string, region: string, account: string): string {
  switch (type) {
    case 'AWS::SNS::Topic':
      return arnOf(type, physicalId, region, account);
    case 'AWS::SQS::Queue':
      return `https://sqs.${region}.amazonaws.com/${account}/${physicalId}`;
    case 'AWS::Lambda::LayerVersion':
      return `arn:${partitionOf(region)}:lambda:${region}:${account}:layer:${physicalId}:1`;
    default:
      return physicalId;
  }
}

/**
 * What `Fn::GetAtt` of the resource gives: its name for the name attribute (`Topic.TopicName`),
 * its ARN for `Arn` and `<Kind>Arn` (`TopicArn`), its id for `*Id`, the service's forms for a few
 * others (a queue's URL, a bucket's domain names), else a stable stand-in.
 */
export function attributeValue(
  type: string,
  physicalId: string,
  attribute: string,
  region: string,
  account: string,
): string {
  const kind = type.split('::')[2] ?? '';
  const suffix = partitionOf(region) === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
  if (attribute === `${kind}Name` || attribute === NAME_PROPERTY[type]) return physicalId;
  if (attribute === `${kind}Arn`) return arnOf(type, physicalId, region, account);
  if (attribute === `${kind}Id`) return physicalId;
  if (type === 'AWS::SQS::Queue' && attribute === 'QueueUrl') return refValue(type, physicalId, region, account);
  if (type === 'AWS::S3::Bucket') {
    if (attribute === 'DomainName') return `${physicalId}.s3.${suffix}`;
    if (attribute === 'RegionalDomainName') return `${physicalId}.s3.${region}.${suffix}`;
    if (attribute === 'DualStackDomainName') return `${physicalId}.s3.dualstack.${region}.${suffix}`;
    if (attribute === 'WebsiteURL') return `http://${physicalId}.s3-website-${region}.${suffix}`;
  }
  if (type === 'AWS::Logs::LogGroup' && attribute === 'Arn')
    return `arn:${partitionOf(region)}:logs:${region}:${account}:log-group:${physicalId}:*`;
  if (attribute === 'Arn') return arnOf(type, physicalId, region, account);
  if (attribute.endsWith('Arn'))
    return `${arnOf(type, physicalId, region, account)}/${attribute.slice(0, -3).toLowerCase()}`;
  if (attribute === 'GroupId' || attribute === 'Id' || attribute === 'Name') return physicalId;
  return `${attribute.toLowerCase()}-${shortHash(`${physicalId}/${attribute}`, 10, 'hex')}`;
}
