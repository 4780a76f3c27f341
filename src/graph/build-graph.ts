import type { Problem, SourceLocation } from '../errors.js';
import { formatLocation } from '../errors.js';
import { isOutputRef, isSsmRef, didYouMean } from '../config/resolve-config.js';
import type { ResolvedConfig } from '../config/resolve-config.js';
import type { TemplateInfo } from '../template/analyze-template.js';
import type { ResolvedName } from '../template/resolve-name.js';
import type { Edge, StackGraph } from './types.js';

export interface BuildGraphResult {
  graph: StackGraph;
  problems: Problem[];
  warnings: Problem[];
}

interface Provider {
  stack: string;
  /** The output or resource that provides the value. */
  by: string;
  name: ResolvedName;
  location: SourceLocation;
}

/**
 * Builds the dependency graph from what the config declares and what the templates say. Pure:
 * templates are analysed already (missing ones simply contribute no inferred edges).
 */
export function buildGraph(
  config: ResolvedConfig,
  templates: ReadonlyMap<string, TemplateInfo>,
  locateConfig: (path: readonly PropertyKey[]) => SourceLocation,
): BuildGraphResult {
  const problems: Problem[] = [];
  const warnings: Problem[] = [];
  const edges: Edge[] = [];
  const ids = new Set(config.stacks.map((s) => s.id));

  const exports = collectProviders(config, templates, (t) =>
    [...t.outputs, ...t.nestedExports].flatMap((o) =>
      o.exportName ? [{ by: `output ${o.name}`, name: o.exportName, location: o.location }] : [],
    ),
  );
  const ssmWrites = [
    ...collectProviders(config, templates, (t) =>
      t.ssmWrites.map((w) => ({ by: `resource ${w.logicalId}`, name: w.parameterName, location: w.location })),
    ),
    // Outputs that stackpilot itself writes to SSM after a deploy (outputsToSsm) are written by that stack too.
    ...config.stacks.flatMap((stack) =>
      Object.entries(stack.outputsToSsm).map(([output, name]) => ({
        stack: stack.id,
        by: `outputsToSsm.${output}`,
        name: { value: name, unknowns: [] },
        location: locateConfig(['stacks', stack.id, 'outputsToSsm', output]),
      })),
    ),
  ];
  reportDuplicates(exports, 'export', problems);
  reportDuplicates(ssmWrites, 'SSM parameter', problems);

  for (const stack of config.stacks) {
    stack.dependsOn.forEach((dependency, index) => {
      if (!ids.has(dependency) || dependency === stack.id) return; // reported by config validation
      edges.push({
        stack: stack.id,
        dependsOn: dependency,
        via: 'declared',
        detail: `dependsOn "${dependency}"`,
        location: locateConfig(['stacks', stack.id, 'dependsOn', index]),
        providedAt: undefined,
      });
    });

    for (const [name, value] of Object.entries(stack.parameters)) {
      const location = locateConfig(['stacks', stack.id, 'parameters', name]);
      if (isOutputRef(value)) {
        const { stack: upstream, name: outputName } = value.output;
        if (!ids.has(upstream) || upstream === stack.id) continue;
        const upstreamTemplate = templates.get(upstream);
        const output = upstreamTemplate?.outputs.find((o) => o.name === outputName);
        if (upstreamTemplate && !output) {
          const names = upstreamTemplate.outputs.map((o) => o.name);
          problems.push({
            path: `stacks.${stack.id}.parameters.${name}`,
            stack: stack.id,
            location,
            message: `parameter ${name} takes output "${outputName}" of stack "${upstream}", but ${upstreamTemplate.file} has no such output`,
            hint:
              didYouMean(outputName, names) ??
              (names.length ? `its outputs are: ${names.join(', ')}` : 'that template declares no outputs'),
          });
        }
        edges.push({
          stack: stack.id,
          dependsOn: upstream,
          via: 'output',
          detail: `parameter ${name} = output("${upstream}", "${outputName}")`,
          location,
          providedAt: output?.location,
        });
      } else if (isSsmRef(value)) {
        for (const writer of matchProviders(ssmWrites, { value: value.ssm, unknowns: [] })) {
          if (writer.stack === stack.id) continue;
          edges.push({
            stack: stack.id,
            dependsOn: writer.stack,
            via: 'ssm',
            detail: `parameter ${name} = ssm("${value.ssm}"), written by ${writer.by} of ${writer.stack}`,
            location,
            providedAt: writer.location,
          });
        }
      }
    }

    const template = templates.get(stack.id);
    if (!template) continue;
    for (const imported of template.imports) {
      const matches = matchProviders(exports, imported.exportName);
      if (matches.length === 0) {
        warnings.push({
          stack: stack.id,
          location: imported.location,
          message: `Fn::ImportValue "${imported.exportName.value}" in ${imported.usedBy} matches no export of this project; it is assumed to exist outside it`,
          hint: 'if another stack of this project should export it, check the export name for typos',
        });
        continue;
      }
      for (const provider of matches) {
        if (provider.stack === stack.id) {
          problems.push({
            stack: stack.id,
            location: imported.location,
            message: `${imported.usedBy} imports "${imported.exportName.value}", which its own stack exports (${provider.by})`,
            hint: 'use !Ref or !GetAtt inside the same template instead of Fn::ImportValue',
          });
          continue;
        }
        const pattern = imported.exportName.unknowns.length > 0 ? ' (matched as a pattern)' : '';
        edges.push({
          stack: stack.id,
          dependsOn: provider.stack,
          via: 'import',
          detail: `Fn::ImportValue "${provider.name.value}" in ${imported.usedBy}, exported by ${provider.by} of ${provider.stack}${pattern}`,
          location: imported.location,
          providedAt: provider.location,
        });
      }
    }
    for (const read of template.ssmReads) {
      for (const writer of matchProviders(ssmWrites, read.parameterName)) {
        if (writer.stack === stack.id) continue;
        const how =
          read.via === 'parameter-type'
            ? `parameter ${read.usedBy} of type AWS::SSM::Parameter::Value`
            : `{{resolve:${read.secure ? 'ssm-secure' : 'ssm'}:...}} in ${read.usedBy}`;
        edges.push({
          stack: stack.id,
          dependsOn: writer.stack,
          via: 'ssm',
          detail: `reads SSM parameter "${writer.name.value}" at deploy time (${how}), written by ${writer.by} of ${writer.stack}`,
          location: read.location,
          providedAt: writer.location,
        });
      }
    }
  }

  const nodes = config.stacks.map((s) => ({
    id: s.id,
    stackName: s.stackName,
    weight: Math.max(1, templates.get(s.id)?.resources.length ?? 1),
  }));
  return { graph: { nodes, edges }, problems, warnings };
}

function collectProviders(
  config: ResolvedConfig,
  templates: ReadonlyMap<string, TemplateInfo>,
  pick: (template: TemplateInfo) => Omit<Provider, 'stack'>[],
): Provider[] {
  return config.stacks.flatMap((stack) => {
    const template = templates.get(stack.id);
    return template ? pick(template).map((p) => ({ ...p, stack: stack.id })) : [];
  });
}

function reportDuplicates(providers: Provider[], what: string, problems: Problem[]): void {
  const seen = new Map<string, Provider>();
  for (const provider of providers) {
    if (provider.name.unknowns.length > 0) continue;
    const first = seen.get(provider.name.value);
    if (!first) {
      seen.set(provider.name.value, provider);
      continue;
    }
    problems.push({
      stack: provider.stack,
      location: provider.location,
      message: `${what} "${provider.name.value}" is created by both ${first.stack} (${first.by}, ${formatLocation(first.location)}) and ${provider.stack} (${provider.by})`,
      hint: `CloudFormation allows one ${what} of a name per region: rename one of them`,
    });
  }
}

/** Exact names match exactly; a name with unknown pieces matches as a pattern, each `${...}` standing for any text. */
function matchProviders(providers: Provider[], wanted: ResolvedName): Provider[] {
  const wantedPattern = toPattern(wanted);
  return providers.filter((provider) => {
    if (wanted.unknowns.length === 0 && provider.name.unknowns.length === 0)
      return provider.name.value === wanted.value;
    if (provider.name.unknowns.length === 0) return wantedPattern.test(provider.name.value);
    if (wanted.unknowns.length === 0) return toPattern(provider.name).test(wanted.value);
    return false;
  });
}

function toPattern(name: ResolvedName): RegExp {
  const parts = name.value.split(/\$\{[^}]*\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('.+')}$`);
}
