/**
 * Operations that run on a stack over time: ExecuteChangeSet (create, update), DeleteStack,
 * CancelUpdateStack, and the pre-existing states a scenario sets up. Each one decides its
 * outcome when it starts and lays out its whole event timeline (CLOUDFORMATION.md §1.2, §3.2).
 */
import type { Parameter } from '../aws/ports.js';
import { AwsError } from '../aws/errors.js';
import type { SimAccount } from './account.js';
import { isBusy, validation } from './account.js';
import { changeSetStatus } from './change-set-ops.js';
import { planDeployment } from './deployment.js';
import type { Plan } from './deployment.js';
import type { Operation, OperationKind, SimChangeSet, SimStack, WorkItem } from './model.js';
import type { SimTemplate } from './template-model.js';
import {
  createRollbackSteps,
  deletionSteps,
  forwardSteps,
  interrupt,
  phaseMargin,
  placeWork,
  rollbackDuration,
  root,
  updateRollbackSteps,
} from './timeline.js';
import type { Removal, Step } from './timeline.js';

/** Defaults when the scenario says nothing (SIMULATOR.md "Timing"). */
export function defaultCreateSeconds(resourceCount: number): number {
  return 30 + 10 * resourceCount;
}

export function defaultUpdateSeconds(resourceCount: number): number {
  return defaultCreateSeconds(resourceCount) / 2;
}

export function defaultDeleteSeconds(resourceCount: number): number {
  return 10 + 5 * resourceCount;
}

/** A template-level failure shows this long after the operation starts; its rollback as long again. */
const TEMPLATE_FAILURE_MS = 1000;

export function executeChangeSet(account: SimAccount, changeSetId: string, token: string): void {
  const cs = account.changeSets.get(changeSetId);
  if (!cs)
    throw new AwsError('ExecuteChangeSet', 'ChangeSetNotFound', `ChangeSet [${changeSetId}] does not exist`, 404);
  const { status, executionStatus } = changeSetStatus(account, cs);
  if (status !== 'CREATE_COMPLETE') {
    throw new AwsError(
      'ExecuteChangeSet',
      'InvalidChangeSetStatus',
      `ChangeSet [${cs.id}] cannot be executed in its current status of [${status}]`,
      400,
    );
  }
  if (executionStatus !== 'AVAILABLE') {
    throw new AwsError(
      'ExecuteChangeSet',
      'InvalidChangeSetStatus',
      `ChangeSet [${cs.id}] cannot be executed in its current execution status of [${executionStatus}]`,
      400,
    );
  }
  const stack = account.find(cs.stackId);
  if (!stack) throw validation('ExecuteChangeSet', `Stack [${cs.stackId}] does not exist`);
  // Executing one change set deletes the stack's others (§2.2).
  for (const other of [...account.changeSets.values()])
    if (other.stackId === stack.stackId && other.id !== cs.id) account.dropChangeSet(other);
  cs.execution = 'EXECUTE_IN_PROGRESS';
  if (cs.type === 'CREATE') startCreate(account, stack, cs, account.now(), token);
  else startUpdate(account, stack, cs, token);
}

function parsed(account: SimAccount, body: string): SimTemplate {
  const read = account.template(body);
  if (!read.ok) throw validation('ExecuteChangeSet', `Template format error: ${read.message}`);
  return read.template;
}

interface Source {
  templateBody: string;
  parameters: Parameter[];
  resolved: Record<string, string>;
  tags: Record<string, string>;
  capabilities: string[];
}

/** `lenient`: laying out a stack's past, where an import of a stack not set up (yet) is simply empty. */
function plan(
  account: SimAccount,
  stack: SimStack,
  source: Source,
  replaced: ReadonlySet<string>,
  lenient = false,
): Plan {
  return planDeployment({
    template: parsed(account, source.templateBody),
    templateBody: source.templateBody,
    stackName: stack.stackName,
    stackId: stack.stackId,
    region: account.region,
    accountId: account.accountId,
    parameters: source.parameters,
    resolved: source.resolved,
    tags: source.tags,
    capabilities: source.capabilities,
    previous: stack.deployed,
    replaced,
    exportValue: (name) => account.exports.get(name)?.value ?? (lenient ? '' : undefined),
  });
}

/** Template-level problems found at execution, in the order CloudFormation meets them (§3.2, §4). */
function templateFailure(account: SimAccount, stack: SimStack, planned: Plan): string | undefined {
  const missing = planned.missingImports[0];
  if (missing !== undefined) return `No export named ${missing} found`;
  for (const name of planned.exportNames) {
    const owner = account.exporterOf(name, stack.stackId);
    if (owner !== undefined) return `Export with name ${name} is already exported by stack ${owner}`;
  }
  const next = new Map(
    planned.deployment.outputs.flatMap((o) => (o.exportName === undefined ? [] : [[o.exportName, o.value] as const])),
  );
  for (const o of stack.deployed?.outputs ?? []) {
    if (o.exportName === undefined) continue;
    const importers = account.importersOf(o.exportName, stack.stackId);
    if (importers.length === 0) continue;
    if (!next.has(o.exportName))
      return `Export ${o.exportName} cannot be deleted as it is in use by ${importers.join(' and ')}`;
    if (next.get(o.exportName) !== o.value)
      return `Export ${o.exportName} cannot be updated as it is in use by ${importers.join(' and ')}`;
  }
  return undefined;
}

function begin(account: SimAccount, stack: SimStack, op: Operation, steps: Step[]): void {
  stack.op = op;
  stack.generation += 1;
  account.operations.push({
    stackName: stack.stackName,
    stackId: stack.stackId,
    kind: op.kind,
    token: op.token,
    startedAt: op.startedAt,
    finishedAt: op.endsAt,
    finalStatus: op.finalStatus,
  });
  account.record(stack, steps, op.token);
}

function operation(
  kind: OperationKind,
  t0: number,
  token: string | undefined,
  cs: SimChangeSet | undefined,
  rest: Pick<Operation, 'endsAt' | 'outcome' | 'finalStatus' | 'next' | 'work'>,
): Operation {
  return { kind, token, changeSetId: cs?.id, startedAt: t0, ...rest };
}

/**
 * A create: resources in dependency order over the stack's createSeconds; on a scripted failure
 * the failing resource fails at its turn, siblings in flight are cancelled, and the rollback
 * deletes what was made (§3.2). `history` lays out a scenario's existing stack in the past:
 * exports and imports are not checked, and `history.failure` makes it fail (ROLLBACK_COMPLETE).
 */
export function startCreate(
  account: SimAccount,
  stack: SimStack,
  source: Source & { id?: string },
  t0: number,
  token: string | undefined,
  history?: { failure?: { logicalId: string; reason: string } },
): void {
  const cs = source.id === undefined ? undefined : account.changeSets.get(source.id);
  const planned = plan(account, stack, source, new Set(), history !== undefined);
  const script = account.script(stack.stackName);
  const durationMs = Math.round((script?.createSeconds ?? defaultCreateSeconds(planned.active.length)) * 1000);
  stack.attempted = { templateBody: source.templateBody, parameters: source.parameters, tags: { ...source.tags } };
  const start = root(t0, 'CREATE_IN_PROGRESS', 'User Initiated');

  const problem = history ? undefined : templateFailure(account, stack, planned);
  if (problem !== undefined) {
    const endsAt = t0 + 3 * TEMPLATE_FAILURE_MS;
    begin(
      account,
      stack,
      operation('create', t0, token, cs, {
        endsAt,
        outcome: 'rollback',
        finalStatus: 'ROLLBACK_COMPLETE',
        next: undefined,
        work: [],
      }),
      [
        start,
        root(t0 + TEMPLATE_FAILURE_MS, 'ROLLBACK_IN_PROGRESS', `${problem}. Rollback requested by user.`),
        root(endsAt, 'ROLLBACK_COMPLETE'),
      ],
    );
    return;
  }
  const lead = phaseMargin(durationMs);
  const work = placeWork(
    planned.active.map((r) => ({
      logicalId: r.logicalId,
      type: r.type,
      action: 'create' as const,
      physicalId: planned.deployment.resources[r.logicalId]?.physicalId ?? '',
      oldPhysicalId: undefined,
      dependsOn: r.dependsOn,
      deletionPolicy: r.deletionPolicy,
    })),
    t0 + lead,
    t0 + durationMs - lead,
  );
  const fail = history ? history.failure : script?.fail;
  const failing = fail && work.find((w) => w.logicalId === fail.logicalId);
  if (fail && failing) {
    const cutoff = failing.end;
    const cut = interrupt(work, cutoff, fail);
    const rollback = createRollbackSteps({
      at: cutoff + TEMPLATE_FAILURE_MS,
      durationMs: rollbackDuration(cutoff - t0),
      cutoff,
      reason: `The following resource(s) failed to create: [${cut.failedIds.join(', ')}]. Rollback requested by user.`,
      made: [...cut.completed, ...cut.interrupted],
      retain: (id) => work.find((w) => w.logicalId === id)?.deletionPolicy === 'Retain',
    });
    begin(
      account,
      stack,
      operation('create', t0, token, cs, {
        endsAt: rollback.endsAt,
        outcome: 'rollback',
        finalStatus: 'ROLLBACK_COMPLETE',
        next: undefined,
        work,
      }),
      [start, ...cut.before, ...cut.failures, ...rollback.steps],
    );
    return;
  }
  const endsAt = t0 + durationMs;
  begin(
    account,
    stack,
    operation('create', t0, token, cs, {
      endsAt,
      outcome: 'success',
      finalStatus: 'CREATE_COMPLETE',
      next: planned.deployment,
      work,
    }),
    [start, ...forwardSteps(work), root(endsAt, 'CREATE_COMPLETE')],
  );
}

/**
 * An update: changed resources in dependency order, then UPDATE_COMPLETE_CLEANUP_IN_PROGRESS
 * (always, §1.2) with removed resources and replaced old copies deleted, then UPDATE_COMPLETE.
 */
function startUpdate(account: SimAccount, stack: SimStack, cs: SimChangeSet, token: string): void {
  const t0 = account.now();
  const previous = stack.deployed;
  const replaced = new Set(
    cs.changes.filter((c) => c.action === 'Modify' && c.replacement === 'True').map((c) => c.logicalId),
  );
  const planned = plan(account, stack, cs, replaced);
  const script = account.script(stack.stackName);
  const durationMs = Math.round((script?.updateSeconds ?? defaultUpdateSeconds(planned.active.length)) * 1000);
  stack.lastUpdatedAt = t0;
  const start = root(t0, 'UPDATE_IN_PROGRESS', 'User Initiated');

  const problem = templateFailure(account, stack, planned);
  if (problem !== undefined) {
    const endsAt = t0 + 3 * TEMPLATE_FAILURE_MS;
    // §4: an export in use fails the update with no resource *_FAILED before it.
    begin(
      account,
      stack,
      operation('update', t0, token, cs, {
        endsAt,
        outcome: 'rollback',
        finalStatus: 'UPDATE_ROLLBACK_COMPLETE',
        next: undefined,
        work: [],
      }),
      [
        start,
        root(t0 + TEMPLATE_FAILURE_MS, 'UPDATE_ROLLBACK_IN_PROGRESS', problem),
        root(t0 + 2 * TEMPLATE_FAILURE_MS, 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS'),
        root(endsAt, 'UPDATE_ROLLBACK_COMPLETE'),
      ],
    );
    return;
  }
  const defs = new Map(planned.active.map((r) => [r.logicalId, r]));
  const items = cs.changes.flatMap((c): Omit<WorkItem, 'start' | 'initiated' | 'end'>[] => {
    const def = defs.get(c.logicalId);
    if (c.action === 'Remove' || !def) return [];
    const before = previous?.resources[c.logicalId];
    const action = c.action === 'Add' || !before ? 'create' : replaced.has(c.logicalId) ? 'replace' : 'update';
    return [
      {
        logicalId: c.logicalId,
        type: def.type,
        action,
        physicalId: planned.deployment.resources[c.logicalId]?.physicalId ?? '',
        oldPhysicalId: before?.physicalId,
        dependsOn: def.dependsOn,
        deletionPolicy: def.deletionPolicy,
      },
    ];
  });
  const removals: Removal[] = cs.changes.flatMap((c): Removal[] => {
    const before = previous?.resources[c.logicalId];
    if (!before) return [];
    if (c.action === 'Remove')
      return [
        {
          logicalId: c.logicalId,
          type: before.type,
          physicalId: before.physicalId,
          dependsOn: before.dependsOn,
          retain: before.deletionPolicy === 'Retain',
        },
      ];
    // The old copy of a replaced resource goes in cleanup (UpdateReplacePolicy, §6).
    if (replaced.has(c.logicalId))
      return [
        {
          logicalId: c.logicalId,
          type: before.type,
          physicalId: before.physicalId,
          dependsOn: [],
          retain: before.updateReplacePolicy === 'Retain',
        },
      ];
    return [];
  });
  const lead = phaseMargin(durationMs);
  const cleanupMs = removals.length > 0 ? Math.round(durationMs * 0.2) : 2 * lead;
  const mainEnd = t0 + durationMs - cleanupMs;
  const work = placeWork(items, t0 + lead, mainEnd - lead);
  const fail = script?.fail;
  const failing = fail && work.find((w) => w.logicalId === fail.logicalId);
  if (fail && failing) {
    const cutoff = failing.end;
    const cut = interrupt(work, cutoff, fail);
    const rollback = updateRollbackSteps({
      at: cutoff + TEMPLATE_FAILURE_MS,
      durationMs: rollbackDuration(cutoff - t0),
      cutoff,
      touched: [...cut.completed, ...cut.interrupted],
      reason: `The following resource(s) failed to ${failing.action === 'create' ? 'create' : 'update'}: [${failing.logicalId}].`,
    });
    begin(
      account,
      stack,
      operation('update', t0, token, cs, {
        endsAt: rollback.endsAt,
        outcome: 'rollback',
        finalStatus: 'UPDATE_ROLLBACK_COMPLETE',
        next: undefined,
        work,
      }),
      [start, ...cut.before, ...cut.failures, ...rollback.steps],
    );
    return;
  }
  const endsAt = t0 + durationMs;
  const cleanupLead = phaseMargin(cleanupMs);
  begin(
    account,
    stack,
    operation('update', t0, token, cs, {
      endsAt,
      outcome: 'success',
      finalStatus: 'UPDATE_COMPLETE',
      next: planned.deployment,
      work,
    }),
    [
      start,
      ...forwardSteps(work),
      root(mainEnd, 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS'),
      ...deletionSteps(removals, mainEnd + cleanupLead, endsAt - cleanupLead),
      root(endsAt, 'UPDATE_COMPLETE'),
    ],
  );
}

/**
 * S3's answer to deleting a bucket that holds objects, as CloudFormation reports it on the
 * resource (aws/aws-cdk#21776, 2022; the request ids are the simulator's own).
 */
export function bucketNotEmptyReason(requestId: string): string {
  return (
    'The bucket you tried to delete is not empty (Service: Amazon S3; Status Code: 409; Error Code: BucketNotEmpty; ' +
    `Request ID: ${requestId}; S3 Extended Request ID: ${requestId}; Proxy: null)`
  );
}

/** A stuck delete (scenario `deleteHangs`) ends this long after it started: never, for any run. */
const HANGING_DELETE_MS = 365 * 24 * 3600 * 1000;

/** DeletionPolicy values that keep the resource when its stack is deleted (§6). */
function keptOnStackDelete(policy: string): boolean {
  return policy === 'Retain' || policy === 'RetainExceptOnCreate';
}

/**
 * §1.2, §1.3, §4, §6: DeleteStack, including the export-in-use refusal, RetainResources (only
 * from DELETE_FAILED) and a non-empty bucket's DELETE_FAILED.
 */
export function deleteStack(
  account: SimAccount,
  nameOrArn: string,
  token: string | undefined,
  retainResources: readonly string[] = [],
): void {
  const stack = account.find(nameOrArn);
  // An unknown name, or a stack already going or gone: a silent success (§1.5).
  if (!stack || stack.status === 'DELETE_COMPLETE' || stack.status === 'DELETE_IN_PROGRESS') return;
  if (stack.terminationProtection)
    throw validation(
      'DeleteStack',
      `Stack [${stack.stackName}] cannot be deleted while TerminationProtection is enabled`,
    );
  if (isBusy(stack.status)) throw validation('DeleteStack', `Stack cannot be deleted while in status ${stack.status}`);
  if (retainResources.length > 0 && stack.status !== 'DELETE_FAILED')
    // §1.3: RetainResources is valid only for a DELETE_FAILED stack. [?: exact wording]
    throw validation(
      'DeleteStack',
      `Invalid operation on stack [${stack.stackName}]: RetainResources can only be specified when the stack is in DELETE_FAILED state`,
    );
  const t0 = account.now();
  const start = root(t0, 'DELETE_IN_PROGRESS', 'User Initiated');
  for (const o of stack.deployed?.outputs ?? []) {
    if (o.exportName === undefined) continue;
    const importers = account.importersOf(o.exportName, stack.stackId);
    if (importers.length === 0) continue;
    // §1.2: back to the previous status with the reason, never DELETE_FAILED.
    const endsAt = t0 + TEMPLATE_FAILURE_MS;
    begin(
      account,
      stack,
      operation('delete', t0, token, undefined, {
        endsAt,
        outcome: 'delete-refused',
        finalStatus: stack.status,
        next: undefined,
        work: [],
      }),
      [
        start,
        root(
          endsAt,
          stack.status,
          `Export ${o.exportName} cannot be deleted as it is in use by ${importers.join(' and ')}`,
        ),
      ],
    );
    return;
  }
  const script = account.script(stack.stackName);
  const resources = Object.entries(stack.deployed?.resources ?? {});
  const seconds =
    script?.deleteSeconds ?? (stack.status === 'REVIEW_IN_PROGRESS' ? 2 : defaultDeleteSeconds(resources.length));
  const durationMs = script?.deleteHangs ? HANGING_DELETE_MS : Math.round(seconds * 1000);
  const lead = phaseMargin(durationMs);
  const endsAt = t0 + durationMs;
  const retained = new Set(retainResources);
  const removals: Removal[] = resources.map(([logicalId, r]) => ({
    logicalId,
    type: r.type,
    physicalId: r.physicalId,
    dependsOn: r.dependsOn,
    retain: keptOnStackDelete(r.deletionPolicy) || retained.has(logicalId),
  }));
  // A bucket that holds objects cannot be deleted; what it depends on then stays too (it would be deleted after it).
  const nonEmpty = new Set(script?.nonEmptyBuckets ?? []);
  const failing = removals.filter((r) => !r.retain && r.type === 'AWS::S3::Bucket' && nonEmpty.has(r.logicalId));
  const untouched = dependenciesOf(
    failing.map((r) => r.logicalId),
    removals,
  );
  const steps = deletionSteps(removals, t0 + lead, endsAt - lead).flatMap((step): Step[] => {
    if (untouched.has(step.logicalId)) return [];
    if (failing.some((r) => r.logicalId === step.logicalId) && step.status === 'DELETE_COMPLETE')
      return [
        {
          ...step,
          status: 'DELETE_FAILED',
          reason: bucketNotEmptyReason(account.ids.uuid().replace(/-/g, '').slice(0, 16).toUpperCase()),
        },
      ];
    return [step];
  });
  if (failing.length > 0) {
    const deletedResources = removals
      .filter((r) => !r.retain && !untouched.has(r.logicalId) && !failing.includes(r))
      .map((r) => r.logicalId);
    begin(
      account,
      stack,
      {
        ...operation('delete', t0, token, undefined, {
          endsAt,
          outcome: 'delete-failed',
          finalStatus: 'DELETE_FAILED',
          next: undefined,
          work: [],
        }),
        deletedResources,
      },
      [
        start,
        ...steps,
        // §3.2: the list ends with ". " (a trailing space).
        root(
          endsAt,
          'DELETE_FAILED',
          `The following resource(s) failed to delete: [${failing.map((r) => r.logicalId).join(', ')}]. `,
        ),
      ],
    );
    return;
  }
  begin(
    account,
    stack,
    operation('delete', t0, token, undefined, {
      endsAt,
      outcome: 'deleted',
      finalStatus: 'DELETE_COMPLETE',
      next: undefined,
      work: [],
    }),
    [start, ...steps, root(endsAt, 'DELETE_COMPLETE')],
  );
}

/** Every resource the given ones depend on, transitively (they are deleted after them). */
function dependenciesOf(ids: readonly string[], removals: readonly Removal[]): Set<string> {
  const byId = new Map(removals.map((r) => [r.logicalId, r]));
  const found = new Set<string>();
  const queue = [...ids];
  for (let id = queue.pop(); id !== undefined; id = queue.pop()) {
    for (const dep of byId.get(id)?.dependsOn ?? []) {
      if (found.has(dep) || !byId.has(dep)) continue;
      found.add(dep);
      queue.push(dep);
    }
  }
  return found;
}

/**
 * §6: only from UPDATE_IN_PROGRESS. What has not shown yet is dropped; resources in flight are
 * cancelled and the update rolls back. Later events carry the cancel's token when one is given.
 */
export function cancelUpdateStack(account: SimAccount, nameOrArn: string, token: string | undefined): void {
  const stack = account.find(nameOrArn);
  if (!stack) throw validation('CancelUpdateStack', `Stack [${nameOrArn}] does not exist`);
  const op = stack.op;
  if (stack.status !== 'UPDATE_IN_PROGRESS' || !op || (op.kind !== 'update' && op.kind !== 'foreign-update')) {
    throw validation('CancelUpdateStack', 'CancelUpdateStack cannot be called from current stack status');
  }
  const now = account.now();
  account.truncateFuture(stack);
  const cut = interrupt(op.work, now);
  const rollback = updateRollbackSteps({
    at: now + TEMPLATE_FAILURE_MS,
    durationMs: rollbackDuration(now - op.startedAt),
    cutoff: now,
    touched: [...cut.completed, ...cut.interrupted],
    reason: 'Stack update cancelled',
  });
  op.outcome = 'rollback';
  op.next = undefined;
  op.endsAt = rollback.endsAt;
  op.finalStatus = 'UPDATE_ROLLBACK_COMPLETE';
  const record = account.operations.findLast((o) => o.stackId === stack.stackId);
  if (record) {
    record.finishedAt = op.endsAt;
    record.finalStatus = op.finalStatus;
  }
  account.record(stack, [...cut.failures, ...rollback.steps], token ?? op.token);
}

/** Someone else's update (scenario `existing: UPDATE_IN_PROGRESS`): touches every resource, ends after `durationMs`. */
export function startForeignUpdate(account: SimAccount, stack: SimStack, durationMs: number): void {
  const t0 = account.now();
  const deployed = stack.deployed;
  const lead = phaseMargin(durationMs);
  const work = placeWork(
    Object.entries(deployed?.resources ?? {}).map(([logicalId, r]) => ({
      logicalId,
      type: r.type,
      action: 'update' as const,
      physicalId: r.physicalId,
      oldPhysicalId: r.physicalId,
      dependsOn: r.dependsOn,
      deletionPolicy: r.deletionPolicy,
    })),
    t0 + lead,
    t0 + durationMs - 3 * lead,
  );
  const endsAt = t0 + durationMs;
  const token = `Console-UpdateStack-${account.ids.uuid()}`;
  stack.lastUpdatedAt = t0;
  begin(
    account,
    stack,
    {
      kind: 'foreign-update',
      token,
      changeSetId: undefined,
      startedAt: t0,
      endsAt,
      outcome: 'success',
      finalStatus: 'UPDATE_COMPLETE',
      next: deployed,
      work,
    },
    [
      root(t0, 'UPDATE_IN_PROGRESS', 'User Initiated'),
      ...forwardSteps(work),
      root(endsAt - 2 * lead, 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS'),
      root(endsAt, 'UPDATE_COMPLETE'),
    ],
  );
}
