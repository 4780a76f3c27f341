import type { StackOutcome } from '../../engine/events.js';
import { computeOrderings } from '../../graph/orderings.js';
import type { StackGraph } from '../../graph/types.js';
import { renderGraph } from '../render-graph.js';
import type { RunRecord } from './run-record.js';
import type { Timeline } from './run-timeline.js';

/**
 * A gantt task's name ends at `:`, and the lexer tries its keywords before task text, so a name
 * starting with `gantt-`, `title `, `section `, a date, … would not be read as a name. Keep
 * letters, digits and a few safe signs, and put a word in front of a name the lexer would take.
 */
export function ganttLabel(text: string): string {
  const plain = text
    .replace(/[^\p{L}\p{N} _.()/+-]/gu, '_')
    .replace(/\s+/g, ' ')
    .trim();
  const keyword = new RegExp(
    '^(gantt|dateformat|axisformat|tickinterval|includes|excludes|todaymarker|inclusiveenddates|topaxis|' +
      'weekday|weekend|title|section|click|href|call|acctitle|accdescr|accdescription)\\b|^\\d',
    'i',
  );
  return plain === '' || keyword.test(plain) ? `stack ${plain}` : plain;
}

/**
 * The run as a Mermaid gantt chart, a section per dependency level (`step N`, as `graph` prints
 * them), times in ms (`dateFormat x`). Tags: `active` for the critical path, `crit` for a failed
 * stack, `done` for the rest; a stack skipped before it started is a milestone.
 */
export function renderGantt(run: RunRecord, graph: StackGraph, timeline: Timeline): string {
  const inRun = new Set(run.stacks.keys());
  const levels = levelsOf(graph, inRun);
  const onPath = new Set(timeline.criticalPath);
  const lines = ['gantt', '  dateFormat x', '  axisFormat %H:%M:%S', '  todayMarker off'];
  let task = 0;
  const sections = [
    ...levels.map((ids, index) => ({ name: `step ${index + 1}`, ids })),
    { name: 'other', ids: [...inRun].filter((id) => !levels.some((l) => l.includes(id))) },
  ];
  for (const section of sections) {
    const rows: string[] = [];
    for (const id of section.ids) {
      const bars = timeline.bars.filter((b) => b.stack === id);
      for (const bar of bars) {
        // A failed stack's early change set went fine: only the part that failed is red.
        const tag = bar.outcome === 'failed' && bar === bars.at(-1) ? 'crit' : onPath.has(id) ? 'active' : 'done';
        task += 1;
        rows.push(
          `    ${ganttLabel(bar.part === 'change-set' ? `${id} (change set)` : id)} :${tag}, ` +
            `t${task}, ${Math.round(bar.from)}, ${Math.round(bar.to)}`,
        );
      }
      for (const mark of timeline.marks.filter((m) => m.stack === id)) {
        task += 1;
        rows.push(
          `    ${ganttLabel(`${id} ${mark.outcome ?? 'unfinished'}`)} :milestone, t${task}, ${Math.round(mark.at)}, 0ms`,
        );
      }
    }
    if (rows.length > 0) lines.push(`  section ${section.name}`, ...rows);
  }
  return `${lines.join('\n')}\n`;
}

function levelsOf(graph: StackGraph, inRun: ReadonlySet<string>): string[][] {
  const sub = {
    nodes: graph.nodes.filter((n) => inRun.has(n.id)),
    edges: graph.edges.filter((e) => inRun.has(e.stack) && inRun.has(e.dependsOn)),
  };
  return computeOrderings(sub).levels;
}

const STATUS_STYLES: Readonly<Record<StackOutcome, string>> = {
  created: 'fill:#dafbe1,stroke:#1a7f37,color:#1f2328',
  updated: 'fill:#dafbe1,stroke:#1a7f37,color:#1f2328',
  unchanged: 'fill:#f6f8fa,stroke:#8c959f,color:#1f2328',
  failed: 'fill:#ffebe9,stroke:#cf222e,color:#1f2328,stroke-width:2px',
  skipped: 'fill:#f6f8fa,stroke:#8c959f,color:#656d76,stroke-dasharray:4 3',
  blocked: 'fill:#fff8c5,stroke:#9a6700,color:#1f2328',
  unknown: 'fill:#fff8c5,stroke:#cf222e,color:#1f2328,stroke-dasharray:4 3',
  deleted: 'fill:#f6f8fa,stroke:#1a7f37,color:#1f2328',
  absent: 'fill:#f6f8fa,stroke:#8c959f,color:#656d76',
};

/**
 * The dependency graph of the run's stacks as `stackpilot graph --format mermaid` draws it, each
 * node coloured by how its stack ended.
 */
export function renderRunFlowchart(run: RunRecord, project: string, stage: string, graph: StackGraph): string {
  const selected = graph.nodes.map((n) => n.id).filter((id) => run.stacks.has(id));
  const base = renderGraph({ project, stage, graph, orderings: computeOrderings(graph), selected }, 'mermaid');
  // The node ids are render-graph's business: read them back from its declarations (`  id["label"]`).
  const idOf = new Map<string, string>();
  for (const match of base.matchAll(/^ +(\S+)\["([^"\n]*)"\]$/gm))
    if (match[1] !== undefined && match[2] !== undefined) idOf.set(match[2], match[1]);
  const byOutcome = new Map<StackOutcome, string[]>();
  for (const record of run.stacks.values()) {
    const node = idOf.get(record.id);
    if (node !== undefined && record.outcome !== undefined)
      byOutcome.set(record.outcome, [...(byOutcome.get(record.outcome) ?? []), node]);
  }
  const styles = [...byOutcome].flatMap(([outcome, nodes]) => [
    `  classDef ${outcome} ${STATUS_STYLES[outcome]}`,
    `  class ${nodes.join(',')} ${outcome}`,
  ]);
  return `${base}${styles.map((line) => `${line}\n`).join('')}`;
}
