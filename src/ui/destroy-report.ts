import type { EngineEvent, RetainedResource } from '../engine/events.js';
import type { Colors } from './colors.js';
import { wrap } from './dashboard/text.js';

type Planned = Extract<EngineEvent, { type: 'destroy:planned' }>;

/** Columns padded to their widest cell; the last one is not padded. */
function table(rows: readonly (readonly string[])[]): string[] {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((row) => row[i]?.length ?? 0)));
  return rows.map((cells) =>
    `  ${cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ')}`.trimEnd(),
  );
}

/**
 * The table shown before anything is deleted: per stack what happens to it, then what its
 * DeletionPolicy keeps, then why stacks are refused or stay, then warnings.
 */
export function destroyPlanLines(planned: Planned, c: Colors): string[] {
  const out: string[] = [];
  const head = ['stack', 'CloudFormation stack', 'action', 'resources'];
  const rows = planned.stacks.map((s) => [
    s.stack,
    s.stackName,
    s.action,
    s.action === 'not deployed'
      ? ''
      : `${s.deletes} deleted${s.kept.length > 0 ? `, ${s.kept.length} kept (DeletionPolicy)` : ''}`,
  ]);
  const lines = table([head, ...rows]);
  out.push(c.dim(lines[0] ?? ''));
  lines.slice(1).forEach((line, i) => {
    const action = planned.stacks[i]?.action;
    out.push(action === 'delete' ? c.red(line) : action === 'not deployed' ? c.dim(line) : c.yellow(line));
  });
  const kept = planned.stacks.flatMap((s) =>
    s.action === 'not deployed' ? [] : s.kept.map((k) => ({ ...k, stack: s.stack, action: s.action })),
  );
  if (kept.length > 0) {
    out.push('', 'What stays in the account after its stack is deleted:');
    out.push(
      ...table(
        kept.map((k) => [
          `${k.stack}.${k.logicalId}`,
          k.resourceType,
          k.policy === 'Snapshot' ? 'Snapshot (a final snapshot stays, the resource goes)' : k.policy,
          k.fixedName === undefined ? '' : `named ${k.fixedName}`,
        ]),
      ),
    );
  }
  const reasons = planned.stacks.filter((s) => s.reason !== undefined);
  if (reasons.length > 0) {
    out.push('');
    for (const s of reasons)
      out.push(c.yellow(`${s.stack} ${s.action === 'refused' ? 'is refused' : 'stays'}: ${s.reason ?? ''}`));
  }
  for (const warning of planned.warnings) out.push(c.yellow(`warning: ${warning}`));
  return out;
}

/**
 * After the run: what was retained, by physical id, and which of it has a fixed name (a later
 * deploy of the same stage fails on those with "already exists" until they are deleted or imported).
 */
export function retainedLines(
  retained: readonly (RetainedResource & { stack: string })[],
  stage: string,
  c: Colors,
  /** The terminal's width, to wrap the closing sentence at words; none: one line (a pipe, a log). */
  columns?: number,
): string[] {
  if (retained.length === 0) return [];
  const out = [
    'Retained (still in the account, no longer in any stack):',
    ...table(
      retained.map((r) => [`${r.stack}.${r.logicalId}`, r.resourceType, r.physicalId || '(physical id unknown)']),
    ),
  ];
  const fixed = retained.filter((r) => r.fixedName);
  if (fixed.length > 0) {
    const sentence =
      `${fixed.map((r) => `${r.stack}.${r.logicalId}`).join(', ')} ${fixed.length === 1 ? 'has a fixed name' : 'have fixed names'}: ` +
      `a later deploy of stage ${stage} will fail on ${fixed.length === 1 ? 'it' : 'them'} ("already exists") ` +
      `until ${fixed.length === 1 ? 'it is' : 'they are'} deleted or imported into the stack (IMPORT change set)`;
    // Wrapped here, not by the terminal: a terminal breaks words in half.
    const lines = columns !== undefined && columns >= 20 ? wrap(sentence, columns) : [sentence];
    out.push(...lines.map((line) => c.yellow(line)));
  }
  return out;
}
