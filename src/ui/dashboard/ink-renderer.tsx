import { render } from 'ink';
import type { Approver } from '../../engine/guards/approvals.js';
import type { StackDurations } from '../../engine/runner/schedule-plan.js';
import type { Colors } from '../colors.js';
import { colorsFor } from '../colors.js';
import type { Renderer, RunHeader } from '../renderer.js';
import { App } from './app.js';
import { createApprovalPrompt } from './approval-prompt.js';
import { createLiveStore } from './live-store.js';
import { initialDashboardState } from './store.js';
import { formatSummary } from './summary.js';

export interface InkRendererOptions {
  header: RunHeader;
  /** Each stack's dependencies (`{ app: ['data'] }`): row order before `run:start`, and the critical path. */
  edges: Readonly<Record<string, readonly string[]>>;
  /** What stacks took in earlier runs; with them the footer estimates the time left. */
  durations?: Readonly<Record<string, StackDurations>>;
  stdout: NodeJS.WriteStream;
  /** Keys for approvals and Ctrl-C; raw mode is used when it is a TTY. */
  stdin: NodeJS.ReadStream;
  stderr?: NodeJS.WriteStream;
  /** The clock rows and elapsed times are drawn by (the simulator's in `--simulate`). @default Date.now */
  now?: () => number;
  /**
   * Real time, when `now` is not (the simulator's clock): spinners turn and an approval wait is
   * counted by it, since a person's time is real. @default now
   */
  realNow?: () => number;
  /**
   * Ctrl-C pressed. Raw mode turns it into input rather than SIGINT, so the CLI gets it here and
   * treats it like SIGINT. @default raises SIGINT on this process
   */
  onInterrupt?: () => void;
  /** Least time between redraws. @default 100 */
  frameMs?: number;
  /** Whether the dashboard and the summary are in colour. @default colorsFor(stdout) (NO_COLOR, FORCE_COLOR) */
  colors?: Colors;
  /** Ink's debug mode: every frame written whole, no cursor movement (tests). */
  debug?: boolean;
}

export interface InkRenderer extends Renderer {
  /** Asks in the dashboard; undefined when stdin is not a terminal (nobody to answer). */
  approver: Approver | undefined;
  /** Refuses the approval requests waiting and all later ones: call it on SIGINT. */
  cancelApprovals: (reason: string) => void;
  /** Shows the account id in the header: the dashboard is drawn before the account is open. */
  setAccount: (account: string) => void;
}

/**
 * The interactive renderer: engine events go into the dashboard store at once; the dashboard is
 * redrawn from it at most every `frameMs` (Ink skips frames that did not change). `close()` takes
 * the dashboard off the screen and prints the summary, which stays in the scrollback.
 */
export function createInkRenderer(options: InkRendererOptions): InkRenderer {
  const { stdout, stdin } = options;
  const now = options.now ?? Date.now;
  const size = (): { columns: number; rows: number } => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
  const store = createLiveStore(
    initialDashboardState({
      header: options.header,
      edges: options.edges,
      ...(options.durations ? { durations: options.durations } : {}),
    }),
    { now, realNow: options.realNow ?? now, ...size() },
  );
  const prompt = createApprovalPrompt(store);
  const colors = options.colors ?? colorsFor(stdout);
  const interrupt = (): void => {
    prompt.cancel('interrupted');
    if (options.onInterrupt) options.onInterrupt();
    else process.kill(process.pid, 'SIGINT');
  };
  const app = (hidden: boolean) =>
    hidden ? null : (
      <App
        store={store}
        onKey={(key) => void prompt.press(key)}
        onInterrupt={interrupt}
        color={colors.isColorSupported}
      />
    );
  const instance = render(app(false), {
    stdout,
    stdin,
    ...(options.stderr ? { stderr: options.stderr } : {}),
    exitOnCtrlC: false,
    patchConsole: false,
    debug: options.debug === true,
  });
  const onResize = (): void => {
    const { columns, rows } = size();
    store.resize(columns, rows);
    store.publish();
  };
  stdout.on('resize', onResize);
  // Always redraw on the timer: elapsed times and spinners move without events.
  const timer = setInterval(() => store.publish(), options.frameMs ?? 100);
  timer.unref();
  let closed: Promise<void> | undefined;

  return {
    emit: (event) => {
      store.dispatch(event);
      if (event.type === 'run:done') store.publish();
    },
    approver: stdin.isTTY ? prompt.approver : undefined,
    cancelApprovals: (reason) => prompt.cancel(reason),
    setAccount: (account) => {
      store.dispatch({ type: 'header:account', account });
      store.publish();
    },
    close: () => {
      closed ??= (async () => {
        clearInterval(timer);
        stdout.off('resize', onResize);
        prompt.cancel('the dashboard was closed');
        // An empty last frame: Ink erases the dashboard, and the summary takes its place.
        instance.rerender(app(true));
        const exited = instance.waitUntilExit();
        instance.unmount();
        await exited;
        // Drawn before the account opened and closed on an error there: nothing ran to sum up,
        // and the error is what follows; warnings given meanwhile (preflight's) stay.
        const state = store.getState();
        if (state.runStartedAt !== undefined) stdout.write(formatSummary(state, size().columns, colors));
        else for (const notice of state.notices) stdout.write(`${colors.yellow(`warning: ${notice}`)}\n`);
      })();
      return closed;
    },
  };
}
