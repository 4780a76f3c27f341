// Commands are imported when run: `--version`, `--help` and `validate` do not load the AWS SDK or Ink.
import { readFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { UsageError } from '../errors.js';
import { colorsFor } from '../ui/colors.js';
import { GRAPH_FORMATS } from '../ui/render-graph.js';
import type { GraphFormat } from '../ui/render-graph.js';
import type { ValidateOptions } from './command-validate.js';
import type { PackageOptions } from './command-package.js';
import type { PlanOptions } from './command-plan.js';
import { APPROVAL_LEVELS } from '../engine/guards/approvals.js';
import type { DeployOptions } from './command-deploy.js';
import type { DestroyOptions } from './command-destroy.js';
import type { StatusOptions } from './command-status.js';
import type { OutputsOptions } from './command-outputs.js';
import type { InitOptions } from './command-init.js';
import type { CliContext, GlobalOptions } from './context.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './context.js';
import { formatError } from './print-error.js';
import { addSharedOptions as sharedOptions, RUN_OPTIONS } from './shared-options.js';

/** Repeatable options collect into a list. */
const collect = (value: string, previous: string[]): string[] => [...previous, value];

const version = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

function buildProgram(ctx: CliContext, setExit: (code: number) => void): Command {
  const program = new Command('stackpilot')
    .description(
      'Deploy multi-stack AWS CloudFormation systems through change sets, in dependency order and in parallel.',
    )
    .version(version, '-V, --version', 'print the version')
    .option(
      '-c, --config <path>',
      'the config file (default: stacks.config.{ts,mts,js,mjs,json} in the current folder)',
    )
    .option('-s, --stage <name>', "the stage to act on (default: the config's `stage`, else dev)")
    .option('-r, --region <region>', 'the AWS region (default: the config, then AWS_REGION and the AWS config file)')
    .option('--debug', 'show causes and stack traces of errors')
    .showHelpAfterError('(run stackpilot --help for usage)')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => ctx.stdout.write(text),
      writeErr: (text) => ctx.stderr.write(text),
    })
    .addHelpText(
      'after',
      `
Examples:
  $ stackpilot validate                      check config, templates and graph (offline)
  $ stackpilot graph --format mermaid        the dependency graph as a Mermaid diagram
  $ stackpilot graph app --stage prod        app and everything it needs, for stage prod
  $ stackpilot plan                          what deploy would change (nothing is changed)
  $ stackpilot deploy                        deploy every stack through change sets
  $ stackpilot destroy --dry-run             what destroy would delete and keep (nothing is deleted)
  $ stackpilot deploy --simulate             the same on the built-in simulator, no AWS account

Exit codes: 0 ok, 1 failure, 2 bad usage.`,
    );

  sharedOptions(program.command('validate'), ['account', 'selection'])
    .description('check the config, the templates and the dependency graph, offline (no AWS call)')
    .argument('[stacks...]', 'with --against-deployed: these stacks and everything upstream of them (default: all)')
    .option(
      '--against-deployed',
      'also diff the templates with the deployed stacks and predict replacements (read-only AWS calls)',
    )
    .option(
      '--allow-replace <stack.LogicalId>',
      'as for deploy: this stateful resource may be removed or replaced (repeatable)',
      collect,
      [],
    )
    .option('--strict', 'template warnings (unknown properties, attributes, types...) fail the run too (exit 1)')
    .addHelpText(
      'after',
      `
Reports every problem at once, each with its file, line, stack and field, and what to do.

--against-deployed reads each deployed stack (DescribeStacks, GetTemplate; no change set) and
lists the resources to add, modify and remove, with the replacement the CloudFormation resource
specification predicts per changed property, removed or changed outputs and exports, and what
deploy's data guard would block (exit 1). Templates are compared as written: parameters, SSM
values and references are not resolved; \`stackpilot plan\` shows CloudFormation's own answer.

Examples:
  $ stackpilot validate
  $ stackpilot validate --config infra/stacks.config.ts --stage prod
  $ stackpilot validate --against-deployed
  $ stackpilot validate data --against-deployed --simulate`,
    )
    .action(async (stacks: string[], _options: unknown, command: Command) => {
      const options = command.optsWithGlobals<ValidateOptions>();
      if (!options.againstDeployed && stacks.length > 0) {
        throw new UsageError(
          `validate checks the whole project; stack names (${stacks.join(', ')}) only select stacks with --against-deployed`,
          { hint: 'drop the names, or add --against-deployed' },
        );
      }
      setExit(await (await import('./command-validate.js')).runValidate(options, ctx, stacks));
    });

  sharedOptions(program.command('graph'), ['selection'])
    .description('print the dependency graph of the stacks')
    .argument('[stacks...]', 'show only these stacks and everything upstream of them')
    .addOption(new Option('-f, --format <format>', 'output format').choices(GRAPH_FORMATS).default('text'))
    .addHelpText(
      'after',
      `
Edges point from a stack to the stacks it needs: declared (dependsOn), output (a parameter
from another stack's output), import (Fn::ImportValue of another stack's export) and
ssm (an SSM parameter another stack writes, read at deploy time).

The JSON format is stable for scripts:
  {"stacks":[{"id","stackName","dependsOn":[ids]}],
   "edges":[{"stack","dependsOn","via","detail","location"}],
   "order":[ids],"levels":[[ids]],"criticalPath":[ids]}

Examples:
  $ stackpilot graph
  $ stackpilot graph --format mermaid > graph.mmd
  $ stackpilot graph data --with-dependents --format json`,
    )
    .action(async (stacks: string[], _options: unknown, command: Command) => {
      const options = command.optsWithGlobals<
        GlobalOptions & { format: GraphFormat; exclusively?: boolean; withDependents?: boolean }
      >();
      setExit(await (await import('./command-graph.js')).runGraph(stacks, options, ctx));
    });

  sharedOptions(program.command('plan'), RUN_OPTIONS)
    .description('show what deploy would change: every change set is made, shown and deleted; nothing is changed')
    .argument('[stacks...]', 'plan these stacks and everything upstream of them (default: all)')
    .option('--detailed-exitcode', 'exit 0 when nothing would change, 2 when something would, 1 on error')
    .option(
      '--allow-replace <stack.LogicalId>',
      'allow this stateful resource to be removed or replaced (repeatable)',
      collect,
      [],
    )
    .addHelpText(
      'after',
      `
Each stack's change set is created, described (all pages) and deleted, and so is the
REVIEW_IN_PROGRESS stack a CREATE change set leaves, also on failure and Ctrl-C. Stacks whose
inputs come from an upstream stack with changes are marked "depends on pending changes in …":
their preview uses today's values. A stack whose upstream is not deployed yet is shown as
"will be created after …". Nested stacks' change sets are shown under their parent's row.
Under GitHub Actions the plan also goes to the job summary ($GITHUB_STEP_SUMMARY).

Examples:
  $ stackpilot plan
  $ stackpilot plan app --detailed-exitcode
  $ stackpilot plan --simulate`,
    )
    .action(async (stacks: string[], _options: unknown, command: Command) => {
      setExit(await (await import('./command-plan.js')).runPlan(stacks, command.optsWithGlobals<PlanOptions>(), ctx));
    });

  sharedOptions(program.command('package'), ['account', 'apiRate', 'selection'])
    .description(
      'zip and upload local code and nested templates, and write the packaged templates to a folder; deploys nothing',
    )
    .argument('[stacks...]', 'these stacks and everything upstream of them (default: all)')
    .option('-d, --output-dir <dir>', 'where the packaged templates are written', '.stackpilot/packaged')
    .addHelpText(
      'after',
      `
Local paths in templates (AWS::Lambda::Function Code, AWS::Lambda::LayerVersion Content,
AWS::Serverless::Function CodeUri, AWS::Serverless::LayerVersion ContentUri,
AWS::CloudFormation::Stack TemplateURL) are relative to the template that names them. Folders
are zipped deterministically (sorted entries, fixed timestamps and modes) and uploaded to the
config's artifacts bucket under content-hash keys: an object already there is not uploaded
again, so unchanged code is no change. Nested templates are packaged recursively. plan and
deploy do all this themselves; this command is for review or for another tool.

Examples:
  $ stackpilot package
  $ stackpilot package app --output-dir build/templates`,
    )
    .action(async (stacks: string[], _options: unknown, command: Command) => {
      setExit(
        await (await import('./command-package.js')).runPackage(stacks, command.optsWithGlobals<PackageOptions>(), ctx),
      );
    });

  sharedOptions(program.command('outputs'), ['account', 'output', 'apiRate', 'selection'])
    .description("print the deployed outputs of the stacks; --write writes the config's outputs file without deploying")
    .argument('[stacks...]', 'these stacks and everything upstream of them (default: all)')
    .option('--write', "write the config's `outputs` file from the deployed stacks, as deploy does")
    .addHelpText(
      'after',
      `
One DescribeStacks per stack; parameters are never printed. A stack that is not deployed is
named on stderr and the exit code is 1; the others are printed all the same. --output json is
one JSON document: {"stacks":[{"stack","stackName","status","deployed","outputs":[...]}]}.

Examples:
  $ stackpilot outputs
  $ stackpilot outputs app --exclusively --output json
  $ stackpilot outputs --write                 the frontend's outputs file, without deploying`,
    )
    .action(async (stacks: string[], _options: unknown, command: Command) => {
      setExit(
        await (await import('./command-outputs.js')).runOutputs(stacks, command.optsWithGlobals<OutputsOptions>(), ctx),
      );
    });

  sharedOptions(program.command('init'), ['account', 'apiRate'])
    .description('write a starter stacks.config.ts in the current folder, from templates or from deployed stacks')
    .option(
      '--templates <glob>',
      'one stack per template found, with its required parameters to fill in (default: templates/*.{yaml,yml,json,template})',
    )
    .option('--from-account', 'read the deployed stacks named --prefix*: templates, parameters, tags, capabilities')
    .option('--prefix <name-prefix>', 'with --from-account: the start of the stack names, e.g. orders-dev-')
    .option('--project <name>', 'the project name (default: from a <project>-<stage>- prefix, else the folder name)')
    .option('--force', 'replace stacks.config.ts and downloaded templates that exist already')
    .addHelpText(
      'after',
      `
--from-account lists the stacks whose names start with the prefix (ListStacks; deleted and
nested stacks are left out), downloads their templates into templates/ (GetTemplate, as
submitted) and writes their parameters, tags, capabilities and termination protection. A
parameter equal to another listed stack's output becomes output('<stack>', '<Output>'). A NoEcho
parameter (shown as ****) becomes a placeholder marked <FILL IN: ...> that validate, plan and
deploy refuse until it is filled in. The prefix maps onto the stackName pattern: its parts equal
to --project and --stage become \${project} and \${stage}. Nothing is replaced without --force.

Examples:
  $ stackpilot init --templates "cfn/*.yaml"
  $ stackpilot init --from-account --prefix orders-dev-
  $ stackpilot init --from-account --prefix acme-orders-prod- --project orders --stage prod`,
    )
    .action(async (_options: unknown, command: Command) => {
      setExit(await (await import('./command-init.js')).runInit(command.optsWithGlobals<InitOptions>(), ctx));
    });

  sharedOptions(program.command('deploy'), RUN_OPTIONS)
    .description('deploy the stacks through change sets, in dependency order')
    .argument('[stacks...]', 'deploy these stacks and everything upstream of them (default: all)')
    .option('-y, --yes', 'approve every change set that needs approval, without asking')
    .option(
      '--plan-first',
      'make every change set that can be made up front, show them and ask once (or --yes), then execute those change sets',
    )
    .option('--dry-run', 'the same as stackpilot plan: show every change set, change nothing')
    .option(
      '--detailed-exitcode',
      'with --dry-run: exit 0 when nothing would change, 2 when something would, 1 on error',
    )
    .addOption(
      new Option(
        '--require-approval <level>',
        'which change sets need a yes: never, destructive ' +
          '(removals, replacements, IAM/security-group changes to existing stacks), any-change',
      )
        .choices(APPROVAL_LEVELS)
        .default('destructive'),
    )
    .option(
      '--allow-replace <stack.LogicalId>',
      'allow this stateful resource to be removed or replaced (repeatable)',
      collect,
      [],
    )
    .option('--replace-failed', 'delete a stack whose first create failed (ROLLBACK_COMPLETE) and create it again')
    .option(
      '--check-drift',
      'before a stateful stack is updated, run drift detection; if it drifted, ask (without a terminal: refuse, --yes does not answer it)',
    )
    .option('--fail-fast', 'after a stack fails, start nothing new (stacks already deploying finish)')
    .addHelpText(
      'after',
      `
Stacks deploy in parallel as their dependencies finish (longest remaining path first), under
--concurrency and one shared --api-rate budget. A change set is made early, while upstream
stacks still deploy, when the stack needs none of their data (only imports or dependsOn).
Each stack goes through a change set: created, described, executed, followed to its end.
A stack whose template, parameters and tags equal what is deployed is reported unchanged
without a change set. A stack that fails makes everything downstream of it skipped.
Changes that remove or replace resources need approval: --yes, or an answer at the prompt.
Ctrl-C once: start nothing new and delete change sets not yet executed; twice: cancel updates;
three times: quit at once. Every AWS call has a deadline: an endpoint that does not answer fails
the call within about a minute (STACKPILOT_AWS_DEADLINES changes the deadlines).
With --plan-first the change sets are made before anything executes and approved once; a
stack fed by an upstream stack with changes gets its change set in its turn (--require-approval
applies), and an approved change set that went stale is made again, never executed blindly.

Examples:
  $ stackpilot deploy
  $ stackpilot deploy app --stage prod
  $ stackpilot deploy --simulate                  the example on the simulator, no AWS account
  $ stackpilot deploy --simulate=fail-data.json   a scenario: timings, a failure, throttling
  $ stackpilot deploy --plan-first                 see every change set, approve once
  $ stackpilot deploy --endpoint-url http://127.0.0.1:5000 --yes --ci
  $ stackpilot deploy --output json > events.ndjson`,
    )
    .action(async (stacks: string[], _options: unknown, command: Command) => {
      setExit(
        await (await import('./command-deploy.js')).runDeploy(stacks, command.optsWithGlobals<DeployOptions>(), ctx),
      );
    });

  // Selection runs the other way for destroy: its own --exclusively, and no --with-dependents (always there).
  sharedOptions(
    program.command('destroy'),
    RUN_OPTIONS.filter((name) => name !== 'selection'),
  )
    .description('delete the stacks, dependents first: one table of what goes and what stays, one confirmation')
    .argument('[stacks...]', 'delete these stacks and everything that depends on them (default: all)')
    .option('-y, --yes', 'confirm without being asked (required without a terminal)')
    .option('--dry-run', 'print what would go and what would stay; delete nothing')
    .option(
      '--allow-stateful <stack>',
      'allow this stateful stack to be deleted (repeatable; or allowDestroy: true in the config)',
      collect,
      [],
    )
    .option(
      '--retain <LogicalId>',
      'leave this resource in place when the delete fails on it (RetainResources); <stack>.<LogicalId> for one stack (repeatable)',
      collect,
      [],
    )
    .option(
      '--exclusively',
      'only the named stacks, without the stacks that depend on them (refused while one is deployed)',
    )
    .option(
      '--orphans',
      'delete the stacks tagged with this project and stage that the config no longer has (not with stack names)',
    )
    .addHelpText(
      'after',
      `
Stacks are deleted in reverse dependency order, in parallel where the graph allows: a stack goes
once every stack that depends on it is gone. Naming a stack deletes it and everything that depends
on it; --exclusively deletes only it, and is refused while a stack depending on it is deployed.
Before anything is deleted, one table says what goes and what stays (resources kept by
DeletionPolicy Retain/Snapshot) and which stacks are refused: stateful ones (unless
--allow-stateful or allowDestroy), termination-protected ones (never lifted by stackpilot), and
stacks whose exports a stack outside the selection imports. Then one confirmation: at a terminal,
type the stage name; without one, --yes. A delete that fails (DELETE_FAILED, e.g. a bucket that
is not empty) names the resource and the next step; --retain <LogicalId> keeps it on the retry.
--wait-timeout bounds the wait for each delete.
--orphans deletes, the same way, the stacks tagged stackpilot:project and stackpilot:stage of this
project and stage that the config no longer has (status lists them); one holding a resource of a
stateful type (tables, buckets, databases, file systems...) is refused unless named with
--allow-stateful <stackName>.

Examples:
  $ stackpilot destroy --dry-run
  $ stackpilot destroy --allow-stateful data
  $ stackpilot destroy app --stage pr-123 --yes --ci
  $ stackpilot destroy data --allow-stateful data --retain Bucket
  $ stackpilot destroy --orphans --allow-stateful orders-dev-backup`,
    )
    .action(async (stacks: string[], _options: unknown, command: Command) => {
      setExit(
        await (await import('./command-destroy.js')).runDestroy(stacks, command.optsWithGlobals<DestroyOptions>(), ctx),
      );
    });

  sharedOptions(program.command('status'), ['account', 'ci', 'output', 'apiRate', 'concurrency', 'selection'])
    .description('the pre-flight check: what is deployed, what differs, what would stop a deploy (reads only)')
    .argument('[stacks...]', 'these stacks and everything upstream of them (default: all)')
    .option('--drift', 'also run drift detection (DetectStackDrift) and list drifted resources, stateful stacks first')
    .addHelpText(
      'after',
      `
Per stack: the CloudFormation name, status and last update; whether the local template,
parameters and tags differ from the deployed stack (the comparison deploy uses to skip
unchanged stacks); termination protection; change sets left unexecuted; and what would stop a
deploy (an operation in progress, ROLLBACK_COMPLETE, UPDATE_ROLLBACK_FAILED, DELETE_FAILED, a
REVIEW_IN_PROGRESS stack of another tool), each with the next step. A stack not deployed yet is
its own state, not an error. --output json prints one JSON document (its shape is in the
README), not the event stream. Exit 0 when every stack can be deployed, 1 when something would
stop a deploy or (with --drift) a stateful stack drifted. --drift runs CloudFormation's drift
detection on each deployed stack and lists the resources changed outside CloudFormation, with
the properties that differ; a change set does not see them.

Examples:
  $ stackpilot status
  $ stackpilot status data --stage prod
  $ stackpilot status --output json`,
    )
    .action(async (stacks: string[], _options: unknown, command: Command) => {
      setExit(
        await (await import('./command-status.js')).runStatus(stacks, command.optsWithGlobals<StatusOptions>(), ctx),
      );
    });

  return program;
}

/** Runs the CLI and returns the exit code; never calls process.exit itself. */
export async function main(argv: readonly string[], ctx: CliContext): Promise<number> {
  let exitCode = EXIT_OK;
  const program = buildProgram(ctx, (code) => {
    exitCode = code;
  });
  const debug = argv.includes('--debug');
  try {
    if (argv.length === 0) {
      program.outputHelp();
      return EXIT_USAGE;
    }
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are not errors; commander has already printed its message otherwise.
      if (
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.code === 'commander.help'
      )
        return EXIT_OK;
      return EXIT_USAGE;
    }
    ctx.stderr.write(formatError(error, debug, ctx.colors.stderr));
    if (error instanceof UsageError || error instanceof InvalidArgumentError) return EXIT_USAGE;
    return EXIT_FAILURE;
  }
}

export function processContext(): CliContext {
  return {
    cwd: process.cwd(),
    env: process.env,
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    colors: { stdout: colorsFor(process.stdout), stderr: colorsFor(process.stderr) },
    onInterrupt: (handler) => {
      process.on('SIGINT', handler);
      return () => process.off('SIGINT', handler);
    },
    exit: (code) => process.exit(code),
  };
}
