import type { AwsPorts, ChangeSetDescription, ResourceChange, StackDescription } from '../../aws/ports.js';
import { AwsError, NETWORK_ERROR, isNoChangesReason, isNoUpdatesError } from '../../aws/errors.js';
import type { Clock } from '../../clock.js';
import type { ResolvedStack } from '../../config/resolve-config.js';
import type { TemplateInfo } from '../../template/analyze-template.js';
import { approvalNeeded } from '../guards/approvals.js';
import { replacementCausesByResource } from '../guards/replacement-causes.js';
import type { ApprovalLevel, Approver } from '../guards/approvals.js';
import { AbortError, DeployError } from '../deploy-errors.js';
import type { DeployOutcome, EngineEvent, ResourceChangeSummary, RootCause } from '../events.js';
import { findRootCause, followOperation, isRootEvent } from './follow-operation.js';
import { failedCreateCause } from './failed-create-cause.js';
import type { FollowPolling } from './follow-operation.js';
import { pollUntil } from './poll.js';
import { DEFAULT_DRIFT_TIMEOUT_MS, describeDrift, detectDrift, secretsToHide } from '../drift/detect-drift.js';
import { resolveParameters } from './resolve-parameters.js';
import { awaitOtherOperation } from '../await-other-operation.js';
import type { MissingOutputHint, OutputsLookup } from './resolve-parameters.js';
import { isSameDeployment, resolvesSsmAtDeploy } from './same-deployment.js';
import { isFailedCreation, isInProgress, isSuccess, isUpdatable } from '../stack-status.js';
import { formatDuration } from '../../format-duration.js';
import { onAbort } from '../../on-abort.js';
import { checkStatefulChanges } from '../guards/stateful-guard.js';
import { checkNestedStatefulChanges } from '../guards/nested-guard.js';
import { changedInputs, judgeReplacements, needsJudging, needsTemplateDiff } from '../guards/replacement-opinions.js';
import type { JudgedChanges } from '../guards/replacement-opinions.js';
import { loadResourceSpec } from '../../spec/resource-spec.js';
import { exportsInUse } from '../guards/exports-guard.js';
import { reviewStackOwner } from '../guards/review-stack-owner.js';
import { parseTemplate } from '../../template/parse-template.js';
import type { TemplateObject } from '../../template/parse-template.js';
import type { PackagedTemplate } from '../package-stacks.js';

export interface StackDeployContext {
  ports: AwsPorts;
  clock: Clock;
  emit: (event: EngineEvent) => void;
  approve: Approver;
  /** Which change sets need the approver's yes. @default 'destructive' */
  requireApproval?: ApprovalLevel;
  /** `--allow-replace <stack>.<LogicalId>`: stateful resources the user allows to be removed or replaced. */
  allowReplace?: ReadonlySet<string>;
  /** Told how long a person took to answer, so that it does not count as the stack's own time. */
  noteApprovalWait?: (ms: number) => void;
  /** Unique per run: names change sets and tokens. */
  runId: string;
  outputsOf: OutputsLookup;
  /** Replaces "deploy it first" when an upstream lacks an output (an emulator that sets none). */
  missingOutputHint?: MissingOutputHint;
  /** Delete a stack whose first create failed (ROLLBACK_COMPLETE) and create it again. */
  replaceFailed: boolean;
  /** How long to wait for someone else's operation on the stack to end. */
  settleTimeoutMs: number;
  /** First Ctrl-C: start nothing new; a change set not yet executed is deleted. */
  stopSignal: AbortSignal;
  /** Second Ctrl-C: cancel an update in progress (CancelUpdateStack). */
  cancelSignal: AbortSignal;
  /** How operations are followed. @default adaptive */
  polling?: FollowPolling;
  /** What this stack's execution took in an earlier run, if recorded: paces the polling. */
  expectedExecuteMs?: number;
  /** `--check-drift`: before a stateful stack is updated, run drift detection and ask when it drifted. */
  checkDrift?: boolean;
  /**
   * The packaged template (local code uploaded, issue 7), awaited before the change set is made;
   * undefined: the template deploys as written.
   */
  packaged?: () => Promise<PackagedTemplate> | undefined;
}

export interface StackDeployResult {
  status: DeployOutcome;
  stackStatus: string | undefined;
  outputs: Record<string, string> | undefined;
  reason?: string;
  rootCause?: RootCause;
}

const TOKEN_UNSAFE = /[^a-zA-Z0-9-]/g;

/** A stack whose change set is ready and approved, waiting to be executed. */
export interface PreparedStack {
  stack: ResolvedStack;
  type: 'CREATE' | 'UPDATE';
  changeSetId: string;
  stackId: string;
  changeSetName: string;
  token: string;
  changes: ResourceChangeSummary[];
  /** The change set's changes with their details (which properties, why). */
  resourceChanges: ResourceChange[];
  /** Nested stacks' change sets the data guard described, by id: read once, shown by plan. */
  nestedChangeSets: ReadonlyMap<string, ChangeSetDescription | AwsError>;
  deployed: StackDescription | undefined;
}

export type PrepareOutcome = { done: StackDeployResult } | { prepared: PreparedStack };

/** Deploys one stack through a change set, from any state it can be in (DESIGN.md, "Deploying one stack"). */
export async function deployStack(
  stack: ResolvedStack,
  template: TemplateInfo,
  ctx: StackDeployContext,
): Promise<StackDeployResult> {
  const outcome = await prepareStack(stack, template, ctx);
  return 'done' in outcome ? outcome.done : executeStack(outcome.prepared, ctx);
}

/**
 * Steps 1-5: parameters, the stack's state, the unchanged check, the change set and approval.
 * The scheduler may run this while upstream stacks still deploy, when the inputs allow it. A
 * prepared change set must then be executed or discarded (`discardPrepared`).
 */
export async function prepareStack(
  stack: ResolvedStack,
  template: TemplateInfo,
  ctx: StackDeployContext,
): Promise<PrepareOutcome> {
  const cf = ctx.ports.cloudFormation;
  const ref = { stack: stack.id, stackName: stack.stackName };
  const changeSetName = `stackpilot-${ctx.runId}`.slice(0, 128);
  const token = `${changeSetName}-${stack.id}`.replace(TOKEN_UNSAFE, '-').slice(0, 128);
  /** A change set we made and have not handed over: deleted on any failure (no orphans). */
  let pending: { changeSetId: string; stackId: string; type: 'CREATE' | 'UPDATE' } | undefined;
  try {
    if (ctx.stopSignal.aborted) throw new AbortError('interrupted before this stack was deployed');
    const packaged = await ctx.packaged?.();
    const templateBody = packaged?.body ?? template.body;
    const resolved = await resolveParameters(stack, template, ctx.outputsOf, ctx.ports.ssm, ctx.missingOutputHint);
    const { parameters } = resolved;

    let existing = await settle(stack, ctx, await cf.describeStack(stack.stackName));
    if (existing && isFailedCreation(existing.status)) {
      if (!ctx.replaceFailed) {
        const cause = await failedCreateCause(cf, existing);
        throw new DeployError(
          'FAILED_CREATE',
          `stack ${stack.stackName} is in ${existing.status}: its first create failed` +
            (cause ? ` (${cause.logicalId} (${cause.resourceType}) ${cause.status}: ${cause.reason})` : '') +
            ', and CloudFormation can only delete it',
          {
            hint:
              'rerun with --replace-failed to delete it and create it again, or delete it yourself: ' +
              `aws cloudformation delete-stack --stack-name ${stack.stackName}`,
          },
        );
      }
      ctx.emit({ type: 'stack:replacing-failed', ...ref, status: existing.status });
      await deleteAndWait(existing.stackId, ctx);
      existing = undefined;
    }
    if (existing?.status === 'UPDATE_ROLLBACK_FAILED') {
      throw new DeployError(
        'ROLLBACK_FAILED',
        `stack ${stack.stackName} is in UPDATE_ROLLBACK_FAILED: a rollback could not finish, and the stack cannot be updated until it does`,
        {
          hint:
            'fix what blocked the rollback (see its events), then run: ' +
            `aws cloudformation continue-update-rollback --stack-name ${stack.stackName} ` +
            '(add --resources-to-skip LogicalId ... for resources that cannot be restored), and deploy again',
        },
      );
    }
    if (existing?.status === 'DELETE_FAILED') {
      throw new DeployError(
        'DELETE_FAILED',
        `stack ${stack.stackName} is in DELETE_FAILED: an earlier delete did not finish`,
        {
          hint:
            `finish the delete (aws cloudformation delete-stack --stack-name ${stack.stackName}, ` +
            'with --retain-resources for resources that cannot be deleted), then deploy again',
        },
      );
    }
    if (existing?.status === 'REVIEW_IN_PROGRESS') {
      // Someone else's pending review (another tool's change set) is not ours to delete.
      const owner = await reviewStackOwner(cf, existing);
      if (!owner.ours) {
        throw new DeployError(
          'FOREIGN_REVIEW_STACK',
          `stack ${stack.stackName} is in REVIEW_IN_PROGRESS, made by another tool: ${owner.why}; ` +
            'stackpilot deletes only what its own runs left',
          {
            hint:
              'review or execute that change set with the tool that made it, or, if nothing needs it, remove the stack: ' +
              `aws cloudformation delete-stack --stack-name ${stack.stackName}`,
          },
        );
      }
      // An earlier run or dry-run stopped after creating its change set: nothing is deployed. Delete
      // it (and its stale change sets) rather than add to it, as Sceptre does; emulators that do
      // not reuse the StackId for a second CREATE change set then behave like AWS.
      ctx.emit({
        type: 'stack:warning',
        ...ref,
        message: `removing ${stack.stackName}, left in REVIEW_IN_PROGRESS by an earlier run that did not execute its change set`,
      });
      await deleteAndWait(existing.stackId, ctx);
      existing = undefined;
    }
    const deployed = existing;
    if (deployed && !isUpdatable(deployed.status)) {
      throw new DeployError(
        'NOT_UPDATABLE',
        `stack ${stack.stackName} is in ${deployed.status} and cannot be updated`,
        { hint: 'look at the stack in the CloudFormation console and bring it to a stable state first' },
      );
    }

    let deployedTemplate: string | undefined;
    if (deployed && !resolvesSsmAtDeploy(template)) {
      deployedTemplate = await cf.getTemplate(deployed.stackId);
      if (
        isSameDeployment({
          deployed,
          deployedTemplate,
          templateBody,
          templateFile: stack.templateDisplay,
          template,
          parameters,
          tags: stack.tags,
        })
      ) {
        ctx.emit({
          type: 'stack:changeset',
          ...ref,
          phase: 'unchanged',
          reason: 'template, parameters and tags match the deployed stack',
        });
        await applyTerminationProtection(stack, deployed, ctx);
        return { done: { status: 'unchanged', stackStatus: deployed.status, outputs: outputsRecord(deployed) } };
      }
    }

    if (deployed && stack.stateful && ctx.checkDrift) {
      const refused = await checkDriftBeforeUpdate(stack, deployed, secretsToHide(template, resolved), ctx);
      if (refused) return { done: refused };
    }

    const type = deployed ? 'UPDATE' : 'CREATE';
    ctx.emit({ type: 'stack:changeset', ...ref, phase: 'creating', changeSetType: type });
    let created;
    try {
      created = await cf.createChangeSet({
        stackName: stack.stackName,
        changeSetName,
        changeSetType: type,
        parameters,
        ...(packaged?.templateUrl ? { templateUrl: packaged.templateUrl } : { templateBody }),
        tags: stack.tags,
        capabilities: [...stack.capabilities],
        clientToken: `${token}-create`.slice(0, 128),
        description: `stackpilot run ${ctx.runId}`,
      });
    } catch (error) {
      if (isNoUpdatesError(error)) {
        ctx.emit({
          type: 'stack:changeset',
          ...ref,
          phase: 'unchanged',
          reason: 'CloudFormation: No updates are to be performed.',
        });
        return {
          done: {
            status: 'unchanged',
            stackStatus: deployed?.status,
            outputs: deployed ? outputsRecord(deployed) : undefined,
          },
        };
      }
      throw error;
    }
    pending = { ...created, type };

    const changeSet = await waitForChangeSet(created.changeSetId, ctx);
    if (changeSet.status === 'FAILED') {
      if (isNoChangesReason(changeSet.statusReason)) {
        ctx.emit({ type: 'stack:changeset', ...ref, phase: 'unchanged', reason: changeSet.statusReason ?? '' });
        if (deployed) await applyTerminationProtection(stack, deployed, ctx);
        return {
          done: {
            status: 'unchanged',
            stackStatus: deployed?.status,
            outputs: deployed ? outputsRecord(deployed) : undefined,
          },
        };
      }
      throw new DeployError(
        'CHANGE_SET_FAILED',
        `CloudFormation could not create the change set for ${stack.stackName}: ${changeSet.statusReason ?? 'no reason given'}`,
        {
          hint: 'fix the template or parameters it names; the change set was deleted',
        },
      );
    }
    // Replacement is the worse of the change set's word and the resource spec's (issue 11): the
    // guards and the approval levels judge that, never a field a server may leave out.
    let judged: JudgedChanges = { changes: changeSet.changes, unexplained: new Set() };
    const parameterChanges =
      deployed && changedInputs({ deployed: deployed.parameters, template: template.parameters, sent: parameters });
    const parametersChanged = (parameterChanges?.changed.size ?? 0) > 0;
    if (deployed && needsJudging(changeSet.changes, parametersChanged)) {
      if (needsTemplateDiff(changeSet.changes, parametersChanged))
        deployedTemplate ??= await cf.getTemplate(deployed.stackId);
      judged = judgeReplacements({
        changes: changeSet.changes,
        spec: await loadResourceSpec(),
        deployedTemplate:
          deployedTemplate === undefined ? undefined : parseDeployedTemplate(deployedTemplate, stack.templateDisplay),
        newTemplate: parseDeployedTemplate(templateBody, stack.templateDisplay),
        ...(parameterChanges ? { parameters: parameterChanges } : {}),
      });
    }
    // A ready change set with no Changes still carries output, tag or parameter edits (§2.3): execute it.
    const changes: ResourceChangeSummary[] = judged.changes.map((c) => ({
      action: c.action,
      logicalId: c.logicalId,
      resourceType: c.resourceType,
      replacement: c.replacement,
    }));
    ctx.emit({ type: 'stack:changeset', ...ref, phase: 'ready', changeSetType: type, changes });

    // The data guard: a stateful resource is never removed or replaced by accident, in this stack
    // or in its nested stacks.
    const nestedChangeSets = new Map<string, ChangeSetDescription | AwsError>();
    if (deployed) {
      const allowReplace = ctx.allowReplace ?? new Set<string>();
      const blocked: string[] = [];
      if (
        judged.changes.some((c) => c.action === 'Remove' || c.replacement === 'True' || c.replacement === 'Conditional')
      ) {
        deployedTemplate ??= await cf.getTemplate(deployed.stackId);
        const guard = checkStatefulChanges({
          stack: stack.id,
          stateful: stack.stateful,
          changes: judged.changes,
          allowReplace,
          deployedTemplate: parseDeployedTemplate(deployedTemplate, stack.templateDisplay),
          unexplained: judged.unexplained,
        });
        for (const message of guard.warnings) ctx.emit({ type: 'stack:warning', ...ref, message });
        blocked.push(...guard.blocked);
      }
      if (changeSet.changes.some((c) => c.nestedChangeSetId !== undefined)) {
        const guard = await checkNestedStatefulChanges({
          cf,
          stack: stack.id,
          stateful: stack.stateful,
          changes: changeSet.changes,
          allowReplace,
          described: nestedChangeSets,
        });
        for (const message of guard.warnings) ctx.emit({ type: 'stack:warning', ...ref, message });
        blocked.push(...guard.blocked);
      }
      if (blocked.length > 0) {
        const reason = `refused to lose data: ${blocked.join('; ')}`;
        ctx.emit({ type: 'stack:blocked', ...ref, reason });
        return { done: { status: 'blocked', stackStatus: deployed.status, outputs: undefined, reason } };
      }
    }

    // Exports other stacks import must not be removed or changed (§4): refused before anything runs.
    if (deployed && deployed.outputs.some((o) => o.exportName !== undefined)) {
      deployedTemplate ??= await cf.getTemplate(deployed.stackId);
      const inUse = await exportsInUse({
        cf,
        deployed,
        template,
        deployedTemplate: parseDeployedTemplate(deployedTemplate, stack.templateDisplay),
        newTemplate: parseDeployedTemplate(templateBody, stack.templateDisplay) ?? {},
      });
      if (inUse.length > 0) {
        const reason = `refused: ${inUse.join('; ')}`;
        ctx.emit({ type: 'stack:blocked', ...ref, reason });
        return { done: { status: 'blocked', stackStatus: deployed.status, outputs: undefined, reason } };
      }
    }

    const replacedBecause = replacementCausesByResource(judged.changes);
    const needed = approvalNeeded(ctx.requireApproval ?? 'destructive', changes, type, replacedBecause);
    if (needed) {
      const askedAt = ctx.clock.now();
      const answer = await ctx.approve({ ...ref, ...needed, changes, replacedBecause });
      ctx.noteApprovalWait?.(ctx.clock.now() - askedAt);
      if (!answer.approved) {
        ctx.emit({ type: 'stack:blocked', ...ref, reason: answer.reason ?? 'not approved' });
        return {
          done: {
            status: 'blocked',
            stackStatus: deployed?.status,
            outputs: undefined,
            reason: answer.reason ?? 'not approved',
          },
        };
      }
    }

    const prepared: PreparedStack = {
      stack,
      type,
      changeSetId: created.changeSetId,
      stackId: created.stackId,
      changeSetName,
      token,
      changes,
      resourceChanges: changeSet.changes,
      nestedChangeSets,
      deployed,
    };
    pending = undefined;
    return { prepared };
  } catch (error) {
    return { done: failureResult(error, ctx) };
  } finally {
    if (pending) await discardChangeSet(pending, ctx, ref);
  }
}

/** Steps 6-7: execute the change set and follow the operation to its end. */
export async function executeStack(prepared: PreparedStack, ctx: StackDeployContext): Promise<StackDeployResult> {
  const cf = ctx.ports.cloudFormation;
  const { stack, type, changeSetName, token, changes, deployed } = prepared;
  const created = { changeSetId: prepared.changeSetId, stackId: prepared.stackId };
  const ref = { stack: stack.id, stackName: stack.stackName };
  let executed = false;
  try {
    if (ctx.stopSignal.aborted) throw new AbortError('interrupted before its change set was executed');
    const operationStart = ctx.clock.now();
    ctx.emit({ type: 'stack:executing', ...ref, changeSetName, total: changes.length });
    try {
      await cf.executeChangeSet(created.changeSetId, token);
    } catch (error) {
      // No answer is not a refusal: the request may have reached CloudFormation and started the
      // operation, so the change set is not deleted and the stack's outcome is unknown.
      if (error instanceof AwsError && error.awsCode === NETWORK_ERROR) executed = true;
      throw error;
    }
    executed = true;

    const cancelToken = `${token}-cancel`.slice(0, 128);
    const onCancel = (): void => {
      if (type !== 'UPDATE') {
        ctx.emit({
          type: 'stack:warning',
          ...ref,
          message: `${stack.stackName} is being created; a create cannot be cancelled, CloudFormation goes on with it`,
        });
        return;
      }
      cf.cancelUpdateStack(created.stackId, cancelToken).then(
        () =>
          ctx.emit({
            type: 'stack:warning',
            ...ref,
            message: `cancelled the update of ${stack.stackName}: CloudFormation rolls it back`,
          }),
        (error: unknown) =>
          ctx.emit({
            type: 'stack:warning',
            ...ref,
            message: `could not cancel the update of ${stack.stackName}: ${error instanceof Error ? error.message : String(error)}`,
          }),
      );
    };
    const stopListening = onAbort(ctx.cancelSignal, onCancel);
    let followed;
    try {
      followed = await followOperation(cf, {
        stackId: created.stackId,
        stackName: stack.stackName,
        clientRequestToken: token,
        otherTokens: [cancelToken],
        operationStart,
        clock: ctx.clock,
        ...(ctx.polling ? { polling: ctx.polling } : {}),
        totalChanges: changes.length,
        ...(ctx.expectedExecuteMs === undefined ? {} : { expectedMs: ctx.expectedExecuteMs }),
        onEvent: (e) => {
          if (isRootEvent(e, stack.stackName)) return;
          ctx.emit({
            type: 'stack:resource',
            ...ref,
            logicalId: e.logicalId,
            resourceType: e.resourceType,
            status: e.status,
            reason: e.reason,
            timestamp: e.timestamp.toISOString(),
          });
        },
      });
    } finally {
      stopListening();
    }
    const final = followed.stack;
    if (final && isSuccess(final.status)) {
      await applyTerminationProtection(stack, deployed ?? { ...final, terminationProtection: false }, ctx);
      return {
        status: type === 'CREATE' ? 'created' : 'updated',
        stackStatus: final.status,
        outputs: outputsRecord(final),
      };
    }
    const rootCause = findRootCause(followed.events, stack.stackName, final);
    return {
      status: 'failed',
      stackStatus: final?.status,
      outputs: undefined,
      ...(rootCause ? { rootCause } : {}),
      reason:
        `${stack.stackName} ended in ${final?.status ?? 'an unknown state'}` +
        (rootCause
          ? `: ${rootCause.logicalId} (${rootCause.resourceType}) ${rootCause.status}: ${rootCause.reason}`
          : ''),
    };
  } catch (error) {
    if (executed && error instanceof AwsError) return unknownResult(stack, error);
    return failureResult(error, ctx);
  } finally {
    if (!executed) await discardChangeSet({ ...created, type }, ctx, ref);
  }
}

/**
 * Reads stopped working after the change set was executed (the endpoint went away, or kept
 * refusing until the wait deadline): CloudFormation goes on without us, so the stack may be
 * deployed, rolled back or still running. Saying `failed` would be a guess.
 */
function unknownResult(stack: ResolvedStack, error: AwsError): StackDeployResult {
  return {
    status: 'unknown',
    stackStatus: undefined,
    outputs: undefined,
    reason:
      `its change set was executed, then its state could not be read: ${error.message}\n` +
      `→ check it with: aws cloudformation describe-stacks --stack-name ${stack.stackName}; ` +
      `then run this deploy again (stackpilot deploy ${stack.id} with the same options): ` +
      'it waits for an operation still running and finds a finished one unchanged',
  };
}

/** A prepared change set that will not be executed (upstream failed, fail-fast, Ctrl-C). */
export async function discardPrepared(prepared: PreparedStack, ctx: StackDeployContext): Promise<void> {
  await discardChangeSet({ changeSetId: prepared.changeSetId, stackId: prepared.stackId, type: prepared.type }, ctx, {
    stack: prepared.stack.id,
    stackName: prepared.stack.stackName,
  });
}

function failureResult(error: unknown, ctx: StackDeployContext): StackDeployResult {
  if (error instanceof AbortError || (ctx.stopSignal.aborted && error === ctx.stopSignal.reason)) {
    return {
      status: 'skipped',
      stackStatus: undefined,
      outputs: undefined,
      reason: error instanceof AbortError ? error.message : 'interrupted before this stack was deployed',
    };
  }
  if (error instanceof DeployError || error instanceof AwsError) {
    return {
      status: 'failed',
      stackStatus: undefined,
      outputs: undefined,
      reason: error.hint ? `${error.message}\n→ ${error.hint}` : error.message,
    };
  }
  throw error;
}

/** Someone else's operation is running on the stack: wait for it to end, saying so. */
async function settle(
  stack: ResolvedStack,
  ctx: StackDeployContext,
  current: StackDescription | undefined,
): Promise<StackDescription | undefined> {
  if (!current || !isInProgress(current.status) || current.status === 'REVIEW_IN_PROGRESS') return current;
  const waited = await awaitOtherOperation({ stack: stack.id, stackName: stack.stackName }, current, {
    cf: ctx.ports.cloudFormation,
    clock: ctx.clock,
    emit: ctx.emit,
    signal: ctx.stopSignal,
    timeoutMs: ctx.settleTimeoutMs,
  });
  if (!waited.settled) {
    throw new DeployError(
      'SETTLE_TIMEOUT',
      `stack ${stack.stackName} stayed in ${waited.lastStatus} for ${formatDuration(ctx.settleTimeoutMs)}: ` +
        'another operation is still running on it',
      {
        hint: 'wait for it to finish (see the stack in the CloudFormation console), or raise --wait-timeout',
      },
    );
  }
  // A stack deleted by ARN answers DELETE_COMPLETE: that is the same as absent for a name lookup.
  return waited.stack?.status === 'DELETE_COMPLETE' ? undefined : waited.stack;
}

async function deleteAndWait(stackId: string, ctx: StackDeployContext): Promise<void> {
  const cf = ctx.ports.cloudFormation;
  await cf.deleteStack(stackId);
  const gone = await pollUntil(
    async () => {
      const now = await cf.describeStack(stackId);
      if (!now || now.status === 'DELETE_COMPLETE') return true;
      if (now.status === 'DELETE_FAILED')
        throw new DeployError(
          'DELETE_FAILED',
          `could not delete the failed stack ${now.stackName}: ${now.statusReason ?? 'DELETE_FAILED'}`,
        );
      return undefined;
    },
    {
      clock: ctx.clock,
      signal: ctx.stopSignal,
      initialDelayMs: 1_000,
      maxDelayMs: 10_000,
      timeoutMs: ctx.settleTimeoutMs,
    },
  );
  if (!gone) throw new DeployError('DELETE_TIMEOUT', `the failed stack ${stackId} was not deleted in time`);
}

async function waitForChangeSet(changeSetId: string, ctx: StackDeployContext): Promise<ChangeSetDescription> {
  const described = await pollUntil(
    async () => {
      const changeSet = await ctx.ports.cloudFormation.describeChangeSet(changeSetId);
      return changeSet.status === 'CREATE_PENDING' || changeSet.status === 'CREATE_IN_PROGRESS' ? undefined : changeSet;
    },
    {
      clock: ctx.clock,
      signal: ctx.stopSignal,
      initialDelayMs: 500,
      maxDelayMs: 5_000,
      timeoutMs: ctx.settleTimeoutMs,
    },
  ).catch((error: unknown) => {
    if (ctx.stopSignal.aborted) throw new AbortError('interrupted while the change set was being created');
    throw error;
  });
  if (!described) {
    throw new DeployError(
      'CHANGE_SET_TIMEOUT',
      `change set ${changeSetId} was not ready after ${formatDuration(ctx.settleTimeoutMs)}`,
      { hint: 'look at it in the CloudFormation console; it was deleted' },
    );
  }
  return described;
}

/**
 * `--check-drift` (issue 13): a change set is computed against the template CloudFormation last
 * deployed, not against the resources as they are, so an update of a drifted stateful stack may
 * overwrite or trip over changes made by hand. Detect drift first; when it drifted, a person
 * decides (the approver: never `--yes`, and without a terminal the stack is blocked). A detection
 * that cannot be run is a warning: the deploy goes on as it would without the flag.
 */
async function checkDriftBeforeUpdate(
  stack: ResolvedStack,
  deployed: StackDescription,
  secrets: readonly string[] | 'unknown',
  ctx: StackDeployContext,
): Promise<StackDeployResult | undefined> {
  const ref = { stack: stack.id, stackName: stack.stackName };
  const drift = await detectDrift(ctx.ports.cloudFormation, deployed.stackId, {
    secrets,
    clock: ctx.clock,
    signal: ctx.stopSignal,
    timeoutMs: Math.min(ctx.settleTimeoutMs, DEFAULT_DRIFT_TIMEOUT_MS),
  });
  if (drift.status === 'IN_SYNC') return undefined;
  if (drift.status !== 'DRIFTED') {
    ctx.emit({
      type: 'stack:warning',
      ...ref,
      message:
        `--check-drift: drift of ${stack.stackName} is not known ` +
        `(${drift.status}${drift.reason ? `: ${drift.reason}` : ''}); deploying without the check`,
    });
    return undefined;
  }
  const count = drift.resources.length;
  const reason = `${stack.stackName} drifted (${count} ${count === 1 ? 'resource' : 'resources'}): ${describeDrift(
    drift.resources,
  )
    .map((l) => l.trim())
    .join('; ')}`;
  ctx.emit({ type: 'stack:warning', ...ref, message: `--check-drift: ${reason}` });
  const askedAt = ctx.clock.now();
  const answer = await ctx.approve({ ...ref, reason, flagged: [], changes: [], kind: 'drift' });
  ctx.noteApprovalWait?.(ctx.clock.now() - askedAt);
  if (answer.approved) return undefined;
  const why = answer.reason ?? 'drift not approved';
  ctx.emit({ type: 'stack:blocked', ...ref, reason: why });
  return { status: 'blocked', stackStatus: deployed.status, outputs: undefined, reason: why };
}

/** Termination protection is not part of a change set; it is set beside it. */
async function applyTerminationProtection(
  stack: ResolvedStack,
  deployed: StackDescription,
  ctx: StackDeployContext,
): Promise<void> {
  if (deployed.terminationProtection === stack.terminationProtection) return;
  try {
    await ctx.ports.cloudFormation.updateTerminationProtection(deployed.stackId, stack.terminationProtection);
  } catch (error) {
    ctx.emit({
      type: 'stack:warning',
      stack: stack.id,
      stackName: stack.stackName,
      message:
        `could not turn termination protection ${stack.terminationProtection ? 'on' : 'off'}: ` +
        `${error instanceof Error ? error.message : String(error)}`,
    });
  }
}

/** Deletes a change set that was not executed, and the REVIEW_IN_PROGRESS stack a CREATE one made. */
async function discardChangeSet(
  pending: { changeSetId: string; stackId: string; type: 'CREATE' | 'UPDATE' },
  ctx: StackDeployContext,
  ref: { stack: string; stackName: string },
): Promise<void> {
  const cf = ctx.ports.cloudFormation;
  try {
    await cf.deleteChangeSet(pending.changeSetId);
    if (pending.type === 'CREATE') {
      const left = await cf.describeStack(pending.stackId);
      if (left?.status === 'REVIEW_IN_PROGRESS') {
        await cf.deleteStack(pending.stackId);
        // Wait until it is gone, so that the account is as it was when the run ends (a plan promises it).
        await pollUntil(
          async () => {
            const now = await cf.describeStack(pending.stackId);
            return !now || now.status === 'DELETE_COMPLETE' ? true : undefined;
          },
          { clock: ctx.clock, initialDelayMs: 1_000, maxDelayMs: 5_000, timeoutMs: 120_000 },
        );
      }
    }
  } catch (error) {
    ctx.emit({
      type: 'stack:warning',
      ...ref,
      message:
        `could not clean up change set ${pending.changeSetId}: ${error instanceof Error ? error.message : String(error)}; ` +
        `delete it with: aws cloudformation delete-change-set --change-set-name ${pending.changeSetId}`,
    });
  }
}

function parseDeployedTemplate(text: string, file: string): TemplateObject | undefined {
  try {
    return parseTemplate(text, file.replace(/\.json$/, '.yaml')).body;
  } catch {
    return undefined;
  }
}

function outputsRecord(stack: StackDescription): Record<string, string> {
  return Object.fromEntries(stack.outputs.map((o) => [o.key, o.value]));
}
