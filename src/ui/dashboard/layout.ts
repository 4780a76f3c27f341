import { formatDuration } from '../../format-duration.js';
import type { DashboardSnapshot } from './live-store.js';
import { withoutKeyAdvice } from './key-advice.js';
import { approvalLines, failureLines } from './panel-layout.js';
import { categoryWords, countByCategory, runElapsedMs, timeLeftMs } from './selectors.js';
import { layoutTable } from './table-layout.js';
import { formatElapsed, truncate, width as textWidth, wrap } from './text.js';
import { plain, seg } from './lines.js';
import type { Line } from './lines.js';

/** The whole screen as lines: what the components paint, and what the tests read. */
export interface Frame {
  width: number;
  header: Line;
  /** Under the header: the Node notice (RunHeader.nodeNotice), wrapped; empty: none. */
  headerNotes: Line[];
  table: Line[];
  /** Inside the failure panel's border (`width - PANEL_CHROME` columns); empty: no panel. */
  failures: Line[];
  /** Inside the approval panel's border; empty: no request waiting. */
  approval: Line[];
  notices: Line[];
  footer: Line;
}

/** Columns a panel's border and padding take. */
export const PANEL_CHROME = 4;
/** Header, blank, blank, footer. */
const FIXED_LINES = 4;
const MIN_TABLE = 4;

/**
 * Lays the snapshot out in `columns` × `rows - 1` (a frame as tall as the terminal makes Ink clear
 * the screen on every redraw). Panels shrink first when space is short (fewer changes shown, root
 * causes cut), so the table keeps at least a few rows.
 */
export function layoutFrame(snapshot: DashboardSnapshot): Frame {
  const { state, now } = snapshot;
  const width = Math.max(40, snapshot.columns);
  const height = Math.max(FIXED_LINES + MIN_TABLE, snapshot.rows - 1);
  const inner = width - PANEL_CHROME;
  const notices = state.notices.slice(-2).flatMap((n) =>
    wrap(state.run ? withoutKeyAdvice(n) : n, width)
      .slice(0, 3)
      .map((t) => plain(t, 'yellow')),
  );
  const headerNotes = (state.header.nodeNotice === undefined ? [] : wrap(state.header.nodeNotice, width))
    .slice(0, 3)
    .map((t) => plain(t, 'yellow'));
  const wanted = Math.min(MIN_TABLE, state.order.length);

  let maxChanges = 8;
  let maxFailureLines = 6;
  let failures = failureLines(state, inner, maxFailureLines);
  let approval = approvalLines(state, inner, maxChanges);
  const room = (): number =>
    height - FIXED_LINES - headerNotes.length - notices.length - panelHeight(failures) - panelHeight(approval);
  while (room() < wanted && (maxChanges > 2 || maxFailureLines > 2)) {
    if (maxChanges > 2) maxChanges -= 1;
    else maxFailureLines -= 1;
    failures = failureLines(state, inner, maxFailureLines);
    approval = approvalLines(state, inner, maxChanges);
  }
  return {
    width,
    header: headerLine(snapshot, width),
    headerNotes,
    table: layoutTable(state, now, width, Math.max(1, room()), snapshot.realNow ?? now),
    failures,
    approval,
    notices,
    footer: footerLine(snapshot, width),
  };
}

function panelHeight(lines: readonly Line[]): number {
  return lines.length === 0 ? 0 : lines.length + 2;
}

function headerLine({ state, now }: DashboardSnapshot, width: number): Line {
  const h = state.header;
  const parts = [
    `stage ${h.stage}${h.stageNotInConfig === true ? ' (not in config)' : ''}`,
    ...(h.region ? [h.region] : []),
    ...(h.account ? [`account ${h.account}`] : []),
    `concurrency ${h.concurrency}`,
    ...(h.simulated ? ['simulated'] : []),
  ];
  const elapsed = formatElapsed(runElapsedMs(state, now));
  const left = truncate(`${h.command} ${h.project} · ${parts.join(' · ')}`, width - elapsed.length - 2);
  return [seg(left, undefined, true), seg(' '.repeat(width - textWidth(left) - elapsed.length)), seg(elapsed)];
}

function footerLine({ state, now, timeLeftMs: smoothed }: DashboardSnapshot, width: number): Line {
  const counts = countByCategory(state).map(([category, n]) => `${n} ${categoryWords(category)}`);
  if (state.approveAll) counts.push('approving all remaining');
  const left = counts.join(' · ');
  let right = '';
  if (state.run) right = `${state.run.exitCode === 0 ? 'done' : 'failed'} in ${formatDuration(state.run.durationMs)}`;
  else {
    const estimate = smoothed ?? timeLeftMs(state, now);
    if (estimate !== undefined) right = `about ${formatElapsed(estimate)} left`;
  }
  if (right === '') return [seg(truncate(left, width))];
  const shownLeft = truncate(left, width - right.length - 2);
  return [
    seg(shownLeft),
    seg(' '.repeat(width - textWidth(shownLeft) - right.length)),
    seg(right, state.run && state.run.exitCode !== 0 ? 'red' : 'cyan'),
  ];
}
