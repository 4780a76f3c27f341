import type { DashboardEvent, DashboardState } from './store.js';
import { timeLeftMs } from './selectors.js';
import { reduceDashboard } from './store.js';
import { smoothTimeLeft } from './time-left.js';
import type { ShownEstimate } from './time-left.js';

/** What the components draw: the state, the clock reading it is drawn at, and the terminal size. */
export interface DashboardSnapshot {
  state: DashboardState;
  now: number;
  /** Real time at the snapshot (differs from `now` on the simulator's clock). @default now */
  realNow?: number;
  /** The footer's time left, smoothed from one snapshot to the next. @default timeLeftMs(state, now) */
  timeLeftMs?: number;
  columns: number;
  rows: number;
}

/**
 * The reducer's state behind a subscription, for `useSyncExternalStore`. Events are reduced at
 * once but only drawn at `publish()`: the renderer calls it on its redraw timer, so a burst of
 * events costs one frame.
 */
export interface LiveStore {
  dispatch: (event: DashboardEvent) => void;
  /** A new snapshot at the current time, handed to subscribers. */
  publish: () => void;
  resize: (columns: number, rows: number) => void;
  getState: () => DashboardState;
  getSnapshot: () => DashboardSnapshot;
  subscribe: (listener: () => void) => () => void;
}

export interface LiveStoreOptions {
  now: () => number;
  /** Real time, for what a person takes (approval waits): the simulator's clock does not measure it. @default now */
  realNow?: () => number;
  columns: number;
  rows: number;
}

export function createLiveStore(initial: DashboardState, options: LiveStoreOptions): LiveStore {
  let state = initial;
  let size = { columns: options.columns, rows: options.rows };
  const realNow = options.realNow ?? options.now;
  let shown: ShownEstimate | undefined;
  const take = (): DashboardSnapshot => {
    const now = options.now();
    const left = smoothTimeLeft(shown, timeLeftMs(state, now), now);
    shown = left === undefined ? undefined : { at: now, ms: left };
    return { state, now, realNow: realNow(), ...size, ...(left === undefined ? {} : { timeLeftMs: left }) };
  };
  let snapshot = take();
  const listeners = new Set<() => void>();
  return {
    dispatch: (event) => {
      state = reduceDashboard(state, { event, at: options.now(), realAt: realNow() });
    },
    publish: () => {
      snapshot = take();
      for (const listener of [...listeners]) listener();
    },
    resize: (columns, rows) => {
      size = { columns, rows };
    },
    getState: () => state,
    getSnapshot: () => snapshot,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
