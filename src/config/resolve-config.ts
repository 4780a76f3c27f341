import { existsSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { distance } from 'fastest-levenshtein';
import type { z } from 'zod';
import type { Problem, SourceLocation } from '../errors.js';
import { locateInSource } from './locate-in-source.js';
import { escapeProtoKeys, hasOwnKey, ownValue, restoreProtoKeys, unescapeKey } from './own-keys.js';
import { allowedKeysAt, configSchema, STACK_ID_PATTERN } from './schema.js';
import { stackpilotTags, tagKeyProblem } from './stack-tags.js';
import type {
  Capability,
  OutputRef,
  OutputsFileConfig,
  ParameterValue,
  SsmRef,
  StackConfig,
  StackpilotConfig,
} from './types.js';

/** CloudFormation's own rule for stack names. */
const STACK_NAME_PATTERN = /^[A-Za-z][-A-Za-z0-9]*$/;
const STACK_NAME_MAX = 128;
export const DEFAULT_STACK_NAME = '${project}-${stage}-${id}';
export const DEFAULT_STAGE = 'dev';
/** Ids that name properties every JavaScript object has: refused rather than trusted anywhere. */
const RESERVED_IDS: readonly string[] = ['__proto__', 'constructor', 'prototype'];

export interface ResolvedStack {
  id: string;
  stackName: string;
  /** Absolute path of the template. */
  templatePath: string;
  /** The template path relative to the working directory, for messages. */
  templateDisplay: string;
  dependsOn: readonly string[];
  parameters: Readonly<Record<string, ParameterValue>>;
  tags: Readonly<Record<string, string>>;
  capabilities: readonly Capability[];
  stateful: boolean;
  /** `destroy` may delete it although it is stateful (`allowDestroy`). */
  allowDestroy?: boolean;
  terminationProtection: boolean;
  timeoutMinutes: number | undefined;
  /** Outputs to write to SSM Parameter Store after a deploy: output name → parameter name. */
  outputsToSsm: Readonly<Record<string, string>>;
  /** Template check codes silenced for this stack (`ignoreChecks`). */
  ignoreChecks?: readonly string[];
  /** Where the stack is declared in the config. */
  location: SourceLocation;
}

export interface ResolvedOutputsFile {
  file: string;
  format: 'json' | 'dotenv';
  values: Readonly<Record<string, OutputRef['output']>>;
}

export interface ResolvedConfig {
  configFile: string;
  configDir: string;
  project: string;
  stage: string;
  region: string | undefined;
  /** In declaration order. */
  stacks: readonly ResolvedStack[];
  outputs: ResolvedOutputsFile | undefined;
  /** The stage's artifacts bucket (and key prefix without slashes at the ends), if any. */
  artifacts: { bucket: string; prefix: string } | undefined;
  /**
   * The stages the config knows: the keys of `stages` and its own `stage` (else dev). A `--stage`
   * outside them is allowed (a stage per pull request) and said in the run header.
   */
  knownStages?: readonly string[];
}

export interface ResolveOptions {
  /** `--stage`: wins over the config's `stage`. */
  stage?: string;
  /** `--region`: wins over the config. */
  region?: string;
  /** For messages: paths are shown relative to it. */
  cwd: string;
  /** The config file exported a function, which received `env.stage`. */
  isFunction?: boolean;
  /** The stage passed to the function as `env.stage`. */
  envStage?: string;
}

export type ResolveResult =
  { config: ResolvedConfig; problems: Problem[] } | { config: undefined; problems: Problem[] };

export function isOutputRef(value: unknown): value is OutputRef {
  return typeof value === 'object' && value !== null && Object.hasOwn(value, 'output');
}

export function isSsmRef(value: unknown): value is SsmRef {
  return typeof value === 'object' && value !== null && Object.hasOwn(value, 'ssm');
}

/**
 * Validates what the config file exported and resolves it for one stage: schema first (all
 * problems at once, with dotted paths), then stage overrides and naming, then cross-field rules.
 * Rules that need the templates live with the templates (`check-stack-parameters`).
 */
export function resolveConfig(value: unknown, file: string, source: string, options: ResolveOptions): ResolveResult {
  const where = (path: readonly PropertyKey[]): SourceLocation =>
    locateInSource(source, displayPath(file, options.cwd), path);
  const escaped = escapeProtoKeys(value);
  let parsed = configSchema.safeParse(escaped);
  const problems: Problem[] = [];
  if (!parsed.success && parsed.error.issues.every((issue) => issue.path.length === 1 && issue.path[0] === 'project')) {
    // A bad project name is one problem among others: the rules below still run (with a stand-in
    // name), so that every problem is reported at once. The problems keep the config from being used.
    problems.push(...parsed.error.issues.map((issue) => schemaProblem(issue, where)));
    const retried = configSchema.safeParse({ ...(escaped as object), project: 'project' });
    if (retried.success) parsed = retried;
  }
  if (!parsed.success) {
    return {
      config: undefined,
      problems: parsed.error.issues.map((issue) =>
        schemaProblem({ ...issue, path: issue.path.map(unescapeKey) }, where),
      ),
    };
  }
  const raw: StackpilotConfig = restoreProtoKeys(parsed.data);
  const configDir = dirname(file);

  if (options.isFunction && raw.stage !== undefined && options.stage === undefined && raw.stage !== options.envStage) {
    problems.push({
      path: 'stage',
      location: where(['stage']),
      message: `the config function returned stage "${raw.stage}" but was called with env.stage "${options.envStage}"`,
      hint: 'a config function takes its stage from env.stage: remove `stage` from what it returns, or pass --stage',
    });
  }
  const stage = options.stage ?? raw.stage ?? DEFAULT_STAGE;
  const stageOverrides = ownValue(raw.stages, stage);
  const region = options.region ?? stageOverrides?.region ?? raw.region;
  const namePattern = stageOverrides?.stackName ?? raw.stackName ?? DEFAULT_STACK_NAME;
  const defaults = {
    ...raw.defaults,
    ...stageOverrides?.defaults,
    tags: { ...raw.defaults?.tags, ...stageOverrides?.defaults?.tags },
  };

  // Every stage, not only the active one: a typo in stages.prod must not wait for a prod deploy.
  for (const [stageName, overrides] of Object.entries(raw.stages ?? {})) {
    for (const id of Object.keys(overrides.stacks ?? {})) {
      if (!hasOwnKey(raw.stacks, id)) {
        problems.push({
          path: `stages.${stageName}.stacks.${id}`,
          location: where(['stages', stageName, 'stacks', id]),
          message: `stage "${stageName}" overrides stack "${id}", which is not in \`stacks\``,
          hint: didYouMean(id, Object.keys(raw.stacks)) ?? `stacks are: ${Object.keys(raw.stacks).join(', ')}`,
        });
      }
    }
  }
  const usesRegion = [
    raw.stackName,
    stageOverrides?.stackName,
    ...Object.values(raw.stacks).map((s) => s.stackName),
    ...Object.values(stageOverrides?.stacks ?? {}).map((s) => s.stackName),
  ].some((pattern) => pattern?.includes('${region}'));
  if (usesRegion && region === undefined) {
    problems.push({
      path: 'region',
      location: where(['region']),
      message: 'a stack name uses ${region}, but no region is set',
      hint: 'set `region` in the config (or the stage), or pass --region',
    });
  }

  const tagProblem = (key: string, path: readonly (string | number)[], stack?: string): void => {
    const problem = tagKeyProblem(key);
    if (problem) problems.push({ path: dotted(path), ...(stack ? { stack } : {}), location: where(path), ...problem });
  };
  for (const key of Object.keys(raw.defaults?.tags ?? {})) tagProblem(key, ['defaults', 'tags', key]);
  for (const key of Object.keys(stageOverrides?.defaults?.tags ?? {}))
    tagProblem(key, ['stages', stage, 'defaults', 'tags', key]);

  const ids = Object.keys(raw.stacks);
  const stacks: ResolvedStack[] = [];
  for (const id of ids) {
    const base = raw.stacks[id] as StackConfig;
    const override = ownValue(stageOverrides?.stacks, id) ?? {};
    const merged: StackConfig = {
      ...base,
      ...override,
      parameters: { ...base.parameters, ...override.parameters },
      tags: { ...base.tags, ...override.tags },
    };
    const stackPath = ['stacks', id];
    // A field a stage override replaced is reported where the override wrote it.
    const overridePath = ['stages', stage, 'stacks', id];
    for (const key of Object.keys(base.tags ?? {})) tagProblem(key, [...stackPath, 'tags', key], id);
    for (const key of Object.keys(override.tags ?? {})) tagProblem(key, [...overridePath, 'tags', key], id);
    if (RESERVED_IDS.includes(id)) {
      problems.push({
        path: `stacks.${id}`,
        stack: id,
        location: where(stackPath),
        message: `stack id "${id}" is a reserved name`,
        hint: `${RESERVED_IDS.join(', ')} name built-in properties of JavaScript objects; choose another id`,
      });
    } else if (!STACK_ID_PATTERN.test(id)) {
      problems.push({
        path: `stacks.${id}`,
        stack: id,
        location: where(stackPath),
        message: `stack id "${id}" is not valid`,
        hint: 'use letters, digits and hyphens, starting with a letter (ids become part of CloudFormation stack names)',
      });
    }
    const stackName = fillNamePattern(merged.stackName ?? namePattern, {
      project: raw.project,
      stage,
      id,
      region: region ?? '',
    });
    if (!STACK_NAME_PATTERN.test(stackName) || stackName.length > STACK_NAME_MAX) {
      // Point at whichever pattern made the name; with the built-in one, the id (or project) did.
      const namePath =
        override.stackName !== undefined
          ? [...overridePath, 'stackName']
          : base.stackName !== undefined
            ? [...stackPath, 'stackName']
            : stageOverrides?.stackName !== undefined
              ? ['stages', stage, 'stackName']
              : raw.stackName !== undefined
                ? ['stackName']
                : stackPath;
      problems.push({
        path: dotted(namePath),
        stack: id,
        location: where(namePath),
        message: `stack name "${stackName}" is not accepted by CloudFormation`,
        hint:
          `a stack name must match [A-Za-z][-A-Za-z0-9]* and be at most ${STACK_NAME_MAX} characters ` +
          `(this one has ${stackName.length})`,
      });
    }
    (merged.dependsOn ?? []).forEach((dependency, index) => {
      const path = [...(override.dependsOn === undefined ? stackPath : overridePath), 'dependsOn', index];
      if (dependency === id) {
        problems.push({
          path: dotted(path),
          stack: id,
          location: where(path),
          message: `stack "${id}" depends on itself`,
          hint: 'remove it from its own dependsOn',
        });
      } else if (!hasOwnKey(raw.stacks, dependency)) {
        problems.push({
          path: dotted(path),
          stack: id,
          location: where(path),
          message: `unknown stack "${dependency}" in dependsOn`,
          hint: didYouMean(dependency, ids) ?? `stacks are: ${ids.join(', ')}`,
        });
      }
    });
    for (const [name, parameter] of Object.entries(merged.parameters ?? {})) {
      if (!isOutputRef(parameter)) continue;
      const path = [
        ...(ownValue(override.parameters, name) === undefined ? stackPath : overridePath),
        'parameters',
        name,
      ];
      const target = parameter.output.stack;
      if (target === id) {
        problems.push({
          path: dotted(path),
          stack: id,
          location: where(path),
          message: `parameter ${name} takes an output of its own stack "${id}"`,
          hint: 'a stack cannot read its own outputs before it is deployed; use a template expression (!GetAtt / !Ref) instead',
        });
      } else if (!hasOwnKey(raw.stacks, target)) {
        problems.push({
          path: dotted(path),
          stack: id,
          location: where(path),
          message: `parameter ${name} takes an output of unknown stack "${target}"`,
          hint: didYouMean(target, ids) ?? `stacks are: ${ids.join(', ')}`,
        });
      }
    }
    const templatePath = resolve(configDir, merged.template);
    const templateDisplay = displayPath(templatePath, options.cwd);
    if (!existsSync(templatePath)) {
      problems.push({
        path: `stacks.${id}.template`,
        stack: id,
        location: where([...stackPath, 'template']),
        message: `template file not found: ${templateDisplay}`,
        hint: 'template paths are relative to the config file',
      });
    }
    stacks.push({
      id,
      stackName,
      templatePath,
      templateDisplay,
      dependsOn: merged.dependsOn ?? [],
      parameters: merged.parameters ?? {},
      // Ours last: they say which project and stage a deployed stack belongs to (orphans).
      tags: { ...defaults.tags, ...merged.tags, ...stackpilotTags(raw.project, stage) },
      capabilities: merged.capabilities ?? defaults.capabilities ?? [],
      stateful: merged.stateful ?? false,
      ...(merged.allowDestroy === undefined ? {} : { allowDestroy: merged.allowDestroy }),
      // Stateful stacks are protected unless the stack itself says otherwise.
      terminationProtection:
        merged.terminationProtection ?? (merged.stateful ? true : undefined) ?? defaults.terminationProtection ?? false,
      outputsToSsm: merged.outputsToSsm ?? {},
      ...(merged.ignoreChecks === undefined ? {} : { ignoreChecks: merged.ignoreChecks }),
      timeoutMinutes: merged.timeoutMinutes,
      location: where(stackPath),
    });
  }

  const byName = new Map<string, string>();
  for (const stack of stacks) {
    const other = byName.get(stack.stackName);
    if (other !== undefined) {
      problems.push({
        path: `stacks.${stack.id}`,
        stack: stack.id,
        location: stack.location,
        message: `stacks "${other}" and "${stack.id}" both get the CloudFormation name "${stack.stackName}"`,
        hint: 'give one of them its own `stackName`, or include ${id} in the stackName pattern',
      });
    } else {
      byName.set(stack.stackName, stack.id);
    }
  }

  const outputsConfig: OutputsFileConfig | undefined = stageOverrides?.outputs ?? raw.outputs;
  const outputsPath = stageOverrides?.outputs ? ['stages', stage, 'outputs'] : ['outputs'];
  for (const [name, ref] of Object.entries(outputsConfig?.values ?? {})) {
    if (!hasOwnKey(raw.stacks, ref.output.stack)) {
      const path = [...outputsPath, 'values', name];
      problems.push({
        path: dotted(path),
        location: where(path),
        message: `output ${name} comes from unknown stack "${ref.output.stack}"`,
        hint: didYouMean(ref.output.stack, ids) ?? `stacks are: ${ids.join(', ')}`,
      });
    }
  }

  const artifacts = stageOverrides?.artifacts ?? raw.artifacts;
  return {
    problems,
    config: {
      configFile: file,
      configDir,
      project: raw.project,
      stage,
      region,
      stacks,
      artifacts: artifacts && { bucket: artifacts.bucket, prefix: (artifacts.prefix ?? '').replace(/^\/+|\/+$/g, '') },
      knownStages: [...new Set([raw.stage ?? DEFAULT_STAGE, ...Object.keys(raw.stages ?? {})])],
      outputs: outputsConfig && {
        file: resolve(configDir, outputsConfig.file),
        format: outputsConfig.format ?? 'json',
        values: Object.fromEntries(Object.entries(outputsConfig.values).map(([name, ref]) => [name, ref.output])),
      },
    },
  };
}

function schemaProblem(issue: z.core.$ZodIssue, where: (path: readonly PropertyKey[]) => SourceLocation): Problem {
  const path = issue.path;
  const stackAt = path[0] === 'stages' && path[2] === 'stacks' ? 3 : 1;
  const stack =
    (path[0] === 'stacks' || stackAt === 3) && typeof path[stackAt] === 'string' ? path[stackAt] : undefined;
  const base = { path: dotted(path) || '(top level)', location: where(path), ...(stack ? { stack } : {}) };
  if (issue.code === 'unrecognized_keys') {
    const allowed = allowedKeysAt(path);
    return {
      ...base,
      location: where([...path, issue.keys[0] ?? '']),
      message: `unknown ${issue.keys.length === 1 ? 'key' : 'keys'} ${issue.keys.map((k) => `"${k}"`).join(', ')}`,
      hint:
        issue.keys
          .map((k) => didYouMean(k, allowed))
          .filter(Boolean)
          .join('; ') || (allowed.length ? `allowed keys: ${allowed.join(', ')}` : 'remove it'),
    };
  }
  if (issue.code === 'invalid_type' && issue.message.includes('received undefined')) {
    return { ...base, message: `required ${issue.expected} is missing` };
  }
  return { ...base, message: issue.message.replace(/^Invalid input: /, '') };
}

export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = distance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  if (best !== undefined && bestDistance <= Math.max(1, Math.floor(word.length / 3))) return `did you mean "${best}"?`;
  // A longer word for a short name (`databse` for `data`): too many edits apart, but plainly meant.
  const lower = word.toLowerCase();
  const prefixes = candidates.filter((c) => c.length >= 3 && lower.startsWith(c.toLowerCase()));
  const longest = prefixes.sort((a, b) => b.length - a.length)[0];
  return longest === undefined ? undefined : `did you mean "${longest}"?`;
}

function fillNamePattern(pattern: string, values: Record<string, string>): string {
  return pattern.replace(/\$\{(\w+)\}/g, (match, key: string) => ownValue(values, key) ?? match);
}

export function dotted(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (text, segment) =>
      typeof segment === 'number' ? `${text}[${segment}]` : text ? `${text}.${String(segment)}` : String(segment),
    '',
  );
}

export function displayPath(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel.startsWith('..') || rel === '' ? file : rel;
}
