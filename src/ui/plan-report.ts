import { changeTableLines } from './change-table.js';
import type { ChangeRow } from './change-table.js';
import type { NestedPlan, PlannedChange, StackPlan } from '../engine/events.js';
import type { PlanRunResult, PlannedStack } from '../engine/plan/plan-run.js';
import type { Colors } from './colors.js';

/** The plan as a person reads it: per stack a table of changes and a summary line, then the whole graph. */
export function formatPlan(result: PlanRunResult, c: Colors): string {
  const out: string[] = [];
  for (const p of result.stacks) out.push(...stackSection(p, c), '');
  out.push(planSummaryLine(result.stacks, c));
  out.push(...planCaveats(result.stacks).map((line) => c.dim(line)));
  return `${out.join('\n')}\n`;
}

/** `plan: 2 with changes, 1 unchanged · 3 to add, … · nothing was changed`. */
export function planSummaryLine(stacks: readonly PlannedStack[], c?: Colors): string {
  const red = c ? c.red : (text: string): string => text;
  const count = (status: PlannedStack['status']): number => stacks.filter((p) => p.status === status).length;
  const changes = stacks.flatMap((p) => allChanges(p));
  const n = (action: string): number => changes.filter((ch) => ch.action === action).length;
  return (
    [
      `plan: ${count('changes')} with changes, ${count('unchanged')} unchanged`,
      count('pending') ? `${count('pending')} waiting for upstream stacks` : '',
      count('blocked') ? red(`${count('blocked')} blocked`) : '',
      count('failed') ? red(`${count('failed')} could not be planned`) : '',
      count('skipped') ? `${count('skipped')} skipped` : '',
    ]
      .filter(Boolean)
      .join(', ') + ` · ${n('Add')} to add, ${n('Modify')} to modify, ${n('Remove')} to remove · nothing was changed`
  );
}

/** What no plan can know before deploying, said where it matters (plain text). */
export function planCaveats(stacks: readonly PlannedStack[]): string[] {
  const out: string[] = [];
  if (stacks.some((p) => allChanges(p).some((ch) => ch.replacement === 'Conditional'))) {
    out.push('"Conditional": CloudFormation decides only while deploying whether the resource is replaced.');
  }
  // Only stacks with changes carry the mark (stackLines): the footnote explains a mark, so it needs one.
  if (stacks.some((p) => p.status === 'changes' && p.pendingUpstream.length > 0)) {
    out.push(
      'Stacks marked "depends on pending changes" were previewed with the values their upstream stacks have today.',
    );
  }
  return out;
}

/**
 * For a stack whose template has CloudFormation read SSM parameters (parameter types,
 * `{{resolve:ssm:...}}`): which values the preview saw. Only where a change set was made.
 */
export function ssmNote(p: StackPlan): string | undefined {
  const reads = p.ssmReads ?? [];
  if (reads.length === 0 || (p.status !== 'changes' && p.status !== 'unchanged')) return undefined;
  const names = reads.length > 3 ? `${reads.slice(0, 3).join(', ')} and ${reads.length - 3} more` : reads.join(', ');
  return (
    `reads SSM at deploy time (${names}): this preview used the values CloudFormation read when the change set was made; ` +
    'a deploy reads them again when it makes its own'
  );
}

/** The headline of a stack's section, without colour: `update, 1 to add, 2 to modify, 0 to remove`. */
export function stackHeadline(p: PlannedStack): string {
  if (p.status === 'unchanged') return 'no changes';
  if (p.status === 'pending') return p.reason ?? 'will be created later';
  if (p.status === 'blocked') return `blocked: ${p.reason ?? ''}`;
  if (p.status === 'failed' || p.status === 'skipped') return `${p.status}: ${p.reason ?? ''}`;
  const changes = allChanges(p);
  const n = (action: string): number => changes.filter((ch) => ch.action === action).length;
  const kind = p.changeSetType === 'CREATE' ? 'create' : 'update';
  const onlyOther = p.changes.length === 0 ? ' (outputs, tags or parameters only)' : '';
  return `${kind}, ${n('Add')} to add, ${n('Modify')} to modify, ${n('Remove')} to remove${onlyOther}`;
}

/** One row of a stack's table; nested stacks' rows follow their parent's with a larger depth. */
export interface PlanRow {
  depth: number;
  /** Logical ids from the top stack's resource down to this one. */
  path: string[];
  action: string;
  logicalId: string;
  resourceType: string;
  replacement: string;
  what: string;
}

/** The table of a stack: its changes, each nested stack's changes right under its `AWS::CloudFormation::Stack` row. */
export function planRows(
  changes: readonly PlannedChange[],
  nested: readonly NestedPlan[] | undefined,
  depth = 0,
  parents: string[] = [],
): PlanRow[] {
  const rows: PlanRow[] = [];
  const placed = new Set<NestedPlan>();
  for (const ch of changes) {
    const path = [...parents, ch.logicalId];
    rows.push({
      depth,
      path,
      action: ch.action,
      logicalId: ch.logicalId,
      resourceType: ch.resourceType,
      replacement: ch.replacement ?? '',
      what: causes(ch),
    });
    for (const child of nested ?? []) {
      if (child.logicalId !== ch.logicalId || placed.has(child)) continue;
      placed.add(child);
      rows.push(...nestedRows(child, depth + 1, path));
    }
  }
  // A nested change set whose parent row is missing still shows, at the end.
  for (const child of nested ?? [])
    if (!placed.has(child)) rows.push(...nestedRows(child, depth + 1, [...parents, child.logicalId]));
  return rows;
}

function nestedRows(child: NestedPlan, depth: number, path: string[]): PlanRow[] {
  const rows = planRows(child.changes, child.nested, depth, path);
  if (child.reason !== undefined)
    rows.unshift({ depth, path, action: '', logicalId: '', resourceType: '', replacement: '', what: child.reason });
  else if (rows.length === 0)
    rows.push({
      depth,
      path,
      action: '',
      logicalId: '',
      resourceType: '',
      replacement: '',
      what: 'no resource changes in this nested stack',
    });
  return rows;
}

/** Every change of a stack, nested stacks' included. */
export function allChanges(p: Pick<StackPlan, 'changes' | 'nested'>): PlannedChange[] {
  const fromNested = (list: readonly NestedPlan[] | undefined): PlannedChange[] =>
    (list ?? []).flatMap((n) => [...n.changes, ...fromNested(n.nested)]);
  return [...p.changes, ...fromNested(p.nested)];
}

function stackSection(p: PlannedStack, c: Colors): string[] {
  const title = `${c.bold(p.stack)} ${c.dim(`(${p.stackName})`)}`;
  const headline = stackHeadline(p);
  const note = ssmNote(p);
  const noteLines = note ? [c.dim(`  ${note}`)] : [];
  if (p.status === 'unchanged') return [`${title}: ${c.dim(headline)}`, ...noteLines];
  if (p.status === 'pending') return [`${title}: ${c.yellow(headline)}`];
  if (p.status !== 'changes') return [`${title}: ${c.red(headline)}`];
  const lines = [`${title}: ${headline}`];
  if (p.pendingUpstream.length > 0) {
    lines.push(
      c.yellow(
        `  depends on pending changes in ${p.pendingUpstream.join(', ')}: ` +
          "this preview uses today's values of their outputs, which may still change",
      ),
    );
  }
  lines.push(...noteLines);
  const planned = planRows(p.changes, p.nested);
  if (planned.length === 0) return lines;
  lines.push(
    ...changeTableLines(
      planned.map((r): ChangeRow => [
        r.action,
        `${'  '.repeat(r.depth)}${r.depth > 0 && r.logicalId !== '' ? '↳ ' : ''}${r.logicalId}`,
        r.resourceType,
        r.replacement,
        r.what,
      ]),
      c,
    ),
  );
  return lines;
}

/** Properties and causes: `Name (direct), Memory (parameter MemorySize), Bucket (upstream output data.BucketName)`. */
export function causes(change: PlannedChange): string {
  const targetOf = (d: PlannedChange['details'][number]): string =>
    d.name
      ? `${d.attribute === 'Properties' || d.attribute === undefined ? '' : `${d.attribute}.`}${d.name}`
      : (d.attribute ?? '');
  // A parameter edit comes as a ParameterReference plus a Dynamic DirectModification of the same
  // target (§2.4): the parameter is the cause, the second says only that its value is not known yet.
  const byParameter = new Set(change.details.filter((d) => d.changeSource === 'ParameterReference').map(targetOf));
  const details = change.details.filter(
    (d) => !(d.changeSource === 'DirectModification' && d.evaluation === 'Dynamic' && byParameter.has(targetOf(d))),
  );
  const parts = details.map((d) => {
    const target = targetOf(d);
    const cause = d.upstreamOutput
      ? `upstream output ${d.upstreamOutput.stack}.${d.upstreamOutput.output}`
      : d.changeSource === 'DirectModification'
        ? 'direct'
        : d.changeSource === 'ParameterReference'
          ? `parameter ${d.causingEntity ?? ''}`.trim()
          : d.changeSource === 'ResourceReference' || d.changeSource === 'ResourceAttribute'
            ? `from ${d.causingEntity ?? 'another resource'}`
            : (d.changeSource ?? '').toLowerCase();
    return cause ? `${target} (${cause})` : target;
  });
  return [...new Set(parts.filter(Boolean))].join(', ');
}
