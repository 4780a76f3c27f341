import type { CloudFormationPort } from '../aws/ports.js';
import type { DestroyPlan } from '../engine/destroy/destroy-plan.js';
import { findOrphans } from '../engine/orphans/find-orphans.js';
import { orphanProject, planOrphanDestroy } from '../engine/orphans/orphan-destroy.js';
import { UsageError } from '../errors.js';
import { apiRateOption, pick, pickAccount, positiveInteger, waitTimeoutOption } from './command-options.js';
import { destroyRun } from '../engine/destroy/destroy-run.js';
import type { EngineEvent, RetainedResource } from '../engine/events.js';
import { loadProject } from '../graph/load-project.js';
import { selectForDestroy } from '../graph/select-destroy.js';
import { createJsonRenderer } from '../ui/plain-renderer.js';
import { destroyPlanLines, retainedLines } from '../ui/destroy-report.js';
import { chooseRenderer, wantsDashboard } from './choose-renderer.js';
import type { ChosenRenderer } from './choose-renderer.js';
import { confirmDestroy } from './confirm-destroy.js';
import type { CliContext, GlobalOptions } from './context.js';
import { EXIT_FAILURE, EXIT_OK } from './context.js';
import { parseAllowStateful, parseRetain } from './destroy-flags.js';
import { durationsFile, readDurations } from './durations-store.js';
import { nodeNoticeField } from './node-support.js';
import { openAccount } from './open-account.js';
import { formatWarnings } from './report-problems.js';

export interface DestroyOptions extends GlobalOptions {
  profile?: string;
  endpointUrl?: string;
  simulate?: string | true;
  simulateState?: string;
  yes?: boolean;
  ci?: boolean;
  dryRun?: boolean;
  output: 'text' | 'json';
  waitTimeout: string;
  apiRate: string;
  concurrency: string;
  exclusively?: boolean;
  allowStateful?: string[];
  retain?: string[];
  orphans?: boolean;
}

/**
 * `stackpilot destroy [stacks...]`: plan (reads only), one table of what goes and what stays, one
 * confirmation (the stage name at a terminal, else `--yes`), then every stack deleted in reverse
 * dependency order on the graph runner; at the end, what was retained.
 */
export async function runDestroy(stacks: string[], options: DestroyOptions, ctx: CliContext): Promise<number> {
  const waitTimeoutMs = waitTimeoutOption(options.waitTimeout);
  const apiRate = apiRateOption(options.apiRate);
  const concurrency = positiveInteger(options.concurrency, '--concurrency');
  const project = await loadProject({ cwd: ctx.cwd, command: 'destroy', ...pick(options, ctx.env) });
  ctx.stderr.write(formatWarnings(project.warnings, ctx.colors.stderr));
  const orphansOnly = options.orphans === true;
  if (orphansOnly && (stacks.length > 0 || options.exclusively === true))
    throw new UsageError(
      `--orphans removes the stacks no longer in the config; it cannot be combined with ` +
        `${stacks.length > 0 ? `stack names (${stacks.join(' ')})` : '--exclusively'}`,
      { hint: 'run destroy --orphans alone, and destroy <stacks...> separately' },
    );
  let selected = orphansOnly
    ? []
    : selectForDestroy(project.graph, stacks, { exclusively: options.exclusively === true });
  let allowStateful = orphansOnly ? new Set<string>() : parseAllowStateful(options.allowStateful, project);
  let retain = orphansOnly ? new Map<string, ReadonlySet<string>>() : parseRetain(options.retain, project, selected);
  const json = options.output === 'json';
  const ci = options.ci === true;
  const { stage } = project.config;

  const account = await openAccount(project, ctx, {
    ...pickAccount(options),
    apiRate,
    watched: !options.dryRun && wantsDashboard(ctx, ci, options.output),
    // The table's first line and the run's header say it; with JSON the note goes to stderr.
    headerShowsStage: options.output === 'text',
  });
  const { clock } = account;
  /** What the runner runs: the config's stacks, or with --orphans a project of the orphans alone. */
  let runProject = project;
  let planner: ((cf: CloudFormationPort) => Promise<DestroyPlan>) | undefined;
  if (orphansOnly) {
    try {
      const orphans = await findOrphans({
        cf: account.ports.cloudFormation,
        project: project.config.project,
        stage,
        configuredStackNames: project.config.stacks.map((s) => s.stackName),
      });
      runProject = orphanProject(project, orphans);
      selected = orphans.map((o) => o.stackName);
      allowStateful = parseAllowStateful(options.allowStateful, runProject, true);
      retain = parseRetain(options.retain, runProject, selected);
      const allowed = allowStateful;
      planner = (cf) => planOrphanDestroy({ orphans, cf, region: project.config.region, allowStateful: allowed });
    } catch (error) {
      await account.close();
      throw error;
    }
    if (selected.length === 0) {
      await account.close();
      if (json) ctx.stdout.write(`${JSON.stringify({ type: 'destroy:planned', stacks: [], warnings: [] })}\n`);
      else
        ctx.stdout.write(
          `no orphaned stacks: none tagged stackpilot:project=${project.config.project} ` +
            `and stackpilot:stage=${stage} is missing from the config\n`,
        );
      return EXIT_OK;
    }
  }
  const history = await readDurations(durationsFile(project.config.configDir, stage, account.simulated));
  const stop = new AbortController();
  const cancel = new AbortController();
  let renderer: ChosenRenderer | undefined;
  // Until the run starts, events go to stdout as the table (or JSON lines); then to the renderer.
  const early = json ? createJsonRenderer((text) => ctx.stdout.write(text)) : undefined;
  const retained: (RetainedResource & { stack: string })[] = [];
  const emit = (event: EngineEvent): void => {
    if (event.type === 'stack:done')
      retained.push(...(event.retained ?? []).map((r) => ({ ...r, stack: event.stack })));
    if (renderer) renderer.emit(event);
    else if (early) early(event);
    else if (event.type === 'destroy:planned') {
      const c = ctx.colors.stdout;
      const where = [
        project.config.project,
        `stage ${stage}${account.stageNote === undefined ? '' : ' (not in the config)'}`,
        project.config.region,
        account.accountId === undefined ? undefined : `account ${account.accountId}`,
        account.simulated ? 'simulated' : undefined,
      ];
      ctx.stdout.write([`destroy ${where.filter(Boolean).join(' · ')}`, ...destroyPlanLines(event, c), ''].join('\n'));
    }
  };
  let interrupts = 0;
  const onInterrupt = (): void => {
    interrupts += 1;
    if (interrupts >= 3) ctx.exit(130);
    if (interrupts === 1) {
      emit({
        type: 'run:interrupt',
        message:
          'interrupted: no new stack will be deleted; deletes already sent go on in CloudFormation ' +
          'and are followed to their end (press Ctrl-C again to stop following them)',
      });
      stop.abort(new Error('interrupted'));
    } else if (interrupts === 2) {
      emit({
        type: 'run:interrupt',
        message:
          'no longer following the deletes in progress: CloudFormation goes on with them; press Ctrl-C once more to quit at once',
      });
      cancel.abort(new Error('cancelled'));
    }
  };
  const removeHandler = ctx.onInterrupt(onInterrupt);
  let confirmed = false;
  try {
    const result = await destroyRun({
      project: runProject,
      ...(planner ? { planner } : {}),
      stacks: selected,
      ports: account.ports,
      clock,
      emit,
      allowStateful,
      retain,
      waitTimeoutMs,
      policy: { concurrency },
      durations: history,
      stopSignal: stop.signal,
      cancelSignal: cancel.signal,
      confirm: async (plan) => {
        if (options.dryRun) return false;
        const count = plan.targets.filter((t) => t.deployed && t.refusal === undefined && t.stays === undefined).length;
        if (count > 0) {
          confirmed = await confirmDestroy({ ctx, yes: options.yes === true, ci, stage, count });
          if (!confirmed) return false;
        }
        renderer = await chooseRenderer({
          ctx,
          project: runProject,
          selected,
          clock,
          output: options.output,
          ci,
          durations: history,
          onInterrupt,
          debug: options.debug === true,
          header: {
            project: project.config.project,
            stage,
            region: project.config.region,
            command: 'destroy',
            concurrency,
            simulated: account.simulated,
            ...(account.accountId === undefined ? {} : { account: account.accountId }),
            ...(account.stageNote === undefined ? {} : { stageNotInConfig: true }),
            ...nodeNoticeField(),
          },
        });
        return true;
      },
    });
    if (!result.started) {
      if (options.dryRun) {
        if (!json) ctx.stdout.write(ctx.colors.stdout.dim('dry run: nothing was deleted\n'));
        return EXIT_OK;
      }
      ctx.stderr.write('not confirmed: nothing was deleted\n');
      return EXIT_FAILURE;
    }
    return result.exitCode;
  } finally {
    removeHandler();
    await renderer?.close();
    if (renderer && !json && retained.length > 0)
      ctx.stdout.write(
        `\n${retainedLines(retained, stage, ctx.colors.stdout, ctx.stdout.isTTY ? ctx.stdout.columns : undefined).join('\n')}\n`,
      );
    await account.close();
  }
}
