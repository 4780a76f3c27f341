import type { Clock } from '../../src/clock.js';

/**
 * A virtual clock that moves by itself: `sleep(ms)` adds `ms` to virtual time and resolves on a
 * microtask, so code that polls with back-off runs to the end at once, in virtual time, and a
 * test never waits on the wall clock. (test/aws/fake-clock.ts is the other kind: time moves
 * only when the test calls `advance`.)
 *
 * A poll loop that never ends would spin on microtasks and starve vitest's own timeout, so
 * after `maxSleeps` sleeps `sleep` rejects instead: the test fails with a message, not a hang.
 */
export class FakeClock implements Clock {
  private time: number;
  /** Every sleep asked for, in ms, in order. */
  readonly sleeps: number[] = [];
  maxSleeps = 5_000;

  constructor(start = Date.UTC(2025, 0, 1)) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    if (this.sleeps.length >= this.maxSleeps) {
      return Promise.reject(new Error(`FakeClock: more than ${this.maxSleeps} sleeps; a poll loop that never ends?`));
    }
    this.sleeps.push(ms);
    this.time += Math.max(0, ms);
    return new Promise((resolve, reject) => {
      // An abort that lands before the microtask runs still wins, as with a real timer.
      queueMicrotask(() => (signal?.aborted ? reject(signal.reason as Error) : resolve()));
    });
  }

  /** Moves virtual time without sleeping (someone else's time passing). */
  advance(ms: number): void {
    this.time += ms;
  }
}
