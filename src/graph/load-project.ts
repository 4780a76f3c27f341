import { ValidationError } from '../errors.js';
import type { Problem, SourceLocation } from '../errors.js';
import { findConfigFile, loadConfigFile } from '../config/load-config.js';
import { displayPath, resolveConfig } from '../config/resolve-config.js';
import type { ResolvedConfig } from '../config/resolve-config.js';
import { locateInSource } from '../config/locate-in-source.js';
import { analyzeTemplate } from '../template/analyze-template.js';
import type { TemplateInfo } from '../template/analyze-template.js';
import { mergeNestedTemplates } from '../template/nested-templates.js';
import {
  checkOutputsFileValues,
  checkStackOutputs,
  checkStackParameters,
  placeholderWarnings,
} from '../template/check-stack-parameters.js';
import { readTemplate, readTemplateSync } from '../template/parse-template.js';
import { checkTemplate, templateNeedsSpec } from '../template/check-template.js';
import { loadResourceSpecInBackground } from '../spec/resource-spec.js';
import type { ResourceSpec } from '../spec/resource-spec.js';
import type { ParsedTemplate } from '../template/parse-template.js';
import { artifactProblem, findArtifacts, isLocalPath, PACKAGEABLE_PROPERTIES } from '../package/find-artifacts.js';
import { readdir, stat } from 'node:fs/promises';
import { dirname, resolve as resolvePath } from 'node:path';
import { TemplateError } from '../errors.js';
import { buildGraph } from './build-graph.js';
import { describeCycle } from './find-cycles.js';
import { analysisParameters, knownOutputParameters, namesThroughConfig } from './names-through-config.js';
import { possibleCycleWarning, settleCycles } from './settle-cycles.js';
import { computeOrderings } from './orderings.js';
import type { Orderings } from './orderings.js';
import type { StackGraph } from './types.js';

export interface LoadProjectOptions {
  cwd: string;
  /** `--config PATH`. */
  configPath?: string;
  stage?: string;
  region?: string;
  /** The command being run, passed to config functions. */
  command: string;
  /** How long the config may take to load; `CONFIG_DEADLINE_MS` by default. */
  configDeadlineMs?: number;
  /**
   * Check templates against the resource specification (SP2xxx), which costs most of a second
   * on a machine that has not cached its index. `graph` shows structure and does without.
   * @default true
   */
  specChecks?: boolean;
}

export interface Project {
  config: ResolvedConfig;
  templates: ReadonlyMap<string, TemplateInfo>;
  graph: StackGraph;
  orderings: Orderings;
  warnings: Problem[];
  /** Worth saying, never wrong: custom and registry resource types, checks a macro made impossible. */
  notes?: Problem[];
}

/**
 * Config, templates and graph, checked offline. Every problem found on the way is collected and
 * reported at once; only a config that does not even match the schema stops early.
 */
/**
 * Local code and nested templates the template names (issue 7), checked offline so that
 * `validate` reports them too: each path exists and a folder is not empty, and an artifacts bucket
 * is configured. Zipping, limits and nested templates' own paths are the packager's (plan, deploy).
 */
async function checkLocalPaths(parsed: ParsedTemplate, templatePath: string, hasBucket: boolean): Promise<Problem[]> {
  const found = findArtifacts(parsed, dirname(templatePath));
  const problems = [...found.problems];
  for (const ref of found.refs) {
    const info = await stat(ref.absolutePath).catch(() => undefined);
    if (!info) {
      problems.push(
        artifactProblem(
          ref,
          `does not exist (looked for ${ref.absolutePath})`,
          'paths are relative to the folder of the template that names them',
        ),
      );
    } else if (info.isDirectory() && (await readdir(ref.absolutePath)).length === 0) {
      problems.push(artifactProblem(ref, 'is an empty folder: there is nothing to deploy'));
    }
  }
  const first = found.refs[0];
  if (first && !hasBucket) {
    const itAndMore = found.refs.length === 1 ? 'it' : `it and ${found.refs.length - 1} more`;
    problems.push(
      artifactProblem(
        first,
        `is a local path, and no artifacts bucket is configured to package ${itAndMore} into`,
        "add `artifacts: { bucket: '<an existing S3 bucket>' }` to the config (optionally per stage)",
      ),
    );
  }
  return problems;
}

/**
 * The local nested templates (`AWS::CloudFormation::Stack` `TemplateURL: nested/x.yaml`) under a
 * template, recursively, analysed like stack templates. Their parameters come from the parent, so
 * names built from them stay patterns. Paths that do not exist are `checkLocalPaths`' to report.
 */
async function analyzeNestedTemplates(
  parsed: ParsedTemplate,
  templatePath: string,
  cwd: string,
  region: string | undefined,
  parsedOut: ParsedTemplate[] = [],
  seen = new Set([resolvePath(templatePath)]),
): Promise<TemplateInfo[]> {
  const found: TemplateInfo[] = [];
  for (const ref of findArtifacts(parsed, dirname(templatePath)).refs) {
    if (ref.kind !== 'template' || seen.has(resolvePath(ref.absolutePath))) continue;
    const info = await stat(ref.absolutePath).catch(() => undefined);
    if (!info?.isFile()) continue;
    seen.add(resolvePath(ref.absolutePath));
    try {
      const child = await readTemplate(ref.absolutePath, displayPath(ref.absolutePath, cwd));
      parsedOut.push(child);
      found.push(
        analyzeTemplate(child, region === undefined ? {} : { region }),
        ...(await analyzeNestedTemplates(child, ref.absolutePath, cwd, region, parsedOut, seen)),
      );
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      found.push({
        file: ref.absolutePath,
        body: '',
        description: undefined,
        parameters: [],
        resources: [],
        outputs: [],
        imports: [],
        ssmReads: [],
        ssmWrites: [],
        stackOutputReads: [],
        nestedExports: [],
        warnings: [],
        errors: [{ location: error.location, message: error.detail, ...(error.hint ? { hint: error.hint } : {}) }],
      });
    }
  }
  return found;
}

export async function loadProject(options: LoadProjectOptions): Promise<Project> {
  const file = findConfigFile(options.cwd, options.configPath);
  const envStage = options.stage ?? 'dev';
  const loaded = await loadConfigFile(
    file,
    { stage: envStage, command: options.command },
    options.configDeadlineMs === undefined ? {} : { deadlineMs: options.configDeadlineMs },
  );
  const shownFile = displayPath(file, options.cwd);
  const resolved = resolveConfig(loaded.value, file, loaded.source, {
    cwd: options.cwd,
    isFunction: loaded.isFunction,
    envStage,
    ...(options.stage === undefined ? {} : { stage: options.stage }),
    ...(options.region === undefined ? {} : { region: options.region }),
  });
  const fail = (problems: Problem[]): never => {
    const byFile = problemsByFile(problems, shownFile);
    throw new ValidationError(
      'INVALID_PROJECT',
      `${[...byFile].map(([where, list], i) => problemCountIn(where, list.length, i === 0)).join(', ')}:`,
      [...byFile.values()].flat(),
    );
  };
  if (!resolved.config) return fail(resolved.problems);
  const config = resolved.config;
  const problems = [...resolved.problems];
  const warnings: Problem[] = [];
  const locateConfig = (path: readonly PropertyKey[]): SourceLocation => locateInSource(loaded.source, shownFile, path);

  const templates = new Map<string, TemplateInfo>();
  // Resolves from the templates analysed so far: the map fills as the loop goes.
  const resolveNames = namesThroughConfig(config, templates);
  // Every template read (stacks' and nested ones), with its stack: checked once all are read.
  const toCheck: { stack: (typeof config.stacks)[number]; parsed: ParsedTemplate }[] = [];
  // The spec loads in the background from the first template that needs it, while the others are read.
  let specLoading: Promise<ResourceSpec> | undefined;
  const badPath = new Set(problems.flatMap((p) => (p.path?.startsWith('stacks.') ? [p.path] : [])));
  const readable = config.stacks.filter((stack) => !badPath.has(`stacks.${stack.id}.template`));
  const readStackTemplate = templateReads();
  for (const stack of readable) {
    try {
      const parsed = readStackTemplate(stack);
      // output() values already known from stacks declared earlier make names exact here too
      // (later ones are resolved by the graph, which sees every template).
      const analyzed = analyzeTemplate(parsed, {
        stackName: stack.stackName,
        ...analysisParameters(stack, knownOutputParameters(stack, resolveNames)),
        ...(config.region === undefined ? {} : { region: config.region }),
      });
      // A nested template's imports, SSM reads and writes and exports are the stack's: they make edges too.
      const nestedParsed: ParsedTemplate[] = [];
      const nested = await analyzeNestedTemplates(parsed, stack.templatePath, options.cwd, config.region, nestedParsed);
      toCheck.push({ stack, parsed }, ...nestedParsed.map((child) => ({ stack, parsed: child })));
      if (options.specChecks !== false && !specLoading && [parsed, ...nestedParsed].some(templateNeedsSpec))
        specLoading = loadResourceSpecInBackground();
      const info: TemplateInfo = mergeNestedTemplates(analyzed, nested);
      templates.set(stack.id, info);
      problems.push(...info.errors.map((p) => ({ ...p, stack: stack.id })));
      warnings.push(...info.warnings.map((p) => ({ ...p, stack: stack.id })));
      warnings.push(...placeholderWarnings(stack, locateConfig));
      problems.push(
        ...checkStackParameters(stack, info, locateConfig),
        ...checkStackOutputs(stack, info, locateConfig),
      );
      problems.push(
        ...(await checkLocalPaths(parsed, stack.templatePath, config.artifacts !== undefined)).map((p) => ({
          ...p,
          stack: stack.id,
        })),
      );
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      problems.push({
        stack: stack.id,
        location: error.location,
        message: error.detail,
        ...(error.hint ? { hint: error.hint } : {}),
      });
    }
  }

  problems.push(...checkOutputsFileValues(config.outputs, templates, locateConfig));
  const built = buildGraph(config, templates, locateConfig);
  problems.push(...built.problems);
  warnings.push(...built.warnings);
  const settled = settleCycles(built.graph);
  for (const cycle of settled.cycles) {
    problems.push({ message: describeCycle(cycle), stack: cycle.stacks[0] ?? '' });
  }
  warnings.push(...settled.possible.map(possibleCycleWarning));
  const notes: Problem[] = [];
  // Basic template errors, before any AWS call. The spec costs most of a second: loaded only
  // when some template has a resource type only the spec can judge, once per process, and
  // awaited last so that reading templates and building the graph overlap its loading.
  const spec = specLoading ? await specLoading : undefined;
  // A template shared by many stacks is checked once per set of ignored checks, and reported per stack.
  const checked = new Map<ParsedTemplate, Map<string, ReturnType<typeof checkTemplate>>>();
  for (const { stack, parsed } of toCheck) {
    const ignore = stack.ignoreChecks ?? [];
    const key = JSON.stringify(ignore);
    const byIgnore = checked.get(parsed) ?? new Map<string, ReturnType<typeof checkTemplate>>();
    checked.set(parsed, byIgnore);
    const found =
      byIgnore.get(key) ??
      checkTemplate(parsed, {
        ...(spec ? { spec } : {}),
        ignore,
        isPackagedLocally: (type, property, value) =>
          isLocalPath(value) && PACKAGEABLE_PROPERTIES.some((p) => p.resourceType === type && p.property === property),
      });
    byIgnore.set(key, found);
    problems.push(...found.errors.map((p) => ({ ...p, stack: stack.id })));
    warnings.push(...found.warnings.map((p) => ({ ...p, stack: stack.id })));
    notes.push(...found.notes.map((p) => ({ ...p, stack: stack.id })));
  }

  if (problems.length > 0) return fail(problems);
  return { config, templates, graph: settled.graph, orderings: computeOrderings(settled.graph), warnings, notes };
}

/**
 * The stacks' templates, each file read and parsed once however many stacks share it. A parse
 * error is the same for every stack that uses the file, and is reported for each.
 */
function templateReads(): (stack: { templatePath: string; templateDisplay: string }) => ParsedTemplate {
  const byFile = new Map<string, ParsedTemplate | TemplateError>();
  return (stack) => {
    const file = resolvePath(stack.templatePath);
    let read = byFile.get(file);
    if (read === undefined) {
      try {
        read = readTemplateSync(stack.templatePath, stack.templateDisplay);
      } catch (error) {
        if (!(error instanceof TemplateError)) throw error;
        read = error;
      }
      byFile.set(file, read);
    }
    if (read instanceof TemplateError) throw read;
    return read;
  };
}

/**
 * Problems grouped by the file they are in, the config's first: a template's problems are headed
 * by the template, not by the config that names it.
 */
function problemsByFile(problems: readonly Problem[], configFile: string): Map<string, Problem[]> {
  const byFile = new Map<string, Problem[]>();
  for (const problem of problems) {
    const file = problem.location?.file ?? configFile;
    const list = byFile.get(file);
    if (list) list.push(problem);
    else byFile.set(file, [problem]);
  }
  const config = byFile.get(configFile);
  if (!config) return byFile;
  byFile.delete(configFile);
  return new Map([[configFile, config], ...byFile]);
}

/** `3 problems in a.yaml` for the first file of a list, `2 in b.yaml` for the next ones. */
function problemCountIn(where: string, count: number, first: boolean): string {
  return `${count} ${first ? `${count === 1 ? 'problem' : 'problems'} in` : 'in'} ${where}`;
}
