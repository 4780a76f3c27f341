/**
 * The README's example run (the dashboard's summary and the CI lines) shows the change counts a
 * real run of the example on the simulator has: a reader comparing the two must find the same.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProject } from '../src/graph/load-project.js';
import { REPO_ROOT } from './helpers/run-cli.js';
import { eventsOf, simDeploy, simWorld } from './scheduler/support.js';

describe("the README's example run", () => {
  it('shows the change counts of a real first deploy of the example', async () => {
    const readme = await readFile(join(REPO_ROOT, 'README.md'), 'utf8');
    const world = simWorld(await loadProject({ cwd: REPO_ROOT, command: 'deploy' }));
    const run = await simDeploy(world);
    const real = Object.fromEntries(eventsOf(run.log, 'stack:executing').map((r) => [r.event.stack, r.event.total]));
    expect(Object.keys(real).sort()).toEqual(['app', 'backup', 'core-infra', 'data']);

    const summary: Record<string, number> = Object.fromEntries(
      [...readme.matchAll(/^ {2}([a-z-]+) +created +\S+ +\+(\d+)$/gm)].map((m) => [m[1] ?? '', Number(m[2])]),
    );
    const ciLines: Record<string, number> = Object.fromEntries(
      [...readme.matchAll(/^\d\d:\d\d:\d\d {2}([a-z-]+) +executing stackpilot-\S+ \((\d+) changes\)$/gm)].map((m) => [
        m[1] ?? '',
        Number(m[2]),
      ]),
    );
    expect(summary).toEqual(real);
    expect(ciLines).toEqual(real);
  });
});
