import { existsSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { glob } from 'tinyglobby';
import type { StackDescription } from '../aws/ports.js';
import { CONFIG_FILE_NAMES } from '../config/load-config.js';
import { DEFAULT_STACK_NAME } from '../config/resolve-config.js';
import type { ResolvedConfig } from '../config/resolve-config.js';
import { STACK_ID_PATTERN } from '../config/schema.js';
import { AccountError, UsageError } from '../errors.js';
import { loadProject } from '../graph/load-project.js';
import { analyzeTemplate } from '../template/analyze-template.js';
import { readTemplate } from '../template/parse-template.js';
import { renderGraph } from '../ui/render-graph.js';
import { writeFileAtomic } from '../write-file-atomic.js';
import { apiRateOption, pick, pickAccount } from './command-options.js';
import type { CliContext, GlobalOptions } from './context.js';
import { EXIT_OK } from './context.js';
import { renderStarterConfig } from './init/starter-config.js';
import type { StarterConfig, StarterStack } from './init/starter-config.js';
import { starterFromAccount, withoutNestedStacks } from './init/starter-from-account.js';
import type { DeployedStack } from './init/starter-from-account.js';
import { starterFromTemplates } from './init/starter-from-templates.js';
import { openAccount } from './open-account.js';
import { formatWarnings } from './report-problems.js';
import type { SharedOptionValues } from './shared-options.js';

export interface InitOptions
  extends
    GlobalOptions,
    Pick<SharedOptionValues, 'simulate' | 'simulateState' | 'endpointUrl' | 'profile' | 'apiRate'> {
  templates?: string;
  fromAccount?: boolean;
  prefix?: string;
  project?: string;
  force?: boolean;
}

const CONFIG_FILE = 'stacks.config.ts';
/** What `init` alone looks for. */
const DEFAULT_TEMPLATES = 'templates/*.{yaml,yml,json,template}';
/** A cap on what one glob may pick up: a glob that finds more has most likely gone astray. */
const MAX_TEMPLATES = 500;
/** Stacks that never held a template worth keeping: a first create that failed, or a change set's review stack. */
const EMPTY_STATUSES: ReadonlySet<string> = new Set(['REVIEW_IN_PROGRESS', 'ROLLBACK_COMPLETE']);

/**
 * `stackpilot init`: a starter `stacks.config.ts` in the current folder, from templates
 * (`--templates <glob>`) or from the stacks deployed under a name prefix (`--from-account`). Every
 * file is checked before the first is written, so an init refused for an existing file writes
 * nothing; then the graph of the new config is printed.
 */
export async function runInit(options: InitOptions, ctx: CliContext): Promise<number> {
  if (options.fromAccount === true && options.templates !== undefined)
    throw new UsageError('--from-account and --templates cannot be used together', {
      hint: '--from-account downloads the deployed templates itself',
    });
  if (options.fromAccount !== true && options.prefix !== undefined)
    throw new UsageError('--prefix only means something with --from-account', {
      hint: 'stackpilot init --from-account --prefix orders-dev-',
    });
  if (options.config !== undefined)
    throw new UsageError(`init always writes ${CONFIG_FILE} in the current folder; --config does not apply`, {
      hint: 'run init in the folder the config belongs in',
    });
  const { stage: stageFlag, region } = pick(options, ctx.env);
  const { config, files, warnings } =
    options.fromAccount === true
      ? await fromAccount(options, ctx, stageFlag, region)
      : await fromTemplates(options, ctx, stageFlag, region);

  const configPath = join(ctx.cwd, CONFIG_FILE);
  // Another config file here would be shadowed by the new one (stacks.config.ts is looked for first).
  const otherConfigs = CONFIG_FILE_NAMES.filter((n) => n !== CONFIG_FILE).map((n) => join(ctx.cwd, n));
  const targets = [configPath, ...otherConfigs, ...[...files.keys()].map((f) => resolve(ctx.cwd, f))];
  const existing = targets.filter((f) => existsSync(f));
  if (existing.length > 0 && options.force !== true) {
    const names = existing.map((f) => relative(ctx.cwd, f) || f);
    throw new UsageError(
      `${names.join(', ')} ${names.length === 1 ? 'exists' : 'exist'} already: init replaces nothing`,
      {
        hint: 'pass --force to replace them, or run init in another folder',
      },
    );
  }
  for (const [file, body] of files) await writeFileAtomic(resolve(ctx.cwd, file), body, { display: file });
  await writeFileAtomic(configPath, renderStarterConfig(config), { display: CONFIG_FILE });

  const c = ctx.colors.stderr;
  for (const other of otherConfigs.filter((f) => existsSync(f)))
    warnings.push(
      `${relative(ctx.cwd, other)} is still here: stackpilot now reads ${CONFIG_FILE} instead (remove the old one)`,
    );
  for (const warning of warnings) ctx.stderr.write(`${c.yellow('warning:')} ${warning}\n`);
  ctx.stdout.write(
    `wrote ${CONFIG_FILE} (${config.stacks.length} ${config.stacks.length === 1 ? 'stack' : 'stacks'})` +
      (files.size > 0 ? ` and ${files.size} ${files.size === 1 ? 'template' : 'templates'} in templates/` : '') +
      '\n',
  );
  for (const stack of config.stacks) {
    const fill = stack.parameters.filter(([, v]) => v.kind === 'placeholder').map(([k]) => k);
    ctx.stdout.write(`  ${stack.id}  ${stack.template}${fill.length > 0 ? `  to fill in: ${fill.join(', ')}` : ''}\n`);
  }
  ctx.stdout.write('\n');

  const project = await loadProject({
    cwd: ctx.cwd,
    command: 'init',
    configPath,
    stage: config.stage,
    ...(region === undefined ? {} : { region }),
  });
  ctx.stderr.write(formatWarnings(project.warnings, c));
  ctx.stdout.write(
    renderGraph(
      {
        project: project.config.project,
        stage: project.config.stage,
        graph: project.graph,
        orderings: project.orderings,
      },
      'text',
    ),
  );
  return EXIT_OK;
}

interface Starter {
  config: StarterConfig;
  /** Templates to write: path relative to the folder → body. */
  files: Map<string, string>;
  warnings: string[];
}

async function fromTemplates(
  options: InitOptions,
  ctx: CliContext,
  stage: string | undefined,
  region: string | undefined,
): Promise<Starter> {
  const pattern = options.templates ?? DEFAULT_TEMPLATES;
  const found = (
    await glob(pattern, { cwd: ctx.cwd, onlyFiles: true, ignore: ['**/node_modules/**', '.stackpilot/**'] })
  )
    .sort()
    .slice(0, MAX_TEMPLATES + 1);
  if (found.length === 0)
    throw new UsageError(`no template matches ${pattern} in ${ctx.cwd}`, {
      hint:
        options.templates === undefined
          ? 'name your templates: stackpilot init --templates "cfn/**/*.yaml", ' +
            'or read them from an account: stackpilot init --from-account --prefix <name-prefix>'
          : 'the glob is relative to the current folder; quote it so that the shell does not expand it',
    });
  if (found.length > MAX_TEMPLATES)
    throw new UsageError(`${pattern} matches more than ${MAX_TEMPLATES} files`, { hint: 'narrow the glob' });
  const templates = [];
  for (const file of found) {
    const display = file.split(sep).join('/');
    templates.push({ file: display, info: analyzeTemplate(await readTemplate(resolve(ctx.cwd, file), display)) });
  }
  const project = options.project ?? folderProject(ctx.cwd);
  return {
    config: {
      project,
      stage: stage ?? 'dev',
      ...(region === undefined ? {} : { region }),
      header: [
        `Written by stackpilot init from ${templates.length} ${templates.length === 1 ? 'template' : 'templates'} (${pattern}).`,
      ],
      stacks: starterFromTemplates(templates),
    },
    files: new Map(),
    warnings: [],
  };
}

async function fromAccount(
  options: InitOptions,
  ctx: CliContext,
  stageFlag: string | undefined,
  region: string | undefined,
): Promise<Starter> {
  const prefix = options.prefix;
  if (prefix === undefined || prefix === '')
    throw new UsageError('--from-account needs --prefix <name-prefix>: the start of the stack names to read', {
      hint: 'stackpilot init --from-account --prefix orders-dev- (with --project and --stage when the prefix is not <project>-<stage>-)',
    });
  const naming = namingOf(prefix, options.project, stageFlag);
  const apiRate = apiRateOption(options.apiRate);
  const config: ResolvedConfig = {
    configFile: join(ctx.cwd, CONFIG_FILE),
    configDir: ctx.cwd,
    project: naming.project,
    stage: naming.stage,
    region,
    stacks: [],
    outputs: undefined,
    artifacts: undefined,
  };
  const account = await openAccount({ config, templates: new Map() }, ctx, {
    ...pickAccount(options),
    apiRate,
    watched: false,
  });
  const deployed: DeployedStack[] = [];
  const warnings: string[] = [];
  try {
    const cf = account.ports.cloudFormation;
    const summaries = (await cf.listStackSummaries()).filter(
      (s) => s.stackName.startsWith(prefix) && s.status !== 'DELETE_COMPLETE' && s.parentId === undefined,
    );
    for (const summary of summaries.sort((a, b) => (a.stackName < b.stackName ? -1 : 1))) {
      const id = summary.stackName.slice(prefix.length);
      if (EMPTY_STATUSES.has(summary.status)) {
        warnings.push(`${summary.stackName} is ${summary.status}: it holds no deployed template, left out`);
        continue;
      }
      if (!STACK_ID_PATTERN.test(id)) {
        warnings.push(
          `${summary.stackName}: "${id}" cannot be a stack id (a letter, then letters, digits, hyphens), left out`,
        );
        continue;
      }
      const description: StackDescription | undefined = await cf.describeStack(summary.stackId);
      if (description === undefined) continue;
      if (summary.status.endsWith('_IN_PROGRESS'))
        warnings.push(`${summary.stackName} is ${summary.status}: the config shows it as it is now, mid-operation`);
      const templateBody = await cf.getTemplate(summary.stackId);
      const json = templateBody.trimStart().startsWith('{');
      deployed.push({ id, description, templateBody, templateFile: `templates/${id}.${json ? 'json' : 'yaml'}` });
    }
  } finally {
    await account.close();
  }
  if (deployed.length === 0)
    throw new AccountError(
      `no deployed stack's name starts with ${prefix}${region === undefined ? '' : ` in ${region}`}`,
      {
        hint: 'check the prefix, --region and the account (nested stacks and deleted stacks are not counted)',
      },
    );
  const { roots, nested } = withoutNestedStacks(deployed);
  for (const n of nested)
    warnings.push(`${n.description.stackName} is a nested stack (named after a resource of its parent): left out`);
  const starter = starterFromAccount(roots);
  const stacks: StarterStack[] = starter.stacks;
  return {
    config: {
      project: naming.project,
      stage: naming.stage,
      ...(region === undefined ? {} : { region }),
      ...(naming.stackName === DEFAULT_STACK_NAME ? {} : { stackName: naming.stackName }),
      header: [
        `Written by stackpilot init from the stacks named ${prefix}* (stage ${naming.stage}), as deployed.`,
        'templates/ holds their deployed templates (as submitted): replace them with your sources, and',
        "code packaged into S3 with the local paths stackpilot packages (see the README's `package`).",
        ...(region === undefined
          ? ['No region is written: AWS_REGION or the profile decides, as it did for init; add `region` to pin it.']
          : []),
      ],
      stacks,
    },
    files: new Map(roots.map((d) => [d.templateFile, d.templateBody])),
    warnings: [...warnings, ...starter.warnings],
  };
}

/**
 * How the prefix maps onto the stackName pattern: its `-`-separated parts that equal the project
 * or the stage become `${project}` and `${stage}`, so that another stage names its own stacks.
 * Without --project and --stage, a prefix of two parts is read as `<project>-<stage>-`.
 */
export function namingOf(
  prefix: string,
  projectFlag: string | undefined,
  stageFlag: string | undefined,
): { project: string; stage: string; stackName: string } {
  const parts = prefix.replace(/-$/, '').split('-');
  const project = projectFlag ?? (parts.length === 2 ? parts[0] : undefined);
  const stage = stageFlag ?? (parts.length === 2 ? parts[1] : undefined);
  if (project === undefined || stage === undefined || project === '' || stage === '')
    throw new UsageError(`cannot tell the project and the stage from the prefix ${prefix}`, {
      hint: `say them: --project <name> --stage <name> (the stack names are then read as ${prefix}<id>)`,
    });
  let projectSeen = false;
  let stageSeen = false;
  const pattern = prefix
    .split('-')
    .map((part) => {
      if (!projectSeen && part === project) {
        projectSeen = true;
        return '${project}';
      }
      if (!stageSeen && part === stage) {
        stageSeen = true;
        return '${stage}';
      }
      return part;
    })
    .join('-');
  return { project, stage, stackName: `${pattern}\${id}` };
}

/** The current folder's name, as a project name stacks may carry. */
function folderProject(cwd: string): string {
  const name = (cwd.split(sep).pop() ?? '').replace(/[^A-Za-z0-9-]+/g, '-').replace(/^[^A-Za-z]+|-+$/g, '');
  return name === '' ? 'my-project' : name;
}
