import { formatLocation } from '../errors.js';
import type { Edge, StackGraph } from './types.js';

export interface Cycle {
  /** All stacks of the strongly connected component, in declaration order. */
  stacks: string[];
  /** One shortest cycle through the component, as edges: chain[i].dependsOn === chain[i+1].stack. */
  chain: Edge[];
  /** Every edge inside the component (the chain's and any others), with provenance. */
  edges: Edge[];
}

/** Every strongly connected component with more than one stack (Tarjan), plus self-loops. */
export function findCycles(graph: StackGraph): Cycle[] {
  const order = new Map(graph.nodes.map((n, i) => [n.id, i]));
  const successors = new Map<string, string[]>(graph.nodes.map((n) => [n.id, []]));
  for (const edge of graph.edges) {
    const list = successors.get(edge.stack);
    if (list && !list.includes(edge.dependsOn)) list.push(edge.dependsOn);
  }

  let index = 0;
  const indices = new Map<string, number>();
  const lowlink = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  // Recursion depth is the graph's depth; projects have tens to hundreds of stacks, so this is safe.
  const connect = (v: string): void => {
    indices.set(v, index);
    lowlink.set(v, index);
    index += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of successors.get(v) ?? []) {
      if (!indices.has(w)) {
        connect(w);
        lowlink.set(v, Math.min(lowlink.get(v) ?? 0, lowlink.get(w) ?? 0));
      } else if (onStack.has(w)) {
        lowlink.set(v, Math.min(lowlink.get(v) ?? 0, indices.get(w) ?? 0));
      }
    }
    if (lowlink.get(v) === indices.get(v)) {
      const component: string[] = [];
      let w: string | undefined;
      do {
        w = stack.pop();
        if (w === undefined) break;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      components.push(component);
    }
  };
  for (const node of graph.nodes) if (!indices.has(node.id)) connect(node.id);

  const byOrder = (a: string, b: string): number => (order.get(a) ?? 0) - (order.get(b) ?? 0);
  // Looked up once, not per component: a thousand stacks are a thousand components.
  const selfLoops = new Set(graph.edges.filter((e) => e.stack === e.dependsOn).map((e) => e.stack));
  return components
    .filter((c) => c.length > 1 || selfLoops.has(c[0] ?? ''))
    .map((component) => {
      const members = [...component].sort(byOrder);
      const inside = new Set(members);
      const edges = graph.edges.filter((e) => inside.has(e.stack) && inside.has(e.dependsOn));
      return { stacks: members, chain: shortestCycle(members[0] ?? '', edges), edges };
    })
    .sort((a, b) => byOrder(a.stacks[0] ?? '', b.stacks[0] ?? ''));
}

/** Breadth-first from `start` back to itself over the component's edges. */
function shortestCycle(start: string, edges: Edge[]): Edge[] {
  const previous = new Map<string, Edge>();
  const queue = [start];
  while (queue.length > 0) {
    const current = queue.shift() as string;
    for (const edge of edges.filter((e) => e.stack === current)) {
      if (edge.dependsOn === start) {
        const chain = [edge];
        let at = current;
        while (at !== start) {
          const step = previous.get(at);
          if (!step) break;
          chain.unshift(step);
          at = step.stack;
        }
        return chain;
      }
      if (!previous.has(edge.dependsOn)) {
        previous.set(edge.dependsOn, edge);
        queue.push(edge.dependsOn);
      }
    }
  }
  return [];
}

/** The explanation a person needs to fix a cycle: the chain, why each link exists, and how to cut it. */
export function describeCycle(cycle: Cycle): string {
  const names = [...cycle.chain.map((e) => e.stack), cycle.chain[0]?.stack ?? ''];
  const lines: string[] = [];
  lines.push(
    cycle.chain.length === 1
      ? `stack ${names[0]} depends on itself`
      : `dependency cycle between ${cycle.stacks.length} stacks: ${names.join(' → ')}`,
  );
  lines.push('each needs the next one deployed first:');
  for (const edge of cycle.chain) lines.push(`  ${edge.stack} needs ${edge.dependsOn}: ${describeEdge(edge)}`);
  const extra = cycle.edges.filter((e) => !cycle.chain.includes(e));
  if (extra.length > 0) {
    lines.push('other edges inside this cycle:');
    for (const edge of extra) lines.push(`  ${edge.stack} needs ${edge.dependsOn}: ${describeEdge(edge)}`);
  }
  lines.push('to break it, remove one link:');
  for (const edge of cycle.chain) lines.push(`  - ${edge.stack} → ${edge.dependsOn}: ${howToBreak(edge)}`);
  lines.push(
    `  - or split a stack: move what ${cycle.chain.at(-1)?.dependsOn ?? ''} and ${cycle.chain.at(-1)?.stack ?? ''} ` +
      'both need into a new stack that both depend on',
  );
  return lines.join('\n');
}

export function describeEdge(edge: Edge): string {
  const at = edge.location ? ` (${formatLocation(edge.location)})` : '';
  const provided = edge.providedAt ? `; provided at ${formatLocation(edge.providedAt)}` : '';
  return `${edge.detail}${at}${provided}`;
}

function howToBreak(edge: Edge): string {
  switch (edge.via) {
    case 'declared':
      return `drop "${edge.dependsOn}" from stacks.${edge.stack}.dependsOn if nothing really needs it`;
    case 'output':
      return (
        `have ${edge.dependsOn} write the value to an AWS::SSM::Parameter and let ${edge.stack}'s code read it by name at run time, ` +
        'instead of the output() parameter'
      );
    case 'import':
      return (
        `have ${edge.dependsOn} write the value to an AWS::SSM::Parameter and pass only the parameter's name to ${edge.stack} ` +
        '(e.g. an environment variable) so its code reads it at run time, instead of Fn::ImportValue'
      );
    case 'stack-output':
      return (
        `have ${edge.dependsOn} write the value to an AWS::SSM::Parameter and let ${edge.stack}'s code read it by name at run time, ` +
        'instead of Fn::GetStackOutput'
      );
    case 'ssm':
      return (
        `read the parameter at run time in ${edge.stack}'s code ` +
        '(pass its name, not {{resolve:ssm:...}} or an SSM parameter type, which CloudFormation resolves at deploy time)'
      );
  }
}
