import { systemClock } from '../clock.js';
import type { Clock } from '../clock.js';
import { InternalError } from '../errors.js';
import { onAbort } from '../on-abort.js';
import type { ApiLimiter } from './api-limiter.js';

/**
 * Where the budget starts, and its top when the user sets no `--api-rate`: fast enough that an
 * instant backend (an emulator, a small deploy) is never held back by us, the ~60 calls of a
 * first 8-stack deploy going out in about a second; a real account that cannot take it answers
 * with throttling, and the budget halves until it can.
 */
export const DEFAULT_START_RATE = 50;

export interface AdaptiveRateLimiterOptions {
  /** `--api-rate`: the budget never goes above it. @default none (DEFAULT_START_RATE is the top) */
  ceiling?: number;
  /** Calls per second at the start. @default the ceiling, else DEFAULT_START_RATE */
  startRate?: number;
  /** Throttling never pushes the budget below this. @default 0.5, or the ceiling if lower */
  floorRate?: number;
  /**
   * Time without throttling in which the budget doubles. @default 2_000: back at the rate before
   * a back-off within 2 s, as the SDK's adaptive mode (CUBIC) is; slower recovery starves a run
   * whose throttling does not come from its own rate (another tool in the account).
   */
  recoveryDoublingMs?: number;
  /**
   * Throttling errors within this time after a back-off count as one: they answer calls sent at
   * the old rate, and counting each would take the budget to the floor at once. @default 1_000
   */
  cooldownMs?: number;
  /** How many calls may go at once after a quiet spell. @default one second of the current rate */
  burst?: number;
  /** @default systemClock */
  clock?: Clock;
}

export interface AdaptiveRateLimiterStats {
  /** Tokens handed out: one per HTTP attempt, SDK retries included. */
  acquired: number;
  /** Sum of the time every acquisition spent queued, in ms. */
  totalWaitMs: number;
  /** The longest single wait, in ms. */
  maxWaitMs: number;
  /** Throttling errors heard of, and how many of them halved the budget. */
  throttled: number;
  backoffs: number;
  /** The budget now, in calls per second. */
  rate: number;
}

interface Waiter {
  seq: number;
  priority: number;
  enqueuedAt: number;
  grant: () => void;
}

/** Rounding slack: a sleep computed to refill exactly one token must find one afterwards. */
const EPSILON = 1e-9;
/** The bucket holds one second of the current rate: a quiet spell lets that many go at once. */
const BURST_SECONDS = 1;

/**
 * The run's one API budget, shared by every CloudFormation and SSM call (DESIGN.md,
 * "Scheduling"): a token bucket whose rate adapts, in the spirit of the SDK's adaptive retry
 * mode. Any throttling error, from any call, halves it; each quiet `recoveryDoublingMs` doubles
 * it back, never above the ceiling. Queued callers are served by priority, then in arrival order.
 *
 * Why not the SDK's own `DefaultRateLimiter` (@smithy/util-retry, used by `retryMode:
 * 'adaptive'`): it can be shared across clients (one instance passed to each), but (1) its
 * waiters each sleep and race for the next token, so no order can be imposed, neither priority
 * nor even arrival; (2) it reads `Date.now()` and sleeps through one class-wide `setTimeout`, so
 * simulated runs in virtual time cannot use it; (3) a wait cannot be aborted, so a call's
 * deadline or Ctrl-C cannot end it; (4) it has no ceiling, and `--api-rate` must be one.
 */
export class AdaptiveRateLimiter implements ApiLimiter {
  private readonly clock: Clock;
  private readonly top: number;
  private readonly floor: number;
  private readonly doublingMs: number;
  private readonly cooldownMs: number;
  private readonly burst: number | undefined;
  /** The rate set by the last back-off (or the start), and when: recovery grows from there. */
  private baseRate: number;
  private baseAt: number;
  private lastBackoffAt = Number.NEGATIVE_INFINITY;
  private tokens: number;
  private refilledAt: number;
  private readonly queue: Waiter[] = [];
  private seq = 0;
  private pumping = false;
  private acquired = 0;
  private totalWaitMs = 0;
  private maxWaitMs = 0;
  private throttled = 0;
  private backoffs = 0;

  constructor(options: AdaptiveRateLimiterOptions = {}) {
    for (const key of ['ceiling', 'startRate', 'floorRate', 'recoveryDoublingMs'] as const) {
      const value = options[key];
      // An infinite doubling time is a budget that never recovers (tests); an infinite rate is none.
      const finite = key === 'recoveryDoublingMs' || Number.isFinite(value);
      if (value !== undefined && (!(value > 0) || !finite))
        throw new InternalError(`AdaptiveRateLimiter: ${key} must be a positive number, got ${value}`);
    }
    this.clock = options.clock ?? systemClock;
    this.top = options.ceiling ?? Math.max(DEFAULT_START_RATE, options.startRate ?? 0);
    this.floor = Math.min(options.floorRate ?? 0.5, this.top);
    this.doublingMs = options.recoveryDoublingMs ?? 2_000;
    this.cooldownMs = options.cooldownMs ?? 1_000;
    this.burst = options.burst;
    this.baseRate = Math.min(this.top, Math.max(this.floor, options.startRate ?? this.top));
    this.baseAt = this.clock.now();
    this.tokens = this.capacity(this.baseRate);
    this.refilledAt = this.baseAt;
  }

  /** The budget at `at`, in calls per second: the last back-off's rate, doubled per quiet period. */
  rate(at = this.clock.now()): number {
    const grown = this.baseRate * 2 ** (Math.max(0, at - this.baseAt) / this.doublingMs);
    return Math.min(this.top, grown);
  }

  acquire(signal?: AbortSignal, priority = 0): Promise<void> {
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
        seq: this.seq++,
        priority,
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

  noteThrottled(): void {
    this.throttled += 1;
    const now = this.clock.now();
    if (now - this.lastBackoffAt < this.cooldownMs) return;
    this.refill();
    this.baseRate = Math.max(this.floor, this.rate(now) / 2);
    this.baseAt = now;
    this.lastBackoffAt = now;
    this.backoffs += 1;
    this.tokens = Math.min(this.tokens, this.capacity(this.baseRate));
  }

  stats(): AdaptiveRateLimiterStats {
    return {
      acquired: this.acquired,
      totalWaitMs: this.totalWaitMs,
      maxWaitMs: this.maxWaitMs,
      throttled: this.throttled,
      backoffs: this.backoffs,
      rate: this.rate(),
    };
  }

  /** Serves the best waiter whenever a token is there, sleeping just long enough for the next one. */
  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      while (this.queue.length > 0) {
        this.refill();
        if (this.tokens >= 1 - EPSILON) {
          const next = this.queue.splice(this.best(), 1)[0];
          if (next === undefined) return;
          this.take(next.enqueuedAt);
          next.grant();
          continue;
        }
        // The rate only grows while nothing is throttled, so this sleep never overshoots by much.
        await this.clock.sleep(Math.max(1, Math.ceil(((1 - this.tokens) / this.rate()) * 1000)));
      }
    } finally {
      this.pumping = false;
    }
  }

  /** The queued caller with the highest priority, the earliest among equals. */
  private best(): number {
    let best = 0;
    for (let i = 1; i < this.queue.length; i += 1) {
      const candidate = this.queue[i];
      const current = this.queue[best];
      if (candidate && current && candidate.priority > current.priority) best = i;
    }
    return best;
  }

  private capacity(rate: number): number {
    return this.burst ?? Math.max(1, rate * BURST_SECONDS);
  }

  /** Adds the tokens earned since the last refill, at the rate of the interval's start (the lower one). */
  private refill(): void {
    const now = this.clock.now();
    const elapsed = Math.max(0, now - this.refilledAt);
    const rate = this.rate(this.refilledAt);
    this.tokens = Math.min(this.capacity(this.rate(now)), this.tokens + (elapsed * rate) / 1000);
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
