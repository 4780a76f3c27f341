import type { StackOutputs } from '../engine/read-outputs.js';
import type { Colors } from './colors.js';

/** Why a stack has no outputs to show, for the message naming it. */
export function notDeployedReason(result: StackOutputs): string {
  if (result.status === undefined) return 'is not deployed';
  if (result.status === 'REVIEW_IN_PROGRESS')
    return 'is not deployed yet (REVIEW_IN_PROGRESS: a change set was made, never executed)';
  return `has nothing deployed (${result.status})`;
}

/**
 * The deployed outputs as one table: stack, output key, value, export name. A deployed stack
 * without outputs gets a dimmed row; stacks not deployed are left to the caller's message.
 */
export function formatOutputsTable(results: readonly StackOutputs[], c: Colors): string {
  const rows: string[][] = [];
  const empty = new Set<number>();
  for (const result of results) {
    if (!result.deployed) continue;
    if (result.outputs.length === 0) {
      empty.add(rows.length);
      rows.push([result.stack, '(no outputs)', '', '']);
    }
    for (const output of result.outputs) rows.push([result.stack, output.key, output.value, output.exportName ?? '']);
  }
  if (rows.length === 0) return '';
  const header = ['stack', 'output', 'value', 'export'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]?.length ?? 0)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return `${[c.dim(line(header)), ...rows.map((row, i) => (empty.has(i) ? c.dim(line(row)) : line(row)))].join('\n')}\n`;
}

/** `--output json`: one document, stable for scripts. */
export function formatOutputsJson(results: readonly StackOutputs[], outputsFile?: object): string {
  return `${JSON.stringify({
    stacks: results.map((r) => ({
      stack: r.stack,
      stackName: r.stackName,
      status: r.status ?? null,
      deployed: r.deployed,
      outputs: r.outputs.map((o) => ({
        key: o.key,
        value: o.value,
        exportName: o.exportName ?? null,
        description: o.description ?? null,
      })),
    })),
    ...(outputsFile === undefined ? {} : { outputsFile }),
  })}\n`;
}
