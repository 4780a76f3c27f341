import { createInterface } from 'node:readline/promises';
import type { Approver } from '../engine/approvals.js';

export interface ApproverOptions {
  /** `--yes`: approve everything. */
  yes: boolean;
  /** A person is there to answer: stdin and stdout are terminals and this is not CI. */
  interactive: boolean;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
}

/**
 * Answers the engine's approval requests. Without a terminal a needed approval fails at once,
 * naming the flag to pass, and never waits on stdin.
 */
export function createApprover(options: ApproverOptions): Approver {
  // One prompt at a time, even when several stacks ask together.
  let queue: Promise<unknown> = Promise.resolve();
  return async (request) => {
    if (options.yes) return { approved: true };
    if (!options.interactive) {
      return { approved: false, reason: `${request.reason}; approval is needed and there is no terminal to ask: pass --yes to approve` };
    }
    const ask = queue.then(async () => {
      const rl = createInterface({ input: options.input, output: options.output });
      try {
        const lines = request.flagged.map((c) => `    ${c.action === 'Remove' ? '-' : '~'} ${c.logicalId} (${c.resourceType})${c.replacement === 'True' ? ' replaced' : c.replacement === 'Conditional' ? ' may be replaced' : ' removed'}`);
        const answer = await rl.question(`\n${request.stackName}: ${request.reason}\n${lines.join('\n')}\nDeploy ${request.stack} anyway? [y/N] `);
        return /^y(es)?$/i.test(answer.trim()) ? { approved: true } : { approved: false, reason: 'not approved at the prompt' };
      } finally {
        rl.close();
      }
    });
    queue = ask.catch(() => undefined);
    return ask;
  };
}
