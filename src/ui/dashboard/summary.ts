import pc from 'picocolors';
import type { StackOutcome } from '../../engine/events.js';
import { formatDuration } from '../../format-duration.js';
import type { Colors } from '../colors.js';
import { withoutKeyAdvice } from './key-advice.js';
import { phaseText } from './selectors.js';
import type { DashboardState, StackView } from './store.js';
import { wrap } from './text.js';

/**
 * What stays in the scrollback when the dashboard goes: the run's result, a table of stacks
 * (result, time, changes), the root causes wrapped to `width`, warnings and run notices.
 */
export function formatSummary(state: DashboardState, width: number, colors: Colors = pc.createColors(false)): string {
  const c = colors;
  const h = state.header;
  const stacks = state.order.map((id) => state.stacks[id]).filter((s): s is StackView => s !== undefined);
  const where = [
    h.project,
    `stage ${h.stage}${h.stageNotInConfig === true ? ' (not in config)' : ''}`,
    ...(h.region ? [h.region] : []),
    ...(h.account ? [`account ${h.account}`] : []),
    ...(h.simulated ? ['simulated'] : []),
  ].join(' · ');
  const run = state.run;
  const counts = run
    ? (Object.entries(run.summary) as [StackOutcome, number][])
        .filter(([, n]) => n > 0)
        .map(([status, n]) => `${n} ${status}`)
    : [];
  const result = run
    ? `${run.exitCode === 0 ? c.green('done') : c.red('failed')} in ${formatDuration(run.durationMs)}: ` +
      `${counts.join(', ') || 'nothing to do'} ${c.dim(`(${run.apiCalls} API calls)`)}`
    : c.yellow('stopped before the run finished');
  const out: string[] = [
    `${h.command} ${where}`,
    ...(h.nodeNotice === undefined ? [] : wrap(h.nodeNotice, width).map((t) => c.yellow(t))),
    result,
    '',
  ];

  const rows = stacks.map((s) => [
    s.id,
    s.state === 'done' ? (s.outcome ?? 'failed') : 'not done',
    timeOf(s),
    changesOf(s),
    noteOf(state, s),
  ]);
  const header = ['stack', 'result', 'time', 'changes'];
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((r) => (r[i] ?? '').length)));
  // Notes (why a stack was skipped, where it stopped) wrap under their own column.
  const noteColumn = 2 + widths.reduce((sum, w) => sum + w + 2, 0);
  const noteWidth = width - noteColumn >= 20 ? width - noteColumn : Number.MAX_SAFE_INTEGER;
  const cells = (r: readonly string[], paint: (cell: string, i: number) => string): string =>
    `  ${r.map((cell, i) => paint(i < header.length ? cell.padEnd(widths[i] ?? 0) : cell, i)).join('  ')}`.trimEnd();
  out.push(cells(header, (cell) => c.dim(cell)));
  for (const r of rows) {
    const [first = '', ...more] = wrap(r[4] ?? '', noteWidth);
    out.push(cells([...r.slice(0, 4), first], (cell, i) => (i === 1 ? paintOutcome(c, cell) : cell)));
    for (const line of more) out.push(`${' '.repeat(noteColumn)}${line}`);
  }

  const failed = stacks.filter((s) => s.outcome === 'failed');
  if (failed.length > 0) {
    out.push('', c.bold(failed.length === 1 ? 'root cause' : 'root causes'));
    for (const s of failed) {
      const cause = s.rootCause;
      const title = cause ? `${s.id}: ${cause.logicalId} (${cause.resourceType}) ${cause.status}` : `${s.id} failed`;
      out.push(...wrap(title, width - 2, '  ').map((t) => c.red(`  ${t}`)));
      out.push(...wrap(cause ? cause.reason : (s.reason ?? 'no reason given'), width - 4).map((t) => `    ${t}`));
    }
  }
  const unknown = stacks.filter((s) => s.outcome === 'unknown');
  if (unknown.length > 0) {
    out.push('', c.bold(unknown.length === 1 ? 'state unknown' : 'states unknown'));
    for (const s of unknown) {
      out.push(c.red(`  ${s.id}`));
      for (const part of (s.reason ?? '').split('\n')) out.push(...wrap(part, width - 4).map((t) => `    ${t}`));
    }
  }
  const warned = stacks.filter((s) => s.warnings.length > 0);
  if (warned.length > 0) {
    out.push('', c.bold('warnings'));
    for (const s of warned)
      for (const w of s.warnings) out.push(...wrap(`${s.id}: ${w}`, width - 2, '  ').map((t) => c.yellow(`  ${t}`)));
  }
  if (state.notices.length > 0) {
    out.push('');
    for (const n of state.notices) out.push(...wrap(withoutKeyAdvice(n), width));
  }
  return `${out.join('\n')}\n`;
}

function timeOf(s: StackView): string {
  return s.startedAt === undefined || s.durationMs === undefined ? '' : formatDuration(s.durationMs);
}

/**
 * `+3 ~1 -1`: resources the change set added, modified and removed; for a delete (destroy),
 * `-9, 2 kept`: resources deleted, and those its DeletionPolicy (or --retain) left in place.
 */
function changesOf(s: StackView): string {
  if (s.deleting === true) {
    const kept = s.retained ?? 0;
    // Resources that reached DELETE_COMPLETE; kept ones end DELETE_SKIPPED and are not among them.
    const deleted = s.completed.length;
    return [deleted > 0 ? `-${deleted}` : '', kept > 0 ? `${kept} kept` : ''].filter(Boolean).join(', ');
  }
  if (!s.changes || s.outcome === 'unchanged') return '';
  const count = (action: string): number => s.changes?.filter((ch) => ch.action === action).length ?? 0;
  return [
    ['+', count('Add')],
    ['~', count('Modify')],
    ['-', count('Remove')],
  ]
    .filter(([, n]) => n !== 0)
    .map(([mark, n]) => `${mark}${n}`)
    .join(' ');
}

/** Why it was skipped or blocked; where it stopped when the run did not finish. */
function noteOf(state: DashboardState, s: StackView): string {
  if (s.state !== 'done') return phaseText(state, s);
  return s.outcome === 'skipped' || s.outcome === 'blocked' ? (s.reason ?? '') : '';
}

function paintOutcome(c: Colors, cell: string): string {
  const word = cell.trim();
  if (word === 'created' || word === 'updated') return c.green(cell);
  if (word === 'failed' || word === 'unknown') return c.red(cell);
  if (word === 'unchanged') return c.dim(cell);
  return c.yellow(cell);
}
