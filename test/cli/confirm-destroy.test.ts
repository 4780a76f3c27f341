/** The one confirmation of a destroy: the stage name typed at a terminal, else --yes (never a wait). */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { confirmDestroy } from '../../src/cli/confirm-destroy.js';
import type { CliContext } from '../../src/cli/context.js';
import { UsageError } from '../../src/errors.js';
import { colorsFor } from '../../src/ui/colors.js';

function context(
  tty: boolean,
  env: NodeJS.ProcessEnv = {},
): { ctx: CliContext; stdin: PassThrough; prompt: () => string } {
  const stdin = Object.assign(new PassThrough(), { isTTY: tty }) as unknown as PassThrough;
  const stderr = new PassThrough();
  let written = '';
  stderr.on('data', (chunk: Buffer) => (written += chunk.toString()));
  const stream = stderr as unknown as NodeJS.WriteStream;
  const ctx: CliContext = {
    cwd: '/',
    env,
    stdin: stdin as unknown as NodeJS.ReadStream,
    stdout: stream,
    stderr: stream,
    colors: { stdout: colorsFor(stream, { NO_COLOR: '1' }), stderr: colorsFor(stream, { NO_COLOR: '1' }) },
    onInterrupt: () => () => undefined,
    exit: () => {
      throw new Error('exit');
    },
  };
  return { ctx, stdin, prompt: () => written };
}

describe('confirmDestroy', () => {
  it('goes on when the stage name is typed at a terminal, and not for anything else', async () => {
    const yes = context(true);
    const asked = confirmDestroy({ ctx: yes.ctx, yes: false, ci: false, stage: 'pr-42', count: 3 });
    yes.stdin.write('pr-42\n');
    expect(await asked).toBe(true);
    expect(yes.prompt()).toContain('Delete 3 stacks of stage pr-42? Type the stage name (pr-42) to confirm: ');

    const no = context(true);
    const refused = confirmDestroy({ ctx: no.ctx, yes: false, ci: false, stage: 'pr-42', count: 3 });
    no.stdin.write('y\n');
    expect(await refused).toBe(false);
  });

  it('without a terminal (or with CI / --ci) and without --yes: a usage error at once, naming --yes', async () => {
    for (const [tty, env, ci] of [
      [false, {}, false],
      [true, { CI: 'true' }, false],
      [true, {}, true],
    ] as const) {
      const { ctx } = context(tty, env);
      const error = await confirmDestroy({ ctx, yes: false, ci, stage: 'dev', count: 1 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UsageError);
      expect((error as UsageError).message).toBe(
        'destroy deletes 1 stack of stage dev and there is no terminal to confirm it: nothing was deleted',
      );
      expect((error as UsageError).hint).toContain('pass --yes');
    }
  });

  it('--yes confirms without asking', async () => {
    const { ctx, prompt } = context(false);
    expect(await confirmDestroy({ ctx, yes: true, ci: true, stage: 'dev', count: 4 })).toBe(true);
    expect(prompt()).toBe('');
  });
});
