import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../src/engine/events.js';
import { countByCategory, phaseText, stackElapsedMs, timeLeftMs } from '../../../src/ui/dashboard/selectors.js';
import { initialDashboardState, reduceDashboard } from '../../../src/ui/dashboard/store.js';
import type { DashboardState } from '../../../src/ui/dashboard/store.js';
import {
  APP_APPROVAL,
  BACKUP_APPROVAL,
  DATA_FAILS,
  DURATIONS,
  EDGES,
  HEADER,
  MID_DEPLOY,
  T0,
  TABLE_EXISTS,
  at,
  initial,
  play,
} from './recorded.js';
import type { Timed } from './recorded.js';

const phases = (state: DashboardState): Record<string, string> =>
  Object.fromEntries(state.order.map((id) => [id, phaseText(state, state.stacks[id] ?? expect.unreachable())]));

/** The events of MID_DEPLOY up to and including the first one `match` picks. */
const until = (match: (e: Timed[1]) => boolean): Timed[] =>
  MID_DEPLOY.slice(0, MID_DEPLOY.findIndex(([, e]) => match(e)) + 1);
const ref = (stack: string): { stack: string; stackName: string } => ({ stack, stackName: `orders-dev-${stack}` });
const resource = (logicalId: string, status: string): EngineEvent => ({
  type: 'stack:resource',
  ...ref('data'),
  logicalId,
  resourceType: 'AWS::DynamoDB::Table',
  status,
  reason: undefined,
  timestamp: new Date(T0).toISOString(),
});

describe('dashboard store', () => {
  it('lists the stacks in dependency order, all queued, before run:start names them', () => {
    const state = initialDashboardState({
      header: HEADER,
      edges: { app: ['data'], backup: ['data'], data: ['core-infra'], 'core-infra': [] },
    });
    expect(state.order).toEqual(['core-infra', 'data', 'app', 'backup']);
    expect(phases(state)).toEqual({ 'core-infra': 'queued', data: 'queued', app: 'queued', backup: 'queued' });
  });

  it('says each phase in words as the events come', () => {
    expect(phases(play(until((e) => e.type === 'stack:waiting' && e.stack === 'backup')))).toEqual({
      'core-infra': 'queued',
      data: 'waiting for core-infra',
      app: 'waiting for data',
      backup: 'waiting for data',
    });
    expect(phases(play(until((e) => e.type === 'stack:changeset' && e.stack === 'data')))).toEqual({
      'core-infra': 'creating change set',
      data: 'creating change set',
      app: 'waiting for data',
      backup: 'waiting for data',
    });
    expect(
      phases(play(until((e) => e.type === 'stack:changeset' && e.stack === 'data' && e.phase === 'ready'))),
    ).toMatchObject({ data: 'change set ready' });
    // Prepared early, it parks until core-infra is deployed.
    expect(phases(play(until((e) => e.type === 'stack:executing')))).toEqual({
      'core-infra': 'executing 0/5',
      data: 'waiting to execute',
      app: 'waiting for data',
      backup: 'waiting to execute',
    });
    expect(phases(play(MID_DEPLOY))).toEqual({
      'core-infra': 'created in 1m05s',
      data: 'executing 2/3',
      app: 'waiting for data',
      backup: 'waiting to execute',
    });
    expect(phases(play(DATA_FAILS))).toEqual({
      'core-infra': 'created in 1m05s',
      data: 'failed',
      app: 'skipped: data failed',
      backup: 'skipped: data failed',
    });
  });

  it('names the other phases: busy, replacing, starting, awaiting approval, blocked, unchanged, updated', () => {
    const events: Timed[] = [
      [0, { type: 'stack:start', ...ref('core-infra') }],
      [0, { type: 'stack:settling', ...ref('core-infra'), status: 'UPDATE_IN_PROGRESS', waitedSeconds: 0 }],
      [0, { type: 'stack:start', ...ref('data') }],
      [0, { type: 'stack:replacing-failed', ...ref('data'), status: 'ROLLBACK_COMPLETE' }],
      [0, { type: 'stack:start', ...ref('app') }],
      [0, { type: 'stack:start', ...ref('backup') }],
      [
        0,
        {
          type: 'stack:changeset',
          ...ref('backup'),
          phase: 'ready',
          changeSetType: 'UPDATE',
          changes: BACKUP_APPROVAL.changes,
        },
      ],
      [0, { type: 'approval:requested', request: BACKUP_APPROVAL }],
    ];
    const asking = play(events);
    expect(phases(asking)).toEqual({
      'core-infra': 'stack busy: UPDATE_IN_PROGRESS',
      data: 'deleting failed stack',
      app: 'starting',
      backup: 'awaiting approval',
    });

    const answered = play(
      [
        [1, { type: 'approval:answered', stack: 'backup', approved: false }],
        [1, { type: 'stack:blocked', ...ref('backup'), reason: 'rejected at the prompt' }],
        [
          1,
          {
            type: 'stack:changeset',
            ...ref('app'),
            phase: 'unchanged',
            reason: 'CloudFormation: No updates are to be performed.',
          },
        ],
        [
          1,
          {
            type: 'stack:done',
            ...ref('app'),
            status: 'unchanged',
            stackStatus: 'UPDATE_COMPLETE',
            durationMs: 1_000,
            apiCalls: 3,
          },
        ],
        [
          2,
          {
            type: 'stack:done',
            ...ref('core-infra'),
            status: 'updated',
            stackStatus: 'UPDATE_COMPLETE',
            durationMs: 850,
            apiCalls: 3,
          },
        ],
      ],
      asking,
    );
    expect(phases(answered)).toMatchObject({
      'core-infra': 'updated in 850ms',
      app: 'unchanged',
      backup: 'blocked: rejected at the prompt',
    });
  });

  it('waits only for the dependencies not done yet', () => {
    const state = play([
      [0, { type: 'stack:waiting', ...ref('app'), on: ['core-infra', 'data'] }],
      [
        5,
        {
          type: 'stack:done',
          ...ref('core-infra'),
          status: 'created',
          stackStatus: 'CREATE_COMPLETE',
          durationMs: 5_000,
          apiCalls: 1,
        },
      ],
    ]);
    expect(phases(state)).toMatchObject({ app: 'waiting for data' });
  });

  it('counts each resource of the change set once, however often its events repeat', () => {
    const state = play([
      [0, { type: 'stack:start', ...ref('data') }],
      [
        0,
        {
          type: 'stack:changeset',
          ...ref('data'),
          phase: 'ready',
          changeSetType: 'UPDATE',
          changes: [
            { action: 'Modify', logicalId: 'Table', resourceType: 'AWS::DynamoDB::Table', replacement: 'True' },
            { action: 'Add', logicalId: 'Bucket', resourceType: 'AWS::S3::Bucket', replacement: undefined },
            { action: 'Remove', logicalId: 'OldParam', resourceType: 'AWS::SSM::Parameter', replacement: undefined },
          ],
        },
      ],
      // Events of an earlier operation do not count: the count starts at execution.
      [1, resource('Bucket', 'CREATE_COMPLETE')],
      [2, { type: 'stack:executing', ...ref('data'), changeSetName: 'cs', total: 3 }],
      [3, resource('Table', 'UPDATE_IN_PROGRESS')],
      [4, resource('Table', 'UPDATE_IN_PROGRESS')],
      [5, resource('Table', 'UPDATE_COMPLETE')],
      [6, resource('Table', 'UPDATE_COMPLETE')],
      // The replaced table's old copy is deleted in the cleanup: still the same resource.
      [7, resource('Table', 'DELETE_COMPLETE')],
      // Not in the change set.
      [8, resource('SomethingElse', 'CREATE_COMPLETE')],
      [9, resource('OldParam', 'DELETE_COMPLETE')],
    ]);
    expect(state.stacks.data?.completed).toEqual(['Table', 'OldParam']);
    expect(phases(state)).toMatchObject({ data: 'executing 2/3' });
  });

  it('does not count a rollback as progress', () => {
    const state = play([
      [0, { type: 'stack:executing', ...ref('data'), changeSetName: 'cs', total: 2 }],
      [1, resource('Table', 'UPDATE_COMPLETE')],
      [2, resource('Bucket', 'UPDATE_FAILED')],
      [3, resource('Bucket', 'UPDATE_ROLLBACK_COMPLETE')],
    ]);
    expect(phases(state)).toMatchObject({ data: 'executing 1/2' });
  });

  it('keeps the latest resource event, with the reason of a failure, and the root cause', () => {
    expect(play(MID_DEPLOY).stacks.data?.latest).toBe('TableNameParam CREATE_IN_PROGRESS');
    const failed = play(DATA_FAILS).stacks.data;
    expect(failed?.latest).toBe('Bucket DELETE_COMPLETE');
    expect(play(DATA_FAILS.slice(0, -6)).stacks.data?.latest).toBe(`Table CREATE_FAILED: ${TABLE_EXISTS}`);
    expect(failed?.rootCause).toEqual({
      logicalId: 'Table',
      resourceType: 'AWS::DynamoDB::Table',
      status: 'CREATE_FAILED',
      reason: TABLE_EXISTS,
    });
  });

  it('takes times from the envelope: elapsed counts the change set and the execution, not the wait between', () => {
    const state = play(MID_DEPLOY);
    expect(state.runStartedAt).toBe(at(0));
    expect(state.stacks.data).toMatchObject({ startedAt: at(0), parkedAt: at(6), executingAt: at(65) });
    expect(stackElapsedMs(state.stacks.data ?? expect.unreachable(), at(100))).toBe(6_000 + 35_000);
    expect(stackElapsedMs(state.stacks.backup ?? expect.unreachable(), at(100))).toBe(7_000);
    expect(stackElapsedMs(state.stacks['core-infra'] ?? expect.unreachable(), at(100))).toBe(65_000);
    expect(state.stacks['core-infra']?.finishedAt).toBe(at(65));
    expect(stackElapsedMs(state.stacks.app ?? expect.unreachable(), at(100))).toBeUndefined();
  });

  it('counts stacks by status', () => {
    expect(countByCategory(play(MID_DEPLOY))).toEqual([
      ['running', 1],
      ['waiting', 2],
      ['created', 1],
    ]);
    expect(countByCategory(play(DATA_FAILS))).toEqual([
      ['created', 1],
      ['failed', 1],
      ['skipped', 2],
    ]);
  });

  describe('time left along the critical path', () => {
    it('sums the recorded durations along the longest chain before anything ran', () => {
      // core-infra 8+57s, data 6+40s, app 5+80s: 196s; backup's branch is shorter (148s).
      expect(timeLeftMs(play(MID_DEPLOY.slice(0, 1), initial(DURATIONS)), at(0))).toBe(196_000);
    });

    it('counts what is left of running stacks', () => {
      // data executes since 65s and took 40s last time: 5s left, then app's 85s.
      expect(timeLeftMs(play(MID_DEPLOY, initial(DURATIONS)), at(100))).toBe(90_000);
      // Past its recorded time, data counts for nothing more.
      expect(timeLeftMs(play(MID_DEPLOY, initial(DURATIONS)), at(200))).toBe(85_000);
    });

    it('is unknown without recorded durations for every unfinished stack, and after the run', () => {
      expect(timeLeftMs(play(MID_DEPLOY), at(100))).toBeUndefined();
      const { app: _app, ...withoutApp } = DURATIONS;
      expect(timeLeftMs(play(MID_DEPLOY, initial(withoutApp)), at(100))).toBeUndefined();
      expect(timeLeftMs(play(DATA_FAILS, initial(DURATIONS)), at(112))).toBeUndefined();
    });
  });

  it('queues approval requests, one per stack, until answered', () => {
    const asked = play([
      [0, { type: 'approval:requested', request: BACKUP_APPROVAL }],
      [1, { type: 'approval:requested', request: APP_APPROVAL }],
    ]);
    expect(asked.approvals.map((r) => r.stack)).toEqual(['backup', 'app']);
    expect(
      play([[2, { type: 'approval:answered', stack: 'backup', approved: true }]], asked).approvals.map((r) => r.stack),
    ).toEqual(['app']);
    expect(play([[2, { type: 'approval:approved-all' }]], asked)).toMatchObject({ approvals: [], approveAll: true });
    expect(play([[2, { type: 'approval:cancelled' }]], asked)).toMatchObject({ approvals: [], approveAll: false });
    expect(
      play(
        [
          [
            2,
            {
              type: 'stack:done',
              ...ref('app'),
              status: 'skipped',
              stackStatus: undefined,
              durationMs: 0,
              apiCalls: 0,
              reason: 'interrupted',
            },
          ],
        ],
        asked,
      ).approvals.map((r) => r.stack),
    ).toEqual(['backup']);
  });

  it('adds stacks it was not told about at the end, and keeps run notices', () => {
    const state = reduceDashboard(initialDashboardState({ header: HEADER, edges: EDGES }), {
      event: { type: 'stack:start', stack: 'extra', stackName: 'orders-dev-extra' },
      at: at(1),
    });
    expect(state.order).toEqual(['core-infra', 'data', 'app', 'backup', 'extra']);
    const noticed = play(
      [
        [2, { type: 'run:interrupt', message: 'interrupted: no new stack will start' }],
        [3, { type: 'run:outputs-file', file: '.stackpilot/outputs.json', written: false, missing: ['API_URL'] }],
      ],
      state,
    );
    expect(noticed.notices).toEqual([
      'interrupted: no new stack will start',
      'did not write .stackpilot/outputs.json: missing API_URL',
    ]);
  });
});
