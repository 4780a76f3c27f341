/**
 * The dashboard as a person sees it: the real CLI in a pseudo-terminal (util-linux `script`),
 * on the simulator, with one failing stack and an approval answered by typing `y`.
 */
import { spawn } from 'node:child_process';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { copyExample } from '../helpers/example-project.js';
import { runCli } from '../helpers/run-cli.js';

const BIN = fileURLToPath(new URL('../../bin/stackpilot.js', import.meta.url));
const ESC = String.fromCharCode(27);
const CSI = new RegExp(`${ESC}\\[[0-9;?]*[A-Za-z]`, 'g');
const CHARSET = new RegExp(`${ESC}[()][A-Z0-9]`, 'g');
const strip = (text: string): string => text.replace(CSI, '').replace(CHARSET, '');

/**
 * Runs `args` in a pty; types each answer once its prompt text has appeared on the screen (and
 * `afterMs` more real ms went by: a person reading).
 */
function inTerminal(
  cwd: string,
  args: string[],
  answers: { when: string; type: string; afterMs?: number }[],
  extraEnv: Record<string, string> = {},
): Promise<{ code: number | null; screen: string }> {
  return new Promise((resolve, reject) => {
    const { CI: _ci, GITHUB_ACTIONS: _gha, FORCE_COLOR: _force, NO_COLOR: _no, ...env } = process.env;
    const command = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      cwd,
      env: { ...env, TERM: 'xterm', COLUMNS: '80', LINES: '24', ...extraEnv },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let raw = '';
    const pending = [...answers];
    const onData = (chunk: Buffer): void => {
      raw += chunk.toString();
      const next = pending[0];
      if (next && strip(raw).includes(next.when)) {
        pending.shift();
        setTimeout(() => child.stdin.write(next.type), next.afterMs ?? 0);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, screen: strip(raw) }));
  });
}

describe('the dashboard in a terminal', () => {
  it('shows the run live, asks for approval through the terminal, shows the failure and leaves a summary', async () => {
    const dir = await copyExample();
    expect((await runCli(['deploy', '--simulate', '--ci'], { cwd: dir })).code).toBe(0);
    // backup loses a resource (needs approval); app changes and its update fails in the simulator.
    const backup = join(dir, 'templates', 'backup.yaml');
    await writeFile(backup, (await readFile(backup, 'utf8')).replace(/^ {2}BackupSelection:/m, '  RemovedSelection:'));
    const app = join(dir, 'templates', 'app.yaml');
    await writeFile(app, (await readFile(app, 'utf8')).replaceAll('MemorySize: 256', 'MemorySize: 512'));
    await writeFile(
      join(dir, 'fail.json'),
      JSON.stringify({
        timeScale: 0.001,
        stacks: { app: { fail: { logicalId: 'GetOrderFunction', reason: 'boom: handler rejected' } } },
      }),
    );

    const { code, screen } = await inTerminal(
      dir,
      ['deploy', '--simulate=fail.json'],
      [{ when: 'y approve · n reject', type: 'y' }],
    );

    expect(code).toBe(1);
    // Live: the header and the approval panel with the change that needs it.
    expect(screen).toContain('deploy orders · stage dev · us-east-1');
    expect(screen).toContain('approve backup (orders-dev-backup)?');
    expect(screen).toMatch(/Remove +BackupSelection +AWS::Backup::BackupSelection/);
    // The final summary that stays in the scrollback.
    const summary = screen.slice(screen.lastIndexOf('failed in '));
    expect(summary).toMatch(/backup +updated/);
    expect(summary).toMatch(/app +failed/);
    expect(summary).toMatch(/core-infra +unchanged/);
    expect(summary).toContain('root cause');
    expect(summary).toContain('app: GetOrderFunction (AWS::Lambda::Function) UPDATE_FAILED');
    expect(summary).toContain('boom: handler rejected');
  });

  it("leaves a person's approval wait out of the recorded durations (issue 17: it counted, at 50× speed)", async () => {
    const watched = await copyExample();
    expect((await runCli(['deploy', '--simulate', '--ci'], { cwd: watched })).code).toBe(0);
    const backup = join(watched, 'templates', 'backup.yaml');
    await writeFile(backup, (await readFile(backup, 'utf8')).replace(/^ {2}BackupSelection:/m, '  RemovedSelection:'));
    // The same account, history and change, deployed once with --yes and no one watching.
    const unattended = await copyExample();
    await cp(watched, unattended, { recursive: true });
    await writeFile(join(watched, 'paced.json'), JSON.stringify({ timeScale: 0.005 }));

    const { code, screen } = await inTerminal(
      watched,
      ['deploy', '--simulate=paced.json'],
      [{ when: 'y approve · n reject', type: 'y', afterMs: 1500 }],
    );
    expect(code).toBe(0);
    expect(screen).toMatch(/\? backup +awaiting approval +[01]s/);
    expect((await runCli(['deploy', '--simulate', '--ci', '--yes'], { cwd: unattended })).code).toBe(0);
    const durations = (dir: string): Promise<string> =>
      readFile(join(dir, '.stackpilot', 'durations-dev.simulated.json'), 'utf8');
    // 1.5 real seconds were 300 simulated ones at this pace: none of them is backup's work.
    expect(await durations(watched)).toBe(await durations(unattended));
  });

  it('draws the header and every stack at once, before the SDK and the account load (issue 17)', async () => {
    const dir = await copyExample();
    // A profile that does not exist: the account cannot open, after the SDK has loaded to look.
    const { code, screen } = await inTerminal(dir, ['deploy'], [], {
      AWS_PROFILE: 'stackpilot-test-missing',
      AWS_CONFIG_FILE: join(dir, 'no-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-credentials'),
    });
    expect(code).toBe(1);
    const frame = screen.slice(0, screen.indexOf('error: '));
    expect(frame).toContain('deploy orders · stage dev · us-east-1 · concurrency 8');
    // Every stack, core-infra (which needs nothing) included: it used to be left out until run:start.
    for (const id of ['core-infra', 'data', 'app', 'backup']) expect(frame).toMatch(new RegExp(`· ${id} +queued`));
    expect(frame).toContain('4 waiting');
    expect(screen).toContain('error: AWS profile "stackpilot-test-missing" is not in');
    // Nothing ran: no summary table, only the error.
    expect(screen).not.toContain('stopped before the run finished');
  });

  it('drops the Ctrl-C advice from what stays once the run is over (issue 17)', async () => {
    const dir = await copyExample();
    await writeFile(join(dir, 'paced.json'), JSON.stringify({ timeScale: 0.005 }));
    const { code, screen } = await inTerminal(
      dir,
      ['deploy', '--simulate=paced.json'],
      [{ when: 'executing', type: '\x03' }],
    );
    expect(code).toBe(1);
    // Live, the advice was there to follow.
    // (Lines wrap at 80 columns.)
    expect(screen).toMatch(/\(press\s+Ctrl-C\s+again\s+to\s+cancel\s+updates\s+in\s+progress\)/);
    const summary = screen.slice(screen.lastIndexOf('deploy orders · stage dev · us-east-1 · simulated'));
    expect(summary).toMatch(/interrupted: no new stack will start .* left\s+to\s+CloudFormation/s);
    expect(summary).not.toMatch(/press\s+Ctrl-C/);
  });

  it('shows a preflight warning under the early dashboard and keeps it when the account then fails', async () => {
    const dir = await copyExample();
    const config = join(dir, 'stacks.config.ts');
    await writeFile(config, (await readFile(config, 'utf8')).replace("region: 'us-east-1'", "region: 'us-east-7'"));
    // Nothing listens on port 9: the account check fails after the region warning.
    const { code, screen } = await inTerminal(dir, ['deploy', '--endpoint-url', 'http://127.0.0.1:9'], [], {
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_CONFIG_FILE: join(dir, 'no-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-credentials'),
    });
    expect(code).toBe(1);
    const after = screen.slice(screen.lastIndexOf('4 waiting') + '4 waiting'.length);
    expect(after).toMatch(/^warning: region "us-east-7" is not one the AWS SDK knows/);
    expect(after).toContain('error: cannot reach http://127.0.0.1:9');
  });
});
