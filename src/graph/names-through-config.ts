import { isOutputRef, isSsmRef } from '../config/resolve-config.js';
import type { ResolvedConfig, ResolvedStack } from '../config/resolve-config.js';
import type { ParameterValue } from '../config/types.js';
import type { TemplateInfo } from '../template/analyze-template.js';
import type { ResolvedName } from '../template/resolve-name.js';

/** A chain of `output()` parameters feeding each other is followed this deep, no further. */
const MAX_DEPTH = 8;

/** Resolves the `${Parameter}` pieces of a stack's names from what the config binds them to. */
export type NameResolver = (stackId: string, name: ResolvedName) => ResolvedName;

/**
 * A template parameter bound in the config to a literal, or to `output(x, name)` whose value is
 * known before deploy (`!Ref AWS::StackName`, a literal), makes the names built from it exact: a
 * `ParentVPCStack` fed `output('vpc', 'StackName')` turns `${ParentVPCStack}-VpcId` into the vpc
 * stack's export name instead of a wildcard.
 */
export function namesThroughConfig(config: ResolvedConfig, templates: ReadonlyMap<string, TemplateInfo>): NameResolver {
  const stacks = new Map<string, ResolvedStack>(config.stacks.map((s) => [s.id, s]));

  const outputValue = (stackId: string, outputName: string, depth: number): string | undefined => {
    const output = templates.get(stackId)?.outputs.find((o) => o.name === outputName);
    if (!output?.value) return undefined;
    const value = resolve(stackId, output.value, depth + 1);
    return value.unknowns.length === 0 ? value.value : undefined;
  };

  const knownValue = (value: ParameterValue, depth: number): string | undefined => {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
    if (Array.isArray(value)) return value.join(',');
    if (isOutputRef(value)) return outputValue(value.output.stack, value.output.name, depth);
    if (isSsmRef(value)) return undefined;
    return undefined;
  };

  const resolve = (stackId: string, name: ResolvedName, depth: number): ResolvedName => {
    const stack = stacks.get(stackId);
    if (!stack || name.unknowns.length === 0 || depth > MAX_DEPTH) return name;
    let value = name.value;
    const unknowns: string[] = [];
    for (const piece of name.unknowns) {
      const bound = Object.hasOwn(stack.parameters, piece) ? stack.parameters[piece] : undefined;
      const known = bound === undefined ? undefined : knownValue(bound, depth);
      if (known === undefined) unknowns.push(piece);
      else value = value.split(`\${${piece}}`).join(known);
    }
    return unknowns.length === name.unknowns.length ? name : { value, unknowns };
  };

  return (stackId, name) => resolve(stackId, name, 0);
}

/**
 * The `output()` parameters of a stack whose values the templates analysed so far already tell
 * (an upstream output `!Ref AWS::StackName`), so that its own analysis resolves names with them.
 */
export function knownOutputParameters(stack: ResolvedStack, resolve: NameResolver): Map<string, string> {
  const known = new Map<string, string>();
  for (const [name, value] of Object.entries(stack.parameters)) {
    if (!isOutputRef(value)) continue;
    const probe = resolve(stack.id, { value: `\${${name}}`, unknowns: [name] });
    if (probe.unknowns.length === 0) known.set(name, probe.value);
  }
  return known;
}

/**
 * What the analysis of a stack's template may take from its config parameters: literals (and
 * `known` values) as values, and the names of parameters whose values come at deploy time (their
 * defaults do not apply).
 */
export function analysisParameters(
  stack: ResolvedStack,
  known: ReadonlyMap<string, string> = new Map(),
): {
  parameterValues: Map<string, string>;
  deployTimeParameters: Set<string>;
} {
  const parameterValues = new Map<string, string>();
  const deployTimeParameters = new Set<string>();
  for (const [name, value] of Object.entries(stack.parameters)) {
    const knownValue = known.get(name);
    if (knownValue !== undefined) parameterValues.set(name, knownValue);
    else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      parameterValues.set(name, String(value));
    else if (Array.isArray(value)) parameterValues.set(name, value.join(','));
    else deployTimeParameters.add(name);
  }
  return { parameterValues, deployTimeParameters };
}
