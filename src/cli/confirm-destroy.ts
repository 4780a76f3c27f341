import { createInterface } from 'node:readline/promises';
import { UsageError } from '../errors.js';
import type { CliContext } from './context.js';

/** A person can answer: stdin is a terminal and neither `CI` nor `--ci` says otherwise. */
export function canAsk(ctx: CliContext, ciFlag: boolean): boolean {
  const ci = ciFlag || (ctx.env.CI !== undefined && ctx.env.CI !== '' && ctx.env.CI !== 'false');
  return !ci && ctx.stdin.isTTY === true;
}

/**
 * The one confirmation of a destroy: `--yes`, or the stage name typed at a terminal. Without a
 * terminal and without `--yes` it is a usage error at once (nothing is deleted), never a wait.
 */
export async function confirmDestroy(input: {
  ctx: CliContext;
  yes: boolean;
  ci: boolean;
  stage: string;
  count: number;
}): Promise<boolean> {
  const { ctx } = input;
  if (input.yes) return true;
  if (!canAsk(ctx, input.ci))
    throw new UsageError(
      `destroy deletes ${input.count} ${input.count === 1 ? 'stack' : 'stacks'} of ` +
        `stage ${input.stage} and there is no terminal to confirm it: nothing was deleted`,
      { hint: 'pass --yes to confirm (after a look at the table above, or at `stackpilot destroy --dry-run`)' },
    );
  const rl = createInterface({ input: ctx.stdin, output: ctx.stderr, terminal: true });
  const abort = new AbortController();
  // Ctrl-C at the question is a no.
  rl.on('SIGINT', () => abort.abort());
  try {
    const answer = await rl.question(
      `Delete ${input.count} ${input.count === 1 ? 'stack' : 'stacks'} of ` +
        `stage ${input.stage}? Type the stage name (${input.stage}) to confirm: `,
      { signal: abort.signal },
    );
    return answer.trim() === input.stage;
  } catch {
    return false;
  } finally {
    rl.close();
  }
}
