import { GraphError } from '../errors.js';
import type { StackGraph } from './types.js';

export interface Orderings {
  /** A topological order, stable: among stacks free to go, declaration order decides. */
  order: string[];
  /** Parallel levels: a stack's level is one more than its deepest dependency's. */
  levels: string[][];
  /** The heaviest chain from a root to a leaf, by node weight. */
  criticalPath: string[];
  /** The critical path's total weight. */
  criticalWeight: number;
}

/** Orderings of an acyclic graph; throws on a cycle (find and report cycles first). */
export function computeOrderings(graph: StackGraph): Orderings {
  const ids = graph.nodes.map((n) => n.id);
  const position = new Map(ids.map((id, i) => [id, i]));
  const deps = new Map<string, Set<string>>(ids.map((id) => [id, new Set()]));
  const dependents = new Map<string, Set<string>>(ids.map((id) => [id, new Set()]));
  for (const edge of graph.edges) {
    deps.get(edge.stack)?.add(edge.dependsOn);
    dependents.get(edge.dependsOn)?.add(edge.stack);
  }

  const remaining = new Map(ids.map((id) => [id, deps.get(id)?.size ?? 0]));
  // Positions of the stacks free to go, smallest first: a heap, not a sort per step (wide graphs).
  const ready = new MinHeap();
  for (const [i, id] of ids.entries()) if (remaining.get(id) === 0) ready.push(i);
  const order: string[] = [];
  for (let at = ready.pop(); at !== undefined; at = ready.pop()) {
    const next = ids[at] as string;
    order.push(next);
    for (const dependent of dependents.get(next) ?? []) {
      const left = (remaining.get(dependent) ?? 0) - 1;
      remaining.set(dependent, left);
      if (left === 0) ready.push(position.get(dependent) ?? 0);
    }
  }
  if (order.length !== ids.length) {
    const placed = new Set(order);
    throw new GraphError('CYCLE', `the graph has a cycle among: ${ids.filter((id) => !placed.has(id)).join(', ')}`);
  }

  const level = new Map<string, number>();
  const weight = new Map(graph.nodes.map((n) => [n.id, n.weight]));
  const pathWeight = new Map<string, number>();
  const bestPredecessor = new Map<string, string>();
  for (const id of order) {
    let lvl = 0;
    let best = 0;
    for (const dep of deps.get(id) ?? []) {
      lvl = Math.max(lvl, (level.get(dep) ?? 0) + 1);
      const w = pathWeight.get(dep) ?? 0;
      if (w > best) {
        best = w;
        bestPredecessor.set(id, dep);
      }
    }
    level.set(id, lvl);
    pathWeight.set(id, best + (weight.get(id) ?? 1));
  }
  const levels: string[][] = [];
  for (const id of order) (levels[level.get(id) ?? 0] ??= []).push(id);

  let end: string | undefined;
  let criticalWeight = 0;
  for (const id of order) {
    const w = pathWeight.get(id) ?? 0;
    if (w > criticalWeight) {
      criticalWeight = w;
      end = id;
    }
  }
  const criticalPath: string[] = [];
  for (let at = end; at !== undefined; at = bestPredecessor.get(at)) criticalPath.unshift(at);
  return { order, levels, criticalPath, criticalWeight };
}

/** A binary min-heap of numbers. */
class MinHeap {
  private readonly items: number[] = [];

  push(value: number): void {
    const items = this.items;
    items.push(value);
    for (let i = items.length - 1; i > 0;) {
      const parent = (i - 1) >> 1;
      if ((items[parent] ?? 0) <= value) break;
      items[i] = items[parent] ?? 0;
      items[parent] = value;
      i = parent;
    }
  }

  pop(): number | undefined {
    const items = this.items;
    const top = items[0];
    const lastItem = items.pop();
    if (items.length === 0 || lastItem === undefined) return top;
    items[0] = lastItem;
    for (let i = 0; ;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < items.length && (items[left] ?? 0) < (items[smallest] ?? 0)) smallest = left;
      if (right < items.length && (items[right] ?? 0) < (items[smallest] ?? 0)) smallest = right;
      if (smallest === i) break;
      [items[i], items[smallest]] = [items[smallest] ?? 0, items[i] ?? 0];
      i = smallest;
    }
    return top;
  }
}
