import type { Clock } from '../clock.js';
import { InternalError } from '../errors.js';
import { AdaptiveRateLimiter } from './adaptive-rate-limiter.js';
import type { ApiLimiter } from './api-limiter.js';

export interface RateLimiterOptions {
  /** Tokens added per second: the sustained request rate. */
  ratePerSecond: number;
  /** Bucket size: how many requests may go at once after a quiet period. */
  burst: number;
  /** @default systemClock */
  clock?: Clock;
}

export interface RateLimiterStats {
  /** Tokens handed out: one per HTTP attempt, SDK retries included. */
  acquired: number;
  /** Sum of the time every acquisition spent queued, in ms. */
  totalWaitMs: number;
  /** The longest single wait, in ms. */
  maxWaitMs: number;
}

/**
 * A fixed token bucket shared by every AWS call of a run (benchmarks model peers with it; the
 * run's own budget is the AdaptiveRateLimiter): the adaptive bucket held at one rate, deaf to
 * throttling, and first come first served. Waiters are served strictly in arrival order: a newcomer
 * never overtakes a queued request even when a token happens to be free.
 */
export class RateLimiter implements ApiLimiter {
  private readonly bucket: AdaptiveRateLimiter;

  constructor(options: RateLimiterOptions) {
    if (!(options.ratePerSecond > 0) || !Number.isFinite(options.ratePerSecond)) {
      throw new InternalError(`RateLimiter: ratePerSecond must be a positive number, got ${options.ratePerSecond}`);
    }
    if (!(options.burst >= 1) || !Number.isFinite(options.burst)) {
      throw new InternalError(`RateLimiter: burst must be at least 1, got ${options.burst}`);
    }
    this.bucket = new AdaptiveRateLimiter({
      ceiling: options.ratePerSecond,
      burst: options.burst,
      recoveryDoublingMs: Number.POSITIVE_INFINITY,
      ...(options.clock ? { clock: options.clock } : {}),
    });
  }

  /**
   * Resolves when the caller may send one request; rejects with the signal's reason on abort.
   * First come, first served: priorities are ignored, as the peers it models have none.
   */
  acquire(signal?: AbortSignal): Promise<void> {
    return this.bucket.acquire(signal);
  }

  // No noteThrottled: a fixed budget is not slowed by throttling.

  stats(): RateLimiterStats {
    const { acquired, totalWaitMs, maxWaitMs } = this.bucket.stats();
    return { acquired, totalWaitMs, maxWaitMs };
  }
}
