/**
 * The `stacks.config.ts` that `stackpilot init` writes, as TypeScript source: a pure function of
 * a small model, so that what init found (in templates or in an account) and how it is written
 * are tested apart.
 */
import { DEFAULT_STACK_NAME } from '../../config/resolve-config.js';
import { PLACEHOLDER_MARK } from '../../config/placeholder.js';
import type { Capability } from '../../config/types.js';

export type StarterValue =
  | { kind: 'literal'; value: string }
  | { kind: 'output'; stack: string; name: string }
  /** A value the user must give; `why` says what it is and why init could not write it. */
  | { kind: 'placeholder'; why: string };

export interface StarterStack {
  id: string;
  /** Relative to the config file, with forward slashes. */
  template: string;
  parameters: readonly (readonly [string, StarterValue])[];
  tags: Readonly<Record<string, string>>;
  capabilities: readonly Capability[];
  terminationProtection: boolean;
  /** Comment lines written above the stack. */
  notes?: readonly string[];
}

export interface StarterConfig {
  project: string;
  stage: string;
  region?: string;
  /** The stack name pattern, when it is not stackpilot's default. */
  stackName?: string;
  /** Comment lines at the top of the file: where the config came from. */
  header: readonly string[];
  stacks: readonly StarterStack[];
}

export function placeholderText(why: string): string {
  return `${PLACEHOLDER_MARK}: ${why}>`;
}

/** Whether a rendered config still holds a value for the user to fill in. */
export function hasPlaceholders(config: StarterConfig): boolean {
  return config.stacks.some((s) => s.parameters.some(([, v]) => v.kind === 'placeholder'));
}

export function renderStarterConfig(config: StarterConfig): string {
  const lines: string[] = [...config.header.map((l) => `// ${l}`.trimEnd())];
  if (hasPlaceholders(config)) {
    lines.push(
      `// Values marked ${PLACEHOLDER_MARK}: ...> could not be read: fill them in (validate, plan and deploy`,
      "// refuse them). For a secret, prefer ssm('/name/of/parameter') over a literal in this file.",
    );
  }
  const usesOutput = config.stacks.some((s) => s.parameters.some(([, v]) => v.kind === 'output'));
  lines.push(`import { defineConfig${usesOutput ? ', output' : ''} } from 'stackpilot';`, '');
  lines.push('export default defineConfig({');
  lines.push(`  project: ${quote(config.project)},`);
  lines.push(`  stage: ${quote(config.stage)},`);
  if (config.region !== undefined) lines.push(`  region: ${quote(config.region)},`);
  if (config.stackName !== undefined && config.stackName !== DEFAULT_STACK_NAME)
    lines.push(`  stackName: ${quote(config.stackName)},`);

  const shared = sharedDefaults(config.stacks);
  if (shared.tags !== undefined || shared.capabilities !== undefined) {
    lines.push('  defaults: {');
    if (shared.capabilities !== undefined) lines.push(`    capabilities: ${list(shared.capabilities)},`);
    if (shared.tags !== undefined) lines.push(`    tags: ${record(shared.tags)},`);
    lines.push('  },');
  }

  lines.push('  stacks: {');
  for (const stack of config.stacks) {
    for (const note of stack.notes ?? []) lines.push(`    // ${note}`.trimEnd());
    lines.push(`    ${key(stack.id)}: {`);
    lines.push(`      template: ${quote(stack.template)},`);
    if (stack.parameters.length > 0) {
      lines.push('      parameters: {');
      for (const [name, value] of stack.parameters) lines.push(...parameterLines(name, value));
      lines.push('      },');
    }
    if (shared.tags === undefined && Object.keys(stack.tags).length > 0)
      lines.push(`      tags: ${record(stack.tags)},`);
    if (shared.capabilities === undefined && stack.capabilities.length > 0)
      lines.push(`      capabilities: ${list(stack.capabilities)},`);
    if (stack.terminationProtection) lines.push('      terminationProtection: true,');
    lines.push('    },');
  }
  lines.push('  },');
  lines.push('});', '');
  return lines.join('\n');
}

function parameterLines(name: string, value: StarterValue): string[] {
  const indent = '        ';
  switch (value.kind) {
    case 'literal':
      return [`${indent}${key(name)}: ${quote(value.value)},`];
    case 'output':
      return [`${indent}${key(name)}: output(${quote(value.stack)}, ${quote(value.name)}),`];
    case 'placeholder':
      return [`${indent}// FILL IN: ${value.why}`, `${indent}${key(name)}: ${quote(placeholderText(value.why))},`];
  }
}

/** Tags and capabilities every stack has alike go to `defaults` once. */
function sharedDefaults(stacks: readonly StarterStack[]): {
  tags?: Readonly<Record<string, string>>;
  capabilities?: readonly Capability[];
} {
  const first = stacks[0];
  if (first === undefined || stacks.length < 2) return {};
  const tagsText = JSON.stringify(sortedEntries(first.tags));
  const capsText = JSON.stringify([...first.capabilities].sort());
  return {
    ...(Object.keys(first.tags).length > 0 && stacks.every((s) => JSON.stringify(sortedEntries(s.tags)) === tagsText)
      ? { tags: first.tags }
      : {}),
    ...(first.capabilities.length > 0 && stacks.every((s) => JSON.stringify([...s.capabilities].sort()) === capsText)
      ? { capabilities: first.capabilities }
      : {}),
  };
}

function sortedEntries(record: Readonly<Record<string, string>>): [string, string][] {
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function record(values: Readonly<Record<string, string>>): string {
  const entries = Object.entries(values).map(([k, v]) => `${key(k)}: ${quote(v)}`);
  return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
}

function list(values: readonly string[]): string {
  return `[${values.map(quote).join(', ')}]`;
}

/** A string as a TypeScript literal: single quotes where nothing needs escaping, else JSON's. */
export function quote(value: string): string {
  return /^[^'\\\p{Cc}\u2028\u2029]*$/u.test(value) ? `'${value}'` : JSON.stringify(value);
}

function key(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : quote(name);
}
