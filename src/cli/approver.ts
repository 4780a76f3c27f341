import type { ApprovalLevel, Approver } from '../engine/index.js';

export interface ApproverOptions {
  /** `--yes`: approve everything. */
  yes: boolean;
  level: ApprovalLevel;
  /** The dashboard's prompt, when a person is there to answer. */
  interactive: Approver | undefined;
  /** What asks, for the refusal without a terminal (default: the `--require-approval` level). */
  askedBy?: string;
}

/**
 * Answers the engine's approval requests. Without a person to ask, a needed approval fails at
 * once, naming the flags that allow it, and never waits on stdin.
 */
export function createApprover(options: ApproverOptions): Approver {
  return async (request) => {
    if (request.kind === 'drift') {
      // --yes approves change sets it can see; drift is what no change set shows.
      if (options.interactive) return options.interactive(request);
      return {
        approved: false,
        reason:
          `${request.reason}; a change set does not see drift, and there is no terminal to ask: ` +
          'bring the resources back to the template (or the template to the resources) and deploy again, ' +
          'or deploy without --check-drift',
      };
    }
    if (options.yes) return { approved: true };
    if (options.interactive) return options.interactive(request);
    return {
      approved: false,
      reason:
        `${request.reason}; approval is needed (${options.askedBy ?? `--require-approval ${options.level}`}) ` +
        'and there is no terminal to ask: pass --yes, or --require-approval never',
    };
  };
}
