import type { SourceLocation } from '../errors.js';

/** How an edge arose: declared in the config, or inferred from parameters and templates. */
export type EdgeVia = 'declared' | 'output' | 'import' | 'ssm';

/** `stack` deploys after `dependsOn`. */
export interface Edge {
  stack: string;
  dependsOn: string;
  via: EdgeVia;
  /** One line saying what ties the two stacks, e.g. `Fn::ImportValue "orders-dev-VpcId" in CreateOrderFunction`. */
  detail: string;
  /** Where the dependent side says it (config line or template line). */
  location: SourceLocation | undefined;
  /** Where the other side provides it (the export, the SSM parameter resource, the output). */
  providedAt: SourceLocation | undefined;
}

export interface StackNode {
  id: string;
  stackName: string;
  /** Relative cost used for the critical path until real durations are recorded: the resource count. */
  weight: number;
}

/** The dependency graph, nodes in config declaration order (the tie-breaker everywhere). */
export interface StackGraph {
  nodes: readonly StackNode[];
  edges: readonly Edge[];
}

export function dependenciesOf(graph: StackGraph, id: string): string[] {
  return unique(graph.edges.filter((e) => e.stack === id).map((e) => e.dependsOn));
}

export function dependentsOf(graph: StackGraph, id: string): string[] {
  return unique(graph.edges.filter((e) => e.dependsOn === id).map((e) => e.stack));
}

function unique(ids: string[]): string[] {
  return [...new Set(ids)];
}
