import { pick } from './command-options.js';
import { loadProject } from '../graph/load-project.js';
import type { CliContext, GlobalOptions } from './context.js';
import { EXIT_FAILURE, EXIT_OK } from './context.js';
import { formatNotes, formatWarnings } from './report-problems.js';
import { displayPath } from '../config/resolve-config.js';

export interface ValidateOptions extends GlobalOptions {
  againstDeployed?: boolean;
  profile?: string;
  endpointUrl?: string;
  simulate?: string | true;
  simulateState?: string;
  allowReplace?: string[];
  exclusively?: boolean;
  withDependents?: boolean;
  apiRate?: string;
  /** Warnings fail the run too (exit 1). */
  strict?: boolean;
}

/** Config, templates and graph, offline: no AWS call. With `--against-deployed`, also a read-only diff with what is deployed. */
export async function runValidate(options: ValidateOptions, ctx: CliContext, stacks: string[] = []): Promise<number> {
  // Loaded only when asked for: it brings the AWS SDK and the resource spec.
  if (options.againstDeployed)
    return (await import('./command-validate-deployed.js')).runAgainstDeployed(stacks, options, ctx);
  const project = await loadProject({ cwd: ctx.cwd, command: 'validate', ...pick(options, ctx.env) });
  const c = ctx.colors.stdout;
  const { graph, orderings, config } = project;
  ctx.stderr.write(formatWarnings(project.warnings, ctx.colors.stderr));
  ctx.stderr.write(formatNotes(project.notes ?? [], ctx.colors.stderr));
  if (options.strict && project.warnings.length > 0) {
    ctx.stderr.write(
      `${ctx.colors.stderr.red('error:')} ${plural(project.warnings.length, 'warning')} with --strict: ` +
        `${displayPath(config.configFile, ctx.cwd)} is not valid\n` +
        `  ${ctx.colors.stderr.dim('→ fix them, or silence a check by its code (see the README, "Template checks")')}\n`,
    );
    return EXIT_FAILURE;
  }
  const pairs = new Set(graph.edges.map((e) => `${e.stack}>${e.dependsOn}`)).size;
  const warningsNote = project.warnings.length ? `, ${plural(project.warnings.length, 'warning')}` : '';
  ctx.stdout.write(
    [
      `${c.green('✔')} ${displayPath(config.configFile, ctx.cwd)} is valid: ${plural(graph.nodes.length, 'stack')}, ` +
        `${plural(pairs, 'dependency', 'dependencies')} (${plural(graph.edges.length, 'edge')}), no cycles${warningsNote}`,
      `  project ${config.project}, stage ${config.stage}${config.region ? `, region ${config.region}` : ''}`,
      `  order:  ${orderings.order.join(' → ')}`,
      `  levels: ${orderings.levels.map((level) => `[${level.join(', ')}]`).join(' ')}`,
      '',
    ].join('\n'),
  );
  return EXIT_OK;
}

function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}
