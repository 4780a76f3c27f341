import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Node as YamlNode, ScalarTag, CollectionTag } from 'yaml';
import { TemplateError } from '../errors.js';
import { duringIo } from '../io-in-flight.js';
import { parseJsonStrict } from '../config/json-syntax.js';
import type { Problem, SourceLocation } from '../errors.js';
import { checkYamlTokens, MAX_TEMPLATE_DEPTH, tooDeep } from './yaml-limits.js';
import { longFormKey, SHORT_FORM_TAGS } from './short-form-tags.js';
import { cloudFormationYaml11Tags, yamlVersionDifference } from './yaml-versions.js';
import { reindentFlowContinuations } from './flow-continuations.js';

/** A template body as plain JSON-like data, with intrinsic functions in their long form. */
export type TemplateValue = string | number | boolean | null | TemplateValue[] | { [key: string]: TemplateValue };
export type TemplateObject = { [key: string]: TemplateValue };

export interface Position {
  line: number;
  column: number;
}

/**
 * A parsed template keeps where every object, array and map entry came from, so that an
 * edge or a problem found deep inside it can name file:line.
 */
export interface ParsedTemplate {
  file: string;
  format: 'yaml' | 'json';
  /** The file's text as read: what is sent to CloudFormation. */
  text: string;
  body: TemplateObject;
  /** Position of a value (objects and arrays only; primitives have no identity). */
  positionOf(value: object): Position | undefined;
  /** Position of the entry `key` inside `container` (a map key or an array index). */
  positionOfEntry(container: object, key: string | number): Position | undefined;
  locate(position: Position | undefined): SourceLocation;
  /**
   * What reading found worth a look without stopping: plain YAML scalars that YAML 1.1 (how
   * CloudFormation and stackpilot read them) and YAML 1.2 read differently. Absent: none.
   */
  warnings?: Problem[];
}

// Registered with the YAML parser only so that it accepts the tags in every node kind; the
// conversion to long form happens in `toValue`, which also records positions.
const customTags: (ScalarTag | CollectionTag)[] = SHORT_FORM_TAGS.flatMap(
  (name) =>
    [
      { tag: `!${name}`, resolve: (value: string) => value },
      { tag: `!${name}`, collection: 'seq' as const, resolve: (value: unknown) => value },
      { tag: `!${name}`, collection: 'map' as const, resolve: (value: unknown) => value },
    ] as (ScalarTag | CollectionTag)[],
);

export async function readTemplate(file: string, displayPath = file): Promise<ParsedTemplate> {
  let text: string;
  try {
    text = await duringIo(readFile(file, 'utf8'));
  } catch (error) {
    throw unreadable(error, displayPath);
  }
  return parseTemplate(text, displayPath);
}

/**
 * `readTemplate` for loading a project: before any run starts, nothing waits on the event loop,
 * and a synchronous read of a small file costs a tenth of the CPU of a promise-based one (a
 * thousand templates: 7 ms against 65 ms, most of it the open/stat/read/close round trips).
 */
export function readTemplateSync(file: string, displayPath = file): ParsedTemplate {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw unreadable(error, displayPath);
  }
  return parseTemplate(text, displayPath);
}

function unreadable(error: unknown, displayPath: string): TemplateError {
  return new TemplateError(
    `cannot read template: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    { file: displayPath },
    {
      hint: 'check the `template` path of the stack in your config (it is relative to the config file)',
      cause: error,
    },
  );
}

export function parseTemplate(text: string, file: string): ParsedTemplate {
  const format = extname(file).toLowerCase() === '.json' ? 'json' : 'yaml';
  let lineCounter = new LineCounter();
  // Before anything else parses the text: anchors, aliases and runaway nesting cost nothing here.
  checkYamlTokens(text, file);
  // JSON is a subset of YAML 1.2, so one parser gives positions for both formats.
  if (format === 'json') {
    // The YAML parser below accepts JSON with comments and trailing commas; CloudFormation does not.
    const strict = parseJsonStrict(text, file);
    if (!strict.ok) throw new TemplateError(`JSON syntax error: ${strict.message}`, strict.location);
  }
  // YAML is read as YAML 1.1, as CloudFormation does (see yaml-versions.ts); JSON as JSON.
  const parse = (source: string, counter: LineCounter) =>
    parseDocument(source, {
      lineCounter: counter,
      prettyErrors: false,
      uniqueKeys: true,
      strict: true,
      ...(format === 'yaml'
        ? { version: '1.1' as const, customTags: (tags) => [...cloudFormationYaml11Tags(tags), ...customTags] }
        : { customTags }),
    });
  let doc = parse(text, lineCounter);
  const warnings: Problem[] = [];
  // Quoted scalars and flow collections continued at their key's indentation: YAML 1.1 reads them.
  const reindented = format === 'yaml' && doc.errors.length > 0 ? reindentFlowContinuations(text) : undefined;
  if (reindented) {
    const retryCounter = new LineCounter();
    const retry = parse(reindented.text, retryCounter);
    if (retry.errors.length === 0) {
      doc = retry;
      lineCounter = retryCounter;
      for (const line of reindented.lines) {
        warnings.push({
          message:
            'a quoted value or [...]/{...} list continues on this line at or left of its key: ' +
            'YAML 1.1 (CloudFormation) reads it, YAML 1.2 readers refuse it',
          location: { file, line },
          hint: 'indent the continuation lines more than the key',
        });
      }
    }
  }
  const locate = (position: Position | undefined): SourceLocation =>
    position ? { file, line: position.line, column: position.column } : { file };
  const at = (offset: number | undefined): Position | undefined => {
    if (offset === undefined) return undefined;
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };

  // With `prettyErrors: false` the parser leaves `linePos` unset; only the offset `pos` is there.
  const firstError = doc.errors[0];
  if (firstError) {
    throw new TemplateError(
      `${format === 'json' ? 'JSON' : 'YAML'} syntax error: ${firstLine(firstError.message)}`,
      locate(at(firstError.pos[0])),
    );
  }
  for (const warning of doc.warnings) {
    if (warning.code === 'TAG_RESOLVE_FAILED') {
      throw new TemplateError(
        `${firstLine(warning.message)}; CloudFormation knows only the short forms ${SHORT_FORM_TAGS.map((t) => `!${t}`).join(', ')}`,
        locate(at(warning.pos[0])),
      );
    }
  }

  const checkVersions = (node: YamlNode | null, value: unknown): void => {
    if (format !== 'yaml' || !isScalar(node) || node.type !== 'PLAIN' || node.tag !== undefined) return;
    const difference = yamlVersionDifference(node.source ?? String(node.value), value);
    if (difference === undefined) return;
    warnings.push({
      message: difference,
      location: locate(at(node.range?.[0])),
      hint: 'quote the value to make it a string in both, or write it as YAML 1.1 reads it',
    });
  };
  const positions = new WeakMap<object, Position>();
  const entryPositions = new WeakMap<object, Map<string | number, Position>>();
  const record = (container: object, key: string | number, position: Position | undefined): void => {
    if (!position) return;
    let entries = entryPositions.get(container);
    if (!entries) {
      entries = new Map<string | number, Position>();
      entryPositions.set(container, entries);
    }
    entries.set(key, position);
  };

  const toValue = (node: unknown, depth: number): TemplateValue => {
    if (node === null || node === undefined) return null;
    const yamlNode = node as YamlNode;
    const position = at(yamlNode.range?.[0]);
    if (depth > MAX_TEMPLATE_DEPTH && (isMap(node) || isSeq(node))) {
      const [message, hint] = tooDeep();
      throw new TemplateError(message, locate(position), { hint });
    }
    const tag = yamlNode.tag?.startsWith('!') && !yamlNode.tag.startsWith('!!') ? yamlNode.tag.slice(1) : undefined;
    let value: TemplateValue;
    if (tag === 'GetStackOutput' && isMap(node) && node.items.some((pair) => isTagged(pair.value))) {
      // TemplateReference, Fn::GetStackOutput: "Do not use" the short form around other short forms.
      warnings.push({
        message: '!GetStackOutput with a short-form function inside it is not accepted by CloudFormation',
        location: locate(position),
        hint: 'write the outer function in the long form: `Fn::GetStackOutput:` with `StackName: !Ref ...` under it',
      });
    }
    if (isMap(node)) {
      const object: TemplateObject = {};
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        if (isScalar(pair.key) && pair.key.value === '<<' && pair.key.type === 'PLAIN') {
          throw new TemplateError(
            'YAML merge key << is not supported: CloudFormation does not accept YAML anchors, aliases or merge keys',
            locate(at(pair.key.range?.[0])),
            { hint: 'write the merged keys out in full' },
          );
        }
        const key = isScalar(pair.key) ? String(pair.key.value) : JSON.stringify(toValue(pair.key, depth + 1));
        if (isScalar(pair.key)) checkVersions(pair.key, pair.key.value);
        // defineProperty: a key named __proto__ is an ordinary entry, not the object's prototype.
        Object.defineProperty(object, key, {
          value: toValue(pair.value, depth + 1),
          enumerable: true,
          writable: true,
          configurable: true,
        });
        record(object, key, at((pair.key as YamlNode | null)?.range?.[0]));
      }
      value = object;
    } else if (isSeq(node)) {
      const array: TemplateValue[] = [];
      node.items.forEach((item, index) => {
        array.push(toValue(item, depth + 1));
        record(array, index, at((item as YamlNode | null)?.range?.[0]));
      });
      value = array;
    } else if (isScalar(node)) {
      const raw = node.value;
      checkVersions(node, raw);
      value =
        raw === null || typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean'
          ? raw
          : JSON.stringify(raw);
    } else {
      value = null;
    }
    if (tag !== undefined) value = shortFormToLong(tag, value);
    if (typeof value === 'object' && value !== null && position) positions.set(value, position);
    return value;
  };

  const body = toValue(doc.contents, 1);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new TemplateError('a template must be a mapping with a `Resources` section', locate(at(0)));
  }
  return {
    file,
    format,
    text,
    body,
    positionOf: (value) => positions.get(value),
    positionOfEntry: (container, key) => entryPositions.get(container)?.get(key),
    locate,
    warnings,
  };
}

function shortFormToLong(tag: string, value: TemplateValue): TemplateValue {
  // `!GetAtt Resource.Attribute` splits at the first dot only: nested stack attributes are
  // `Outputs.Name`, and the attribute keeps its own dots.
  if (tag === 'GetAtt' && typeof value === 'string') {
    const dot = value.indexOf('.');
    return { 'Fn::GetAtt': dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)] };
  }
  return { [longFormKey(tag)]: value };
}

function isTagged(node: unknown): boolean {
  const tag = (node as YamlNode | null)?.tag;
  return typeof tag === 'string' && tag.startsWith('!') && !tag.startsWith('!!');
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
