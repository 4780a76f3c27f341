import type { Problem, SourceLocation } from '../errors.js';
import { didYouMean } from '../config/resolve-config.js';
import type { PropertyShapes, ResourceSpec, Shape } from '../spec/resource-spec.js';
import type { ParsedTemplate, TemplateObject, TemplateValue } from './parse-template.js';
import { findResourceCycles } from './resource-cycles.js';
import type { ResourceEdge } from './resource-cycles.js';
import { CHECKS } from './template-checks.js';
import type { CheckCode } from './template-checks.js';
import { transformsOf } from './template-transforms.js';

/**
 * Basic template errors found offline, before any AWS call: references to what the template does
 * not declare, attributes and properties the resource specification does not know, cycles
 * between resources, outputs over CloudFormation's limits. Each finding carries its check code
 * (see `template-checks.ts`) so that a user can look it up and silence it.
 */
export interface TemplateCheckResult {
  /** CloudFormation would refuse the template: the run stops. */
  errors: Problem[];
  /** Probably wrong, but the shipped spec may be older than the service. */
  warnings: Problem[];
  /** Worth knowing, never wrong: custom and registry types, checks skipped because of a macro. */
  notes: Problem[];
}

export interface CheckTemplateOptions {
  /** The resource specification; without it, only the checks that need no spec run. */
  spec?: ResourceSpec;
  /** Codes silenced for the whole template (the stack's `ignoreChecks`). */
  ignore?: readonly string[];
  /**
   * Whether a property value is a local path that packaging replaces before CloudFormation sees
   * it (`Code: ./src`): its shape is the packager's to check, not the spec's.
   */
  isPackagedLocally?: (type: string, property: string, value: TemplateValue) => boolean;
}

const PSEUDO_PARAMETERS: readonly string[] = [
  'AWS::AccountId',
  'AWS::NotificationARNs',
  'AWS::NoValue',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
];

/** SAM's implicit APIs (AWS SAM developer guide, "Generated CloudFormation resources"). */
const SAM_IMPLICIT = /^(ServerlessRestApi|ServerlessHttpApi|ServerlessDeploymentApplication)/;

/** Output count, output name and export name limits (CloudFormation quotas). */
export const MAX_OUTPUTS = 200;
export const MAX_OUTPUT_NAME = 255;
export const MAX_EXPORT_NAME = 255;

/** Whether the template has a resource whose type only the spec can judge (so the spec must be loaded). */
export function templateNeedsSpec(template: ParsedTemplate): boolean {
  const resources = objectAt(template.body, 'Resources');
  if (!resources) return false;
  return Object.values(resources).some((definition) => {
    const type = typeOf(definition);
    return type !== undefined && !isCustomType(type);
  });
}

export function checkTemplate(template: ParsedTemplate, options: CheckTemplateOptions = {}): TemplateCheckResult {
  const result: TemplateCheckResult = { errors: [], warnings: [], notes: [] };
  const body = template.body;
  const stackIgnores = new Set(options.ignore ?? []);
  const resources = objectAt(body, 'Resources') ?? {};
  const parameters = objectAt(body, 'Parameters') ?? {};
  const conditions = objectAt(body, 'Conditions') ?? {};
  const outputs = objectAt(body, 'Outputs') ?? {};
  const transforms = transformsOf(template);

  const locateEntry = (container: object, key: string | number): SourceLocation =>
    template.locate(template.positionOfEntry(container, key) ?? template.positionOf(container));
  const locateValue = (value: TemplateValue, fallback: SourceLocation): SourceLocation => {
    const position = value !== null && typeof value === 'object' ? template.positionOf(value) : undefined;
    return position ? template.locate(position) : fallback;
  };
  const ignoredBy = new Map<string, ReadonlySet<string>>();
  for (const [logicalId, definition] of Object.entries(resources))
    ignoredBy.set(logicalId, resourceIgnores(definition));

  const report = (code: CheckCode, location: SourceLocation, message: string, hint?: string, owner?: string): void => {
    if (stackIgnores.has(code)) return;
    if (owner !== undefined && ignoredBy.get(owner)?.has(code)) return;
    const problem: Problem = { code, location, message, ...(hint ? { hint } : {}) };
    result[CHECKS[code].level === 'error' ? 'errors' : CHECKS[code].level === 'warning' ? 'warnings' : 'notes'].push(
      problem,
    );
  };

  checkOutputLimits(outputs, template, locateEntry, report);

  if (transforms.unknown.length > 0) {
    const what = transforms.unknown.join(', ');
    report(
      'SP0002',
      template.locate(template.positionOfEntry(body, 'Transform') ?? template.positionOf(body)),
      `reference, type and property checks skipped: the template uses ${what}, ` +
        'which can add, rename or rewrite resources before CloudFormation reads them',
    );
    return result;
  }

  const resourceIds = Object.keys(resources);
  const samResources = transforms.sam
    ? resourceIds.filter((id) => typeOf(resources[id])?.startsWith('AWS::Serverless::'))
    : [];
  const isResource = (name: string): boolean =>
    Object.hasOwn(resources, name) ||
    (transforms.sam && (SAM_IMPLICIT.test(name) || samResources.some((id) => name.startsWith(id))));
  const isRefTarget = (name: string): boolean => {
    if (Object.hasOwn(parameters, name) || PSEUDO_PARAMETERS.includes(name) || isResource(name)) return true;
    // SAM's referenceable properties: `!Ref MyFunction.Version`, `!Ref MyApi.Stage`.
    const dot = name.indexOf('.');
    return transforms.sam && dot > 0 && samResources.includes(name.slice(0, dot));
  };
  const refCandidates = [...Object.keys(parameters), ...resourceIds, ...PSEUDO_PARAMETERS];
  const edges: ResourceEdge[] = [];

  const checkAttribute = (resource: string, attribute: string, location: SourceLocation, owner?: string): void => {
    const spec = options.spec;
    if (!spec || !Object.hasOwn(resources, resource)) return;
    const type = typeOf(resources[resource]);
    if (type === undefined || isCustomType(type) || type.startsWith('AWS::Serverless::')) return;
    // A nested stack's outputs are `Outputs.<Name>`: the names are the child template's.
    if (type === 'AWS::CloudFormation::Stack' && attribute.startsWith('Outputs.')) return;
    const attributes = spec.attributesOf(type);
    if (!attributes || attributes.includes(attribute)) return;
    report(
      'SP2001',
      location,
      `${type} has no attribute ${attribute} (Fn::GetAtt ${resource}.${attribute})`,
      didYouMean(attribute, attributes) ??
        (attributes.length > 0
          ? `its attributes are: ${attributes.join(', ')}`
          : `the resource specification lists no attributes for ${type}`),
      owner,
    );
  };

  const checkRef = (name: string, location: SourceLocation, via: string, owner?: string): void => {
    if (isRefTarget(name)) {
      if (owner !== undefined && Object.hasOwn(resources, name)) edges.push({ from: owner, to: name, via, location });
      return;
    }
    report(
      via === 'Fn::Sub' ? 'SP1004' : 'SP1001',
      location,
      `${via === 'Fn::Sub' ? `\${${name}} in Fn::Sub` : `Ref ${name}`} names nothing the template declares ` +
        '(no parameter, resource or pseudo parameter of that name)',
      didYouMean(name, refCandidates) ?? 'declare it under Parameters or Resources, or fix the name',
      owner,
    );
  };

  const checkGetAtt = (
    resource: string,
    attribute: string | undefined,
    location: SourceLocation,
    via: string,
    owner?: string,
  ): void => {
    if (!isResource(resource)) {
      const isParameter = Object.hasOwn(parameters, resource);
      const dotted = attribute === undefined ? '' : `.${attribute}`;
      const written =
        via === 'Fn::Sub' ? `\${${resource}.${attribute ?? ''}} in Fn::Sub` : `Fn::GetAtt ${resource}${dotted}`;
      const target = isParameter
        ? 'a parameter; Fn::GetAtt takes a resource'
        : 'a resource the template does not declare';
      report(
        via === 'Fn::Sub' ? 'SP1004' : 'SP1002',
        location,
        `${written} names ${target}`,
        didYouMean(resource, resourceIds) ??
          (isParameter ? `use !Ref ${resource}` : 'declare the resource or fix the name'),
        owner,
      );
      return;
    }
    if (owner !== undefined && Object.hasOwn(resources, resource))
      edges.push({ from: owner, to: resource, via, location });
    if (attribute !== undefined) checkAttribute(resource, attribute, location, owner);
  };

  const checkCondition = (name: TemplateValue | undefined, location: SourceLocation, owner?: string): void => {
    if (typeof name !== 'string' || Object.hasOwn(conditions, name)) return;
    report(
      'SP1005',
      location,
      `condition ${name} is not declared in Conditions`,
      didYouMean(name, Object.keys(conditions)) ?? 'declare it under Conditions, or fix the name',
      owner,
    );
  };

  /** Walks a value for Ref, Fn::GetAtt, Fn::Sub and Fn::If; `inConditions` also reads `{ Condition: X }`. */
  const walk = (
    value: TemplateValue | undefined,
    location: SourceLocation,
    owner: string | undefined,
    inConditions = false,
  ): void => {
    if (value === null || value === undefined || typeof value !== 'object') return;
    const here = locateValue(value, location);
    if (Array.isArray(value)) {
      value.forEach((item, index) => walk(item, locateEntryOr(template, value, index, here), owner, inConditions));
      return;
    }
    const keys = Object.keys(value);
    const only = keys.length === 1 ? keys[0] : undefined;
    if (only === 'Ref' && typeof value.Ref === 'string') return checkRef(value.Ref, here, 'Ref', owner);
    if (only === 'Fn::GetAtt') {
      const [resource, attribute] = getAttParts(value['Fn::GetAtt']);
      if (resource !== undefined) checkGetAtt(resource, attribute, here, 'Fn::GetAtt', owner);
      const args = value['Fn::GetAtt'];
      if (Array.isArray(args)) walk(args[1], here, owner, inConditions);
      return;
    }
    if (only === 'Fn::Sub') {
      const args = value['Fn::Sub'];
      const [text, variables] = Array.isArray(args) ? [args[0], args[1]] : [args, undefined];
      const local = variables !== null && typeof variables === 'object' && !Array.isArray(variables) ? variables : {};
      if (typeof text === 'string') {
        for (const name of subVariables(text)) {
          if (Object.hasOwn(local, name)) continue;
          const dot = name.indexOf('.');
          if (dot > 0 && !isRefTarget(name))
            checkGetAtt(name.slice(0, dot), name.slice(dot + 1), here, 'Fn::Sub', owner);
          else checkRef(name, here, 'Fn::Sub', owner);
        }
      }
      walk(variables, here, owner, inConditions);
      return;
    }
    if (only === 'Fn::If' && Array.isArray(value['Fn::If'])) checkCondition(value['Fn::If'][0], here, owner);
    if (inConditions && only === 'Condition') return checkCondition(value.Condition, here, owner);
    for (const key of keys) walk(value[key], locateEntryOr(template, value, key, here), owner, inConditions);
  };

  for (const [name, definition] of Object.entries(conditions))
    walk(definition, locateEntry(conditions, name), undefined, true);

  for (const [logicalId, definition] of Object.entries(resources)) {
    if (definition === null || typeof definition !== 'object' || Array.isArray(definition)) continue;
    const at = locateEntry(resources, logicalId);
    if (Object.hasOwn(definition, 'Condition'))
      checkCondition(definition.Condition, locateEntry(definition, 'Condition'), logicalId);
    const dependsOn = definition.DependsOn;
    const dependencies = typeof dependsOn === 'string' ? [dependsOn] : Array.isArray(dependsOn) ? dependsOn : [];
    dependencies.forEach((name, index) => {
      if (typeof name !== 'string') return;
      const where = Array.isArray(dependsOn)
        ? locateEntryOr(template, dependsOn, index, locateEntry(definition, 'DependsOn'))
        : locateEntry(definition, 'DependsOn');
      if (isResource(name)) {
        if (Object.hasOwn(resources, name))
          edges.push({ from: logicalId, to: name, via: 'DependsOn', location: where });
        return;
      }
      report(
        'SP1003',
        where,
        `DependsOn names ${name}, which is not a resource of this template`,
        didYouMean(name, resourceIds) ?? 'name a resource declared under Resources',
        logicalId,
      );
    });
    for (const key of Object.keys(definition)) {
      if (key === 'Type' || key === 'DependsOn' || key === 'Condition') continue;
      // References inside Metadata are checked but make no dependency: the cycle check only
      // follows what certainly orders resources.
      if (key === 'Metadata') {
        const before = edges.length;
        walk(definition[key], locateEntry(definition, key), logicalId);
        edges.length = before;
        continue;
      }
      walk(definition[key], locateEntry(definition, key), logicalId);
    }
    checkResourceType(definition, logicalId, at);
  }

  for (const definition of Object.values(outputs)) {
    if (definition === null || typeof definition !== 'object' || Array.isArray(definition)) continue;
    if (Object.hasOwn(definition, 'Condition'))
      checkCondition(definition.Condition, locateEntry(definition, 'Condition'));
    for (const key of Object.keys(definition)) {
      if (key !== 'Condition') walk(definition[key], locateEntry(definition, key), undefined);
    }
  }

  for (const cycle of findResourceCycles(edges)) {
    const path = cycle.edges.map((e) => `${e.from} → ${e.to} (${e.via}, line ${e.location.line ?? '?'})`).join(', ');
    report(
      'SP1006',
      cycle.edges[0]?.location ?? template.locate(undefined),
      `circular dependency between resources: [${cycle.resources.join(', ')}]: ${path}`,
      'CloudFormation refuses the template; break one of these references ' +
        '(for a security group, move the rule to its own AWS::EC2::SecurityGroupIngress resource)',
    );
  }

  function checkResourceType(definition: TemplateObject, logicalId: string, at: SourceLocation): void {
    const type = typeOf(definition);
    const spec = options.spec;
    if (type === undefined) return;
    if (isCustomType(type)) {
      report(
        'SP0001',
        at,
        `${logicalId} is a custom resource (${type}): its properties are its provider's`,
        undefined,
        logicalId,
      );
      return;
    }
    if (!spec) return;
    if (!spec.isKnownType(type)) {
      if (isRegistryType(type)) {
        report(
          'SP0001',
          at,
          `${logicalId} has type ${type}, a registry or third-party type the shipped spec does not know: not checked`,
          undefined,
          logicalId,
        );
        return;
      }
      report(
        'SP2002',
        locateEntry(definition, 'Type'),
        `resource type ${type} is not in the resource specification (${spec.source})`,
        didYouMean(type, spec.typeNames()) ??
          'check the type name; a type AWS added recently may be missing from the shipped spec',
        logicalId,
      );
      return;
    }
    // SAM's types are rewritten by the transform; their properties are SAM's, not the spec's.
    if (type.startsWith('AWS::Serverless::')) return;
    const properties = spec.propertiesOf(type);
    if (!properties) return;
    const given = definition.Properties;
    if (given === undefined || given === null) {
      const missing = [...properties].filter(([, p]) => p.required).map(([name]) => name);
      if (missing.length > 0)
        report(
          'SP2004',
          at,
          `${logicalId} (${type}) has no Properties, and the spec requires ${missing.join(', ')}`,
          `add Properties: ${missing.join(', ')}`,
          logicalId,
        );
      return;
    }
    const packaged = options.isPackagedLocally;
    checkObject(
      given,
      properties,
      logicalId,
      type,
      locateEntry(definition, 'Properties'),
      logicalId,
      packaged ? (name, value) => packaged(type, name, value) : undefined,
    );
  }

  function checkObject(
    value: TemplateValue,
    properties: PropertyShapes,
    path: string,
    type: string,
    location: SourceLocation,
    owner: string,
    skipShape?: (name: string, value: TemplateValue) => boolean,
  ): void {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || isIntrinsic(value)) return;
    const known = [...properties.keys()];
    for (const [name, child] of Object.entries(value)) {
      const where = locateEntry(value, name);
      const property = properties.get(name);
      if (!property) {
        report(
          'SP2003',
          where,
          `${path} (${type}) has no property ${name} in the resource specification`,
          didYouMean(name, known) ?? (known.length ? `its properties are: ${known.join(', ')}` : undefined),
          owner,
        );
        continue;
      }
      if (!skipShape?.(name, child)) checkValue(child, property.shapes, `${path}.${name}`, type, where, owner);
    }
    const missing = [...properties].filter(([name, p]) => p.required && !Object.hasOwn(value, name)).map(([n]) => n);
    if (missing.length > 0)
      report(
        'SP2004',
        location,
        `${path} (${type}) is missing required ${missing.length === 1 ? 'property' : 'properties'} ${missing.join(', ')}`,
        undefined,
        owner,
      );
  }

  function checkValue(
    value: TemplateValue,
    shapes: readonly Shape[],
    path: string,
    type: string,
    location: SourceLocation,
    owner: string,
  ): void {
    if (value === null || shapes.some((s) => s.kind === 'any')) return;
    if (typeof value === 'object' && !Array.isArray(value) && isIntrinsic(value)) return;
    const kind = Array.isArray(value) ? 'list' : typeof value === 'object' ? 'object' : 'scalar';
    const fitting = shapes.filter((s) => s.kind === kind || (kind === 'object' && s.kind === 'map'));
    if (fitting.length === 0) {
      report(
        'SP2005',
        locateValue(value, location),
        `${path} (${type}) is ${describeKind(kind)}, but the spec expects ${[...new Set(shapes.map(describeShape))].join(' or ')}`,
        undefined,
        owner,
      );
      return;
    }
    // Only one way to read the value: go inside. Several (a property whose type changed) would be guessing.
    if (fitting.length !== 1) return;
    const shape = fitting[0];
    if (shape?.kind === 'list' && Array.isArray(value)) {
      value.forEach((item, index) =>
        checkValue(
          item,
          shape.element,
          `${path}[${index}]`,
          type,
          locateEntryOr(template, value, index, location),
          owner,
        ),
      );
    } else if (shape?.kind === 'map' && typeof value === 'object' && !Array.isArray(value)) {
      for (const [key, item] of Object.entries(value))
        checkValue(item, shape.element, `${path}.${key}`, type, locateEntry(value, key), owner);
    } else if (shape?.kind === 'object' && shape.properties && shape.properties.size > 0) {
      checkObject(value, shape.properties, path, type, location, owner);
    }
  }

  return result;
}

function checkOutputLimits(
  outputs: TemplateObject,
  template: ParsedTemplate,
  locateEntry: (container: object, key: string) => SourceLocation,
  report: (code: CheckCode, location: SourceLocation, message: string, hint?: string) => void,
): void {
  const names = Object.keys(outputs).filter((name) => !name.startsWith('Fn::ForEach::'));
  if (names.length > MAX_OUTPUTS) {
    report(
      'SP3001',
      locateEntry(template.body, 'Outputs'),
      `the template declares ${names.length} outputs; CloudFormation allows ${MAX_OUTPUTS}`,
      'move some outputs to another stack, or pass values through SSM parameters',
    );
  }
  for (const name of names) {
    if (name.length > MAX_OUTPUT_NAME) {
      report(
        'SP3002',
        locateEntry(outputs, name),
        `output name ${name.slice(0, 40)}… is ${name.length} characters; CloudFormation allows ${MAX_OUTPUT_NAME}`,
      );
    }
    const exportName = objectAt(objectAt(outputs, name) ?? {}, 'Export')?.Name;
    // Only a literal name can be measured before deploy.
    if (typeof exportName === 'string' && exportName.length > MAX_EXPORT_NAME) {
      report(
        'SP3003',
        locateEntry(objectAt(outputs, name) ?? outputs, 'Export'),
        `export name of output ${name} is ${exportName.length} characters; CloudFormation allows ${MAX_EXPORT_NAME}`,
      );
    }
  }
}

/** The `${Name}` and `${Resource.Attribute}` variables of a Fn::Sub string; `${!Literal}` is text. */
export function subVariables(text: string): string[] {
  const names: string[] = [];
  for (const match of text.matchAll(/\$\{([^}]*)\}/g)) {
    const name = (match[1] ?? '').trim();
    if (name === '' || name.startsWith('!')) continue;
    names.push(name);
  }
  return names;
}

function getAttParts(args: TemplateValue | undefined): [string | undefined, string | undefined] {
  if (typeof args === 'string') {
    const dot = args.indexOf('.');
    return dot < 0 ? [args, undefined] : [args.slice(0, dot), args.slice(dot + 1)];
  }
  if (!Array.isArray(args) || typeof args[0] !== 'string') return [undefined, undefined];
  // The attribute may be computed (`!Ref AttributeParameter`): only a literal one can be checked.
  return [args[0], typeof args[1] === 'string' ? args[1] : undefined];
}

function resourceIgnores(definition: TemplateValue | undefined): ReadonlySet<string> {
  const metadata = objectAt(definition, 'Metadata');
  const own = objectAt(metadata, 'stackpilot')?.ignore;
  return new Set(Array.isArray(own) ? own.filter((c): c is string => typeof c === 'string') : []);
}

function isIntrinsic(value: TemplateObject): boolean {
  const keys = Object.keys(value);
  const only = keys.length === 1 ? keys[0] : undefined;
  return only !== undefined && (only === 'Ref' || only === 'Condition' || only.startsWith('Fn::'));
}

function isCustomType(type: string): boolean {
  return type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource';
}

/** `Org::Service::Type` (and `::MODULE`) from the CloudFormation registry: not AWS's own namespaces. */
function isRegistryType(type: string): boolean {
  return /^[A-Za-z0-9]+::[A-Za-z0-9]+::[A-Za-z0-9]+(::MODULE)?$/.test(type) && !/^(AWS|Alexa)::/.test(type);
}

function describeKind(kind: 'list' | 'object' | 'scalar'): string {
  return kind === 'list' ? 'a list' : kind === 'object' ? 'a mapping' : 'a single value';
}

function describeShape(shape: Shape): string {
  switch (shape.kind) {
    case 'list':
      return 'a list';
    case 'map':
    case 'object':
      return 'a mapping';
    case 'scalar':
      return 'a single value';
    default:
      return 'anything';
  }
}

function typeOf(definition: TemplateValue | undefined): string | undefined {
  return definition !== null &&
    typeof definition === 'object' &&
    !Array.isArray(definition) &&
    typeof definition.Type === 'string'
    ? definition.Type
    : undefined;
}

function objectAt(container: TemplateValue | undefined, key: string): TemplateObject | undefined {
  if (container === null || container === undefined || typeof container !== 'object' || Array.isArray(container))
    return undefined;
  const value = Object.hasOwn(container, key) ? container[key] : undefined;
  return value !== null && value !== undefined && typeof value === 'object' && !Array.isArray(value)
    ? value
    : undefined;
}

function locateEntryOr(
  template: ParsedTemplate,
  container: object,
  key: string | number,
  fallback: SourceLocation,
): SourceLocation {
  const position = template.positionOfEntry(container, key);
  return position ? template.locate(position) : fallback;
}
