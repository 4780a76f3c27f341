import type { SourceLocation } from '../errors.js';

/**
 * Finds the line of a config field in the config's source text, for error messages. The config
 * may be TypeScript computed at run time, so this is a best effort: it looks for each key of the
 * path in turn, each after the previous one, as a key (`name:` / `"name":`). Array indices map to
 * the n-th item after the key. Returns the file alone when a key cannot be found.
 */
export function locateInSource(source: string, file: string, path: readonly PropertyKey[]): SourceLocation {
  const index = indexOf(source);
  const { lines } = index;
  let lineIndex = 0;
  let located = false;
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
    const found = index.find(String(segment), lineIndex);
    if (found === undefined) break;
    const hit = found.line;
    lastKeyEnd = found.end;
    lineIndex = hit;
    lastKeyLine = hit;
    located = true;
  }
  return located ? { file, line: lineIndex + 1 } : { file };
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

interface KeyAt {
  line: number;
  /** Where the key's `:` ends on its line. */
  end: number;
}

/**
 * The config's keys, found in one pass: a validation of thousands of stacks locates thousands of
 * fields, and scanning the source from the top for each (splitting it and building a pattern
 * each time) made `validate` quadratic. Keys made of other characters than KEY_CHARS (quoted keys
 * with spaces or colons) are still found by a scan, from the lines split once.
 */
class SourceIndex {
  readonly lines: string[];
  private readonly keys = new Map<string, KeyAt[]>();
  private readonly patterns = new Map<string, RegExp>();

  constructor(source: string) {
    this.lines = source.split('\n');
    const anyKey = new RegExp(`(^|[\\s{,])(['"\`]?)(${KEY_CHARS}+?)\\2\\s*:`, 'g');
    for (const [line, text] of this.lines.entries()) {
      for (const match of text.matchAll(anyKey)) {
        const key = match[3] ?? '';
        const at = { line, end: match.index + match[0].length };
        const list = this.keys.get(key);
        // The first occurrence on a line is the one a scan would find.
        if (!list) this.keys.set(key, [at]);
        else if (list.at(-1)?.line !== line) list.push(at);
      }
    }
  }

  /** The first occurrence of `key` as a key at or after line `from`. */
  find(key: string, from: number): KeyAt | undefined {
    if (!SIMPLE_KEY.test(key)) return this.scan(key, from);
    const list = this.keys.get(key);
    if (!list) return undefined;
    let low = 0;
    let high = list.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((list[mid]?.line ?? 0) < from) low = mid + 1;
      else high = mid;
    }
    return list[low];
  }

  private scan(key: string, from: number): KeyAt | undefined {
    let pattern = this.patterns.get(key);
    if (!pattern) {
      pattern = new RegExp(`(^|[\\s{,])(['"\`]?)${escapeRegExp(key)}\\2\\s*:`);
      this.patterns.set(key, pattern);
    }
    for (let line = from; line < this.lines.length; line += 1) {
      const match = pattern.exec(this.lines[line] ?? '');
      if (match) return { line, end: match.index + match[0].length };
    }
    return undefined;
  }
}

/** What a key is made of, for the index: anything but blanks, quotes, colons, braces and commas. */
const KEY_CHARS = '[^\\s\'"`:{},]';
const SIMPLE_KEY = new RegExp(`^${KEY_CHARS}+$`);

/** The last source indexed: every field of one config is located in the same text. */
let last: { source: string; index: SourceIndex } | undefined;

function indexOf(source: string): SourceIndex {
  if (last?.source !== source) last = { source, index: new SourceIndex(source) };
  return last.index;
}
