import type { TemplateObject, TemplateValue } from '../template/parse-template.js';
import { ownValue, setOwn } from '../config/own-keys.js';

/** A value after evaluation; `undefined` is `AWS::NoValue` (the key or item is dropped). */
export type Evaluated = string | number | boolean | null | undefined | Evaluated[] | { [key: string]: Evaluated };

export interface EvalContext {
  stackName: string;
  stackId: string;
  region: string;
  accountId: string;
  /** Resolved parameter values (SSM-typed ones already read). */
  parameters: ReadonlyMap<string, string>;
  /** Parameter types, for list-typed `Ref`s. */
  parameterTypes: ReadonlyMap<string, string>;
  conditions: TemplateObject;
  mappings: TemplateObject;
  /** `Ref` of a resource; undefined for a resource that does not exist (its condition is false). */
  resourceRef(logicalId: string): string | undefined;
  resourceAttribute(logicalId: string, attribute: string): string | undefined;
  /** An export's value, or undefined when no stack exports that name. */
  importValue(name: string): string | undefined;
}

/** What went wrong while evaluating, collected instead of thrown: the caller decides how the stack fails. */
export interface EvalIssues {
  missingImports: string[];
}

export function partitionOf(region: string): string {
  return region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
}

function pseudo(name: string, ctx: EvalContext): Evaluated | undefined {
  switch (name) {
    case 'AWS::StackName':
      return ctx.stackName;
    case 'AWS::StackId':
      return ctx.stackId;
    case 'AWS::Region':
      return ctx.region;
    case 'AWS::AccountId':
      return ctx.accountId;
    case 'AWS::Partition':
      return partitionOf(ctx.region);
    case 'AWS::URLSuffix':
      return ctx.region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
    case 'AWS::NotificationARNs':
      return [];
    case 'AWS::NoValue':
      return undefined;
    default:
      return null;
  }
}

/**
 * A small evaluator of CloudFormation's intrinsic functions: enough for outputs, export names,
 * physical names and SSM parameter resources of ordinary templates. Functions it does not know
 * evaluate to a visible placeholder rather than failing the stack.
 */
export class Evaluator {
  private readonly conditionCache = new Map<string, boolean>();
  readonly issues: EvalIssues = { missingImports: [] };

  constructor(private readonly ctx: EvalContext) {}

  condition(name: string): boolean {
    const cached = this.conditionCache.get(name);
    if (cached !== undefined) return cached;
    this.conditionCache.set(name, false); // a cycle evaluates to false instead of looping
    const result = truthy(this.evaluate(ownValue(this.ctx.conditions, name) ?? false));
    this.conditionCache.set(name, result);
    return result;
  }

  /** An output value or a name: lists are joined with commas, objects serialised. */
  string(value: TemplateValue): string {
    return toText(this.evaluate(value));
  }

  evaluate(value: TemplateValue): Evaluated {
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map((v) => this.evaluate(v)).filter((v) => v !== undefined);
    const keys = Object.keys(value);
    const [fn] = keys;
    if (keys.length === 1 && fn !== undefined && (fn === 'Ref' || fn === 'Condition' || fn.startsWith('Fn::'))) {
      return this.call(fn, value[fn] ?? null);
    }
    const out: { [key: string]: Evaluated } = {};
    for (const [key, child] of Object.entries(value)) {
      const evaluated = this.evaluate(child);
      if (evaluated !== undefined) setOwn(out, key, evaluated);
    }
    return out;
  }

  private call(fn: string, arg: TemplateValue): Evaluated {
    const ctx = this.ctx;
    switch (fn) {
      case 'Ref': {
        const name = typeof arg === 'string' ? arg : toText(this.evaluate(arg));
        if (name.startsWith('AWS::')) return pseudo(name, ctx);
        const parameter = ctx.parameters.get(name);
        if (parameter !== undefined) {
          const type = ctx.parameterTypes.get(name) ?? 'String';
          return type.startsWith('List<') || type === 'CommaDelimitedList'
            ? parameter.split(',').map((s) => s.trim())
            : parameter;
        }
        return ctx.resourceRef(name) ?? '';
      }
      case 'Condition':
        return typeof arg === 'string' ? this.condition(arg) : false;
      case 'Fn::GetAtt': {
        const [resource, attribute] = Array.isArray(arg)
          ? [toText(this.evaluate(arg[0] ?? '')), toText(this.evaluate(arg[1] ?? ''))]
          : splitOnce(toText(this.evaluate(arg)));
        return ctx.resourceAttribute(resource, attribute) ?? '';
      }
      case 'Fn::Sub': {
        const [text, vars] = Array.isArray(arg) ? [arg[0], arg[1]] : [arg, undefined];
        if (typeof text !== 'string') return placeholder(fn);
        const own = vars !== null && vars !== undefined && typeof vars === 'object' && !Array.isArray(vars) ? vars : {};
        return text.replace(/\$\{(!?)([^}]*)\}/g, (_m, bang: string, raw: string) => {
          if (bang) return `\${${raw}}`;
          const name = raw.trim();
          const local = Object.hasOwn(own, name) ? own[name] : undefined;
          if (local !== undefined) return toText(this.evaluate(local));
          if (name.includes('.') && !name.startsWith('AWS::')) {
            const [resource, attribute] = splitOnce(name);
            return ctx.resourceAttribute(resource, attribute) ?? '';
          }
          return toText(this.call('Ref', name));
        });
      }
      case 'Fn::Join': {
        if (!Array.isArray(arg)) return placeholder(fn);
        const items = this.evaluate(arg[1] ?? []);
        return (Array.isArray(items) ? items : [items]).map(toText).join(toText(this.evaluate(arg[0] ?? '')));
      }
      case 'Fn::Select': {
        if (!Array.isArray(arg)) return placeholder(fn);
        const list = this.evaluate(arg[1] ?? []);
        const items = Array.isArray(list) ? list : toText(list).split(',');
        return items[Number(toText(this.evaluate(arg[0] ?? 0)))] ?? '';
      }
      case 'Fn::Split': {
        if (!Array.isArray(arg)) return placeholder(fn);
        return toText(this.evaluate(arg[1] ?? '')).split(toText(this.evaluate(arg[0] ?? ',')));
      }
      case 'Fn::ImportValue': {
        const name = toText(this.evaluate(arg));
        const value = ctx.importValue(name);
        if (value === undefined) {
          if (!this.issues.missingImports.includes(name)) this.issues.missingImports.push(name);
          return '';
        }
        return value;
      }
      case 'Fn::If': {
        if (!Array.isArray(arg) || typeof arg[0] !== 'string') return placeholder(fn);
        return this.evaluate((this.condition(arg[0]) ? arg[1] : arg[2]) ?? null);
      }
      case 'Fn::Equals':
        return Array.isArray(arg) && toText(this.evaluate(arg[0] ?? null)) === toText(this.evaluate(arg[1] ?? null));
      case 'Fn::Not':
        return Array.isArray(arg) && !truthy(this.evaluate(arg[0] ?? false));
      case 'Fn::And':
        return Array.isArray(arg) && arg.every((c) => truthy(this.evaluate(c)));
      case 'Fn::Or':
        return Array.isArray(arg) && arg.some((c) => truthy(this.evaluate(c)));
      case 'Fn::FindInMap': {
        if (!Array.isArray(arg)) return placeholder(fn);
        let node: TemplateValue | undefined = ctx.mappings;
        for (const key of arg.slice(0, 3).map((k) => toText(this.evaluate(k)))) {
          node = node !== null && typeof node === 'object' && !Array.isArray(node) ? ownValue(node, key) : undefined;
        }
        return node === undefined ? '' : this.evaluate(node);
      }
      case 'Fn::GetAZs': {
        const region = toText(this.evaluate(arg)) || ctx.region;
        return ['a', 'b', 'c'].map((zone) => `${region}${zone}`);
      }
      case 'Fn::Base64':
        return Buffer.from(toText(this.evaluate(arg)), 'utf8').toString('base64');
      case 'Fn::ToJsonString':
        return JSON.stringify(this.evaluate(arg) ?? null);
      case 'Fn::Length': {
        const list = this.evaluate(arg);
        return Array.isArray(list) ? list.length : 0;
      }
      default:
        return placeholder(fn);
    }
  }
}

function placeholder(fn: string): string {
  return `{{sim:unsupported ${fn}}}`;
}

function splitOnce(text: string): [string, string] {
  const dot = text.indexOf('.');
  return dot < 0 ? [text, ''] : [text.slice(0, dot), text.slice(dot + 1)];
}

function truthy(value: Evaluated): boolean {
  return value === true || value === 'true';
}

export function toText(value: Evaluated): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map(toText).join(',');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
