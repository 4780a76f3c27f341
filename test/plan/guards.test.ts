/**
 * The data guard on the simulator: a stateful resource is never removed or replaced by accident,
 * in deploy and in plan; `--allow-replace <stack>.<LogicalId>` lets it through.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RateLimiter, resilientPorts } from '../../src/aws/index.js';
import { planRun } from '../../src/engine/plan/plan-run.js';
import { loadProject } from '../../src/graph/load-project.js';
import type { Project } from '../../src/graph/load-project.js';
import { copyExample } from '../helpers/example-project.js';
import { REPO_ROOT } from '../helpers/run-cli.js';
import { doneOf, eventsOf, outcomes, simDeploy, simWorld } from '../scheduler/support.js';

/** The example with data's table keyed differently: a KeySchema change replaces a DynamoDB table. */
function withTemplate(project: Project, id: string, edit: (body: string) => string): Project {
  const template = project.templates.get(id);
  if (!template) throw new Error(`no template ${id}`);
  return { ...project, templates: new Map(project.templates).set(id, { ...template, body: edit(template.body) }) };
}
const rekey = (body: string): string => body.replaceAll('AttributeName: sk', 'AttributeName: sortKey');

describe('the stateful guard', () => {
  it('blocks a key-schema change of the data table: property named, nothing executed, dependents skipped, exit 1', async () => {
    const project = await loadProject({ cwd: REPO_ROOT, command: 'deploy' });
    const world = simWorld(project);
    await simDeploy(world);
    const edited = withTemplate(withTemplate(project, 'data', rekey), 'app', (b) =>
      b.replaceAll('MemorySize: 256', 'MemorySize: 512'),
    );
    const run = await simDeploy({ ...world, project: edited });

    // app has changes and depends on data: skipped. backup has nothing to change (its change set was
    // checked early, before data was refused), so it stays unchanged: there is nothing to hold back.
    expect(outcomes(run.result)).toEqual({
      'core-infra': 'unchanged',
      data: 'blocked',
      app: 'skipped',
      backup: 'unchanged',
    });
    const data = doneOf(run.log, 'data').event;
    expect(data.reason).toContain('Table (AWS::DynamoDB::Table) would be replaced because KeySchema');
    expect(data.reason).toContain('--allow-replace data.Table');
    expect(eventsOf(run.log, 'stack:executing')).toEqual([]);
    expect(run.result.exitCode).toBe(1);
    expect(world.sim.inspect.changeSets().filter((c) => c.executionStatus === 'AVAILABLE')).toEqual([]);
  });

  it('lets the same change through with --allow-replace data.Table', async () => {
    const project = await loadProject({ cwd: REPO_ROOT, command: 'deploy' });
    const world = simWorld(project);
    await simDeploy(world);
    const run = await simDeploy(
      { ...world, project: withTemplate(project, 'data', rekey) },
      { allowReplace: new Set(['data.Table']) },
    );
    expect(outcomes(run.result).data).toBe('updated');
  });

  it('warns, without blocking, when a removed stateful resource is kept by DeletionPolicy Retain', async () => {
    const project = await loadProject({ cwd: REPO_ROOT, command: 'deploy' });
    const world = simWorld(project);
    await simDeploy(world);
    // The bucket leaves the template (and its output with it); DeletionPolicy Retain keeps it.
    const withoutBucket = withTemplate(project, 'data', (body) =>
      body
        .replace(/\n {2}Bucket:\n[\s\S]*?(?=\n {2}\w+:\n {4}Type:)/, '\n')
        .replace(/\n {2}BucketName:\n(?: {4}.*\n)+/, '\n'),
    );
    expect(withoutBucket.templates.get('data')?.body).not.toMatch(/^ {2}Bucket:/m);
    const run = await simDeploy({ ...world, project: withoutBucket }, { stacks: ['data'] });
    expect(outcomes(run.result).data).toBe('updated');
    expect(eventsOf(run.log, 'stack:warning', 'data').map((r) => r.event.message)).toContainEqual(
      expect.stringContaining('Bucket (AWS::S3::Bucket) leaves the stack but is kept (DeletionPolicy Retain)'),
    );
  });

  it('shows the block in a plan, which exits 1 and changes nothing', async () => {
    const project = await loadProject({ cwd: REPO_ROOT, command: 'plan' });
    const world = simWorld(project);
    await simDeploy(world);
    const limiter = new RateLimiter({ ratePerSecond: 5, burst: 1, clock: world.clock });
    const result = await planRun({
      project: withTemplate(project, 'data', rekey),
      stacks: project.orderings.order,
      ports: resilientPorts(world.sim.ports, { limiter, clock: world.clock }),
      clock: world.clock,
      emit: () => undefined,
    });
    const data = result.stacks.find((p) => p.stack === 'data');
    expect(data?.status).toBe('blocked');
    expect(data?.reason).toContain('--allow-replace data.Table');
    expect(result.detailedExitCode).toBe(1);
    expect(world.sim.inspect.changeSets().filter((c) => c.executionStatus === 'AVAILABLE')).toEqual([]);
  });
});

describe('exports in use', () => {
  it('refuses, before any execution, an update that removes an export another stack imports (§4)', async () => {
    const project = await loadProject({ cwd: REPO_ROOT, command: 'deploy' });
    const world = simWorld(project);
    await simDeploy(world);
    // data stops exporting TableArn, which backup (and app) import: a real project from edited files.
    const dir = await copyExample();
    const file = join(dir, 'templates', 'data.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace(/\n {2}TableArn:\n(?: {4}.*\n| {6}.*\n)+/, '\n'));
    const edited = await loadProject({ cwd: dir, command: 'deploy' });
    expect(edited.templates.get('data')?.outputs.map((o) => o.name)).not.toContain('TableArn');
    const run = await simDeploy({ ...world, project: edited }, { stacks: ['data'], allowReplace: new Set() });

    expect(outcomes(run.result)).toEqual({ data: 'blocked' });
    const reason = doneOf(run.log, 'data').event.reason ?? '';
    expect(reason).toContain('export orders-dev-TableArn (output TableArn) would be removed');
    expect(reason).toMatch(/orders-dev-(app|backup)/);
    expect(reason).toContain('without the import');
    expect(eventsOf(run.log, 'stack:executing')).toEqual([]);
    expect(world.sim.inspect.changeSets().filter((c) => c.executionStatus === 'AVAILABLE')).toEqual([]);
    expect(world.sim.stats().callsByOperation.ListImports).toBeGreaterThan(0);
  });

  it('lets an update through that keeps its exports as they are', async () => {
    const project = await loadProject({ cwd: REPO_ROOT, command: 'deploy' });
    const world = simWorld(project);
    await simDeploy(world);
    const run = await simDeploy(
      { ...world, project: withTemplate(project, 'data', (b) => b.replace('SSEEnabled: true', 'SSEEnabled: false')) },
      { stacks: ['data'] },
    );
    expect(outcomes(run.result)).toEqual({ data: 'updated' });
  });
});
