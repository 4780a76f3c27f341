/**
 * One run at a time on a simulated account (`--simulate-state`): two runs that each load the
 * file, deploy and save would silently lose one run's work. The lock is `proper-lockfile`'s (a
 * `<file>.lock` folder whose mtime the holder refreshes; a holder that died stops refreshing it,
 * so after `staleMs` the next run takes it over). Who holds it is written beside it, so a run that
 * cannot get it can say which run to wait for.
 */
import { readFileSync, unlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import lockfile from 'proper-lockfile';
import { onExit } from 'signal-exit';
import { StackpilotError } from '../errors.js';
import { writeFileAtomic } from '../write-file-atomic.js';

/** A lock not refreshed for this long belongs to a run that is gone. proper-lockfile's minimum is 2 s. */
export const LOCK_STALE_MS = 5_000;
/** How often the holder refreshes the lock: well inside LOCK_STALE_MS, also on a busy machine. */
const LOCK_UPDATE_MS = 1_000;
/** How long a second run waits for the lock by default: longer than LOCK_STALE_MS, so a dead holder's lock is always taken over. */
export const DEFAULT_LOCK_WAIT_MS = 10_000;
const RETRY_EVERY_MS = 250;

/** The simulated account is in use by another run. */
export class StateLockedError extends StackpilotError {
  readonly code = 'SIM_STATE_LOCKED';
  readonly source = 'user';
}

export interface LockHolder {
  pid: number;
  hostname: string;
  command: string;
  /** ISO time. */
  startedAt: string;
}

export interface StateLock {
  /** Set when another process took the lock over (this run stalled for longer than LOCK_STALE_MS). */
  lost(): Error | undefined;
  /** Removes the lock and the holder file; safe to call twice. */
  release(): Promise<void>;
}

export function holderFile(statePath: string): string {
  return `${statePath}.lock-holder`;
}

/**
 * Takes the lock on `statePath` (which need not exist yet; its folder must), waiting up to
 * `waitMs` for another run to let it go. `display` names the file in messages.
 */
export async function lockState(
  statePath: string,
  options: { waitMs: number; display: string; command: string },
): Promise<StateLock> {
  let lost: Error | undefined;
  const lockfilePath = `${statePath}.lock`;
  const retries = Math.ceil(Math.max(0, options.waitMs) / RETRY_EVERY_MS);
  let unlock: () => Promise<void>;
  try {
    unlock = await lockfile.lock(statePath, {
      realpath: false,
      lockfilePath,
      stale: LOCK_STALE_MS,
      update: LOCK_UPDATE_MS,
      retries: { retries, factor: 1, minTimeout: RETRY_EVERY_MS, maxTimeout: RETRY_EVERY_MS, randomize: false },
      // The default throws from a timer, which would end the process without a word.
      onCompromised: (error) => {
        lost = error;
      },
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') {
      throw new StateLockedError(
        `cannot lock the simulated account ${options.display}: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error, hint: 'check that its folder exists and is writable' },
      );
    }
    throw lockedError(statePath, options.display, options.waitMs);
  }
  const holder: LockHolder = {
    pid: process.pid,
    hostname: hostname(),
    command: options.command,
    startedAt: new Date().toISOString(),
  };
  const info = holderFile(statePath);
  const removeSync = (): void => {
    // A lock taken over by another run: the lock and the note are that run's now.
    if (lost !== undefined) return;
    for (const remove of [
      () => unlinkSync(info),
      () => lockfile.unlockSync(statePath, { realpath: false, lockfilePath }),
    ])
      try {
        remove();
      } catch {
        // already gone
      }
  };
  // A quit at once (third Ctrl-C, process.exit, SIGTERM, a crash) skips `release`. proper-lockfile's
  // own exit hook (signal-exit 3) is undone by signal-exit 4 (write-file-atomic's) once that has
  // run, so the lock is removed here, through signal-exit 4, which knows about both.
  const removeExitHook = onExit(removeSync);
  try {
    await writeFileAtomic(info, `${JSON.stringify(holder)}\n`, { display: `${options.display}.lock-holder` });
  } catch (error) {
    removeExitHook();
    await unlock();
    throw error;
  }
  let released = false;
  return {
    lost: () => lost,
    release: async () => {
      if (released) return;
      released = true;
      removeExitHook();
      if (lost !== undefined) return;
      try {
        unlinkSync(info);
      } catch {
        // already gone
      }
      await unlock();
    },
  };
}

function lockedError(statePath: string, display: string, waitMs: number): StateLockedError {
  const holder = readHolder(statePath);
  const seconds = `${Math.round(waitMs / 100) / 10} s`;
  const onHost = holder === undefined || holder.hostname === hostname() ? '' : ` on ${holder.hostname}`;
  const who = holder
    ? `run ${holder.pid}${onHost} (\`${holder.command}\`, started ${holder.startedAt})`
    : 'another run';
  return new StateLockedError(`the simulated account ${display} is in use by ${who}; waited ${seconds}`, {
    hint:
      'wait for that run to end and run again, or use another --simulate-state file; ' +
      `a run that was killed frees the lock by itself within ${LOCK_STALE_MS / 1000} s ` +
      '(STACKPILOT_SIMULATE_LOCK_WAIT sets how many seconds to wait)',
  });
}

function readHolder(statePath: string): LockHolder | undefined {
  try {
    const parsed = JSON.parse(readFileSync(holderFile(statePath), 'utf8')) as Partial<LockHolder>;
    if (typeof parsed.pid !== 'number' || typeof parsed.command !== 'string' || typeof parsed.startedAt !== 'string')
      return undefined;
    return {
      pid: parsed.pid,
      command: parsed.command,
      startedAt: parsed.startedAt,
      hostname: typeof parsed.hostname === 'string' ? parsed.hostname : hostname(),
    };
  } catch {
    // Not written yet (the holder is between taking the lock and writing it), or already removed.
    return undefined;
  }
}
