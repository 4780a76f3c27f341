import { parseTemplate } from '../../template/parse-template.js';
import type { TemplateObject, TemplateValue } from '../../template/parse-template.js';
import { resolveName } from '../../template/resolve-name.js';
import { STATEFUL_TYPES } from '../guards/stateful-guard.js';

/** Deletion policies that leave something behind when the stack is deleted (CLOUDFORMATION.md §6). */
export type KeepingPolicy = 'Retain' | 'RetainExceptOnCreate' | 'Snapshot';

/** A resource of a deployed template that stack deletion does not simply delete. */
export interface KeptResource {
  logicalId: string;
  resourceType: string;
  /** Retain and RetainExceptOnCreate keep the resource; Snapshot deletes it after a final snapshot. */
  policy: KeepingPolicy;
  /**
   * The name the template gives it (TableName, BucketName, ...), `${...}` where not known here:
   * a resource kept under a fixed name blocks the next create of the same stage ("already exists").
   */
  fixedName: string | undefined;
}

/** A resource of a type that holds data (STATEFUL_TYPES) that no DeletionPolicy keeps: its data goes with the stack. */
export interface LostResource {
  logicalId: string;
  resourceType: string;
}

export interface TemplateResources {
  /** False when the deployed template could not be read: then nothing here can be trusted to be complete. */
  readable: boolean;
  /** Resources the delete removes (Snapshot ones included). */
  deleted: number;
  kept: KeptResource[];
  /** Resources holding data that the delete removes with their data (no Retain, RetainExceptOnCreate or Snapshot). */
  lost: LostResource[];
}

/**
 * The property that names a resource, for the types whose name must be unique in the account or
 * region: a kept one makes a later create under the same name fail.
 */
const NAME_PROPERTIES: Readonly<Record<string, string>> = {
  'AWS::S3::Bucket': 'BucketName',
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::DynamoDB::GlobalTable': 'TableName',
  'AWS::Backup::BackupVault': 'BackupVaultName',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::RDS::DBInstance': 'DBInstanceIdentifier',
  'AWS::RDS::DBCluster': 'DBClusterIdentifier',
  'AWS::SQS::Queue': 'QueueName',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::IAM::Role': 'RoleName',
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::SSM::Parameter': 'Name',
  'AWS::SecretsManager::Secret': 'Name',
  'AWS::Kinesis::Stream': 'Name',
  'AWS::KMS::Alias': 'AliasName',
  'AWS::ECR::Repository': 'RepositoryName',
  'AWS::Cognito::UserPoolDomain': 'Domain',
  'AWS::OpenSearchService::Domain': 'DomainName',
  'AWS::Elasticsearch::Domain': 'DomainName',
  'AWS::ElastiCache::ReplicationGroup': 'ReplicationGroupId',
  'AWS::DocDB::DBCluster': 'DBClusterIdentifier',
  'AWS::Neptune::DBCluster': 'DBClusterIdentifier',
};

const KEEPING: ReadonlySet<string> = new Set(['Retain', 'RetainExceptOnCreate', 'Snapshot']);

/**
 * What deleting a stack deployed with this template leaves: from the deployed template
 * (GetTemplate) and the parameters it was deployed with. An unreadable template says nothing kept and
 * `readable: false`, so a caller guarding data looks elsewhere (ListStackResources) instead of reading it as "no data".
 */
export function keptResources(input: {
  templateBody: string;
  stackName: string;
  region: string | undefined;
  parameters: ReadonlyMap<string, string>;
  /** The deployed stack's ARN: its account, region and partition resolve the names that use them. */
  stackId?: string;
}): TemplateResources {
  const arn = input.stackId === undefined ? {} : fromStackArn(input.stackId);
  const region = arn.region ?? input.region;
  let body: TemplateObject;
  try {
    // GetTemplate answers JSON or YAML; YAML reads both.
    body = parseTemplate(input.templateBody, 'deployed.yaml').body;
  } catch {
    return { readable: false, deleted: 0, kept: [], lost: [] };
  }
  const resources = body.Resources;
  if (!isObject(resources)) return { readable: false, deleted: 0, kept: [], lost: [] };
  const kept: KeptResource[] = [];
  const lost: LostResource[] = [];
  let deleted = 0;
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (!isObject(resource)) continue;
    const type = typeof resource.Type === 'string' ? resource.Type : '';
    const policy = resource.DeletionPolicy;
    // A Snapshot resource is deleted too (its snapshot stays), so it counts among the deleted.
    if (typeof policy !== 'string' || policy === 'Snapshot' || !KEEPING.has(policy)) deleted += 1;
    if (typeof policy !== 'string' || !KEEPING.has(policy)) {
      if (STATEFUL_TYPES.has(type)) lost.push({ logicalId, resourceType: type });
      continue;
    }
    const nameProperty = Object.hasOwn(NAME_PROPERTIES, type) ? NAME_PROPERTIES[type] : undefined;
    const properties = isObject(resource.Properties) ? resource.Properties : {};
    const nameValue =
      nameProperty !== undefined && Object.hasOwn(properties, nameProperty) ? properties[nameProperty] : undefined;
    kept.push({
      logicalId,
      resourceType: type,
      policy: policy as KeepingPolicy,
      fixedName:
        nameValue === undefined || nameValue === null
          ? undefined
          : resolveName(nameValue, {
              stackName: input.stackName,
              ...(region === undefined ? {} : { region }),
              ...(arn.accountId === undefined ? {} : { accountId: arn.accountId }),
              ...(arn.partition === undefined ? {} : { partition: arn.partition }),
              parameters: input.parameters,
            }).value,
    });
  }
  return { readable: true, deleted, kept, lost };
}

/** `arn:<partition>:cloudformation:<region>:<account>:stack/<name>/<id>`; nothing from anything else. */
function fromStackArn(stackId: string): { partition?: string; region?: string; accountId?: string } {
  const [scheme, partition, service, region, accountId] = stackId.split(':');
  if (scheme !== 'arn' || service !== 'cloudformation' || !partition || !region || !accountId) return {};
  return { partition, region, accountId };
}

function isObject(value: TemplateValue | undefined): value is TemplateObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
