/**
 * The one line that replaces the AWS SDK's multi-line Node version warning: when the running Node
 * is past its end of life, in the run header of the plain/CI and dashboard renderers, never in
 * `--output json`.
 */
import { describe, expect, it } from 'vitest';
import { NODE_END_OF_LIFE, nodeSupportNotice } from '../../src/cli/node-support.js';
import { copyExample } from '../helpers/example-project.js';
import { runCli } from '../helpers/run-cli.js';

const day = (iso: string): Date => new Date(`${iso}T12:00:00Z`);

describe('nodeSupportNotice', () => {
  it('says nothing for Node 20 up to its last day, and one line from the day after', () => {
    expect(NODE_END_OF_LIFE[20]).toBe('2026-04-30');
    expect(nodeSupportNotice('v20.19.0', day('2026-01-15'))).toBeUndefined();
    expect(nodeSupportNotice('v20.19.0', new Date('2026-04-30T23:59:59Z'))).toBeUndefined();
    expect(nodeSupportNotice('v20.19.0', new Date('2026-05-01T00:00:00Z'))).toBe(
      'Node 20.19.0 reached its end of life on 2026-04-30: no security fixes, and AWS SDK releases from 2027 on need Node 22. Upgrade to Node 22 or later.',
    );
  });

  it('names the next supported line for Node 22 after its end of life, without the SDK part', () => {
    expect(nodeSupportNotice('v22.23.3', day('2026-12-03'))).toBeUndefined();
    expect(nodeSupportNotice('v22.23.3', day('2027-05-01'))).toBe(
      'Node 22.23.3 reached its end of life on 2027-04-30: no security fixes. Upgrade to Node 24 or later.',
    );
    expect(nodeSupportNotice('v24.21.0', day('2028-05-01'))).toMatch(
      /^Node 24\.21\.0 .*Upgrade to Node 26 or later\.$/,
    );
  });

  it('treats a line newer than the table as supported, and one older than it as past its end', () => {
    expect(nodeSupportNotice('v26.10.0', day('2030-01-01'))).toBeUndefined();
    expect(nodeSupportNotice('v18.20.0', day('2026-01-01'))).toBe(
      'Node 18.20.0 is past its end of life: no security fixes, and AWS SDK releases from 2027 on need Node 22. Upgrade to Node 20 or later.',
    );
    expect(nodeSupportNotice('not a version', day('2030-01-01'))).toBeUndefined();
  });
});

describe('the built CLI', () => {
  // Meaningful on a Node past its end of life (Node 20 today); on a newer one it checks the absence.
  const expected = nodeSupportNotice(process.version, new Date());

  it('prints the notice once, under the run line, in CI mode', async () => {
    const dir = await copyExample();
    const r = await runCli(['deploy', '--simulate', '--ci'], { cwd: dir });
    expect(r.code).toBe(0);
    const noticeLines = r.stdout.split('\n').filter((line) => line.includes('its end of life'));
    if (expected === undefined) expect(noticeLines).toEqual([]);
    else {
      expect(noticeLines).toHaveLength(1);
      expect(r.stdout.split('\n')[1]).toMatch(new RegExp(`^\\d\\d:\\d\\d:\\d\\d {2}run {9}${escape(expected)}$`));
    }
    expect(r.stderr).not.toContain('NodeVersionSupportWarning');
  });

  it('never prints it in NDJSON: every line of --output json is an event', async () => {
    const dir = await copyExample();
    const r = await runCli(['deploy', '--simulate', '--output', 'json'], { cwd: dir });
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n').filter((line) => line !== '');
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) expect((JSON.parse(line) as { type?: unknown }).type).toEqual(expect.any(String));
    expect(r.stdout + r.stderr).not.toContain('end of life');
    expect(r.stderr).not.toContain('NodeVersionSupportWarning');
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
