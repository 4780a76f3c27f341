import type { ResourceChangeSummary } from './events.js';

export interface ApprovalRequest {
  stack: string;
  stackName: string;
  /** Why approval is needed, one line. */
  reason: string;
  changes: ResourceChangeSummary[];
}

/** The host answers approvals; a non-interactive host answers at once (never waits on stdin). */
export type Approver = (request: ApprovalRequest) => Promise<{ approved: boolean; reason?: string }>;

/** Removal or replacement of a resource loses it: that is what asks for a person's yes. */
export function destructiveChanges(changes: readonly ResourceChangeSummary[]): ResourceChangeSummary[] {
  return changes.filter((c) => c.action === 'Remove' || c.replacement === 'True' || c.replacement === 'Conditional');
}
