import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
// Not the aws/ index: that loads the SDK, which a simulated run never needs.
import { AdaptiveRateLimiter } from '../aws/adaptive-rate-limiter.js';
import { resilientPorts } from '../aws/resilient-ports.js';
import type { AwsPorts } from '../aws/ports.js';
import type { Clock } from '../clock.js';
import { displayPath } from '../config/resolve-config.js';
import { ConfigError } from '../errors.js';
import type { Project } from '../graph/load-project.js';
import { clockForScenario, createSimulator, loadScenario, resolveScenario } from '../sim/index.js';
import type { ScenarioStackInfo, Simulator } from '../sim/index.js';
import { FileWriteError, hintFor, osReason, writeFileAtomic } from '../write-file-atomic.js';
import { createStateSaver } from './state-saver.js';
import { DEFAULT_LOCK_WAIT_MS, lockState, StateLockedError } from './state-lock.js';
import type { StateLock } from './state-lock.js';

/** 50 simulated seconds per real second: the example's six minutes play in about eight seconds. */
const WATCHED_TIME_SCALE = 0.02;

export interface SimulatedAccount {
  ports: AwsPorts;
  clock: Clock;
  simulator: Simulator;
  /**
   * Saves the account a last time and lets the next run have it. Throws when a save failed
   * (also one made during the run) or the lock was lost.
   */
  close(): Promise<void>;
  statePath: string;
}

/**
 * `--simulate[=FILE]`: the run talks to the in-process simulator instead of AWS. The account
 * lives in a JSON file (`--simulate-state`, default `.stackpilot/simulator-state.json` beside the
 * config), so consecutive runs build on each other like a real account.
 *
 * The file is locked for the run (a second run waits `lockWaitMs`, then refuses, naming this one),
 * saved after every call that changed the account (before that call answers, so whatever the run
 * has reported done is on disk), always by replacing it, and readable by its owner only: it holds
 * templates and parameters (NoEcho values only as salted hashes).
 */
export async function openSimulatedAccount(
  project: Pick<Project, 'config' | 'templates'>,
  options: {
    cwd: string;
    scenario: string | true;
    statePath: string | undefined;
    /** --api-rate: the ceiling of the adaptive budget, if set. */
    apiRate: number | undefined;
    /** Someone watches the dashboard: without a scenario saying otherwise, run at a pace they can follow. */
    watched: boolean;
    /** How long to wait for another run holding the account. @default DEFAULT_LOCK_WAIT_MS */
    lockWaitMs?: number;
  },
): Promise<SimulatedAccount> {
  const scenarioFile =
    typeof options.scenario === 'string'
      ? await loadScenario(resolve(options.cwd, options.scenario), options.scenario)
      : undefined;
  const statePath =
    options.statePath === undefined
      ? join(project.config.configDir, '.stackpilot', 'simulator-state.json')
      : resolve(options.cwd, options.statePath);
  const display = displayPath(statePath, options.cwd);
  try {
    await mkdir(dirname(statePath), { recursive: true });
  } catch (error) {
    throw new FileWriteError(`could not create the folder of ${display}: ${osReason(error)}`, statePath, {
      cause: error,
      hint: hintFor(error),
    });
  }
  const lock = await lockState(statePath, {
    waitMs: options.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS,
    display,
    command: ['stackpilot', ...process.argv.slice(2)].join(' '),
  });
  try {
    return await openLocked(project, options, scenarioFile, statePath, lock);
  } catch (error) {
    await lock.release();
    throw error;
  }
}

async function openLocked(
  project: Pick<Project, 'config' | 'templates'>,
  options: Parameters<typeof openSimulatedAccount>[1],
  scenarioFile: Awaited<ReturnType<typeof loadScenario>> | undefined,
  statePath: string,
  lock: StateLock,
): Promise<SimulatedAccount> {
  const display = displayPath(statePath, options.cwd);
  let state: unknown;
  if (existsSync(statePath)) {
    try {
      state = JSON.parse(await readFile(statePath, 'utf8')) as unknown;
    } catch (error) {
      throw new ConfigError(
        `the simulator state is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
        { file: display },
        {
          hint: 'delete the file to start from an empty simulated account',
        },
      );
    }
  }
  const stateTime = (state as { time?: unknown } | undefined)?.time;
  // Simulated time goes on from the saved account, and never starts before today, so that the
  // timestamps shown read like a real run's.
  const pace = scenarioFile?.timeScale ?? (options.watched ? WATCHED_TIME_SCALE : 0);
  const clock = clockForScenario(
    { timeScale: pace },
    Math.max(Date.now(), typeof stateTime === 'number' ? stateTime : 0),
  );
  // `existing: CREATE_COMPLETE` stacks are deployed with today's template and literal parameters.
  const infos = new Map<string, ScenarioStackInfo>(
    project.config.stacks.map((s) => [
      s.id,
      {
        stackName: s.stackName,
        templateBody: project.templates.get(s.id)?.body ?? '',
        logicalIds: project.templates.get(s.id)?.resources.map((r) => r.logicalId) ?? [],
        tags: { ...s.tags },
        parameters: Object.entries(s.parameters).flatMap(([key, value]) =>
          typeof value === 'object' && !Array.isArray(value)
            ? []
            : [{ key, value: Array.isArray(value) ? value.join(',') : String(value) }],
        ),
      },
    ]),
  );
  // Writes the simulator declared below; it calls this only once the run has started.
  const saver = createStateSaver(async () => {
    const lost = lock.lost();
    if (lost !== undefined) {
      throw new StateLockedError(
        `the lock on the simulated account ${display} was taken over by another run while this one stalled; ` +
          `this run's changes since then are not saved`,
        { cause: lost, hint: 'run one command at a time on a simulated account' },
      );
    }
    // Readable by its owner only: it holds every template and parameter the runs sent. Not
    // flushed to the disk (a killed run still leaves the old file or the new one, whole): saved
    // after every change, a flush would double what a 300-stack run spends on saving.
    await writeFileAtomic(statePath, `${simulator.exportStateText()}\n`, { display, mode: 0o600, fsync: false });
  });
  const simulator = createSimulator({
    clock,
    persist: () => saver.save(),
    ...(scenarioFile
      ? {
          scenario: resolveScenario(
            scenarioFile,
            infos,
            options.scenario === true ? 'scenario' : displayPath(resolve(options.cwd, options.scenario), options.cwd),
          ),
        }
      : {}),
    ...(state === undefined ? {} : { state, stateSource: display }),
    ...(project.config.region ? { region: project.config.region } : {}),
    // The simulated account has the config's artifacts bucket, as a real one would have to;
    // a scenario that lists `buckets` decides itself (e.g. none, to see the missing-bucket error).
    ...(project.config.artifacts && scenarioFile?.buckets === undefined
      ? { buckets: { [project.config.artifacts.bucket]: { region: project.config.region ?? 'us-east-1' } } }
      : {}),
  });
  const limiter = new AdaptiveRateLimiter({
    ...(options.apiRate === undefined ? {} : { ceiling: options.apiRate }),
    clock,
  });
  return {
    ports: resilientPorts(simulator.ports, { limiter, clock }),
    clock,
    simulator,
    statePath,
    close: async () => {
      try {
        await saver.save();
        saver.throwIfFailed();
      } finally {
        await lock.release();
      }
    },
  };
}
