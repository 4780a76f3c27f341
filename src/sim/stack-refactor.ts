/**
 * Stack refactoring in the simulator (CreateStackRefactor and its companions; moto has none).
 * The rules and statuses, and which wordings are CloudFormation's and which ours: src/sim/REFACTOR.md.
 * A refactor is validated when created (CREATE_IN_PROGRESS until `VALIDATE_MS` later), then moves
 * its resources, keeping their physical ids, when its execution ends on virtual time.
 */
import type {
  CreateStackRefactorInput,
  StackRefactorAction,
  StackRefactorDescription,
  StackRefactorLocation,
} from '../aws/ports.js';
import { ownValue } from '../config/own-keys.js';
import type { SimAccount } from './account.js';
import { isBusy, isUpdatableStatus, validation } from './account.js';
import { planDeployment } from './deployment.js';
import type { DeployedResource, Deployment, SimRefactor, SimRefactorMove, SimStack } from './model.js';
import type { SimResourceDef, SimTemplate } from './template-model.js';
import { referencesIn } from './template-model.js';

/** Virtual time CloudFormation takes to validate a refactor. */
export const VALIDATE_MS = 5_000;
/** Virtual time of an execution: a base, plus per moved resource. */
export const EXECUTE_BASE_MS = 10_000;
export const EXECUTE_PER_MOVE_MS = 2_000;
/** Virtual time a failed execution takes to roll back. */
export const ROLLBACK_MS = 5_000;

/** Documented limits: "at least 2 stacks, and a maximum of 5 stacks". */
const MIN_STACKS = 2;
const MAX_STACKS = 5;

/** Pseudo parameters whose value differs from one stack to another. */
const STACK_PSEUDO = ['AWS::StackName', 'AWS::StackId'];

function refused(reason: string): { ok: false; reason: string } {
  return { ok: false, reason };
}

/** The operations on the account's refactors (`SimAccount.refactors`: plain data, saved with the state). */
export class SimRefactors {
  private readonly refactors: Map<string, SimRefactor>;

  constructor(private readonly account: SimAccount) {
    this.refactors = account.refactors;
  }

  /** Applies executions the clock has passed: their resources move, or (failed) stay where they were. */
  advance(): void {
    const now = this.account.now();
    for (const r of this.refactors.values()) {
      const exec = r.execution;
      if (!exec || exec.applied || now < (exec.failure === undefined ? exec.endsAt : exec.rolledBackAt)) continue;
      exec.applied = true;
      this.account.revision += 1;
      for (const s of r.stacks) {
        const stack = s.stackId === undefined ? undefined : this.account.find(s.stackId);
        if (!stack) continue;
        if (exec.failure === undefined) stack.status = s.created ? 'CREATE_COMPLETE' : 'UPDATE_COMPLETE';
        else if (s.created) {
          // A stack the refactor was to create is gone again once the refactor rolled back.
          stack.status = 'DELETE_COMPLETE';
          stack.deletedAt = exec.rolledBackAt;
        } else stack.status = 'UPDATE_ROLLBACK_COMPLETE';
      }
      if (exec.failure === undefined) this.apply(r);
    }
  }

  create(input: CreateStackRefactorInput): string {
    const op = 'CreateStackRefactor';
    const names = input.stacks.map((s) => s.stackName);
    if (names.length < MIN_STACKS || names.length > MAX_STACKS)
      throw validation(
        op,
        `A stack refactor involves ${MIN_STACKS} to ${MAX_STACKS} stacks; ${names.length} were given`,
      );
    const twice = names.find((n, i) => names.indexOf(n) !== i);
    if (twice !== undefined) throw validation(op, `Stack ${twice} is given more than once`);
    const now = this.account.now();
    const stacks = input.stacks.map((s) => {
      const stack = this.account.findLive(s.stackName);
      return {
        stackName: s.stackName,
        templateBody: s.templateBody,
        stackId: stack?.stackId,
        generation: stack?.generation ?? 0,
        created: false,
      };
    });
    const id = this.account.ids.uuid();
    const refactor: SimRefactor = {
      id,
      description: input.description,
      createdAt: now,
      readyAt: now + VALIDATE_MS,
      failure: undefined,
      stacks,
      moves: [],
      execution: undefined,
    };
    const result = this.validate(input);
    if (result.ok) refactor.moves = result.moves;
    else refactor.failure = result.reason;
    this.refactors.set(id, refactor);
    return id;
  }

  describe(id: string): StackRefactorDescription {
    const r = this.get('DescribeStackRefactor', id);
    return this.summary(
      r,
      r.stacks.flatMap((s) => (s.stackId === undefined ? [] : [s.stackId])),
    );
  }

  list(): StackRefactorDescription[] {
    return [...this.refactors.values()].map((r) => this.summary(r, []));
  }

  actions(id: string): StackRefactorAction[] {
    const r = this.get('ListStackRefactorActions', id);
    if (this.status(r) !== 'CREATE_COMPLETE') return [];
    const created: StackRefactorAction[] = r.stacks
      .filter((s) => s.stackId === undefined)
      .map((s) => ({
        action: 'CREATE',
        entity: 'STACK',
        physicalId: undefined,
        description: `Stack ${s.stackName} is created`,
        detection: undefined,
        detectionReason: undefined,
        mapping: undefined,
      }));
    const moved: StackRefactorAction[] = r.moves.map((m) => ({
      action: 'MOVE',
      entity: 'RESOURCE',
      physicalId: m.physicalId,
      description: `${m.type} ${m.from.stackName}.${m.from.logicalId} moves to ${m.to.stackName}.${m.to.logicalId}`,
      detection: m.detection,
      detectionReason:
        m.detection === 'MANUAL' ? 'A ResourceMapping names it' : 'Its logical id left one stack and joined another',
      mapping: { source: m.from, destination: m.to },
    }));
    return [...created, ...moved];
  }

  execute(id: string): void {
    const op = 'ExecuteStackRefactor';
    const r = this.get(op, id);
    const execution = this.executionStatus(r);
    if (execution !== 'AVAILABLE')
      throw validation(op, `Stack refactor ${id} cannot be executed: its ExecutionStatus is ${execution}`);
    const now = this.account.now();
    const endsAt = now + EXECUTE_BASE_MS + EXECUTE_PER_MOVE_MS * r.moves.length;
    const failure = r.stacks
      .map((s) => this.account.script(s.stackName)?.refactorFail?.reason)
      .find((x) => x !== undefined);
    r.execution = { startedAt: now, endsAt, failure, rolledBackAt: endsAt + ROLLBACK_MS, applied: false };
    // The stacks are busy while their resources move: a deploy meanwhile is refused like any other.
    for (const s of r.stacks) {
      let stack = s.stackId === undefined ? undefined : this.account.find(s.stackId);
      if (!stack) {
        stack = this.account.newStack(s.stackName, now);
        s.stackId = stack.stackId;
        s.created = true;
        stack.status = 'CREATE_IN_PROGRESS';
      } else stack.status = 'UPDATE_IN_PROGRESS';
      stack.generation += 1;
      s.generation = stack.generation;
    }
  }

  // ---- state ----------------------------------------------------------------------------

  private get(op: string, id: string): SimRefactor {
    const r = this.refactors.get(id);
    if (!r) throw validation(op, `Stack refactor ${id} does not exist`);
    return r;
  }

  private status(r: SimRefactor): string {
    if (this.account.now() < r.readyAt) return 'CREATE_IN_PROGRESS';
    return r.failure === undefined ? 'CREATE_COMPLETE' : 'CREATE_FAILED';
  }

  private executionStatus(r: SimRefactor): string {
    const status = this.status(r);
    if (status !== 'CREATE_COMPLETE') return 'UNAVAILABLE';
    const exec = r.execution;
    const now = this.account.now();
    if (!exec) {
      const changed = r.stacks.some((s) => {
        const stack = s.stackId === undefined ? this.account.findLive(s.stackName) : this.account.find(s.stackId);
        if (s.stackId === undefined) return stack !== undefined;
        return stack === undefined || stack.generation !== s.generation || stack.status === 'DELETE_COMPLETE';
      });
      return changed ? 'OBSOLETE' : 'AVAILABLE';
    }
    if (now < exec.endsAt) return 'EXECUTE_IN_PROGRESS';
    if (exec.failure === undefined) return 'EXECUTE_COMPLETE';
    return now < exec.rolledBackAt ? 'ROLLBACK_IN_PROGRESS' : 'ROLLBACK_COMPLETE';
  }

  private summary(r: SimRefactor, stackIds: string[]): StackRefactorDescription {
    const status = this.status(r);
    const executionStatus = this.executionStatus(r);
    return {
      stackRefactorId: r.id,
      description: r.description,
      stackIds,
      status,
      statusReason: status === 'CREATE_FAILED' ? r.failure : undefined,
      executionStatus,
      executionStatusReason: executionStatus.startsWith('ROLLBACK') ? r.execution?.failure : undefined,
    };
  }

  // ---- validation -----------------------------------------------------------------------

  private validate(
    input: CreateStackRefactorInput,
  ): { ok: true; moves: SimRefactorMove[] } | { ok: false; reason: string } {
    /** Before: the deployed template of each existing stack; after: the template given. */
    const before = new Map<string, { stack: SimStack; template: SimTemplate }>();
    const after = new Map<string, SimTemplate>();
    for (const s of input.stacks) {
      const read = this.account.template(s.templateBody);
      if (!read.ok && read.message === EMPTY_TEMPLATE) return refused(emptyStack(s.stackName, read.message));
      if (!read.ok) return refused(`Template format error in stack ${s.stackName}: ${read.message}`);
      after.set(s.stackName, read.template);
      const stack = this.account.findLive(s.stackName);
      if (!stack) {
        if (!input.enableStackCreation)
          return refused(`Stack ${s.stackName} does not exist, and EnableStackCreation is not set to create it`);
        continue;
      }
      if (isBusy(stack.status) || !isUpdatableStatus(stack.status) || !stack.deployed)
        return refused(`Stack ${s.stackName} is in ${stack.status} state and can not be refactored`);
      if (this.account.script(s.stackName)?.stackPolicy === true)
        return refused(`Stack ${s.stackName} has a stack policy: stacks with a stack policy cannot be refactored`);
      const deployed = this.account.template(stack.deployed.templateBody);
      if (!deployed.ok) return refused(`Stack ${s.stackName}: its deployed template cannot be read`);
      before.set(s.stackName, { stack, template: deployed.template });
    }
    for (const [name, template] of after) {
      const old = before.get(name)?.template;
      for (const section of ['Parameters', 'Conditions', 'Mappings'] as const) {
        const was = JSON.stringify(old === undefined ? undefined : ownValue(old.body, section));
        const is = JSON.stringify(ownValue(template.body, section));
        if (was !== is)
          return refused(
            `Stack ${name}: its ${section} may not be changed or added during a stack refactor; update the stack first`,
          );
      }
      if (template.resources.length === 0) return refused(emptyStack(name, undefined));
    }
    const sourceOf = new Map<string, { stackName: string; def: SimResourceDef; deployed: DeployedResource }>();
    for (const [name, { stack, template }] of before) {
      for (const def of template.resources) {
        const deployed = ownValue(stack.deployed?.resources, def.logicalId);
        if (deployed) sourceOf.set(key(name, def.logicalId), { stackName: name, def, deployed });
      }
    }
    const destinations = new Map<string, { stackName: string; def: SimResourceDef }>();
    for (const [name, template] of after)
      for (const def of template.resources) destinations.set(key(name, def.logicalId), { stackName: name, def });
    // Destination → source: given mappings first, then a resource that stays where it was, then a
    // logical id that left one stack and appears in another.
    const origin = new Map<string, { source: string; detection: 'AUTO' | 'MANUAL' }>();
    for (const m of input.resourceMappings) {
      const src = key(m.source.stackName, m.source.logicalId);
      const dst = key(m.destination.stackName, m.destination.logicalId);
      if (!sourceOf.has(src))
        return refused(
          `ResourceMapping source ${m.source.stackName}.${m.source.logicalId} is not a resource of the stacks given`,
        );
      if (!destinations.has(dst))
        return refused(
          `ResourceMapping destination ${m.destination.stackName}.${m.destination.logicalId} is not in its template`,
        );
      origin.set(dst, { source: src, detection: 'MANUAL' });
    }
    const mappedSources = new Set([...origin.values()].map((o) => o.source));
    for (const dst of destinations.keys()) {
      if (origin.has(dst)) continue;
      if (sourceOf.has(dst) && !mappedSources.has(dst)) {
        origin.set(dst, { source: dst, detection: 'AUTO' });
        mappedSources.add(dst);
      }
    }
    for (const [dst, { stackName, def }] of destinations) {
      if (origin.has(dst)) continue;
      const candidates = [...sourceOf.entries()].filter(
        ([src, s]) => s.def.logicalId === def.logicalId && !mappedSources.has(src) && !destinations.has(src),
      );
      if (candidates.length > 1)
        return refused(
          `Resource ${def.logicalId} of stack ${stackName} could come from several stacks: give a ResourceMapping for it`,
        );
      const found = candidates[0];
      if (!found)
        return refused(
          `Resource ${stackName}.${def.logicalId} would be created: a stack refactor cannot create resources`,
        );
      origin.set(dst, { source: found[0], detection: 'AUTO' });
      mappedSources.add(found[0]);
    }
    const targets = new Map<string, number>();
    for (const o of origin.values()) targets.set(o.source, (targets.get(o.source) ?? 0) + 1);
    for (const [src, count] of targets)
      if (count > 1) return refused(`Resource ${display(src)} cannot be refactored into more than one place`);
    for (const src of sourceOf.keys())
      if (!targets.has(src))
        return refused(`Resource ${display(src)} would be deleted: a stack refactor cannot delete resources`);
    const moves: SimRefactorMove[] = [];
    for (const [dst, { source, detection }] of origin) {
      const from = sourceOf.get(source);
      const to = destinations.get(dst);
      if (!from || !to) continue;
      if (from.def.type !== to.def.type || JSON.stringify(from.def.properties) !== JSON.stringify(to.def.properties))
        return refused(
          `Resource ${display(dst)} differs from ${display(source)}: a stack refactor cannot change a resource's type or properties`,
        );
      if (source === dst) continue;
      if (from.stackName !== to.stackName) {
        const refs = referencesIn(from.def.properties);
        const pseudo = STACK_PSEUDO.find((p) => refs.has(p));
        if (pseudo !== undefined)
          return refused(
            `Resource ${display(source)} refers to ${pseudo}, whose value differs between ${from.stackName} and ${to.stackName}`,
          );
      }
      moves.push({
        from: { stackName: from.stackName, logicalId: from.def.logicalId },
        to: { stackName: to.stackName, logicalId: to.def.logicalId },
        type: from.def.type,
        physicalId: from.deployed.physicalId,
        detection,
      });
    }
    if (moves.length === 0) return refused('The templates given move no resource');
    return { ok: true, moves };
  }

  // ---- execution ------------------------------------------------------------------------

  /** Each stack gets the template given, its resources where they came from, physical ids kept. */
  private apply(r: SimRefactor): void {
    const found = new Map<string, SimStack>();
    for (const s of r.stacks) {
      const stack = s.stackId === undefined ? undefined : this.account.find(s.stackId);
      if (stack) found.set(s.stackName, stack);
    }
    const deployedOf = (loc: StackRefactorLocation): DeployedResource | undefined =>
      ownValue(found.get(loc.stackName)?.deployed?.resources, loc.logicalId);
    const arriving = new Map<string, DeployedResource>();
    for (const m of r.moves) {
      const d = deployedOf(m.from);
      if (d) arriving.set(key(m.to.stackName, m.to.logicalId), d);
    }
    const next = new Map<string, Deployment>();
    for (const s of r.stacks) {
      const stack = found.get(s.stackName);
      const read = this.account.template(s.templateBody);
      if (!stack || !read.ok) continue;
      const previous = stack.deployed;
      const resources: Record<string, DeployedResource> = {};
      for (const def of read.template.resources) {
        const came = arriving.get(key(s.stackName, def.logicalId)) ?? ownValue(previous?.resources, def.logicalId);
        if (came) resources[def.logicalId] = came;
      }
      const planned = planDeployment({
        template: read.template,
        templateBody: s.templateBody,
        stackName: stack.stackName,
        stackId: stack.stackId,
        region: this.account.region,
        accountId: this.account.accountId,
        parameters: previous?.parameters ?? [],
        resolved: previous?.resolved ?? {},
        tags: previous?.tags ?? {},
        capabilities: previous?.capabilities ?? [],
        previous: { ...(previous ?? emptyDeployment(s.templateBody)), resources },
        replaced: new Set(),
        exportValue: (name) => this.account.exports.get(name)?.value ?? '',
      });
      next.set(s.stackName, planned.deployment);
    }
    for (const [name, deployment] of next) {
      const stack = found.get(name);
      if (!stack) continue;
      stack.deployed = deployment;
      stack.lastUpdatedAt = r.execution?.endsAt;
      for (const [exportName, e] of this.account.exports)
        if (e.stackId === stack.stackId) this.account.exports.delete(exportName);
      for (const o of deployment.outputs)
        if (o.exportName !== undefined)
          this.account.exports.set(o.exportName, {
            name: o.exportName,
            value: o.value,
            stackId: stack.stackId,
            stackName: stack.stackName,
          });
    }
  }
}

/** What CloudFormation answers for a template without resources (the simulator's template reader says the same). */
const EMPTY_TEMPLATE = 'At least one Resources member must be defined.';

function emptyStack(stackName: string, formatError: string | undefined): string {
  const why = formatError === undefined ? '' : ` (Template format error: ${formatError})`;
  return `Stack ${stackName} would have no resources: CloudFormation does not support empty stacks${why}`;
}

function emptyDeployment(templateBody: string): Deployment {
  return {
    templateBody,
    parameters: [],
    resolved: {},
    tags: {},
    capabilities: [],
    outputs: [],
    resources: {},
    imports: [],
    ssm: [],
  };
}

function key(stackName: string, logicalId: string): string {
  return `${stackName}\u0000${logicalId}`;
}

function display(k: string): string {
  return k.replace('\u0000', '.');
}
