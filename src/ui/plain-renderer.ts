import { packagedText } from './packaged-text.js';
import type { EngineEvent, StackOutcome } from '../engine/events.js';
import type { Colors } from './colors.js';
import { formatDuration } from '../format-duration.js';
import { stackHeadline } from './plan-report.js';

export interface PlainRendererOptions {
  write: (text: string) => void;
  colors: Colors;
  /** Time for the line prefix; a test passes a fixed one. */
  now?: () => Date;
  /** `--debug`: API retries get a line too. */
  debug?: boolean;
}

/**
 * One line per event, each with a timestamp and the stack id; no cursor movement, so it reads the
 * same in a CI log as in a terminal.
 */
export function createPlainRenderer(options: PlainRendererOptions): (event: EngineEvent) => void {
  const format = createEventFormatter(options.colors, options.now ?? (() => new Date()), {
    debug: options.debug === true,
  });
  return (event) => {
    const text = format(event);
    if (text !== '') options.write(text);
  };
}

/**
 * The plain renderer's wording, kept apart from where the text goes so the GitHub Actions renderer
 * can hold a stack's lines back and print them as one group. Returns each event as whole lines
 * (`HH:MM:SS  <stack>  <text>\n`), or '' for an event that shows nothing. Every physical line
 * carries the prefix, even a multi-line reason's, so no line of the log is unattributed and none
 * can start with `::` (a GitHub workflow command).
 */
export function createEventFormatter(
  c: Colors,
  now: () => Date,
  options: { debug?: boolean; notice?: string; account?: string; stageNotInConfig?: boolean } = {},
): (event: EngineEvent) => string {
  let width = 0;
  let dryRun = false;
  let destroying = false;
  const blockedReasons = new Map<string, string>();
  let out: string[] = [];
  // `paint` colours each physical line on its own, so a colour never runs into the next prefix.
  const line = (stack: string, text: string, paint: (text: string) => string = (t) => t): void => {
    const prefix = `${c.dim(now().toISOString().slice(11, 19))}  ${stack.padEnd(width)}  `;
    text
      .split(/\r\n|\r|\n/)
      .forEach((part, index) => out.push(`${prefix}${paint(index === 0 ? part : `  ${part}`)}\n`));
  };
  const outcome = (status: StackOutcome): string => {
    switch (status) {
      case 'created':
      case 'updated':
      case 'deleted':
        return c.green(status);
      case 'absent':
        return c.dim('not deployed');
      case 'unchanged':
        return c.dim(status);
      case 'failed':
      case 'unknown':
        return c.red(status);
      case 'blocked':
      case 'skipped':
        return c.yellow(status);
    }
  };

  const render = (event: EngineEvent): void => {
    switch (event.type) {
      case 'run:start':
        width = Math.max(3, ...event.stacks.map((s) => s.length));
        dryRun = event.dryRun;
        destroying = event.command === 'destroy';
        line(
          'run',
          `${event.command} ${event.stacks.length} ${event.stacks.length === 1 ? 'stack' : 'stacks'} of ${event.project} ` +
            `(stage ${event.stage}${options.stageNotInConfig === true ? ', not in the config' : ''}` +
            `${event.region ? `, region ${event.region}` : ''}${options.account ? `, account ${options.account}` : ''}): ` +
            // "order": an arrow here is a sequence, not a graph edge (which points to what a stack needs).
            `${event.order.length > 1 ? 'order ' : ''}${event.order.join(' → ')}`,
        );
        if (options.notice !== undefined) line('run', options.notice, c.yellow);
        return;
      case 'stack:waiting':
        line(event.stack, `waiting for ${event.on.join(', ')}`);
        return;
      case 'stack:start':
        line(
          event.stack,
          `${dryRun ? 'planning' : destroying ? 'starting the delete of' : 'deploying'} ${event.stackName}`,
        );
        return;
      case 'stack:settling':
        line(
          event.stack,
          `waiting: ${event.stackName} is ${event.status} (another operation is running on it)` +
            `${event.waitedSeconds > 0 ? `, ${formatDuration(event.waitedSeconds * 1000)} so far` : ''}`,
        );
        return;
      case 'stack:replacing-failed':
        line(event.stack, `deleting ${event.stackName} (${event.status}: its first create failed) to create it again`);
        return;
      case 'stack:changeset':
        if (event.phase === 'creating')
          line(event.stack, `creating change set${event.changeSetType ? ` (${event.changeSetType})` : ''}`);
        else if (event.phase === 'unchanged')
          line(event.stack, `${c.dim('no changes')}${event.reason ? c.dim(`: ${event.reason}`) : ''}`);
        else {
          const changes = event.changes ?? [];
          const count = (action: string): number => changes.filter((ch) => ch.action === action).length;
          line(
            event.stack,
            `change set ready: ${count('Add')} to add, ${count('Modify')} to modify, ${count('Remove')} to remove` +
              `${changes.length === 0 ? ' (outputs, tags or parameters only)' : ''}`,
          );
          for (const ch of changes) {
            const mark = ch.action === 'Add' ? c.green('+') : ch.action === 'Remove' ? c.red('-') : c.yellow('~');
            const replace =
              ch.replacement === 'True'
                ? c.red(' (replace)')
                : ch.replacement === 'Conditional'
                  ? c.yellow(' (may replace)')
                  : '';
            line(event.stack, `  ${mark} ${ch.logicalId} ${c.dim(ch.resourceType)}${replace}`);
          }
        }
        return;
      case 'stack:blocked':
        // Said once, by the stack:done line that always follows (in a log, grep finds it there).
        blockedReasons.set(event.stack, event.reason);
        return;
      case 'stack:executing':
        line(
          event.stack,
          `executing ${event.changeSetName} (${event.total} ${event.total === 1 ? 'change' : 'changes'})`,
        );
        return;
      case 'stack:deleting':
        line(
          event.stack,
          `deleting ${event.stackName} (${event.total} ${event.total === 1 ? 'resource' : 'resources'}` +
            `${event.retain.length > 0 ? `, keeping ${event.retain.join(', ')}` : ''})`,
        );
        return;
      case 'stack:resource': {
        const status = event.status.endsWith('_FAILED')
          ? c.red(event.status)
          : event.status.endsWith('_COMPLETE')
            ? c.green(event.status)
            : event.status;
        line(
          event.stack,
          `  ${event.logicalId} ${c.dim(event.resourceType)} ${status}${event.reason ? c.dim(` ${event.reason}`) : ''}`,
        );
        return;
      }
      case 'stack:outputs':
        if (Object.keys(event.outputs).length > 0)
          line(
            event.stack,
            `outputs: ${Object.entries(event.outputs)
              .map(([k, v]) => `${k}=${v}`)
              .join(' ')}`,
          );
        return;
      case 'stack:warning':
        line(event.stack, `warning: ${event.message}`, c.yellow);
        return;
      case 'stack:packaged':
        line(event.stack, packagedText(event));
        return;
      case 'stack:done': {
        const details =
          event.status === 'failed' ||
          event.status === 'skipped' ||
          event.status === 'blocked' ||
          event.status === 'unknown'
            ? `: ${event.reason ?? blockedReasons.get(event.stack) ?? ''}`
            : '';
        line(
          event.stack,
          `${outcome(event.status)} in ${formatDuration(event.durationMs)}${c.dim(` (${event.apiCalls} API calls)`)}${details}`,
        );
        if (event.rootCause)
          line(
            event.stack,
            `  root cause: ${event.rootCause.logicalId} (${event.rootCause.resourceType}) ` +
              `${event.rootCause.status}: ${event.rootCause.reason}`,
            c.red,
          );
        for (const r of event.retained ?? [])
          line(
            event.stack,
            `  kept ${r.logicalId} (${r.resourceType}) ${r.physicalId}${r.fixedName ? c.dim(' fixed name') : ''}`,
            c.yellow,
          );
        return;
      }
      case 'api:retry':
        // Retries are routine under throttling and counted in apiCalls; each one is for --debug.
        if (options.debug === true)
          line(
            event.stack ?? 'run',
            c.dim(
              `retrying ${event.operation} (attempt ${event.attempt}: ${event.error}) in ${formatDuration(event.delayMs)}`,
            ),
          );
        return;
      case 'run:durations':
        // Where the priorities came from is for --debug: a failed read only means the priors are used.
        if (options.debug === true) line('run', c.dim(durationsNote(event)));
        return;
      case 'run:outputs-file':
        if (event.error !== undefined) line('run', event.error, c.red);
        else if (event.written) line('run', `wrote outputs to ${event.file}`);
        else line('run', `did not write ${event.file}: missing ${event.missing.join(', ')}`, c.yellow);
        return;
      case 'run:interrupt':
      case 'run:warning':
        line('run', event.message, c.yellow);
        return;
      case 'stack:planned': {
        const paint =
          event.status === 'failed' || event.status === 'blocked'
            ? c.red
            : event.status === 'pending' || event.status === 'skipped'
              ? c.yellow
              : undefined;
        line(event.stack, `planned: ${stackHeadline(event)}`, paint);
        return;
      }
      case 'plan:done':
        line(
          'run',
          `plan ${event.detailedExitCode === 1 ? c.red('incomplete') : c.green('done')} in ${formatDuration(event.durationMs)}: ` +
            `${summaryOf(event.summary)}${c.dim(` (detailed exit code ${event.detailedExitCode})`)}`,
        );
        return;
      case 'run:done': {
        const parts = (Object.entries(event.summary) as [StackOutcome, number][])
          .filter(([, n]) => n > 0)
          .map(([status, n]) => `${n} ${status}`);
        line(
          'run',
          `${event.exitCode === 0 ? c.green('done') : c.red('failed')} in ${formatDuration(event.durationMs)}: ` +
            `${parts.join(', ') || 'nothing to do'}${c.dim(` (${event.apiCalls} API calls)`)}`,
        );
        return;
      }
    }
  };

  return (event) => {
    out = [];
    render(event);
    return out.join('');
  };
}

function summaryOf(summary: Record<string, number>): string {
  return (
    Object.entries(summary)
      .filter(([, n]) => n > 0)
      .map(([status, n]) => `${n} ${status === 'changes' ? 'with changes' : status}`)
      .join(', ') || 'no stacks'
  );
}

/** `--output json`: the engine's events as NDJSON, one object per line. */
export function createJsonRenderer(write: (text: string) => void): (event: EngineEvent) => void {
  return (event) => write(`${JSON.stringify(event)}\n`);
}

/** `run:durations` as one line: how many stacks CloudFormation's events gave a duration, and what the others use. */
export function durationsNote(event: EngineEvent & { type: 'run:durations' }): string {
  const parts = [
    `priorities: no local durations; last operation of ${event.read.length} of ` +
      `${event.read.length + event.none.length + event.failed.length + event.unread.length} stacks read from CloudFormation's events ` +
      `(${event.apiCalls} calls, ${formatDuration(event.durationMs)})`,
  ];
  if (event.none.length > 0) parts.push(`none yet for ${event.none.join(', ')}`);
  for (const f of event.failed) parts.push(`could not read ${f.stack}: ${f.reason}`);
  if (event.unread.length > 0) parts.push(`not read in time: ${event.unread.join(', ')}`);
  if (event.none.length + event.failed.length + event.unread.length > 0) parts.push('those use resource-type priors');
  return parts.join('; ');
}
