import { performance } from 'node:perf_hooks';
import type { Clock } from '../clock.js';
import { InternalError } from '../errors.js';
import { ioInFlight } from '../io-in-flight.js';
import { onAbort } from '../on-abort.js';

/** 2025-01-01T00:00:00Z: virtual runs start here unless told otherwise, so their output is reproducible. */
export const DEFAULT_VIRTUAL_START = Date.UTC(2025, 0, 1);

export interface VirtualClock extends Clock {
  /** Sleepers not yet woken. */
  pendingTimers(): number;
  displayNow(): number;
}

export interface VirtualClockOptions {
  /**
   * How long (real ms) to hold virtual time while real I/O (file reads, socket writes) is in
   * flight, so that a stack reading its template does not see minutes of virtual time go by.
   * After this, time moves anyway: a request that never completes must not freeze the run.
   * @default 100
   */
  ioGraceMs?: number;
  /**
   * Real ms waited per virtual ms before time jumps to the next timer (0.02: 50 simulated seconds
   * per real second), so that a person can follow the run. Only the jumps are paced: virtual time
   * still moves by timers alone, so the work the process does (CPU, file I/O) never shows up as
   * simulated time, and a paced run records the same times as an unpaced one.
   * @default 0 (no real waiting)
   */
  pace?: number;
}

interface Timer {
  at: number;
  seq: number;
  resolve: () => void;
  cancelled: boolean;
}

/**
 * Pure virtual time. `sleep(ms)` registers a timer; time jumps to the earliest timer only when the
 * process is otherwise idle: after every queued microtask has run (a `setImmediate` turn) and no
 * real I/O request is pending. Timers due at the same instant fire in the order they were set,
 * each followed by a turn for its continuations. Nothing ever waits on the wall clock, so hours
 * of simulated deploy pass in the time the code takes to run.
 */
export function createVirtualClock(
  start: number = DEFAULT_VIRTUAL_START,
  options: VirtualClockOptions = {},
): VirtualClock {
  const ioGraceMs = options.ioGraceMs ?? 100;
  const pace = options.pace ?? 0;
  if (!(pace >= 0) || !Number.isFinite(pace))
    throw new InternalError(`createVirtualClock: pace must be 0 or more, got ${pace}`);
  const heap: Timer[] = [];
  let time = start;
  let seq = 0;
  let live = 0;
  let scheduled = false;
  let ioWaitSince: number | undefined;
  // Pacing: when the process went idle with a timer ahead, and the real timer that wakes the pump.
  let idleSince: number | undefined;
  let paceTimer: NodeJS.Timeout | undefined;
  // The last displayNow(): a display never goes back, even when a sleeper due sooner comes in.
  let shown = start;

  /** Real ms still to wait before time may jump to `at`; 0 when unpaced or due. */
  const paceLeft = (at: number): number => {
    if (pace === 0 || at <= time) return 0;
    idleSince ??= performance.now();
    return Math.max(0, idleSince + (at - time) * pace - performance.now());
  };

  const pump = (): void => {
    scheduled = false;
    dropCancelled(heap);
    if (heap.length === 0) {
      clearTimeout(paceTimer);
      idleSince = undefined;
      return;
    }
    if (ioPending() || ioInFlight() > 0) {
      const since = (ioWaitSince ??= performance.now());
      if (performance.now() - since < ioGraceMs) {
        schedule();
        return;
      }
    }
    ioWaitSince = undefined;
    const next = heap[0];
    const wait = next === undefined ? 0 : paceLeft(next.at);
    if (wait > 0) {
      // Woken by this real timer, or sooner by a new sleeper (schedule), which may be due earlier.
      clearTimeout(paceTimer);
      paceTimer = setTimeout(schedule, Math.ceil(wait));
      return;
    }
    clearTimeout(paceTimer);
    idleSince = undefined;
    const timer = popMin(heap);
    if (timer === undefined) return;
    live -= 1;
    time = Math.max(time, timer.at);
    timer.resolve();
    if (heap.length > 0) schedule();
  };
  const schedule = (): void => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(pump);
  };

  return {
    now: () => time,
    displayNow: () => {
      const next = heap[0];
      const moving =
        pace > 0 && idleSince !== undefined && next !== undefined
          ? Math.min(next.at, time + (performance.now() - idleSince) / pace)
          : time;
      shown = Math.max(shown, moving);
      return shown;
    },
    pendingTimers: () => live,
    sleep(ms, signal) {
      if (signal?.aborted) return Promise.reject(signal.reason as Error);
      return new Promise<void>((resolve, reject) => {
        let stopListening = (): void => undefined;
        const timer: Timer = {
          at: time + Math.max(0, Number.isFinite(ms) ? ms : 0),
          seq: seq++,
          cancelled: false,
          resolve: () => {
            stopListening();
            resolve();
          },
        };
        if (signal)
          stopListening = onAbort(signal, () => {
            if (timer.cancelled) return;
            timer.cancelled = true;
            live -= 1;
            reject(signal.reason as Error);
          });
        push(heap, timer);
        live += 1;
        schedule();
      });
    },
  };
}

/**
 * Virtual time played at a pace a person can follow: each jump to the next timer waits
 * `gap × timeScale` real ms (0.05: a 2-minute stack create shows in 6 s). Time is still moved by
 * timers only: were it real time divided by the scale, every real millisecond of work (loading the
 * SDK, writing the state file) would become 1/timeScale simulated ones, stacks that did nothing
 * would show minutes, and those inflated times would be recorded in the durations file.
 */
export function createScaledClock(timeScale: number, start: number = Date.now()): VirtualClock {
  if (!(timeScale > 0) || !Number.isFinite(timeScale)) {
    throw new InternalError(`createScaledClock: timeScale must be a positive number, got ${timeScale}`);
  }
  return createVirtualClock(start, { pace: timeScale });
}

/**
 * Outstanding libuv requests (not long-lived handles such as stdout or a server socket): a file
 * read, a write, a DNS lookup. Their completion is the "work" virtual time must wait for.
 */
function ioPending(): boolean {
  return process.getActiveResourcesInfo().some((type) => /Req|^WriteWrap$|^ShutdownWrap$|^ConnectWrap$/.test(type));
}

// ---- a binary min-heap on (at, seq) ------------------------------------------------------

function before(a: Timer, b: Timer): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

function push(heap: Timer[], timer: Timer): void {
  heap.push(timer);
  let i = heap.length - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    const p = heap[parent] as Timer;
    if (!before(timer, p)) break;
    heap[i] = p;
    i = parent;
  }
  heap[i] = timer;
}

function popMin(heap: Timer[]): Timer | undefined {
  const top = heap[0];
  const last = heap.pop();
  if (top === undefined || last === undefined || heap.length === 0) return top;
  let i = 0;
  for (;;) {
    const left = 2 * i + 1;
    const right = left + 1;
    let smallest = last;
    let at = -1;
    const l = heap[left];
    const r = heap[right];
    if (l !== undefined && before(l, smallest)) {
      smallest = l;
      at = left;
    }
    if (r !== undefined && before(r, smallest)) {
      smallest = r;
      at = right;
    }
    if (at < 0) break;
    heap[i] = smallest;
    i = at;
  }
  heap[i] = last;
  return top;
}

function dropCancelled(heap: Timer[]): void {
  while (heap[0]?.cancelled) popMin(heap);
}
