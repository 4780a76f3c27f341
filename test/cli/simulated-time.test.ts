/**
 * Issue 17, item 1: simulated time moves by simulated work only. A paced run (a scenario's
 * `timeScale`, as the dashboard's default 0.02) used to read real elapsed time / timeScale, so the
 * CLI's own work (loading the SDK, saving the state) became simulated minutes, differently each
 * run, and went into the durations file.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyExample } from '../helpers/example-project.js';
import { runCli } from '../helpers/run-cli.js';

interface FreshCreate {
  durations: string;
  /** `stack id: status durationMs apiCalls` from each `stack:done`. */
  stacks: string[];
}

/** The example created from nothing (no account, no durations file) in a fresh copy. */
async function freshCreate(scenario: object | undefined): Promise<FreshCreate> {
  const dir = await copyExample();
  const args = ['deploy', '--ci', '--output', 'json'];
  if (scenario) {
    await writeFile(join(dir, 'sc.json'), JSON.stringify(scenario));
    args.push('--simulate=sc.json');
  } else args.push('--simulate');
  const result = await runCli(args, { cwd: dir });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  const stacks = result.stdout
    .split('\n')
    .filter((line) => line.includes('"stack:done"'))
    .map((line) => JSON.parse(line) as { stack: string; status: string; durationMs: number; apiCalls: number })
    .map((e) => `${e.stack}: ${e.status} ${e.durationMs} ${e.apiCalls}`)
    .sort();
  return { durations: await readFile(join(dir, '.stackpilot', 'durations-dev.simulated.json'), 'utf8'), stacks };
}

describe('simulated time', () => {
  it('three identical fresh paced creates record the same durations and make the same API calls per stack', async () => {
    // 0.005: the example's five simulated minutes play in about 1.5 s; the old clock turned
    // each real millisecond of work into 200 simulated ones.
    const paced = { timeScale: 0.005 };
    const runs = [await freshCreate(paced), await freshCreate(paced), await freshCreate(paced)];
    expect(runs[0]?.stacks).toHaveLength(4);
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[2]).toEqual(runs[0]);
    // The pace only sets how fast the run plays: an unpaced run records the very same times.
    expect(await freshCreate(undefined)).toEqual(runs[0]);
    // Four CLI runs, three of them paced: more than the default 30 s on a loaded 2-core machine.
  }, 120_000);
});
