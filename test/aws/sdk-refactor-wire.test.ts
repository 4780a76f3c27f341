/**
 * Stack refactoring over the wire (moto 5.2.1 has none of the five operations, so a local awsQuery
 * stub plays AWS): the exact request parameters, and the answers parsed into our shapes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createAwsPorts } from '../../src/aws/create-aws-ports.js';
import { RateLimiter } from '../../src/aws/rate-limiter.js';
import type { RetryNotice } from '../../src/aws/call-observer.js';
import { systemClock } from '../../src/clock.js';
import { patientReads } from '../../src/engine/runner/patient-reads.js';
import type { StubReply, StubRequest, StubServer } from './stub-server.js';
import { emptyReply, errorReply, resultReply, startStub } from './stub-server.js';
import { useTestCredentials } from '../harness/test-credentials.js';

useTestCredentials();

const REFACTOR_ID = '9c384f70-4e07-4ed7-a65d-fee5eb430841';
const MONO_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/mono/11111111-2222-3333-4444-555555555555';
const DATA_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/data/66666666-2222-3333-4444-555555555555';

let stub: StubServer | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

async function portsFor(reply: (request: StubRequest, index: number) => StubReply) {
  stub = await startStub(reply);
  const limiter = new RateLimiter({ ratePerSecond: 1000, burst: 1000 });
  const ports = createAwsPorts(
    { region: 'us-east-1', endpoint: stub.endpoint },
    { limiter, retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 } },
  );
  return {
    ports,
    cf: ports.cloudFormation,
    requests: stub.requests,
  };
}

/** The request's parameters but the ones every request has. */
function params(request: StubRequest | undefined): Record<string, string> {
  const own = Object.fromEntries(request?.params ?? []);
  delete own.Version;
  return own;
}

const location = (stack: string, id: string) =>
  `<StackName>${stack}</StackName><LogicalResourceId>${id}</LogicalResourceId>`;

describe('stack refactoring on the wire', () => {
  it('CreateStackRefactor sends every stack definition, the mappings and EnableStackCreation, and returns the id', async () => {
    const { cf, requests } = await portsFor(() =>
      resultReply('CreateStackRefactor', `<StackRefactorId>${REFACTOR_ID}</StackRefactorId>`),
    );
    const id = await cf.createStackRefactor({
      description: 'split the monolith',
      enableStackCreation: true,
      stacks: [
        { stackName: 'mono', templateBody: 'Resources: {}' },
        { stackName: 'data', templateBody: '{"Resources":{"Store":{"Type":"AWS::DynamoDB::Table"}}}' },
      ],
      resourceMappings: [
        { source: { stackName: 'mono', logicalId: 'Table' }, destination: { stackName: 'data', logicalId: 'Store' } },
      ],
    });
    expect(id).toBe(REFACTOR_ID);
    expect(params(requests[0])).toEqual({
      Action: 'CreateStackRefactor',
      Description: 'split the monolith',
      EnableStackCreation: 'true',
      'StackDefinitions.member.1.StackName': 'mono',
      'StackDefinitions.member.1.TemplateBody': 'Resources: {}',
      'StackDefinitions.member.2.StackName': 'data',
      'StackDefinitions.member.2.TemplateBody': '{"Resources":{"Store":{"Type":"AWS::DynamoDB::Table"}}}',
      'ResourceMappings.member.1.Source.StackName': 'mono',
      'ResourceMappings.member.1.Source.LogicalResourceId': 'Table',
      'ResourceMappings.member.1.Destination.StackName': 'data',
      'ResourceMappings.member.1.Destination.LogicalResourceId': 'Store',
    });
  });

  it('CreateStackRefactor leaves out an empty mapping list and a missing description, and sends EnableStackCreation=false', async () => {
    const { cf, requests } = await portsFor(() =>
      resultReply('CreateStackRefactor', `<StackRefactorId>${REFACTOR_ID}</StackRefactorId>`),
    );
    await cf.createStackRefactor({
      enableStackCreation: false,
      stacks: [
        { stackName: 'a', templateBody: 'A' },
        { stackName: 'b', templateBody: 'B' },
      ],
      resourceMappings: [],
    });
    const sent = params(requests[0]);
    expect(sent.EnableStackCreation).toBe('false');
    expect(Object.keys(sent).filter((k) => k.startsWith('ResourceMappings') || k === 'Description')).toEqual([]);
  });

  it('DescribeStackRefactor sends the id and parses statuses, reasons and stack ids', async () => {
    const { cf, requests } = await portsFor(() =>
      resultReply(
        'DescribeStackRefactor',
        `<StackRefactorId>${REFACTOR_ID}</StackRefactorId><Description>d</Description>` +
          `<StackIds><member>${MONO_ID}</member><member>${DATA_ID}</member></StackIds>` +
          '<Status>CREATE_COMPLETE</Status><StatusReason></StatusReason>' +
          '<ExecutionStatus>ROLLBACK_COMPLETE</ExecutionStatus><ExecutionStatusReason>Table is locked</ExecutionStatusReason>',
      ),
    );
    const described = await cf.describeStackRefactor(REFACTOR_ID);
    expect(params(requests[0])).toEqual({ Action: 'DescribeStackRefactor', StackRefactorId: REFACTOR_ID });
    expect(described).toEqual({
      stackRefactorId: REFACTOR_ID,
      description: 'd',
      stackIds: [MONO_ID, DATA_ID],
      status: 'CREATE_COMPLETE',
      statusReason: undefined,
      executionStatus: 'ROLLBACK_COMPLETE',
      executionStatusReason: 'Table is locked',
    });
  });

  it('ListStackRefactorActions follows every page and parses the actions with their mappings', async () => {
    const move =
      '<member><Action>MOVE</Action><Entity>RESOURCE</Entity><PhysicalResourceId>mono-Table-ABC</PhysicalResourceId>' +
      '<Description>moves</Description><Detection>MANUAL</Detection><DetectionReason>mapped</DetectionReason>' +
      `<ResourceMapping><Source>${location('mono', 'Table')}</Source><Destination>${location('data', 'Store')}</Destination></ResourceMapping></member>`;
    const create =
      '<member><Action>CREATE</Action><Entity>STACK</Entity><Description>creates data</Description></member>';
    const { cf, requests } = await portsFor((_request, index) =>
      index === 0
        ? resultReply(
            'ListStackRefactorActions',
            `<StackRefactorActions>${create}</StackRefactorActions><NextToken>p2</NextToken>`,
          )
        : resultReply('ListStackRefactorActions', `<StackRefactorActions>${move}</StackRefactorActions>`),
    );
    const actions = await cf.listStackRefactorActions(REFACTOR_ID);
    expect(requests.map(params)).toEqual([
      { Action: 'ListStackRefactorActions', StackRefactorId: REFACTOR_ID },
      { Action: 'ListStackRefactorActions', StackRefactorId: REFACTOR_ID, NextToken: 'p2' },
    ]);
    expect(actions).toEqual([
      {
        action: 'CREATE',
        entity: 'STACK',
        physicalId: undefined,
        description: 'creates data',
        detection: undefined,
        detectionReason: undefined,
        mapping: undefined,
      },
      {
        action: 'MOVE',
        entity: 'RESOURCE',
        physicalId: 'mono-Table-ABC',
        description: 'moves',
        detection: 'MANUAL',
        detectionReason: 'mapped',
        mapping: {
          source: { stackName: 'mono', logicalId: 'Table' },
          destination: { stackName: 'data', logicalId: 'Store' },
        },
      },
    ]);
  });

  it('ExecuteStackRefactor sends the id; a refusal comes back as the service said it', async () => {
    const { cf, requests } = await portsFor((_request, index) =>
      index === 0 ? emptyReply('ExecuteStackRefactor') : errorReply('ValidationError', 'Refactor is not AVAILABLE'),
    );
    await cf.executeStackRefactor(REFACTOR_ID);
    expect(params(requests[0])).toEqual({ Action: 'ExecuteStackRefactor', StackRefactorId: REFACTOR_ID });
    await expect(cf.executeStackRefactor(REFACTOR_ID)).rejects.toMatchObject({
      operation: 'ExecuteStackRefactor',
      awsCode: 'ValidationError',
      serviceMessage: 'Refactor is not AVAILABLE',
    });
  });

  it('ListStackRefactors follows every page and parses the summaries', async () => {
    const summary = (id: string, status: string) =>
      `<member><StackRefactorId>${id}</StackRefactorId><Status>${status}</Status><StatusReason>bad</StatusReason>` +
      '<ExecutionStatus>UNAVAILABLE</ExecutionStatus></member>';
    const { cf, requests } = await portsFor((_request, index) =>
      index === 0
        ? resultReply(
            'ListStackRefactors',
            `<StackRefactorSummaries>${summary('r1', 'CREATE_FAILED')}</StackRefactorSummaries><NextToken>t</NextToken>`,
          )
        : resultReply(
            'ListStackRefactors',
            `<StackRefactorSummaries>${summary('r2', 'CREATE_IN_PROGRESS')}</StackRefactorSummaries>`,
          ),
    );
    const list = await cf.listStackRefactors();
    expect(requests.map(params)).toEqual([
      { Action: 'ListStackRefactors' },
      { Action: 'ListStackRefactors', NextToken: 't' },
    ]);
    expect(list.map((r) => [r.stackRefactorId, r.status, r.statusReason, r.executionStatus, r.stackIds])).toEqual([
      ['r1', 'CREATE_FAILED', 'bad', 'UNAVAILABLE', []],
      ['r2', 'CREATE_IN_PROGRESS', 'bad', 'UNAVAILABLE', []],
    ]);
  });

  it('patient reads wait out throttling of the refactor reads (named in retry notices), not of ExecuteStackRefactor', async () => {
    const throttled = errorReply('Throttling', 'Rate exceeded');
    const { ports, requests } = await portsFor((request, index) =>
      index < 3
        ? throttled
        : resultReply(
            request.action,
            `<StackRefactorId>${REFACTOR_ID}</StackRefactorId><Status>CREATE_COMPLETE</Status>`,
          ),
    );
    const notices: RetryNotice[] = [];
    const patient = patientReads(ports, {
      clock: systemClock,
      patienceMs: 60_000,
      random: () => 0,
      onRetry: (n) => notices.push(n),
    }).cloudFormation;
    await expect(patient.describeStackRefactor(REFACTOR_ID)).resolves.toMatchObject({ status: 'CREATE_COMPLETE' });
    expect(requests).toHaveLength(4);
    expect(notices.map((n) => n.operation)).toContain('DescribeStackRefactor');

    await stub?.close();
    const again = await portsFor(() => throttled);
    const executing = patientReads(again.ports, {
      clock: systemClock,
      patienceMs: 60_000,
      random: () => 0,
    }).cloudFormation;
    await expect(executing.executeStackRefactor(REFACTOR_ID)).rejects.toMatchObject({ awsCode: 'Throttling' });
    // The port's own 2 attempts, no patient rounds on top: executing twice is not harmless.
    expect(again.requests).toHaveLength(2);
  });
});
