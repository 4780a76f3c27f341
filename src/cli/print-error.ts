import { StackpilotError } from '../errors.js';
import type { Colors } from '../ui/colors.js';

/**
 * A user mistake prints what is wrong and what to do, never a stack trace; a bug prints the
 * stack. `--debug` adds stacks and causes to everything.
 */
export function formatError(error: unknown, debug: boolean, c: Colors): string {
  const lines: string[] = [];
  if (error instanceof StackpilotError && error.source !== 'bug') {
    lines.push(`${c.red('error:')} ${error.message}`);
    if (error.hint) lines.push(`  ${c.cyan('→')} ${error.hint}`);
    if (debug) lines.push(...debugDetails(error));
    else if (error.cause !== undefined) lines.push(c.dim('  (run with --debug for the underlying cause)'));
  } else {
    const message = error instanceof Error ? error.message : String(error);
    lines.push(`${c.red('internal error:')} ${message}`);
    lines.push('  this is a bug in stackpilot; please report it with the output below.');
    lines.push(...debugDetails(error));
  }
  return `${lines.join('\n')}\n`;
}

function debugDetails(error: unknown): string[] {
  const lines: string[] = [];
  let current: unknown = error;
  let depth = 0;
  while (current !== undefined && depth < 5) {
    const label = depth === 0 ? 'stack' : 'caused by';
    lines.push(
      `  ${label}: ${current instanceof Error ? (current.stack ?? current.message) : JSON.stringify(current)}`.replaceAll(
        '\n',
        '\n    ',
      ),
    );
    current = current instanceof Error ? current.cause : undefined;
    depth += 1;
  }
  return lines;
}
