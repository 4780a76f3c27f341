import { AwsError } from '../../aws/errors.js';
import type { ChangeSetDescription, CloudFormationPort, ResourceChange } from '../../aws/ports.js';
import { parseTemplate } from '../../template/parse-template.js';
import { loadResourceSpec } from '../../spec/resource-spec.js';
import { judgeReplacements, needsJudging } from './replacement-opinions.js';
import { checkStatefulChanges } from './stateful-guard.js';
import type { GuardResult } from './stateful-guard.js';

/** Nested stacks inside nested stacks: far deeper than any real template goes. */
const MAX_DEPTH = 10;

/**
 * The data guard inside nested stacks. A change set made with IncludeNestedStacks names each
 * nested stack's own change set (ResourceChange.ChangeSetId, CLOUDFORMATION.md §2.4), and a table
 * replaced in a nested stack loses its data just the same. Its resources are allowed with
 * `--allow-replace <stack>.<NestedLogicalId>.<LogicalId>`. A nested change set that cannot be
 * read is said as a warning: the guard cannot vouch for it, but nothing says data is lost.
 */
export async function checkNestedStatefulChanges(input: {
  cf: CloudFormationPort;
  /** The config id of the root stack. */
  stack: string;
  stateful: boolean;
  changes: readonly ResourceChange[];
  allowReplace: ReadonlySet<string>;
  /** Filled with every nested change set described, so that nobody describes one twice (plan shows them). */
  described?: Map<string, ChangeSetDescription | AwsError>;
}): Promise<GuardResult> {
  const blocked: string[] = [];
  const warnings: string[] = [];
  const visit = async (changes: readonly ResourceChange[], path: string, depth: number): Promise<void> => {
    for (const change of changes) {
      if (change.nestedChangeSetId === undefined) continue;
      const where = `${path}.${change.logicalId}`;
      const label = `nested stack ${where.slice(input.stack.length + 1)}`;
      if (depth > MAX_DEPTH) {
        warnings.push(
          `${label} is nested more than ${MAX_DEPTH} levels deep: its changes were not checked for data loss`,
        );
        continue;
      }
      let nested: ResourceChange[];
      try {
        const description = await input.cf.describeChangeSet(change.nestedChangeSetId);
        input.described?.set(change.nestedChangeSetId, description);
        nested = description.changes;
      } catch (error) {
        if (!(error instanceof AwsError)) throw error;
        input.described?.set(change.nestedChangeSetId, error);
        warnings.push(
          `could not read the change set of ${label} (${error.serviceMessage}): its changes were not checked for data loss`,
        );
        continue;
      }
      // The worse of the change set's and the spec's opinion, as for the root (replacement-opinions.ts).
      // The nested stack's new template is not at hand: a Modify without details stays unexplained.
      const judged = needsJudging(nested)
        ? judgeReplacements({ changes: nested, spec: await loadResourceSpec() })
        : { changes: nested, unexplained: new Set<string>() };
      // The deletion policies of resources it removes are in the nested stack's deployed template.
      const removes = nested.some((c) => c.action === 'Remove');
      const deployedTemplate =
        removes && change.physicalId ? await readTemplate(input.cf, change.physicalId) : undefined;
      const guard = checkStatefulChanges({
        stack: where,
        stateful: input.stateful,
        changes: judged.changes,
        deployedTemplate,
        allowReplace: input.allowReplace,
        unexplained: judged.unexplained,
      });
      blocked.push(...guard.blocked.map((line) => `in ${label}: ${line}`));
      warnings.push(...guard.warnings.map((line) => `in ${label}: ${line}`));
      await visit(nested, where, depth + 1);
    }
  };
  await visit(input.changes, input.stack, 1);
  return { blocked, warnings };
}

async function readTemplate(
  cf: CloudFormationPort,
  stackId: string,
): Promise<ReturnType<typeof parseTemplate>['body'] | undefined> {
  try {
    return parseTemplate(await cf.getTemplate(stackId), 'nested (deployed).yaml').body;
  } catch {
    // Unreadable: every removal is then treated as losing its data (refused unless allowed).
    return undefined;
  }
}
