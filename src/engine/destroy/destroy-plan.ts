import type { CloudFormationPort, StackDescription } from '../../aws/ports.js';
import type { EngineEvent } from '../events.js';
import { AwsError } from '../../aws/errors.js';
import type { Project } from '../../graph/load-project.js';
import { dependentsOf } from '../../graph/types.js';
import { STATEFUL_TYPES } from '../guards/stateful-guard.js';
import { keptResources } from './kept-resources.js';
import type { KeptResource, LostResource } from './kept-resources.js';

/** One stack of a destroy, as planned before anything is deleted. */
export interface DestroyTarget {
  id: string;
  stackName: string;
  /** Undefined: not deployed (nothing to delete). */
  deployed: StackDescription | undefined;
  /** Resources its deletion removes (from the deployed template). */
  deletes: number;
  /** Resources whose DeletionPolicy keeps them (Retain) or a snapshot of them (Snapshot). */
  kept: KeptResource[];
  /** Why this stack may not be deleted, with what to do; it is then blocked, and what it depends on stays. */
  refusal?: string;
  /** A deployed stack that stays because a stack depending on it is refused (it waits for that one). */
  stays?: string;
}

/** What a destroy will do to one stack, as the table before the confirmation says it. */
export type DestroyAction = 'delete' | 'not deployed' | 'refused' | 'stays';

export function actionOf(target: DestroyTarget): DestroyAction {
  if (!target.deployed) return 'not deployed';
  if (target.refusal !== undefined) return 'refused';
  if (target.stays !== undefined) return 'stays';
  return 'delete';
}

export interface DestroyPlan {
  /** Every selected stack, dependents before what they depend on. */
  targets: DestroyTarget[];
  /** Said once before the run (a check that could not be made). */
  warnings: string[];
}

export interface DestroyPlanInput {
  project: Project;
  /** Config ids to destroy (selectForDestroy). */
  selected: readonly string[];
  cf: CloudFormationPort;
  /** `--allow-stateful <id>`. */
  allowStateful: ReadonlySet<string>;
}

/**
 * Reads what is deployed (DescribeStacks, GetTemplate, ListImports) and decides, before anything
 * is deleted, what will go, what will stay, and which stacks are refused: stateful ones not
 * allowed, termination-protected ones, ones a deployed stack outside the selection depends on or
 * imports from. Reads only.
 */
export async function planDestroy(input: DestroyPlanInput): Promise<DestroyPlan> {
  const { project, cf } = input;
  const byId = new Map(project.config.stacks.map((s) => [s.id, s]));
  const selected = new Set(input.selected);
  const warnings: string[] = [];
  /** Some emulators answer ListImports with a 500: said once, then not asked again. */
  let importsUnavailable = false;
  const order = [...project.orderings.order].reverse().filter((id) => selected.has(id));

  // Every stack the config has is read: a dependent left out of the selection matters too.
  const deployed = new Map<string, StackDescription | undefined>();
  for (const stack of project.config.stacks) {
    const needed =
      selected.has(stack.id) || input.selected.some((id) => dependentsOf(project.graph, id).includes(stack.id));
    if (!needed) continue;
    const found = await cf.describeStack(stack.stackName);
    deployed.set(stack.id, found && found.status !== 'DELETE_COMPLETE' ? found : undefined);
  }
  const selectedNames = new Map(order.map((id) => [byId.get(id)?.stackName ?? id, id]));

  const targets: DestroyTarget[] = [];
  for (const id of order) {
    const stack = byId.get(id);
    if (!stack) continue;
    const live = deployed.get(id);
    const target: DestroyTarget = { id, stackName: stack.stackName, deployed: live, deletes: 0, kept: [] };
    targets.push(target);
    if (!live) continue;
    const resources = keptResources({
      templateBody: await cf.getTemplate(live.stackId),
      stackName: live.stackName,
      region: project.config.region,
      parameters: new Map(live.parameters.map((p) => [p.key, p.value])),
      stackId: live.stackId,
    });
    target.deletes = resources.deleted;
    target.kept = resources.kept;

    const refusals: string[] = [];
    if (live.terminationProtection) {
      refusals.push(
        `${stack.stackName} has termination protection, which stackpilot never lifts; if it is to go, lift it yourself: ` +
          `aws cloudformation update-termination-protection --no-enable-termination-protection --stack-name ${stack.stackName}` +
          (project.config.region ? ` --region ${project.config.region}` : ''),
      );
    }
    const allowed = stack.allowDestroy === true || input.allowStateful.has(id);
    if (stack.stateful && !allowed) {
      const kept = target.kept.filter((k) => k.policy !== 'Snapshot').map((k) => k.logicalId);
      refusals.push(
        `${id} is stateful (its data goes with it${kept.length > 0 ? `; DeletionPolicy keeps ${kept.join(', ')}` : ''}): ` +
          `allow it with --allow-stateful ${id}, or allowDestroy: true for this stack in the config`,
      );
    } else if (!allowed) {
      // The config's `stateful` is one signal; what is deployed is the other. A stack nobody marked
      // can still hold a table or a bucket no DeletionPolicy keeps, and deleting it deletes the data.
      const lost = resources.readable ? resources.lost : await liveDataResources(cf, live.stackId);
      if (lost.length > 0) {
        refusals.push(
          `${id} holds data that no DeletionPolicy keeps: ${lost.map((r) => `${r.logicalId} (${r.resourceType})`).join(', ')}` +
            `${resources.readable ? '' : ' (its deployed template could not be read, so every resource of a data type counts)'}; ` +
            `allow it with --allow-stateful ${id}, or allowDestroy: true for this stack in the config, ` +
            `or give those resources DeletionPolicy: Retain or Snapshot and deploy before destroying`,
        );
      }
    }
    const standing = dependentsOf(project.graph, id).filter((dep) => !selected.has(dep) && deployed.get(dep));
    if (standing.length > 0) {
      refusals.push(
        `${standing.map((dep) => `${dep} (${byId.get(dep)?.stackName ?? dep})`).join(', ')} ` +
          `${standing.length === 1 ? 'depends' : 'depend'} on it and ${standing.length === 1 ? 'is' : 'are'} still deployed: ` +
          `destroy ${id} without --exclusively, or destroy ${standing.join(' ')} first`,
      );
    }
    // Importers: by export, leaving out dependents already named (they import through the graph's edges).
    const named = new Set(standing.map((dep) => byId.get(dep)?.stackName ?? dep));
    const exportsBy = new Map<string, string[]>();
    for (const output of live.outputs) {
      if (output.exportName === undefined || importsUnavailable) continue;
      let importers: string[];
      try {
        importers = await cf.listImports(output.exportName);
      } catch (error) {
        // CloudFormation refuses to delete an export in use anyway; ListImports only makes it early and clear.
        if (!(error instanceof AwsError)) throw error;
        importsUnavailable = true;
        // One line: an emulator's 500 can come as an HTML page the SDK cannot parse.
        const said =
          `${error.awsCode}${error.httpStatus ? `, HTTP ${error.httpStatus}` : ''}: ` +
          `${error.serviceMessage.split('\n')[0] ?? ''}`;
        warnings.push(
          `could not check who imports ${output.exportName} (ListImports answered ` +
            `${said}); going on: CloudFormation itself refuses to delete an export in use`,
        );
        break;
      }
      for (const importer of importers) {
        if (selectedNames.has(importer) || named.has(importer)) continue;
        exportsBy.set(importer, [...(exportsBy.get(importer) ?? []), output.exportName]);
      }
    }
    for (const [importer, names] of exportsBy) {
      refusals.push(
        `${importer}, which this destroy does not delete, imports its ${names.length === 1 ? 'export' : 'exports'} ${names.join(', ')}: ` +
          `delete ${importer} or update it to stop importing first (CloudFormation refuses to delete an export in use)`,
      );
    }
    if (refusals.length > 0) target.refusal = refusals.join('; ');
  }
  // A stack goes after every selected stack that depends on it: behind a refused one, it stays.
  const refusedOrStaying = new Map<string, string>();
  for (const target of targets) {
    if (!target.deployed) continue;
    if (target.refusal !== undefined) {
      refusedOrStaying.set(target.id, `${target.id} is refused`);
      continue;
    }
    const behind = dependentsOf(project.graph, target.id).filter((dep) => refusedOrStaying.has(dep));
    if (behind.length === 0) continue;
    const why = (dep: string): string =>
      refusedOrStaying.get(dep) === `${dep} is refused` ? `${dep}, which is refused` : `${dep}, which stays`;
    target.stays = `it waits for ${behind.map(why).join(' and ')}`;
    refusedOrStaying.set(target.id, `${target.id} stays`);
  }
  return { targets, warnings };
}

/** The plan as the `destroy:planned` event says it (the table before the confirmation, and `--dry-run`). */
export function plannedEvent(plan: DestroyPlan): Extract<EngineEvent, { type: 'destroy:planned' }> {
  return {
    type: 'destroy:planned',
    stacks: plan.targets.map((t) => {
      const reason = t.refusal ?? t.stays;
      return {
        stack: t.id,
        stackName: t.stackName,
        action: actionOf(t),
        deletes: t.deletes,
        kept: t.kept.map((k) => ({
          logicalId: k.logicalId,
          resourceType: k.resourceType,
          policy: k.policy,
          ...(k.fixedName === undefined ? {} : { fixedName: k.fixedName }),
        })),
        ...(reason === undefined ? {} : { reason }),
      };
    }),
    warnings: [...plan.warnings],
  };
}

/** The deployed resources of a data type, when the template cannot say which policies keep them. */
async function liveDataResources(cf: CloudFormationPort, stackId: string): Promise<LostResource[]> {
  const resources = await cf.listStackResources(stackId);
  return resources
    .filter((r) => STATEFUL_TYPES.has(r.resourceType))
    .map((r) => ({ logicalId: r.logicalId, resourceType: r.resourceType }));
}
