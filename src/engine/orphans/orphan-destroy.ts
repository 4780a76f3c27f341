import type { CloudFormationPort } from '../../aws/ports.js';
import { AwsError } from '../../aws/errors.js';
import type { ResolvedStack } from '../../config/resolve-config.js';
import type { Project } from '../../graph/load-project.js';
import { STATEFUL_TYPES } from '../guards/stateful-guard.js';
import type { DestroyPlan, DestroyTarget } from '../destroy/destroy-plan.js';
import { keptResources } from '../destroy/kept-resources.js';
import type { OrphanStack } from './find-orphans.js';

/**
 * The project as the graph runner sees it for `destroy --orphans`: the orphans are its stacks (id
 * = CloudFormation name, since the config has no id for them), with no edges between them, so
 * the one runner runs them with its usual budget, events and signals. Nothing of the config's own
 * stacks is in it: `destroy --orphans` never touches them.
 */
export function orphanProject(project: Project, orphans: readonly OrphanStack[]): Project {
  const stacks = orphans.map((o): ResolvedStack => ({
    id: o.stackName,
    stackName: o.stackName,
    templatePath: '',
    templateDisplay: '(deployed, no longer in the config)',
    dependsOn: [],
    parameters: {},
    tags: {},
    capabilities: [],
    stateful: false,
    terminationProtection: o.terminationProtection,
    timeoutMinutes: undefined,
    outputsToSsm: {},
    location: { file: project.config.configFile },
  }));
  const order = stacks.map((s) => s.id);
  return {
    ...project,
    config: { ...project.config, stacks },
    templates: new Map(),
    graph: { nodes: stacks.map((s) => ({ id: s.id, stackName: s.stackName, weight: 1 })), edges: [] },
    orderings: { order, levels: order.length > 0 ? [order] : [], criticalPath: order.slice(0, 1), criticalWeight: 1 },
    warnings: [],
  };
}

export interface OrphanPlanInput {
  orphans: readonly OrphanStack[];
  cf: CloudFormationPort;
  region: string | undefined;
  /** `--allow-stateful <stackName>`: orphans allowed although they hold a stateful resource type. */
  allowStateful: ReadonlySet<string>;
}

/**
 * Decides, reads only, what `destroy --orphans` does with each orphan: deleted, unless it holds a
 * resource of a stateful type (STATEFUL_TYPES, from its ListStackResources) and is not named with
 * `--allow-stateful`, or has termination protection (never lifted), or another stack imports one
 * of its exports. An importer that is itself an orphan is not ordered first (left out, see the
 * README): the exporter is refused this time and goes on a second run, once the importer is gone.
 */
export async function planOrphanDestroy(input: OrphanPlanInput): Promise<DestroyPlan> {
  const { cf } = input;
  const warnings: string[] = [];
  let importsUnavailable = false;
  const targets: DestroyTarget[] = [];
  for (const orphan of input.orphans) {
    const name = orphan.stackName;
    const found = await cf.describeStack(name);
    const live = found && found.status !== 'DELETE_COMPLETE' ? found : undefined;
    const target: DestroyTarget = { id: name, stackName: name, deployed: live, deletes: 0, kept: [] };
    targets.push(target);
    if (!live) continue;
    const resources = keptResources({
      templateBody: await cf.getTemplate(live.stackId),
      stackName: live.stackName,
      region: input.region,
      parameters: new Map(live.parameters.map((p) => [p.key, p.value])),
      stackId: live.stackId,
    });
    target.deletes = resources.deleted;
    target.kept = resources.kept;

    const refusals: string[] = [];
    if (live.terminationProtection) {
      refusals.push(
        `${name} has termination protection, which stackpilot never lifts; if it is to go, lift it yourself: ` +
          `aws cloudformation update-termination-protection --no-enable-termination-protection --stack-name ${name}` +
          (input.region ? ` --region ${input.region}` : ''),
      );
    }
    // What is deployed decides, not a template on disk: the orphan's template is no longer in the config.
    const stateful = (await cf.listStackResources(live.stackName)).filter((r) => STATEFUL_TYPES.has(r.resourceType));
    if (stateful.length > 0 && !input.allowStateful.has(name)) {
      const what = stateful.map((r) => `${r.logicalId} (${r.resourceType})`);
      refusals.push(
        `${name} holds ${what.join(', ')}, whose data would go with it: allow it with --allow-stateful ${name}`,
      );
    }
    const importers = new Map<string, string[]>();
    for (const output of live.outputs) {
      if (output.exportName === undefined || importsUnavailable) continue;
      try {
        for (const importer of await cf.listImports(output.exportName))
          importers.set(importer, [...(importers.get(importer) ?? []), output.exportName]);
      } catch (error) {
        if (!(error instanceof AwsError)) throw error;
        importsUnavailable = true;
        warnings.push(
          `could not check who imports ${output.exportName} (ListImports answered ` +
            `${error.awsCode}); going on: CloudFormation itself refuses to delete an export in use`,
        );
      }
    }
    const orphanNames = new Set(input.orphans.map((o) => o.stackName));
    for (const [importer, names] of importers) {
      const exports = `${names.length === 1 ? 'export' : 'exports'} ${names.join(', ')}`;
      refusals.push(
        orphanNames.has(importer)
          ? `${importer}, an orphan too, imports its ${exports}: run destroy --orphans again ` +
              `once ${importer} is gone (CloudFormation refuses to delete an export in use)`
          : `${importer}, which this destroy does not delete, imports its ${exports}: delete ${importer} ` +
              `or update it to stop importing first (CloudFormation refuses to delete an export in use)`,
      );
    }
    if (refusals.length > 0) target.refusal = refusals.join('; ');
  }
  return { targets, warnings };
}
