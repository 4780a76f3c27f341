/**
 * CI mode (`--ci`, `CI` set, or a pipe): the plain lines, compared exactly, for recorded runs of
 * the example system on the simulator (see record-example-runs.ts); colour as the environment
 * says (NO_COLOR, FORCE_COLOR, a terminal or not).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pc from 'picocolors';
import { describe, expect, it } from 'vitest';
import { createCiRenderer } from '../../../src/ui/ci/ci-renderer.js';
import { colorsFor } from '../../../src/ui/colors.js';
import { loadRun } from './recorded-run.js';
import { ANSI, ev, output, replay, replayClock, stripAnsi, timed } from './support.js';

const EXAMPLE_LINES = readFileSync(join(import.meta.dirname, 'fixtures', 'example-run.ci.txt'), 'utf8')
  .replace(/\n$/, '')
  .split('\n');
const noColor = pc.createColors(false);

async function render(file: string, colors = noColor): Promise<string[]> {
  const { events } = loadRun(file);
  const out = output();
  const clock = replayClock();
  await replay(createCiRenderer({ write: out.write, colors, now: clock.now }), clock, events);
  return out.lines();
}

describe('the CI renderer on the example system', () => {
  it("prints one line per event, timestamped in the run's virtual time, app and backup interleaved as they ran", async () => {
    const lines = await render('example-run.json');
    expect(lines).toEqual(EXAMPLE_LINES);
    // The recorded run starts at 2025-01-01T00:00:00Z virtual time, not at the wall clock.
    expect(lines[0]).toBe(
      '00:00:00  run         deploy 4 stacks of orders (stage dev, region us-east-1): order core-infra → data → app → backup',
    );
    expect(lines.at(-1)).toBe('00:06:18  run         done in 6m19s: 4 created (97 API calls)');
  });

  it("shows the failed data stack's root cause and its dependents skipped", async () => {
    const lines = await render('example-run-data-fails.json');
    // Up to core-infra created, the run went as the successful one did.
    expect(lines.slice(0, 69)).toEqual(EXAMPLE_LINES.slice(0, 69));
    expect(lines.slice(69)).toEqual([
      '00:02:30  data        executing stackpilot-rec1 (3 changes)',
      '00:02:32  data          Table AWS::DynamoDB::Table CREATE_IN_PROGRESS',
      '00:02:32  data          Bucket AWS::S3::Bucket CREATE_IN_PROGRESS',
      '00:02:32  data          Table AWS::DynamoDB::Table CREATE_IN_PROGRESS Resource creation Initiated',
      '00:02:32  data          Bucket AWS::S3::Bucket CREATE_IN_PROGRESS Resource creation Initiated',
      '00:03:14  data          Table AWS::DynamoDB::Table CREATE_FAILED Table already exists',
      '00:03:14  data          Bucket AWS::S3::Bucket CREATE_FAILED Resource creation cancelled',
      '00:03:14  data          Table AWS::DynamoDB::Table DELETE_SKIPPED',
      '00:03:14  data          Bucket AWS::S3::Bucket DELETE_SKIPPED',
      '00:03:30  data        failed in 1m08s (19 API calls): orders-dev-data ended in ROLLBACK_COMPLETE: Table (AWS::DynamoDB::Table) CREATE_FAILED: Table already exists',
      '00:03:30  data          root cause: Table (AWS::DynamoDB::Table) CREATE_FAILED: Table already exists',
      '00:03:30  app         skipped in 0ms (0 API calls): data failed',
      '00:03:30  backup      skipped in 9s (8 API calls): data failed',
      '00:03:30  run         did not write .stackpilot/outputs.json: missing API_URL (output ApiUrl of app), API_ID (output ApiId of app)',
      '00:03:30  run         failed in 3m31s: 1 created, 1 failed, 2 skipped (56 API calls)',
    ]);
  });

  it('writes each event at once, nothing held back, and closes without output', async () => {
    const { events } = loadRun('example-run.json');
    const out = output();
    const clock = replayClock();
    const renderer = createCiRenderer({ write: out.write, colors: noColor, now: clock.now });
    expect(renderer.approver).toBeUndefined();
    const linesAfter: number[] = [];
    await replay(renderer, clock, events, () => linesAfter.push(out.lines().length));
    // stack:outputs with outputs, change sets with their changes: lines are only ever added right away.
    expect(linesAfter.at(-1)).toBe(EXAMPLE_LINES.length);
    expect(linesAfter.every((n, i) => i === 0 || n >= (linesAfter[i - 1] ?? 0))).toBe(true);
    expect(linesAfter[0]).toBe(1);
  });

  it('gives every line of a multi-line reason the timestamp and the stack, so no line starts with `::`', async () => {
    const out = output();
    const clock = replayClock();
    await replay(
      createCiRenderer({ write: out.write, colors: noColor, now: clock.now }),
      clock,
      timed([
        ev.runStart(['web']),
        ev.resource('web', 'CREATE_FAILED', 'first line\n::error::injected'),
        ev.done('web', 'failed', { reason: 'could not create the change set\n→ run `stackpilot validate`' }),
      ]),
    );
    expect(out.lines()).toEqual([
      '00:00:00  run  deploy 1 stack of p (stage dev): web',
      '00:00:01  web    R1 AWS::SNS::Topic CREATE_FAILED first line',
      '00:00:01  web    ::error::injected',
      '00:00:02  web  failed in 1s (3 API calls): could not create the change set',
      '00:00:02  web    → run `stackpilot validate`',
    ]);
  });
});

describe('colour in CI mode', () => {
  // As Node gives them: a pipe's `isTTY` is undefined, not false.
  const pipe = {} as NodeJS.WriteStream;
  const tty = { isTTY: true } as NodeJS.WriteStream;

  const colouredLines = async (stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv): Promise<string[]> =>
    render('example-run-data-fails.json', colorsFor(stream, env));

  it('has no escape codes in a pipe, CI or not', async () => {
    expect((await colouredLines(pipe, {})).join('\n')).not.toMatch(ANSI);
    expect((await colouredLines(pipe, { CI: 'true', GITHUB_ACTIONS: 'true' })).join('\n')).not.toMatch(ANSI);
  });

  it('colours a terminal, with colour codes only: no cursor movement, no erasing', async () => {
    const lines = await colouredLines(tty, {});
    const codes = lines.join('\n').match(ANSI) ?? [];
    expect(codes.length).toBeGreaterThan(0);
    // SGR (`ESC [ … m`) only: no cursor movement (`A`–`H`), no erasing (`J`, `K`).
    for (const code of codes) expect(code.slice(1)).toMatch(/^\[[0-9;]*m$/);
    // Colour is decoration only: the text is the same.
    expect(lines.map(stripAnsi)).toEqual(await colouredLines(pipe, {}));
    expect(lines).toContain(
      '\u001b[2m00:03:30\u001b[22m  data        \u001b[31m  root cause: Table (AWS::DynamoDB::Table) CREATE_FAILED: Table already exists\u001b[39m',
    );
  });

  it('never colours with NO_COLOR, even in a terminal and with FORCE_COLOR', async () => {
    expect((await colouredLines(tty, { NO_COLOR: '1' })).join('\n')).not.toMatch(ANSI);
    expect((await colouredLines(pipe, { NO_COLOR: 'true', FORCE_COLOR: '1' })).join('\n')).not.toMatch(ANSI);
  });

  it('takes an empty NO_COLOR as unset (no-color.org)', async () => {
    expect((await colouredLines(tty, { NO_COLOR: '' })).join('\n')).toMatch(ANSI);
  });

  it('colours a pipe with FORCE_COLOR, and not with FORCE_COLOR=0 or false', async () => {
    expect((await colouredLines(pipe, { FORCE_COLOR: '1' })).join('\n')).toMatch(ANSI);
    expect((await colouredLines(pipe, { FORCE_COLOR: '3' })).join('\n')).toMatch(ANSI);
    expect((await colouredLines(pipe, { FORCE_COLOR: '0' })).join('\n')).not.toMatch(ANSI);
    expect((await colouredLines(pipe, { FORCE_COLOR: 'false' })).join('\n')).not.toMatch(ANSI);
  });

  it('does not colour a dumb terminal', async () => {
    expect((await colouredLines(tty, { TERM: 'dumb' })).join('\n')).not.toMatch(ANSI);
  });
});

describe('colorsFor: FORCE_COLOR=0 on a terminal', () => {
  it('turns colour off, as Node and chalk do', () => {
    expect(colorsFor({ isTTY: true } as NodeJS.WriteStream, { FORCE_COLOR: '0' }).isColorSupported).toBe(false);
    expect(colorsFor({ isTTY: true } as NodeJS.WriteStream, { FORCE_COLOR: 'false' }).isColorSupported).toBe(false);
    expect(colorsFor({ isTTY: true } as NodeJS.WriteStream, {}).isColorSupported).toBe(true);
  });
});

describe('unknown stacks and API retries (issue 11)', () => {
  const UNKNOWN_REASON =
    'its change set was executed, then its state could not be read: DescribeStacks: NetworkError: connect ECONNREFUSED\n→ check it with: aws cloudformation describe-stacks --stack-name p-data';
  const events = (): ReturnType<typeof timed> =>
    timed([
      ev.runStart(['data', 'app']),
      {
        type: 'api:retry',
        stack: 'data',
        stackName: 'p-data',
        operation: 'DescribeStackEvents',
        attempt: 3,
        delayMs: 1_500,
        error: 'Throttling',
      },
      { type: 'api:retry', operation: 'DescribeStacks', attempt: 1, delayMs: 200, error: 'Throttling' },
      ev.done('data', 'unknown', { reason: UNKNOWN_REASON }),
      ev.done('app', 'skipped', { reason: 'data unknown' }),
      ev.runDone(1, { unknown: 1, skipped: 1 }),
    ]);

  async function lines(debug: boolean): Promise<string[]> {
    const out = output();
    const clock = replayClock();
    await replay(createCiRenderer({ write: out.write, colors: noColor, now: clock.now, debug }), clock, events());
    return out.lines();
  }

  it("says under --debug where the priorities came from when there was no durations file (CloudFormation's events)", async () => {
    const read = (debug: boolean): Promise<string[]> => {
      const out = output();
      const clock = replayClock();
      const events = timed([
        ev.runStart(['data', 'app']),
        {
          type: 'run:durations',
          source: 'cloudformation-events',
          read: ['data'],
          none: [],
          failed: [{ stack: 'app', reason: 'DescribeStackEvents: AccessDenied: not authorized' }],
          unread: [],
          apiCalls: 2,
          durationMs: 300,
        },
      ]);
      return replay(createCiRenderer({ write: out.write, colors: noColor, now: clock.now, debug }), clock, events).then(
        () => out.lines(),
      );
    };
    expect((await read(false)).filter((l) => l.includes('priorities'))).toEqual([]);
    // A failed read only means the priors are used: a debug line, not a warning.
    expect((await read(true)).filter((l) => l.includes('priorities'))).toEqual([
      "00:00:01  run   priorities: no local durations; last operation of 1 of 2 stacks read from CloudFormation's events " +
        '(2 calls, 300ms); could not read app: DescribeStackEvents: AccessDenied: not authorized; those use resource-type priors',
    ]);
  });

  it('prints an unknown stack with its reason and the command to check it; retries only under --debug', async () => {
    expect(await lines(false)).toEqual([
      '00:00:00  run   deploy 2 stacks of p (stage dev): order data → app',
      '00:00:03  data  unknown in 1s (3 API calls): its change set was executed, then its state could not be read: DescribeStacks: NetworkError: connect ECONNREFUSED',
      '00:00:03  data    → check it with: aws cloudformation describe-stacks --stack-name p-data',
      '00:00:04  app   skipped in 1s (3 API calls): data unknown',
      '00:00:05  run   failed in 5s: 1 skipped, 1 unknown (9 API calls)',
    ]);
    const debug = await lines(true);
    expect(debug.filter((l) => l.includes('retrying'))).toEqual([
      '00:00:01  data  retrying DescribeStackEvents (attempt 3: Throttling) in 2s',
      '00:00:02  run   retrying DescribeStacks (attempt 1: Throttling) in 200ms',
    ]);
  });
});
