/**
 * `stackpilot init --from-account`: the starter config of stacks already deployed, made from what
 * DescribeStacks and GetTemplate say about them. Pure over that data (reading it is the CLI's).
 */
import type { StackDescription } from '../../aws/ports.js';
import { analyzeTemplate } from '../../template/analyze-template.js';
import { parseTemplate } from '../../template/parse-template.js';
import type { StarterStack, StarterValue } from './starter-config.js';
import type { Capability } from '../../config/types.js';

/** How DescribeStacks shows a NoEcho parameter's value. */
const MASKED = '****';
const CAPABILITIES: ReadonlySet<string> = new Set<Capability>([
  'CAPABILITY_IAM',
  'CAPABILITY_NAMED_IAM',
  'CAPABILITY_AUTO_EXPAND',
]);

/**
 * Tags nobody writes in a config: `aws:` tags are CloudFormation's own (it refuses them in a
 * request), `stackpilot:` tags stackpilot adds to every stack it deploys.
 */
export function isManagedTag(key: string): boolean {
  return key.startsWith('aws:') || key.startsWith('stackpilot:');
}

export interface DeployedStack {
  /** The id in the config: the stack name without the prefix. */
  id: string;
  description: StackDescription;
  /** The deployed template (GetTemplate, original stage). */
  templateBody: string;
  /** Where init writes the template, relative to the config. */
  templateFile: string;
}

export interface StarterFromAccount {
  stacks: StarterStack[];
  /** For the terminal: NoEcho values and ambiguous outputs. Never a parameter's value. */
  warnings: string[];
}

export function starterFromAccount(deployed: readonly DeployedStack[]): StarterFromAccount {
  const warnings: string[] = [];
  // Which listed stacks have an output of each value: a parameter with that value was most
  // likely fed from it, as deploy.sh scripts do with `aws cloudformation describe-stacks`.
  const producers = new Map<string, { stack: string; name: string }[]>();
  for (const stack of deployed) {
    for (const out of stack.description.outputs) {
      if (out.value === '' || out.value === MASKED) continue;
      const list = producers.get(out.value) ?? [];
      list.push({ stack: stack.id, name: out.key });
      producers.set(out.value, list);
    }
  }
  // Output edges chosen so far, so that no guess closes a cycle.
  const needs = new Map<string, Set<string>>();
  const reaches = (from: string, to: string): boolean => {
    const seen = new Set<string>();
    const stack = [from];
    while (stack.length > 0) {
      const at = stack.pop() as string;
      if (at === to) return true;
      if (seen.has(at)) continue;
      seen.add(at);
      stack.push(...(needs.get(at) ?? []));
    }
    return false;
  };

  const stacks = deployed.map((stack): StarterStack => {
    const defaults = templateDefaults(stack);
    const notes: string[] = [];
    const parameters: [string, StarterValue][] = [];
    for (const { key, value } of stack.description.parameters) {
      if (value === MASKED) {
        parameters.push([
          key,
          { kind: 'placeholder', why: `NoEcho parameter ${key}: CloudFormation does not return its value` },
        ]);
        warnings.push(
          `${stack.id}: parameter ${key} is NoEcho: its value cannot be read, ` +
            'so the config has a placeholder for it; fill it in before deploying',
        );
        continue;
      }
      // What the template would pass anyway needs no line (DescribeStacks lists defaults too).
      if (defaults.has(key) && defaults.get(key) === value) continue;
      const candidates = (producers.get(value) ?? []).filter((p) => p.stack !== stack.id);
      const only = candidates.length === 1 ? candidates[0] : undefined;
      if (only !== undefined && !reaches(only.stack, stack.id)) {
        const set = needs.get(stack.id) ?? new Set<string>();
        set.add(only.stack);
        needs.set(stack.id, set);
        parameters.push([key, { kind: 'output', stack: only.stack, name: only.name }]);
        continue;
      }
      if (candidates.length > 1) {
        const names = candidates.map((c) => `output('${c.stack}', '${c.name}')`).join(', ');
        notes.push(`${key} equals several outputs (${names}): kept as a literal; pick one if it comes from there`);
      }
      parameters.push([key, { kind: 'literal', value }]);
    }
    const tags = Object.fromEntries(Object.entries(stack.description.tags).filter(([k]) => !isManagedTag(k)));
    const capabilities = stack.description.capabilities.filter((c): c is Capability => CAPABILITIES.has(c));
    return {
      id: stack.id,
      template: stack.templateFile,
      parameters,
      tags,
      capabilities,
      terminationProtection: stack.description.terminationProtection,
      ...(notes.length > 0 ? { notes } : {}),
    };
  });
  return { stacks, warnings };
}

/**
 * Nested stacks an emulator lists without their ParentId (moto does): CloudFormation names a
 * nested stack `<parent stack name>-<logical id>-<suffix>`, after an `AWS::CloudFormation::Stack`
 * resource of its parent, so a listed stack named that way is the nested one and is left out.
 */
export function withoutNestedStacks(deployed: readonly DeployedStack[]): {
  roots: DeployedStack[];
  nested: DeployedStack[];
} {
  const nestedPrefixes: string[] = [];
  for (const stack of deployed) {
    for (const resource of templateResources(stack)) {
      if (resource.type === 'AWS::CloudFormation::Stack')
        nestedPrefixes.push(`${stack.description.stackName}-${resource.logicalId}-`);
    }
  }
  const isNested = (s: DeployedStack): boolean => nestedPrefixes.some((p) => s.description.stackName.startsWith(p));
  return { roots: deployed.filter((s) => !isNested(s)), nested: deployed.filter(isNested) };
}

function templateResources(stack: DeployedStack): { logicalId: string; type: string }[] {
  try {
    return analyzeTemplate(parseTemplate(stack.templateBody, stack.templateFile)).resources;
  } catch {
    return [];
  }
}

/** The template's parameter defaults; none when the template cannot be read (validate says why). */
function templateDefaults(stack: DeployedStack): Map<string, string | undefined> {
  try {
    const info = analyzeTemplate(parseTemplate(stack.templateBody, stack.templateFile));
    return new Map(info.parameters.map((p) => [p.name, p.default]));
  } catch {
    return new Map();
  }
}
