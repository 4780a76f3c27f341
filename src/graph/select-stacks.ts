import { didYouMean } from '../config/resolve-config.js';
import { UsageError } from '../errors.js';
import type { StackGraph } from './types.js';
import { dependenciesOf, dependentsOf } from './types.js';

export interface SelectionOptions {
  /** Only the named stacks, without their upstream. */
  exclusively?: boolean;
  /** Add everything downstream of the named stacks. */
  withDependents?: boolean;
}

/**
 * The stacks a command acts on. No names means all. A named stack brings everything upstream of
 * it (it cannot deploy without them) unless `exclusively`. Returned in declaration order.
 */
export function selectStacks(graph: StackGraph, names: readonly string[], options: SelectionOptions = {}): string[] {
  const ids = graph.nodes.map((n) => n.id);
  if (names.length === 0) return ids;
  const unknown = names.filter((name) => !ids.includes(name));
  if (unknown.length > 0) {
    const hints = unknown.map((name) => didYouMean(name, ids)).filter(Boolean);
    throw new UsageError(`unknown stack ${unknown.map((n) => `"${n}"`).join(', ')}`, {
      hint: `${hints.length ? `${hints.join(' ')} ` : ''}the stacks are: ${ids.join(', ')}`,
    });
  }
  const selected = new Set<string>(names);
  const close = (next: (id: string) => string[]): void => {
    const queue = [...selected];
    while (queue.length > 0) {
      for (const id of next(queue.pop() as string)) {
        if (!selected.has(id)) {
          selected.add(id);
          queue.push(id);
        }
      }
    }
  };
  if (options.withDependents) close((id) => dependentsOf(graph, id));
  // Upstream of the dependents too: they cannot deploy without it.
  if (!options.exclusively) close((id) => dependenciesOf(graph, id));
  return ids.filter((id) => selected.has(id));
}
