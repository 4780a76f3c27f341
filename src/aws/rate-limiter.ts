import { systemClock } from '../clock.js';
import type { Clock } from '../clock.js';
import { InternalError } from '../errors.js';
import { onAbort } from '../on-abort.js';
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

interface Waiter {
  enqueuedAt: number;
  grant: () => void;
}

/**
 * Rounding slack for token arithmetic: a sleep computed to refill exactly one token must find
 * one token afterwards, not 0.9999999999.
 */
const EPSILON = 1e-9;

/**
 * A token bucket shared by every AWS call of a run, so that all pollers together stay under the
 * account's API rate. Waiters are served strictly in arrival order: a newcomer never overtakes a
 * queued request even when a token happens to be free.
 */
export class RateLimiter implements ApiLimiter {
  private readonly ratePerMs: number;
  private readonly burst: number;
  private readonly clock: Clock;
  private tokens: number;
  private refilledAt: number;
  private readonly queue: Waiter[] = [];
  private pumping = false;
  private acquired = 0;
  private totalWaitMs = 0;
  private maxWaitMs = 0;

  constructor(options: RateLimiterOptions) {
    if (!(options.ratePerSecond > 0) || !Number.isFinite(options.ratePerSecond)) {
      throw new InternalError(`RateLimiter: ratePerSecond must be a positive number, got ${options.ratePerSecond}`);
    }
    if (!(options.burst >= 1) || !Number.isFinite(options.burst)) {
      throw new InternalError(`RateLimiter: burst must be at least 1, got ${options.burst}`);
    }
    this.ratePerMs = options.ratePerSecond / 1000;
    this.burst = options.burst;
    this.clock = options.clock ?? systemClock;
    this.tokens = options.burst;
    this.refilledAt = this.clock.now();
  }

  /** Resolves when the caller may send one request; rejects with the signal's reason on abort. */
  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    const enqueuedAt = this.clock.now();
    if (this.queue.length === 0) {
      this.refill();
      if (this.tokens >= 1 - EPSILON) {
        this.take(enqueuedAt);
        return Promise.resolve();
      }
    }
    return new Promise<void>((resolve, reject) => {
      let stopListening = (): void => undefined;
      const waiter: Waiter = {
        enqueuedAt,
        grant: () => {
          stopListening();
          resolve();
        },
      };
      if (signal)
        stopListening = onAbort(signal, () => {
          const index = this.queue.indexOf(waiter);
          if (index >= 0) this.queue.splice(index, 1);
          reject(signal.reason as Error);
        });
      this.queue.push(waiter);
      if (!this.pumping) void this.pump();
    });
  }

  stats(): RateLimiterStats {
    return { acquired: this.acquired, totalWaitMs: this.totalWaitMs, maxWaitMs: this.maxWaitMs };
  }

  /** Serves the queue head whenever a token is there, sleeping just long enough for the next one. */
  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      for (;;) {
        const head = this.queue[0];
        if (head === undefined) return;
        this.refill();
        if (this.tokens >= 1 - EPSILON) {
          this.queue.shift();
          this.take(head.enqueuedAt);
          head.grant();
          continue;
        }
        await this.clock.sleep(Math.ceil((1 - this.tokens) / this.ratePerMs));
      }
    } finally {
      this.pumping = false;
    }
  }

  private refill(): void {
    const now = this.clock.now();
    const elapsed = Math.max(0, now - this.refilledAt);
    this.tokens = Math.min(this.burst, this.tokens + elapsed * this.ratePerMs);
    this.refilledAt = now;
  }

  private take(enqueuedAt: number): void {
    this.tokens = Math.max(0, this.tokens - 1);
    const waited = Math.max(0, this.clock.now() - enqueuedAt);
    this.acquired += 1;
    this.totalWaitMs += waited;
    this.maxWaitMs = Math.max(this.maxWaitMs, waited);
  }
}
