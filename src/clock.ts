import { onAbort } from './on-abort.js';

/**
 * Time as a dependency: the engine, pollers and the rate limiter take a Clock, so that simulated
 * runs can go in virtual time and tests never wait on the wall clock.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /**
   * A reading for people watching (the dashboard's elapsed times): a paced virtual clock moves
   * smoothly towards its next step here, while `now()` steps. Never behind an earlier reading.
   * @default now()
   */
  displayNow?(): number;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason as Error);
        return;
      }
      let stopListening = (): void => undefined;
      const timer = setTimeout(() => {
        stopListening();
        resolve();
      }, ms);
      if (signal)
        stopListening = onAbort(signal, () => {
          clearTimeout(timer);
          reject(signal.reason as Error);
        });
    }),
};
