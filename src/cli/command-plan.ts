import { planRun } from '../engine/plan-run.js';
import { loadProject } from '../graph/load-project.js';
import { selectStacks } from '../graph/select-stacks.js';
import { formatPlan } from '../ui/plan-report.js';
import { pickAccount, positiveInteger, positiveNumber } from './command-deploy.js';
import { pick } from './command-validate.js';
import type { CliContext, GlobalOptions } from './context.js';
import { EXIT_FAILURE, EXIT_OK } from './context.js';
import { openAccount } from './open-account.js';
import { parseAllowReplace } from './allow-replace.js';
import { formatWarnings } from './report-problems.js';

export interface PlanOptions extends GlobalOptions {
  profile?: string;
  endpointUrl?: string;
  simulate?: string | true;
  simulateState?: string;
  output: 'text' | 'json';
  detailedExitcode?: boolean;
  allowReplace?: string[];
  exclusively?: boolean;
  withDependents?: boolean;
  apiRate: string;
  concurrency: string;
}

/** `stackpilot plan`: every change set made, shown and deleted; nothing is changed. */
export async function runPlan(stacks: string[], options: PlanOptions, ctx: CliContext): Promise<number> {
  const apiRate = positiveNumber(options.apiRate, '--api-rate');
  const concurrency = positiveInteger(options.concurrency, '--concurrency');
  const project = await loadProject({ cwd: ctx.cwd, command: 'plan', ...pick(options) });
  const selected = selectStacks(project.graph, stacks, {
    ...(options.exclusively ? { exclusively: true } : {}),
    ...(options.withDependents ? { withDependents: true } : {}),
  });
  ctx.stderr.write(formatWarnings(project.warnings, ctx.colors.stderr));
  const account = await openAccount(project, ctx, { ...pickAccount(options), apiRate, watched: false });
  const stop = new AbortController();
  const removeHandler = ctx.onInterrupt(() => {
    if (stop.signal.aborted) ctx.exit(130);
    ctx.stderr.write('interrupted: deleting the change sets made so far (press Ctrl-C again to quit at once)\n');
    stop.abort(new Error('interrupted'));
  });
  try {
    const result = await planRun({ project, stacks: selected, ports: account.ports, clock: account.clock, emit: () => undefined, concurrency, stopSignal: stop.signal, allowReplace: parseAllowReplace(options.allowReplace, project) });
    if (options.output === 'json') {
      ctx.stdout.write(`${JSON.stringify({ type: 'plan', detailedExitCode: result.detailedExitCode, stacks: result.stacks })}\n`);
    } else {
      ctx.stdout.write(formatPlan(result, ctx.colors.stdout));
    }
    if (options.detailedExitcode) return result.detailedExitCode;
    return result.detailedExitCode === 1 ? EXIT_FAILURE : EXIT_OK;
  } finally {
    removeHandler();
    await account.save();
  }
}
