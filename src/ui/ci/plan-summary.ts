import type { EngineEvent } from '../../engine/events.js';
import type { PlannedStack } from '../../engine/plan/plan-run.js';
import type { RunHeader } from '../renderer.js';
import { planCaveats, planRows, planSummaryLine, ssmNote, stackHeadline } from '../plan-report.js';
import { markdownText } from './job-summary.js';

type Of<T extends EngineEvent['type']> = Extract<EngineEvent, { type: T }>;

/**
 * The GitHub job summary of a plan (Markdown): the verdict, then per stack its headline and a
 * table of changes (nested stacks' rows under their parent, as `Parent › Child`), then what no
 * plan can know. Every text from a template or CloudFormation goes through `markdownText`.
 */
export function renderPlanSummary(
  planned: readonly PlannedStack[],
  done: Of<'plan:done'> | undefined,
  header: RunHeader,
): string {
  const notInConfig = header.stageNotInConfig === true ? ', not in the config' : '';
  const region = header.region ? `, region ${header.region}` : '';
  const account = header.account ? `, account ${header.account}` : '';
  const where = `${header.project} (stage ${header.stage}${notInConfig}${region}${account})`;
  const [glyph, verdict] =
    done === undefined
      ? ['⚠️', 'did not finish']
      : done.detailedExitCode === 0
        ? ['✅', 'nothing to change']
        : done.detailedExitCode === 2
          ? ['📝', 'changes to deploy']
          : ['❌', 'some stacks could not be planned'];
  const out = [`## ${glyph} stackpilot plan: ${verdict}: ${markdownText(where)}`, ''];
  out.push(markdownText(planSummaryLine(planned)) + (header.simulated ? ' · simulated' : ''), '');

  for (const p of planned) {
    out.push(`### ${markdownText(p.stack)} (${markdownText(p.stackName)}): ${markdownText(stackHeadline(p))}`, '');
    if (p.status === 'changes' && p.pendingUpstream.length > 0) {
      out.push(
        `> depends on pending changes in ${markdownText(p.pendingUpstream.join(', '))}: ` +
          "this preview uses today's values of their outputs, which may still change",
        '',
      );
    }
    const note = ssmNote(p);
    if (note !== undefined) out.push(`> ${markdownText(note)}`, '');
    if (p.status !== 'changes') continue;
    const rows = planRows(p.changes, p.nested);
    if (rows.length === 0) continue;
    out.push('| Action | Logical ID | Type | Replacement | What changes |', '| --- | --- | --- | --- | --- |');
    for (const r of rows) {
      const id =
        r.depth === 0
          ? r.logicalId
          : [...r.path.slice(0, r.depth), ...(r.logicalId === '' ? [] : [r.logicalId])].join(' › ');
      const cells = [r.action, id, r.resourceType, r.replacement === 'True' ? '**True**' : r.replacement, r.what];
      out.push(
        `| ${cells.map((cell, i) => (i === 3 && cell === '**True**' ? cell : markdownText(cell))).join(' | ')} |`,
      );
    }
    out.push('');
  }

  const caveats = planCaveats(planned);
  if (caveats.length > 0) out.push(...caveats.map((line) => `- ${markdownText(line)}`), '');
  out.push('Nothing was changed: every change set was deleted after it was described.', '');
  return out.join('\n');
}
