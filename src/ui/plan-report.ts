import type { PlanRunResult, PlannedStack } from '../engine/plan-run.js';
import type { Colors } from './colors.js';

/** The plan as a person reads it: per stack a table of changes and a summary line, then the whole graph. */
export function formatPlan(result: PlanRunResult, c: Colors): string {
  const out: string[] = [];
  for (const p of result.stacks) out.push(...stackSection(p, c), '');
  const count = (status: PlannedStack['status']): number => result.stacks.filter((p) => p.status === status).length;
  const changes = result.stacks.flatMap((p) => p.changes);
  const n = (action: string): number => changes.filter((ch) => ch.action === action).length;
  out.push([
    `plan: ${count('changes')} with changes, ${count('unchanged')} unchanged`,
    count('pending') ? `${count('pending')} waiting for upstream stacks` : '',
    count('blocked') ? c.red(`${count('blocked')} blocked`) : '',
    count('failed') ? c.red(`${count('failed')} could not be planned`) : '',
    count('skipped') ? `${count('skipped')} skipped` : '',
  ].filter(Boolean).join(', ') + ` · ${n('Add')} to add, ${n('Modify')} to modify, ${n('Remove')} to remove · nothing was changed`);
  // What no plan can know before deploying, said where it matters.
  if (changes.some((ch) => ch.replacement === 'Conditional')) {
    out.push(c.dim('"Conditional": CloudFormation decides only while deploying whether the resource is replaced.'));
  }
  if (result.stacks.some((p) => p.pendingUpstream.length > 0)) {
    out.push(c.dim('Stacks marked "depends on pending changes" were previewed with the values their upstream stacks have today.'));
  }
  return `${out.join('\n')}\n`;
}

function stackSection(p: PlannedStack, c: Colors): string[] {
  const title = `${c.bold(p.stack)} ${c.dim(`(${p.stackName})`)}`;
  if (p.status === 'unchanged') return [`${title}: ${c.dim('no changes')}`];
  if (p.status === 'pending') return [`${title}: ${c.yellow(p.reason ?? 'will be created later')}`];
  if (p.status === 'blocked') return [`${title}: ${c.red(`blocked: ${p.reason ?? ''}`)}`];
  if (p.status === 'failed' || p.status === 'skipped') return [`${title}: ${c.red(`${p.status}: ${p.reason ?? ''}`)}`];
  const n = (action: string): number => p.changes.filter((ch) => ch.action === action).length;
  const lines = [`${title}: ${p.changeSetType === 'CREATE' ? 'create' : 'update'}, ${n('Add')} to add, ${n('Modify')} to modify, ${n('Remove')} to remove${p.changes.length === 0 ? ' (outputs, tags or parameters only)' : ''}`];
  if (p.pendingUpstream.length > 0) {
    lines.push(c.yellow(`  depends on pending changes in ${p.pendingUpstream.join(', ')}: this preview uses today's values of their outputs, which may still change`));
  }
  if (p.changes.length === 0) return lines;
  const rows = p.changes.map((ch) => [ch.action, ch.logicalId, ch.resourceType, ch.replacement ?? '', what(ch)]);
  const header = ['action', 'logical id', 'type', 'replacement', 'what changes'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => `  ${cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ')}`.trimEnd();
  lines.push(c.dim(line(header)));
  for (const row of rows) {
    const text = line(row);
    lines.push(row[0] === 'Remove' || row[3] === 'True' ? c.red(text) : row[3] === 'Conditional' ? c.yellow(text) : text);
  }
  return lines;
}

/** Properties and causes: `Name (direct), Memory (parameter MemorySize)`. */
function what(change: PlannedStack['changes'][number]): string {
  const parts = change.details.map((d) => {
    const target = d.name ? `${d.attribute === 'Properties' || d.attribute === undefined ? '' : `${d.attribute}.`}${d.name}` : d.attribute ?? '';
    const cause = d.changeSource === 'DirectModification' ? 'direct'
      : d.changeSource === 'ParameterReference' ? `parameter ${d.causingEntity ?? ''}`.trim()
        : d.changeSource === 'ResourceReference' || d.changeSource === 'ResourceAttribute' ? `from ${d.causingEntity ?? 'another resource'}`
          : (d.changeSource ?? '').toLowerCase();
    return cause ? `${target} (${cause})` : target;
  });
  return [...new Set(parts.filter(Boolean))].join(', ');
}
