import type { SourceLocation } from '../errors.js';

/** One resource needs another: through Ref, Fn::GetAtt, Fn::Sub or DependsOn. */
export interface ResourceEdge {
  from: string;
  to: string;
  via: string;
  location: SourceLocation;
}

export interface ResourceCycle {
  /** The resources in the cycle, in template order of discovery. */
  resources: string[];
  /** One closed path through them, edge by edge, for the message. */
  edges: ResourceEdge[];
}

/**
 * Cycles between the resources of one template, which CloudFormation refuses ("Circular
 * dependency between resources"): one per strongly connected component (Tarjan), each with one
 * closed path through it. A resource that needs itself is a cycle too.
 */
export function findResourceCycles(edges: readonly ResourceEdge[]): ResourceCycle[] {
  const out = new Map<string, ResourceEdge[]>();
  for (const edge of edges) {
    const list = out.get(edge.from);
    if (list) list.push(edge);
    else out.set(edge.from, [edge]);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;
  // Recursive Tarjan: a template has at most 500 resources, well inside the call stack.
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const edge of out.get(node) ?? []) {
      if (!index.has(edge.to)) {
        visit(edge.to);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(edge.to) ?? 0));
      } else if (onStack.has(edge.to)) {
        low.set(node, Math.min(low.get(node) ?? 0, index.get(edge.to) ?? 0));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop();
        if (member === undefined) break;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      components.push(component.reverse());
    }
  };
  for (const node of out.keys()) if (!index.has(node)) visit(node);

  const cycles: ResourceCycle[] = [];
  for (const component of components) {
    const members = new Set(component);
    const first = component[0];
    if (first === undefined) continue;
    if (component.length === 1 && !(out.get(first) ?? []).some((e) => e.to === first)) continue;
    cycles.push({ resources: component, edges: closedPath(first, members, out) });
  }
  return cycles;
}

/** A shortest path from `start` back to itself inside the component (breadth-first). */
function closedPath(
  start: string,
  members: ReadonlySet<string>,
  out: ReadonlyMap<string, ResourceEdge[]>,
): ResourceEdge[] {
  const cameBy = new Map<string, ResourceEdge>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift() as string;
    for (const edge of out.get(node) ?? []) {
      if (!members.has(edge.to)) continue;
      if (edge.to === start) {
        const path = [edge];
        let at = node;
        while (at !== start) {
          const previous = cameBy.get(at);
          if (!previous) break;
          path.unshift(previous);
          at = previous.from;
        }
        return path;
      }
      if (cameBy.has(edge.to)) continue;
      cameBy.set(edge.to, edge);
      queue.push(edge.to);
    }
  }
  return [];
}
