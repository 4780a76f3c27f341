import { AwsError } from '../../aws/errors.js';
import type { ChangeSetSummary, CloudFormationPort } from '../../aws/ports.js';

/** How stackpilot names its change sets (`stackpilot-<run id>`) and begins its client tokens. */
export const STACKPILOT_PREFIX = 'stackpilot-';

/** A REVIEW_IN_PROGRESS stack has a handful of events: a few pages are plenty. */
const MAX_EVENT_PAGES = 5;

export type ReviewStackOwner = { ours: true } | { ours: false; why: string };

/**
 * Whether a REVIEW_IN_PROGRESS stack was left by a stackpilot run, and so is ours to delete
 * (issue 11, item 8). Its change sets say it: all named `stackpilot-*`. With none left (a run
 * stopped between deleting its change set and its stack), the stack's creation event says it:
 * CreateChangeSet's client token, which stackpilot begins with `stackpilot-`, stamped on the
 * REVIEW_IN_PROGRESS event. Anything else is someone else's pending review: not ours.
 */
export async function reviewStackOwner(
  cf: CloudFormationPort,
  stack: { stackId: string; stackName: string },
): Promise<ReviewStackOwner> {
  let changeSets: ChangeSetSummary[] = [];
  let unlisted: string | undefined;
  try {
    changeSets = await cf.listChangeSets(stack.stackId);
  } catch (error) {
    // A role without cloudformation:ListChangeSets: the creation event may still tell.
    if (!(error instanceof AwsError)) throw error;
    unlisted = error.serviceMessage;
  }
  if (changeSets.length > 0) {
    const foreign = changeSets
      .filter((c) => !c.changeSetName.startsWith(STACKPILOT_PREFIX))
      .map((c) => c.changeSetName);
    if (foreign.length === 0) return { ours: true };
    return {
      ours: false,
      why:
        `its change ${foreign.length === 1 ? 'set' : 'sets'} ${foreign.join(', ')} ${foreign.length === 1 ? 'is' : 'are'} ` +
        `not stackpilot's (stackpilot names its change sets ${STACKPILOT_PREFIX}<run>)`,
    };
  }
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_EVENT_PAGES; page += 1) {
    const answer = await cf.describeStackEvents(stack.stackId, nextToken);
    const creation = answer.events.find(
      (e) => e.status === 'REVIEW_IN_PROGRESS' && (e.logicalId === stack.stackName || e.physicalId === stack.stackId),
    );
    if (creation) {
      if (creation.clientRequestToken?.startsWith(STACKPILOT_PREFIX)) return { ours: true };
      break;
    }
    nextToken = answer.nextToken;
    if (nextToken === undefined) break;
  }
  const changeSetsNote =
    unlisted === undefined ? 'it has no change set left' : `its change sets could not be listed (${unlisted})`;
  return {
    ours: false,
    why: `${changeSetsNote}, and its creation event carries no stackpilot client token`,
  };
}
