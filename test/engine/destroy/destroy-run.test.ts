/** destroy on the graph runner (reverse), on the simulator: order, parallelism, Ctrl-C. */
import { describe, expect, it } from 'vitest';
import { destroyRun } from '../../../src/engine/destroy/destroy-run.js';
import type { DestroyRunResult } from '../../../src/engine/destroy/destroy-run.js';
import type { EngineEvent } from '../../../src/engine/events.js';
import { selectForDestroy } from '../../../src/graph/select-destroy.js';
import { deployedExample } from './support.js';
import type { Deployed } from './support.js';

async function run(
  world: Deployed,
  options: {
    allowStateful?: string[];
    onEvent?: (e: EngineEvent, at: number) => void;
    stop?: AbortController;
    cancel?: AbortController;
  } = {},
): Promise<{ result: DestroyRunResult; events: { at: number; event: EngineEvent }[] }> {
  const events: { at: number; event: EngineEvent }[] = [];
  const result = await destroyRun({
    project: world.project,
    stacks: selectForDestroy(world.project.graph, []),
    ports: world.sim.ports,
    clock: world.clock,
    emit: (event) => {
      events.push({ at: world.clock.now(), event });
      options.onEvent?.(event, world.clock.now());
    },
    allowStateful: new Set(options.allowStateful ?? ['data']),
    confirm: () => Promise.resolve(true),
    runId: 'test',
    ...(options.stop ? { stopSignal: options.stop.signal } : {}),
    ...(options.cancel ? { cancelSignal: options.cancel.signal } : {}),
  });
  return { result, events };
}

const statuses = (result: DestroyRunResult): Record<string, string> =>
  Object.fromEntries([...result.results].map(([id, r]) => [id, r.status]));

function span(events: { at: number; event: EngineEvent }[], stack: string): { start: number; end: number } {
  const start = events.find((e) => e.event.type === 'stack:deleting' && e.event.stack === stack)?.at;
  const end = events.find((e) => e.event.type === 'stack:done' && e.event.stack === stack)?.at;
  if (start === undefined || end === undefined) throw new Error(`no delete of ${stack}`);
  return { start, end };
}

describe('destroy on the graph runner (reverse)', () => {
  it('deletes app and backup at once, then data, then core-infra; nothing is asked before the table', async () => {
    const world = await deployedExample();
    const { result, events } = await run(world);
    expect(statuses(result)).toEqual({ app: 'deleted', backup: 'deleted', data: 'deleted', 'core-infra': 'deleted' });
    const app = span(events, 'app');
    const backup = span(events, 'backup');
    const data = span(events, 'data');
    const core = span(events, 'core-infra');
    expect(app.start).toBeLessThan(backup.end);
    expect(backup.start).toBeLessThan(app.end);
    expect(data.start).toBeGreaterThanOrEqual(Math.max(app.end, backup.end));
    expect(core.start).toBeGreaterThanOrEqual(data.end);
    expect(events[0]?.event.type).toBe('destroy:planned');
    expect(events[1]?.event).toMatchObject({ type: 'run:start', command: 'destroy' });
  });

  it('a refused stateful stack is blocked and keeps core-infra (skipped, naming it); the others go; exit 1', async () => {
    const world = await deployedExample();
    const { result } = await run(world, { allowStateful: [] });
    expect(statuses(result)).toEqual({ app: 'deleted', backup: 'deleted', data: 'blocked', 'core-infra': 'skipped' });
    expect(result.results.get('core-infra')?.reason).toBe('data blocked');
    expect(result.exitCode).toBe(1);
  });

  it('Ctrl-C while app and backup are deleting: they are followed to their end and reported; data and core-infra are not started', async () => {
    const world = await deployedExample();
    const stop = new AbortController();
    let stoppedAt: number | undefined;
    let sent = 0;
    const { result, events } = await run(world, {
      stop,
      onEvent: (e, at) => {
        // Once both deletes are sent: from outside the engine's call stack, as a signal handler would.
        if (e.type === 'stack:deleting' && ++sent === 2) {
          stoppedAt = at;
          setImmediate(() => stop.abort(new Error('interrupted')));
        }
      },
    });
    expect(stoppedAt).toBeDefined();
    expect(statuses(result)).toEqual({ app: 'deleted', backup: 'deleted', data: 'skipped', 'core-infra': 'skipped' });
    expect(result.results.get('data')?.reason).toBe('interrupted');
    expect(
      events
        .filter((e) => e.event.type === 'stack:deleting')
        .map((e) => (e.event as { stack: string }).stack)
        .sort(),
    ).toEqual(['app', 'backup']);
    expect(world.sim.inspect.stack('orders-dev-data')?.status).toBe('CREATE_COMPLETE');
    expect(world.sim.inspect.stack('orders-dev-app')).toBeUndefined();
    expect(result.exitCode).toBe(1);
  });

  it('a second Ctrl-C stops following: the deletes in flight are reported unknown (DELETE_IN_PROGRESS), none half-deleted unreported', async () => {
    const world = await deployedExample();
    const stop = new AbortController();
    const cancel = new AbortController();
    let sent = 0;
    const { result } = await run(world, {
      stop,
      cancel,
      onEvent: (e) => {
        if (e.type === 'stack:deleting' && ++sent === 2)
          setImmediate(() => {
            stop.abort(new Error('interrupted'));
            cancel.abort(new Error('cancelled'));
          });
      },
    });
    expect(statuses(result)).toEqual({ app: 'unknown', backup: 'unknown', data: 'skipped', 'core-infra': 'skipped' });
    for (const id of ['app', 'backup']) {
      expect(result.results.get(id)?.stackStatus).toBe('DELETE_IN_PROGRESS');
      expect(result.results.get(id)?.reason).toContain('was DELETE_IN_PROGRESS when the run was stopped');
    }
  });
});
