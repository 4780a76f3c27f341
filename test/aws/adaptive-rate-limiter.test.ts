import { describe, expect, it } from 'vitest';
import { AdaptiveRateLimiter, DEFAULT_START_RATE } from '../../src/aws/adaptive-rate-limiter.js';
import { InternalError } from '../../src/errors.js';
import { FakeClock, settle } from './fake-clock.js';

/** Starts acquisitions and records, per label, the virtual time at which each was granted. */
function recorder(limiter: AdaptiveRateLimiter, clock: FakeClock) {
  const granted: { label: string; at: number }[] = [];
  const start = (label: string, priority = 0, signal?: AbortSignal): Promise<void> =>
    limiter.acquire(signal, priority).then(() => {
      granted.push({ label, at: clock.now() });
    });
  return { granted, start };
}

/** Gaps between consecutive grants, in ms. */
function gaps(times: readonly number[]): number[] {
  return times.slice(1).map((t, i) => t - (times[i] ?? 0));
}

/** Without recovery, so that grant times are exact. */
const STILL = { recoveryDoublingMs: Number.POSITIVE_INFINITY };

describe('AdaptiveRateLimiter', () => {
  it('starts fast: a second of DEFAULT_START_RATE goes at once, then one call per 1/rate', async () => {
    const clock = new FakeClock(0);
    const limiter = new AdaptiveRateLimiter({ clock, ...STILL });
    const { granted, start } = recorder(limiter, clock);

    for (let i = 0; i < DEFAULT_START_RATE + 2; i += 1) void start(String(i));
    await settle();
    expect(granted).toHaveLength(DEFAULT_START_RATE);
    expect(granted.every((g) => g.at === 0)).toBe(true);
    await clock.advance(1000);
    expect(granted.slice(DEFAULT_START_RATE).map((g) => g.at)).toEqual([20, 40]);
  });

  it('halves the rate on a throttling error, from any caller', async () => {
    const clock = new FakeClock(0);
    const limiter = new AdaptiveRateLimiter({ clock, ceiling: 10, ...STILL });
    const { granted, start } = recorder(limiter, clock);
    for (let i = 0; i < 10; i += 1) void start(`burst${i}`);
    await settle();

    for (let i = 0; i < 3; i += 1) void start(`before${i}`);
    await clock.advance(300);
    expect(gaps(granted.filter((g) => g.label.startsWith('before')).map((g) => g.at))).toEqual([100, 100]);

    limiter.noteThrottled();
    expect(limiter.rate()).toBe(5);
    for (let i = 0; i < 3; i += 1) void start(`after${i}`);
    await clock.advance(2000);
    expect(gaps(granted.filter((g) => g.label.startsWith('after')).map((g) => g.at))).toEqual([200, 200]);
    expect(limiter.stats()).toMatchObject({ throttled: 1, backoffs: 1, rate: 5 });
  });

  it('counts a volley of throttling errors within the cooldown once, and the next one after it again', async () => {
    const clock = new FakeClock(0);
    const limiter = new AdaptiveRateLimiter({ clock, ceiling: 16, ...STILL });

    limiter.noteThrottled();
    limiter.noteThrottled();
    await clock.advance(999);
    limiter.noteThrottled();
    expect(limiter.rate()).toBe(8);
    await clock.advance(1);
    limiter.noteThrottled();
    expect(limiter.rate()).toBe(4);
    expect(limiter.stats()).toMatchObject({ throttled: 4, backoffs: 2 });
  });

  it('recovers gradually: the rate doubles per quiet period, up to where it was', async () => {
    const clock = new FakeClock(0);
    const limiter = new AdaptiveRateLimiter({ clock, ceiling: 8, recoveryDoublingMs: 5000 });

    limiter.noteThrottled();
    expect(limiter.rate()).toBe(4);
    // Recovery starts at once: a second later the next back-off halves 4·2^(1/5).
    await clock.advance(1000);
    limiter.noteThrottled();
    expect(limiter.rate()).toBeCloseTo(2 * 2 ** 0.2, 6);
    await clock.advance(4000);
    expect(limiter.rate()).toBeCloseTo(2 * 2, 6);
    await clock.advance(2500);
    expect(limiter.rate()).toBeCloseTo(4 * Math.SQRT2, 6);
    await clock.advance(2500);
    expect(limiter.rate()).toBe(8);
    await clock.advance(600_000);
    expect(limiter.rate()).toBe(8);
  });

  it('recovers from half to full in one doubling period', async () => {
    const clock = new FakeClock(0);
    const limiter = new AdaptiveRateLimiter({ clock, ceiling: 8, recoveryDoublingMs: 5000 });
    limiter.noteThrottled();
    expect(limiter.rate()).toBe(4);
    await clock.advance(2500);
    expect(limiter.rate()).toBeCloseTo(4 * Math.SQRT2, 6);
    await clock.advance(2500);
    expect(limiter.rate()).toBe(8);
  });

  it('never goes above --api-rate, even after a long quiet spell', async () => {
    const clock = new FakeClock(0);
    const limiter = new AdaptiveRateLimiter({ clock, ceiling: 4 });
    const { granted, start } = recorder(limiter, clock);

    await clock.advance(3_600_000);
    for (let i = 0; i < 12; i += 1) void start(String(i));
    await clock.advance(10_000);

    const times = granted.map((g) => g.at - 3_600_000);
    // The bucket holds one second of the ceiling, then one call per 250 ms.
    expect(times.slice(0, 4)).toEqual([0, 0, 0, 0]);
    expect(gaps(times.slice(3))).toEqual([250, 250, 250, 250, 250, 250, 250, 250]);
    expect(limiter.rate()).toBe(4);
  });

  it('a user ceiling above the default start is where the budget starts', () => {
    const limiter = new AdaptiveRateLimiter({ clock: new FakeClock(0), ceiling: 200 });
    expect(limiter.rate()).toBe(200);
  });

  it('never backs off below the floor', async () => {
    const clock = new FakeClock(0);
    const limiter = new AdaptiveRateLimiter({ clock, ceiling: 10, floorRate: 0.5, ...STILL });
    for (let i = 0; i < 20; i += 1) {
      limiter.noteThrottled();
      await clock.advance(1000);
    }
    expect(limiter.rate()).toBe(0.5);
    const { granted, start } = recorder(limiter, clock);
    void start('a');
    void start('b');
    await clock.advance(2000);
    expect(gaps(granted.map((g) => g.at))).toEqual([2000]);
  });

  it('serves queued callers by priority, then in arrival order', async () => {
    const clock = new FakeClock(0);
    const limiter = new AdaptiveRateLimiter({ clock, ceiling: 1, ...STILL });
    const { granted, start } = recorder(limiter, clock);

    void start('first');
    void start('low-1', 0);
    void start('high-1', 5);
    void start('mid', 1);
    void start('high-2', 5);
    void start('low-2', 0);
    await clock.advance(10_000);

    expect(granted.map((g) => g.label)).toEqual(['first', 'high-1', 'high-2', 'mid', 'low-1', 'low-2']);
    expect(gaps(granted.map((g) => g.at))).toEqual([1000, 1000, 1000, 1000, 1000]);
  });

  it('a newcomer of higher priority goes before queued ones, never before one a token is free for', async () => {
    const clock = new FakeClock(0);
    const limiter = new AdaptiveRateLimiter({ clock, ceiling: 1, ...STILL });
    const { granted, start } = recorder(limiter, clock);

    void start('first');
    void start('queued');
    await settle();
    clock.jump(500);
    void start('urgent', 9);
    await clock.advance(5000);
    expect(granted.map((g) => g.label)).toEqual(['first', 'urgent', 'queued']);
  });

  it('drops an aborted waiter without spending a token', async () => {
    const clock = new FakeClock(0);
    const limiter = new AdaptiveRateLimiter({ clock, ceiling: 1, ...STILL });
    const { granted, start } = recorder(limiter, clock);
    const controller = new AbortController();

    void start('a');
    const aborted = start('b', 0, controller.signal);
    void start('c');
    await settle();
    controller.abort(new Error('stop'));

    await expect(aborted).rejects.toThrow('stop');
    await clock.advance(1000);
    expect(granted).toEqual([
      { label: 'a', at: 0 },
      { label: 'c', at: 1000 },
    ]);
    await expect(limiter.acquire(AbortSignal.abort(new Error('cancelled')))).rejects.toThrow('cancelled');
    expect(limiter.stats().acquired).toBe(2);
  });

  it('refuses rates that could never hand out a token', () => {
    expect(() => new AdaptiveRateLimiter({ ceiling: 0 })).toThrow(InternalError);
    expect(() => new AdaptiveRateLimiter({ startRate: Number.NaN })).toThrow(InternalError);
  });
});
