/**
 * `stackpilot deploy --simulate` on the example system, through the built CLI (issue 4, "Done
 * when"): app and backup deploy in parallel after data; a second run finds everything unchanged
 * on the saved simulated account; a scenario where data fails shows its dependents skipped, the
 * independent branch created, the root cause, and exit 1.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { copyExample } from '../helpers/example-project.js';
import { runCli } from '../helpers/run-cli.js';

interface Line {
  /** Position in the output: the order the engine emitted the events in. */
  n: number;
  time: string;
  stack: string;
  text: string;
}

/** The plain renderer's lines: `HH:MM:SS  <stack>  <text>`. */
function parse(stdout: string): Line[] {
  const lines: Line[] = [];
  for (const raw of stdout.split('\n')) {
    const match = /^(\d{2}:\d{2}:\d{2}) {2}(\S+) +(.*)$/.exec(raw);
    if (match) lines.push({ n: lines.length, time: match[1] ?? '', stack: match[2] ?? '', text: match[3] ?? '' });
  }
  return lines;
}

function find(lines: readonly Line[], stack: string, pattern: RegExp): Line {
  const line = lines.find((l) => l.stack === stack && pattern.test(l.text));
  if (!line)
    throw new Error(
      `no line for ${stack} matching ${String(pattern)} in:\n${lines.map((l) => `${l.stack}  ${l.text}`).join('\n')}`,
    );
  return line;
}

const seconds = (time: string): number => {
  const [h, m, s] = time.split(':').map(Number);
  return (h ?? 0) * 3600 + (m ?? 0) * 60 + (s ?? 0);
};

describe('stackpilot deploy --simulate: the example system', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await copyExample();
  });

  it('deploys it with app and backup in parallel after data, exit 0', async () => {
    const r = await runCli(['deploy', '--simulate', '--ci'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = parse(r.stdout);

    const dataDone = find(lines, 'data', /^created in /);
    const appExecuting = find(lines, 'app', /^executing /);
    const backupExecuting = find(lines, 'backup', /^executing /);
    const appDone = find(lines, 'app', /^created in /);
    const backupDone = find(lines, 'backup', /^created in /);
    // Both after data ...
    expect(appExecuting.n).toBeGreaterThan(dataDone.n);
    expect(backupExecuting.n).toBeGreaterThan(dataDone.n);
    expect(find(lines, 'data', /^executing /).n).toBeGreaterThan(find(lines, 'core-infra', /^created in /).n);
    // ... and at the same time: each started before the other finished.
    expect(appExecuting.n).toBeLessThan(backupDone.n);
    expect(backupExecuting.n).toBeLessThan(appDone.n);
    // backup made its change set early (it only imports from data) and went the moment data was done.
    expect(find(lines, 'backup', /^change set ready/).n).toBeLessThan(dataDone.n);
    expect(backupExecuting.time).toBe(dataDone.time);
    // Timestamps are the simulated clock's: minutes of CloudFormation work passed.
    const first = lines[0];
    const last = lines.at(-1);
    expect(seconds(last?.time ?? '') - seconds(first?.time ?? '')).toBeGreaterThan(120);
    expect(find(lines, 'run', /^done in /).text).toMatch(/: 4 created \(\d+ API calls\)$/);
    expect(existsSync(join(dir, '.stackpilot', 'simulator-state.json'))).toBe(true);
  });

  it('finds every stack unchanged on a second run (the simulated account was kept)', async () => {
    const r = await runCli(['deploy', '--simulate', '--ci'], { cwd: dir });
    expect(r.code).toBe(0);
    const lines = parse(r.stdout);
    for (const stack of ['core-infra', 'data', 'app', 'backup']) find(lines, stack, /^unchanged in /);
    expect(lines.filter((l) => /^executing /.test(l.text))).toEqual([]);
    expect(find(lines, 'run', /^done in /).text).toMatch(/: 4 unchanged \(\d+ API calls\)$/);
  });

  it("shows a failed data stack's root cause, its dependents skipped and core-infra created, exit 1", async () => {
    await writeFile(
      join(dir, 'fails.json'),
      JSON.stringify({ stacks: { data: { fail: { logicalId: 'Table', reason: 'Table already exists' } } } }),
    );
    const r = await runCli(['deploy', '--simulate=fails.json', '--simulate-state', 'fresh-state.json', '--ci'], {
      cwd: dir,
    });
    expect(r.code).toBe(1);
    const lines = parse(r.stdout);

    // A fresh account: everything is created from nothing.
    find(lines, 'core-infra', /^created in /);
    expect(find(lines, 'data', /^failed in /).text).toContain(
      'Table (AWS::DynamoDB::Table) CREATE_FAILED: Table already exists',
    );
    expect(find(lines, 'data', /^root cause: /).text).toBe(
      'root cause: Table (AWS::DynamoDB::Table) CREATE_FAILED: Table already exists',
    );
    expect(find(lines, 'app', /^skipped in /).text).toMatch(/: data failed$/);
    expect(find(lines, 'backup', /^skipped in /).text).toMatch(/: data failed$/);
    expect(lines.filter((l) => (l.stack === 'app' || l.stack === 'backup') && /^executing /.test(l.text))).toEqual([]);
    expect(find(lines, 'run', /^failed in /).text).toMatch(/: 1 created, 1 failed, 2 skipped \(\d+ API calls\)$/);
    expect(existsSync(join(dir, 'fresh-state.json'))).toBe(true);
  });

  it('refuses --simulate with --endpoint-url, exit 2', async () => {
    const r = await runCli(['deploy', '--simulate', '--endpoint-url', 'http://localhost:4566', '--ci'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--simulate and --endpoint-url cannot be used together');
    expect(r.stdout).toBe('');
  });
});
