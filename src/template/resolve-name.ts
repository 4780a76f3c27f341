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
        const [map, top, second] = arg.map((part) => resolve(part));
        const found = lookup(context.mappings, [map, top, second]);
        return typeof found === 'string' || typeof found === 'number' ? String(found) : unknown(`FindInMap ${map}`);
      }
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
    case 'AWS::Partition':
      if (region === undefined) return undefined;
      return region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
    case 'AWS::URLSuffix':
      if (region === undefined) return undefined;
      return region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
    default:
      return undefined;
  }
}
