import { loadProject } from '../graph/load-project.js';
import { selectStacks } from '../graph/select-stacks.js';
import { renderGraph } from '../ui/render-graph.js';
import type { GraphFormat } from '../ui/render-graph.js';
import type { CliContext, GlobalOptions } from './context.js';
import { EXIT_OK } from './context.js';
import { pick } from './command-options.js';
import { formatWarnings } from './report-problems.js';

export interface GraphOptions extends GlobalOptions {
  format: GraphFormat;
  exclusively?: boolean;
  withDependents?: boolean;
}

export async function runGraph(stacks: string[], options: GraphOptions, ctx: CliContext): Promise<number> {
  // Structure only: the resource-spec checks are validate's (and deploy's, plan's).
  const project = await loadProject({ cwd: ctx.cwd, command: 'graph', specChecks: false, ...pick(options, ctx.env) });
  ctx.stderr.write(formatWarnings(project.warnings, ctx.colors.stderr));
  const selected = selectStacks(project.graph, stacks, {
    ...(options.exclusively ? { exclusively: true } : {}),
    ...(options.withDependents ? { withDependents: true } : {}),
  });
  ctx.stdout.write(
    renderGraph(
      {
        project: project.config.project,
        stage: project.config.stage,
        graph: project.graph,
        orderings: project.orderings,
        ...(stacks.length > 0 ? { selected } : {}),
      },
      options.format,
    ),
  );
  return EXIT_OK;
}
