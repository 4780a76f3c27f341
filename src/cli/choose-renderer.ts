import type { Clock } from '../clock.js';
import type { StackDurations } from '../engine/index.js';
import type { Project } from '../graph/load-project.js';
import { createCiRenderer } from '../ui/ci/ci-renderer.js';
import { createGithubRenderer } from '../ui/ci/github-renderer.js';
import { createJsonRenderer } from '../ui/plain-renderer.js';
import type { Renderer, RunHeader } from '../ui/renderer.js';
import type { CliContext } from './context.js';

export interface ChosenRenderer extends Renderer {
  /** Refuses approvals still waiting for an answer (Ctrl-C): only the dashboard asks. */
  cancelApprovals: (reason: string) => void;
  kind: 'json' | 'dashboard' | 'github' | 'ci';
  /** The account id, known once the account is open: the dashboard is drawn before that. */
  setAccount?: (account: string) => void;
}

/** A person at a terminal: stdin and stdout are TTYs, and neither `CI` nor `--ci` says otherwise. */
export function wantsDashboard(ctx: CliContext, ciFlag: boolean, output: 'text' | 'json'): boolean {
  const ci = ciFlag || (ctx.env.CI !== undefined && ctx.env.CI !== '' && ctx.env.CI !== 'false');
  return output === 'text' && !ci && ctx.stdout.isTTY === true && ctx.stdin.isTTY === true;
}

/**
 * `--output json` → the event stream; a person at a terminal (stdin and stdout TTYs, no `CI`,
 * no `--ci`) → the Ink dashboard; GitHub Actions → grouped lines, annotations and a job summary;
 * anything else → plain timestamped lines.
 */
export async function chooseRenderer(input: {
  ctx: CliContext;
  project: Project;
  selected: readonly string[];
  header: RunHeader;
  clock: Clock;
  output: 'text' | 'json';
  ci: boolean;
  durations: Readonly<Record<string, StackDurations>>;
  onInterrupt: () => void;
  /** `--debug`: plain lines show API retries too. */
  debug?: boolean;
}): Promise<ChosenRenderer> {
  const { ctx, clock } = input;
  const write = (text: string): void => {
    ctx.stdout.write(text);
  };
  const none = (): void => undefined;
  if (input.output === 'json') {
    const emit = createJsonRenderer(write);
    return { emit, close: () => Promise.resolve(), cancelApprovals: none, kind: 'json' };
  }
  if (wantsDashboard(ctx, input.ci, input.output)) {
    const selected = new Set(input.selected);
    // Every stack a key, dependencies or not: the dashboard lists the keys until `run:start`
    // (issue 17: a first frame drawn before it left out core-infra, which needs nothing).
    const edges: Record<string, string[]> = Object.fromEntries(input.selected.map((id) => [id, []]));
    for (const e of input.project.graph.edges) {
      if (!selected.has(e.stack) || !selected.has(e.dependsOn)) continue;
      edges[e.stack] = [...new Set([...(edges[e.stack] ?? []), e.dependsOn])];
    }
    // Loaded here, not at start-up: Ink, React and their dependencies take ~0.4 s of CPU to load,
    // a third of an unchanged 8-stack rerun, and only the dashboard uses them.
    const { createInkRenderer } = await import('../ui/dashboard/ink-renderer.js');
    const ink = createInkRenderer({
      header: input.header,
      edges,
      durations: input.durations,
      stdout: ctx.stdout,
      stdin: ctx.stdin,
      stderr: ctx.stderr,
      // Between the steps of a paced simulated clock, elapsed times move on smoothly.
      now: () => (clock.displayNow ? clock.displayNow() : clock.now()),
      realNow: Date.now,
      onInterrupt: input.onInterrupt,
      colors: ctx.colors.stdout,
    });
    return {
      emit: ink.emit,
      close: () => ink.close(),
      approver: ink.approver,
      cancelApprovals: ink.cancelApprovals,
      setAccount: ink.setAccount,
      kind: 'dashboard',
    };
  }
  if (ctx.env.GITHUB_ACTIONS === 'true') {
    const github = createGithubRenderer({
      write,
      now: () => clock.now(),
      summaryFile: ctx.env.GITHUB_STEP_SUMMARY || undefined,
      graph: input.project.graph,
      header: input.header,
      colors: ctx.colors.stdout,
      debug: input.debug === true,
    });
    return { emit: github.emit, close: () => github.close(), cancelApprovals: none, kind: 'github' };
  }
  const plain = createCiRenderer({
    write,
    colors: ctx.colors.stdout,
    now: () => clock.now(),
    debug: input.debug === true,
    ...(input.header.nodeNotice === undefined ? {} : { notice: input.header.nodeNotice }),
    ...(input.header.account === undefined ? {} : { account: input.header.account }),
    ...(input.header.stageNotInConfig === undefined ? {} : { stageNotInConfig: input.header.stageNotInConfig }),
  });
  return { emit: plain.emit, close: () => plain.close(), cancelApprovals: none, kind: 'ci' };
}
