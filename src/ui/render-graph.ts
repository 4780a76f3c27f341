import { formatLocation } from '../errors.js';
import type { Edge, EdgeVia, ExternalInput, StackGraph } from '../graph/types.js';
import { computeOrderings } from '../graph/orderings.js';
import type { Orderings } from '../graph/orderings.js';

export type GraphFormat = 'text' | 'mermaid' | 'dot' | 'json';
export const GRAPH_FORMATS: readonly GraphFormat[] = ['text', 'mermaid', 'dot', 'json'];

export interface GraphView {
  project: string;
  stage: string;
  graph: StackGraph;
  orderings: Orderings;
  /** The stacks to show (a selection); all when undefined. */
  selected?: readonly string[];
}

/** The part of the graph a selection covers: its stacks and the edges between them. */
function restrict(view: GraphView): { graph: StackGraph; orderings: Orderings } {
  if (!view.selected) return view;
  const keep = new Set(view.selected);
  const between = (e: Edge): boolean => keep.has(e.stack) && keep.has(e.dependsOn);
  const graph = {
    nodes: view.graph.nodes.filter((n) => keep.has(n.id)),
    edges: view.graph.edges.filter(between),
    external: (view.graph.external ?? []).filter((x) => keep.has(x.stack)),
    setAside: (view.graph.setAside ?? []).filter(between),
  };
  return { graph, orderings: computeOrderings(graph) };
}

export function renderGraph(view: GraphView, format: GraphFormat): string {
  const { graph, orderings } = restrict(view);
  switch (format) {
    case 'json':
      return `${JSON.stringify(graphJson(graph, orderings), null, 2)}\n`;
    case 'mermaid':
      return renderMermaid(graph);
    case 'dot':
      return renderDot(view.project, graph);
    case 'text':
      return renderText(view, graph, orderings);
  }
}

/** The `graph --format json` contract: scripts depend on these field names. */
export function graphJson(graph: StackGraph, orderings: Orderings): object {
  return {
    stacks: graph.nodes.map((n) => ({ id: n.id, stackName: n.stackName, dependsOn: dependencies(graph, n.id) })),
    edges: graph.edges.map(edgeJson),
    order: orderings.order,
    levels: orderings.levels,
    criticalPath: orderings.criticalPath,
    external: (graph.external ?? []).map(externalJson),
    setAside: (graph.setAside ?? []).map(edgeJson),
  };
}

function edgeJson(e: Edge): object {
  return {
    stack: e.stack,
    dependsOn: e.dependsOn,
    via: e.via,
    detail: e.detail,
    ...(e.location ? { location: formatLocation(e.location) } : {}),
    ...(e.pattern ? { pattern: true } : {}),
  };
}

function externalJson(x: ExternalInput): object {
  return {
    stack: x.stack,
    via: x.via,
    name: x.name,
    detail: x.detail,
    ...(x.location ? { location: formatLocation(x.location) } : {}),
  };
}

function dependencies(graph: StackGraph, id: string): string[] {
  return [...new Set(graph.edges.filter((e) => e.stack === id).map((e) => e.dependsOn))];
}

interface Pair {
  from: string;
  to: string;
  vias: EdgeVia[];
  /** Every edge of the pair rests on a pattern: the tie may not exist. */
  pattern: boolean;
}

/**
 * One arrow per pair of stacks, labelled with every way the pair is tied. An arrow points from a
 * stack to the stack it needs, as `graph --help`, the text format and the README say.
 */
function pairs(graph: StackGraph): Pair[] {
  const byPair = new Map<string, Pair>();
  for (const edge of graph.edges) {
    const key = `${edge.stack}\u0000${edge.dependsOn}`;
    const pair = byPair.get(key) ?? { from: edge.stack, to: edge.dependsOn, vias: [], pattern: true };
    if (!pair.vias.includes(edge.via)) pair.vias.push(edge.via);
    pair.pattern &&= edge.pattern === true;
    byPair.set(key, pair);
  }
  return [...byPair.values()];
}

// Said in every drawing: an arrow is read either way, and both conventions are common.
const DIRECTION_LEGEND = 'an arrow points from a stack to a stack it needs (that one deploys first)';
const PATTERN_LEGEND =
  'dashed: the edge rests on a name matched as a pattern (not known before deploy); it may not exist';

// Mermaid and dot ids must be plain; stack ids may hold hyphens.
const nodeId = (id: string): string => `s_${id.replace(/[^A-Za-z0-9_]/g, '_')}`;

function renderMermaid(graph: StackGraph): string {
  const lines = ['flowchart LR', `  %% ${DIRECTION_LEGEND}`];
  const all = pairs(graph);
  if (all.some((p) => p.pattern)) lines.push(`  %% ${PATTERN_LEGEND}`);
  for (const node of graph.nodes) lines.push(`  ${nodeId(node.id)}["${node.id}"]`);
  for (const pair of all)
    lines.push(`  ${nodeId(pair.from)} ${pair.pattern ? '-.->' : '-->'}|${pair.vias.join(', ')}| ${nodeId(pair.to)}`);
  return `${lines.join('\n')}\n`;
}

function renderDot(project: string, graph: StackGraph): string {
  const lines = [`digraph "${project}" {`, `  // ${DIRECTION_LEGEND}`, '  rankdir=LR;', '  node [shape=box];'];
  const all = pairs(graph);
  if (all.some((p) => p.pattern)) lines.push(`  // ${PATTERN_LEGEND}`);
  for (const node of graph.nodes) lines.push(`  ${nodeId(node.id)} [label="${node.id}"];`);
  for (const pair of all)
    lines.push(
      `  ${nodeId(pair.from)} -> ${nodeId(pair.to)} [label="${pair.vias.join(', ')}"${pair.pattern ? ', style=dashed' : ''}];`,
    );
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

function renderText(view: GraphView, graph: StackGraph, orderings: Orderings): string {
  const lines = [
    `${view.project} (stage ${view.stage}): ${count(graph.nodes.length, 'stack')}, ` +
      `deployed in ${count(orderings.levels.length, 'step')}` +
      `${orderings.levels.some((l) => l.length > 1) ? ' (the stacks of one step in parallel)' : ''}`,
  ];
  const width = Math.max(...graph.nodes.map((n) => n.id.length));
  const nameWidth = Math.max(...graph.nodes.map((n) => n.stackName.length));
  const names = new Map(graph.nodes.map((n) => [n.id, n.stackName]));
  const stepWidth = `${orderings.levels.length}.`.length;
  orderings.levels.forEach((level, index) => {
    level.forEach((id, position) => {
      // The step number starts its first stack's line; the others of the step line up beneath.
      const step = (position === 0 ? `${index + 1}.` : '').padEnd(stepWidth);
      const after = dependencies(graph, id);
      const afterText = after.length ? `  after ${after.join(', ')}` : '';
      lines.push(`  ${step} ${id.padEnd(width)}  ${(names.get(id) ?? '').padEnd(nameWidth)}${afterText}`.trimEnd());
    });
  });
  if (graph.edges.length > 0) {
    lines.push('', 'edges (stack needs dependency, and why):');
    for (const edge of graph.edges) lines.push(`  ${edgeLine(edge)}`);
    if (graph.edges.some((e) => e.pattern))
      lines.push(
        '  (pattern: the edge rests on a name matched as a pattern, not known before deploy; it may not exist)',
      );
  }
  if (graph.setAside?.length) {
    lines.push('', 'set aside (pattern edges that would close a possible cycle; the order does not follow them):');
    for (const edge of graph.setAside) lines.push(`  ${edgeLine(edge)}`);
  }
  if (graph.external?.length) {
    lines.push('', 'inputs from outside this config:');
    for (const input of graph.external) lines.push(`  ${externalLine(input)}`);
  }
  if (orderings.criticalPath.length > 0) {
    lines.push('', `critical path, in deploy order: ${orderings.criticalPath.join(' → ')}`);
  }
  return `${lines.join('\n')}\n`;
}

function count(n: number, noun: string): string {
  return `${n} ${n === 1 ? noun : `${noun}s`}`;
}

function edgeLine(edge: Edge): string {
  const at = edge.location ? `  (${formatLocation(edge.location)})` : '';
  return `${edge.stack} needs ${edge.dependsOn} [${edge.via}${edge.pattern ? ', pattern' : ''}]: ${edge.detail}${at}`;
}

function externalLine(input: ExternalInput): string {
  const at = input.location ? `  (${formatLocation(input.location)})` : '';
  return `${input.stack} [${input.via}] ${input.name}: ${input.detail}${at}`;
}
