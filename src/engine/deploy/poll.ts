import type { Clock } from '../../clock.js';

export interface PollOptions {
  clock: Clock;
  signal?: AbortSignal;
  initialDelayMs: number;
  maxDelayMs: number;
  /** Give up after this long (then `pollUntil` returns undefined). */
  timeoutMs?: number;
  /** Sleep before the first check (the caller has just looked). */
  delayFirst?: boolean;
}

/**
 * Calls `check` until it returns a value other than `undefined`, sleeping between calls with a
 * delay that grows by half each time (a long wait costs few calls). Returns `undefined` on
 * timeout; rejects with the signal's reason on abort.
 */
export async function pollUntil<T>(check: () => Promise<T | undefined>, options: PollOptions): Promise<T | undefined> {
  const start = options.clock.now();
  let delay = options.initialDelayMs;
  if (options.delayFirst) {
    await options.clock.sleep(delay, options.signal);
    delay = Math.min(options.maxDelayMs, Math.round(delay * 1.5));
  }
  for (;;) {
    const result = await check();
    if (result !== undefined) return result;
    if (options.timeoutMs !== undefined && options.clock.now() - start >= options.timeoutMs) return undefined;
    await options.clock.sleep(delay, options.signal);
    delay = Math.min(options.maxDelayMs, Math.round(delay * 1.5));
  }
}
