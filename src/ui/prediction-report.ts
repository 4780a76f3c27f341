import { changeTableLines } from './change-table.js';
import type { ChangeRow } from './change-table.js';
import type {
  PredictedOutputChange,
  PredictedProperty,
  PredictedResourceChange,
  StackPredictionResult,
} from '../engine/predict-changes.js';
import type { Colors } from './colors.js';

/** `validate --against-deployed` as a person reads it: per stack a table, guard verdicts, then what an offline diff cannot know. */
export function formatPrediction(results: readonly StackPredictionResult[], specSource: string, c: Colors): string {
  const out: string[] = [];
  for (const r of results) out.push(...stackSection(r, c), '');
  const withChanges = results.filter(
    (r) => r.prediction?.deployed === true && (r.prediction.resources.length > 0 || r.prediction.outputs.length > 0),
  ).length;
  const created = results.filter((r) => r.prediction?.deployed === false).length;
  const unchanged = results.filter(
    (r) => r.prediction?.deployed === true && r.prediction.resources.length === 0 && r.prediction.outputs.length === 0,
  ).length;
  const blocked = results.filter((r) => r.blocked.length > 0).length;
  const failed = results.filter((r) => r.problem !== undefined).length;
  out.push(
    [
      `against deployed: ${withChanges} with changes, ${unchanged} unchanged`,
      created ? `${created} not deployed yet` : '',
      blocked ? c.red(`${blocked} would be blocked by deploy`) : '',
      failed ? c.red(`${failed} could not be read`) : '',
    ]
      .filter(Boolean)
      .join(', ') + ' · nothing was changed',
  );
  out.push(
    c.dim(
      'Offline diff of the templates as written: parameter values, SSM values, upstream outputs ' +
        'and !Ref / !GetAtt results are not resolved and Conditions are not evaluated, ' +
        'so a resource whose expressions are unchanged can still change at deploy time; ' +
        `\`stackpilot plan\` shows the change sets CloudFormation would make. Resource spec from ${specSource}.`,
    ),
  );
  return `${out.join('\n')}\n`;
}

function outputsChanged(count: number): string {
  return count ? `, ${count} ${count === 1 ? 'output' : 'outputs'} changed` : '';
}

function stackSection(r: StackPredictionResult, c: Colors): string[] {
  const title = `${c.bold(r.stack)} ${c.dim(`(${r.stackName})`)}`;
  if (r.problem !== undefined || r.prediction === undefined)
    return [`${title}: ${c.red(r.problem ?? 'not predicted')}`];
  const p = r.prediction;
  if (!p.deployed) {
    return [
      `${title}: would be created (${p.resourceCount} ${p.resourceCount === 1 ? 'resource' : 'resources'})` +
        (r.status ? c.dim(` · deployed stack is ${r.status}`) : ''),
    ];
  }
  if (p.resources.length === 0 && p.outputs.length === 0) return [`${title}: ${c.dim('no changes')}`];
  const n = (action: string): number => p.resources.filter((ch) => ch.action === action).length;
  const lines = [
    `${title}: ${n('Add')} to add, ${n('Modify')} to modify, ${n('Remove')} to remove${outputsChanged(p.outputs.length)}`,
  ];
  if (p.resources.length > 0) {
    lines.push(
      ...changeTableLines(
        p.resources.map((ch): ChangeRow => [ch.action, ch.logicalId, ch.resourceType, ch.replacement ?? '', what(ch)]),
        c,
      ),
    );
  }
  for (const o of p.outputs) lines.push(`  output ${o.name} ${outputWhat(o)}`);
  for (const b of r.blocked) lines.push(c.red(`  deploy would block: ${b}`));
  for (const w of r.warnings) lines.push(c.yellow(`  warning: ${w}`));
  return lines;
}

function what(change: PredictedResourceChange): string {
  if (change.action === 'Add') return '';
  if (change.action === 'Remove')
    return change.deletionPolicy ? `DeletionPolicy ${change.deletionPolicy}` : 'deleted (no DeletionPolicy)';
  return [...change.attributes, ...change.properties.map(property)].join(', ');
}

function property(p: PredictedProperty): string {
  const effect =
    p.recreation === 'Always'
      ? 'replace'
      : p.recreation === 'Conditionally'
        ? 'may replace'
        : p.recreation === 'Never'
          ? 'in place'
          : 'not in the spec';
  return `${p.name} (${effect})`;
}

function outputWhat(o: PredictedOutputChange): string {
  const verb = o.action === 'Add' ? 'added' : o.action === 'Remove' ? 'removed' : 'changed';
  if (o.exportChange === undefined || o.exportName === undefined) return verb;
  return `${verb} (export ${o.exportName} ${o.exportChange})`;
}
