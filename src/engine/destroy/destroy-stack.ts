import type { AwsPorts, StackDescription, StackEvent, StackResourceSummary } from '../../aws/ports.js';
import { AwsError } from '../../aws/errors.js';
import type { Clock } from '../../clock.js';
import { formatDuration } from '../../format-duration.js';
import { DeployError } from '../deploy-errors.js';
import type { EngineEvent, RetainedResource, RootCause } from '../events.js';
import { findRootCause, followOperation, isRootEvent } from '../deploy/follow-operation.js';
import type { FollowPolling } from '../deploy/follow-operation.js';
import { isInProgress } from '../stack-status.js';
import { awaitOtherOperation } from '../await-other-operation.js';
import type { DestroyTarget } from './destroy-plan.js';

export interface StackDestroyContext {
  ports: AwsPorts;
  clock: Clock;
  emit: (event: EngineEvent) => void;
  /** Unique per run: names the DeleteStack tokens. */
  runId: string;
  /** How long a delete (or another operation on the stack) may take before we stop waiting and say so. */
  waitTimeoutMs: number;
  /** First Ctrl-C: a stack not started yet is not deleted. */
  stopSignal: AbortSignal;
  /** Second Ctrl-C: stop following deletes in flight (CloudFormation goes on with them). */
  cancelSignal: AbortSignal;
  /** `--retain`: logical ids of this stack to leave in place when its delete fails on them (RetainResources). */
  retain: ReadonlySet<string>;
  /** How operations are followed. @default adaptive */
  polling?: FollowPolling;
  /** What this stack's delete took in an earlier run, if recorded: paces the polling. */
  expectedMs?: number;
}

export type DestroyOutcome = 'deleted' | 'absent' | 'failed' | 'blocked' | 'skipped' | 'unknown';

export interface StackDestroyResult {
  status: DestroyOutcome;
  stackStatus: string | undefined;
  reason?: string;
  rootCause?: RootCause;
  /** What the delete left in place (DELETE_SKIPPED), by physical id. */
  retained?: RetainedResource[];
}

const TOKEN_UNSAFE = /[^a-zA-Z0-9-]/g;

/**
 * Deletes one stack (DeleteStack: no change set) and follows the delete to its end, within
 * `waitTimeoutMs`. A stack that is not deployed is `absent`; DELETE_FAILED is `failed` with the
 * first real failure and the next step (`--retain <LogicalId>`, which passes RetainResources on a
 * retry, made at once when every resource that failed is one the user asked to keep).
 */
export async function destroyStack(target: DestroyTarget, ctx: StackDestroyContext): Promise<StackDestroyResult> {
  const cf = ctx.ports.cloudFormation;
  const ref = { stack: target.id, stackName: target.stackName };
  if (ctx.stopSignal.aborted)
    return { status: 'skipped', stackStatus: undefined, reason: 'interrupted before this stack was deleted' };
  if (target.refusal !== undefined) {
    ctx.emit({ type: 'stack:blocked', ...ref, reason: target.refusal });
    return { status: 'blocked', stackStatus: target.deployed?.status, reason: target.refusal };
  }
  try {
    let current = await cf.describeStack(target.stackName);
    if (current && isInProgress(current.status) && current.status !== 'REVIEW_IN_PROGRESS') {
      const wasDeleting = current.status === 'DELETE_IN_PROGRESS';
      current = await settle(target, current, ctx);
      if (wasDeleting && (!current || current.status === 'DELETE_COMPLETE'))
        return { status: 'deleted', stackStatus: 'DELETE_COMPLETE', reason: 'a delete already running finished' };
    }
    if (!current || current.status === 'DELETE_COMPLETE') return { status: 'absent', stackStatus: undefined };
    if (current.terminationProtection) {
      // Turned on since the plan was read: still never lifted here.
      const reason =
        `${target.stackName} has termination protection, which stackpilot never lifts: aws cloudformation ` +
        `update-termination-protection --no-enable-termination-protection --stack-name ${target.stackName}`;
      ctx.emit({ type: 'stack:blocked', ...ref, reason });
      return { status: 'blocked', stackStatus: current.status, reason };
    }
    // Physical ids of what stays, read while the stack still lists them (emulators send no DELETE_SKIPPED event).
    const keeps = new Set([
      ...target.kept.filter((k) => k.policy !== 'Snapshot').map((k) => k.logicalId),
      ...ctx.retain,
    ]);
    const resources = keeps.size > 0 ? await cf.listStackResources(current.stackId) : [];

    const token = `stackpilot-${ctx.runId}-${target.id}-delete`.replace(TOKEN_UNSAFE, '-').slice(0, 128);
    // RetainResources is valid only for a DELETE_FAILED stack (CLOUDFORMATION.md §6).
    const retainNow = current.status === 'DELETE_FAILED' ? [...ctx.retain] : [];
    let attempt = await deleteOnce(target, current, token, retainNow, ctx);
    const failedIds = failedResources(attempt.events, target.stackName);
    if (
      attempt.stack?.status === 'DELETE_FAILED' &&
      retainNow.length === 0 &&
      failedIds.length > 0 &&
      failedIds.every((id) => ctx.retain.has(id))
    ) {
      ctx.emit({
        type: 'stack:warning',
        ...ref,
        message:
          `${failedIds.join(', ')} could not be deleted; keeping ${failedIds.length === 1 ? 'it' : 'them'} ` +
          `as --retain asks (RetainResources) and deleting the rest`,
      });
      attempt = await deleteOnce(target, attempt.stack, `${token}-retain`.slice(0, 128), [...ctx.retain], ctx);
    }
    // No warning per kept fixed name: stack:done lists them (`retained`, `fixedName`), and the run's
    // closing report says once what they mean for the next deploy.
    return outcome(target, attempt, resources, keeps, ctx);
  } catch (error) {
    if (error instanceof AwsError || error instanceof DeployError)
      return {
        status: 'failed',
        stackStatus: undefined,
        reason: error.hint ? `${error.message}\n→ ${error.hint}` : error.message,
      };
    throw error;
  }
}

interface Attempt {
  stack: StackDescription | undefined;
  events: StackEvent[];
  /** Why following stopped before the delete ended. */
  stopped?: 'timeout' | 'cancelled';
}

async function deleteOnce(
  target: DestroyTarget,
  current: StackDescription,
  token: string,
  retain: readonly string[],
  ctx: StackDestroyContext,
): Promise<Attempt> {
  const cf = ctx.ports.cloudFormation;
  const operationStart = ctx.clock.now();
  ctx.emit({
    type: 'stack:deleting',
    stack: target.id,
    stackName: target.stackName,
    total: target.deletes,
    retain: [...retain],
  });
  await cf.deleteStack(current.stackId, token, retain.length > 0 ? retain : undefined);
  // The wait is bounded: a delete that hangs (a resource CloudFormation keeps retrying) ends here, said so.
  const stop = new AbortController();
  const deadline = new AbortController();
  let stopped: Attempt['stopped'];
  ctx.clock.sleep(ctx.waitTimeoutMs, deadline.signal).then(
    () => {
      stopped ??= 'timeout';
      stop.abort();
    },
    () => undefined,
  );
  const onCancel = (): void => {
    stopped ??= 'cancelled';
    stop.abort();
  };
  ctx.cancelSignal.addEventListener('abort', onCancel, { once: true });
  if (ctx.cancelSignal.aborted) onCancel();
  try {
    const followed = await followOperation(cf, {
      stackId: current.stackId,
      stackName: target.stackName,
      clientRequestToken: token,
      operationStart,
      clock: ctx.clock,
      signal: stop.signal,
      ...(ctx.polling ? { polling: ctx.polling } : {}),
      // Kept resources end DELETE_SKIPPED, not *_COMPLETE: counted in, they keep the polling from
      // speeding up before the stack is through with them.
      totalChanges: target.deletes + target.kept.filter((k) => k.policy !== 'Snapshot').length + retain.length,
      ...(ctx.expectedMs === undefined ? {} : { expectedMs: ctx.expectedMs }),
      onEvent: (e) => {
        if (isRootEvent(e, target.stackName)) return;
        ctx.emit({
          type: 'stack:resource',
          stack: target.id,
          stackName: target.stackName,
          logicalId: e.logicalId,
          resourceType: e.resourceType,
          status: e.status,
          reason: e.reason,
          timestamp: e.timestamp.toISOString(),
        });
      },
    });
    return {
      stack: followed.stack,
      events: followed.events,
      ...(followed.stack ? {} : { stopped: stopped ?? 'cancelled' }),
    };
  } finally {
    deadline.abort();
    ctx.cancelSignal.removeEventListener('abort', onCancel);
  }
}

function failedResources(events: readonly StackEvent[], stackName: string): string[] {
  return [
    ...new Set(
      events.filter((e) => !isRootEvent(e, stackName) && e.status === 'DELETE_FAILED').map((e) => e.logicalId),
    ),
  ];
}

function outcome(
  target: DestroyTarget,
  attempt: Attempt,
  resources: readonly StackResourceSummary[],
  keeps: ReadonlySet<string>,
  ctx: StackDestroyContext,
): StackDestroyResult {
  const final = attempt.stack;
  const name = target.stackName;
  if (!final) {
    const waited = formatDuration(ctx.waitTimeoutMs);
    return {
      status: attempt.stopped === 'timeout' ? 'failed' : 'unknown',
      stackStatus: 'DELETE_IN_PROGRESS',
      reason:
        attempt.stopped === 'timeout'
          ? `${name} was still DELETE_IN_PROGRESS after ${waited} (--wait-timeout): ` +
            `CloudFormation goes on with it, and may still finish or fail\n` +
            `→ see what it waits for: aws cloudformation describe-stack-events --stack-name ` +
            `${name}; then run destroy again: it waits for the delete still running`
          : `${name} was DELETE_IN_PROGRESS when the run was stopped: CloudFormation goes on with it\n` +
            `→ run destroy again to see how it ended (it waits for a delete still running)`,
    };
  }
  if (final.status === 'DELETE_COMPLETE')
    return {
      status: 'deleted',
      stackStatus: final.status,
      retained: retainedOf(target, attempt.events, resources, keeps),
    };
  const rootCause = findRootCause(attempt.events, name, final);
  const failed = failedResources(attempt.events, name);
  const cause = rootCause
    ? `: ${rootCause.logicalId} (${rootCause.resourceType}) ${rootCause.status}: ${rootCause.reason}`
    : '';
  let next: string;
  if (final.status === 'DELETE_FAILED' && failed.length > 0) {
    next =
      `→ fix what stops ${failed.length === 1 ? 'it' : 'them'} (e.g. empty the bucket) ` +
      `and run destroy again, or leave ${failed.length === 1 ? 'it' : 'them'} in place: ` +
      `stackpilot destroy ${target.id} ${failed.map((id) => `--retain ${id}`).join(' ')} ` +
      `(RetainResources: CloudFormation skips ${failed.length === 1 ? 'it' : 'them'} and deletes the rest)`;
  } else if (final.statusReason?.includes('in use by')) {
    next = '→ delete or update the stacks that import it first (CloudFormation refuses to delete an export in use)';
  } else {
    next = `→ see its events: aws cloudformation describe-stack-events --stack-name ${name}`;
  }
  return {
    status: 'failed',
    stackStatus: final.status,
    ...(rootCause ? { rootCause } : {}),
    reason: `${name} ended in ${final.status}${cause}\n${next}`,
  };
}

/**
 * What stays: DELETE_SKIPPED events where the service sends them, else (emulators) the resources
 * the deployed template keeps, with the physical ids ListStackResources gave before the delete.
 */
function retainedOf(
  target: DestroyTarget,
  events: readonly StackEvent[],
  resources: readonly StackResourceSummary[],
  keeps: ReadonlySet<string>,
): RetainedResource[] {
  const fixed = new Set(target.kept.filter((k) => k.fixedName !== undefined).map((k) => k.logicalId));
  const byId = new Map<string, RetainedResource>();
  for (const r of resources) {
    if (!keeps.has(r.logicalId)) continue;
    byId.set(r.logicalId, {
      logicalId: r.logicalId,
      resourceType: r.resourceType,
      physicalId: r.physicalId ?? '',
      fixedName: fixed.has(r.logicalId),
    });
  }
  for (const e of events) {
    if (e.status !== 'DELETE_SKIPPED' || isRootEvent(e, target.stackName)) continue;
    byId.set(e.logicalId, {
      logicalId: e.logicalId,
      resourceType: e.resourceType,
      physicalId: e.physicalId ?? byId.get(e.logicalId)?.physicalId ?? '',
      fixedName: fixed.has(e.logicalId),
    });
  }
  return [...byId.values()];
}

/** Another operation runs on the stack (or an earlier delete): wait for it to end, within the wait timeout. */
async function settle(
  target: DestroyTarget,
  current: StackDescription,
  ctx: StackDestroyContext,
): Promise<StackDescription | undefined> {
  const waited = await awaitOtherOperation({ stack: target.id, stackName: target.stackName }, current, {
    cf: ctx.ports.cloudFormation,
    clock: ctx.clock,
    emit: ctx.emit,
    timeoutMs: ctx.waitTimeoutMs,
  });
  if (!waited.settled)
    throw new DeployError(
      'SETTLE_TIMEOUT',
      `${target.stackName} stayed in ${waited.lastStatus} for ` +
        `${formatDuration(ctx.waitTimeoutMs)}: another operation is still running on it`,
      { hint: 'wait for it to finish (see the stack in the CloudFormation console), or raise --wait-timeout' },
    );
  return waited.stack;
}
