/**
 * Every file stackpilot writes goes through src/write-file-atomic.ts (issue 11, item 3). A
 * process killed while saving (SIGKILL: no handler runs) leaves the old file or the new one,
 * whole: here a child saves a large simulated-account-sized state in a loop, alternating two
 * versions, and is killed at scattered moments; the file always parses and is one of the two.
 */
import { spawn } from 'node:child_process';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FileWriteError, writeFileAtomic } from '../src/write-file-atomic.js';
import { REPO_ROOT } from './helpers/run-cli.js';
import { testdir } from './helpers/testdir.js';

const MODULE = pathToFileURL(join(REPO_ROOT, 'dist', 'write-file-atomic.js')).href;

/** Saves version 0, 1, 0, 1 … of a ~4 MB state to argv[1] until killed; prints a line per save. */
const SAVER = `
const { writeFileAtomic } = await import(${JSON.stringify(MODULE)});
const file = process.argv[1];
const state = (version) => JSON.stringify({
  version,
  stacks: Array.from({ length: 2000 }, (_, i) => ({ stackName: 'stack-' + i, version, events: 'e'.repeat(2000) })),
}) + '\\n';
const versions = [state(0), state(1)];
for (let n = 0; ; n += 1) {
  await writeFileAtomic(file, versions[n % 2], { mode: 0o600 });
  process.stdout.write('saved ' + n + '\\n');
}
`;

/** A fixed sequence of kill delays (ms after the child's first save), spread over a save's length. */
const DELAYS = [0, 3, 7, 12, 18, 25, 33, 41, 55, 70];

async function killDuringSaves(file: string, delayMs: number): Promise<number> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', SAVER, file], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  let saves = 0;
  const firstSave = new Promise<void>((resolve) =>
    child.stdout.on('data', (chunk: Buffer) => {
      saves += chunk.toString().split('\n').length - 1;
      resolve();
    }),
  );
  await firstSave;
  await new Promise((resolve) => setTimeout(resolve, delayMs));
  child.kill('SIGKILL');
  await closed;
  return saves;
}

describe('writeFileAtomic', () => {
  it('leaves the old or the new file, whole, when the writer is killed mid-save', async () => {
    const dir = await testdir();
    const file = join(dir, '.stackpilot', 'simulator-state.json');
    let totalSaves = 0;
    for (const delay of DELAYS) {
      totalSaves += await killDuringSaves(file, delay);
      const text = await readFile(file, 'utf8');
      const parsed = JSON.parse(text) as { version: number; stacks: unknown[] };
      expect([0, 1]).toContain(parsed.version);
      expect(parsed.stacks).toHaveLength(2000);
      expect((await stat(file)).mode & 0o777).toBe(0o600);
    }
    expect(totalSaves).toBeGreaterThan(DELAYS.length);
  }, 60_000);

  it('names the file and the operating system’s reason when it cannot write', async () => {
    const dir = await testdir();
    await mkdir(join(dir, 'out.json'));
    const error = await writeFileAtomic(join(dir, 'out.json'), '{}', { display: 'out.json' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileWriteError);
    expect((error as FileWriteError).message).toBe(
      'could not write out.json: EISDIR: illegal operation on a directory',
    );
    expect((error as FileWriteError).hint).toBe('a folder is in the way: remove or rename it, or choose another path');
    expect((error as FileWriteError).source).toBe('user');
  });
});
