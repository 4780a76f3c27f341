/**
 * YAML 1.1 readers (PyYAML, and CloudFormation, which reads YAML 1.1) accept a quoted scalar or a
 * flow collection (`[...]`, `{...}`) whose continuation lines sit at, or left of, the indentation
 * of the key it belongs to:
 *
 *     Description: "a long
 *     text"
 *
 * YAML 1.2 wants those lines indented more than the key, and the `yaml` package refuses them.
 * Leading white space on a continuation line is never part of the value (quoted scalars fold it
 * away; flow collections ignore it), so indenting such lines changes nothing but their columns.
 * This finds them and indents them; the caller uses the result only when the text did not
 * parse as it was, and only if it parses after.
 */
export interface Reindented {
  text: string;
  /** 1-based numbers of the lines that were indented. */
  lines: number[];
}

const OPENERS_BEFORE = new Set([':', '-', '[', '{', ',', '?', '']);

export function reindentFlowContinuations(text: string): Reindented | undefined {
  const lines = text.split('\n');
  const changed: number[] = [];
  // The construct open at the end of the previous line: a quote, or the flow depth.
  let quote: '"' | "'" | undefined;
  let flowDepth = 0;
  let openedAtIndent = 0;
  // A block scalar (`|`, `>`) runs while lines are indented more than the line that opened it.
  let blockScalarIndent: number | undefined;

  for (let index = 0; index < lines.length; index += 1) {
    let line = lines[index] ?? '';
    const indent = /^ */.exec(line)?.[0].length ?? 0;
    const insideConstruct = quote !== undefined || flowDepth > 0;
    if (!insideConstruct && blockScalarIndent !== undefined) {
      if (line.trim() === '' || indent > blockScalarIndent) continue;
      blockScalarIndent = undefined;
    }
    if (insideConstruct && line.trim() !== '' && indent <= openedAtIndent) {
      line = ' '.repeat(openedAtIndent + 2 - indent) + line;
      lines[index] = line;
      changed.push(index + 1);
    }
    const lineIndent = insideConstruct ? openedAtIndent : indent;
    let previous = '';
    for (let i = 0; i < line.length; i += 1) {
      const char = line[i] ?? '';
      if (quote === '"') {
        if (char === '\\') i += 1;
        else if (char === '"') quote = undefined;
      } else if (quote === "'") {
        if (char === "'" && line[i + 1] === "'") i += 1;
        else if (char === "'") quote = undefined;
      } else if (char === '#' && (i === 0 || line[i - 1] === ' ' || line[i - 1] === '\t')) {
        break;
      } else if (char === '!' && OPENERS_BEFORE.has(previous)) {
        // A tag (`!Sub "..."`): what follows it may still open a quote or a collection.
        while (i + 1 < line.length && line[i + 1] !== ' ') i += 1;
        continue;
      } else if ((char === '"' || char === "'") && OPENERS_BEFORE.has(previous)) {
        quote = char;
        if (flowDepth === 0) openedAtIndent = lineIndent;
      } else if ((char === '[' || char === '{') && OPENERS_BEFORE.has(previous)) {
        if (flowDepth === 0) openedAtIndent = lineIndent;
        flowDepth += 1;
      } else if ((char === ']' || char === '}') && flowDepth > 0) {
        flowDepth -= 1;
      } else if ((char === '|' || char === '>') && flowDepth === 0 && OPENERS_BEFORE.has(previous)) {
        // `key: |` / `key: >-`: the rest of the line is indicators or a comment.
        if (/^[|>][-+0-9]*\s*(?:#.*)?$/.test(line.slice(i))) blockScalarIndent = lineIndent;
        break;
      }
      if (quote === undefined && char !== ' ' && char !== '\t') previous = char;
    }
  }
  return changed.length === 0 ? undefined : { text: lines.join('\n'), lines: changed };
}
