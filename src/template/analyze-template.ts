import type { Problem, SourceLocation } from '../errors.js';
import type { ParsedTemplate, TemplateObject, TemplateValue } from './parse-template.js';
import { resolveCandidates, resolveName } from './resolve-name.js';
import { findSsmReferences } from './ssm-dynamic-references.js';
import type { SsmDynamicReference } from './ssm-dynamic-references.js';
import { readStackOutputReference } from './stack-output-reads.js';
import { expandForEach } from './expand-foreach.js';
import type { ResolveContext, ResolvedName } from './resolve-name.js';

export interface TemplateParameter {
  name: string;
  type: string;
  /** The default as CloudFormation would pass it (a string; lists joined with commas). */
  default: string | undefined;
  noEcho: boolean;
  location: SourceLocation;
}

export interface TemplateResource {
  logicalId: string;
  type: string;
  location: SourceLocation;
}

export interface TemplateOutput {
  name: string;
  exportName: ResolvedName | undefined;
  /** The output's `Value` where it is a name known before deploy (e.g. `!Ref AWS::StackName`). */
  value?: ResolvedName;
  location: SourceLocation;
}

/** A `Fn::ImportValue`: the stack needs another stack's export at deploy time. */
export interface TemplateImport {
  exportName: ResolvedName;
  /**
   * Set when a `Fn::If` inside the `Fn::ImportValue` makes the name one of several: every name
   * it may take, this one included. Each candidate is also listed as an import of its own, so a
   * consumer that ignores this field still depends on every stack that might provide the value.
   */
  oneOf?: ResolvedName[];
  /** The resource or output that uses it. */
  usedBy: string;
  location: SourceLocation;
}

/** An SSM parameter that CloudFormation reads when it deploys the stack (not one code reads at run time). */
export interface TemplateSsmRead {
  parameterName: ResolvedName;
  via: 'parameter-type' | 'dynamic-reference';
  secure: boolean;
  /** `{{resolve:ssm:name:3}}` pins a version (dynamic references only). */
  version?: number;
  /**
   * Set only by the parameter-ARN form `{{resolve:ssm:arn:aws:ssm:<region>:<account>:parameter/name}}`:
   * the parameter's region and account, possibly another account's (a shared parameter). A
   * `${...}` piece (e.g. `${AWS::AccountId}` in a `Fn::Sub`) stays as written.
   */
  region?: string;
  account?: string;
  /** The template parameter (for `AWS::SSM::Parameter::Value<...>`) or the resource/output using the reference. */
  usedBy: string;
  location: SourceLocation;
}

/** An `AWS::SSM::Parameter` resource: the stack writes this parameter when it deploys. */
export interface TemplateSsmWrite {
  parameterName: ResolvedName;
  logicalId: string;
  location: SourceLocation;
}

/**
 * A `Fn::GetStackOutput` (long form or `!GetStackOutput`): the stack reads another stack's output,
 * no export needed, when it is created or updated (a weak reference: it is not refreshed when the
 * output changes later). TemplateReference: intrinsic-function-reference-getstackoutput.
 */
export interface TemplateStackOutputRead {
  /** The other stack's CloudFormation name (required by CloudFormation). */
  stackName: ResolvedName;
  /** The output's logical name in the other stack's `Outputs` (required). */
  outputName: ResolvedName;
  /** Where the other stack lives; absent means the reading stack's own region. */
  region?: ResolvedName;
  /** A role to read it with, which names another account when the stack is elsewhere; absent: the stack's own. */
  roleArn?: ResolvedName;
  /** The resource or output that uses it (`Globals` for SAM globals). */
  usedBy: string;
  location: SourceLocation;
}

export interface TemplateInfo {
  file: string;
  /** The template text, read once when the project loads: what is sent to CloudFormation. */
  body: string;
  description: string | undefined;
  parameters: TemplateParameter[];
  resources: TemplateResource[];
  outputs: TemplateOutput[];
  imports: TemplateImport[];
  ssmReads: TemplateSsmRead[];
  ssmWrites: TemplateSsmWrite[];
  /** Every `Fn::GetStackOutput` in Resources, Outputs and SAM `Globals` (after `Fn::ForEach` expansion). */
  stackOutputReads: TemplateStackOutputRead[];
  /**
   * Exports declared by the nested templates (`AWS::CloudFormation::Stack`) under this template:
   * deploying this stack creates them, so they count as its exports when matching imports, but
   * they are not its outputs (`output()` in the config cannot name them). Empty from
   * `analyzeTemplate`; `mergeNestedTemplates` fills it.
   */
  nestedExports: TemplateOutput[];
  /** Names that could only be resolved to a pattern, and structural oddities worth a look. */
  warnings: Problem[];
  /** Structural errors: the template would be refused by CloudFormation. */
  errors: Problem[];
}

export interface AnalyzeOptions {
  stackName?: string;
  region?: string;
  /** Parameter values the config sets as literals (known before deploy). */
  parameterValues?: ReadonlyMap<string, string>;
  /**
   * Parameters the config sets from values known only at deploy (`output()`, `ssm()`): their
   * template defaults do not apply, so names built from them stay `${...}` pieces for the graph
   * to resolve from what the config knows.
   */
  deployTimeParameters?: ReadonlySet<string>;
}

const SSM_PARAMETER_TYPE = /^AWS::SSM::Parameter::Value<.+>$/;

/** Extracts what the graph and the deployer need from a template; pure over the parsed template. */
export function analyzeTemplate(parsed: ParsedTemplate, options: AnalyzeOptions = {}): TemplateInfo {
  // AWS::LanguageExtensions' Fn::ForEach, expanded so that what the loops generate is read too.
  const expansion = expandForEach(parsed, options.parameterValues);
  const template = expansion.template;
  const body = template.body;
  const errors: Problem[] = [];
  const warnings: Problem[] = [...(parsed.warnings ?? []), ...expansion.warnings];
  const entryLocation = (container: object, key: string | number): SourceLocation =>
    template.locate(template.positionOfEntry(container, key) ?? template.positionOf(container));

  const section = (name: string): TemplateObject => {
    const value = Object.hasOwn(body, name) ? body[name] : undefined;
    if (value === undefined || value === null) return {};
    if (typeof value !== 'object' || Array.isArray(value)) {
      errors.push({ message: `\`${name}\` must be a mapping`, location: entryLocation(body, name) });
      return {};
    }
    return value;
  };

  const parameterSection = section('Parameters');
  const parameters: TemplateParameter[] = Object.entries(parameterSection).map(([name, raw]) => {
    const definition = asObject(raw);
    const type = typeof definition.Type === 'string' ? definition.Type : 'String';
    if (typeof definition.Type !== 'string') {
      errors.push({ message: `parameter ${name} has no \`Type\``, location: entryLocation(parameterSection, name) });
    }
    return {
      name,
      type,
      default: parameterDefault(definition.Default),
      noEcho: definition.NoEcho === true || definition.NoEcho === 'true',
      location: entryLocation(parameterSection, name),
    };
  });

  const known = new Map<string, string>();
  for (const p of parameters) if (p.default !== undefined) known.set(p.name, p.default);
  for (const [name, value] of options.parameterValues ?? []) known.set(name, value);
  for (const name of options.deployTimeParameters ?? []) known.delete(name);
  const mappings = section('Mappings');
  const context: ResolveContext = {
    parameters: known,
    mappings,
    ...(options.stackName === undefined ? {} : { stackName: options.stackName }),
    ...(options.region === undefined ? {} : { region: options.region }),
  };

  const resourceSection = section('Resources');
  if (Object.keys(resourceSection).length === 0) {
    errors.push({
      message: 'a template needs at least one resource in `Resources`',
      location: template.locate(undefined),
    });
  }
  const resources: TemplateResource[] = Object.entries(resourceSection).map(([logicalId, raw]) => {
    const definition = asObject(raw);
    if (typeof definition.Type !== 'string') {
      errors.push({
        message: `resource ${logicalId} has no \`Type\``,
        location: entryLocation(resourceSection, logicalId),
      });
    }
    return {
      logicalId,
      type: typeof definition.Type === 'string' ? definition.Type : 'Unknown',
      location: entryLocation(resourceSection, logicalId),
    };
  });

  const outputSection = section('Outputs');
  const outputs: TemplateOutput[] = Object.entries(outputSection).map(([name, raw]) => {
    const definition = asObject(raw);
    const exportBlock = definition.Export === undefined ? undefined : asObject(definition.Export);
    const exportName = exportBlock?.Name === undefined ? undefined : resolveName(exportBlock.Name, context);
    const location = entryLocation(outputSection, name);
    if (exportName && exportName.unknowns.length > 0) {
      warnings.push(patternWarning(`export name of output ${name}`, exportName, location));
    }
    const value = definition.Value === undefined ? undefined : resolveName(definition.Value, context);
    return { name, exportName, location, ...(value === undefined ? {} : { value }) };
  });

  const imports: TemplateImport[] = [];
  const ssmReads: TemplateSsmRead[] = [];
  for (const p of parameters) {
    if (!SSM_PARAMETER_TYPE.test(p.type)) continue;
    const value = known.get(p.name);
    const parameterName: ResolvedName =
      value === undefined ? { value: `\${${p.name}}`, unknowns: [p.name] } : { value, unknowns: [] };
    ssmReads.push({ parameterName, via: 'parameter-type', secure: false, usedBy: p.name, location: p.location });
  }

  const stackOutputReads: TemplateStackOutputRead[] = [];
  const seenReads = new Set<string>();
  const pushDynamicRead = (
    reference: SsmDynamicReference,
    resolve: (text: string) => ResolvedName,
    usedBy: string,
    location: SourceLocation,
  ): void => {
    const parameterName = resolve(reference.name);
    // A reference can be seen twice (inside a `Fn::Sub` that is a piece of a `Fn::Join`): once is enough.
    const key = JSON.stringify([usedBy, parameterName.value, reference.secure, reference.version]);
    if (seenReads.has(key)) return;
    seenReads.add(key);
    ssmReads.push({
      parameterName,
      via: 'dynamic-reference',
      secure: reference.secure,
      usedBy,
      location,
      ...(reference.version === undefined ? {} : { version: reference.version }),
      ...(reference.region === undefined ? {} : { region: resolve(reference.region).value }),
      ...(reference.account === undefined ? {} : { account: resolve(reference.account).value }),
    });
  };

  const walk = (value: TemplateValue, usedBy: string, location: SourceLocation): void => {
    if (typeof value === 'string') {
      for (const reference of findSsmReferences(value))
        pushDynamicRead(reference, (text) => ({ value: text, unknowns: [] }), usedBy, location);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    const here = template.positionOf(value);
    const loc = here ? template.locate(here) : location;
    if (Array.isArray(value)) {
      value.forEach((item, index) => {
        const itemPosition = template.positionOfEntry(value, index);
        walk(item, usedBy, itemPosition ? template.locate(itemPosition) : loc);
      });
      return;
    }
    const importArg = Object.hasOwn(value, 'Fn::ImportValue') ? value['Fn::ImportValue'] : undefined;
    if (importArg !== undefined) {
      const candidates = resolveCandidates(importArg, context);
      for (const exportName of candidates) {
        if (exportName.unknowns.length > 0)
          warnings.push(patternWarning(`Fn::ImportValue in ${usedBy}`, exportName, loc));
        imports.push({ exportName, usedBy, location: loc, ...(candidates.length > 1 ? { oneOf: candidates } : {}) });
      }
    }
    const stackOutputArg = Object.hasOwn(value, 'Fn::GetStackOutput') ? value['Fn::GetStackOutput'] : undefined;
    if (stackOutputArg !== undefined) {
      const read = readStackOutputReference(stackOutputArg, context);
      if ('problem' in read)
        warnings.push({ message: `Fn::GetStackOutput in ${usedBy}: ${read.problem}`, location: loc });
      else stackOutputReads.push({ ...read, usedBy, location: loc });
    }
    const joinArg = Object.hasOwn(value, 'Fn::Join') ? value['Fn::Join'] : undefined;
    if (Array.isArray(joinArg) && Array.isArray(joinArg[1])) {
      // `!Join ['', ['{{resolve:ssm:', !Ref Name, '}}']]`: the reference exists only once joined.
      const joined = resolveName(value, context);
      for (const reference of findSsmReferences(joined.value)) {
        const unknownsIn = (text: string): string[] => joined.unknowns.filter((u) => text.includes(`\${${u}}`));
        pushDynamicRead(reference, (text) => ({ value: text, unknowns: unknownsIn(text) }), usedBy, loc);
      }
    }
    const subArg = value['Fn::Sub'];
    if (subArg !== undefined) {
      // Dynamic references inside Fn::Sub may themselves contain ${...}: scan the template, then
      // resolve each name as a Fn::Sub with the same variables, so that its unknowns are kept.
      const [subTemplate, variables] = Array.isArray(subArg) ? [subArg[0], subArg[1]] : [subArg, undefined];
      if (typeof subTemplate === 'string') {
        for (const reference of findSsmReferences(subTemplate)) {
          const asSub = (text: string): ResolvedName =>
            resolveName({ 'Fn::Sub': variables === undefined ? text : [text, variables] }, context);
          pushDynamicRead(reference, asSub, usedBy, loc);
        }
      }
      if (variables !== undefined) walk(variables, usedBy, loc);
      return;
    }
    for (const [key, child] of Object.entries(value)) {
      const childPosition = template.positionOfEntry(value, key);
      walk(child, usedBy, childPosition ? template.locate(childPosition) : loc);
    }
  };
  for (const [logicalId, definition] of Object.entries(resourceSection))
    walk(definition, logicalId, entryLocation(resourceSection, logicalId));
  for (const [name, definition] of Object.entries(outputSection))
    walk(definition, `output ${name}`, entryLocation(outputSection, name));
  // SAM's Globals are copied into every function, API, ...: what they import is the stack's own.
  const globals = Object.hasOwn(body, 'Globals') ? body.Globals : undefined;
  if (globals !== undefined && globals !== null) walk(globals, 'Globals', entryLocation(body, 'Globals'));

  const ssmWrites: TemplateSsmWrite[] = [];
  for (const resource of resources) {
    if (resource.type !== 'AWS::SSM::Parameter') continue;
    const properties = asObject(asObject(resourceSection[resource.logicalId]).Properties);
    // Without a Name, CloudFormation generates one: nobody else can know it before deploy.
    if (properties.Name === undefined) continue;
    const parameterName = resolveName(properties.Name, context);
    if (parameterName.unknowns.length > 0)
      warnings.push(patternWarning(`SSM parameter name of ${resource.logicalId}`, parameterName, resource.location));
    ssmWrites.push({ parameterName, logicalId: resource.logicalId, location: resource.location });
  }

  return {
    file: template.file,
    body: template.text,
    description: typeof body.Description === 'string' ? body.Description : undefined,
    parameters,
    resources,
    outputs,
    imports,
    ssmReads,
    ssmWrites,
    stackOutputReads,
    nestedExports: [],
    warnings,
    errors,
  };
}

function patternWarning(what: string, name: ResolvedName, location: SourceLocation): Problem {
  return {
    message:
      `${what} is only known as the pattern "${name.value}": ` +
      `${name.unknowns.join(', ')} ${name.unknowns.length === 1 ? 'is' : 'are'} not known before deploy`,
    location,
    hint: 'stackpilot matches it as a pattern; set the parameter in the config to make it exact',
  };
}

function asObject(value: TemplateValue | undefined): TemplateObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {};
}

function parameterDefault(value: TemplateValue | undefined): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value))
    return value.map((item) => (typeof item === 'object' ? JSON.stringify(item) : String(item))).join(',');
  if (typeof value === 'object') return undefined;
  return String(value);
}
