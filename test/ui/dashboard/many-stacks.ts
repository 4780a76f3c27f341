import type { EngineEvent } from '../../../src/engine/events.js';
import { initialDashboardState } from '../../../src/ui/dashboard/store.js';
import type { DashboardState } from '../../../src/ui/dashboard/store.js';
import { HEADER, add, play } from './recorded.js';
import type { Timed } from './recorded.js';

/**
 * Thirty stacks mid-run: 12 unchanged, 2 created, 1 failed, 3 running, 1 parked, 1 skipped and
 * 10 waiting, at 2m30s.
 */
export const MANY_IDS = [
  'network',
  'dns',
  'certs',
  ...Array.from({ length: 27 }, (_, i) => `service-${String(i + 1).padStart(2, '0')}`),
];

export const MANY_EDGES: Record<string, string[]> = Object.fromEntries(
  MANY_IDS.map((id, i) => {
    if (i === 0) return [id, []];
    const n = Number(id.slice(8));
    if (n === 17) return [id, ['service-12']];
    if (n >= 18) return [id, ['service-13']];
    return [id, ['network']];
  }),
);

export const MANY_HEADER = { ...HEADER, project: 'shop', stage: 'prod', region: 'eu-west-1', concurrency: 4 };

export function manyStacksState(): DashboardState {
  return play(manyStacksEvents(), initialDashboardState({ header: MANY_HEADER, edges: MANY_EDGES }));
}

/** The events that lead there, in time order. */
export function manyStacksEvents(): Timed[] {
  const ref = (stack: string): { stack: string; stackName: string } => ({ stack, stackName: `shop-prod-${stack}` });
  const events: Timed[] = [
    [
      0,
      {
        type: 'run:start',
        command: 'deploy',
        project: 'shop',
        stage: 'prod',
        region: 'eu-west-1',
        stacks: MANY_IDS,
        order: MANY_IDS,
        concurrency: 4,
        dryRun: false,
      },
    ],
  ];
  const push = (seconds: number, event: EngineEvent): void => void events.push([seconds, event]);
  for (const id of MANY_IDS) {
    const on = MANY_EDGES[id] ?? [];
    if (on.length > 0) push(0, { type: 'stack:waiting', ...ref(id), on });
  }
  const done = (
    seconds: number,
    id: string,
    status: 'created' | 'unchanged' | 'failed' | 'skipped',
    extra: Partial<Extract<EngineEvent, { type: 'stack:done' }>> = {},
  ): void => {
    push(seconds, {
      type: 'stack:done',
      ...ref(id),
      status,
      stackStatus: undefined,
      durationMs: 20_000,
      apiCalls: 5,
      ...extra,
    });
  };
  MANY_IDS.slice(0, 12).forEach((id, i) => {
    push(i * 2, { type: 'stack:start', ...ref(id) });
    push(i * 2 + 1, {
      type: 'stack:changeset',
      ...ref(id),
      phase: 'unchanged',
      reason: 'template, parameters and tags match the deployed stack',
    });
    done(i * 2 + 1, id, 'unchanged', { durationMs: 1_000 });
  });
  for (const id of ['service-10', 'service-11', 'service-12', 'service-13']) {
    push(30, { type: 'stack:start', ...ref(id) });
    push(30, { type: 'stack:changeset', ...ref(id), phase: 'creating', changeSetType: 'UPDATE' });
    push(40, {
      type: 'stack:changeset',
      ...ref(id),
      phase: 'ready',
      changeSetType: 'UPDATE',
      changes: Array.from({ length: 10 }, (_, i) => add(`Function${i}`, 'AWS::Lambda::Function')),
    });
    push(40, { type: 'stack:executing', ...ref(id), changeSetName: 'stackpilot-run', total: 10 });
  }
  done(100, 'service-10', 'created', { durationMs: 70_000 });
  done(110, 'service-11', 'created', { durationMs: 80_000 });
  const reason =
    'Resource handler returned message: "Function not found: shop-prod-auth" (Service: Lambda, Status Code: 404)';
  done(120, 'service-12', 'failed', {
    durationMs: 90_000,
    reason,
    rootCause: { logicalId: 'Function3', resourceType: 'AWS::Lambda::Function', status: 'UPDATE_FAILED', reason },
  });
  done(120, 'service-17', 'skipped', { durationMs: 0, reason: 'service-12 failed' });
  for (let i = 0; i < 4; i++) {
    push(60 + i, {
      type: 'stack:resource',
      ...ref('service-13'),
      logicalId: `Function${i}`,
      resourceType: 'AWS::Lambda::Function',
      status: 'UPDATE_COMPLETE',
      reason: undefined,
      timestamp: '2026-01-01T12:01:00.000Z',
    });
  }
  push(140, {
    type: 'stack:resource',
    ...ref('service-13'),
    logicalId: 'Function4',
    resourceType: 'AWS::Lambda::Function',
    status: 'UPDATE_IN_PROGRESS',
    reason: undefined,
    timestamp: '2026-01-01T12:02:20.000Z',
  });
  push(120, { type: 'stack:start', ...ref('service-14') });
  push(121, { type: 'stack:changeset', ...ref('service-14'), phase: 'creating', changeSetType: 'UPDATE' });
  push(100, { type: 'stack:start', ...ref('service-16') });
  push(110, {
    type: 'stack:changeset',
    ...ref('service-16'),
    phase: 'ready',
    changeSetType: 'UPDATE',
    changes: [add('Queue', 'AWS::SQS::Queue')],
  });
  push(110, { type: 'stack:waiting', ...ref('service-16'), on: ['network'] });
  push(145, { type: 'stack:start', ...ref('service-15') });
  return events.sort((a, b) => a[0] - b[0]);
}
