import { stripVTControlCharacters } from 'node:util';
import type { ApprovalRequest } from '../../../src/engine/guards/approvals.js';
import type { EngineEvent, ResourceChangeSummary } from '../../../src/engine/events.js';
import type { StackDurations } from '../../../src/engine/runner/schedule-plan.js';
import type { DashboardSnapshot } from '../../../src/ui/dashboard/live-store.js';
import { initialDashboardState, reduceDashboard } from '../../../src/ui/dashboard/store.js';
import type { DashboardEvent, DashboardState } from '../../../src/ui/dashboard/store.js';
import type { RunHeader } from '../../../src/ui/renderer.js';

/**
 * Recorded event sequences of the example system (core-infra → data → app, data → backup), as
 * the engine emits them, each with the second of the run it came at.
 */

/** 2026-01-01T12:00:00Z: a whole second, so the spinner shows its first frame at whole seconds. */
export const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
export const at = (seconds: number): number => T0 + seconds * 1000;

export type Timed = [seconds: number, event: DashboardEvent];

export const HEADER: RunHeader = {
  project: 'orders',
  stage: 'dev',
  region: 'us-east-1',
  command: 'deploy',
  concurrency: 8,
  simulated: false,
};
export const EDGES: Record<string, string[]> = {
  'core-infra': [],
  data: ['core-infra'],
  app: ['data'],
  backup: ['data'],
};
export const DURATIONS: Record<string, StackDurations> = {
  'core-infra': { changeSetMs: 8_000, executeMs: 57_000 },
  data: { changeSetMs: 6_000, executeMs: 40_000 },
  app: { changeSetMs: 5_000, executeMs: 80_000 },
  backup: { changeSetMs: 7_000, executeMs: 30_000 },
};

const ref = (stack: string): { stack: string; stackName: string } => ({ stack, stackName: `orders-dev-${stack}` });
export const add = (logicalId: string, resourceType: string): ResourceChangeSummary => ({
  action: 'Add',
  logicalId,
  resourceType,
  replacement: undefined,
});
const resource = (
  stack: string,
  logicalId: string,
  resourceType: string,
  status: string,
  reason?: string,
): EngineEvent => ({
  type: 'stack:resource',
  ...ref(stack),
  logicalId,
  resourceType,
  status,
  reason,
  timestamp: new Date(T0).toISOString(),
});

const CORE_INFRA = [
  add('Vpc', 'AWS::EC2::VPC'),
  add('SubnetA', 'AWS::EC2::Subnet'),
  add('SubnetB', 'AWS::EC2::Subnet'),
  add('PrivateRouteTable', 'AWS::EC2::RouteTable'),
  add('LambdaSecurityGroup', 'AWS::EC2::SecurityGroup'),
];
const DATA = [
  add('Table', 'AWS::DynamoDB::Table'),
  add('Bucket', 'AWS::S3::Bucket'),
  add('TableNameParam', 'AWS::SSM::Parameter'),
];
const BACKUP = [
  add('BackupVault', 'AWS::Backup::BackupVault'),
  add('BackupPlan', 'AWS::Backup::BackupPlan'),
  add('BackupRole', 'AWS::IAM::Role'),
  add('BackupSelection', 'AWS::Backup::BackupSelection'),
];

/** Up to 1m40s: core-infra created, data executing (2 of 3 done), backup's change set parked, app waiting for data. */
export const MID_DEPLOY: Timed[] = [
  [
    0,
    {
      type: 'run:start',
      command: 'deploy',
      project: 'orders',
      stage: 'dev',
      region: 'us-east-1',
      stacks: ['core-infra', 'data', 'app', 'backup'],
      order: ['core-infra', 'data', 'app', 'backup'],
      concurrency: 8,
      dryRun: false,
    },
  ],
  [0, { type: 'stack:waiting', ...ref('data'), on: ['core-infra'] }],
  [0, { type: 'stack:waiting', ...ref('app'), on: ['data'] }],
  [0, { type: 'stack:waiting', ...ref('backup'), on: ['data'] }],
  [0, { type: 'stack:start', ...ref('core-infra') }],
  [0, { type: 'stack:changeset', ...ref('core-infra'), phase: 'creating', changeSetType: 'CREATE' }],
  [0, { type: 'stack:start', ...ref('data') }],
  [0, { type: 'stack:changeset', ...ref('data'), phase: 'creating', changeSetType: 'CREATE' }],
  [0, { type: 'stack:start', ...ref('backup') }],
  [0, { type: 'stack:changeset', ...ref('backup'), phase: 'creating', changeSetType: 'CREATE' }],
  [6, { type: 'stack:changeset', ...ref('data'), phase: 'ready', changeSetType: 'CREATE', changes: DATA }],
  [6, { type: 'stack:waiting', ...ref('data'), on: ['core-infra'] }],
  [7, { type: 'stack:changeset', ...ref('backup'), phase: 'ready', changeSetType: 'CREATE', changes: BACKUP }],
  [7, { type: 'stack:waiting', ...ref('backup'), on: ['data'] }],
  [8, { type: 'stack:changeset', ...ref('core-infra'), phase: 'ready', changeSetType: 'CREATE', changes: CORE_INFRA }],
  [8, { type: 'stack:executing', ...ref('core-infra'), changeSetName: 'stackpilot-run1', total: 5 }],
  [10, resource('core-infra', 'Vpc', 'AWS::EC2::VPC', 'CREATE_IN_PROGRESS')],
  [25, resource('core-infra', 'Vpc', 'AWS::EC2::VPC', 'CREATE_COMPLETE')],
  [30, resource('core-infra', 'SubnetA', 'AWS::EC2::Subnet', 'CREATE_COMPLETE')],
  [31, resource('core-infra', 'SubnetB', 'AWS::EC2::Subnet', 'CREATE_COMPLETE')],
  [40, resource('core-infra', 'PrivateRouteTable', 'AWS::EC2::RouteTable', 'CREATE_COMPLETE')],
  [64, resource('core-infra', 'LambdaSecurityGroup', 'AWS::EC2::SecurityGroup', 'CREATE_COMPLETE')],
  [65, { type: 'stack:outputs', ...ref('core-infra'), outputs: { VpcId: 'vpc-1' } }],
  [
    65,
    {
      type: 'stack:done',
      ...ref('core-infra'),
      status: 'created',
      stackStatus: 'CREATE_COMPLETE',
      durationMs: 65_000,
      apiCalls: 14,
    },
  ],
  [65, { type: 'stack:executing', ...ref('data'), changeSetName: 'stackpilot-run1', total: 3 }],
  [66, resource('data', 'Table', 'AWS::DynamoDB::Table', 'CREATE_IN_PROGRESS')],
  [66, resource('data', 'Bucket', 'AWS::S3::Bucket', 'CREATE_IN_PROGRESS')],
  [67, resource('data', 'Table', 'AWS::DynamoDB::Table', 'CREATE_IN_PROGRESS', 'Resource creation Initiated')],
  [89, resource('data', 'Bucket', 'AWS::S3::Bucket', 'CREATE_COMPLETE')],
  [95, resource('data', 'Table', 'AWS::DynamoDB::Table', 'CREATE_COMPLETE')],
  [96, resource('data', 'TableNameParam', 'AWS::SSM::Parameter', 'CREATE_IN_PROGRESS')],
];

export const TABLE_EXISTS =
  'Resource handler returned message: "Table already exists: orders-dev-orders (Service: DynamoDb, Status Code: 400, Request ID: 6TQ0SM1A2B3C4D5E6F7G8H9I0J)" (RequestToken: 5c8f6e0e-0d8e-4c53-9a4b-2f1a7e9d0c11, HandlerErrorCode: AlreadyExists)';

/** data's Table fails instead: data rolls back, app and backup are skipped, the run fails. */
export const DATA_FAILS: Timed[] = [
  ...MID_DEPLOY.slice(
    0,
    MID_DEPLOY.findIndex(
      ([, e]) =>
        e.type === 'stack:resource' && e.stack === 'data' && e.logicalId === 'Bucket' && e.status === 'CREATE_COMPLETE',
    ) + 1,
  ),
  [90, resource('data', 'Table', 'AWS::DynamoDB::Table', 'CREATE_FAILED', TABLE_EXISTS)],
  [91, resource('data', 'Bucket', 'AWS::S3::Bucket', 'DELETE_IN_PROGRESS')],
  [110, resource('data', 'Bucket', 'AWS::S3::Bucket', 'DELETE_COMPLETE')],
  [
    111,
    {
      type: 'stack:done',
      ...ref('data'),
      status: 'failed',
      stackStatus: 'ROLLBACK_COMPLETE',
      durationMs: 52_000,
      apiCalls: 11,
      reason: `orders-dev-data ended in ROLLBACK_COMPLETE: Table (AWS::DynamoDB::Table) CREATE_FAILED: ${TABLE_EXISTS}`,
      rootCause: {
        logicalId: 'Table',
        resourceType: 'AWS::DynamoDB::Table',
        status: 'CREATE_FAILED',
        reason: TABLE_EXISTS,
      },
    },
  ],
  [
    111,
    {
      type: 'stack:done',
      ...ref('app'),
      status: 'skipped',
      stackStatus: undefined,
      durationMs: 0,
      apiCalls: 0,
      reason: 'data failed',
    },
  ],
  [
    111,
    {
      type: 'stack:done',
      ...ref('backup'),
      status: 'skipped',
      stackStatus: undefined,
      durationMs: 7_000,
      apiCalls: 4,
      reason: 'data failed',
    },
  ],
  [
    112,
    {
      type: 'run:done',
      exitCode: 1,
      durationMs: 112_000,
      summary: { created: 1, updated: 0, unchanged: 0, failed: 1, skipped: 2, blocked: 0, unknown: 0 },
      apiCalls: 41,
    },
  ],
];

/** backup's update replaces its vault and changes its role: a destructive change that needs a yes. */
export const BACKUP_APPROVAL: ApprovalRequest = {
  ...ref('backup'),
  reason: '1 resource is removed or replaced: BackupVault; IAM or security-group changes: BackupRole',
  flagged: [
    { action: 'Modify', logicalId: 'BackupVault', resourceType: 'AWS::Backup::BackupVault', replacement: 'True' },
    { action: 'Modify', logicalId: 'BackupRole', resourceType: 'AWS::IAM::Role', replacement: 'False' },
  ],
  changes: [
    { action: 'Modify', logicalId: 'BackupPlan', resourceType: 'AWS::Backup::BackupPlan', replacement: 'False' },
    { action: 'Modify', logicalId: 'BackupVault', resourceType: 'AWS::Backup::BackupVault', replacement: 'True' },
    { action: 'Modify', logicalId: 'BackupRole', resourceType: 'AWS::IAM::Role', replacement: 'False' },
  ],
};

export function initial(durations?: Record<string, StackDurations>): DashboardState {
  return initialDashboardState({ header: HEADER, edges: EDGES, ...(durations ? { durations } : {}) });
}

export function play(events: readonly Timed[], state: DashboardState = initial()): DashboardState {
  return events.reduce((s, [seconds, event]) => reduceDashboard(s, { event, at: at(seconds) }), state);
}

export function snapshot(state: DashboardState, seconds: number, columns = 80, rows = 24): DashboardSnapshot {
  return { state, now: at(seconds), columns, rows };
}

/** A frame as the terminal shows it: no escape codes, no trailing blanks. */
export function screen(frame: string | undefined): string {
  return stripVTControlCharacters(frame ?? '')
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n+$/, '');
}

/** Whole frames are written inline in the tests as arrays of lines. */
export function lines(...rows: string[]): string {
  return rows.join('\n');
}

/** MID_DEPLOY, but backup is an update whose change set needs a yes: it is not parked but asking. */
export const BACKUP_ASKS: Timed[] = MID_DEPLOY.filter(
  ([t, e]) => !(t > 0 && e.type === 'stack:waiting' && e.stack === 'backup'),
).map(([t, e]): Timed =>
  e.type === 'stack:changeset' && e.stack === 'backup'
    ? [
        t,
        e.phase === 'creating'
          ? { ...e, changeSetType: 'UPDATE' }
          : { ...e, changeSetType: 'UPDATE', changes: BACKUP_APPROVAL.changes },
      ]
    : [t, e],
);

/** app's update removes a function: asked about after backup. */
export const APP_APPROVAL: ApprovalRequest = {
  ...ref('app'),
  reason: '1 resource is removed or replaced: LegacyFunction',
  flagged: [
    { action: 'Remove', logicalId: 'LegacyFunction', resourceType: 'AWS::Lambda::Function', replacement: undefined },
  ],
  changes: [
    { action: 'Modify', logicalId: 'CreateOrderFunction', resourceType: 'AWS::Lambda::Function', replacement: 'False' },
    { action: 'Remove', logicalId: 'LegacyFunction', resourceType: 'AWS::Lambda::Function', replacement: undefined },
  ],
};

/** data finishes while backup is being asked about; app gets its change set. */
export const DATA_FINISHES: Timed[] = [
  [101, resource('data', 'TableNameParam', 'AWS::SSM::Parameter', 'CREATE_COMPLETE')],
  [
    102,
    {
      type: 'stack:done',
      ...ref('data'),
      status: 'created',
      stackStatus: 'CREATE_COMPLETE',
      durationMs: 43_000,
      apiCalls: 12,
    },
  ],
  [102, { type: 'stack:start', ...ref('app') }],
  [102, { type: 'stack:changeset', ...ref('app'), phase: 'creating', changeSetType: 'UPDATE' }],
  [
    105,
    { type: 'stack:changeset', ...ref('app'), phase: 'ready', changeSetType: 'UPDATE', changes: APP_APPROVAL.changes },
  ],
];
