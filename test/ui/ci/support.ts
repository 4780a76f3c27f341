import type { EngineEvent, StackOutcome } from '../../../src/engine/events.js';
import type { StackGraph } from '../../../src/graph/types.js';
import type { Renderer, RunHeader } from '../../../src/ui/renderer.js';

export const HEADER: RunHeader = {
  project: 'orders',
  stage: 'dev',
  region: 'us-east-1',
  command: 'deploy',
  concurrency: 4,
  simulated: true,
};

/** A clock the renderer reads and the replay moves: each event is emitted at its recorded time. */
export interface ReplayClock {
  time: number;
  now: () => number;
}

export function replayClock(time = Date.UTC(2025, 0, 1)): ReplayClock {
  const clock: ReplayClock = { time, now: () => clock.time };
  return clock;
}

/** Feeds `events` to `renderer` at their times; `after` sees the position of each event once emitted. */
export async function replay(
  renderer: Renderer,
  clock: ReplayClock,
  events: readonly { at: number; event: EngineEvent }[],
  after?: (index: number) => void,
): Promise<void> {
  events.forEach(({ at, event }, index) => {
    clock.time = at;
    renderer.emit(event);
    after?.(index);
  });
  await renderer.close();
}

export function output(): { write: (text: string) => void; text: () => string; lines: () => string[] } {
  const chunks: string[] = [];
  return {
    write: (text) => chunks.push(text),
    text: () => chunks.join(''),
    lines: () => {
      const all = chunks.join('');
      return all === '' ? [] : all.replace(/\n$/, '').split('\n');
    },
  };
}

// eslint-disable-next-line no-control-regex
export const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;
export const stripAnsi = (text: string): string => text.replace(ANSI, '');

// ---- small synthetic runs --------------------------------------------------------------------

export function graphOf(ids: readonly string[], edges: readonly [stack: string, dependsOn: string][] = []): StackGraph {
  return {
    nodes: ids.map((id) => ({ id, stackName: `p-${id}`, weight: 1 })),
    edges: edges.map(([stack, dependsOn]) => ({
      stack,
      dependsOn,
      via: 'declared' as const,
      detail: `dependsOn "${dependsOn}"`,
      location: undefined,
      providedAt: undefined,
    })),
  };
}

const ref = (stack: string): { stack: string; stackName: string } => ({ stack, stackName: `p-${stack}` });

export const ev = {
  runStart: (stacks: string[]): EngineEvent => ({
    type: 'run:start',
    command: 'deploy',
    project: 'p',
    stage: 'dev',
    region: undefined,
    stacks,
    order: stacks,
    concurrency: 4,
    dryRun: false,
  }),
  start: (stack: string): EngineEvent => ({ type: 'stack:start', ...ref(stack) }),
  ready: (stack: string, actions: string[] = ['Add']): EngineEvent => ({
    type: 'stack:changeset',
    ...ref(stack),
    phase: 'ready',
    changeSetType: 'CREATE',
    changes: actions.map((action, i) => ({
      action,
      logicalId: `R${i + 1}`,
      resourceType: 'AWS::SNS::Topic',
      replacement: undefined,
    })),
  }),
  executing: (stack: string, total = 1): EngineEvent => ({
    type: 'stack:executing',
    ...ref(stack),
    changeSetName: 'cs',
    total,
  }),
  resource: (stack: string, status: string, reason?: string): EngineEvent => ({
    type: 'stack:resource',
    ...ref(stack),
    logicalId: 'R1',
    resourceType: 'AWS::SNS::Topic',
    status,
    reason,
    timestamp: '2025-01-01T00:00:00.000Z',
  }),
  warning: (stack: string, message: string): EngineEvent => ({ type: 'stack:warning', ...ref(stack), message }),
  blocked: (stack: string, reason: string): EngineEvent => ({ type: 'stack:blocked', ...ref(stack), reason }),
  done: (
    stack: string,
    status: StackOutcome,
    extra: Partial<Extract<EngineEvent, { type: 'stack:done' }>> = {},
  ): EngineEvent => ({
    type: 'stack:done',
    ...ref(stack),
    status,
    stackStatus: undefined,
    durationMs: 1_000,
    apiCalls: 3,
    ...extra,
  }),
  runDone: (exitCode: number, summary: Partial<Record<StackOutcome, number>> = {}): EngineEvent => ({
    type: 'run:done',
    exitCode,
    durationMs: 5_000,
    apiCalls: 9,
    summary: { created: 0, updated: 0, unchanged: 0, failed: 0, skipped: 0, blocked: 0, unknown: 0, ...summary },
  }),
};

/** `events` one second apart from `start`. */
export function timed(
  events: readonly EngineEvent[],
  start = Date.UTC(2025, 0, 1),
): { at: number; event: EngineEvent }[] {
  return events.map((event, i) => ({ at: start + i * 1_000, event }));
}
