import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { Dashboard } from '../../../src/ui/dashboard/dashboard.js';
import type { DashboardSnapshot } from '../../../src/ui/dashboard/live-store.js';
import { manyStacksState } from './many-stacks.js';
import { DATA_FAILS, DURATIONS, MID_DEPLOY, initial, lines, play, screen, snapshot } from './recorded.js';

afterEach(cleanup);

/** The frame as the terminal shows it, checked to fit the snapshot's width and height. */
function frameOf(snap: DashboardSnapshot): string {
  const frame = screen(render(<Dashboard snapshot={snap} />).lastFrame());
  for (const line of frame.split('\n')) expect([...line].length, line).toBeLessThanOrEqual(snap.columns);
  expect(frame.split('\n').length).toBeLessThan(snap.rows);
  return frame;
}

describe('dashboard frames at 80 columns', () => {
  it('shows the example system mid-deploy: core-infra done, data executing 2/3, app and backup waiting', () => {
    expect(frameOf(snapshot(play(MID_DEPLOY, initial(DURATIONS)), 100))).toBe(
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
    );
  });

  it('turns the spinner with the clock', () => {
    const row = (seconds: number): string | undefined => frameOf(snapshot(play(MID_DEPLOY), seconds)).split('\n')[3];
    expect(row(100)).toMatch(/^⠋ data/);
    expect(row(100.1)).toMatch(/^⠙ data/);
    expect(row(100.25)).toMatch(/^⠹ data/);
    expect(row(100.9)).toMatch(/^⠏ data/);
  });

  it('keeps a failure panel with the root cause wrapped to the width, to the end of the run', () => {
    expect(frameOf(snapshot(play(DATA_FAILS, initial(DURATIONS)), 112))).toBe(
      lines(
        'deploy orders · stage dev · us-east-1 · concurrency 8                      1m52s',
        '',
        '✓ core-infra  created in 1m05s',
        '✗ data        failed                ███░░░░░░░    52s  Table CREATE_FAILED',
        '- app         skipped: data failed',
        '- backup      skipped: data failed',
        '',
        '╭──────────────────────────────────────────────────────────────────────────────╮',
        '│ data: Table (AWS::DynamoDB::Table) CREATE_FAILED                             │',
        '│   Resource handler returned message: "Table already exists:                  │',
        '│   orders-dev-orders (Service: DynamoDb, Status Code: 400, Request ID:        │',
        '│   6TQ0SM1A2B3C4D5E6F7G8H9I0J)" (RequestToken:                                │',
        '│   5c8f6e0e-0d8e-4c53-9a4b-2f1a7e9d0c11, HandlerErrorCode: AlreadyExists)     │',
        '╰──────────────────────────────────────────────────────────────────────────────╯',
        '1 created · 1 failed · 2 skipped                                 failed in 1m52s',
      ),
    );
  });

  it('folds 12 unchanged stacks into a line and counts the waiting stacks that do not fit 24 rows', () => {
    expect(frameOf(snapshot(manyStacksState(), 150, 80, 24))).toBe(
      lines(
        'deploy shop · stage prod · eu-west-1 · concurrency 4                       2m30s',
        '',
        '= 12 unchanged: network, dns, certs, service-01, service-02, service-03, servic…',
        '✓ service-10  created in 1m10s',
        '✓ service-11  created in 1m20s',
        '✗ service-12  failed                ░░░░░░░░░░  1m30s  Function3 UPDATE_FAILED',
        '⠋ service-13  executing 4/10        ████░░░░░░  2m00s  Function4 UPDATE_IN_PROG…',
        '⠋ service-14  creating change set                 30s',
        '⠋ service-15  starting                             5s',
        '· service-16  waiting to execute                  10s',
        '- service-17  skipped: service-12 failed',
        '· service-18  waiting for service-13',
        '· service-19  waiting for service-13',
        '· service-20  waiting for service-13',
        '· service-21  waiting for service-13',
        '  +6 more waiting',
        '',
        '╭──────────────────────────────────────────────────────────────────────────────╮',
        '│ service-12: Function3 (AWS::Lambda::Function) UPDATE_FAILED                  │',
        '│   Resource handler returned message: "Function not found: shop-prod-auth"    │',
        '│   (Service: Lambda, Status Code: 404)                                        │',
        '╰──────────────────────────────────────────────────────────────────────────────╯',
        '3 running · 11 waiting · 2 created · 12 unchanged · 1 failed · 1 skipped',
      ),
    );
  });

  it('keeps the failed and running stacks first when only a few rows fit', () => {
    expect(frameOf(snapshot(manyStacksState(), 150, 80, 16))).toBe(
      lines(
        'deploy shop · stage prod · eu-west-1 · concurrency 4                       2m30s',
        '',
        '= 12 unchanged: network, dns, certs, service-01, service-02, service-03, servic…',
        '✗ service-12  failed                ░░░░░░░░░░  1m30s  Function3 UPDATE_FAILED',
        '⠋ service-13  executing 4/10        ████░░░░░░  2m00s  Function4 UPDATE_IN_PROG…',
        '⠋ service-14  creating change set                 30s',
        '⠋ service-15  starting                             5s',
        '  +14 more: 11 waiting, 2 created, 1 skipped',
        '',
        '╭──────────────────────────────────────────────────────────────────────────────╮',
        '│ service-12: Function3 (AWS::Lambda::Function) UPDATE_FAILED                  │',
        '│   Resource handler returned message: "Function not found: shop-prod-auth"    │',
        '│   (Service: Lambda, Status Code: 404)                                        │',
        '╰──────────────────────────────────────────────────────────────────────────────╯',
        '3 running · 11 waiting · 2 created · 12 unchanged · 1 failed · 1 skipped',
      ),
    );
  });

  it('draws the same text without colour (NO_COLOR), and no escape codes', () => {
    const snap = snapshot(play(DATA_FAILS, initial(DURATIONS)), 112);
    const plain = render(<Dashboard snapshot={snap} color={false} />).lastFrame() ?? '';
    expect(plain).toBe(screen(plain));
    expect(plain).toBe(screen(render(<Dashboard snapshot={snap} />).lastFrame()));
  });

  it('drops the bar and the latest event on a narrow terminal rather than wrap', () => {
    expect(frameOf(snapshot(play(MID_DEPLOY, initial(DURATIONS)), 100, 50, 24))).toBe(
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
    );
  });
});
