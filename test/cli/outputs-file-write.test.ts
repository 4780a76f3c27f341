/**
 * The outputs file after a deploy (issue 11, items 3 and 9): replaced, never rewritten in place,
 * so a reader polling it never sees it empty or cut; and a file that cannot be written is an
 * error naming it and the reason, exit 1, with the run's summary still printed.
 */
import { spawn } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeOutputsFile } from '../../src/engine/outputs-file.js';
import { copyExample } from '../helpers/example-project.js';
import { runCli } from '../helpers/run-cli.js';
import { testdir } from '../helpers/testdir.js';

/**
 * A reader in another process that reads `file` in a tight loop until `stop` exists, then
 * prints how many reads it made and how many did not parse as JSON (empty or cut).
 */
const POLLER = `
const { existsSync, readFileSync } = require('node:fs');
const [file, stop] = process.argv.slice(1);
let reads = 0, torn = 0;
process.stdout.write('ready\\n');
while (!existsSync(stop)) {
  try { JSON.parse(readFileSync(file, 'utf8')); } catch (e) { if (e.code !== 'ENOENT') torn += 1; }
  reads += 1;
}
process.stdout.write(JSON.stringify({ reads, torn }) + '\\n');
`;

describe('the outputs file', () => {
  it('is never seen empty or cut by a reader polling it while it is rewritten', async () => {
    const dir = await testdir();
    const file = join(dir, 'web', 'outputs.json');
    const stop = join(dir, 'stop');
    const poller = spawn(process.execPath, ['-e', POLLER, file, stop], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    poller.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const ended = new Promise<void>((resolve) => poller.on('close', () => resolve()));
    for (let i = 0; i < 100 && !out.includes('ready'); i += 1) await new Promise((r) => setTimeout(r, 20));
    // Large enough that one write is several system calls.
    const big = 'x'.repeat(256 * 1024);
    for (let i = 0; i < 300; i += 1) {
      const result = await writeOutputsFile(
        {
          file,
          format: 'json',
          values: { API_URL: { stack: 'app', name: 'ApiUrl' }, BIG: { stack: 'app', name: 'Big' } },
        },
        () => Promise.resolve({ ApiUrl: `https://api-${i}.example.com`, Big: big }),
      );
      expect(result.written).toBe(true);
    }
    await mkdir(stop);
    await ended;
    const { reads, torn } = JSON.parse(out.split('\n')[1] ?? '{}') as { reads: number; torn: number };
    expect(reads).toBeGreaterThan(0);
    expect(torn).toBe(0);
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ API_URL: 'https://api-299.example.com' });
  });

  it('that cannot be written (a folder is in the way) ends the deploy with exit 1, the reason and the summary', async () => {
    const dir = await copyExample();
    await mkdir(join(dir, '.stackpilot', 'outputs.json'), { recursive: true });
    const r = await runCli(['deploy', '--simulate', '--ci'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).not.toContain('internal error');
    expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/);
    expect(r.stdout).toMatch(
      /run +could not write \.stackpilot\/outputs\.json: EISDIR: illegal operation on a directory\. The stacks are deployed; a folder is in the way: remove or rename it, or choose another path, then run deploy again to write the file/,
    );
    // The summary is there: every stack created, the run failed only for the file.
    expect(r.stdout).toMatch(/run +failed in .*: 4 created \(\d+ API calls\)$/m);

    // NDJSON says the same in the event, and run:done carries exit code 1.
    const json = await runCli(['deploy', '--simulate', '--output', 'json'], { cwd: dir });
    expect(json.code).toBe(1);
    const events = json.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; error?: string; written?: boolean; exitCode?: number });
    const outputs = events.find((e) => e.type === 'run:outputs-file');
    expect(outputs?.written).toBe(false);
    expect(outputs?.error).toContain('could not write .stackpilot/outputs.json: EISDIR');
    expect(events.at(-1)).toMatchObject({ type: 'run:done', exitCode: 1 });
  });
});
