import type { ResourceChange, ResourceChangeDetail } from '../aws/ports.js';
import { recreationOf } from './resource-types.js';
import type { SimResourceDef } from './template-model.js';
import { referencesIn } from './template-model.js';
import { ownValue } from '../config/own-keys.js';
import { sameSecretOrValue } from './secret-hash.js';

export interface DiffSide {
  /** The resources that exist on this side (conditions already applied), in template order. */
  resources: readonly SimResourceDef[];
  /** Parameter values the template sees. */
  resolved: Readonly<Record<string, string>>;
}

/**
 * A change set's changes (CLOUDFORMATION.md §2.4): Add / Modify / Remove by logical id. A Modify
 * lists one detail per changed property: `DirectModification` (Static) for an edited property;
 * `ParameterReference` (Static, naming the parameter) plus `DirectModification` (Dynamic) for a
 * property that refers to a parameter whose value changed; `ResourceReference` (Dynamic) for one
 * that refers to a resource being replaced. `RequiresRecreation` comes from the resource
 * specification (`Always`, `Conditionally` for its "maybe", `Never`). Replacement: `True` when an
 * `Always` property changes statically, `Conditional` when one changes only dynamically or a
 * `Conditionally` one changes, else `False`.
 */
export function computeChanges(
  before: DiffSide,
  after: DiffSide,
  physicalIds: ReadonlyMap<string, string>,
): ResourceChange[] {
  const changedParameters = new Set(
    [...new Set([...Object.keys(before.resolved), ...Object.keys(after.resolved)])].filter(
      // A saved account holds NoEcho values hashed (secret-hash.ts).
      (k) => !sameSecretOrValue(ownValue(before.resolved, k), ownValue(after.resolved, k)),
    ),
  );
  const old = new Map(before.resources.map((r) => [r.logicalId, r]));
  const replaced = new Set<string>();
  const byId = new Map<string, ResourceChange>();

  for (const resource of topological(after.resources)) {
    const previous = old.get(resource.logicalId);
    if (!previous) {
      byId.set(resource.logicalId, {
        action: 'Add',
        logicalId: resource.logicalId,
        physicalId: undefined,
        resourceType: resource.type,
        replacement: undefined,
        scope: [],
        details: [],
      });
      continue;
    }
    const details: ResourceChangeDetail[] = [];
    const scope = new Set<string>();
    if (previous.type !== resource.type) {
      details.push(detail('Properties', undefined, 'Always', 'DirectModification', 'Static'));
      scope.add('Properties');
    }
    const keys = [...new Set([...Object.keys(previous.properties), ...Object.keys(resource.properties)])];
    for (const key of keys) {
      const was = ownValue(previous.properties, key);
      const now = ownValue(resource.properties, key);
      const recreation = recreationOf(resource.type, key);
      if (JSON.stringify(was) !== JSON.stringify(now)) {
        details.push(detail('Properties', key, recreation, 'DirectModification', 'Static'));
        scope.add('Properties');
        continue;
      }
      const refs = now === undefined ? new Set<string>() : referencesIn(now);
      const parameters = [...refs].filter((name) => changedParameters.has(name));
      if (parameters.length > 0) {
        for (const name of parameters)
          details.push(detail('Properties', key, recreation, 'ParameterReference', 'Static', name));
        details.push(detail('Properties', key, recreation, 'DirectModification', 'Dynamic'));
        scope.add('Properties');
        continue;
      }
      const resources = [...refs].filter((name) => replaced.has(name));
      for (const name of resources) {
        details.push(detail('Properties', key, recreation, 'ResourceReference', 'Dynamic', name));
        scope.add('Properties');
      }
    }
    if (previous.metadata !== resource.metadata) {
      details.push(detail('Metadata', undefined, 'Never', 'DirectModification', 'Static'));
      scope.add('Metadata');
    }
    for (const attribute of ['DeletionPolicy', 'UpdateReplacePolicy'] as const) {
      const a =
        attribute === 'DeletionPolicy'
          ? [previous.deletionPolicy, resource.deletionPolicy]
          : [previous.updateReplacePolicy, resource.updateReplacePolicy];
      if (a[0] !== a[1]) {
        details.push(detail(attribute, undefined, 'Never', 'DirectModification', 'Static'));
        scope.add(attribute);
      }
    }
    if (details.length === 0) continue;
    const replacement = details.some((d) => d.requiresRecreation === 'Always' && d.evaluation === 'Static')
      ? 'True'
      : details.some((d) => d.requiresRecreation === 'Always' || d.requiresRecreation === 'Conditionally')
        ? 'Conditional'
        : 'False';
    if (replacement === 'True') replaced.add(resource.logicalId);
    byId.set(resource.logicalId, {
      action: 'Modify',
      logicalId: resource.logicalId,
      physicalId: physicalIds.get(resource.logicalId),
      resourceType: resource.type,
      replacement,
      scope: [...scope],
      details,
    });
  }

  const changes = after.resources.flatMap((r) => byId.get(r.logicalId) ?? []);
  const remaining = new Set(after.resources.map((r) => r.logicalId));
  for (const r of before.resources) {
    if (remaining.has(r.logicalId)) continue;
    changes.push({
      action: 'Remove',
      logicalId: r.logicalId,
      physicalId: physicalIds.get(r.logicalId),
      resourceType: r.type,
      replacement: undefined,
      scope: [],
      details: [],
    });
  }
  return changes;
}

function detail(
  attribute: string,
  name: string | undefined,
  requiresRecreation: string,
  changeSource: string,
  evaluation: string,
  causingEntity?: string,
): ResourceChangeDetail {
  return { attribute, name, requiresRecreation, changeSource, evaluation, causingEntity };
}

/** Dependencies first, else template order. */
function topological(resources: readonly SimResourceDef[]): SimResourceDef[] {
  const byId = new Map(resources.map((r) => [r.logicalId, r]));
  const done = new Set<string>();
  const out: SimResourceDef[] = [];
  const visit = (r: SimResourceDef, path: Set<string>): void => {
    if (done.has(r.logicalId) || path.has(r.logicalId)) return;
    path.add(r.logicalId);
    for (const dep of r.dependsOn) {
      const d = byId.get(dep);
      if (d) visit(d, path);
    }
    done.add(r.logicalId);
    out.push(r);
  };
  for (const r of resources) visit(r, new Set());
  return out;
}
