import { AwsError } from '../../aws/errors.js';
import type { CloudFormationPort, StackDescription, StackEvent } from '../../aws/ports.js';
import type { RootCause } from '../events.js';
import { findRootCause } from './follow-operation.js';

/** A failed first create has few events; the cap bounds a loop over the account's data. */
const MAX_EVENT_PAGES = 10;

/**
 * Why a stack's first create failed (a `ROLLBACK_COMPLETE` or `ROLLBACK_FAILED` stack): its only
 * operation was that create, so its events hold the root cause. Undefined when they cannot be read:
 * the refusal that asks for it is said either way.
 */
export async function failedCreateCause(
  cf: CloudFormationPort,
  stack: StackDescription,
): Promise<RootCause | undefined> {
  const newestFirst: StackEvent[] = [];
  try {
    let token: string | undefined;
    for (let page = 0; page < MAX_EVENT_PAGES; page += 1) {
      const answer = await cf.describeStackEvents(stack.stackId, token);
      newestFirst.push(...answer.events);
      token = answer.nextToken;
      if (token === undefined) break;
    }
  } catch (error) {
    if (error instanceof AwsError) return undefined;
    throw error;
  }
  return findRootCause([...newestFirst].reverse(), stack.stackName, stack);
}
