import type { Colors } from './colors.js';

/** One row: action, logical id, type, replacement, what changes. */
export type ChangeRow = [action: string, logicalId: string, resourceType: string, replacement: string, what: string];

/**
 * A change set as a table under its stack's headline (plan, validate --against-deployed): columns
 * padded to their widest cell, removals and replacements red, possible replacements yellow.
 */
export function changeTableLines(rows: readonly ChangeRow[], c: Colors): string[] {
  const header: ChangeRow = ['action', 'logical id', 'type', 'replacement', 'what changes'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]?.length ?? 0)));
  const line = (cells: readonly string[]): string =>
    `  ${cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ')}`.trimEnd();
  return [
    c.dim(line(header)),
    ...rows.map((row) => {
      const text = line(row);
      return row[0] === 'Remove' || row[3] === 'True' ? c.red(text) : row[3] === 'Conditional' ? c.yellow(text) : text;
    }),
  ];
}
