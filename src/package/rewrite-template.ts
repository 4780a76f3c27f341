import { isAlias, isNode, parseDocument } from 'yaml';
import { InternalError } from '../errors.js';

export interface Replacement {
  /** Keys from the document root to the value, e.g. `['Resources', 'Fn', 'Properties', 'Code']`. */
  path: readonly string[];
  value: string | Record<string, string>;
}

/**
 * Replaces values in a template's text by splicing at their source ranges, so that everything
 * else (comments, short-form tags, quoting, key order, blank lines, line numbers) stays byte for
 * byte as the user wrote it. Values are written as JSON, which is valid YAML too: a mapping goes
 * in flow style (`{"S3Bucket": "b", "S3Key": "k"}`), which also keeps every line where it was.
 *
 * Why not yaml's Document API (`setIn` + `String(doc)`): it keeps tags and most comments, but it
 * re-prints the whole file (flow sequences re-spaced, folded scalars re-folded) and drops the
 * trailing comment of a replaced node.
 */
export function rewriteTemplate(text: string, replacements: readonly Replacement[]): string {
  if (replacements.length === 0) return text;
  // JSON is YAML, so one parser gives ranges for both. Unknown tags (`!Ref`) only warn and keep
  // their node ranges, which is all this needs; the template was already validated.
  const doc = parseDocument(text, { keepSourceTokens: false });
  const edits = replacements.map((replacement) => {
    const node: unknown = doc.getIn(replacement.path, true);
    if (!isNode(node) || isAlias(node) || !node.range) {
      throw new InternalError(
        `cannot find ${replacement.path.join('.')} in the template text to rewrite it (is it reached through a YAML alias?)`,
      );
    }
    const [start, end] = node.range;
    // A block scalar's range takes in its line break; keep it so the next key stays on its line.
    const tail = /[\r\n]*$/.exec(text.slice(start, end))?.[0] ?? '';
    // The range starts after any anchor or tag (`&code ./src`), so those stay.
    return { start, end, text: `${toFlow(replacement.value)}${tail}` };
  });
  edits.sort((a, b) => b.start - a.start);
  let out = text;
  for (const edit of edits) out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  return out;
}

function toFlow(value: string | Record<string, string>): string {
  if (typeof value === 'string') return JSON.stringify(value);
  return `{${Object.entries(value)
    .map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`)
    .join(', ')}}`;
}
