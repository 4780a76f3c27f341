import {
  approvalWaitRealMs,
  CATEGORY_ORDER,
  categoryOf,
  categoryWords,
  isActive,
  phaseText,
  stackElapsedMs,
} from './selectors.js';
import type { StackCategory } from './selectors.js';
import type { DashboardState, StackView } from './store.js';
import { fit, formatElapsed, oneLine, padStart, progressBar, spinnerFrame, truncate } from './text.js';
import { seg } from './lines.js';
import type { Line, Segment } from './lines.js';

const MAX_ID = 24;
const PHASE = 20;
const BAR = 10;
const ELAPSED = 5;
const GAP = '  ';

/**
 * The stack table within `height` lines: one row per stack in dependency order, finished
 * unchanged stacks folded into one line, and when that is still too long, the stacks that need
 * eyes (failed, asking, running) kept and the rest counted on a last line. `now` is the run's clock
 * (simulated in `--simulate`); `realNow` is real time, for spinners and a person's approval wait.
 */
export function layoutTable(
  state: DashboardState,
  now: number,
  width: number,
  height: number,
  realNow: number = now,
): Line[] {
  const clocks = { now, realNow };
  const stacks = state.order.map((id) => state.stacks[id]).filter((s): s is StackView => s !== undefined);
  const unchanged = stacks.filter((s) => s.state === 'done' && s.outcome === 'unchanged');
  const folded = unchanged.length >= 2;
  const rows = folded ? stacks.filter((s) => !unchanged.includes(s)) : stacks;
  const idWidth = Math.min(MAX_ID, Math.max(2, ...rows.map((s) => s.id.length)));
  const lines: Line[] = [];
  if (folded) {
    lines.push([
      seg('= ', 'gray'),
      seg(truncate(`${unchanged.length} unchanged: ${unchanged.map((s) => s.id).join(', ')}`, width - 2), 'gray'),
    ]);
  }
  const room = Math.max(1, height - lines.length);
  if (rows.length <= room) return [...lines, ...rows.map((s) => stackRow(state, s, clocks, width, idWidth))];

  const keep = new Set([...rows].sort((a, b) => rank(state, a) - rank(state, b)).slice(0, Math.max(0, room - 1)));
  const hidden = rows.filter((s) => !keep.has(s));
  return [
    ...lines,
    ...rows.filter((s) => keep.has(s)).map((s) => stackRow(state, s, clocks, width, idWidth)),
    [seg(truncate(`  ${moreLine(state, hidden)}`, width), 'gray')],
  ];
}

/** Which stacks stay on screen when not all fit: lower first. */
function rank(state: DashboardState, s: StackView): number {
  const category = categoryOf(state, s);
  if (category === 'failed' || category === 'unknown') return 0;
  if (category === 'approval') return 1;
  if (category === 'running') return 2;
  if (category === 'blocked') return 3;
  if (s.state === 'parked') return 4;
  if (category === 'skipped') return 5;
  if (category === 'waiting') return 7;
  return 6;
}

/** `+8 more waiting`, or `+11 more: 8 waiting, 3 created`. */
function moreLine(state: DashboardState, hidden: readonly StackView[]): string {
  const counts = new Map<StackCategory, number>();
  for (const s of hidden) counts.set(categoryOf(state, s), (counts.get(categoryOf(state, s)) ?? 0) + 1);
  const parts = CATEGORY_ORDER.filter((c) => counts.has(c)).map((c) => `${counts.get(c) ?? 0} ${categoryWords(c)}`);
  const [only] = counts.keys();
  return counts.size === 1 && only !== undefined
    ? `+${hidden.length} more ${categoryWords(only)}`
    : `+${hidden.length} more: ${parts.join(', ')}`;
}

function glyph(state: DashboardState, s: StackView, now: number): Segment {
  if (isActive(state, s)) return seg(spinnerFrame(now), 'cyan');
  switch (categoryOf(state, s)) {
    case 'approval':
      return seg('?', 'yellow', true);
    case 'created':
    case 'updated':
      return seg('✓', 'green');
    case 'unchanged':
    case 'absent':
      return seg('=', 'gray');
    case 'deleted':
      return seg('✓', 'green');
    case 'failed':
      return seg('✗', 'red', true);
    case 'unknown':
      return seg('?', 'red', true);
    case 'blocked':
      return seg('!', 'yellow');
    case 'skipped':
      return seg('-', 'yellow');
    default:
      return seg('·', 'gray');
  }
}

/** Started and not finished, or failed: worth the bar, the time and the latest event. */
function hasDetails(state: DashboardState, s: StackView): boolean {
  if (s.state === 'done') return s.outcome === 'failed' && s.startedAt !== undefined;
  return s.startedAt !== undefined;
}

function stackRow(
  state: DashboardState,
  s: StackView,
  { now, realNow }: { now: number; realNow: number },
  width: number,
  idWidth: number,
): Line {
  // The spinner turns in real time: simulated time stands still while a person is asked.
  const head = [glyph(state, s, realNow), seg(' '), seg(fit(s.id, idWidth), undefined, true), seg(GAP)];
  const used = 2 + idWidth + GAP.length;
  const phase = phaseText(state, s);
  const category = categoryOf(state, s);
  const tone =
    category === 'failed' || category === 'unknown'
      ? 'red'
      : category === 'blocked' || category === 'skipped' || category === 'approval'
        ? 'yellow'
        : category === 'waiting' || category === 'unchanged' || category === 'absent'
          ? 'gray'
          : undefined;
  const wide = width - used >= PHASE + GAP.length + BAR + GAP.length + ELAPSED;
  if (!hasDetails(state, s) || !wide) return [...head, seg(truncate(phase, width - used), tone)];

  const bar = s.total ? progressBar(s.completed.length, s.total, BAR) : ' '.repeat(BAR);
  // Awaiting approval: the person's wait, in real time (the stack's work clock is stopped).
  const asking = category === 'approval' ? approvalWaitRealMs(s, realNow) : undefined;
  const elapsed = asking ?? stackElapsedMs(s, now);
  const latestRoom = width - used - PHASE - BAR - ELAPSED - 3 * GAP.length;
  const latest = s.rootCause
    ? `${s.rootCause.logicalId} ${s.rootCause.status}`
    : (s.latest ?? (s.warnings.length > 0 ? `warning: ${s.warnings.at(-1) ?? ''}` : ''));
  return [
    ...head,
    seg(fit(phase, PHASE), tone),
    seg(GAP),
    seg(bar, category === 'failed' ? 'red' : 'cyan'),
    seg(GAP),
    seg(
      padStart(elapsed === undefined ? '' : formatElapsed(elapsed), ELAPSED),
      asking === undefined ? undefined : 'yellow',
    ),
    seg(GAP),
    seg(truncate(oneLine(latest), latestRoom), s.latestFailed || s.rootCause ? 'red' : 'gray'),
  ];
}
