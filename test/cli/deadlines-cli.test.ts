/**
 * Every wait of the built CLI is bounded (issue 11): a silent endpoint ends the run by itself with
 * exit 1 and a message naming it; the third Ctrl-C ends the process while it is stuck on one;
 * --api-rate values that would hold a call past its deadline are refused; plan takes
 * --wait-timeout. Deadlines are shortened through STACKPILOT_AWS_DEADLINES.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { motoEnv } from '../harness/aws-env.js';
import { copyExample } from '../helpers/example-project.js';
import { runCli } from '../helpers/run-cli.js';
import { startSilentServer } from '../helpers/silent-server.js';
import type { SilentServer } from '../helpers/silent-server.js';

const SHORT = 'connect=300,response=300,call=1000';

let server: SilentServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('a silent endpoint', () => {
  it('ends deploy at the account check, before any stack call: one error naming the endpoint', async () => {
    server = await startSilentServer();
    const dir = await copyExample();
    const r = await runCli(['deploy', '--endpoint-url', server.endpoint, '--yes', '--ci'], {
      cwd: dir,
      env: { ...motoEnv(server.endpoint), STACKPILOT_AWS_DEADLINES: SHORT },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `error: GetCallerIdentity: NoAnswer: the endpoint did not answer within 1s: ${server.endpoint}\n` +
        '  → check that the endpoint is right (--endpoint-url, AWS_ENDPOINT_URL, the region) and reachable; a slow network can get longer deadlines through STACKPILOT_AWS_DEADLINES (see the README)\n' +
        '  (run with --debug for the underlying cause)\n',
    );
    expect(r.stdout).toBe('');
    // The account check's own attempts only: no bucket or stack was asked about.
    expect(server.held()).toBeGreaterThanOrEqual(1);
    expect(new Set(server.heldRequests())).toEqual(new Set(['GetCallerIdentity']));
  });

  it('ends deploy by itself with exit 1, naming the endpoint (the artifacts bucket is checked first)', async () => {
    server = await startSilentServer({ answerIdentity: true });
    const dir = await copyExample();
    const r = await runCli(['deploy', '--endpoint-url', server.endpoint, '--yes', '--ci'], {
      cwd: dir,
      env: { ...motoEnv(server.endpoint), STACKPILOT_AWS_DEADLINES: SHORT },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `error: HeadBucket: NoAnswer: the endpoint did not answer within 1s: ${server.endpoint}\n`,
    );
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  });

  it('fails each stack it reaches with the same message, and the run with exit 1', async () => {
    server = await startSilentServer({ answerIdentity: true });
    const dir = await copyExample();
    const r = await runCli(
      ['deploy', 'core-infra', '--exclusively', '--endpoint-url', server.endpoint, '--yes', '--ci'],
      {
        cwd: dir,
        env: { ...motoEnv(server.endpoint), STACKPILOT_AWS_DEADLINES: SHORT },
      },
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      new RegExp(
        `core-infra +failed in .*: DescribeStacks: NoAnswer: the endpoint did not answer within 1s: ${server.endpoint}\n`,
      ),
    );
  });

  it('refuses a malformed STACKPILOT_AWS_DEADLINES as a usage error', async () => {
    const dir = await copyExample();
    const r = await runCli(['deploy', '--endpoint-url', 'http://127.0.0.1:9', '--yes', '--ci'], {
      cwd: dir,
      env: { ...motoEnv('http://127.0.0.1:9'), STACKPILOT_AWS_DEADLINES: 'call=soon' },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error: STACKPILOT_AWS_DEADLINES: "call=soon" is not a deadline');
  });
});

const BIN = fileURLToPath(new URL('../../bin/stackpilot.js', import.meta.url));
const ESC = String.fromCharCode(27);
const ANSI = new RegExp(`${ESC}(\\[[0-9;?]*[A-Za-z]|[()][A-Z0-9])`, 'g');

/**
 * Presses Ctrl-C (through `press`) each time the next of `marks` has appeared in the child's
 * output, the first time only once the silent server holds the child's request: the deploy is
 * stuck on it all along (default deadlines: a minute).
 */
async function pressThrice(
  child: ChildProcess,
  marks: readonly RegExp[],
  press: () => void,
  stuck: () => boolean,
): Promise<number | null> {
  let output = '';
  let next = 0;
  const closed = once(child, 'close') as Promise<[number | null]>;
  const whenStuck = async (): Promise<void> => {
    while (!stuck()) await new Promise((resolve) => setTimeout(resolve, 20));
  };
  const onData = (chunk: Buffer): void => {
    output += chunk.toString().replace(ANSI, '');
    const mark = marks[next];
    if (mark !== undefined && mark.test(output)) {
      next += 1;
      void whenStuck().then(press);
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const [code] = await closed;
  expect(next, output).toBe(3);
  return code;
}

const MARKS = [
  /core-infra +(deploying|starting)/,
  /interrupted: no new stack will start/,
  /cancelling updates in progress/,
];

describe('Ctrl-C while stuck on a silent endpoint', () => {
  it('keeps its meaning for the first two presses, and the third ends the process', async () => {
    server = await startSilentServer({ answerIdentity: true });
    const dir = await copyExample();
    const { FORCE_COLOR: _force, ...inherited } = process.env;
    const args = [BIN, 'deploy', 'core-infra', '--exclusively', '--endpoint-url', server.endpoint, '--yes', '--ci'];
    const child = spawn(process.execPath, args, {
      cwd: dir,
      env: { ...inherited, NO_COLOR: '1', ...motoEnv(server.endpoint) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stuck = (): boolean => (server?.held() ?? 0) >= 1;
    expect(await pressThrice(child, MARKS, () => child.kill('SIGINT'), stuck)).toBe(130);
  });

  it('does the same in the dashboard, where Ctrl-C is a key the terminal hands over as input', async () => {
    server = await startSilentServer({ answerIdentity: true });
    const dir = await copyExample();
    const { CI: _ci, GITHUB_ACTIONS: _gha, FORCE_COLOR: _force, NO_COLOR: _no, ...inherited } = process.env;
    const command = [process.execPath, BIN, 'deploy', 'core-infra', '--exclusively', '--endpoint-url', server.endpoint]
      .map((a) => `'${a}'`)
      .join(' ');
    // util-linux `script` gives the CLI a pseudo-terminal, as in dashboard-pty.test.ts.
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      cwd: dir,
      env: { ...inherited, ...motoEnv(server.endpoint), TERM: 'xterm', COLUMNS: '80', LINES: '24' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const stuck = (): boolean => (server?.held() ?? 0) >= 1;
    expect(await pressThrice(child, MARKS, () => child.stdin?.write('\u0003'), stuck)).toBe(130);
  });
});

describe('--api-rate', () => {
  it.each([
    ['deploy', '0.0001'],
    ['plan', '0.0001'],
    ['package', '0.05'],
    ['deploy', '5000'],
  ])('%s --api-rate %s is refused: exit 2 naming the flag and its range', async (command, rate) => {
    const dir = await copyExample();
    const r = await runCli([command, '--simulate', '--api-rate', rate], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error: --api-rate must be between 0.1 and 1000 calls per second, got "${rate}"`);
  });

  it('says its range in the help', async () => {
    const r = await runCli(['deploy', '--help']);
    expect(r.stdout.replace(/\s+/g, ' ')).toContain(
      '--api-rate <per-second> the AWS API calls per second shared by the whole run (0.1 to 1000) (default: "5")',
    );
  });
});

describe('--wait-timeout', () => {
  it('is taken by plan (and deploy --dry-run) as by deploy', async () => {
    const dir = await copyExample();
    const plan = await runCli(['plan', '--simulate', '--wait-timeout', '5'], { cwd: dir });
    expect(plan.stderr).toBe('');
    expect(plan.code).toBe(0);
    const dryRun = await runCli(['deploy', '--dry-run', '--simulate', '--wait-timeout', '0', '--ci'], { cwd: dir });
    expect(dryRun.code).toBe(2);
    expect(dryRun.stderr).toContain('error: --wait-timeout must be a positive number, got "0"');
  });
});
