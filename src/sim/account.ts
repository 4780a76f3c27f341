/**
 * The simulated account: stacks, change sets, exports and SSM parameters, in virtual time.
 * State is advanced lazily: every call first applies whatever the clock has passed (events
 * become visible, finished operations take effect in the order they finished), then answers.
 */
import type { Parameter, SsmParameterValue, StackDescription, StackEvent, StackResourceSummary } from '../aws/ports.js';
import { AwsError } from '../aws/errors.js';
import type { Clock } from '../clock.js';
import type {
  OperationRecord,
  SimChangeSet,
  SimEvent,
  SimExport,
  SimRefactor,
  SimSsmParameter,
  SimStack,
  StackScript,
} from './model.js';
import { STACK_TYPE } from './model.js';
import { Prng } from './random.js';
import { SimS3 } from './s3.js';
import { readSimTemplate } from './template-model.js';
import type { ReadTemplateResult } from './template-model.js';
import type { Step } from './timeline.js';

export const ACCOUNT_ID = '123456789012';
export const DEFAULT_REGION = 'us-east-1';

/** §1.3: where an UPDATE change set is accepted. */
const UPDATABLE = new Set([
  'CREATE_COMPLETE',
  'UPDATE_COMPLETE',
  'UPDATE_ROLLBACK_COMPLETE',
  'IMPORT_COMPLETE',
  'IMPORT_ROLLBACK_COMPLETE',
  'CREATE_FAILED',
  'UPDATE_FAILED',
]);

export function isUpdatableStatus(status: string): boolean {
  return UPDATABLE.has(status);
}

export function isBusy(status: string): boolean {
  return status.endsWith('_IN_PROGRESS') && status !== 'REVIEW_IN_PROGRESS';
}

export function validation(operation: string, message: string): AwsError {
  return new AwsError(operation, 'ValidationError', message, 400);
}

export interface AccountOptions {
  clock: Clock;
  region: string;
  eventPageSize: number;
  changeSetPageSize: number;
  idSeed: number;
  script: (stackName: string) => StackScript | undefined;
}

export class SimAccount {
  readonly clock: Clock;
  readonly region: string;
  readonly accountId = ACCOUNT_ID;
  readonly eventPageSize: number;
  readonly changeSetPageSize: number;
  readonly script: (stackName: string) => StackScript | undefined;
  ids: Prng;
  /** Every stack, deleted ones too (found by ARN only, §1.5). */
  readonly stacks: SimStack[] = [];
  readonly changeSets = new Map<string, SimChangeSet>();
  /** Deleted change sets → their stack, so a second DeleteChangeSet still succeeds (§2.2). */
  readonly deletedChangeSets = new Map<string, { stackId: string; stackName: string }>();
  readonly exports = new Map<string, SimExport>();
  /** Stack refactors by id (src/sim/stack-refactor.ts). */
  readonly refactors = new Map<string, SimRefactor>();
  readonly ssm = new Map<string, SimSsmParameter>();
  /** Buckets and objects: the artifacts packaging uploads, the templates TemplateURL reads. */
  readonly s3 = new SimS3();
  readonly operations: OperationRecord[] = [];
  readonly changeSetRecords: {
    stackName: string;
    changeSetId: string;
    createdAt: number;
    readyAt: number;
    status: string;
  }[] = [];
  /** Bumped by every change a saved state would show (`SimulatorOptions.persist`). */
  revision = 0;
  /** Stacks with events still to show or an operation running. */
  private readonly active = new Set<SimStack>();
  private readonly eventIds = new WeakMap<SimStack, Set<string>>();
  private readonly templates = new Map<string, ReadTemplateResult>();

  constructor(options: AccountOptions) {
    this.clock = options.clock;
    this.region = options.region;
    this.eventPageSize = options.eventPageSize;
    this.changeSetPageSize = options.changeSetPageSize;
    this.script = options.script;
    this.ids = new Prng(options.idSeed);
  }

  /** Virtual ms, whole. */
  now(): number {
    return Math.floor(this.clock.now());
  }

  template(body: string): ReadTemplateResult {
    let result = this.templates.get(body);
    if (!result) {
      result = readSimTemplate(body);
      this.templates.set(body, result);
    }
    return result;
  }

  // ---- lookups ---------------------------------------------------------------------------

  /** A name finds the live stack only; an ARN finds deleted stacks too (§1.5). */
  find(nameOrArn: string): SimStack | undefined {
    if (nameOrArn.startsWith('arn:')) return this.stacks.find((s) => s.stackId === nameOrArn);
    return this.findLive(nameOrArn);
  }

  findLive(name: string): SimStack | undefined {
    return this.stacks.find((s) => s.stackName === name && s.status !== 'DELETE_COMPLETE');
  }

  /** For the call log: the stack a call is about. */
  stackNameOf(ref: string): string | undefined {
    const cs = this.changeSets.get(ref) ?? this.deletedChangeSets.get(ref);
    if (cs) return cs.stackName;
    if (ref.startsWith('arn:')) return this.find(ref)?.stackName ?? /:stack\/([^/]+)\//.exec(ref)?.[1];
    return ref;
  }

  newStack(stackName: string, at: number): SimStack {
    const stack: SimStack = {
      stackId: `arn:aws:cloudformation:${this.region}:${this.accountId}:stack/${stackName}/${this.ids.uuid()}`,
      stackName,
      createdAt: at,
      lastUpdatedAt: undefined,
      deletedAt: undefined,
      status: 'REVIEW_IN_PROGRESS',
      statusReason: 'User Initiated',
      terminationProtection: false,
      generation: 0,
      deployed: undefined,
      attempted: undefined,
      events: [],
      applied: 0,
      op: undefined,
    };
    this.stacks.push(stack);
    return stack;
  }

  /** Continues the id sequence of a saved account. */
  restoreIds(state: number): void {
    this.ids = new Prng(state);
  }

  /** Installs a stack as loaded from saved state. */
  adopt(stack: SimStack): void {
    this.stacks.push(stack);
    if (stack.op || stack.applied < stack.events.length) this.active.add(stack);
  }

  // ---- time ------------------------------------------------------------------------------

  /** Applies everything the clock has passed: events become visible, finished operations take effect. */
  advance(): void {
    const now = this.now();
    const finished: SimStack[] = [];
    for (const stack of this.active) {
      for (let e = stack.events[stack.applied]; e !== undefined && e.at <= now; e = stack.events[stack.applied]) {
        stack.applied += 1;
        if (e.root) {
          stack.status = e.status;
          stack.statusReason = e.reason;
        }
      }
      if (stack.op && stack.op.endsAt <= now) finished.push(stack);
      else if (!stack.op && stack.applied >= stack.events.length) this.active.delete(stack);
    }
    // Operations take effect in the order CloudFormation finished them (exports, SSM writes).
    finished.sort((a, b) => (a.op?.endsAt ?? 0) - (b.op?.endsAt ?? 0));
    for (const stack of finished) this.finish(stack);
  }

  private finish(stack: SimStack): void {
    const op = stack.op;
    if (!op) return;
    stack.op = undefined;
    this.revision += 1;
    if (stack.applied >= stack.events.length) this.active.delete(stack);
    const cs = op.changeSetId === undefined ? undefined : this.changeSets.get(op.changeSetId);
    if (cs) cs.execution = op.outcome === 'success' ? 'EXECUTE_COMPLETE' : 'EXECUTE_FAILED';
    if (op.outcome === 'success' && op.next) {
      const next = op.next;
      const before = stack.deployed;
      for (const [name, e] of this.exports) if (e.stackId === stack.stackId) this.exports.delete(name);
      for (const o of next.outputs) {
        if (o.exportName !== undefined)
          this.exports.set(o.exportName, {
            name: o.exportName,
            value: o.value,
            stackId: stack.stackId,
            stackName: stack.stackName,
          });
      }
      const kept = new Set(next.ssm.map((p) => p.name));
      for (const p of before?.ssm ?? []) if (!kept.has(p.name) && !p.retain) this.ssm.delete(p.name);
      for (const p of next.ssm) this.writeSsm(p.name, p.value, p.type);
      stack.deployed = next;
      stack.attempted = undefined;
    } else if (op.outcome === 'delete-failed' && stack.deployed) {
      // What the failed delete did delete is gone; the rest stays for a retry (with RetainResources).
      const gone = new Set(op.deletedResources ?? []);
      stack.deployed = {
        ...stack.deployed,
        resources: Object.fromEntries(Object.entries(stack.deployed.resources).filter(([id]) => !gone.has(id))),
      };
    } else if (op.outcome === 'deleted') {
      for (const [name, e] of this.exports) if (e.stackId === stack.stackId) this.exports.delete(name);
      for (const p of stack.deployed?.ssm ?? []) if (!p.retain) this.ssm.delete(p.name);
      stack.deletedAt = op.endsAt;
      // Executed change sets stay describable by ARN (§2.2); the others go with the stack.
      for (const other of [...this.changeSets.values()]) {
        if (other.stackId === stack.stackId && other.execution === undefined) this.dropChangeSet(other);
      }
    }
  }

  // ---- events ----------------------------------------------------------------------------

  /**
   * Turns timeline steps into the stack's events (oldest first), stamping ids and the operation's
   * token. Steps may lie in the future: they show when the clock gets there.
   */
  record(stack: SimStack, steps: readonly Step[], token: string | undefined): void {
    let ids = this.eventIds.get(stack);
    if (!ids) {
      ids = new Set(stack.events.map((e) => e.eventId));
      this.eventIds.set(stack, ids);
    }
    // At the same instant, a resource that ends comes before one that starts (it may be waiting for it).
    const rank = (step: Step): number => (!step.root && !step.status.endsWith('_IN_PROGRESS') ? 0 : 1);
    const ordered = steps
      .map((step, index) => ({ step, index }))
      .sort((a, b) => a.step.at - b.step.at || rank(a.step) - rank(b.step) || a.index - b.index);
    const events: SimEvent[] = [];
    for (const { step } of ordered) {
      let at = step.at;
      let eventId: string;
      if (step.root) eventId = this.ids.uuid();
      else {
        // §3.1: `<LogicalId>-<STATUS>-<ISO time>`; nudge by a millisecond on the rare collision.
        while (ids.has((eventId = `${step.logicalId}-${step.status}-${new Date(at).toISOString()}`))) at += 1;
      }
      ids.add(eventId);
      events.push({
        at,
        eventId,
        token,
        root: step.root === true,
        reason: step.reason,
        logicalId: step.root ? stack.stackName : step.logicalId,
        resourceType: step.root ? STACK_TYPE : step.type,
        physicalId: step.root ? stack.stackId : step.physicalId,
        status: step.status,
      });
    }
    events.sort((a, b) => a.at - b.at);
    stack.events.push(...events);
    this.active.add(stack);
    this.advance();
  }

  /** Drops events not yet visible (a cancelled operation's future). */
  truncateFuture(stack: SimStack): void {
    const ids = this.eventIds.get(stack);
    for (const e of stack.events.slice(stack.applied)) ids?.delete(e.eventId);
    stack.events.length = stack.applied;
  }

  describeStackEvents(
    nameOrArn: string,
    nextToken: string | undefined,
  ): { events: StackEvent[]; nextToken: string | undefined } {
    const stack = this.find(nameOrArn);
    if (!stack) throw validation('DescribeStackEvents', `Stack [${nameOrArn}] does not exist`);
    // Newest first: visible event i (oldest = 0) is served in descending order.
    let from = stack.applied - 1;
    if (nextToken !== undefined) {
      const decoded = decodeToken(nextToken, stack.stackId);
      if (decoded === undefined || decoded > from) throw validation('DescribeStackEvents', 'Invalid NextToken');
      from = decoded;
    }
    const page: StackEvent[] = [];
    let i = from;
    for (; i >= 0 && page.length < this.eventPageSize; i -= 1) {
      const e = stack.events[i];
      if (e) page.push(toStackEvent(stack, e));
    }
    return { events: page, nextToken: i >= 0 ? encodeToken(stack.stackId, i) : undefined };
  }

  // ---- stacks ----------------------------------------------------------------------------

  describe(stack: SimStack): StackDescription {
    const shown = stack.deployed ?? stack.attempted;
    const noEcho = new Set<string>();
    if (shown) {
      const parsed = this.template(shown.templateBody);
      if (parsed.ok) for (const p of parsed.template.parameters) if (p.noEcho) noEcho.add(p.name);
    }
    return {
      stackId: stack.stackId,
      stackName: stack.stackName,
      status: stack.status,
      statusReason: stack.statusReason,
      parameters: (shown?.parameters ?? []).map((p) => ({ key: p.key, value: noEcho.has(p.key) ? '****' : p.value })),
      outputs: (stack.deployed?.outputs ?? []).map((o) => ({ ...o })),
      tags: { ...shown?.tags },
      capabilities: [...(stack.deployed?.capabilities ?? [])],
      terminationProtection: stack.terminationProtection,
      creationTime: new Date(stack.createdAt),
      lastUpdatedTime: stack.lastUpdatedAt === undefined ? undefined : new Date(stack.lastUpdatedAt),
    };
  }

  getTemplate(nameOrArn: string): string {
    const stack = this.find(nameOrArn);
    if (!stack) throw validation('GetTemplate', `Stack with id ${nameOrArn} does not exist`);
    return stack.op?.next?.templateBody ?? stack.deployed?.templateBody ?? stack.attempted?.templateBody ?? '';
  }

  /** ListStackResources: what the stack holds now (a deleted stack by ARN: nothing). */
  listStackResources(nameOrArn: string): StackResourceSummary[] {
    const stack = this.find(nameOrArn);
    if (!stack) throw validation('ListStackResources', `Stack with id ${nameOrArn} does not exist`);
    if (stack.status === 'DELETE_COMPLETE') return [];
    return Object.entries(stack.deployed?.resources ?? {}).map(([logicalId, r]) => ({
      logicalId,
      physicalId: r.physicalId === '' ? undefined : r.physicalId,
      resourceType: r.type,
      status: stack.status === 'DELETE_FAILED' ? 'DELETE_FAILED' : 'CREATE_COMPLETE',
    }));
  }

  updateTerminationProtection(nameOrArn: string, enabled: boolean): void {
    const stack = this.find(nameOrArn);
    if (!stack || stack.status === 'DELETE_COMPLETE')
      throw validation('UpdateTerminationProtection', `Stack [${nameOrArn}] does not exist`);
    stack.terminationProtection = enabled;
  }

  /** Who imports an export, other than `except`: deployed importers and operations about to be. */
  importersOf(exportName: string, except: string): string[] {
    const names: string[] = [];
    for (const s of this.stacks) {
      if (s.stackId === except || s.status === 'DELETE_COMPLETE') continue;
      if (
        s.deployed?.imports.includes(exportName) ||
        (s.op?.outcome === 'success' && s.op.next?.imports.includes(exportName))
      )
        names.push(s.stackName);
    }
    return names;
  }

  /** The stack that exports (or is about to export) a name, other than `except`. */
  exporterOf(exportName: string, except: string): string | undefined {
    const registered = this.exports.get(exportName);
    if (registered && registered.stackId !== except) return registered.stackName;
    for (const s of this.stacks) {
      if (s.stackId === except || !s.op || s.op.outcome !== 'success') continue;
      if (s.op.next?.outputs.some((o) => o.exportName === exportName)) return s.stackName;
    }
    return undefined;
  }

  // ---- change sets -----------------------------------------------------------------------

  dropChangeSet(cs: SimChangeSet): void {
    this.changeSets.delete(cs.id);
    this.deletedChangeSets.set(cs.id, { stackId: cs.stackId, stackName: cs.stackName });
  }

  // ---- SSM -------------------------------------------------------------------------------

  getParameter(name: string): SsmParameterValue | undefined {
    const p = this.ssm.get(name);
    return p && { name: p.name, type: p.type, value: p.value, version: p.version };
  }

  putParameter(input: { name: string; value: string; overwrite: boolean }): void {
    if (this.ssm.has(input.name) && !input.overwrite) {
      throw new AwsError(
        'PutParameter',
        'ParameterAlreadyExists',
        'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.',
        400,
      );
    }
    this.writeSsm(input.name, input.value, 'String');
  }

  writeSsm(name: string, value: string, type: string): void {
    const version = (this.ssm.get(name)?.version ?? 0) + 1;
    this.ssm.set(name, { name, type, value, version });
  }

  /** Effective parameters (given, else default), as DescribeStacks lists them. */
  static effectiveParameters(
    template: { parameters: readonly { name: string; default: string | undefined }[] },
    given: readonly Parameter[],
  ): Parameter[] {
    const values = new Map(given.map((p) => [p.key, p.value]));
    return template.parameters.flatMap((p) => {
      const value = values.get(p.name) ?? p.default;
      return value === undefined ? [] : [{ key: p.name, value }];
    });
  }
}

function toStackEvent(stack: SimStack, e: SimEvent): StackEvent {
  return {
    eventId: e.eventId,
    stackId: stack.stackId,
    stackName: stack.stackName,
    logicalId: e.logicalId,
    physicalId: e.physicalId,
    resourceType: e.resourceType,
    status: e.status,
    reason: e.reason,
    timestamp: new Date(e.at),
    clientRequestToken: e.token,
  };
}

/** Opaque page tokens: the index to continue from, bound to the resource they page. */
export function encodeToken(owner: string, index: number): string {
  return Buffer.from(JSON.stringify([owner.length, index]) + owner, 'utf8').toString('base64url');
}

export function decodeToken(token: string, owner: string): number | undefined {
  try {
    const text = Buffer.from(token, 'base64url').toString('utf8');
    const close = text.indexOf(']');
    const [length, index] = JSON.parse(text.slice(0, close + 1)) as [number, number];
    if (text.slice(close + 1) !== owner || length !== owner.length || !Number.isInteger(index) || index < 0)
      return undefined;
    return index;
  } catch {
    return undefined;
  }
}
