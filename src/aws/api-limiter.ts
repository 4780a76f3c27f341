/**
 * What the AWS layer needs of the run's API budget: one token per HTTP attempt, retries
 * included. `RateLimiter` is today's implementation; another one (a faster or adaptive limiter)
 * plugs in behind the same interface without touching the callers.
 */
export interface ApiLimiter {
  /** Resolves when the caller may send one request; rejects with the signal's reason on abort. */
  acquire(signal?: AbortSignal): Promise<void>;
}
