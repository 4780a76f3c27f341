/** The Node end-of-life notice (RunHeader.nodeNotice) in each run header: CI lines, GitHub lines, the dashboard. */
import { cleanup, render } from 'ink-testing-library';
import pc from 'picocolors';
import { afterEach, describe, expect, it } from 'vitest';
import { createCiRenderer } from '../../src/ui/ci/ci-renderer.js';
import { createGithubRenderer } from '../../src/ui/ci/github-renderer.js';
import { Dashboard } from '../../src/ui/dashboard/dashboard.js';
import { initialDashboardState } from '../../src/ui/dashboard/store.js';
import { formatSummary } from '../../src/ui/dashboard/summary.js';
import { HEADER, ev, graphOf, output, replay, replayClock } from './ci/support.js';
import {
  DURATIONS,
  EDGES,
  HEADER as DASHBOARD_HEADER,
  MID_DEPLOY,
  play,
  screen,
  snapshot,
} from './dashboard/recorded.js';

afterEach(cleanup);

const NOTICE =
  'Node 20.19.0 reached its end of life on 2026-04-30: no security fixes, and AWS SDK releases from 2027 on need Node 22. Upgrade to Node 22 or later.';
const noColor = pc.createColors(false);
const events = [ev.runStart(['data']), ev.done('data', 'unchanged'), ev.runDone(0, { unchanged: 1 })].map(
  (event, i) => ({
    at: Date.UTC(2025, 0, 1) + i * 1000,
    event,
  }),
);

describe('the Node notice', () => {
  it('is one line under the run line in CI mode, and absent without one', async () => {
    const run = async (notice?: string): Promise<string[]> => {
      const out = output();
      const clock = replayClock();
      const renderer = createCiRenderer({
        write: out.write,
        colors: noColor,
        now: clock.now,
        ...(notice ? { notice } : {}),
      });
      await replay(renderer, clock, events);
      return out.lines();
    };
    const plain = await run();
    const noticed = await run(NOTICE);
    expect(noticed).toEqual([plain[0], `00:00:00  run   ${NOTICE}`, ...plain.slice(1)]);
  });

  it('is a log line under GitHub Actions too, from the header', async () => {
    const out = output();
    const clock = replayClock();
    const renderer = createGithubRenderer({
      write: out.write,
      now: clock.now,
      summaryFile: undefined,
      graph: graphOf(['data']),
      header: { ...HEADER, nodeNotice: NOTICE },
    });
    await replay(renderer, clock, events);
    expect(out.lines().filter((line) => line.includes('end of life'))).toEqual([`00:00:00  run   ${NOTICE}`]);
  });

  it('sits under the dashboard header, wrapped, and heads the summary left in the scrollback', () => {
    const state = play(
      MID_DEPLOY,
      initialDashboardState({
        header: { ...DASHBOARD_HEADER, nodeNotice: NOTICE },
        edges: EDGES,
        durations: DURATIONS,
      }),
    );
    const frame = screen(render(<Dashboard snapshot={snapshot(state, 100)} />).lastFrame());
    expect(frame.split('\n').slice(0, 4)).toEqual([
      'deploy orders · stage dev · us-east-1 · concurrency 8                      1m40s',
      'Node 20.19.0 reached its end of life on 2026-04-30: no security fixes, and AWS',
      'SDK releases from 2027 on need Node 22. Upgrade to Node 22 or later.',
      '',
    ]);
    expect(formatSummary(state, 80).split('\n').slice(0, 3)).toEqual([
      'deploy orders · stage dev · us-east-1',
      'Node 20.19.0 reached its end of life on 2026-04-30: no security fixes, and AWS',
      'SDK releases from 2027 on need Node 22. Upgrade to Node 22 or later.',
    ]);
  });
});
