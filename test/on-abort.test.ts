import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../src/aws/rate-limiter.js';
import { systemClock } from '../src/clock.js';
import { onAbort } from '../src/on-abort.js';
import { createVirtualClock } from '../src/sim/index.js';

const listeners = (signal: AbortSignal): number => getEventListeners(signal, 'abort').length;

describe('onAbort', () => {
  it('hangs one listener on the signal for any number of handlers, and none once they are removed', () => {
    const controller = new AbortController();
    const removals = Array.from({ length: 50 }, () => onAbort(controller.signal, () => undefined));
    expect(listeners(controller.signal)).toBe(1);
    for (const remove of removals) remove();
    expect(listeners(controller.signal)).toBe(0);
  });

  it('calls each handler still registered once on abort, and a removed one never', () => {
    const controller = new AbortController();
    const calls: string[] = [];
    const same = (): void => void calls.push('same');
    onAbort(controller.signal, same);
    onAbort(controller.signal, same);
    const removeB = onAbort(controller.signal, () => calls.push('b'));
    removeB();
    controller.abort();
    controller.abort();
    expect(calls).toEqual(['same', 'same']);
    expect(listeners(controller.signal)).toBe(0);
  });
});

describe('many waits on one long-lived signal', () => {
  it('systemClock.sleep: one listener while 50 sleeps wait, none after', async () => {
    const controller = new AbortController();
    const sleeps = Array.from({ length: 50 }, () => systemClock.sleep(1, controller.signal));
    expect(listeners(controller.signal)).toBe(1);
    await Promise.all(sleeps);
    expect(listeners(controller.signal)).toBe(0);
  });

  it('the virtual clock: one listener while 50 sleeps wait, none after', async () => {
    const controller = new AbortController();
    const clock = createVirtualClock();
    const sleeps = Array.from({ length: 50 }, (_, i) => clock.sleep(1_000 * i, controller.signal));
    expect(listeners(controller.signal)).toBe(1);
    await Promise.all(sleeps);
    expect(listeners(controller.signal)).toBe(0);
  });

  it('the rate limiter: one listener while 50 callers queue, none once all are served', async () => {
    const controller = new AbortController();
    const clock = createVirtualClock();
    const limiter = new RateLimiter({ ratePerSecond: 10, burst: 1, clock });
    const waits = Array.from({ length: 50 }, () => limiter.acquire(controller.signal));
    expect(listeners(controller.signal)).toBe(1);
    await Promise.all(waits);
    expect(listeners(controller.signal)).toBe(0);
  });

  it('an abort still reaches every waiter', async () => {
    const controller = new AbortController();
    const sleeps = Array.from({ length: 20 }, () => systemClock.sleep(60_000, controller.signal));
    controller.abort(new Error('stop'));
    const outcomes = await Promise.allSettled(sleeps);
    expect(outcomes.every((o) => o.status === 'rejected' && (o.reason as Error).message === 'stop')).toBe(true);
    expect(listeners(controller.signal)).toBe(0);
  });
});
