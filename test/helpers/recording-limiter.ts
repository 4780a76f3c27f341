import type { ApiLimiter } from '../../src/aws/api-limiter.js';

/** An API budget that grants at once and records what it is told: each token's priority, each throttled attempt. */
export function recordingLimiter(): ApiLimiter & { priorities: number[]; throttled: () => number } {
  const priorities: number[] = [];
  let throttled = 0;
  return {
    priorities,
    throttled: () => throttled,
    acquire: (_signal?: AbortSignal, priority = 0) => {
      priorities.push(priority);
      return Promise.resolve();
    },
    noteThrottled: () => {
      throttled += 1;
    },
  };
}
