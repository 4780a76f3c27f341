import type { Problem } from '../errors.js';
import type { ParsedTemplate, Position, TemplateObject, TemplateValue } from './parse-template.js';

/** The sections where CloudFormation allows `Fn::ForEach` (TemplateReference: intrinsic-function-reference-foreach). */
const LOOP_SECTIONS = ['Conditions', 'Outputs', 'Resources'];
const LOOP_PREFIX = 'Fn::ForEach::';
/** A cap on what loops may generate, so that a template cannot make the analysis unbounded. */
export const MAX_GENERATED_ENTRIES = 10_000;

export interface ForEachExpansion {
  /** The template with every loop in Conditions, Outputs and Resources replaced by what it generates. */
  template: ParsedTemplate;
  /** Loops whose collection is not known before deploy: what they generate is not read. */
  warnings: Problem[];
}

/**
 * Expands `AWS::LanguageExtensions`' `Fn::ForEach::<Loop>: [Identifier, Collection, {OutputKey: OutputValue}]`
 * for analysis, the way the transform does: one copy of the fragment per item of the collection,
 * with `${Identifier}` replaced by the item and `&{Identifier}` by the item without its
 * non-alphanumeric characters, in keys and values, and `{ Ref: Identifier }` replaced by the item.
 * Loops nest. The collection is a literal list or a `Ref` to a `CommaDelimitedList` parameter
 * whose value is known (set in the config, or its default). Positions of generated entries are
 * those of the fragment they were copied from. The text sent to CloudFormation is unchanged.
 */
export function expandForEach(
  parsed: ParsedTemplate,
  parameterValues: ReadonlyMap<string, string> | undefined,
): ForEachExpansion {
  if (!parsed.text.includes(LOOP_PREFIX)) return { template: parsed, warnings: [] };
  const origin = new WeakMap<object, object>();
  const entryOrigin = new WeakMap<object, Map<string | number, [object, string | number]>>();
  const warnings: Problem[] = [];
  let generated = 0;

  const rootOf = (value: object): object => origin.get(value) ?? value;
  const recordEntry = (container: object, key: string | number, from: object, fromKey: string | number): void => {
    const source = entryOrigin.get(from)?.get(fromKey) ?? [rootOf(from), fromKey];
    let entries = entryOrigin.get(container);
    if (!entries) {
      entries = new Map();
      entryOrigin.set(container, entries);
    }
    entries.set(key, source);
  };
  const positionOf = (value: object): Position | undefined => parsed.positionOf(rootOf(value));
  const positionOfEntry = (container: object, key: string | number): Position | undefined => {
    const source = entryOrigin.get(container)?.get(key);
    return source ? parsed.positionOfEntry(source[0], source[1]) : parsed.positionOfEntry(rootOf(container), key);
  };

  const collectionItems = (collection: TemplateValue): string[] | undefined => {
    if (Array.isArray(collection)) {
      return collection.every(
        (item) => typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean',
      )
        ? collection.map(String)
        : undefined;
    }
    if (collection !== null && typeof collection === 'object' && typeof collection.Ref === 'string') {
      const name = collection.Ref;
      const configured = parameterValues?.get(name);
      if (configured !== undefined) return splitList(configured);
      const parameters = parsed.body.Parameters;
      const definition =
        parameters && typeof parameters === 'object' && !Array.isArray(parameters) && Object.hasOwn(parameters, name)
          ? parameters[name]
          : undefined;
      const fallback =
        definition && typeof definition === 'object' && !Array.isArray(definition) ? definition.Default : undefined;
      if (Array.isArray(fallback)) return fallback.map(String);
      if (typeof fallback === 'string') return splitList(fallback);
    }
    return undefined;
  };

  const substitute = (value: TemplateValue, identifier: string, item: string): TemplateValue => {
    const replace = (text: string): string =>
      text
        .split(`\${${identifier}}`)
        .join(item)
        .split(`&{${identifier}}`)
        .join(item.replace(/[^A-Za-z0-9]/g, ''));
    if (typeof value === 'string') return replace(value);
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) {
      const copy = value.map((child) => substitute(child, identifier, item));
      origin.set(copy, rootOf(value));
      value.forEach((_child, index) => recordEntry(copy, index, value, index));
      return copy;
    }
    const keys = Object.keys(value);
    if (keys.length === 1 && value.Ref === identifier) return item;
    const copy: TemplateObject = {};
    for (const key of keys) {
      const newKey = replace(key);
      define(copy, newKey, substitute(value[key] ?? null, identifier, item));
      recordEntry(copy, newKey, value, key);
    }
    origin.set(copy, rootOf(value));
    return copy;
  };

  const expand = (value: TemplateValue, depth: number): TemplateValue => {
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) {
      if (!value.some((child) => child !== null && typeof child === 'object')) return value;
      const copy = value.map((child) => expand(child, depth + 1));
      origin.set(copy, rootOf(value));
      value.forEach((_child, index) => recordEntry(copy, index, value, index));
      return copy;
    }
    const result: TemplateObject = {};
    for (const [key, child] of Object.entries(value)) {
      if (!key.startsWith(LOOP_PREFIX)) {
        define(result, key, expand(child, depth + 1));
        recordEntry(result, key, value, key);
        continue;
      }
      const location = parsed.locate(positionOfEntry(value, key));
      const loop = Array.isArray(child) && child.length === 3 ? child : undefined;
      const identifier = loop?.[0];
      const fragment = loop?.[2];
      if (
        !loop ||
        typeof identifier !== 'string' ||
        !fragment ||
        typeof fragment !== 'object' ||
        Array.isArray(fragment)
      ) {
        warnings.push({
          message: `${key} must be a list of [Identifier, Collection, {OutputKey: OutputValue}]`,
          location,
          hint: 'see Fn::ForEach in the CloudFormation template reference',
        });
        continue;
      }
      const items = collectionItems(loop[1] ?? null);
      if (items === undefined) {
        warnings.push({
          message:
            `${key}: its collection is not known before deploy, ` +
            'so the exports, imports and SSM parameters it generates are not read',
          location,
          hint: 'use a literal list, or a Ref to a CommaDelimitedList parameter with a default or a value in the config',
        });
        continue;
      }
      for (const item of items) {
        const copy = expand(substitute(fragment, identifier, item), depth + 1);
        if (copy === null || typeof copy !== 'object' || Array.isArray(copy)) continue;
        for (const [generatedKey, generatedValue] of Object.entries(copy)) {
          generated += 1;
          if (generated > MAX_GENERATED_ENTRIES) return result;
          define(result, generatedKey, generatedValue);
          recordEntry(result, generatedKey, copy, generatedKey);
        }
      }
    }
    origin.set(result, rootOf(value));
    return result;
  };

  const body: TemplateObject = {};
  for (const [key, section] of Object.entries(parsed.body)) {
    define(body, key, LOOP_SECTIONS.includes(key) ? expand(section, 1) : section);
    recordEntry(body, key, parsed.body, key);
  }
  origin.set(body, parsed.body);
  if (generated > MAX_GENERATED_ENTRIES) {
    warnings.push({
      message: `Fn::ForEach loops generate more than ${MAX_GENERATED_ENTRIES} entries: only the first ones are read`,
      location: parsed.locate(undefined),
    });
  }
  return {
    template: { ...parsed, body, positionOf, positionOfEntry },
    warnings,
  };
}

function splitList(text: string): string[] {
  return text.split(',').map((item) => item.trim());
}

function define(object: TemplateObject, key: string, value: TemplateValue): void {
  // defineProperty: a generated key named __proto__ stays an ordinary entry.
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}
