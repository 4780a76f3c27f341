import { Lexer } from 'yaml';
import { TemplateError } from '../errors.js';

/**
 * How deeply collections may nest in a template. Real templates stay under 20 (Resources →
 * resource → Properties → policy → Statement → Condition → operator → key); the cap keeps the
 * parser and every recursive walk over template data (analysis, the simulator's intrinsics) far
 * from the call stack's end, whatever a file holds.
 */
export const MAX_TEMPLATE_DEPTH = 100;

/** The lexer's marker tokens, which stand for no text of the source. */
const MARKERS = new Set(['\x02', '\x18', '\x1f']);
const SCALAR_MARKER = '\x1f';

/**
 * One linear pass over the lexer's tokens, before any parsing or composing: anchors and aliases
 * are refused (CloudFormation does not accept them, and expanding aliases is how a tiny file
 * becomes gigabytes), and so is flow nesting (`[[[…]]]`, `{…}`, all of JSON) past the cap, which
 * the `yaml` parser would otherwise recurse into until the process dies. Block nesting needs an
 * indentation per level, so it is left to the walker that builds the value.
 */
export function checkYamlTokens(text: string, file: string): void {
  if (cannotTrip(text)) return;
  let line = 1;
  let depth = 0;
  let previous = '';
  const fail = (message: string, hint: string): never => {
    throw new TemplateError(message, { file, line }, { hint });
  };
  for (const token of new Lexer().lex(text)) {
    if (MARKERS.has(token)) {
      previous = token;
      continue;
    }
    // A token right after the scalar marker is a scalar's text, where & * [ { are plain characters.
    if (previous !== SCALAR_MARKER) {
      if (token.startsWith('&'))
        fail(
          `YAML anchor ${token} is not supported: CloudFormation does not accept YAML anchors, aliases or merge keys`,
          'write the value out in full where it is used',
        );
      if (token.startsWith('*'))
        fail(
          `YAML alias ${token} is not supported: CloudFormation does not accept YAML anchors, aliases or merge keys`,
          'write the value out in full where it is used',
        );
      if (token === '[' || token === '{') {
        depth += 1;
        if (depth > MAX_TEMPLATE_DEPTH) fail(...tooDeep());
      } else if (token === ']' || token === '}') {
        depth = Math.max(0, depth - 1);
      }
    }
    for (let i = token.indexOf('\n'); i >= 0; i = token.indexOf('\n', i + 1)) line += 1;
    previous = token;
  }
}

/**
 * Whether the text is too plain for the token pass to refuse it: no `&` or `*` at all, and fewer
 * `[` and `{` than the nesting cap (each level opens one). Most templates then skip the second
 * lexing of their text (a thousand templates: about 70 ms).
 */
function cannotTrip(text: string): boolean {
  let openers = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === 0x26 || c === 0x2a) return false; // & *
    if ((c === 0x5b || c === 0x7b) && ++openers > MAX_TEMPLATE_DEPTH) return false; // [ {
  }
  return true;
}

export function tooDeep(): [message: string, hint: string] {
  return [
    `the template nests more than ${MAX_TEMPLATE_DEPTH} levels deep`,
    'flatten the structure: no CloudFormation template needs this depth',
  ];
}
