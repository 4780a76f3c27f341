/**
 * The simulated account (`--simulate-state`) under concurrent and killed runs, through the built
 * CLI (issue 11, item 3): a second run waits for the first, or refuses naming it; a run killed
 * mid-deploy keeps the stacks it reported done, and its lock frees itself.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyExample } from '../helpers/example-project.js';
import { REPO_ROOT, runCli } from '../helpers/run-cli.js';

const BIN = join(REPO_ROOT, 'bin', 'stackpilot.js');
/** The example's six simulated minutes in about eight real seconds: long enough to be caught running. */
const SLOW = { timeScale: 0.02 };

interface Running {
  child: ChildProcess;
  stdout: () => string;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function start(args: string[], cwd: string, env: Record<string, string> = {}): Running {
  const { FORCE_COLOR: _force, ...inherited } = process.env;
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd,
    env: { ...inherited, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.resume();
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return { child, stdout: () => stdout, done };
}

/** Polls until `check` holds; a bounded number of polls, so a broken run fails the test instead of hanging it. */
async function until(check: () => boolean, what: string, output = (): string => ''): Promise<void> {
  for (let i = 0; i < 600; i += 1) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`gave up waiting for ${what}; output:\n${output()}`);
}

function stackNames(stateFile: string): string[] {
  const state = JSON.parse(readFileSync(stateFile, 'utf8')) as { stacks: { stackName: string; status: string }[] };
  return state.stacks.map((s) => `${s.stackName} ${s.status}`).sort();
}

describe('a simulated account shared by two runs', () => {
  it('makes a second run refuse, naming the first, or wait for it: no run loses the other one’s stacks', async () => {
    const dir = await copyExample();
    await writeFile(join(dir, 'slow.json'), JSON.stringify(SLOW));
    const state = join(dir, 'account.json');
    const first = start(['deploy', '--simulate=slow.json', '--ci', '--simulate-state', 'account.json'], dir);
    // It deploys once it has the account.
    await until(() => /core-infra +deploying/.test(first.stdout()), 'the first run to start', first.stdout);

    // A run that will not wait long is refused, and told who holds the account.
    const refused = await runCli(['deploy', '--simulate', '--ci', '--simulate-state', 'account.json'], {
      cwd: dir,
      env: { STACKPILOT_SIMULATE_LOCK_WAIT: '0.5' },
    });
    expect(refused.code).toBe(1);
    expect(refused.stderr).not.toContain('internal error');
    expect(refused.stderr).toContain(`error: the simulated account account.json is in use by run ${first.child.pid}`);
    expect(refused.stderr).toContain('stackpilot deploy --simulate=slow.json --ci --simulate-state account.json');
    expect(refused.stderr).toMatch(/started \d{4}-\d\d-\d\dT/);
    expect(refused.stderr).toContain('→ wait for that run to end and run again');

    // A run that waits long enough goes after the first, on the account the first left.
    const waiting = await runCli(
      ['deploy', '--simulate', '--ci', '--stage', 'staging', '--simulate-state', 'account.json'],
      { cwd: dir, env: { STACKPILOT_SIMULATE_LOCK_WAIT: '120' } },
    );
    const firstDone = await first.done;
    expect(firstDone.code).toBe(0);
    expect(first.stdout()).toMatch(/done in .*: 4 created/);
    expect(waiting.stderr).toBe('');
    expect(waiting.code).toBe(0);
    expect(waiting.stdout).toMatch(/done in .*: 4 created/);
    expect(stackNames(state)).toEqual([
      'orders-dev-app CREATE_COMPLETE',
      'orders-dev-backup CREATE_COMPLETE',
      'orders-dev-core-infra CREATE_COMPLETE',
      'orders-dev-data CREATE_COMPLETE',
      'orders-staging-app CREATE_COMPLETE',
      'orders-staging-backup CREATE_COMPLETE',
      'orders-staging-core-infra CREATE_COMPLETE',
      'orders-staging-data CREATE_COMPLETE',
    ]);
    // Every run let go of the account, and the file is its owner's only.
    expect(existsSync(`${state}.lock`)).toBe(false);
    expect(existsSync(`${state}.lock-holder`)).toBe(false);
    expect(statSync(state).mode & 0o777).toBe(0o600);
  }, 90_000);

  it('keeps what a killed run reported done, and the next run takes over its lock', async () => {
    const dir = await copyExample();
    await writeFile(join(dir, 'slow.json'), JSON.stringify(SLOW));
    const state = join(dir, '.stackpilot', 'simulator-state.json');
    const run = start(['deploy', '--simulate=slow.json', '--ci'], dir);
    await until(() => /core-infra +created in /.test(run.stdout()), 'core-infra to be reported created');
    run.child.kill('SIGKILL');
    expect((await run.done).signal).toBe('SIGKILL');

    // The stack reported done is in the saved account, complete.
    expect(stackNames(state)).toContain('orders-dev-core-infra CREATE_COMPLETE');
    // The lock is left behind by the killed run, and taken over once it is stale.
    expect(existsSync(`${state}.lock`)).toBe(true);
    const next = await runCli(['deploy', '--simulate', '--ci'], { cwd: dir });
    expect(next.stderr).toBe('');
    expect(next.code).toBe(0);
    expect(next.stdout).toMatch(/core-infra +unchanged/);
    expect(next.stdout).not.toMatch(/core-infra +created/);
  }, 90_000);

  it('lets go of the account on every way out: an error, SIGTERM, and Ctrl-C three times (quit at once)', async () => {
    const dir = await copyExample();
    await writeFile(join(dir, 'slow.json'), JSON.stringify(SLOW));
    const state = join(dir, 'account.json');
    const args = ['deploy', '--simulate=slow.json', '--ci', '--simulate-state', 'account.json'];

    await writeFile(state, '{ not json');
    const broken = await runCli(args, { cwd: dir });
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('the simulator state is not valid JSON');
    expect(existsSync(`${state}.lock`)).toBe(false);

    for (const signals of [['SIGTERM'], ['SIGINT', 'SIGINT', 'SIGINT']] as const) {
      // A fresh account each time: the last run left core-infra creating in the one it had.
      await rm(state, { force: true });
      const run = start(args, dir);
      await until(() => /core-infra +executing/.test(run.stdout()), 'core-infra to execute', run.stdout);
      expect(existsSync(`${state}.lock`)).toBe(true);
      for (const signal of signals) {
        run.child.kill(signal);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      const ended = await run.done;
      expect(ended.code ?? ended.signal).toBe(signals.length === 1 ? 'SIGTERM' : 130);
      expect(existsSync(`${state}.lock`)).toBe(false);
      expect(existsSync(`${state}.lock-holder`)).toBe(false);
    }
  }, 90_000);
});
