import type { ResolvedStack } from '../../src/config/resolve-config.js';
import { TemplateError } from '../../src/errors.js';
import { analyzeTemplate, parseTemplate } from '../../src/template/index.js';
import type {
  AnalyzeOptions,
  ParsedTemplate,
  TemplateInfo,
  TemplateObject,
  TemplateValue,
} from '../../src/template/index.js';

/**
 * Strips the common indentation and the first newline of an inline template, so that line 1 of
 * the result is the first line written after the backtick. CloudFormation's `${X}` must be
 * written `\${X}` inside a template literal.
 */
export function dedent(strings: TemplateStringsArray, ...values: (string | number)[]): string {
  const text = strings.reduce(
    (out, part, index) => out + part + (index < values.length ? String(values[index]) : ''),
    '',
  );
  const lines = text
    .replace(/^\n/, '')
    .replace(/\n[ \t]*$/, '\n')
    .split('\n');
  const indents = lines.filter((line) => line.trim() !== '').map((line) => /^ */.exec(line)?.[0].length ?? 0);
  const indent = indents.length === 0 ? 0 : Math.min(...indents);
  return lines.map((line) => line.slice(indent)).join('\n');
}

export function parseYaml(text: string, file = 'template.yaml'): ParsedTemplate {
  return parseTemplate(text, file);
}

export function analyzeYaml(text: string, options: AnalyzeOptions = {}, file = 'template.yaml'): TemplateInfo {
  return analyzeTemplate(parseTemplate(text, file), options);
}

/** The TemplateError that parsing `text` throws; fails the test when it does not throw one. */
export function parseError(text: string, file = 'template.yaml'): TemplateError {
  try {
    parseTemplate(text, file);
  } catch (error) {
    if (error instanceof TemplateError) return error;
    throw error;
  }
  throw new Error(`expected parsing ${file} to throw a TemplateError`);
}

/** The value at `path` inside a template body; throws when a step is missing. */
export function valueAt(root: TemplateValue, ...path: (string | number)[]): TemplateValue {
  let node: TemplateValue = root;
  for (const key of path) {
    let next: TemplateValue | undefined;
    if (typeof key === 'number') next = Array.isArray(node) ? node[key] : undefined;
    else if (node !== null && typeof node === 'object' && !Array.isArray(node)) next = node[key];
    if (next === undefined) throw new Error(`template has no ${path.join('.')} (stopped at ${String(key)})`);
    node = next;
  }
  return node;
}

export function objectAt(root: TemplateValue, ...path: (string | number)[]): TemplateObject {
  const value = valueAt(root, ...path);
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new Error(`${path.join('.')} is not a mapping`);
  return value;
}

export function arrayAt(root: TemplateValue, ...path: (string | number)[]): TemplateValue[] {
  const value = valueAt(root, ...path);
  if (!Array.isArray(value)) throw new Error(`${path.join('.')} is not a sequence`);
  return value;
}

export function resolvedStack(overrides: Partial<ResolvedStack> = {}): ResolvedStack {
  return {
    id: 'app',
    stackName: 'orders-dev-app',
    templatePath: '/project/templates/app.yaml',
    templateDisplay: 'templates/app.yaml',
    dependsOn: [],
    parameters: {},
    tags: {},
    capabilities: [],
    stateful: false,
    terminationProtection: false,
    timeoutMinutes: undefined,
    outputsToSsm: {},
    location: { file: 'stacks.config.ts', line: 5, column: 5 },
    ...overrides,
  };
}
