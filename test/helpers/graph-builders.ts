import type { SourceLocation } from '../../src/errors.js';
import type { ResolvedConfig, ResolvedStack } from '../../src/config/resolve-config.js';
import type { ParameterValue } from '../../src/config/types.js';
import { analyzeTemplate } from '../../src/template/analyze-template.js';
import type { TemplateInfo, TemplateStackOutputRead } from '../../src/template/analyze-template.js';
import type { ResolvedName } from '../../src/template/resolve-name.js';
import { parseTemplate } from '../../src/template/parse-template.js';
import { buildGraph } from '../../src/graph/build-graph.js';
import { analysisParameters } from '../../src/graph/names-through-config.js';
import type { BuildGraphResult } from '../../src/graph/build-graph.js';

export interface StackSpec {
  /** Template YAML; `Resources` may be omitted (a placeholder resource is added). */
  template?: string;
  dependsOn?: string[];
  parameters?: Record<string, ParameterValue>;
  /**
   * `Fn::GetStackOutput` reads set on the analysis directly, as the template extraction gives
   * them (build them with `reading`).
   */
  stackOutputReads?: TemplateStackOutputRead[];
}

/** A name as the analysis gives it: `${X}` pieces are unknowns. */
export function nameOf(value: string): ResolvedName {
  return { value, unknowns: [...value.matchAll(/\$\{([^}]*)\}/g)].map((m) => m[1] ?? '') };
}

/** A `Fn::GetStackOutput` read of `stackName`'s `outputName`, used by a resource `Fn`. */
export function reading(
  stackName: string,
  outputName: string,
  extra: { region?: string; roleArn?: string; usedBy?: string } = {},
): TemplateStackOutputRead {
  return {
    stackName: nameOf(stackName),
    outputName: nameOf(outputName),
    ...(extra.region === undefined ? {} : { region: nameOf(extra.region) }),
    ...(extra.roleArn === undefined ? {} : { roleArn: nameOf(extra.roleArn) }),
    usedBy: extra.usedBy ?? 'Fn',
    location: { file: 'templates/reader.yaml', line: 7, column: 9 },
  };
}

const PLACEHOLDER = '\nResources:\n  Topic:\n    Type: AWS::SNS::Topic\n';

/** A resolved config plus analysed templates, built in memory: the graph's inputs without files. */
export function projectOf(
  stacks: Record<string, StackSpec>,
  stage = 'dev',
): { config: ResolvedConfig; templates: Map<string, TemplateInfo> } {
  const resolved: ResolvedStack[] = Object.entries(stacks).map(([id, spec]) => ({
    id,
    stackName: `demo-${stage}-${id}`,
    templatePath: `/virtual/${id}.yaml`,
    templateDisplay: `templates/${id}.yaml`,
    dependsOn: spec.dependsOn ?? [],
    parameters: spec.parameters ?? {},
    tags: {},
    capabilities: [],
    stateful: false,
    terminationProtection: false,
    timeoutMinutes: undefined,
    outputsToSsm: {},
    location: { file: 'stacks.config.ts' },
  }));
  const templates = new Map<string, TemplateInfo>();
  for (const stack of resolved) {
    const text = stacks[stack.id]?.template ?? '';
    const body = text.includes('Resources:') ? text : `${text}${PLACEHOLDER}`;
    const info = analyzeTemplate(parseTemplate(body, stack.templateDisplay), {
      stackName: stack.stackName,
      region: 'us-east-1',
      ...analysisParameters(stack),
    });
    const reads = stacks[stack.id]?.stackOutputReads;
    templates.set(stack.id, reads ? { ...info, stackOutputReads: reads } : info);
  }
  return {
    config: {
      configFile: '/virtual/stacks.config.ts',
      configDir: '/virtual',
      project: 'demo',
      stage,
      region: 'us-east-1',
      stacks: resolved,
      outputs: undefined,
      artifacts: undefined,
    },
    templates,
  };
}

const locateNowhere = (): SourceLocation => ({ file: 'stacks.config.ts' });

export function graphOf(stacks: Record<string, StackSpec>): BuildGraphResult {
  const { config, templates } = projectOf(stacks);
  return buildGraph(config, templates, locateNowhere);
}

/** `export:Name` → an Outputs section exporting `Name` under that export name. */
export function exporting(exports: Record<string, string>): string {
  return `Outputs:\n${Object.entries(exports)
    .map(([name, exportName]) => `  ${name}:\n    Value: x\n    Export:\n      Name: ${exportName}\n`)
    .join('')}`;
}
