import type { Problem, SourceLocation } from '../errors.js';
import { formatLocation } from '../errors.js';
import { isOutputRef, isSsmRef, didYouMean } from '../config/resolve-config.js';
import type { ResolvedConfig } from '../config/resolve-config.js';
import type { TemplateInfo, TemplateSsmRead } from '../template/analyze-template.js';
import type { ResolvedName } from '../template/resolve-name.js';
import { isOneValuePerRun, matchName } from './match-names.js';
import { namesThroughConfig } from './names-through-config.js';
import { stackOutputEdges } from './stack-output-edges.js';
import type { Edge, ExternalInput, StackGraph } from './types.js';

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
  const external: ExternalInput[] = [];
  const ids = new Set(config.stacks.map((s) => s.id));
  const resolveNames = namesThroughConfig(config, templates);

  const exports = collectProviders(config, templates, (t, id) =>
    [...t.outputs, ...t.nestedExports].flatMap((o) =>
      o.exportName ? [{ by: `output ${o.name}`, name: resolveNames(id, o.exportName), location: o.location }] : [],
    ),
  );
  const ssmWrites = [
    ...collectProviders(config, templates, (t, id) =>
      t.ssmWrites.map((w) => ({
        by: `resource ${w.logicalId}`,
        name: resolveNames(id, w.parameterName),
        location: w.location,
      })),
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
  const exportIndex = providerIndex(exports);
  const ssmIndex = providerIndex(ssmWrites);

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
            message:
              `parameter ${name} takes output "${outputName}" of stack "${upstream}", ` +
              `but ${upstreamTemplate.file} has no such output`,
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
        const writers = ssmIndex({ value: value.ssm, unknowns: [] }, stack.id);
        for (const { provider: writer, pattern } of writers) {
          if (writer.stack === stack.id) continue;
          edges.push({
            stack: stack.id,
            dependsOn: writer.stack,
            via: 'ssm',
            detail:
              `parameter ${name} = ssm("${value.ssm}"), written by ${writer.by} of ${writer.stack}` +
              `${pattern ? ' (matched as a pattern)' : ''}`,
            location,
            providedAt: writer.location,
            ...(pattern ? { pattern: true as const } : {}),
          });
        }
        if (writers.length === 0)
          external.push({
            stack: stack.id,
            via: 'ssm',
            name: value.ssm,
            detail: `parameter ${name} = ssm("${value.ssm}"), written by no stack of this config`,
            location,
          });
      }
    }

    const template = templates.get(stack.id);
    if (!template) continue;
    for (const imported of template.imports) {
      const exportName = resolveNames(stack.id, imported.exportName);
      const matches = exportIndex(exportName, stack.id);
      if (matches.length === 0) {
        warnings.push({
          stack: stack.id,
          location: imported.location,
          message:
            `Fn::ImportValue "${exportName.value}" in ${imported.usedBy} matches no export of this project; ` +
            'it is assumed to exist outside it',
          hint: 'if another stack of this project should export it, check the export name for typos',
        });
        external.push({
          stack: stack.id,
          via: 'import',
          name: exportName.value,
          detail: `Fn::ImportValue "${exportName.value}" in ${imported.usedBy}, exported by no stack of this config`,
          location: imported.location,
        });
        continue;
      }
      for (const { provider, pattern } of matches) {
        if (provider.stack === stack.id) {
          problems.push({
            stack: stack.id,
            location: imported.location,
            message: `${imported.usedBy} imports "${imported.exportName.value}", which its own stack exports (${provider.by})`,
            hint: 'use !Ref or !GetAtt inside the same template instead of Fn::ImportValue',
          });
          continue;
        }
        edges.push({
          stack: stack.id,
          dependsOn: provider.stack,
          via: 'import',
          detail:
            `Fn::ImportValue "${provider.name.value}" in ${imported.usedBy}, exported by ${provider.by} of ${provider.stack}` +
            `${pattern ? ' (matched as a pattern)' : ''}`,
          location: imported.location,
          providedAt: provider.location,
          ...(pattern ? { pattern: true as const } : {}),
        });
      }
    }
    for (const read of template.ssmReads) {
      const parameterName = resolveNames(stack.id, read.parameterName);
      const elsewhere = ssmReadElsewhere(read, config.region);
      if (elsewhere !== undefined) {
        // A parameter in another region or a shared one of another account: no stack here writes it.
        external.push({
          stack: stack.id,
          via: 'ssm',
          name: parameterName.value,
          detail: `reads SSM parameter "${parameterName.value}" ${elsewhere} at deploy time in ${read.usedBy}`,
          location: read.location,
        });
        continue;
      }
      const writers = ssmIndex(parameterName, stack.id);
      if (writers.length === 0)
        external.push({
          stack: stack.id,
          via: 'ssm',
          name: parameterName.value,
          detail: `reads SSM parameter "${parameterName.value}" at deploy time in ${read.usedBy}, written by no stack of this config`,
          location: read.location,
        });
      const account = literalAccount(read);
      for (const { provider: writer, pattern: namePattern } of writers) {
        if (writer.stack === stack.id) continue;
        const pattern = namePattern || account !== undefined;
        const how =
          read.via === 'parameter-type'
            ? `parameter ${read.usedBy} of type AWS::SSM::Parameter::Value`
            : `{{resolve:${read.secure ? 'ssm-secure' : 'ssm'}:...}} in ${read.usedBy}`;
        edges.push({
          stack: stack.id,
          dependsOn: writer.stack,
          via: 'ssm',
          detail:
            `reads SSM parameter "${writer.name.value}" at deploy time (${how}), written by ${writer.by} of ${writer.stack}` +
            `${namePattern ? ' (matched as a pattern)' : ''}` +
            `${account !== undefined ? ` (if account ${account} in its ARN is this one)` : ''}`,
          location: read.location,
          providedAt: writer.location,
          ...(pattern ? { pattern: true as const } : {}),
        });
      }
    }
    const reads = stackOutputEdges(stack, template.stackOutputReads ?? [], config, templates, resolveNames);
    edges.push(...reads.edges);
    external.push(...reads.external);
    problems.push(...reads.problems);
    warnings.push(...reads.warnings);
  }

  const nodes = config.stacks.map((s) => ({
    id: s.id,
    stackName: s.stackName,
    weight: Math.max(1, templates.get(s.id)?.resources.length ?? 1),
  }));
  return { graph: { nodes, edges, external }, problems, warnings };
}

function collectProviders(
  config: ResolvedConfig,
  templates: ReadonlyMap<string, TemplateInfo>,
  pick: (template: TemplateInfo, stackId: string) => Omit<Provider, 'stack'>[],
): Provider[] {
  return config.stacks.flatMap((stack) => {
    const template = templates.get(stack.id);
    return template ? pick(template, stack.id).map((p) => ({ ...p, stack: stack.id })) : [];
  });
}

function reportDuplicates(providers: Provider[], what: string, problems: Problem[]): void {
  const seen = new Map<string, Provider>();
  for (const provider of providers) {
    // `logs-${AWS::AccountId}` in two stacks is one name too: one account and region per run.
    if (!isOneValuePerRun(provider.name)) continue;
    const first = seen.get(provider.name.value);
    if (!first) {
      seen.set(provider.name.value, provider);
      continue;
    }
    problems.push({
      stack: provider.stack,
      location: provider.location,
      message:
        `${what} "${provider.name.value}" is created by both ${first.stack} (${first.by}, ${formatLocation(first.location)}) ` +
        `and ${provider.stack} (${provider.by})`,
      hint: `CloudFormation allows one ${what} of a name per region: rename one of them`,
    });
  }
}

/**
 * Exact names match exactly; a name with unknown pieces matches as a pattern, each `${...}`
 * standing for any text, and identical unresolved expressions match each other. A pattern never
 * matches the stack that asks (its own export is not what a wildcard import means). Every lookup
 * goes through an index, so that a thousand stacks importing from a thousand exports stay linear:
 * exact names by name; patterns by their literal prefix (the text before their first `${...}`),
 * which any name they match starts with; a wanted pattern looks only at the exact names that start
 * with its own prefix, in a sorted list.
 */
function providerIndex(
  providers: Provider[],
): (wanted: ResolvedName, asking: string) => { provider: Provider; pattern: boolean }[] {
  const exact = new Map<string, Provider[]>();
  const openByValue = new Map<string, Provider[]>();
  const openByPrefix = new Map<string, Provider[]>();
  const position = new Map(providers.map((p, i) => [p, i]));
  const add = (map: Map<string, Provider[]>, key: string, provider: Provider): void => {
    const list = map.get(key);
    if (list) list.push(provider);
    else map.set(key, [provider]);
  };
  for (const provider of providers) {
    if (provider.name.unknowns.length > 0) {
      add(openByValue, provider.name.value, provider);
      add(openByPrefix, literalPrefix(provider.name.value), provider);
    } else add(exact, provider.name.value, provider);
  }
  const prefixLengths = [...new Set([...openByPrefix.keys()].map((p) => p.length))];
  const exactNames = [...exact.keys()].sort();
  /** Exact providers whose name starts with `prefix`: a range of the sorted names. */
  const exactStartingWith = (prefix: string): Provider[] => {
    let low = 0;
    let high = exactNames.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((exactNames[mid] ?? '') < prefix) low = mid + 1;
      else high = mid;
    }
    const found: Provider[] = [];
    for (let i = low; i < exactNames.length && (exactNames[i] ?? '').startsWith(prefix); i += 1)
      found.push(...(exact.get(exactNames[i] ?? '') ?? []));
    return found;
  };
  const test = (wanted: ResolvedName, asking: string, candidates: Iterable<Provider>) =>
    [...candidates].flatMap((provider) => {
      const how = matchName(wanted, provider.name);
      if (!how || (how === 'pattern' && provider.stack === asking)) return [];
      return [{ provider, pattern: how === 'pattern' }];
    });
  return (wanted, asking) => {
    let found: { provider: Provider; pattern: boolean }[];
    if (wanted.unknowns.length > 0) {
      found = test(wanted, asking, [
        ...exactStartingWith(literalPrefix(wanted.value)),
        ...(openByValue.get(wanted.value) ?? []),
      ]);
    } else {
      const patterns = prefixLengths.flatMap((length) =>
        length > wanted.value.length ? [] : (openByPrefix.get(wanted.value.slice(0, length)) ?? []),
      );
      found = [
        ...(exact.get(wanted.value) ?? []).map((provider) => ({ provider, pattern: false })),
        ...test(wanted, asking, patterns),
      ];
    }
    // Declaration order, as a scan of all providers would give.
    return found.length > 1
      ? found.sort((a, b) => (position.get(a.provider) ?? 0) - (position.get(b.provider) ?? 0))
      : found;
  };
}

/** The text before a name's first `${...}`: every name its pattern matches starts with it. */
function literalPrefix(value: string): string {
  const at = value.search(/\$\{[^}]*\}/);
  return at < 0 ? value : value.slice(0, at);
}

/**
 * A parameter-ARN reference (`{{resolve:ssm:arn:aws:ssm:<region>:<account>:parameter/...}}`) with
 * a literal region other than the config's reads a parameter no stack here writes. `${...}` pieces
 * match anything.
 */
function ssmReadElsewhere(read: TemplateSsmRead, configRegion: string | undefined): string | undefined {
  if (read.region === undefined || read.region.includes('${') || configRegion === undefined) return undefined;
  return read.region === configRegion ? undefined : `in region ${read.region}`;
}

/**
 * A literal account in the ARN: the form that reads a parameter shared from another account. The
 * config names no account, so whether it is this one is not known: a writer here still makes an
 * edge (a missed edge deploys two dependent stacks side by side), marked as resting on a guess.
 */
function literalAccount(read: TemplateSsmRead): string | undefined {
  return read.account !== undefined && /^\d{12}$/.test(read.account) ? read.account : undefined;
}
