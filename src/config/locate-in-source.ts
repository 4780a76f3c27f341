import type { SourceLocation } from '../errors.js';

/**
 * Finds the line of a config field in the config's source text, for error messages. The config
 * may be TypeScript computed at run time, so this is a best effort: it looks for each key of the
 * path in turn, each after the previous one, as a key (`name:` / `"name":`). Array indices map to
 * the n-th item after the key. Returns the file alone when a key cannot be found.
 */
export function locateInSource(source: string, file: string, path: readonly PropertyKey[]): SourceLocation {
  const lines = source.split('\n');
  let lineIndex = 0;
  let found = false;
  let lastKeyLine = -1;
  // Where the last key's `:` ends on its line: `app: { dependsOn: [...] }` has several colons.
  let lastKeyEnd = 0;
  for (const segment of path) {
    if (typeof segment === 'number') {
      // Items of an inline array stay on the key's line; otherwise count lines of items.
      if (lastKeyLine < 0) break;
      const itemLine = nthItemLine(lines, lastKeyLine, lastKeyEnd, segment);
      if (itemLine !== undefined) lineIndex = itemLine;
      continue;
    }
    const key = escapeRegExp(String(segment));
    const pattern = new RegExp(`(^|[\\s{,])(['"\`]?)${key}\\2\\s*:`);
    let hit = -1;
    for (let i = lineIndex; i < lines.length; i += 1) {
      const match = pattern.exec(lines[i] ?? '');
      if (match) {
        hit = i;
        lastKeyEnd = match.index + match[0].length;
        break;
      }
    }
    if (hit < 0) break;
    lineIndex = hit;
    lastKeyLine = hit;
    found = true;
  }
  return found ? { file, line: lineIndex + 1 } : { file };
}

function nthItemLine(lines: string[], keyLine: number, keyEnd: number, index: number): number | undefined {
  const afterColon = (lines[keyLine] ?? '').slice(keyEnd).trim();
  if (afterColon.startsWith('[') && afterColon.includes(']')) return keyLine;
  let seen = -1;
  for (let i = keyLine + 1; i < lines.length; i += 1) {
    const text = (lines[i] ?? '').trim();
    if (text === '' || text.startsWith('//')) continue;
    if (text.startsWith(']')) return undefined;
    seen += 1;
    if (seen === index) return i;
  }
  return undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
