import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { RateLimiter, resilientPorts } from '../aws/index.js';
import type { AwsPorts } from '../aws/ports.js';
import type { Clock } from '../clock.js';
import { displayPath } from '../config/resolve-config.js';
import { ConfigError } from '../errors.js';
import type { Project } from '../graph/load-project.js';
import { clockForScenario, createSimulator, loadScenario, resolveScenario } from '../sim/index.js';
import type { ScenarioStackInfo, Simulator } from '../sim/index.js';

/** 50 simulated seconds per real second: the example's six minutes play in about eight seconds. */
const WATCHED_TIME_SCALE = 0.02;

export interface SimulatedAccount {
  ports: AwsPorts;
  clock: Clock;
  simulator: Simulator;
  /** Keeps the simulated account for the next run. */
  save(): Promise<void>;
  statePath: string;
}

/**
 * `--simulate[=FILE]`: the run talks to the in-process simulator instead of AWS. The account
 * lives in a JSON file (`--simulate-state`, default `.stackpilot/simulator-state.json` beside the
 * config), so consecutive runs build on each other like a real account.
 */
export async function openSimulatedAccount(
  project: Project,
  options: {
    cwd: string;
    scenario: string | true;
    statePath: string | undefined;
    apiRate: number;
    /** Someone watches the dashboard: without a scenario saying otherwise, run at a pace they can follow. */
    watched: boolean;
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
  let state: unknown;
  if (existsSync(statePath)) {
    try {
      state = JSON.parse(await readFile(statePath, 'utf8')) as unknown;
    } catch (error) {
      throw new ConfigError(
        `the simulator state is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
        { file: displayPath(statePath, options.cwd) },
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
  const simulator = createSimulator({
    clock,
    ...(scenarioFile
      ? {
          scenario: resolveScenario(
            scenarioFile,
            infos,
            options.scenario === true ? 'scenario' : displayPath(resolve(options.cwd, options.scenario), options.cwd),
          ),
        }
      : {}),
    ...(state === undefined ? {} : { state, stateSource: displayPath(statePath, options.cwd) }),
    ...(project.config.region ? { region: project.config.region } : {}),
    // The simulated account has the config's artifacts bucket, as a real one would have to;
    // a scenario that lists `buckets` decides itself (e.g. none, to see the missing-bucket error).
    ...(project.config.artifacts && scenarioFile?.buckets === undefined
      ? { buckets: { [project.config.artifacts.bucket]: { region: project.config.region ?? 'us-east-1' } } }
      : {}),
  });
  const limiter = new RateLimiter({
    ratePerSecond: options.apiRate,
    burst: Math.max(1, Math.ceil(options.apiRate)),
    clock,
  });
  return {
    ports: resilientPorts(simulator.ports, { limiter, clock }),
    clock,
    simulator,
    statePath,
    save: async () => {
      await mkdir(dirname(statePath), { recursive: true });
      await writeFile(statePath, `${JSON.stringify(simulator.exportState())}\n`);
    },
  };
}
