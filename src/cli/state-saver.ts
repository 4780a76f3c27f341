/**
 * Saves of the simulated account, coalesced: writes run one after another, and every save asked
 * for before the next write has started is served by that one write (which exports the account
 * as it is when it starts). A save's promise settles once a write that started after it was asked
 * for has ended, so a caller that awaits it knows its change is on disk.
 */
export interface StateSaver {
  /** Never rejects: a failed write is kept for `throwIfFailed`. */
  save(): Promise<void>;
  /** Throws the first failed write's error, if any. */
  throwIfFailed(): void;
}

export function createStateSaver(write: () => Promise<void>): StateSaver {
  let tail: Promise<void> = Promise.resolve();
  /** The write not started yet: it will include every change made until it starts. */
  let queued: Promise<void> | undefined;
  let failure: { error: unknown } | undefined;
  return {
    save() {
      if (queued !== undefined) return queued;
      const next = tail.then(async () => {
        queued = undefined;
        try {
          await write();
        } catch (error) {
          failure ??= { error };
        }
      });
      queued = next;
      tail = next;
      return next;
    },
    throwIfFailed() {
      if (failure !== undefined) throw failure.error;
    },
  };
}
