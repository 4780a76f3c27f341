import type { TemplateObject, TemplateValue } from './parse-template.js';

/**
 * A name (export, import, SSM parameter) computed from template expressions. Where a piece is
 * not known before deploy (an account id, a value from another stack), it stays as a `${...}`
 * placeholder in `value` and is listed in `unknowns`.
 */
export interface ResolvedName {
  value: string;
  /** The names of the pieces that could not be resolved; empty when `value` is exact. */
  unknowns: string[];
}

export interface ResolveContext {
  stackName?: string;
  region?: string;
  /** Known only for a deployed stack (its ARN holds it); a name using it is unknown before deploy. */
  accountId?: string;
  /** @default derived from the region */
  partition?: string;
  /** Parameter values known before deploy: configured literals, else template defaults. */
  parameters: ReadonlyMap<string, string>;
  /** The template's `Mappings`, for `Fn::FindInMap`. */
  mappings?: TemplateObject;
}

export function isExact(name: ResolvedName): boolean {
  return name.unknowns.length === 0;
}

/** Resolves the subset of intrinsic functions that can compute a name before deploy. */
export function resolveName(expression: TemplateValue, context: ResolveContext): ResolvedName {
  const unknowns: string[] = [];
  const unknown = (label: string): string => {
    if (!unknowns.includes(label)) unknowns.push(label);
    return `\${${label}}`;
  };
  const resolveRef = (name: string): string => {
    const pseudo = pseudoParameter(name, context);
    if (pseudo !== undefined) return pseudo;
    return context.parameters.get(name) ?? unknown(name);
  };
  const resolve = (v: TemplateValue): string => {
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    if (v === null || Array.isArray(v)) return unknown('?');
    const [fn, arg] = Object.entries(v)[0] ?? [];
    if (fn === undefined || arg === undefined || Object.keys(v).length !== 1) return unknown('?');
    switch (fn) {
      case 'Ref':
        return typeof arg === 'string' ? resolveRef(arg) : unknown('Ref');
      case 'Fn::Sub': {
        const [template, variables] = Array.isArray(arg) ? [arg[0], arg[1]] : [arg, undefined];
        if (typeof template !== 'string') return unknown('Fn::Sub');
        const vars = variables && typeof variables === 'object' && !Array.isArray(variables) ? variables : {};
        return substitute(template, (name) => {
          // Own keys only: `${constructor}` or `${toString}` are legal parameter names.
          const local = Object.hasOwn(vars, name) ? vars[name] : undefined;
          if (local !== undefined) return resolve(local);
          if (name.includes('.')) return unknown(name); // ${Resource.Attribute}: known after deploy only
          return resolveRef(name);
        });
      }
      case 'Fn::Join': {
        if (!Array.isArray(arg) || typeof arg[0] !== 'string' || !Array.isArray(arg[1])) return unknown('Fn::Join');
        const delimiter = arg[0];
        return arg[1].map(resolve).join(delimiter);
      }
      case 'Fn::FindInMap': {
        if (!Array.isArray(arg) || arg.length < 3) return unknown('Fn::FindInMap');
        const [map, top, second] = arg.slice(0, 3).map((part) => resolve(part));
        const found = lookup(context.mappings, [map, top, second]);
        if (typeof found === 'string' || typeof found === 'number') return String(found);
        // AWS::LanguageExtensions: a fourth argument `{ DefaultValue: x }` answers a missing key.
        const fallback = arg[3];
        const hasDefault =
          fallback !== undefined && typeof fallback === 'object' && fallback !== null && !Array.isArray(fallback);
        if (hasDefault && Object.hasOwn(fallback, 'DefaultValue') && isLiteralKey(map, top, second))
          return resolve(fallback.DefaultValue ?? null);
        return unknown(`FindInMap ${map}`);
      }
      case 'Fn::Length':
        // AWS::LanguageExtensions: the number of items of a literal list.
        return Array.isArray(arg) ? String(arg.length) : unknown('Fn::Length');
      case 'Fn::ToJsonString':
        return isPlainData(arg) ? JSON.stringify(arg) : unknown('Fn::ToJsonString');
      case 'Fn::Select': {
        if (!Array.isArray(arg) || !Array.isArray(arg[1])) return unknown('Fn::Select');
        const index = Number(resolve(arg[0] as TemplateValue));
        const item = arg[1][index];
        return item === undefined ? unknown('Fn::Select') : resolve(item);
      }
      case 'Fn::GetAtt':
        return unknown(Array.isArray(arg) ? arg.map((part) => resolve(part)).join('.') : resolve(arg));
      case 'Fn::ImportValue':
        return unknown(`ImportValue ${resolve(arg)}`);
      default:
        return unknown(fn);
    }
  };
  const value = resolve(expression);
  return { value, unknowns };
}

/**
 * The names an expression may resolve to when `Fn::If` chooses between them: each branch gives
 * one candidate (several `Fn::If`s multiply, up to `MAX_CANDIDATES`; past that the expression
 * resolves once, with the `Fn::If` as an unknown). A branch that is `AWS::NoValue` gives no name.
 * Without `Fn::If` the result is `[resolveName(expression)]`.
 */
export function resolveCandidates(expression: TemplateValue, context: ResolveContext): ResolvedName[] {
  const variants = expandIf(expression);
  if (variants === undefined) return [resolveName(expression, context)];
  const names: ResolvedName[] = [];
  for (const variant of variants) {
    if (isNoValue(variant)) continue;
    const name = resolveName(variant, context);
    if (!names.some((n) => n.value === name.value)) names.push(name);
  }
  return names;
}

export const MAX_CANDIDATES = 8;

/** Every variant of `value` with each `Fn::If` replaced by one of its branches; undefined when too many. */
function expandIf(value: TemplateValue): TemplateValue[] | undefined {
  if (value === null || typeof value !== 'object') return [value];
  if (Array.isArray(value)) {
    let variants: TemplateValue[][] = [[]];
    for (const item of value) {
      const options = expandIf(item);
      if (options === undefined) return undefined;
      variants = variants.flatMap((prefix) => options.map((option) => [...prefix, option]));
      if (variants.length > MAX_CANDIDATES) return undefined;
    }
    return variants;
  }
  const keys = Object.keys(value);
  const ifArg = keys.length === 1 && keys[0] === 'Fn::If' ? value['Fn::If'] : undefined;
  if (Array.isArray(ifArg) && ifArg.length === 3) {
    const both = [...(expandIf(ifArg[1] ?? null) ?? []), ...(expandIf(ifArg[2] ?? null) ?? [])];
    return both.length === 0 || both.length > MAX_CANDIDATES ? undefined : both;
  }
  let variants: TemplateObject[] = [{}];
  for (const key of keys) {
    const options = expandIf(value[key] ?? null);
    if (options === undefined) return undefined;
    variants = variants.flatMap((prefix) => options.map((option) => withEntry(prefix, key, option)));
    if (variants.length > MAX_CANDIDATES) return undefined;
  }
  return variants;
}

function withEntry(object: TemplateObject, key: string, value: TemplateValue): TemplateObject {
  const copy: TemplateObject = { ...object };
  // defineProperty: a key named __proto__ stays an ordinary entry.
  Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

function isNoValue(value: TemplateValue): boolean {
  return (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    Object.keys(value).length === 1 &&
    value.Ref === 'AWS::NoValue'
  );
}

/** A map key that did not come from an unknown piece: only then does a missing key mean "use the default". */
function isLiteralKey(...keys: (string | undefined)[]): boolean {
  return keys.every((key) => key !== undefined && !key.includes('${'));
}

/** Data without intrinsic functions, whose JSON text is known before deploy. */
function isPlainData(value: TemplateValue): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (Array.isArray(value)) return value.every(isPlainData);
  return Object.entries(value).every(([key, item]) => key !== 'Ref' && !key.startsWith('Fn::') && isPlainData(item));
}

/** Replaces `${Name}` in a `Fn::Sub` string; `${!Literal}` stays `${Literal}` as CloudFormation has it. */
function substitute(template: string, replace: (name: string) => string): string {
  return template.replace(/\$\{(!?)([^}]*)\}/g, (_match, bang: string, name: string) =>
    bang ? `\${${name}}` : replace(name.trim()),
  );
}

function lookup(mappings: TemplateObject | undefined, keys: (string | undefined)[]): TemplateValue | undefined {
  let node: TemplateValue | undefined = mappings;
  for (const key of keys) {
    if (key === undefined || node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
    node = Object.hasOwn(node, key) ? node[key] : undefined;
  }
  return node;
}

function pseudoParameter(name: string, context: ResolveContext): string | undefined {
  const region = context.region;
  switch (name) {
    case 'AWS::StackName':
      return context.stackName;
    case 'AWS::Region':
      return region;
    case 'AWS::AccountId':
      return context.accountId;
    case 'AWS::Partition':
      if (context.partition !== undefined) return context.partition;
      if (region === undefined) return undefined;
      return region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
    case 'AWS::URLSuffix':
      if (region === undefined) return undefined;
      return region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
    default:
      return undefined;
  }
}
