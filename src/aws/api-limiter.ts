/**
 * What the AWS layer needs of the run's API budget: one token per HTTP attempt, retries
 * included. `AdaptiveRateLimiter` is the run's budget; `RateLimiter` is a fixed one (benchmarks
 * model peers with it). Both plug in behind this interface without touching the callers.
 */
export interface ApiLimiter {
  /**
   * Resolves when the caller may send one request; rejects with the signal's reason on abort.
   * Among queued callers a higher `priority` is served first (`callPriority()` of the call in
   * scope); equal ones in arrival order. @default priority 0
   */
  acquire(signal?: AbortSignal, priority?: number): Promise<void>;
  /** An attempt was refused for throttling: an adaptive budget slows down. */
  noteThrottled?(): void;
}
