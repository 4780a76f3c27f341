import type { Problem, SourceLocation } from '../errors.js';
import { didYouMean } from '../config/resolve-config.js';
import type { ResolvedOutputsFile, ResolvedStack } from '../config/resolve-config.js';
import { PLACEHOLDER_MARK } from '../config/placeholder.js';
import type { TemplateInfo } from './analyze-template.js';

/**
 * The config and the template must agree on parameters: CloudFormation refuses a parameter the
 * template does not declare, and a declared parameter with no default that nobody sets.
 */
export function checkStackParameters(
  stack: ResolvedStack,
  template: TemplateInfo,
  locateConfig: (path: readonly PropertyKey[]) => SourceLocation,
): Problem[] {
  const problems: Problem[] = [];
  const declared = template.parameters.map((p) => p.name);
  for (const name of Object.keys(stack.parameters)) {
    if (declared.includes(name)) continue;
    problems.push({
      path: `stacks.${stack.id}.parameters.${name}`,
      stack: stack.id,
      location: locateConfig(['stacks', stack.id, 'parameters', name]),
      message: `parameter ${name} is not declared in ${stack.templateDisplay}`,
      hint:
        didYouMean(name, declared) ??
        (declared.length ? `the template declares: ${declared.join(', ')}` : 'the template declares no parameters'),
    });
  }
  for (const parameter of template.parameters) {
    if (parameter.default !== undefined || Object.hasOwn(stack.parameters, parameter.name)) continue;
    problems.push({
      path: `stacks.${stack.id}.parameters`,
      stack: stack.id,
      location: parameter.location,
      message: `template parameter ${parameter.name} has no default and stack "${stack.id}" does not set it`,
      hint: `set stacks.${stack.id}.parameters.${parameter.name} in the config, or give the parameter a Default`,
    });
  }
  return problems;
}

/**
 * Values `stackpilot init` could not know and left for the user: a warning here (validate and the
 * graph still work on the rest), refused when a stack is planned or deployed (resolve-parameters.ts).
 */
export function placeholderWarnings(
  stack: ResolvedStack,
  locateConfig: (path: readonly PropertyKey[]) => SourceLocation,
): Problem[] {
  return Object.entries(stack.parameters)
    .filter(([, value]) => typeof value === 'string' && value.startsWith(PLACEHOLDER_MARK))
    .map(([name]) => ({
      path: `stacks.${stack.id}.parameters.${name}`,
      stack: stack.id,
      location: locateConfig(['stacks', stack.id, 'parameters', name]),
      message: `parameter ${name} is still the placeholder stackpilot init wrote: plan and deploy refuse it`,
      hint: "fill in the value, e.g. ssm('/name/of/the/parameter') for a secret",
    }));
}

/** `outputsToSsm` may only name outputs the template declares. */
export function checkStackOutputs(
  stack: ResolvedStack,
  template: TemplateInfo,
  locateConfig: (path: readonly PropertyKey[]) => SourceLocation,
): Problem[] {
  const declared = template.outputs.map((o) => o.name);
  return Object.keys(stack.outputsToSsm)
    .filter((name) => !declared.includes(name))
    .map((name) => ({
      path: `stacks.${stack.id}.outputsToSsm.${name}`,
      stack: stack.id,
      location: locateConfig(['stacks', stack.id, 'outputsToSsm', name]),
      message: `outputsToSsm names output ${name}, which ${stack.templateDisplay} does not declare`,
      hint:
        didYouMean(name, declared) ??
        (declared.length ? `the template's outputs are: ${declared.join(', ')}` : 'the template declares no outputs'),
    }));
}

/** Each value of the outputs file names an output its stack's template declares. */
export function checkOutputsFileValues(
  outputs: ResolvedOutputsFile | undefined,
  templates: ReadonlyMap<string, TemplateInfo>,
  locateConfig: (path: readonly PropertyKey[]) => SourceLocation,
): Problem[] {
  const problems: Problem[] = [];
  for (const [name, ref] of Object.entries(outputs?.values ?? {})) {
    const template = templates.get(ref.stack);
    if (!template) continue;
    const declared = template.outputs.map((o) => o.name);
    if (declared.includes(ref.name)) continue;
    problems.push({
      path: `outputs.values.${name}`,
      stack: ref.stack,
      location: locateConfig(['outputs', 'values', name]),
      message: `outputs file value ${name} takes output "${ref.name}" of stack "${ref.stack}", but ${template.file} has no such output`,
      hint:
        didYouMean(ref.name, declared) ??
        (declared.length ? `its outputs are: ${declared.join(', ')}` : 'that template declares no outputs'),
    });
  }
  return problems;
}
