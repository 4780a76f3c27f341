import { describe, expect, it } from 'vitest';
import { formatSummary } from '../../../src/ui/dashboard/summary.js';
import { DATA_FAILS, add, initial, lines, play } from './recorded.js';
import type { Timed } from './recorded.js';

const ref = (stack: string): { stack: string; stackName: string } => ({ stack, stackName: `orders-dev-${stack}` });

const SUCCESS: Timed[] = [
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
  [0, { type: 'stack:start', ...ref('core-infra') }],
  [
    1,
    {
      type: 'stack:changeset',
      ...ref('core-infra'),
      phase: 'unchanged',
      reason: 'template, parameters and tags match the deployed stack',
    },
  ],
  [
    1,
    {
      type: 'stack:done',
      ...ref('core-infra'),
      status: 'unchanged',
      stackStatus: 'UPDATE_COMPLETE',
      durationMs: 1_000,
      apiCalls: 2,
    },
  ],
  [1, { type: 'stack:start', ...ref('data') }],
  [1, { type: 'stack:start', ...ref('backup') }],
  [
    3,
    {
      type: 'stack:changeset',
      ...ref('backup'),
      phase: 'unchanged',
      reason: 'CloudFormation: No updates are to be performed.',
    },
  ],
  [
    3,
    {
      type: 'stack:done',
      ...ref('backup'),
      status: 'unchanged',
      stackStatus: 'UPDATE_COMPLETE',
      durationMs: 2_000,
      apiCalls: 3,
    },
  ],
  [
    5,
    {
      type: 'stack:changeset',
      ...ref('data'),
      phase: 'ready',
      changeSetType: 'UPDATE',
      changes: [
        { action: 'Modify', logicalId: 'Table', resourceType: 'AWS::DynamoDB::Table', replacement: 'False' },
        add('Alarm', 'AWS::CloudWatch::Alarm'),
        { action: 'Remove', logicalId: 'OldParam', resourceType: 'AWS::SSM::Parameter', replacement: undefined },
      ],
    },
  ],
  [5, { type: 'stack:executing', ...ref('data'), changeSetName: 'cs', total: 3 }],
  [
    41,
    {
      type: 'stack:warning',
      ...ref('data'),
      message: 'could not write output BucketName to SSM parameter /orders/dev/bucket: AccessDenied',
    },
  ],
  [
    41,
    {
      type: 'stack:done',
      ...ref('data'),
      status: 'updated',
      stackStatus: 'UPDATE_COMPLETE',
      durationMs: 40_000,
      apiCalls: 12,
    },
  ],
  [41, { type: 'stack:start', ...ref('app') }],
  [
    47,
    {
      type: 'stack:changeset',
      ...ref('app'),
      phase: 'ready',
      changeSetType: 'CREATE',
      changes: [add('Role', 'AWS::IAM::Role'), add('Api', 'AWS::ApiGateway::RestApi')],
    },
  ],
  [47, { type: 'stack:executing', ...ref('app'), changeSetName: 'cs', total: 2 }],
  [
    111,
    {
      type: 'stack:done',
      ...ref('app'),
      status: 'created',
      stackStatus: 'CREATE_COMPLETE',
      durationMs: 70_000,
      apiCalls: 16,
    },
  ],
  [111, { type: 'run:outputs-file', file: '.stackpilot/outputs.json', written: true, missing: [] }],
  [
    121,
    {
      type: 'run:done',
      exitCode: 0,
      durationMs: 121_000,
      summary: { created: 1, updated: 1, unchanged: 2, failed: 0, skipped: 0, blocked: 0, unknown: 0 },
      apiCalls: 33,
    },
  ],
];

describe('final summary', () => {
  it('tables the stacks and wraps the root cause of a failed run', () => {
    expect(formatSummary(play(DATA_FAILS), 80)).toBe(
      `${lines(
        'deploy orders · stage dev · us-east-1',
        'failed in 1m52s: 1 created, 1 failed, 2 skipped (41 API calls)',
        '',
        '  stack       result   time   changes',
        '  core-infra  created  1m05s  +5',
        '  data        failed   52s    +3',
        '  app         skipped                  data failed',
        '  backup      skipped  7s     +4       data failed',
        '',
        'root cause',
        '  data: Table (AWS::DynamoDB::Table) CREATE_FAILED',
        '    Resource handler returned message: "Table already exists: orders-dev-orders',
        '    (Service: DynamoDb, Status Code: 400, Request ID:',
        '    6TQ0SM1A2B3C4D5E6F7G8H9I0J)" (RequestToken:',
        '    5c8f6e0e-0d8e-4c53-9a4b-2f1a7e9d0c11, HandlerErrorCode: AlreadyExists)',
      )}\n`,
    );
  });

  it('counts the changes of a good run and keeps its warnings and notices', () => {
    expect(formatSummary(play(SUCCESS), 80)).toBe(
      `${lines(
        'deploy orders · stage dev · us-east-1',
        'done in 2m01s: 1 created, 1 updated, 2 unchanged (33 API calls)',
        '',
        '  stack       result     time   changes',
        '  core-infra  unchanged  1s',
        '  data        updated    40s    +1 ~1 -1',
        '  app         created    1m10s  +2',
        '  backup      unchanged  2s',
        '',
        'warnings',
        '  data: could not write output BucketName to SSM parameter /orders/dev/bucket:',
        '    AccessDenied',
        '',
        'wrote outputs to .stackpilot/outputs.json',
      )}\n`,
    );
  });

  it('says when the run did not finish and where each stack stopped, wrapping notes under their column', () => {
    const stopped: Timed[] = [
      ...SUCCESS.slice(0, 10),
      [
        12,
        {
          type: 'stack:done',
          ...ref('app'),
          status: 'skipped',
          stackStatus: undefined,
          durationMs: 0,
          apiCalls: 0,
          reason: 'interrupted before this stack was deployed, and its change set was deleted',
        },
      ],
    ];
    expect(formatSummary(play(stopped, initial()), 80)).toBe(
      `${lines(
        'deploy orders · stage dev · us-east-1',
        'stopped before the run finished',
        '',
        '  stack       result     time  changes',
        '  core-infra  unchanged  1s',
        '  data        not done         +1 ~1 -1  executing 0/3',
        '  app         skipped                    interrupted before this stack was',
        '                                         deployed, and its change set was',
        '                                         deleted',
        '  backup      unchanged  2s',
      )}\n`,
    );
  });

  it('puts a stack whose state is unknown in red with its reason and the command to check it (issue 11)', () => {
    const done = (stack: string, status: 'created' | 'unknown' | 'skipped', reason?: string): Timed => [
      10,
      {
        type: 'stack:done',
        ...ref(stack),
        status,
        stackStatus: undefined,
        durationMs: status === 'skipped' ? 0 : 5_000,
        apiCalls: 4,
        ...(reason ? { reason } : {}),
      },
    ];
    const events: Timed[] = [
      ...SUCCESS.slice(0, 1),
      [1, { type: 'stack:start', ...ref('core-infra') }],
      done('core-infra', 'created'),
      [2, { type: 'stack:start', ...ref('data') }],
      [
        3,
        {
          type: 'api:retry',
          ...ref('data'),
          operation: 'DescribeStacks',
          attempt: 11,
          delayMs: 900,
          error: 'Throttling',
        },
      ],
      done(
        'data',
        'unknown',
        'its change set was executed, then its state could not be read: DescribeStacks: Throttling: Rate exceeded\n→ check it with: aws cloudformation describe-stacks --stack-name orders-dev-data',
      ),
      done('app', 'skipped', 'data unknown'),
      done('backup', 'skipped', 'data unknown'),
      [
        20,
        {
          type: 'run:done',
          exitCode: 1,
          durationMs: 20_000,
          summary: { created: 1, updated: 0, unchanged: 0, failed: 0, skipped: 2, blocked: 0, unknown: 1 },
          apiCalls: 16,
        },
      ],
    ];
    expect(formatSummary(play(events), 80)).toBe(
      `${lines(
        'deploy orders · stage dev · us-east-1',
        'failed in 20s: 1 created, 2 skipped, 1 unknown (16 API calls)',
        '',
        '  stack       result   time  changes',
        '  core-infra  created  5s',
        '  data        unknown  5s',
        '  app         skipped                 data unknown',
        '  backup      skipped                 data unknown',
        '',
        'state unknown',
        '  data',
        '    its change set was executed, then its state could not be read:',
        '    DescribeStacks: Throttling: Rate exceeded',
        '    → check it with: aws cloudformation describe-stacks --stack-name',
        '    orders-dev-data',
      )}\n`,
    );
  });
});
