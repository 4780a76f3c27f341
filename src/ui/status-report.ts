import type { StackStatusReport } from '../engine/status/read-stack-status.js';
import type { StatusRunResult } from '../engine/status/status-run.js';
import type { OrphanStack } from '../engine/orphans/find-orphans.js';
import { PROJECT_TAG, STAGE_TAG } from '../config/stack-tags.js';
import { describeDrift } from '../engine/drift/detect-drift.js';
import type { Colors } from './colors.js';

/** The header of a status report: what was looked at. */
export interface StatusHeader {
  project: string;
  stage: string;
  region: string | undefined;
}

const COLUMNS = ['stack', 'CloudFormation name', 'status', 'last updated', 'differs', 'protection', 'change sets'];

/**
 * `stackpilot status` as a person reads it: one table, a row per stack (a terminal is wider than
 * it is patient), then each stack's findings with the next step, then one summary line.
 */
export function formatStatus(result: StatusRunResult, header: StatusHeader, c: Colors): string {
  const out: string[] = [
    c.bold(`${header.project} · stage ${header.stage}${header.region ? ` · ${header.region}` : ''}`),
    '',
  ];
  const rows = result.stacks.map(row);
  const widths = COLUMNS.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  out.push(c.dim(line(COLUMNS)));
  result.stacks.forEach((s, i) => {
    const text = line(rows[i] ?? []);
    out.push(s.readiness === 'blocked' || s.readiness === 'unknown' ? c.red(text) : text);
  });

  const findings = result.stacks.flatMap((s) => findingLines(s, c));
  if (findings.length > 0) out.push('', ...findings);
  if (result.orphans.length > 0) out.push('', ...orphanLines(result.orphans, header, c));
  const drifts = driftLines(result.stacks, c);
  if (drifts.length > 0) out.push('', ...drifts);
  out.push('', summaryLine(result, c));
  return `${out.join('\n')}\n`;
}

function row(s: StackStatusReport): string[] {
  return [
    s.stack,
    s.stackName,
    s.readiness === 'not-deployed' ? 'not deployed' : (s.status ?? 'unknown'),
    s.lastUpdated === undefined ? '-' : `${s.lastUpdated.slice(0, 16).replace('T', ' ')} UTC`,
    differsCell(s),
    s.terminationProtection === undefined ? '-' : s.terminationProtection ? 'on' : 'off',
    s.readiness === 'not-deployed' || s.readiness === 'unknown' ? '-' : String(s.changeSets.length),
  ];
}

function differsCell(s: StackStatusReport): string {
  if (s.readiness === 'not-deployed') return 'to create';
  if (!s.differs) return '?';
  const parts = (['template', 'parameters', 'tags'] as const).filter((k) => s.differs?.[k]);
  return parts.length === 0 ? 'no' : parts.join(', ');
}

function findingLines(s: StackStatusReport, c: Colors): string[] {
  const lines: string[] = [];
  for (const p of s.problems) {
    const mark = p.severity === 'blocking' ? c.red('✗') : c.yellow('!');
    lines.push(`${mark} ${c.bold(s.stack)}: ${p.message}`, `  → ${p.next}`);
  }
  if (s.differsNote !== undefined && s.readiness !== 'blocked' && s.readiness !== 'unknown')
    lines.push(`${c.dim('·')} ${c.bold(s.stack)}: ${c.dim(`differs not known: ${s.differsNote}`)}`);
  return lines;
}

/** `--drift`: stateful stacks first, each drifted resource with its property differences. */
function driftLines(stacks: readonly StackStatusReport[], c: Colors): string[] {
  const checked = stacks.filter((s) => s.drift !== undefined).sort((a, b) => Number(b.stateful) - Number(a.stateful));
  if (checked.length === 0) return [];
  const lines = [c.bold('Drift (stateful stacks first):')];
  for (const s of checked) {
    const drift = s.drift;
    if (!drift) continue;
    const name = `${c.bold(s.stack)}${s.stateful ? ' (stateful)' : ''}`;
    if (drift.status === 'IN_SYNC') {
      lines.push(`${c.dim('·')} ${name}: in sync`);
      continue;
    }
    if (drift.status !== 'DRIFTED') {
      lines.push(
        `${c.yellow('!')} ${name}: drift not known (${drift.status}${drift.reason ? `: ${drift.reason}` : ''})`,
      );
      continue;
    }
    const mark = s.stateful ? c.red('✗') : c.yellow('!');
    const count = drift.resources.length;
    lines.push(
      `${mark} ${name}: drifted, ${count} ${count === 1 ? 'resource' : 'resources'}${drift.reason ? ` (${drift.reason})` : ''}`,
      ...describeDrift(drift.resources).map((l) => `    ${l}`),
      '  → a change set does not see drift: bring the resources back to the template, ' +
        `or the template to the resources, before deploying ${s.stack}; ` +
        'deploy --check-drift asks before updating a drifted stateful stack',
    );
  }
  return lines;
}

function orphanLines(orphans: readonly OrphanStack[], header: StatusHeader, c: Colors): string[] {
  const widths = [0, 1].map((i) => Math.max(...orphans.map((o) => (i === 0 ? o.stackName.length : o.status.length))));
  return [
    c.yellow(
      `! ${orphans.length} orphaned ${orphans.length === 1 ? 'stack' : 'stacks'}: ` +
        `tagged ${PROJECT_TAG}=${header.project} and ${STAGE_TAG}=${header.stage}, no longer in the config`,
    ),
    ...orphans.map((o) =>
      [
        `  ${o.stackName.padEnd(widths[0] ?? 0)}`,
        o.status.padEnd(widths[1] ?? 0),
        o.lastUpdated === undefined ? '-' : `${o.lastUpdated.slice(0, 16).replace('T', ' ')} UTC`,
        `protection ${o.terminationProtection ? 'on' : 'off'}`,
      ].join('  '),
    ),
    '  → put them back in the config, or remove them: stackpilot destroy --orphans, ' +
      'or aws cloudformation delete-stack --stack-name <name>',
  ];
}

function summaryLine(result: StatusRunResult, c: Colors): string {
  const count = (readiness: StackStatusReport['readiness']): number =>
    result.stacks.filter((s) => s.readiness === readiness).length;
  const changed = result.stacks.filter(
    (s) => s.differs && (s.differs.template || s.differs.parameters || s.differs.tags),
  ).length;
  const parts = [`${count('deployable')} deployable`];
  if (changed > 0) parts.push(`${changed} with local changes`);
  if (count('not-deployed') > 0) parts.push(`${count('not-deployed')} not deployed`);
  if (count('blocked') > 0) parts.push(c.red(`${count('blocked')} would stop a deploy`));
  if (count('unknown') > 0) parts.push(c.red(`${count('unknown')} could not be read`));
  if (result.orphans.length > 0) parts.push(c.yellow(`${result.orphans.length} orphaned`));
  const drifted = result.stacks.filter((s) => s.drift?.status === 'DRIFTED');
  const statefulDrifted = drifted.filter((s) => s.stateful).length;
  if (statefulDrifted > 0) parts.push(c.red(`${statefulDrifted} stateful drifted`));
  if (drifted.length > statefulDrifted) parts.push(c.yellow(`${drifted.length - statefulDrifted} drifted`));
  return `${parts.join(', ')} · nothing was changed`;
}
