import { apiRateOption, loadSelection, pickAccount, positiveInteger } from './command-options.js';
import { previewPackagedTemplates } from '../engine/package-stacks.js';
import { statusRun } from '../engine/status/status-run.js';
import { formatStatus } from '../ui/status-report.js';
import { colorsFor } from '../ui/colors.js';
import type { CliContext, GlobalOptions } from './context.js';
import type { SharedOptionValues } from './shared-options.js';
import { openAccount } from './open-account.js';

export interface StatusOptions extends GlobalOptions, Omit<SharedOptionValues, 'waitTimeout'> {
  drift?: boolean;
}

/**
 * `stackpilot status`: the pre-flight check. Per stack what is deployed, whether the local
 * inputs differ, and what would stop a deploy, with the next step; reads only. Exit 0 when every
 * stack can be deployed, 1 when something would stop a deploy.
 */
export async function runStatus(stacks: string[], options: StatusOptions, ctx: CliContext): Promise<number> {
  const apiRate = apiRateOption(options.apiRate);
  const concurrency = positiveInteger(options.concurrency, '--concurrency');
  const { project, selected } = await loadSelection('status', stacks, options, ctx);
  const account = await openAccount(project, ctx, { ...pickAccount(options), apiRate, watched: false });
  try {
    // Local code is compared as deploy would send it: zipped and keyed by content, not uploaded.
    const packagedBodies = await previewPackagedTemplates({ project, stacks: selected, s3: account.ports.s3 });
    const stop = new AbortController();
    const removeHandler = ctx.onInterrupt(() => {
      if (stop.signal.aborted) ctx.exit(130);
      ctx.stderr.write('interrupted: reading nothing more (press Ctrl-C again to quit at once)\n');
      stop.abort(new Error('interrupted'));
    });
    const result = await statusRun({
      stopSignal: stop.signal,
      project,
      stacks: selected,
      ports: account.ports,
      clock: account.clock,
      concurrency,
      packagedBodies,
      // Orphans belong to the whole stage: looked for when no stack is named.
      orphans: stacks.length === 0,
      ...(options.drift ? { drift: {} } : {}),
    }).finally(removeHandler);
    const header = { project: project.config.project, stage: project.config.stage, region: project.config.region };
    if (options.output === 'json') {
      // Fields without a value are null, not left out: the shape stays the same for scripts.
      ctx.stdout.write(`${JSON.stringify({ ...header, ...result }, (_key, value: unknown) => value ?? null)}\n`);
    } else {
      // --ci: plain text whatever the terminal can do.
      const colors = options.ci ? colorsFor(ctx.stdout, { NO_COLOR: '1' }) : ctx.colors.stdout;
      ctx.stdout.write(formatStatus(result, header, colors));
    }
    return result.exitCode;
  } finally {
    await account.close();
  }
}
