import { Option } from 'commander';
import type { Command } from 'commander';
import { DEFAULT_CONCURRENCY } from '../engine/runner/schedule-plan.js';
import { DEFAULT_START_RATE } from '../aws/adaptive-rate-limiter.js';
import { API_RATE_RANGE } from './api-rate-range.js';

/**
 * The options several commands share, each defined once with one help text, so that every
 * command spells and explains them the same way.
 *
 * A new command takes the ones that mean something for it: a command that runs over stacks
 * against an account, as `destroy` will, takes them all:
 *
 *   addSharedOptions(program.command('destroy'), RUN_OPTIONS).argument('[stacks...]', ...)
 *
 * a read-only one a subset, e.g. `addSharedOptions(program.command('outputs'), ['account', 'output', 'selection'])`,
 * and reads them from `command.optsWithGlobals<... & SharedOptionValues>()` with the parsers
 * of command-options.ts (`pickAccount`, `apiRateOption`, `positiveInteger`, `waitTimeoutOption`,
 * `loadSelection`). Options proper to one command stay with that command in main.ts.
 */
export type SharedOption =
  /** `--simulate [scenario]`, `--simulate-state <path>`, `--endpoint-url <url>`, `--profile <name>`. */
  | 'account'
  | 'apiRate'
  | 'concurrency'
  | 'ci'
  | 'output'
  | 'waitTimeout'
  /** `--exclusively`, `--with-dependents`. */
  | 'selection';

/** The values commander gives for the shared options (strings: parsed by command-options.ts). */
export interface SharedOptionValues {
  simulate?: string | true;
  simulateState?: string;
  endpointUrl?: string;
  profile?: string;
  apiRate?: string;
  concurrency: string;
  ci?: boolean;
  output: 'text' | 'json';
  waitTimeout: string;
  exclusively?: boolean;
  withDependents?: boolean;
}

const OPTIONS: Record<SharedOption, () => Option[]> = {
  account: () => [
    new Option(
      '--simulate [scenario]',
      'use the built-in CloudFormation simulator instead of AWS, optionally with a scenario file ' +
        '(timings, failures, throttling, existing stacks)',
    ),
    new Option(
      '--simulate-state <path>',
      'where the simulated account is kept between runs (default: .stackpilot/simulator-state.json beside the config)',
    ),
    new Option(
      '--endpoint-url <url>',
      'send AWS calls to this endpoint, e.g. an emulator (default: AWS_ENDPOINT_URL, else AWS)',
    ),
    new Option('--profile <name>', 'the AWS profile (default: AWS_PROFILE, then the default chain)'),
  ],
  apiRate: () => [
    new Option(
      '--api-rate <per-second>',
      `a ceiling on the AWS API calls per second of the whole run (${API_RATE_RANGE.min} to ${API_RATE_RANGE.max}); ` +
        `without it the budget starts at ${DEFAULT_START_RATE} and adapts to throttling`,
    ),
  ],
  concurrency: () => [
    new Option('--concurrency <n>', 'stacks worked on at once (change sets made or executed)').default(
      String(DEFAULT_CONCURRENCY),
    ),
  ],
  ci: () => [
    new Option(
      '--ci',
      'plain progress lines, no dashboard and no prompts (deploy does this also when CI is set or there is no terminal)',
    ),
  ],
  output: () => [
    new Option('-o, --output <format>', 'text for people, or the engine events as NDJSON')
      .choices(['text', 'json'])
      .default('text'),
  ],
  waitTimeout: () => [
    new Option(
      '--wait-timeout <minutes>',
      'how long to wait for another operation on a stack, or a change set, to end',
    ).default('30'),
  ],
  selection: () => [
    new Option('--exclusively', 'only the named stacks, without their upstream stacks'),
    new Option('--with-dependents', 'add every stack downstream of the named stacks'),
  ],
};

/** Every shared option: what deploy and plan take, and any command that runs operations over the graph. */
export const RUN_OPTIONS: readonly SharedOption[] = [
  'account',
  'ci',
  'output',
  'apiRate',
  'concurrency',
  'waitTimeout',
  'selection',
];

/** Adds the named shared options to `command`, in the order given; returns the command for chaining. */
export function addSharedOptions(command: Command, names: readonly SharedOption[]): Command {
  for (const name of names) for (const option of OPTIONS[name]()) command.addOption(option);
  return command;
}
