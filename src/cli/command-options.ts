import { UsageError } from '../errors.js';
import { API_RATE_RANGE } from './api-rate-range.js';
import { loadProject } from '../graph/load-project.js';
import type { Project } from '../graph/load-project.js';
import { selectStacks } from '../graph/select-stacks.js';
import type { CliContext, GlobalOptions } from './context.js';
import type { AccountOptions } from './open-account.js';
import { formatWarnings } from './report-problems.js';

/** What the commands share: reading their options, and loading the project with the stacks they act on. */

/** For tests of slow configs: the config loading deadline in ms (30 s otherwise). */
const CONFIG_DEADLINE_VARIABLE = 'STACKPILOT_CONFIG_DEADLINE_MS';

export function pick(
  options: GlobalOptions,
  env: NodeJS.ProcessEnv = {},
): { configPath?: string; stage?: string; region?: string; configDeadlineMs?: number } {
  // Empty values would not mean "the default": `--stage ""` made stack names like orders--app.
  for (const [flag, value] of [
    ['--config', options.config],
    ['--stage', options.stage],
    ['--region', options.region],
  ] as const) {
    if (value !== undefined && value.trim() === '') throw new UsageError(`${flag} needs a value, got an empty one`);
  }
  const deadline = env[CONFIG_DEADLINE_VARIABLE];
  return {
    ...(deadline ? { configDeadlineMs: positiveInteger(deadline, CONFIG_DEADLINE_VARIABLE) } : {}),
    ...(options.config === undefined ? {} : { configPath: options.config }),
    ...(options.stage === undefined ? {} : { stage: options.stage }),
    ...(options.region === undefined ? {} : { region: options.region }),
  };
}

export function positiveInteger(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0)
    throw new UsageError(`${flag} must be a whole number above 0, got "${text}"`);
  return value;
}

export function positiveNumber(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new UsageError(`${flag} must be a positive number, got "${text}"`);
  return value;
}

/**
 * --api-rate, in calls per second, within API_RATE_RANGE (why those bounds: see there): the
 * ceiling of the run's adaptive budget, or none (undefined) when the flag is not given.
 */
export function apiRateOption(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < API_RATE_RANGE.min || value > API_RATE_RANGE.max) {
    throw new UsageError(
      `--api-rate must be between ${API_RATE_RANGE.min} and ${API_RATE_RANGE.max} calls per second, got "${text}"`,
      {
        hint: `at ${API_RATE_RANGE.min} a call waits up to 10 s for its turn; any slower and it would outwait its deadline`,
      },
    );
  }
  return value;
}

/** --wait-timeout, in minutes: how long a stack may stay busy with another operation before we give up. */
export function waitTimeoutOption(text: string): number {
  return positiveNumber(text, '--wait-timeout') * 60_000;
}

/** The account flags of a command's options, without undefined values. */
export function pickAccount(options: {
  simulate?: string | true;
  simulateState?: string;
  endpointUrl?: string;
  profile?: string;
}): Pick<AccountOptions, 'simulate' | 'simulateState' | 'endpointUrl' | 'profile'> {
  return {
    ...(options.simulate === undefined ? {} : { simulate: options.simulate }),
    ...(options.simulateState === undefined ? {} : { simulateState: options.simulateState }),
    ...(options.endpointUrl === undefined ? {} : { endpointUrl: options.endpointUrl }),
    ...(options.profile === undefined ? {} : { profile: options.profile }),
  };
}

/**
 * The project, and the stacks named on the command line with what the selection flags add (all
 * of them when none is named); the project's warnings go to stderr.
 */
export async function loadSelection(
  command: string,
  stacks: readonly string[],
  options: GlobalOptions & { exclusively?: boolean; withDependents?: boolean },
  ctx: CliContext,
): Promise<{ project: Project; selected: string[] }> {
  const project = await loadProject({ cwd: ctx.cwd, command, ...pick(options, ctx.env) });
  const selected = selectStacks(project.graph, [...stacks], {
    ...(options.exclusively ? { exclusively: true } : {}),
    ...(options.withDependents ? { withDependents: true } : {}),
  });
  ctx.stderr.write(formatWarnings(project.warnings, ctx.colors.stderr));
  return { project, selected };
}
