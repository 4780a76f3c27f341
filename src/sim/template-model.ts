import { TemplateError } from '../errors.js';
import { parseTemplate } from '../template/parse-template.js';
import type { TemplateObject, TemplateValue } from '../template/parse-template.js';
import { ownValue } from '../config/own-keys.js';

/** What the simulator needs from a template body, read once per submitted body. */
export interface SimTemplate {
  body: TemplateObject;
  /** JSON of the parsed body: two bodies that differ only in formatting or comments are equal. */
  canonical: string;
  parameters: SimParameterDef[];
  resources: SimResourceDef[];
  outputs: SimOutputDef[];
  conditions: TemplateObject;
  mappings: TemplateObject;
  /** A `Transform` section (SAM, macros): the no-changes reason differs (§2.3). */
  hasTransform: boolean;
}

export interface SimParameterDef {
  name: string;
  type: string;
  default: string | undefined;
  noEcho: boolean;
  /** `AWS::SSM::Parameter::Value<...>`: the value given is a parameter name, resolved from SSM. */
  ssm: boolean;
}

export interface SimResourceDef {
  logicalId: string;
  type: string;
  properties: TemplateObject;
  condition: string | undefined;
  deletionPolicy: string;
  updateReplacePolicy: string;
  /** Resources this one waits for: DependsOn, Ref, Fn::GetAtt and `${X}` / `${X.Attr}` of Fn::Sub. */
  dependsOn: string[];
  /** The definition without DependsOn, serialised, to tell whether anything but ordering changed. */
  canonical: string;
  metadata: string | undefined;
}

export interface SimOutputDef {
  key: string;
  value: TemplateValue;
  exportName: TemplateValue | undefined;
  description: string | undefined;
  condition: string | undefined;
}

export type ReadTemplateResult = { ok: true; template: SimTemplate } | { ok: false; message: string };

const SSM_TYPE = /^AWS::SSM::Parameter::Value<.+>$/;

/**
 * Reads a submitted template body into the simulator's model, or returns the reason CloudFormation
 * would refuse it with (the text after `Template format error: `).
 */
export function readSimTemplate(text: string): ReadTemplateResult {
  let body: TemplateObject;
  try {
    body = parseTemplate(text, 'sim.yaml').body;
  } catch (error) {
    return { ok: false, message: error instanceof TemplateError ? error.detail : String(error) };
  }
  const section = (name: string): TemplateObject => asObject(ownValue(body, name));
  const resourceSection = section('Resources');
  if (Object.keys(resourceSection).length === 0)
    return { ok: false, message: 'At least one Resources member must be defined.' };

  const parameters: SimParameterDef[] = Object.entries(section('Parameters')).map(([name, raw]) => {
    const def = asObject(raw);
    const type = typeof def.Type === 'string' ? def.Type : 'String';
    return {
      name,
      type,
      default: scalarDefault(def.Default),
      noEcho: def.NoEcho === true || def.NoEcho === 'true',
      ssm: SSM_TYPE.test(type),
    };
  });
  const parameterNames = new Set(parameters.map((p) => p.name));
  const resourceIds = new Set(Object.keys(resourceSection));

  const unresolved = new Set<string>();
  const resources: SimResourceDef[] = [];
  for (const [logicalId, raw] of Object.entries(resourceSection)) {
    const def = asObject(raw);
    if (typeof def.Type !== 'string')
      return { ok: false, message: `[/Resources/${logicalId}] Every Resources object must contain a Type member.` };
    const explicit =
      typeof def.DependsOn === 'string'
        ? [def.DependsOn]
        : Array.isArray(def.DependsOn)
          ? def.DependsOn.filter((d): d is string => typeof d === 'string')
          : [];
    const referenced = referencesIn({ Properties: def.Properties ?? null, Metadata: def.Metadata ?? null });
    const dependsOn = new Set<string>();
    for (const name of [...explicit, ...referenced]) {
      if (name === logicalId) continue;
      if (resourceIds.has(name)) dependsOn.add(name);
      else if (!parameterNames.has(name) && !name.startsWith('AWS::')) unresolved.add(name);
    }
    const { DependsOn: _ignored, ...rest } = def;
    resources.push({
      logicalId,
      type: def.Type,
      properties: asObject(def.Properties),
      condition: typeof def.Condition === 'string' ? def.Condition : undefined,
      deletionPolicy: typeof def.DeletionPolicy === 'string' ? def.DeletionPolicy : 'Delete',
      updateReplacePolicy: typeof def.UpdateReplacePolicy === 'string' ? def.UpdateReplacePolicy : 'Delete',
      dependsOn: [...dependsOn],
      canonical: JSON.stringify(rest),
      metadata: def.Metadata === undefined ? undefined : JSON.stringify(def.Metadata),
    });
  }
  const outputs: SimOutputDef[] = Object.entries(section('Outputs')).map(([key, raw]) => {
    const def = asObject(raw);
    for (const name of referencesIn(def.Value ?? null)) {
      if (!resourceIds.has(name) && !parameterNames.has(name) && !name.startsWith('AWS::')) unresolved.add(name);
    }
    const exportBlock = def.Export === undefined ? undefined : asObject(def.Export);
    return {
      key,
      value: def.Value ?? '',
      exportName: exportBlock?.Name,
      description: typeof def.Description === 'string' ? def.Description : undefined,
      condition: typeof def.Condition === 'string' ? def.Condition : undefined,
    };
  });
  if (unresolved.size > 0) {
    return {
      ok: false,
      message: `Unresolved resource dependencies [${[...unresolved].join(', ')}] in the Resources block of the template`,
    };
  }
  const cycle = findCycle(resources);
  if (cycle) return { ok: false, message: `Circular dependency between resources: [${cycle.join(', ')}]` };
  return {
    ok: true,
    template: {
      body,
      canonical: JSON.stringify(body),
      parameters,
      resources,
      outputs,
      conditions: section('Conditions'),
      mappings: section('Mappings'),
      hasTransform: body.Transform !== undefined,
    },
  };
}

/**
 * Names a value refers to: `Ref` targets, `Fn::GetAtt` resources and the `${Name}` /
 * `${Name.Attr}` variables of `Fn::Sub` that its own variable map does not define.
 */
export function referencesIn(value: TemplateValue): Set<string> {
  const found = new Set<string>();
  const walk = (v: TemplateValue): void => {
    if (v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      v.forEach(walk);
      return;
    }
    for (const [key, arg] of Object.entries(v)) {
      if (key === 'Ref' && typeof arg === 'string') found.add(arg);
      else if (key === 'Fn::GetAtt') {
        const target = Array.isArray(arg) ? arg[0] : typeof arg === 'string' ? arg.split('.')[0] : undefined;
        if (typeof target === 'string') found.add(target);
        else walk(arg);
      } else if (key === 'Fn::Sub') {
        const [text, vars] = Array.isArray(arg) ? [arg[0], arg[1]] : [arg, undefined];
        const own = vars !== null && vars !== undefined && typeof vars === 'object' && !Array.isArray(vars) ? vars : {};
        if (typeof text === 'string') {
          for (const match of text.matchAll(/\$\{([^!}][^}]*)\}/g)) {
            const name = (match[1] ?? '').trim().split('.')[0] ?? '';
            if (name !== '' && !Object.hasOwn(own, name)) found.add(name);
          }
        }
        walk(own);
      } else walk(arg);
    }
  };
  walk(value);
  return found;
}

export function asObject(value: TemplateValue | undefined): TemplateObject {
  return value !== null && value !== undefined && typeof value === 'object' && !Array.isArray(value) ? value : {};
}

function scalarDefault(value: TemplateValue | undefined): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value.map(String).join(',');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function findCycle(resources: readonly SimResourceDef[]): string[] | undefined {
  const deps = new Map(resources.map((r) => [r.logicalId, r.dependsOn]));
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'visiting') return stack.slice(stack.indexOf(id));
    state.set(id, 'visiting');
    stack.push(id);
    for (const dep of deps.get(id) ?? []) {
      const cycle = visit(dep);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const r of resources) {
    const cycle = visit(r.logicalId);
    if (cycle) return cycle;
  }
  return undefined;
}
