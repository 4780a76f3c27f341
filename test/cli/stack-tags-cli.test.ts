/**
 * Every stack stackpilot deploys carries `stackpilot:project` and `stackpilot:stage`. A stack
 * deployed before those tags existed gets them in one update, and is unchanged after that.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyExample } from '../helpers/example-project.js';
import { runCli } from '../helpers/run-cli.js';

interface State {
  stacks: { stackName: string; deployed?: { tags: Record<string, string> } }[];
}

const doneLines = (stdout: string): string[] =>
  stdout
    .split('\n')
    .filter((l) => /^\d\d:\d\d:\d\d {2}run +done in /.test(l))
    .map((l) => l.replace(/^.*: /, '').replace(/ \(\d+ API calls\)$/, ''));

describe('stackpilot tags on every stack', () => {
  it('a stack deployed without them is updated once, then unchanged', async () => {
    const dir = await copyExample();
    expect((await runCli(['deploy', '--simulate', '--ci'], { cwd: dir })).code).toBe(0);
    const file = join(dir, '.stackpilot', 'simulator-state.json');
    const state = JSON.parse(await readFile(file, 'utf8')) as State;
    for (const stack of state.stacks) {
      expect(stack.deployed?.tags).toMatchObject({ 'stackpilot:project': 'orders', 'stackpilot:stage': 'dev' });
      // As a stackpilot from before the tags left them.
      delete stack.deployed?.tags['stackpilot:project'];
      delete stack.deployed?.tags['stackpilot:stage'];
    }
    await writeFile(file, JSON.stringify(state));

    const before = await runCli(['status', '--simulate', '--ci'], { cwd: dir });
    expect(before.stdout).toMatch(/^data +orders-dev-data +CREATE_COMPLETE +.* UTC +tags +off +0$/m);

    const update = await runCli(['deploy', '--simulate', '--ci'], { cwd: dir });
    expect(update.code, update.stdout).toBe(0);
    expect(doneLines(update.stdout)).toEqual(['4 updated']);

    const again = await runCli(['deploy', '--simulate', '--ci'], { cwd: dir });
    expect(doneLines(again.stdout)).toEqual(['4 unchanged']);
    const after = await runCli(['status', '--simulate', '--ci'], { cwd: dir });
    expect(after.stdout).toMatch(/^data +orders-dev-data +UPDATE_COMPLETE +.* UTC +no +off +0$/m);
  });
});
