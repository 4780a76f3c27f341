import type { CloudFormationPort, StackDescription } from '../../aws/ports.js';
import { PROJECT_TAG, STAGE_TAG } from '../../config/stack-tags.js';

/** A deployed stack of this project and stage that the config no longer has. */
export interface OrphanStack {
  stackName: string;
  stackId: string;
  /** Its CloudFormation status, e.g. `UPDATE_COMPLETE`. */
  status: string;
  /** Last update, else creation, as ISO 8601. */
  lastUpdated: string | undefined;
  terminationProtection: boolean;
}

export interface FindOrphansInput {
  cf: CloudFormationPort;
  project: string;
  stage: string;
  /** The CloudFormation names of every stack in the config for this stage (not only the selected ones). */
  configuredStackNames: Iterable<string>;
}

/**
 * Orphans: stacks that carry this project's AND this stage's stackpilot tags but whose name is no
 * longer in the config. The tags decide, never a name: `orders-dev-` also begins the stacks of
 * stage `dev-alice`, and a stack someone else made with a similar name is not ours. Deleted
 * stacks are not listed (DescribeStacks without a name leaves them out). One paginated read.
 */
export async function findOrphans(input: FindOrphansInput): Promise<OrphanStack[]> {
  const configured = new Set(input.configuredStackNames);
  const stacks = await input.cf.listStacks();
  return stacks
    .filter((s) => isOurs(s, input.project, input.stage) && !configured.has(s.stackName))
    .sort((a, b) => a.stackName.localeCompare(b.stackName))
    .map((s) => ({
      stackName: s.stackName,
      stackId: s.stackId,
      status: s.status,
      lastUpdated: (s.lastUpdatedTime ?? s.creationTime)?.toISOString(),
      terminationProtection: s.terminationProtection,
    }));
}

function isOurs(stack: StackDescription, project: string, stage: string): boolean {
  const tags = stack.tags;
  return (
    stack.status !== 'DELETE_COMPLETE' &&
    // A nested stack carries its parent's tags (CloudFormation propagates them) but is its parent's to delete.
    stack.parentId === undefined &&
    Object.hasOwn(tags, PROJECT_TAG) &&
    tags[PROJECT_TAG] === project &&
    Object.hasOwn(tags, STAGE_TAG) &&
    tags[STAGE_TAG] === stage
  );
}
