import type { SourceLocation } from '../errors.js';

/** How an edge arose: declared in the config, or inferred from parameters and templates. */
export type EdgeVia = 'declared' | 'output' | 'import' | 'ssm' | 'stack-output';

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
  /**
   * The edge rests on a name matched as a pattern (a `${...}` piece not known before deploy stood
   * for any text, or two identical unresolved expressions were taken to be equal): it may not exist.
   */
  pattern?: true;
  /** For a `stack-output` edge: the output read (`Fn::GetStackOutput` `OutputName`). */
  outputName?: string;
}

/** A value a stack takes from outside the config: an export, an SSM parameter or a stack output nobody here provides. */
export interface ExternalInput {
  stack: string;
  via: 'import' | 'ssm' | 'stack-output';
  /** The export, the SSM parameter, or `stackName.OutputName` (a pattern keeps its `${...}` pieces). */
  name: string;
  /** One line saying where it is used and why it counts as outside. */
  detail: string;
  location: SourceLocation | undefined;
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
  /** The edges the order follows. */
  edges: readonly Edge[];
  /** Inputs from outside the config, listed (not errors). */
  external?: readonly ExternalInput[];
  /**
   * Pattern edges left out of `edges` because they would close a cycle that is only possible
   * (it needs at least one pattern edge): the order follows the certain edges instead.
   */
  setAside?: readonly Edge[];
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
