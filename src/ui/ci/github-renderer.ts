import { appendFile } from 'node:fs/promises';
import pc from 'picocolors';
import type { EngineEvent } from '../../engine/events.js';
import { formatDuration } from '../../format-duration.js';
import type { StackGraph } from '../../graph/types.js';
import type { Colors } from '../colors.js';
import { createEventFormatter } from '../plain-renderer.js';
import type { Renderer, RunHeader } from '../renderer.js';
import { workflowCommand } from './github-commands.js';
import { renderJobSummary } from './job-summary.js';
import type { PlannedStack } from '../../engine/plan/plan-run.js';
import { stackHeadline } from '../plan-report.js';
import { renderPlanSummary } from './plan-summary.js';
import { emptyRunRecord, failureText, recordEvent } from './run-record.js';

export interface GithubRendererOptions {
  write: (text: string) => void;
  /** Milliseconds since the epoch: the run's clock, so a simulated run shows (and charts) virtual time. */
  now: () => number;
  /** `$GITHUB_STEP_SUMMARY`; the summary is appended to it on close. No summary when undefined. */
  summaryFile: string | undefined;
  /** The project's graph: the summary draws the run's part of it. */
  graph: StackGraph;
  header: RunHeader;
  /** Colour in the log lines (GitHub shows ANSI colour); never in commands or the summary. @default no colour */
  colors?: Colors;
  /** `--debug`: API retries get a line too. */
  debug?: boolean;
}

/**
 * Under GitHub Actions: run-level lines at once; each stack's lines held back and printed as one
 * collapsible group when the stack is done, so parallel stacks never interleave; an `::error`
 * annotation with the root cause for each failed stack and a `::warning` for warnings and blocked
 * stacks; on close, a Markdown report appended to the job summary.
 */
export function createGithubRenderer(options: GithubRendererOptions): Renderer {
  const format = createEventFormatter(options.colors ?? pc.createColors(false), () => new Date(options.now()), {
    debug: options.debug === true,
    ...(options.header.nodeNotice === undefined ? {} : { notice: options.header.nodeNotice }),
    ...(options.header.account === undefined ? {} : { account: options.header.account }),
    ...(options.header.stageNotInConfig === undefined ? {} : { stageNotInConfig: options.header.stageNotInConfig }),
  });
  const run = emptyRunRecord();
  const held = new Map<string, string[]>();
  const finished = new Set<string>();
  // `plan`: the plan itself, for the summary; its stacks end with `stack:planned`, not `stack:done`.
  const planned: PlannedStack[] = [];
  let planDone: Extract<EngineEvent, { type: 'plan:done' }> | undefined;
  let closed = false;

  const flushGroup = (stack: string, title: string, annotations: string[]): void => {
    const lines = held.get(stack) ?? [];
    held.delete(stack);
    options.write(
      `${workflowCommand('group', {}, `${stack} — ${title}`)}${lines.join('')}::endgroup::\n${annotations.join('')}`,
    );
  };

  const annotationsFor = (stack: string): string[] => {
    const record = run.stacks.get(stack);
    if (!record) return [];
    const out = record.warnings.map((message) => workflowCommand('warning', { title: stack }, message));
    if (record.outcome === 'failed')
      out.push(workflowCommand('error', { title: `${stack} failed` }, failureText(record)));
    if (record.outcome === 'unknown')
      out.push(workflowCommand('error', { title: `${stack} state unknown` }, record.reason ?? 'unknown'));
    if (record.outcome === 'blocked')
      out.push(workflowCommand('warning', { title: `${stack} blocked` }, record.reason ?? 'not approved'));
    const plan = planned.find((p) => p.stack === stack);
    if (plan?.status === 'failed')
      out.push(workflowCommand('error', { title: `${stack} could not be planned` }, plan.reason ?? 'failed'));
    if (plan?.status === 'blocked')
      out.push(workflowCommand('warning', { title: `${stack} blocked` }, plan.reason ?? 'blocked'));
    return out;
  };

  const emit = (event: EngineEvent): void => {
    if (closed) return;
    recordEvent(run, event, options.now());
    if (event.type === 'stack:planned') {
      const { type: _type, ...plan } = event;
      planned.push(plan);
    }
    if (event.type === 'plan:done') planDone = event;
    const text = format(event);
    const stack = 'stack' in event ? event.stack : undefined;
    if (stack === undefined || finished.has(stack)) {
      // Run-level lines, and anything said about a stack after its group was printed, go out at once.
      if (text !== '') options.write(text);
      if (event.type === 'run:warning' || event.type === 'stack:warning')
        options.write(
          workflowCommand('warning', { title: 'stack' in event ? event.stack : 'stackpilot' }, event.message),
        );
      return;
    }
    const lines = held.get(stack) ?? [];
    lines.push(text);
    held.set(stack, lines);
    if (event.type === 'stack:done') {
      finished.add(event.stack);
      flushGroup(
        event.stack,
        event.durationMs > 0 ? `${event.status} in ${formatDuration(event.durationMs)}` : event.status,
        annotationsFor(event.stack),
      );
    }
    if (event.type === 'stack:planned') {
      finished.add(event.stack);
      flushGroup(event.stack, stackHeadline(event), annotationsFor(event.stack));
    }
  };

  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    // A run cut short (a crash, a third Ctrl-C) still shows what each unfinished stack did.
    for (const stack of [...held.keys()]) flushGroup(stack, 'unfinished', annotationsFor(stack));
    if (options.summaryFile === undefined) return;
    try {
      // Appended: earlier steps (and tools in this step) may have written theirs.
      const summary =
        run.start?.dryRun === true
          ? renderPlanSummary(planned, planDone, options.header)
          : renderJobSummary(run, options.graph, options.header);
      await appendFile(options.summaryFile, `\n${summary}`);
    } catch (error) {
      options.write(
        workflowCommand(
          'warning',
          { title: 'stackpilot' },
          `could not write the job summary to ${options.summaryFile}: ${error instanceof Error ? error.message : String(error)}`,
        ),
      );
    }
  };

  return { emit, close };
}
