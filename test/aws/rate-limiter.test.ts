import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../src/aws/rate-limiter.js';
import { InternalError } from '../../src/errors.js';
import { FakeClock, settle } from './fake-clock.js';

/** Starts acquisitions and records, per label, the virtual time at which each was granted. */
function recorder(limiter: RateLimiter, clock: FakeClock) {
  const granted: { label: string; at: number }[] = [];
  const start = (label: string, signal?: AbortSignal): Promise<void> =>
    limiter.acquire(signal).then(() => {
      granted.push({ label, at: clock.now() });
    });
  return { granted, start };
}

describe('RateLimiter', () => {
  it('lets a full bucket of requests through at once, then one per refill interval', async () => {
    const clock = new FakeClock(0);
    const limiter = new RateLimiter({ ratePerSecond: 2, burst: 3, clock });
    const { granted, start } = recorder(limiter, clock);

    for (const label of ['a', 'b', 'c', 'd', 'e']) void start(label);
    await settle();
    expect(granted).toEqual([
      { label: 'a', at: 0 },
      { label: 'b', at: 0 },
      { label: 'c', at: 0 },
    ]);

    await clock.advance(499);
    expect(granted.map((g) => g.label)).toEqual(['a', 'b', 'c']);
    await clock.advance(1);
    expect(granted.at(-1)).toEqual({ label: 'd', at: 500 });
    await clock.advance(500);
    expect(granted.at(-1)).toEqual({ label: 'e', at: 1000 });
    expect(clock.pendingTimers()).toBe(0);
  });

  it('holds a sustained stream to the configured rate', async () => {
    const clock = new FakeClock(0);
    const limiter = new RateLimiter({ ratePerSecond: 4, burst: 1, clock });
    const { granted, start } = recorder(limiter, clock);

    for (let i = 0; i < 9; i += 1) void start(String(i));
    await clock.advance(10_000);

    expect(granted.map((g) => g.at)).toEqual([0, 250, 500, 750, 1000, 1250, 1500, 1750, 2000]);
  });

  it('refills at most up to the burst size after a quiet period', async () => {
    const clock = new FakeClock(0);
    const limiter = new RateLimiter({ ratePerSecond: 1, burst: 2, clock });
    const { granted, start } = recorder(limiter, clock);

    await start('first');
    await clock.advance(60_000);
    for (const label of ['a', 'b', 'c']) void start(label);
    await settle();

    expect(granted.slice(1)).toEqual([
      { label: 'a', at: 60_000 },
      { label: 'b', at: 60_000 },
    ]);
    await clock.advance(1000);
    expect(granted.at(-1)).toEqual({ label: 'c', at: 61_000 });
  });

  it('serves waiters in arrival order, and a newcomer never overtakes the queue when a token is free', async () => {
    const clock = new FakeClock(0);
    const limiter = new RateLimiter({ ratePerSecond: 1, burst: 1, clock });
    const { granted, start } = recorder(limiter, clock);

    void start('a');
    void start('b');
    void start('c');
    await settle();
    // The event loop was busy: a token is due but the limiter's timer has not fired yet.
    clock.jump(1500);
    void start('late');
    await clock.advance(5000);

    expect(granted.map((g) => g.label)).toEqual(['a', 'b', 'c', 'late']);
  });

  it('drops an aborted waiter from the queue without spending a token', async () => {
    const clock = new FakeClock(0);
    const limiter = new RateLimiter({ ratePerSecond: 1, burst: 1, clock });
    const { granted, start } = recorder(limiter, clock);
    const controller = new AbortController();

    void start('a');
    const aborted = start('b', controller.signal);
    void start('c');
    await settle();
    controller.abort(new Error('stop'));

    await expect(aborted).rejects.toThrow('stop');
    await clock.advance(1000);
    expect(granted).toEqual([
      { label: 'a', at: 0 },
      { label: 'c', at: 1000 },
    ]);
    expect(limiter.stats().acquired).toBe(2);
  });

  it('rejects at once, spending nothing, when the signal is already aborted', async () => {
    const clock = new FakeClock(0);
    const limiter = new RateLimiter({ ratePerSecond: 1, burst: 1, clock });

    await expect(limiter.acquire(AbortSignal.abort(new Error('cancelled')))).rejects.toThrow('cancelled');
    await limiter.acquire();
    expect(limiter.stats()).toEqual({ acquired: 1, totalWaitMs: 0, maxWaitMs: 0 });
  });

  it('counts acquisitions and the time they spent waiting', async () => {
    const clock = new FakeClock(0);
    const limiter = new RateLimiter({ ratePerSecond: 2, burst: 1, clock });

    const all = Promise.all([limiter.acquire(), limiter.acquire(), limiter.acquire()]);
    await clock.advance(1000);
    await all;

    expect(limiter.stats()).toEqual({ acquired: 3, totalWaitMs: 0 + 500 + 1000, maxWaitMs: 1000 });
  });

  it('refuses a rate or burst that could never hand out a token', () => {
    expect(() => new RateLimiter({ ratePerSecond: 0, burst: 1 })).toThrow(InternalError);
    expect(() => new RateLimiter({ ratePerSecond: 1, burst: 0.5 })).toThrow(InternalError);
    expect(() => new RateLimiter({ ratePerSecond: Number.NaN, burst: 1 })).toThrow(InternalError);
  });
});
