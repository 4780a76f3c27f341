import { selectStacks } from './select-stacks.js';
import type { StackGraph } from './types.js';
import { dependentsOf } from './types.js';

/**
 * The stacks `destroy` acts on: selection runs the other way from deploy. A named stack brings
 * everything that depends on it (it cannot go while they stand) unless `exclusively`; no names
 * means all. Returned in declaration order.
 */
export function selectForDestroy(
  graph: StackGraph,
  names: readonly string[],
  options: { exclusively?: boolean } = {},
): string[] {
  // Checks the names (unknown ones with did-you-mean) the way every command does.
  const named = selectStacks(graph, names, { exclusively: true });
  if (names.length === 0 || options.exclusively) return named;
  const selected = new Set(named);
  const queue = [...named];
  for (let id = queue.pop(); id !== undefined; id = queue.pop()) {
    for (const dependent of dependentsOf(graph, id)) {
      if (selected.has(dependent)) continue;
      selected.add(dependent);
      queue.push(dependent);
    }
  }
  return graph.nodes.map((n) => n.id).filter((id) => selected.has(id));
}
