import { AdaptiveRateLimiter, createAwsPorts, DEADLINES_ENV, parseDeadlines } from '../aws/index.js';
import type { AwsPorts } from '../aws/ports.js';
import { systemClock } from '../clock.js';
import type { Clock } from '../clock.js';
import { UsageError } from '../errors.js';
import type { Project } from '../graph/load-project.js';
import type { CliContext } from './context.js';
import { openSimulatedAccount } from './simulated-account.js';

export interface AccountOptions {
  simulate?: string | true;
  simulateState?: string;
  endpointUrl?: string;
  profile?: string;
  /** --api-rate: the ceiling of the run's adaptive budget, if the user set one. */
  apiRate: number | undefined;
  /** Someone watches the dashboard (a simulated run then goes at a watchable pace). */
  watched: boolean;
}

export interface Account {
  ports: AwsPorts;
  clock: Clock;
  simulated: boolean;
  /** Saves a simulated account a last time and unlocks it for the next run; nothing for AWS. */
  close: () => Promise<void>;
}

/** AWS (or an emulator at --endpoint-url), or the simulator with --simulate; one API budget either way. */
export async function openAccount(project: Project, ctx: CliContext, options: AccountOptions): Promise<Account> {
  if (options.simulate !== undefined && options.endpointUrl !== undefined) {
    throw new UsageError('--simulate and --endpoint-url cannot be used together', {
      hint: 'the simulator replaces AWS entirely; pick one',
    });
  }
  if (options.simulate !== undefined) {
    const sim = await openSimulatedAccount(project, {
      cwd: ctx.cwd,
      scenario: options.simulate,
      statePath: options.simulateState,
      apiRate: options.apiRate,
      watched: options.watched,
      lockWaitMs: lockWaitMs(ctx.env),
    });
    return { ports: sim.ports, clock: sim.clock, simulated: true, close: () => sim.close() };
  }
  const region = project.config.region;
  const ports = createAwsPorts(
    {
      ...(region === undefined ? {} : { region }),
      ...(options.profile === undefined ? {} : { profile: options.profile }),
      ...(options.endpointUrl === undefined ? {} : { endpoint: options.endpointUrl }),
    },
    {
      limiter: new AdaptiveRateLimiter(options.apiRate === undefined ? {} : { ceiling: options.apiRate }),
      deadlines: parseDeadlines(ctx.env[DEADLINES_ENV] ?? ''),
    },
  );
  return { ports, clock: systemClock, simulated: false, close: () => Promise.resolve() };
}

/** `STACKPILOT_SIMULATE_LOCK_WAIT`: seconds a run waits for another run holding the simulated account. */
function lockWaitMs(env: NodeJS.ProcessEnv): number | undefined {
  const text = env.STACKPILOT_SIMULATE_LOCK_WAIT;
  if (text === undefined || text === '') return undefined;
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > 3600 || text.trim() === '')
    throw new UsageError(`STACKPILOT_SIMULATE_LOCK_WAIT must be a number of seconds from 0 to 3600, got "${text}"`, {
      hint: 'e.g. STACKPILOT_SIMULATE_LOCK_WAIT=30, or unset it for the default (10 s)',
    });
  return seconds * 1000;
}
