/** The dashboard during a destroy: a stack being deleted, deleted, absent, blocked (issue 13 item 1). */
import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../src/engine/events.js';
import { Dashboard } from '../../../src/ui/dashboard/dashboard.js';
import { initialDashboardState } from '../../../src/ui/dashboard/store.js';
import { formatSummary } from '../../../src/ui/dashboard/summary.js';
import { HEADER, lines, play, screen, snapshot } from './recorded.js';
import type { Timed } from './recorded.js';

afterEach(cleanup);

const ref = (stack: string): { stack: string; stackName: string } => ({ stack, stackName: `orders-dev-${stack}` });
const resource = (stack: string, logicalId: string, status: string): EngineEvent => ({
  type: 'stack:resource',
  ...ref(stack),
  logicalId,
  resourceType: 'AWS::Lambda::Function',
  status,
  reason: undefined,
  timestamp: new Date(0).toISOString(),
});
const done = (
  stack: string,
  status: 'deleted' | 'absent' | 'blocked' | 'skipped',
  durationMs: number,
  reason?: string,
): EngineEvent => ({
  type: 'stack:done',
  ...ref(stack),
  status,
  stackStatus: status === 'deleted' ? 'DELETE_COMPLETE' : undefined,
  durationMs,
  apiCalls: 10,
  ...(reason ? { reason } : {}),
});

/** Reverse edges: a stack waits for the stacks that depend on it. */
const EDGES = { 'core-infra': ['data', 'app'], data: ['app', 'backup'], app: [], backup: [] };

const DESTROYING: Timed[] = [
  [
    0,
    {
      type: 'run:start',
      command: 'destroy',
      project: 'orders',
      stage: 'dev',
      region: 'us-east-1',
      stacks: ['backup', 'app', 'data', 'core-infra'],
      order: ['backup', 'app', 'data', 'core-infra'],
      concurrency: 8,
      dryRun: false,
    },
  ],
  [0, { type: 'stack:waiting', ...ref('data'), on: ['app', 'backup'] }],
  [0, { type: 'stack:waiting', ...ref('core-infra'), on: ['data', 'app'] }],
  [0, { type: 'stack:start', ...ref('app') }],
  [0, { type: 'stack:start', ...ref('backup') }],
  [1, { type: 'stack:deleting', ...ref('app'), total: 4, retain: [] }],
  [1, { type: 'stack:deleting', ...ref('backup'), total: 3, retain: [] }],
  [20, resource('app', 'Fn', 'DELETE_COMPLETE')],
  [30, done('backup', 'deleted', 31_000)],
];

describe('dashboard frames during a destroy', () => {
  it('shows stacks being deleted with their progress, deleted ones with their time, and the waiting ones', () => {
    const state = play(DESTROYING, initialDashboardState({ header: { ...HEADER, command: 'destroy' }, edges: EDGES }));
    const frame = screen(render(<Dashboard snapshot={snapshot(state, 40)} />).lastFrame());
    expect(frame.split('\n').slice(2, 6)).toEqual(
      lines(
        '✓ backup      deleted in 31s',
        '⠋ app         deleting 1/4          ███░░░░░░░    40s  Fn DELETE_COMPLETE',
        '· data        waiting for app',
        '· core-infra  waiting for data, app',
      ).split('\n'),
    );
  });

  it('says not deployed for an absent stack and the reason for a blocked one', () => {
    const state = play(
      [
        ...DESTROYING,
        [40, done('app', 'deleted', 39_000)],
        [41, { type: 'stack:blocked', ...ref('data'), reason: 'data is stateful' }],
        [41, done('data', 'blocked', 0, 'data is stateful')],
        [41, done('core-infra', 'absent', 0)],
      ],
      initialDashboardState({ header: { ...HEADER, command: 'destroy' }, edges: EDGES }),
    );
    const frame = screen(render(<Dashboard snapshot={snapshot(state, 42)} />).lastFrame());
    expect(frame).toContain('= core-infra  not deployed');
    expect(frame).toContain('! data        blocked: data is stateful');
    expect(frame).toContain('✓ app         deleted in 39s');
  });

  it("fills the result table's changes column with what each delete removed and kept", () => {
    const state = play(
      [
        ...DESTROYING,
        [35, resource('app', 'Role', 'DELETE_COMPLETE')],
        [40, done('app', 'deleted', 39_000)],
        [41, { type: 'stack:start', ...ref('data') }],
        [41, { type: 'stack:deleting', ...ref('data'), total: 1, retain: [] }],
        [42, resource('data', 'Bucket', 'DELETE_SKIPPED')],
        [43, resource('data', 'TableNameParam', 'DELETE_COMPLETE')],
        [
          44,
          {
            type: 'stack:done',
            ...ref('data'),
            status: 'deleted',
            stackStatus: 'DELETE_COMPLETE',
            durationMs: 3_000,
            apiCalls: 10,
            retained: [
              { logicalId: 'Bucket', resourceType: 'AWS::S3::Bucket', physicalId: 'b', fixedName: true },
              { logicalId: 'Table', resourceType: 'AWS::DynamoDB::Table', physicalId: 't', fixedName: true },
            ],
          },
        ],
        [44, done('core-infra', 'absent', 0)],
      ],
      initialDashboardState({ header: { ...HEADER, command: 'destroy' }, edges: EDGES }),
    );
    const table = formatSummary(state, 80).split('\n').slice(3, 8);
    expect(table).toEqual([
      '  stack       result   time  changes',
      '  backup      deleted  31s',
      '  app         deleted  39s   -2',
      '  data        deleted  3s    -1, 2 kept',
      '  core-infra  absent',
    ]);
  });
});
