import type { ApprovalRequest } from '../../engine/guards/approvals.js';
import type { ResourceChangeSummary } from '../../engine/events.js';
import type { DashboardState } from './store.js';
import { fit, truncate, width as textWidth, wrap } from './text.js';
import { plain, seg } from './lines.js';
import type { Line } from './lines.js';

/**
 * The failure panel's lines (inside its border, `width` columns): per failed stack, the root cause
 * (logical id, type, status) and its reason, wrapped; at most `maxLinesEach` lines a stack.
 */
export function failureLines(state: DashboardState, width: number, maxLinesEach: number): Line[] {
  const lines: Line[] = [];
  for (const id of state.order) {
    const s = state.stacks[id];
    if (s?.outcome !== 'failed') continue;
    const cause = s.rootCause;
    const title = cause ? `${id}: ${cause.logicalId} (${cause.resourceType}) ${cause.status}` : `${id} failed`;
    const reason = cause ? cause.reason : (s.reason ?? 'no reason given');
    const text = [
      ...wrap(title, width, '  ').map((t) => plain(t, 'red', true)),
      ...wrap(reason, width - 2).map((t) => plain(`  ${t}`)),
    ];
    lines.push(...capped(text, maxLinesEach, width));
  }
  return lines;
}

/** The first request in the queue: the change set, flagged changes first and marked, and the keys. */
export function approvalLines(state: DashboardState, width: number, maxChanges: number): Line[] {
  const request = state.approvals[0];
  if (!request) return [];
  const queued = state.approvals.length - 1;
  const title = truncate(`approve ${request.stack} (${request.stackName})?`, width);
  const more = queued > 0 ? truncate(`  ${queued} more waiting`, width - textWidth(title)) : '';
  const lines: Line[] = [[seg(title, 'yellow', true), ...(more ? [seg(more, 'gray')] : [])]];
  lines.push(...wrap(request.reason, width).map((t) => plain(t)));
  lines.push(...changeLines(request, width, maxChanges));
  lines.push([
    seg('y', 'green', true),
    seg(' approve · '),
    seg('n', 'red', true),
    seg(' reject'),
    ...(request.onlyQuestion === true
      ? []
      : [seg(' · '), seg('a', 'yellow', true), seg(truncate(' approve this and all remaining', width - 24))]),
  ]);
  return lines;
}

function changeLines(request: ApprovalRequest, width: number, maxChanges: number): Line[] {
  if (request.changes.length === 0) return [plain('no resource changes: outputs, tags or parameters only', 'gray')];
  const flagged = (c: ResourceChangeSummary): boolean => request.flagged.some((f) => f.logicalId === c.logicalId);
  const changes = [...request.changes.filter(flagged), ...request.changes.filter((c) => !flagged(c))];
  const idWidth = Math.min(24, Math.max(...changes.map((c) => c.logicalId.length)));
  const typeWidth = Math.min(32, Math.max(...changes.map((c) => c.resourceType.length)));
  const shown = changes.length <= maxChanges ? changes : changes.slice(0, Math.max(1, maxChanges - 1));
  const lines = shown.map((c): Line => {
    const mark = flagged(c);
    const causes = request.replacedBecause?.get(c.logicalId);
    const replace =
      (c.replacement === 'True' ? 'replace' : c.replacement === 'Conditional' ? 'may replace' : '') +
      (c.action !== 'Remove' && causes?.length ? `: ${causes.join(', ')}` : '');
    const text = truncate(
      `${mark ? '!' : ' '} ${fit(c.action, 6)}  ${fit(c.logicalId, idWidth)}  ${fit(c.resourceType, typeWidth)}  ${replace}`.trimEnd(),
      width,
    );
    return [seg(text, mark ? (c.action === 'Remove' || c.replacement === 'True' ? 'red' : 'yellow') : undefined, mark)];
  });
  if (shown.length < changes.length) lines.push(plain(`  +${changes.length - shown.length} more changes`, 'gray'));
  return lines;
}

/** At most `max` lines; the last one kept ends with `…` when some were cut. */
function capped(lines: Line[], max: number, width: number): Line[] {
  if (lines.length <= max) return lines;
  const kept = lines.slice(0, max);
  const last = kept.at(-1)?.[0];
  if (last) kept[kept.length - 1] = [{ ...last, text: truncate(`${last.text}…`, width) }];
  return kept;
}
