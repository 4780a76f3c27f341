import type { ResourceChange } from '../../aws/ports.js';
import type { TemplateObject } from '../../template/parse-template.js';
import { becauseText, replacementCauses } from './replacement-causes.js';

/** Resource types that hold data: losing one loses the data (issue 6, "Guards"). */
export const STATEFUL_TYPES: ReadonlySet<string> = new Set([
  'AWS::DynamoDB::Table',
  'AWS::DynamoDB::GlobalTable',
  'AWS::S3::Bucket',
  'AWS::RDS::DBInstance',
  'AWS::RDS::DBCluster',
  'AWS::EFS::FileSystem',
  'AWS::FSx::FileSystem',
  'AWS::KMS::Key',
  'AWS::Cognito::UserPool',
  'AWS::Logs::LogGroup',
  'AWS::ElastiCache::ReplicationGroup',
  'AWS::Neptune::DBCluster',
  'AWS::DocDB::DBCluster',
  'AWS::OpenSearchService::Domain',
  'AWS::Elasticsearch::Domain',
  'AWS::Kinesis::Stream',
  'AWS::Backup::BackupVault',
  'AWS::SecretsManager::Secret',
]);

/** Deletion policies that keep the resource when the stack lets go of it. */
const KEEPING_POLICIES = new Set(['Retain', 'Snapshot', 'RetainExceptOnCreate']);

export interface GuardResult {
  /** One line per refused change: what, why, and the flag that allows it. */
  blocked: string[];
  /** Removals the deletion policy keeps: said, not refused. */
  warnings: string[];
}

/**
 * Refuses a change set that removes or replaces a stateful resource (any resource of a stateful
 * stack, a stateful type in any stack) unless `--allow-replace <stack>.<LogicalId>` says so. A
 * removal that `DeletionPolicy: Retain` or `Snapshot` keeps is a warning instead.
 */
export function checkStatefulChanges(input: {
  stack: string;
  stateful: boolean;
  changes: readonly ResourceChange[];
  /** The deployed template's body, for the deletion policies of removed resources. */
  deployedTemplate: TemplateObject | undefined;
  allowReplace: ReadonlySet<string>;
  /**
   * Modifies no property explains (`judgeReplacements`): judged Conditional for want of knowing,
   * so they are said and need approval rather than being refused.
   */
  unexplained?: ReadonlySet<string>;
}): GuardResult {
  const blocked: string[] = [];
  const warnings: string[] = [];
  const resources = input.deployedTemplate?.Resources;
  const deployed = resources && typeof resources === 'object' && !Array.isArray(resources) ? resources : {};
  for (const change of input.changes) {
    if (!input.stateful && !STATEFUL_TYPES.has(change.resourceType)) continue;
    const key = `${input.stack}.${change.logicalId}`;
    const what = `${change.logicalId} (${change.resourceType})`;
    if (change.action === 'Remove') {
      const definition = deployed[change.logicalId];
      const policy =
        definition && typeof definition === 'object' && !Array.isArray(definition)
          ? definition.DeletionPolicy
          : undefined;
      if (typeof policy === 'string' && KEEPING_POLICIES.has(policy)) {
        warnings.push(
          `${what} leaves the stack but is kept (DeletionPolicy ${policy}); it will no longer be managed by it`,
        );
      } else if (!input.allowReplace.has(key)) {
        blocked.push(`${what} would be deleted with its data; to allow it: --allow-replace ${key}`);
      }
    } else if (input.unexplained?.has(change.logicalId) && !input.allowReplace.has(key)) {
      warnings.push(
        `${what} changes, but neither the change set nor the template names a property that changes ` +
          '(a parameter or an SSM value behind it?): it may be replaced, losing its data ' +
          '(judged Conditional: the approval levels count it as a replacement)',
      );
    } else if (
      (change.replacement === 'True' || change.replacement === 'Conditional') &&
      !input.allowReplace.has(key)
    ) {
      const causes = replacementCauses(change);
      const why = causes.length > 0 ? ` ${becauseText(causes)}` : '';
      blocked.push(
        `${what} ${change.replacement === 'True' ? 'would be replaced' : 'may be replaced'}${why}, ` +
          `losing its data; to allow it: --allow-replace ${key}`,
      );
    }
  }
  return { blocked, warnings };
}
