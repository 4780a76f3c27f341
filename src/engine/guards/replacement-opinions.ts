import type { Parameter, ResourceChange, ResourceChangeDetail } from '../../aws/ports.js';
import type { TemplateParameter } from '../../template/analyze-template.js';
import type { Recreation, ResourceSpec } from '../../spec/resource-spec.js';
import type { TemplateObject, TemplateValue } from '../../template/parse-template.js';
import { asResourceChanges, predictChanges } from '../predict-changes.js';

/**
 * Whether a Modify replaces its resource, as the worse of two opinions (issue 11, item 2): the
 * change set's `Replacement` and `RequiresRecreation`, and the resource specification's verdict on
 * the properties that change. Some servers (moto among them) give a Modify with only Action,
 * LogicalResourceId and ResourceType; then the changed properties come from diffing the deployed
 * template with the new one, and a Modify that no property explains (a parameter or an SSM value
 * behind it) is treated as `Conditional`: nothing says it replaces, nothing says it does not.
 */

export interface JudgedChanges {
  /**
   * The changes with `replacement` the worse of the two opinions, and details naming the
   * properties behind it (the change set's own, with the worse RequiresRecreation, or the
   * template diff's when it gave none).
   */
  changes: ResourceChange[];
  /** Logical ids of Modifies attributed to no property, judged `Conditional` for that alone. */
  unexplained: ReadonlySet<string>;
}

const CONDITIONAL = 2;
const RANK: ReadonlyMap<string | undefined, number> = new Map([
  ['False', 1],
  ['Conditional', CONDITIONAL],
  ['True', 3],
]);
const REPLACEMENT = [undefined, 'False', 'Conditional', 'True'] as const;

/**
 * Whether judging can change anything: a Modify whose change set does not already say True, or
 * (`parametersChanged`) a change set without a single detail, which may be missing the Modifies
 * a parameter causes (moto lists none).
 */
export function needsJudging(changes: readonly ResourceChange[], parametersChanged = false): boolean {
  return (
    changes.some((c) => c.action === 'Modify' && c.replacement !== 'True') || withoutDetails(changes, parametersChanged)
  );
}

/** Whether the deployed template is needed: a Modify whose change set names nothing that changed, or as above. */
export function needsTemplateDiff(changes: readonly ResourceChange[], parametersChanged = false): boolean {
  return (
    changes.some((c) => c.action === 'Modify' && c.replacement !== 'True' && c.details.length === 0) ||
    withoutDetails(changes, parametersChanged)
  );
}

function withoutDetails(changes: readonly ResourceChange[], parametersChanged: boolean): boolean {
  return parametersChanged && !changes.some((c) => c.details.length > 0);
}

/** Parameters whose value changes (known), and those that cannot be compared (masked, resolved by CloudFormation). */
export interface ParameterChanges {
  changed: ReadonlySet<string>;
  uncertain: ReadonlySet<string>;
}

export function judgeReplacements(input: {
  changes: readonly ResourceChange[];
  spec: ResourceSpec;
  /** Both templates, for Modifies without details; without them such a Modify is unexplained. */
  deployedTemplate?: TemplateObject | undefined;
  newTemplate?: TemplateObject | undefined;
  /**
   * Parameters whose value changes or cannot be compared (`changedInputs`): a replacing property
   * that refers to one may change although its expression did not.
   */
  parameters?: ParameterChanges;
}): JudgedChanges {
  const { spec } = input;
  const maybeChanged = new Set([...(input.parameters?.changed ?? []), ...(input.parameters?.uncertain ?? [])]);
  const unexplained = new Set<string>();
  let diffed: Map<string, ResourceChange> | undefined;
  const diff = (): Map<string, ResourceChange> => {
    if (diffed) return diffed;
    diffed = new Map();
    if (input.deployedTemplate && input.newTemplate) {
      const prediction = predictChanges({ deployed: input.deployedTemplate, local: input.newTemplate, spec });
      if (prediction.deployed)
        for (const change of asResourceChanges(prediction.resources.filter((r) => r.action === 'Modify')))
          diffed.set(change.logicalId, change);
    }
    return diffed;
  };

  const changes = input.changes.map((change): ResourceChange => {
    if (change.action !== 'Modify' || change.replacement === 'True') return change;
    const custom = isCustom(change.resourceType);
    let details: ResourceChangeDetail[];
    let unexplainedHere = false;
    if (change.details.length > 0) {
      details = change.details.map((d) => {
        const bySpec =
          d.attribute === 'Properties' && d.name !== undefined && !custom
            ? spec.replacementOf(change.resourceType, d.name)
            : undefined;
        const worse = worseRecreation(d.requiresRecreation, bySpec);
        return worse === d.requiresRecreation ? d : { ...d, requiresRecreation: worse };
      });
    } else {
      const predicted = diff().get(change.logicalId);
      const named = predicted?.details ?? [];
      const viaInputs = custom
        ? []
        : drivenByInputs(change, resourceIn(input.newTemplate, change.logicalId), spec, maybeChanged, true).filter(
            (d) => !named.some((n) => n.name === d.name),
          );
      details = [...named, ...viaInputs];
      unexplainedHere = details.length === 0 && !custom && spec.canBeReplaced(change.resourceType) !== false;
    }
    const saidByChangeSet = RANK.get(change.replacement) ?? 0;
    const judged = Math.max(saidByChangeSet, ...details.map(detailRank), unexplainedHere ? CONDITIONAL : 0);
    if (unexplainedHere && saidByChangeSet < CONDITIONAL) unexplained.add(change.logicalId);
    const replacement = REPLACEMENT[judged];
    if (replacement === change.replacement && details === change.details) return change;
    return { ...change, replacement, details };
  });
  return { changes: [...changes, ...missingModifies(input, changes)], unexplained };
}

/**
 * The Modifies a change set without a single detail leaves out (moto lists none for a parameter
 * change): resources in both templates whose replacing properties refer to a parameter whose
 * value is known to change. CloudFormation itself always lists those, with details, so this
 * never adds to a real change set. A resource with a Condition may not exist: left out.
 */
function missingModifies(
  input: {
    changes: readonly ResourceChange[];
    spec: ResourceSpec;
    deployedTemplate?: TemplateObject | undefined;
    newTemplate?: TemplateObject | undefined;
    parameters?: ParameterChanges;
  },
  judged: readonly ResourceChange[],
): ResourceChange[] {
  const changed = input.parameters?.changed;
  if (!changed || changed.size === 0 || input.changes.some((c) => c.details.length > 0)) return [];
  const listed = new Set(judged.map((c) => c.logicalId));
  const resources = input.newTemplate?.Resources;
  if (resources === null || typeof resources !== 'object' || Array.isArray(resources)) return [];
  const out: ResourceChange[] = [];
  for (const logicalId of Object.keys(resources)) {
    const now = resourceIn(input.newTemplate, logicalId);
    const was = resourceIn(input.deployedTemplate, logicalId);
    if (listed.has(logicalId) || !now || !was || now.Condition !== undefined || was.Condition !== undefined) continue;
    const type = now.Type;
    if (typeof type !== 'string' || type !== was.Type || isCustom(type)) continue;
    const change: ResourceChange = {
      action: 'Modify',
      logicalId,
      physicalId: undefined,
      resourceType: type,
      replacement: undefined,
      scope: ['Properties'],
      details: [],
    };
    const details = drivenByInputs(change, now, input.spec, changed, false);
    if (details.length > 0)
      out.push({ ...change, details, replacement: REPLACEMENT[Math.max(...details.map(detailRank))] });
  }
  return out;
}

/**
 * The template's parameters whose value may differ from the deployed stack's: changed, masked
 * (NoEcho answers `****`) or resolved by CloudFormation itself (SSM parameter types).
 */
export function changedInputs(input: {
  deployed: readonly Parameter[];
  template: readonly TemplateParameter[];
  sent: readonly Parameter[];
}): ParameterChanges {
  const before = new Map(input.deployed.map((p) => [p.key, p.value]));
  const after = new Map(input.sent.map((p) => [p.key, p.value]));
  const changed = new Set<string>();
  const uncertain = new Set<string>();
  for (const p of input.template) {
    const now = after.get(p.name) ?? p.default;
    const was = before.get(p.name);
    if (was === '****' || p.type.startsWith('AWS::SSM::Parameter::Value')) uncertain.add(p.name);
    else if (was !== now) changed.add(p.name);
  }
  return { changed, uncertain };
}

/**
 * The replacing properties of the new definition whose value comes from a changed parameter or an
 * SSM value (`{{resolve:ssm:...}}`), as CloudFormation would say them: a ParameterReference whose
 * effect is known only while deploying (Dynamic).
 */
function drivenByInputs(
  change: ResourceChange,
  definition: TemplateObject | undefined,
  spec: ResourceSpec,
  changedInputs: ReadonlySet<string>,
  /** Whether an SSM dynamic reference counts: its value is never known here. */
  ssmCounts: boolean,
): ResourceChangeDetail[] {
  const properties = definition?.Properties;
  if (properties === null || typeof properties !== 'object' || Array.isArray(properties)) return [];
  const out: ResourceChangeDetail[] = [];
  for (const [name, value] of Object.entries(properties)) {
    const recreation = spec.replacementOf(change.resourceType, name);
    if (recreation !== 'Always' && recreation !== 'Conditionally') continue;
    const inputs = inputsIn(value);
    const cause =
      [...inputs.parameters].find((p) => changedInputs.has(p)) ?? (ssmCounts && inputs.ssm ? 'SSM' : undefined);
    if (cause === undefined) continue;
    out.push({
      attribute: 'Properties',
      name,
      requiresRecreation: recreation,
      changeSource: 'ParameterReference',
      causingEntity: cause,
      evaluation: 'Dynamic',
    });
  }
  return out;
}

/** `Ref` targets and `Fn::Sub` variables a value names, and whether it reads SSM dynamically. */
function inputsIn(value: TemplateValue): { parameters: Set<string>; ssm: boolean } {
  const parameters = new Set<string>();
  let ssm = false;
  const walk = (v: TemplateValue): void => {
    if (typeof v === 'string') {
      if (v.includes('{{resolve:ssm')) ssm = true;
      return;
    }
    if (v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      v.forEach(walk);
      return;
    }
    for (const [key, arg] of Object.entries(v)) {
      if (key === 'Ref' && typeof arg === 'string') parameters.add(arg);
      if (key === 'Fn::Sub') {
        const text = Array.isArray(arg) ? arg[0] : arg;
        if (typeof text === 'string')
          for (const match of text.matchAll(/\$\{([^!}][^}]*)\}/g)) parameters.add((match[1] ?? '').trim());
      }
      walk(arg);
    }
  };
  walk(value);
  return { parameters, ssm };
}

function resourceIn(template: TemplateObject | undefined, logicalId: string): TemplateObject | undefined {
  const resources = template?.Resources;
  if (resources === null || typeof resources !== 'object' || Array.isArray(resources)) return undefined;
  if (!Object.hasOwn(resources, logicalId)) return undefined;
  const resource = resources[logicalId];
  return resource !== null && typeof resource === 'object' && !Array.isArray(resource) ? resource : undefined;
}

/** CloudFormation's own rule (§2.4): Always+Static → True, Always+Dynamic or Conditionally → Conditional. */
function detailRank(detail: ResourceChangeDetail): number {
  if (detail.requiresRecreation === 'Always') return detail.evaluation === 'Dynamic' ? CONDITIONAL : 3;
  if (detail.requiresRecreation === 'Conditionally') return CONDITIONAL;
  return detail.requiresRecreation === 'Never' ? 1 : 0;
}

const RECREATION_RANK: ReadonlyMap<string | undefined, number> = new Map([
  ['Never', 1],
  ['Conditionally', 2],
  ['Always', 3],
]);

function worseRecreation(a: string | undefined, b: Recreation | undefined): string | undefined {
  if (b === undefined) return a;
  return (RECREATION_RANK.get(b) ?? 0) > (RECREATION_RANK.get(a) ?? 0) ? b : a;
}

/** Custom resources' properties belong to their provider: a change never replaces them here. */
function isCustom(type: string): boolean {
  return type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource';
}
