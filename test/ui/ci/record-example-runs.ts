/**
 * Records the fixtures the CI renderer tests replay: the example system deployed on the simulator
 * in virtual time, every engine event with the clock's time. Rerun after an intended change to
 * the engine's events, then review the diff of the fixtures and of the expected lines:
 *
 *   npx jiti test/ui/ci/record-example-runs.ts
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadProject } from '../../../src/graph/load-project.js';
import type { ScenarioFile } from '../../../src/sim/index.js';
import { REPO_ROOT } from '../../helpers/run-cli.js';
import { simDeploy, simWorld } from '../../scheduler/support.js';
import type { RecordedRun } from './recorded-run.js';

async function record(file: string, scenario: ScenarioFile): Promise<void> {
  const project = await loadProject({ cwd: REPO_ROOT, command: 'deploy' });
  const world = simWorld(project, { file: scenario });
  const { log } = await simDeploy(world, { policy: { concurrency: 4 }, runId: 'rec1' });
  const run: RecordedRun = {
    // Locations are absolute paths on the recording machine: not part of what is rendered.
    graph: {
      nodes: project.graph.nodes.map((n) => ({ ...n })),
      edges: project.graph.edges.map((e) => ({ stack: e.stack, dependsOn: e.dependsOn, via: e.via, detail: e.detail })),
    },
    events: log.map((r) => ({ at: r.at, event: r.event })),
  };
  await writeFile(join(import.meta.dirname, 'fixtures', file), `${JSON.stringify(run, null, 1)}\n`);
}

await record('example-run.json', {});
await record('example-run-data-fails.json', {
  stacks: { data: { fail: { logicalId: 'Table', reason: 'Table already exists' } } },
});
