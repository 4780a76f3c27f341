import { apiRateOption, loadSelection, pickAccount, positiveInteger, waitTimeoutOption } from './command-options.js';
import { UsageError } from '../errors.js';
import { systemClock } from '../clock.js';
import type { Clock } from '../clock.js';
import type { EngineEvent } from '../engine/index.js';
import { createApprover } from './approver.js';
import type { ApprovalLevel } from '../engine/index.js';
import type { CliContext, GlobalOptions } from './context.js';
import { durationsFile, mergeDurations, readDurations, writeDurations } from './durations-store.js';
import type { Account } from './open-account.js';
import { parseAllowReplace } from './allow-replace.js';
import { chooseRenderer, wantsDashboard } from './choose-renderer.js';
import type { ChosenRenderer } from './choose-renderer.js';
import { nodeNoticeField } from './node-support.js';
import { stageNote } from './stage-note.js';
import type { RunHeader } from '../ui/renderer.js';

export interface DeployOptions extends GlobalOptions {
  profile?: string;
  endpointUrl?: string;
  yes?: boolean;
  /** `--check-drift`: drift detection before a stateful stack is updated. */
  checkDrift?: boolean;
  ci?: boolean;
  output: 'text' | 'json';
  replaceFailed?: boolean;
  waitTimeout: string;
  exclusively?: boolean;
  withDependents?: boolean;
  apiRate?: string;
  concurrency: string;
  failFast?: boolean;
  simulate?: string | true;
  requireApproval: ApprovalLevel;
  allowReplace?: string[];
  simulateState?: string;
  planFirst?: boolean;
  dryRun?: boolean;
  detailedExitcode?: boolean;
}

export async function runDeploy(stacks: string[], options: DeployOptions, ctx: CliContext): Promise<number> {
  if (options.dryRun) {
    if (options.planFirst)
      throw new UsageError('--dry-run and --plan-first do not go together: --dry-run executes nothing', {
        hint: 'use one of them',
      });
    return (await import('./command-plan.js')).runPlan(stacks, { ...options, output: options.output }, ctx);
  }
  if (options.detailedExitcode) throw new UsageError('--detailed-exitcode goes with --dry-run (or stackpilot plan)');
  const settleTimeoutMs = waitTimeoutOption(options.waitTimeout);
  const apiRate = apiRateOption(options.apiRate);
  const concurrency = positiveInteger(options.concurrency, '--concurrency');
  const { project, selected } = await loadSelection('deploy', stacks, options, ctx);

  const watched = wantsDashboard(ctx, options.ci === true, options.output);
  const simulated = options.simulate !== undefined;
  const requireApproval = options.requireApproval;
  const historyFile = durationsFile(project.config.configDir, project.config.stage, simulated);
  const history = await readDurations(historyFile);
  const header: RunHeader = {
    project: project.config.project,
    stage: project.config.stage,
    region: project.config.region,
    command: 'deploy',
    concurrency,
    simulated,
    ...(stageNote(project.config) === undefined ? {} : { stageNotInConfig: true }),
    ...nodeNoticeField(),
  };
  // The account's clock once it is open; nothing is timed on the renderer's clock before that.
  let clock: Clock = systemClock;
  const runClock: Clock = {
    now: () => clock.now(),
    sleep: (ms, signal) => clock.sleep(ms, signal),
    displayNow: () => (clock.displayNow ? clock.displayNow() : clock.now()),
  };
  const stop = new AbortController();
  const cancel = new AbortController();
  let interrupts = 0;
  const onInterrupt = (): void => {
    interrupts += 1;
    // Before anything that could throw or wait: the third press ends the process, always.
    if (interrupts >= 3) ctx.exit(130);
    // An approval prompt must not hold the run after Ctrl-C: the engine does not race it.
    renderer?.cancelApprovals('interrupted');
    if (interrupts === 1) {
      emit({
        type: 'run:interrupt',
        message:
          'interrupted: no new stack will start and change sets not yet executed are deleted; ' +
          'stacks being deployed are left to CloudFormation (press Ctrl-C again to cancel updates in progress)',
      });
      stop.abort(new Error('interrupted'));
    } else if (interrupts === 2) {
      emit({
        type: 'run:interrupt',
        message: 'cancelling updates in progress (CancelUpdateStack); press Ctrl-C once more to quit at once',
      });
      cancel.abort(new Error('cancelled'));
    }
  };
  const newRenderer = (shown: RunHeader): Promise<ChosenRenderer> =>
    chooseRenderer({
      ctx,
      project,
      selected,
      clock: runClock,
      output: options.output,
      ci: options.ci === true,
      durations: history,
      onInterrupt: () => onInterrupt(),
      debug: options.debug === true,
      header: shown,
    });
  // A person at a terminal sees the header and the stack list at once (issue 17: 2.5 s of blank
  // screen), before the SDK, the engine and the account load; the account id follows.
  let renderer: ChosenRenderer | undefined = watched ? await newRenderer(header) : undefined;
  const emit = (event: EngineEvent): void => renderer?.emit(event);
  let account: Account | undefined;
  try {
    const [{ openAccount }, { deployRun, packageStacks }] = await Promise.all([
      import('./open-account.js'),
      import('../engine/index.js'),
    ]);
    account = await openAccount(project, ctx, {
      ...pickAccount(options),
      apiRate,
      watched,
      headerShowsStage: options.output === 'text',
      ...(renderer === undefined
        ? {}
        : { warn: (message, hint) => emit({ type: 'run:warning', message: hint ? `${message} → ${hint}` : message }) }),
    });
    clock = account.clock;
    const ports = account.ports;
    const accountId = account.accountId;
    if (accountId !== undefined) renderer?.setAccount?.(accountId);
    // Local code is zipped and checked (and the bucket with it) before any stack is touched.
    const packaging = await packageStacks({ project, stacks: selected, s3: ports.s3, clock });
    renderer ??= await newRenderer({ ...header, ...(accountId === undefined ? {} : { account: accountId }) });
    const removeHandler = ctx.onInterrupt(onInterrupt);
    try {
      const result = await deployRun({
        project,
        stacks: selected,
        ports,
        clock,
        emit,
        policy: { concurrency, failFast: options.failFast === true },
        durations: history,
        // A fresh checkout has no durations file: CloudFormation's events stand in for it.
        durationsFromEvents: {},
        approve: createApprover({ yes: options.yes === true, level: requireApproval, interactive: renderer.approver }),
        ...(options.planFirst
          ? {
              planFirst: {
                approvePlan: createApprover({
                  yes: options.yes === true,
                  level: requireApproval,
                  interactive: renderer.approver,
                  askedBy: '--plan-first asks once for the whole plan',
                }),
              },
            }
          : {}),
        requireApproval,
        allowReplace: parseAllowReplace(options.allowReplace, project),
        replaceFailed: options.replaceFailed === true,
        settleTimeoutMs,
        packaging,
        stopSignal: stop.signal,
        cancelSignal: cancel.signal,
        ...emulatorEndpoint(options, ctx, account.simulated),
        ...(options.checkDrift ? { checkDrift: true } : {}),
      });
      await writeDurations(historyFile, mergeDurations(history, result.durations));
      return result.exitCode;
    } finally {
      removeHandler();
    }
  } finally {
    await renderer?.close();
    await account?.close();
  }
}

/** The endpoint CloudFormation calls go to when it is not AWS: the flag, else the SDK's variables. */
function emulatorEndpoint(options: DeployOptions, ctx: CliContext, simulated: boolean): { emulatorEndpoint?: string } {
  if (simulated) return {};
  const endpoint = [options.endpointUrl, ctx.env.AWS_ENDPOINT_URL_CLOUDFORMATION, ctx.env.AWS_ENDPOINT_URL].find(
    (value) => value !== undefined && value !== '',
  );
  return endpoint === undefined ? {} : { emulatorEndpoint: endpoint };
}
