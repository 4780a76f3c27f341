import type { ResolvedConfig, ResolvedStack } from '../src/config/resolve-config.js';
import type { SourceLocation } from '../src/errors.js';
import { buildGraph } from '../src/graph/build-graph.js';
import { findCycles } from '../src/graph/find-cycles.js';
import type { Project } from '../src/graph/load-project.js';
import { computeOrderings } from '../src/graph/orderings.js';
import { analyzeTemplate } from '../src/template/analyze-template.js';
import type { TemplateInfo } from '../src/template/analyze-template.js';
import { parseTemplate } from '../src/template/parse-template.js';

export interface SyntheticStack {
  id: string;
  dependsOn: string[];
  /** How many resources the generated template holds. */
  resources?: number;
  /**
   * Resource types the template holds besides its first topic (instead of `resources` topics):
   * what a first run's priorities are estimated from. The simulator's timings come from the
   * scenario, whatever the types.
   */
  resourceTypes?: string[];
  /**
   * Which upstream stacks feed this one an `output()` parameter (their data is needed before its
   * change set can be made); the other dependencies are imports, resolved at execution.
   */
  outputsFrom?: string[];
}

const nowhere = (): SourceLocation => ({ file: 'bench' });

/**
 * A project built in memory through the same code as `loadProject` (templates parsed and
 * analysed, edges inferred from outputs and imports, cycles checked), without files.
 */
export function syntheticProject(name: string, stacks: readonly SyntheticStack[]): Project {
  const resolved: ResolvedStack[] = stacks.map((s) => ({
    id: s.id,
    stackName: `${name}-${s.id}`,
    templatePath: `/bench/${s.id}.yaml`,
    templateDisplay: `${s.id}.yaml`,
    dependsOn: [],
    parameters: Object.fromEntries(
      (s.outputsFrom ?? []).map((up) => [`From${pascal(up)}`, { output: { stack: up, name: 'Value' } }]),
    ),
    tags: {},
    capabilities: [],
    stateful: false,
    terminationProtection: false,
    timeoutMinutes: undefined,
    outputsToSsm: {},
    location: { file: 'bench' },
  }));
  const templates = new Map<string, TemplateInfo>();
  for (const s of stacks) {
    const stackName = `${name}-${s.id}`;
    templates.set(
      s.id,
      analyzeTemplate(parseTemplate(templateFor(name, s), `${s.id}.yaml`), { stackName, region: 'us-east-1' }),
    );
  }
  const config: ResolvedConfig = {
    configFile: '/bench/stacks.config.ts',
    configDir: '/bench',
    project: name,
    stage: 'bench',
    region: 'us-east-1',
    stacks: resolved,
    outputs: undefined,
    artifacts: undefined,
  };
  const built = buildGraph(config, templates, nowhere);
  const problems = [
    ...built.problems,
    ...findCycles(built.graph).map((c) => ({ message: `cycle: ${c.stacks.join(', ')}` })),
  ];
  if (problems.length > 0)
    throw new Error(`scenario ${name} is not a valid project: ${problems.map((p) => p.message).join('; ')}`);
  return { config, templates, graph: built.graph, orderings: computeOrderings(built.graph), warnings: built.warnings };
}

/** Topics (cheap for the simulator) and one export; imports of every dependency not fed by output(). */
export function templateFor(project: string, stack: SyntheticStack): string {
  const lines: string[] = [];
  const fed = new Set(stack.outputsFrom ?? []);
  if (fed.size > 0) {
    lines.push('Parameters:');
    for (const up of fed) lines.push(`  From${pascal(up)}:`, '    Type: String');
  }
  lines.push('Resources:');
  const count = stack.resourceTypes ? 1 : Math.max(1, stack.resources ?? 3);
  for (let i = 0; i < count; i += 1) {
    lines.push(`  Topic${i}:`, '    Type: AWS::SNS::Topic');
    const imports = stack.dependsOn.filter((up) => !fed.has(up));
    if (i === 0 && (imports.length > 0 || fed.size > 0)) {
      lines.push('    Properties:', '      Tags:');
      for (const up of imports)
        lines.push(`        - Key: ${up}`, `          Value: !ImportValue ${project}-${up}-value`);
      for (const up of fed) lines.push(`        - Key: from-${up}`, `          Value: !Ref From${pascal(up)}`);
    }
  }
  for (const [i, type] of (stack.resourceTypes ?? []).entries()) lines.push(`  Typed${i}:`, `    Type: ${type}`);
  lines.push(
    'Outputs:',
    '  Value:',
    '    Value: !Ref Topic0',
    '    Export:',
    `      Name: ${project}-${stack.id}-value`,
  );
  return `${lines.join('\n')}\n`;
}

export function pascal(id: string): string {
  return id
    .split(/[^A-Za-z0-9]/)
    .filter(Boolean)
    .map((part) => part[0]?.toUpperCase() + part.slice(1))
    .join('');
}
