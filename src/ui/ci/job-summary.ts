import type { StackOutcome } from '../../engine/events.js';
import { formatDuration } from '../../format-duration.js';
import type { StackGraph } from '../../graph/types.js';
import type { RunHeader } from '../renderer.js';
import { renderGantt, renderRunFlowchart } from './mermaid.js';
import { failureText } from './run-record.js';
import type { RunRecord, StackRecord } from './run-record.js';
import { runTimeline } from './run-timeline.js';

const GLYPH: Readonly<Record<StackOutcome, string>> = {
  created: '✅',
  updated: '✅',
  unchanged: '➖',
  failed: '❌',
  skipped: '⏭️',
  blocked: '⛔',
  unknown: '❓',
  deleted: '🗑️',
  absent: '➖',
};

/** Backslash-escapes what Markdown (and a table cell) would take as syntax or HTML; one line. */
export function markdownText(text: string): string {
  return text.replace(/[\\`*_[\]<>|~&#]/g, '\\$&').replace(/\r?\n|\r/g, ' ');
}

/**
 * The GitHub job summary of a run (Markdown): the result, a table of stacks, failures and
 * warnings, the dependency graph and the run as a gantt chart.
 */
export function renderJobSummary(run: RunRecord, graph: StackGraph, header: RunHeader): string {
  const stacks = [...run.stacks.values()];
  const stageNote = header.stageNotInConfig === true ? ', not in the config' : '';
  const regionNote = header.region ? `, region ${header.region}` : '';
  const accountNote = header.account ? `, account ${header.account}` : '';
  const where = `${header.project} (stage ${header.stage}${stageNote}${regionNote}${accountNote})`;
  const [glyph, verdict] =
    run.done === undefined
      ? ['⚠️', 'did not finish']
      : run.done.exitCode === 0
        ? ['✅', 'succeeded']
        : ['❌', 'failed'];
  const out = [`## ${glyph} stackpilot ${markdownText(header.command)} ${verdict}: ${markdownText(where)}`, ''];

  const counts = (
    ['created', 'updated', 'unchanged', 'deleted', 'absent', 'failed', 'unknown', 'skipped', 'blocked'] as const
  )
    .map((outcome) => [outcome, stacks.filter((s) => s.outcome === outcome).length] as const)
    .filter(([, n]) => n > 0)
    .map(([outcome, n]) => `${n} ${outcome}`);
  const facts = [
    `${stacks.length} ${stacks.length === 1 ? 'stack' : 'stacks'}` +
      `${run.done ? ` in ${formatDuration(run.done.durationMs)}` : ''}: ${counts.join(', ') || 'none finished'}`,
    ...(run.done ? [`${run.done.apiCalls} API calls`] : []),
    `concurrency ${header.concurrency}`,
    ...(header.simulated ? ['simulated (virtual time)'] : []),
  ];
  out.push(facts.join(' · '), '');

  out.push('| Stack | Result | Time | Added | Modified | Removed |', '| --- | --- | ---: | ---: | ---: | ---: |');
  for (const stack of stacks) out.push(tableRow(stack));
  out.push('');

  const problems = [
    ...stacks
      .filter((s) => s.outcome === 'failed')
      .map((s) => `- ❌ **${markdownText(s.id)}** failed: ${markdownText(failureText(s))}`),
    ...stacks
      .filter((s) => s.outcome === 'unknown')
      .map((s) => `- ❓ **${markdownText(s.id)}** state unknown: ${markdownText(s.reason ?? '')}`),
    ...stacks
      .filter((s) => s.outcome === 'blocked')
      .map((s) => `- ⛔ **${markdownText(s.id)}** blocked: ${markdownText(s.reason ?? 'not approved')}`),
    ...stacks.flatMap((s) => s.warnings.map((w) => `- ⚠️ **${markdownText(s.id)}**: ${markdownText(w)}`)),
    ...run.notes.map((note) => `- ⚠️ ${markdownText(note)}`),
  ];
  if (problems.length > 0) out.push(...problems, '');

  const packaged = stacks.filter((s) => s.packaged !== undefined);
  if (packaged.length > 0) {
    out.push(
      'Packaging (content-hash keys: unchanged code is never uploaded twice):',
      ...packaged.map((s) => `- 📦 **${markdownText(s.id)}**: ${markdownText(s.packaged ?? '')}`),
      '',
    );
  }

  if (stacks.length > 0) {
    const timeline = runTimeline(run, graph);
    out.push(
      '### Dependency graph',
      '',
      '```mermaid',
      renderRunFlowchart(run, header.project, header.stage, graph).trimEnd(),
      '```',
      '',
      // The diagram's own legend is a Mermaid comment, which GitHub does not show.
      'An arrow points from a stack to a stack it needs (that one deploys first).',
      '',
    );
    out.push('### Timeline', '', '```mermaid', renderGantt(run, graph, timeline).trimEnd(), '```', '');
    // Colour names would be wrong in GitHub's dark theme: say which bars, not which colour.
    const path =
      timeline.criticalPath.length > 0
        ? `Critical path (highlighted bars): ${timeline.criticalPath.map(markdownText).join(' → ')}. `
        : '';
    out.push(
      `${path}Failed: red. ◆: skipped. A "(change set)" bar is a change set made early, before the stack waited for its dependencies.`,
      '',
    );
  }
  return `${out.join('\n')}`;
}

function tableRow(stack: StackRecord): string {
  const outcome = stack.outcome;
  const result =
    outcome === undefined
      ? '⏳ unfinished'
      : `${GLYPH[outcome]} ${outcome}${outcome === 'skipped' || outcome === 'blocked' ? `: ${markdownText(stack.reason ?? '')}` : ''}`;
  const time = stack.startedAt === undefined || stack.durationMs === undefined ? '—' : formatDuration(stack.durationMs);
  // Resources changed: only where the change set was executed (or found empty); a skipped or
  // blocked stack's change set changed nothing.
  const changed =
    stack.changes !== undefined && (stack.executingAt !== undefined || outcome === 'unchanged')
      ? stack.changes
      : undefined;
  const cell = (n: number | undefined): string => (n === undefined ? '—' : String(n));
  return (
    `| ${markdownText(stack.id)} | ${result} | ${time} | ` +
    `${cell(changed?.add)} | ${cell(changed?.modify)} | ${cell(changed?.remove)} |`
  );
}
