import pc from 'picocolors';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createInkRenderer } from '../../../src/ui/dashboard/ink-renderer.js';
import type { InkRendererOptions } from '../../../src/ui/dashboard/ink-renderer.js';
import { FakeStdin, FakeStdout } from './fake-terminal.js';
import {
  BACKUP_APPROVAL,
  BACKUP_ASKS,
  DATA_FAILS,
  DURATIONS,
  EDGES,
  HEADER,
  MID_DEPLOY,
  at,
  lines,
  screen,
} from './recorded.js';
import type { Timed } from './recorded.js';

const renderers: { close: () => Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(renderers.splice(0).map((r) => r.close()));
  vi.restoreAllMocks();
});

function setup(options: Partial<Omit<InkRendererOptions, 'stdin' | 'stdout'>> & { stdin?: FakeStdin } = {}) {
  const stdout = new FakeStdout(80, 24);
  const stdin = options.stdin ?? new FakeStdin();
  let clock = at(0);
  const renderer = createInkRenderer({
    header: HEADER,
    edges: EDGES,
    durations: DURATIONS,
    now: () => clock,
    frameMs: 10,
    debug: true,
    colors: pc.createColors(false),
    ...options,
    stdout: stdout.asStream(),
    stdin: stdin.asStream(),
  });
  renderers.push(renderer);
  return {
    renderer,
    stdout,
    stdin,
    play: (events: readonly Timed[]): void => {
      for (const [seconds, event] of events) {
        clock = at(seconds);
        if (!event.type.startsWith('approval:')) renderer.emit(event as Parameters<typeof renderer.emit>[0]);
      }
    },
    setClock: (seconds: number): void => {
      clock = at(seconds);
    },
    /** The last frame drawn (in debug mode Ink writes each frame whole). */
    frame: (): string => screen(stdout.writes.filter((w) => w !== '').at(-1)),
  };
}

describe('createInkRenderer', () => {
  it('draws the run on its timer and leaves the summary in the scrollback when closed', async () => {
    const { renderer, stdout, play, setClock, frame } = setup();
    const writes = stdout.writes.length;
    play(MID_DEPLOY);
    // Events are taken in at once but drawn only on the next tick.
    expect(stdout.writes.length).toBe(writes);
    setClock(100);
    await vi.waitFor(() =>
      expect(frame()).toBe(
        lines(
          'deploy orders · stage dev · us-east-1 · concurrency 8                      1m40s',
          '',
          '✓ core-infra  created in 1m05s',
          '⠋ data        executing 2/3         ███████░░░    41s  TableNameParam CREATE_IN…',
          '· app         waiting for data',
          '· backup      waiting to execute                   7s',
          '',
          '1 running · 2 waiting · 1 created                               about 1m30s left',
        ),
      ),
    );

    play(DATA_FAILS.slice(MID_DEPLOY.length - 2));
    await vi.waitFor(() => expect(frame()).toContain('│ data: Table (AWS::DynamoDB::Table) CREATE_FAILED'));
    const beforeClose = stdout.writes.length;
    await renderer.close();
    const closing = stdout.writes.slice(beforeClose);
    // The dashboard is taken off the screen (an empty frame), then the summary is printed.
    expect(closing.slice(0, -1).map((w) => screen(w))).toEqual(closing.slice(0, -1).map(() => ''));
    expect(closing.at(-1)).toBe(
      `${lines(
        'deploy orders · stage dev · us-east-1',
        'failed in 1m52s: 1 created, 1 failed, 2 skipped (41 API calls)',
        '',
        '  stack       result   time   changes',
        '  core-infra  created  1m05s  +5',
        '  data        failed   52s    +3',
        '  app         skipped                  data failed',
        '  backup      skipped  7s     +4       data failed',
        '',
        'root cause',
        '  data: Table (AWS::DynamoDB::Table) CREATE_FAILED',
        '    Resource handler returned message: "Table already exists: orders-dev-orders',
        '    (Service: DynamoDb, Status Code: 400, Request ID:',
        '    6TQ0SM1A2B3C4D5E6F7G8H9I0J)" (RequestToken:',
        '    5c8f6e0e-0d8e-4c53-9a4b-2f1a7e9d0c11, HandlerErrorCode: AlreadyExists)',
      )}\n`,
    );
    // Closed: no more frames.
    const count = stdout.writes.length;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(stdout.writes.length).toBe(count);
  });

  it('asks in the dashboard and takes the answer from the keyboard', async () => {
    const { renderer, stdin, play, setClock, frame } = setup();
    play(BACKUP_ASKS);
    setClock(100);
    const answer = renderer.approver?.(BACKUP_APPROVAL);
    await vi.waitFor(() => expect(frame()).toContain('│ approve backup (orders-dev-backup)?'));
    expect(stdin.rawMode).toBe(true);
    stdin.type('y');
    expect(await answer).toEqual({ approved: true });
    await vi.waitFor(() => expect(frame()).not.toContain('approve backup'));
  });

  it('passes Ctrl-C to onInterrupt and refuses the approval it was asking', async () => {
    const onInterrupt = vi.fn();
    const { renderer, stdin, play, frame } = setup({ onInterrupt });
    play(BACKUP_ASKS);
    const answer = renderer.approver?.(BACKUP_APPROVAL);
    await vi.waitFor(() => expect(frame()).toContain('approve backup'));
    stdin.type('\x03');
    expect(await answer).toEqual({ approved: false, reason: 'interrupted' });
    expect(onInterrupt).toHaveBeenCalledOnce();
  });

  it('raises SIGINT on Ctrl-C when no onInterrupt is given', async () => {
    const kill = vi.spyOn(process, 'kill').mockImplementation(() => true);
    const { stdin, play, frame } = setup();
    play(MID_DEPLOY);
    await vi.waitFor(() => expect(frame()).toContain('core-infra'));
    stdin.type('\x03');
    expect(kill).toHaveBeenCalledWith(process.pid, 'SIGINT');
  });

  it('refuses approvals after cancelApprovals (SIGINT from elsewhere) and on close', async () => {
    const { renderer, play } = setup();
    play(BACKUP_ASKS);
    const first = renderer.approver?.(BACKUP_APPROVAL);
    renderer.cancelApprovals('interrupted');
    expect(await first).toEqual({ approved: false, reason: 'interrupted' });

    const other = setup();
    const pending = other.renderer.approver?.(BACKUP_APPROVAL);
    await other.renderer.close();
    expect(await pending).toEqual({ approved: false, reason: 'the dashboard was closed' });
  });

  it('has no approver when stdin is not a terminal', () => {
    const { renderer } = setup({ stdin: new FakeStdin({ isTTY: false }) });
    expect(renderer.approver).toBeUndefined();
  });

  it('lays out again when the terminal is resized', async () => {
    const { stdout, play, setClock, frame } = setup();
    play(MID_DEPLOY);
    setClock(100);
    await vi.waitFor(() => expect(frame()).toContain('TableNameParam'));
    stdout.columns = 50;
    stdout.emit('resize');
    await vi.waitFor(() =>
      expect(frame()).toBe(
        lines(
          'deploy orders · stage dev · us-east-1 · co…  1m40s',
          '',
          '✓ core-infra  created in 1m05s',
          '⠋ data        executing 2/3',
          '· app         waiting for data',
          '· backup      waiting to execute',
          '',
          '1 running · 2 waiting · 1 creat…  about 1m30s left',
        ),
      ),
    );
  });
});
