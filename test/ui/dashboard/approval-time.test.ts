/**
 * Issue 17, item 1: a person's time is real time. On the simulator the run's clock is simulated
 * (50 simulated seconds a real second on the dashboard), so an approval wait read on it showed
 * `awaiting approval 5m06s` after five real seconds, and counted as the stack's work.
 */
import { describe, expect, it } from 'vitest';
import type { DashboardEvent } from '../../../src/ui/dashboard/store.js';
import { reduceDashboard } from '../../../src/ui/dashboard/store.js';
import { stackElapsedMs } from '../../../src/ui/dashboard/selectors.js';
import { layoutFrame } from '../../../src/ui/dashboard/layout.js';
import { BACKUP_APPROVAL, BACKUP_ASKS, DURATIONS, at, initial, play } from './recorded.js';

/** Real time, far from the simulated clock: the two must not be mixed up. */
const REAL0 = Date.UTC(2030, 5, 1);
const real = (seconds: number): number => REAL0 + seconds * 1000;

const backupRow = (state: ReturnType<typeof play>, seconds: number, realSeconds: number): string =>
  layoutFrame({ state, now: at(seconds), realNow: real(realSeconds), columns: 80, rows: 24 })
    .table.map((line) => line.map((s) => s.text).join(''))
    .find((line) => line.includes('backup')) ?? '';

describe('an approval wait on the simulator', () => {
  const asked = (): ReturnType<typeof play> =>
    reduceDashboard(play(BACKUP_ASKS, initial(DURATIONS)), {
      event: { type: 'approval:requested', request: BACKUP_APPROVAL },
      at: at(7),
      realAt: real(0),
    });

  it('shows the real time the person has had the question, not simulated minutes', () => {
    // 93 simulated seconds went by for the other stacks while the person read for 5 real seconds.
    const row = backupRow(asked(), 100, 5);
    expect(row).toMatch(/awaiting approval +5s/);
    expect(row).not.toContain('1m33s');
  });

  it('stops the stack work clock while asking, and leaves the wait out once answered', () => {
    let state = asked();
    // backup started at 0 and asked at 7: seven seconds of work, however long the question waits.
    expect(stackElapsedMs(state.stacks.backup ?? expect.unreachable(), at(100))).toBe(7_000);
    const events: [number, DashboardEvent][] = [
      [40, { type: 'approval:answered', stack: 'backup', approved: true }],
      [41, { type: 'stack:executing', stack: 'backup', stackName: 'orders-dev-backup', changeSetName: 'cs', total: 3 }],
    ];
    for (const [seconds, event] of events) state = reduceDashboard(state, { event, at: at(seconds), realAt: real(9) });
    // 7 s before the question, 1 s between the answer and the execution, 9 s executing.
    expect(stackElapsedMs(state.stacks.backup ?? expect.unreachable(), at(50))).toBe(17_000);
    expect(backupRow(state, 50, 20)).toMatch(/executing 0\/3 .* 17s/);
  });

  it('adds no row for the --plan-first question, which is asked for no one stack', () => {
    const before = play(BACKUP_ASKS, initial(DURATIONS));
    const request = { ...BACKUP_APPROVAL, stack: 'plan', stackName: '2 stacks: backup, app' };
    const state = reduceDashboard(before, { event: { type: 'approval:requested', request }, at: at(7) });
    expect(state.order).toEqual(before.order);
    expect(Object.keys(state.stacks)).toEqual(Object.keys(before.stacks));
  });
});
