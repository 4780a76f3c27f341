import { isDeepStrictEqual } from 'node:util';
import type { ResourceChange } from '../aws/ports.js';
import type { Recreation, ResourceSpec } from '../spec/resource-spec.js';
import type { TemplateObject, TemplateValue } from '../template/parse-template.js';
import { ownValue } from '../config/own-keys.js';

/**
 * The offline prediction of `validate --against-deployed`: the local template diffed with the
 * deployed one, as written (intrinsic functions compared as expressions, nothing resolved), and
 * each changed property judged by the resource specification. Pure: no AWS, no files.
 */

export type PredictedAction = 'Add' | 'Remove' | 'Modify';

export interface PredictedProperty {
  name: string;
  /** Undefined: the spec does not know the type or the property. */
  recreation: Recreation | undefined;
}

export interface PredictedResourceChange {
  action: PredictedAction;
  logicalId: string;
  resourceType: string;
  /** For Modify, as CloudFormation would say it: True, Conditional or False. */
  replacement: 'True' | 'Conditional' | 'False' | undefined;
  /** Changed top-level properties (Modify). */
  properties: PredictedProperty[];
  /** Changed resource attributes other than Properties: DeletionPolicy, Metadata, Type... (Modify). */
  attributes: string[];
  /** The deployed DeletionPolicy (Remove); undefined when none is set (Delete). */
  deletionPolicy: string | undefined;
}

export interface PredictedOutputChange {
  action: PredictedAction;
  name: string;
  /** The export's name as written (either side), when the output is or was exported. */
  exportName: string | undefined;
  /** What happens to the export: it appears, disappears, or its name or value expression changes. */
  exportChange: 'added' | 'removed' | 'changed' | undefined;
}

export type StackPrediction =
  | { deployed: false; resourceCount: number }
  | { deployed: true; resources: PredictedResourceChange[]; outputs: PredictedOutputChange[] };

const ATTRIBUTES = [
  'DeletionPolicy',
  'UpdateReplacePolicy',
  'Metadata',
  'Condition',
  'DependsOn',
  'CreationPolicy',
  'UpdatePolicy',
] as const;

/** Custom resources' properties belong to their provider: a change never replaces them here. */
function isCustom(type: string): boolean {
  return type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource';
}

export function predictChanges(input: {
  deployed: TemplateObject | undefined;
  local: TemplateObject;
  spec: ResourceSpec;
}): StackPrediction {
  const local = section(input.local, 'Resources');
  if (input.deployed === undefined) return { deployed: false, resourceCount: Object.keys(local).length };
  const deployed = section(input.deployed, 'Resources');
  const resources: PredictedResourceChange[] = [];

  for (const [logicalId, value] of Object.entries(local)) {
    const now = asObject(value);
    const type = typeOf(now);
    const was = ownValue(deployed, logicalId);
    if (was === undefined) {
      resources.push({
        action: 'Add',
        logicalId,
        resourceType: type,
        replacement: undefined,
        properties: [],
        attributes: [],
        deletionPolicy: undefined,
      });
      continue;
    }
    const before = asObject(was);
    const attributes: string[] = ATTRIBUTES.filter((a) => !isDeepStrictEqual(before[a], now[a]));
    const typeChanged = typeOf(before) !== type;
    if (typeChanged) attributes.unshift('Type');
    const oldProps = asObject(before.Properties);
    const newProps = asObject(now.Properties);
    const properties = [...new Set([...Object.keys(oldProps), ...Object.keys(newProps)])]
      .filter((name) => !isDeepStrictEqual(ownValue(oldProps, name), ownValue(newProps, name)))
      .map((name): PredictedProperty => ({
        name,
        recreation: isCustom(type) ? 'Never' : input.spec.replacementOf(type, name),
      }));
    if (attributes.length === 0 && properties.length === 0) continue;
    const replacement =
      typeChanged || properties.some((p) => p.recreation === 'Always')
        ? 'True'
        : properties.some((p) => p.recreation === 'Conditionally')
          ? 'Conditional'
          : 'False';
    resources.push({
      action: 'Modify',
      logicalId,
      resourceType: type,
      replacement,
      properties,
      attributes,
      deletionPolicy: undefined,
    });
  }
  for (const [logicalId, value] of Object.entries(deployed)) {
    if (logicalId in local) continue;
    const was = asObject(value);
    const policy = was.DeletionPolicy;
    resources.push({
      action: 'Remove',
      logicalId,
      resourceType: typeOf(was),
      replacement: undefined,
      properties: [],
      attributes: [],
      deletionPolicy: typeof policy === 'string' ? policy : undefined,
    });
  }
  return {
    deployed: true,
    resources,
    outputs: outputChanges(section(input.deployed, 'Outputs'), section(input.local, 'Outputs')),
  };
}

function outputChanges(
  before: Record<string, TemplateValue>,
  after: Record<string, TemplateValue>,
): PredictedOutputChange[] {
  const changes: PredictedOutputChange[] = [];
  const exportOf = (output: Record<string, TemplateValue>): TemplateValue | undefined => asObject(output.Export).Name;
  const label = (name: TemplateValue | undefined): string | undefined =>
    name === undefined ? undefined : typeof name === 'string' ? name : JSON.stringify(name);
  for (const name of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const was = ownValue(before, name) === undefined ? undefined : asObject(ownValue(before, name));
    const now = ownValue(after, name) === undefined ? undefined : asObject(ownValue(after, name));
    if (was !== undefined && now !== undefined && isDeepStrictEqual(was, now)) continue;
    const oldExport = was === undefined ? undefined : exportOf(was);
    const newExport = now === undefined ? undefined : exportOf(now);
    const action: PredictedAction = was === undefined ? 'Add' : now === undefined ? 'Remove' : 'Modify';
    let exportChange: PredictedOutputChange['exportChange'];
    if (oldExport !== undefined && newExport === undefined) exportChange = 'removed';
    else if (oldExport === undefined && newExport !== undefined) exportChange = 'added';
    else if (
      oldExport !== undefined &&
      (!isDeepStrictEqual(oldExport, newExport) || !isDeepStrictEqual(was?.Value, now?.Value))
    )
      exportChange = 'changed';
    changes.push({ action, name, exportName: label(oldExport ?? newExport), exportChange });
  }
  return changes;
}

/**
 * The prediction as change-set records, so that the guards of `deploy` can judge it
 * (`checkStatefulChanges` is pure): each changed property a Static, direct detail.
 */
export function asResourceChanges(resources: readonly PredictedResourceChange[]): ResourceChange[] {
  return resources.map((r) => ({
    action: r.action,
    logicalId: r.logicalId,
    physicalId: undefined,
    resourceType: r.resourceType,
    replacement: r.replacement,
    scope: r.properties.length > 0 ? ['Properties', ...r.attributes] : [...r.attributes],
    details: [
      ...r.attributes.map((a) => ({
        attribute: a === 'Type' ? 'Properties' : a,
        name: undefined,
        requiresRecreation: a === 'Type' ? 'Always' : 'Never',
        changeSource: 'DirectModification',
        evaluation: 'Static',
        causingEntity: undefined,
      })),
      ...r.properties.map((p) => ({
        attribute: 'Properties',
        name: p.name,
        requiresRecreation: p.recreation ?? 'Never',
        changeSource: 'DirectModification',
        evaluation: 'Static',
        causingEntity: undefined,
      })),
    ],
  }));
}

function section(template: TemplateObject, key: string): Record<string, TemplateValue> {
  return asObject(ownValue(template, key));
}

function asObject(value: TemplateValue | undefined): Record<string, TemplateValue> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {};
}

function typeOf(resource: Record<string, TemplateValue>): string {
  return typeof resource.Type === 'string' ? resource.Type : '(no Type)';
}

/** One stack's offline prediction, with what `deploy`'s data guard would say about it. */
export interface StackPredictionResult {
  stack: string;
  stackName: string;
  /** Undefined when the deployed stack could not be read (see `problem`). */
  prediction: StackPrediction | undefined;
  /** The deployed stack's status, when there is one. */
  status: string | undefined;
  /** Lines of `checkStatefulChanges`: refused changes (exit 1) and kept removals. */
  blocked: string[];
  warnings: string[];
  problem: string | undefined;
}
