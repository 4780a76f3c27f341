import { describe, expect, it } from 'vitest';
import { createLiveStore } from '../../../src/ui/dashboard/live-store.js';
import { layoutFrame } from '../../../src/ui/dashboard/layout.js';
import { MAX_GROWTH_PER_MS, smoothTimeLeft } from '../../../src/ui/dashboard/time-left.js';
import type { ShownEstimate } from '../../../src/ui/dashboard/time-left.js';
import { DURATIONS, MID_DEPLOY, at, initial, play } from './recorded.js';

const s = (seconds: number): number => seconds * 1000;

describe('the time-left estimate, smoothed', () => {
  it('shows the first estimate as it is, and none when there is none', () => {
    expect(smoothTimeLeft(undefined, s(233), s(0))).toBe(s(233));
    expect(smoothTimeLeft({ at: 0, ms: s(233) }, undefined, s(5))).toBeUndefined();
  });

  it('follows an estimate that counts down with the run', () => {
    expect(smoothTimeLeft({ at: s(10), ms: s(233) }, s(228), s(15))).toBe(s(228));
  });

  it('grows by at most half a second per second of the run when the estimate jumps up', () => {
    // The sequence: about 3m53s left, then 6m07s five seconds later.
    const shown = smoothTimeLeft({ at: s(10), ms: s(233) }, s(367), s(15));
    expect(shown).toBe(s(233) + s(5) * MAX_GROWTH_PER_MS);
  });

  it('shows at once that the run will end sooner (stacks found unchanged, finished early)', () => {
    expect(smoothTimeLeft({ at: s(10), ms: s(367) }, s(129), s(15))).toBe(s(129));
  });

  it('never goes below zero, and reaches a higher estimate when it holds long enough', () => {
    let shown: ShownEstimate = { at: 0, ms: s(10) };
    for (let t = s(1); t <= s(60); t += s(1)) {
      const ms = smoothTimeLeft(shown, s(40), t) ?? expect.unreachable();
      expect(ms).toBeGreaterThanOrEqual(0);
      shown = { at: t, ms };
    }
    expect(shown.ms).toBe(s(40));
  });

  it('is what the footer shows from one redraw to the next', () => {
    let clock = at(100);
    const store = createLiveStore(play(MID_DEPLOY, initial(DURATIONS)), { now: () => clock, columns: 80, rows: 24 });
    const footer = (): string =>
      layoutFrame(store.getSnapshot())
        .footer.map((seg) => seg.text)
        .join('');
    expect(footer()).toMatch(/about 1m30s left$/);
    clock = at(130);
    store.publish();
    expect(store.getSnapshot().timeLeftMs).toBe(s(85));
    expect(footer()).toMatch(/about 1m25s left$/);
  });
});
