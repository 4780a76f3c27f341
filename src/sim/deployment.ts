import type { Parameter, StackOutput } from '../aws/ports.js';
import { Evaluator, toText } from './intrinsics.js';
import type { DeployedResource, Deployment, SsmWrite } from './model.js';
import { attributeValue, nameProperty, physicalIdFor, refValue } from './resource-types.js';
import type { SimResourceDef, SimTemplate } from './template-model.js';
import { ownValue } from '../config/own-keys.js';

export interface PlanInput {
  template: SimTemplate;
  templateBody: string;
  stackName: string;
  stackId: string;
  region: string;
  accountId: string;
  parameters: Parameter[];
  resolved: Record<string, string>;
  tags: Record<string, string>;
  capabilities: string[];
  /** What is deployed now: unchanged resources keep their physical ids. */
  previous: Deployment | undefined;
  /** Logical ids replaced by this operation: they get a new generation, hence a new physical id. */
  replaced: ReadonlySet<string>;
  /** The account's exports at the moment the operation starts (§2.1: imports resolve at execution). */
  exportValue: (name: string) => string | undefined;
}

export interface Plan {
  deployment: Deployment;
  /** The resources that exist once deployed (conditions applied), in template order. */
  active: SimResourceDef[];
  /** Imports that no stack exports, in the order met. */
  missingImports: string[];
  /** Export names of the outputs, in template order. */
  exportNames: string[];
}

/**
 * What a template with these parameters deploys to: which resources exist (conditions), their
 * physical ids, the outputs and exports, the SSM parameters written, the exports imported.
 */
export function planDeployment(input: PlanInput): Plan {
  const { template } = input;
  const imported = new Set<string>();
  const physical = new Map<string, DeployedResource>();
  const computing = new Set<string>();
  const defs = new Map(template.resources.map((r) => [r.logicalId, r]));
  // Filled once conditions are known; conditions cannot refer to resources.
  let active = new Set<string>();

  const evaluator: Evaluator = new Evaluator({
    stackName: input.stackName,
    stackId: input.stackId,
    region: input.region,
    accountId: input.accountId,
    parameters: new Map(Object.entries(input.resolved)),
    parameterTypes: new Map(template.parameters.map((p) => [p.name, p.type])),
    conditions: template.conditions,
    mappings: template.mappings,
    resourceRef: (id) => {
      const r = resource(id);
      return r && refValue(r.type, r.physicalId, input.region, input.accountId);
    },
    resourceAttribute: (id, attribute) => {
      const r = resource(id);
      return r && attributeValue(r.type, r.physicalId, attribute, input.region, input.accountId);
    },
    importValue: (name) => {
      imported.add(name);
      return input.exportValue(name);
    },
  });
  const resource = (logicalId: string): DeployedResource | undefined => {
    const known = physical.get(logicalId);
    if (known) return known;
    const def = defs.get(logicalId);
    if (!def || computing.has(logicalId) || !active.has(logicalId)) return undefined;
    computing.add(logicalId);
    const before = ownValue(input.previous?.resources, logicalId);
    const keep = before !== undefined && before.type === def.type && !input.replaced.has(logicalId);
    const generation = before === undefined ? 0 : keep ? before.generation : before.generation + 1;
    const nameProp = nameProperty(def.type);
    const nameValue = nameProp === undefined ? undefined : def.properties[nameProp];
    const name = nameValue === undefined ? undefined : evaluator.string(nameValue);
    const physicalId = keep
      ? before.physicalId
      : physicalIdFor({
          type: def.type,
          stackName: input.stackName,
          stackId: input.stackId,
          logicalId,
          generation,
          name,
        });
    const deployed: DeployedResource = {
      type: def.type,
      physicalId,
      generation,
      deletionPolicy: def.deletionPolicy,
      updateReplacePolicy: def.updateReplacePolicy,
      dependsOn: def.dependsOn,
    };
    computing.delete(logicalId);
    physical.set(logicalId, deployed);
    return deployed;
  };

  active = new Set(
    template.resources
      .filter((r) => r.condition === undefined || evaluator.condition(r.condition))
      .map((r) => r.logicalId),
  );
  const activeDefs = template.resources.filter((r) => active.has(r.logicalId));

  const ssm: SsmWrite[] = [];
  for (const def of activeDefs) {
    resource(def.logicalId);
    // Evaluated for its imports (a missing one fails the operation) and for SSM parameter values.
    const properties = evaluator.evaluate(def.properties);
    if (
      def.type === 'AWS::SSM::Parameter' &&
      properties !== null &&
      typeof properties === 'object' &&
      !Array.isArray(properties)
    ) {
      ssm.push({
        name: physical.get(def.logicalId)?.physicalId ?? def.logicalId,
        value: toText(properties.Value),
        type: typeof properties.Type === 'string' ? properties.Type : 'String',
        retain: def.deletionPolicy === 'Retain',
      });
    }
  }
  const outputs: StackOutput[] = [];
  const exportNames: string[] = [];
  for (const output of template.outputs) {
    if (output.condition !== undefined && !evaluator.condition(output.condition)) continue;
    const exportName = output.exportName === undefined ? undefined : evaluator.string(output.exportName);
    if (exportName !== undefined) exportNames.push(exportName);
    outputs.push({
      key: output.key,
      value: evaluator.string(output.value),
      exportName,
      description: output.description,
    });
  }
  const resources: Record<string, DeployedResource> = {};
  for (const def of activeDefs) {
    const r = physical.get(def.logicalId);
    if (r) resources[def.logicalId] = r;
  }
  return {
    deployment: {
      templateBody: input.templateBody,
      parameters: input.parameters,
      resolved: input.resolved,
      tags: input.tags,
      capabilities: input.capabilities,
      outputs,
      resources,
      imports: [...imported],
      ssm,
    },
    active: activeDefs,
    missingImports: evaluator.issues.missingImports,
    exportNames,
  };
}
