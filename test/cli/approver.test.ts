/**
 * The CLI's approver: `--yes` answers change sets, never drift (deploy --check-drift), and
 * without a terminal a drift question is refused at once with what to do.
 */
import { describe, expect, it } from 'vitest';
import { createApprover } from '../../src/cli/approver.js';
import type { ApprovalRequest } from '../../src/engine/guards/approvals.js';

const changes: ApprovalRequest = {
  stack: 'data',
  stackName: 'orders-dev-data',
  reason: 'Table is replaced',
  flagged: [],
  changes: [],
};
const drift: ApprovalRequest = { ...changes, reason: 'orders-dev-data drifted (1 resource)', kind: 'drift' };

describe('createApprover', () => {
  it('--yes approves change sets but not drift, which is refused without a terminal, saying what to do', async () => {
    const approve = createApprover({ yes: true, level: 'destructive', interactive: undefined });
    expect(await approve(changes)).toEqual({ approved: true });
    const answer = await approve(drift);
    expect(answer.approved).toBe(false);
    expect(answer.reason).toBe(
      'orders-dev-data drifted (1 resource); a change set does not see drift, and there is no terminal to ask: bring the resources back to the template (or the template to the resources) and deploy again, or deploy without --check-drift',
    );
  });

  it('a person at the prompt answers drift, also with --yes', async () => {
    const asked: ApprovalRequest[] = [];
    const approve = createApprover({
      yes: true,
      level: 'destructive',
      interactive: (request) => {
        asked.push(request);
        return Promise.resolve({ approved: true });
      },
    });
    expect(await approve(drift)).toEqual({ approved: true });
    expect(asked).toEqual([drift]);
  });
});
