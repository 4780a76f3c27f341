import type { Project } from '../../graph/load-project.js';
import type { EdgeVia } from '../../graph/types.js';
import { priorSeconds } from './resource-priors.js';

/** Parallel stacks: CloudFormation works on stacks independently; the API budget is the real limit. */
export const DEFAULT_CONCURRENCY = 8;

export interface SchedulingPolicy {
  /** Stacks whose change set is being made or executed at once. */
  concurrency: number;
  /** Among ready stacks, the one with the longest remaining path first. */
  prioritize: boolean;
  /** Create a change set while upstream stacks that feed it no data still deploy. */
  earlyChangeSets: boolean;
  /** Level by level: a level starts only when the previous one is done (Sceptre, Compose). */
  waves: boolean;
  /** After a failure, start nothing new. */
  failFast: boolean;
  /**
   * A stack keeps its slot from its change set to the end of its execution, as the CDK does;
   * otherwise the slot is given back while a made change set waits (benchmarks model peers).
   */
  holdSlot: boolean;
}

/** What a stack's phases took, recorded by earlier runs. */
export interface StackDurations {
  changeSetMs?: number;
  executeMs?: number;
}

/**
 * Which way a stack waits: `forward`, for its dependencies (deploy, plan); `reverse`, for its
 * dependents (destroy: a stack goes only once everything that uses it is gone); `none`, for nothing
 * (read-only operations such as status: every stack is independent).
 */
export type EdgeDirection = 'forward' | 'reverse' | 'none';

export interface SchedulePlan {
  policy: SchedulingPolicy;
  /** The selected stacks in the order they may go: topological, or reversed for `reverse`. */
  order: string[];
  /** The selected stacks, highest priority first (the order `order` has when priorities are off). */
  byPriority: string[];
  priority: ReadonlyMap<string, number>;
  level: ReadonlyMap<string, number>;
  /** Selected stacks this one goes after (its dependencies; its dependents for `reverse`). */
  dependencies: (id: string) => string[];
  /**
   * Selected stacks whose data this one needs to make its change set: `output()` parameters,
   * SSM values and `Fn::GetStackOutput` reads (`feedsChangeSet`). Imports are resolved by
   * CloudFormation at execution (CLOUDFORMATION.md §2.1, §4),
   * and an export in use cannot change, so they do not hold the change set back.
   */
  inputsFrom: (id: string) => string[];
}

/**
 * Edges whose data the change set needs: `output()` parameters, SSM values, and
 * `Fn::GetStackOutput`, which AWS does not say whether it resolves at change-set creation or at
 * execution, so it is held back like an `output()` parameter.
 */
export function feedsChangeSet(via: EdgeVia): boolean {
  return via === 'output' || via === 'ssm' || via === 'stack-output';
}

/** Seconds a stack of `resourceCount` small resources is assumed to take (see priorSeconds for typed ones). */
export function estimatedSeconds(resourceCount: number): number {
  return 30 + 10 * resourceCount;
}

export function planSchedule(
  project: Project,
  stacks: readonly string[],
  overrides: Partial<SchedulingPolicy>,
  durations: Readonly<Record<string, StackDurations>>,
  direction: EdgeDirection = 'forward',
): SchedulePlan {
  const policy: SchedulingPolicy = {
    concurrency: DEFAULT_CONCURRENCY,
    prioritize: true,
    earlyChangeSets: true,
    waves: false,
    failFast: false,
    holdSlot: false,
    ...overrides,
  };
  const selected = new Set(stacks);
  const topological = project.orderings.order.filter((id) => selected.has(id));
  const order = direction === 'reverse' ? [...topological].reverse() : topological;
  // The edges the run waits along, each as `stack` goes after `dependsOn`.
  const edges =
    direction === 'none'
      ? []
      : project.graph.edges
          .filter((e) => selected.has(e.stack) && selected.has(e.dependsOn))
          .map((e) => (direction === 'reverse' ? { ...e, stack: e.dependsOn, dependsOn: e.stack } : e));
  // One pass over the edges (not one per stack: a thousand stacks have thousands of edges).
  const depSets = new Map(order.map((id) => [id, new Set<string>()]));
  const inputSets = new Map(order.map((id) => [id, new Set<string>()]));
  const dependentSets = new Map(order.map((id) => [id, new Set<string>()]));
  for (const e of edges) {
    depSets.get(e.stack)?.add(e.dependsOn);
    if (feedsChangeSet(e.via)) inputSets.get(e.stack)?.add(e.dependsOn);
    dependentSets.get(e.dependsOn)?.add(e.stack);
  }
  const deps = new Map(order.map((id) => [id, [...(depSets.get(id) ?? [])]]));
  // Early change sets are a forward thing: a reverse run has no data flowing along its edges.
  const inputs = new Map(
    order.map((id) => [id, direction === 'forward' ? [...(inputSets.get(id) ?? [])] : (deps.get(id) ?? [])]),
  );
  const dependents = new Map(order.map((id) => [id, [...(dependentSets.get(id) ?? [])]]));

  const weight = (id: string): number => {
    const recorded = Object.hasOwn(durations, id) ? durations[id] : undefined;
    if (recorded?.executeMs !== undefined) return ((recorded.changeSetMs ?? 0) + recorded.executeMs) / 1000;
    // No record: what its resource types typically take.
    const template = project.templates.get(id);
    if (template) return priorSeconds(template.resources.map((r) => r.type));
    return estimatedSeconds(1);
  };
  // Remaining path: this stack's weight plus the heaviest chain below it (reverse topological order).
  const remaining = new Map<string, number>();
  for (const id of [...order].reverse()) {
    const below = Math.max(0, ...(dependents.get(id) ?? []).map((d) => remaining.get(d) ?? 0));
    remaining.set(id, weight(id) + below);
  }
  const level = new Map<string, number>();
  for (const id of order) level.set(id, Math.max(-1, ...(deps.get(id) ?? []).map((d) => level.get(d) ?? 0)) + 1);

  const priority = new Map(order.map((id) => [id, policy.prioritize ? Math.round(remaining.get(id) ?? 0) : 0]));
  const position = new Map(order.map((id, i) => [id, i]));
  const byPriority = [...order].sort(
    (a, b) => (priority.get(b) ?? 0) - (priority.get(a) ?? 0) || (position.get(a) ?? 0) - (position.get(b) ?? 0),
  );
  return {
    policy,
    order,
    byPriority,
    priority,
    level,
    dependencies: (id) => deps.get(id) ?? [],
    inputsFrom: (id) => (policy.earlyChangeSets ? (inputs.get(id) ?? []) : (deps.get(id) ?? [])),
  };
}
