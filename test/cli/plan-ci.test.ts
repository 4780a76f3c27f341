/**
 * `stackpilot plan --ci` (issue 13, step 0: the shared options): accepted like deploy's, and the
 * plan's progress comes as deploy's plain lines (`HH:MM:SS  <stack>  <text>`) on stderr, while
 * stdout stays the plan's tables. Before the shared options, `--ci` was an unknown option (exit 2).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { copyExample } from '../helpers/example-project.js';
import { runCli } from '../helpers/run-cli.js';

const plainLine = (stack: string, text: RegExp): RegExp =>
  new RegExp(`^\\d{2}:\\d{2}:\\d{2} {2}${stack} +${text.source}`, 'm');

describe('stackpilot plan --ci', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await copyExample();
  });

  it('is accepted and prints plain progress lines on stderr, the plan on stdout', async () => {
    const r = await runCli(['plan', '--simulate', '--ci'], { cwd: dir, env: { GITHUB_ACTIONS: '' } });
    expect(r.stderr).not.toContain('unknown option');
    expect(r.code).toBe(0);
    // One plain line per event, for each stack and the run, as deploy --ci prints them.
    expect(r.stderr).toMatch(plainLine('run', /plan /));
    for (const stack of ['core-infra', 'data', 'app', 'backup']) expect(r.stderr).toMatch(plainLine(stack, /\S/));
    // No cursor movement: nothing is redrawn.
    expect(r.stderr).not.toContain('\u001b[');
    // stdout is the plan itself, as without --ci.
    expect(r.stdout).not.toMatch(plainLine('run', /\S/));
    expect(r.stdout).toContain('core-infra');
  });
});
