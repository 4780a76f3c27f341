import { apiRateOption, loadSelection, pickAccount, positiveInteger, waitTimeoutOption } from './command-options.js';
import { planRun } from '../engine/index.js';
import type { Project } from '../graph/load-project.js';
import { formatPlan } from '../ui/plan-report.js';

import type { CliContext, GlobalOptions } from './context.js';
import { EXIT_FAILURE, EXIT_OK } from './context.js';
import { nodeNoticeField } from './node-support.js';
import { openAccount } from './open-account.js';
import { packageStacks } from '../engine/index.js';
import { parseAllowReplace } from './allow-replace.js';
import type { EngineEvent } from '../engine/index.js';
import { createCiRenderer } from '../ui/ci/ci-renderer.js';
import { createGithubRenderer } from '../ui/ci/github-renderer.js';
import { createJsonRenderer } from '../ui/plain-renderer.js';
import type { Renderer, RunHeader } from '../ui/renderer.js';

export interface PlanOptions extends GlobalOptions {
  profile?: string;
  endpointUrl?: string;
  simulate?: string | true;
  simulateState?: string;
  output: 'text' | 'json';
  /** Plain progress lines on stderr while the plan is made (stdout stays the plan). */
  ci?: boolean;
  detailedExitcode?: boolean;
  allowReplace?: string[];
  exclusively?: boolean;
  withDependents?: boolean;
  apiRate: string;
  concurrency: string;
  waitTimeout: string;
}

/**
 * `stackpilot plan`: every change set made, shown and deleted; nothing is changed.
 *
 * Where the plan goes: `--output json` → the engine's events as NDJSON on stdout (the changes are
 * in `stack:planned`); otherwise the tables on stdout at the end. Under GitHub Actions the
 * progress also goes to stderr as one group per stack, and the job summary gets the plan; with
 * `--ci`, elsewhere, the progress goes to stderr as deploy's plain lines. The Ink dashboard is
 * for deploys: a plan has nothing to watch or approve, so it prints its tables.
 */
export async function runPlan(stacks: string[], options: PlanOptions, ctx: CliContext): Promise<number> {
  const apiRate = apiRateOption(options.apiRate);
  const settleTimeoutMs = waitTimeoutOption(options.waitTimeout);
  const concurrency = positiveInteger(options.concurrency, '--concurrency');
  const { project, selected } = await loadSelection('plan', stacks, options, ctx);
  const account = await openAccount(project, ctx, { ...pickAccount(options), apiRate, watched: false });
  // A change set needs the code in S3: plan packages (and uploads) first, as deploy does.
  const packaging = await packageStacks({ project, stacks: selected, s3: account.ports.s3, clock: account.clock });
  const renderer = planRenderer(
    ctx,
    options.output,
    options.ci === true,
    project,
    {
      project: project.config.project,
      stage: project.config.stage,
      region: project.config.region,
      command: 'plan',
      concurrency,
      simulated: account.simulated,
      ...(account.accountId === undefined ? {} : { account: account.accountId }),
      ...(account.stageNote === undefined ? {} : { stageNotInConfig: true }),
      ...nodeNoticeField(),
    },
    () => account.clock.now(),
  );
  const emit = (event: EngineEvent): void => renderer?.emit(event);
  const stop = new AbortController();
  const removeHandler = ctx.onInterrupt(() => {
    if (stop.signal.aborted) ctx.exit(130);
    const message = 'interrupted: deleting the change sets made so far (press Ctrl-C again to quit at once)';
    if (renderer) emit({ type: 'run:interrupt', message });
    else ctx.stderr.write(`${message}\n`);
    stop.abort(new Error('interrupted'));
  });
  try {
    const result = await planRun({
      project,
      stacks: selected,
      ports: account.ports,
      clock: account.clock,
      emit,
      concurrency,
      stopSignal: stop.signal,
      allowReplace: parseAllowReplace(options.allowReplace, project),
      packaging,
      settleTimeoutMs,
    });
    if (options.output === 'text') ctx.stdout.write(formatPlan(result, ctx.colors.stdout));
    if (options.detailedExitcode) return result.detailedExitCode;
    return result.detailedExitCode === 1 ? EXIT_FAILURE : EXIT_OK;
  } finally {
    removeHandler();
    await renderer?.close();
    await account.close();
  }
}

/**
 * NDJSON events for `--output json`; grouped progress and the job summary under GitHub Actions;
 * plain progress lines with `--ci`; else none.
 */
function planRenderer(
  ctx: CliContext,
  output: 'text' | 'json',
  ci: boolean,
  project: Project,
  header: RunHeader,
  now: () => number,
): Renderer | undefined {
  if (output === 'json') {
    const emit = createJsonRenderer((text) => ctx.stdout.write(text));
    return { emit, close: () => Promise.resolve() };
  }
  if (ctx.env.GITHUB_ACTIONS === 'true') {
    // stdout stays the plan; the log's progress and annotations go to stderr, which GitHub reads too.
    return createGithubRenderer({
      write: (text) => ctx.stderr.write(text),
      now,
      summaryFile: ctx.env.GITHUB_STEP_SUMMARY || undefined,
      graph: project.graph,
      header,
      colors: ctx.colors.stderr,
    });
  }
  if (ci) {
    return createCiRenderer({
      write: (text) => ctx.stderr.write(text),
      colors: ctx.colors.stderr,
      now,
      ...(header.nodeNotice === undefined ? {} : { notice: header.nodeNotice }),
    });
  }
  return undefined;
}
