import type { Problem } from '../errors.js';
import { describeEdge, findCycles } from './find-cycles.js';
import type { Cycle } from './find-cycles.js';
import type { Edge, StackGraph } from './types.js';

export interface SettledCycles {
  /** Cycles of certain edges: errors, as CloudFormation would deadlock on them. */
  cycles: Cycle[];
  /** Cycles that need at least one pattern edge: they may not exist, so they are warnings. */
  possible: Cycle[];
  /** The graph the order follows: the pattern edges of possible cycles moved to `setAside`. */
  graph: StackGraph;
}

/**
 * Separates certain cycles from possible ones. A possible cycle's pattern edges are set aside so
 * the order follows the edges that are certain (inside one component they are acyclic, or the
 * component would hold a certain cycle).
 */
export function settleCycles(graph: StackGraph): SettledCycles {
  const cycles = findCycles({ ...graph, edges: graph.edges.filter((e) => !e.pattern) });
  const inCertain = new Set(cycles.flatMap((c) => c.stacks));
  const possible = findCycles(graph).filter((c) => !c.stacks.some((id) => inCertain.has(id)));
  const aside = new Set<Edge>(possible.flatMap((c) => c.edges.filter((e) => e.pattern)));
  if (aside.size === 0) return { cycles, possible, graph };
  return {
    cycles,
    possible,
    graph: {
      ...graph,
      edges: graph.edges.filter((e) => !aside.has(e)),
      setAside: [...(graph.setAside ?? []), ...aside],
    },
  };
}

/** The warning for a possible cycle: the chain, which links are only patterns, and what the order follows. */
export function possibleCycleWarning(cycle: Cycle): Problem {
  const names = [...cycle.chain.map((e) => e.stack), cycle.chain[0]?.stack ?? ''];
  const lines = [
    `possible dependency cycle between ${cycle.stacks.length} stacks: ${names.join(' → ')}`,
    'it rests on names matched as patterns, which may turn out different once deployed:',
  ];
  for (const edge of cycle.edges)
    lines.push(`  ${edge.stack} needs ${edge.dependsOn}${edge.pattern ? ' (pattern)' : ''}: ${describeEdge(edge)}`);
  const aside = cycle.edges.filter((e) => e.pattern).map((e) => `${e.stack} → ${e.dependsOn}`);
  lines.push(`the order follows the certain edges only; set aside: ${[...new Set(aside)].join(', ')}`);
  return {
    stack: cycle.stacks[0] ?? '',
    message: lines.join('\n'),
    hint:
      'make the names exact (set the parameters they are built from in the config, as literals or output()), ' +
      'or, if the cycle is real, break it as the edges above suggest',
  };
}
