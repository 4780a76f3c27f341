// The SDK (src/aws/create-aws-ports.ts, sdk-internals.ts) is imported when AWS is used, not at
// start: it takes a good part of a second to load, and a simulated run never needs it.
import { AdaptiveRateLimiter } from '../aws/adaptive-rate-limiter.js';
import { DEADLINES_ENV, parseDeadlines } from '../aws/deadlines.js';
import type { AwsPorts } from '../aws/ports.js';
import { systemClock } from '../clock.js';
import type { Clock } from '../clock.js';
import { UsageError } from '../errors.js';
import type { Project } from '../graph/load-project.js';
import type { CliContext } from './context.js';
import { checkEndpointUrls } from './endpoint-url.js';
import { preflight } from './preflight.js';
import { formatWarnings } from './report-problems.js';
import { openSimulatedAccount } from './simulated-account.js';
import { stageNote } from './stage-note.js';

export interface AccountOptions {
  simulate?: string | true;
  simulateState?: string;
  endpointUrl?: string;
  profile?: string;
  /** --api-rate: the ceiling of the run's adaptive budget, if the user set one. */
  apiRate: number | undefined;
  /** Someone watches the dashboard (a simulated run then goes at a watchable pace). */
  watched: boolean;
  /** The command's run header marks a stage the config does not name; else a note goes to stderr. */
  headerShowsStage?: boolean;
  /**
   * Where preflight warnings go: the dashboard, when it is already drawn (a line written under it
   * would tear the frame). @default written to stderr
   */
  warn?: (message: string, hint: string | undefined) => void;
}

export interface Account {
  ports: AwsPorts;
  clock: Clock;
  simulated: boolean;
  /** The AWS account id the credentials belong to (STS); undefined simulated, or on an emulator without STS. */
  accountId?: string;
  /** Set when the stage is not one the config names (src/cli/stage-note.ts), for the run header. */
  stageNote?: string;
  /** Saves a simulated account a last time and unlocks it for the next run; nothing for AWS. */
  close: () => Promise<void>;
}

const STS_ENDPOINT_VARIABLES = ['AWS_ENDPOINT_URL_STS', 'AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_CLOUDFORMATION'];

/** AWS (or an emulator at --endpoint-url), or the simulator with --simulate; one API budget either way. */
export async function openAccount(
  project: Pick<Project, 'config' | 'templates'>,
  ctx: CliContext,
  options: AccountOptions,
): Promise<Account> {
  if (options.simulate !== undefined && options.endpointUrl !== undefined) {
    throw new UsageError('--simulate and --endpoint-url cannot be used together', {
      hint: 'the simulator replaces AWS entirely; pick one',
    });
  }
  const note = stageNote(project.config);
  if (note !== undefined && options.headerShowsStage !== true)
    ctx.stderr.write(ctx.colors.stderr.dim(`note: ${note}`) + '\n');
  const noted = note === undefined ? {} : { stageNote: note };
  if (options.simulate !== undefined) {
    const sim = await openSimulatedAccount(project, {
      cwd: ctx.cwd,
      scenario: options.simulate,
      statePath: options.simulateState,
      apiRate: options.apiRate,
      watched: options.watched,
      lockWaitMs: lockWaitMs(ctx.env),
    });
    return { ports: sim.ports, clock: sim.clock, simulated: true, close: () => sim.close(), ...noted };
  }
  checkEndpointUrls(options.endpointUrl, ctx.env);
  const [{ createAwsSession }, { sdkKnownRegions, sdkProfileNames }] = await Promise.all([
    import('../aws/create-aws-ports.js'),
    import('../aws/sdk-internals.js'),
  ]);
  const region = project.config.region;
  const { ports, identity } = createAwsSession(
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
  // Before the first stack call: one error for a missing credential, profile or region, not one per stack.
  const checked = await preflight({
    identity,
    profile: options.profile,
    // Where STS goes (src/aws/sdk-clients.ts): the flag, else the variables the SDK reads for it.
    endpoint:
      options.endpointUrl ??
      STS_ENDPOINT_VARIABLES.map((name) => ctx.env[name]).find((value) => value !== undefined && value !== ''),
    env: ctx.env,
    warn: options.warn ?? ((message, hint) => ctx.stderr.write(formatWarnings([{ message, hint }], ctx.colors.stderr))),
    knownRegions: sdkKnownRegions(),
    profileNames: sdkProfileNames,
  });
  return {
    ports,
    clock: systemClock,
    simulated: false,
    close: () => Promise.resolve(),
    ...(checked.account === undefined ? {} : { accountId: checked.account }),
    ...noted,
  };
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
