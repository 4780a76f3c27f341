/**
 * Wire-level cases moto cannot produce: throttling and retries, exact error codes, pagination,
 * and the request encoding of calls moto ignores or does not implement. A local HTTP stub speaks
 * the awsQuery protocol to a real SDK client.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createAwsPorts } from '../../src/aws/create-aws-ports.js';
import { AwsError, NETWORK_ERROR } from '../../src/aws/errors.js';
import { RateLimiter } from '../../src/aws/rate-limiter.js';
import type { RetryNotice } from '../../src/aws/call-observer.js';
import { countingPorts } from '../../src/engine/runner/counting-ports.js';
import { patientReads } from '../../src/engine/runner/patient-reads.js';
import { systemClock } from '../../src/clock.js';
import type { StubReply, StubRequest, StubServer } from './stub-server.js';
import { closedPort, emptyReply, errorReply, resultReply, startStub } from './stub-server.js';
import { useTestCredentials } from '../harness/test-credentials.js';

useTestCredentials();

const STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/app/11111111-2222-3333-4444-555555555555';
const CS_ID = 'arn:aws:cloudformation:us-east-1:123456789012:changeSet/cs-1/66666666-7777-8888-9999-000000000000';
const MAX_ATTEMPTS = 4;

const STACK_XML = `<Stacks><member>
  <StackId>${STACK_ID}</StackId><StackName>app</StackName>
  <StackStatus>UPDATE_COMPLETE</StackStatus><StackStatusReason></StackStatusReason>
  <CreationTime>2024-05-01T10:00:00.000Z</CreationTime><LastUpdatedTime>2024-05-02T11:30:00.000Z</LastUpdatedTime>
  <EnableTerminationProtection>true</EnableTerminationProtection>
  <Capabilities><member>CAPABILITY_IAM</member></Capabilities>
  <Parameters><member><ParameterKey>Stage</ParameterKey><ParameterValue>prod</ParameterValue></member></Parameters>
  <Tags><member><Key>team</Key><Value>core</Value></member><member><Key>cost</Key><Value>42</Value></member></Tags>
  <Outputs>
    <member><OutputKey>ApiUrl</OutputKey><OutputValue>https://x</OutputValue><ExportName>app-api-url</ExportName><Description>the API</Description></member>
    <member><OutputKey>Plain</OutputKey><OutputValue>v</OutputValue></member>
  </Outputs>
</member></Stacks>`;

const THROTTLED = errorReply('Throttling', 'Rate exceeded');

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
    { limiter, retry: { maxAttempts: MAX_ATTEMPTS, baseDelayMs: 1, maxDelayMs: 5 } },
  );
  return { ports, limiter, requests: stub.requests };
}

async function rejection(promise: Promise<unknown>): Promise<AwsError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AwsError);
  return error as AwsError;
}

describe('retries and the shared rate limiter', () => {
  it('retries a throttled read and takes a limiter token for every attempt', async () => {
    const { ports, limiter, requests } = await portsFor((_, i) =>
      i < 2 ? THROTTLED : resultReply('DescribeStacks', STACK_XML),
    );

    const stack = await ports.cloudFormation.describeStack('app');

    expect(stack?.status).toBe('UPDATE_COMPLETE');
    expect(requests.map((r) => r.action)).toEqual(['DescribeStacks', 'DescribeStacks', 'DescribeStacks']);
    expect(limiter.stats().acquired).toBe(3);
  });

  it('tells the caller of every attempt and retry the SDK made below the port (apiCalls, api:retry)', async () => {
    const { ports, requests } = await portsFor((_, i) =>
      i < 2 ? THROTTLED : resultReply('DescribeStacks', STACK_XML),
    );
    const counter = { calls: 0 };
    const retries: RetryNotice[] = [];

    await countingPorts(ports, counter, (notice) => retries.push(notice)).cloudFormation.describeStack('app');

    // Before: one call counted, whatever the SDK sent.
    expect(requests).toHaveLength(3);
    expect(counter.calls).toBe(3);
    expect(retries.map((r) => [r.operation, r.attempt, r.error])).toEqual([
      ['DescribeStacks', 1, 'Throttling'],
      ['DescribeStacks', 2, 'Throttling'],
    ]);
  });

  it('a read still refused after the SDK gave up is sent again (patient reads), a write is not', async () => {
    const { ports, requests } = await portsFor((request, i) =>
      i < MAX_ATTEMPTS + 2 ? THROTTLED : resultReply(request.action, STACK_XML),
    );
    const counter = { calls: 0 };
    const patient = patientReads(countingPorts(ports, counter), {
      clock: systemClock,
      patienceMs: 60_000,
      random: () => 0,
    });

    await expect(patient.cloudFormation.describeStack('app')).resolves.toMatchObject({ stackName: 'app' });
    expect(requests).toHaveLength(MAX_ATTEMPTS + 3);
    expect(counter.calls).toBe(MAX_ATTEMPTS + 3);

    await stub?.close();
    const { ports: again, requests: sent } = await portsFor(() => THROTTLED);
    const error = await rejection(
      patientReads(again, { clock: systemClock, patienceMs: 60_000, random: () => 0 }).cloudFormation.deleteStack(
        'app',
      ),
    );
    expect(error.awsCode).toBe('Throttling');
    expect(sent).toHaveLength(MAX_ATTEMPTS);
  });

  it('gives up after maxAttempts with the throttling error', async () => {
    const { ports, limiter, requests } = await portsFor(() => THROTTLED);

    const error = await rejection(ports.cloudFormation.describeStack('app'));

    expect(error).toMatchObject({
      operation: 'DescribeStacks',
      awsCode: 'Throttling',
      httpStatus: 400,
      serviceMessage: 'Rate exceeded',
    });
    expect(requests).toHaveLength(MAX_ATTEMPTS);
    expect(limiter.stats().acquired).toBe(MAX_ATTEMPTS);
  });

  it('retries 503 Service Unavailable', async () => {
    const { ports, requests } = await portsFor((_, i) =>
      i === 0 ? errorReply('ServiceUnavailable', 'try later', 503) : resultReply('DescribeStacks', STACK_XML),
    );

    await expect(ports.cloudFormation.describeStack('app')).resolves.toMatchObject({ stackName: 'app' });
    expect(requests).toHaveLength(2);
  });

  it('does not retry a LimitExceededException: it is a quota, not a rate', async () => {
    const { ports, requests } = await portsFor(() =>
      errorReply('LimitExceededException', `ChangeSet limit exceeded for stack ${STACK_ID}`),
    );

    const error = await rejection(
      ports.cloudFormation.createChangeSet({
        stackName: 'app',
        changeSetName: 'cs-1',
        changeSetType: 'UPDATE',
        templateBody: '{}',
        parameters: [],
        tags: {},
        capabilities: [],
        clientToken: 't',
      }),
    );

    expect(error).toMatchObject({ operation: 'CreateChangeSet', awsCode: 'LimitExceededException' });
    expect(requests).toHaveLength(1);
  });

  it('does not retry a ValidationError', async () => {
    const { ports, limiter, requests } = await portsFor(() =>
      errorReply('ValidationError', `Stack:${STACK_ID} is in UPDATE_IN_PROGRESS state and can not be updated.`),
    );

    const error = await rejection(ports.cloudFormation.executeChangeSet(CS_ID, 'tok'));

    expect(error).toMatchObject({ operation: 'ExecuteChangeSet', awsCode: 'ValidationError', httpStatus: 400 });
    expect(error.serviceMessage).toBe(`Stack:${STACK_ID} is in UPDATE_IN_PROGRESS state and can not be updated.`);
    expect(requests).toHaveLength(1);
    expect(limiter.stats().acquired).toBe(1);
  });

  it('turns an unreachable endpoint into a NetworkError after retrying it', async () => {
    const limiter = new RateLimiter({ ratePerSecond: 1000, burst: 1000 });
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const ports = createAwsPorts(
      { region: 'us-east-1', endpoint },
      { limiter, retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 } },
    );

    const error = await rejection(ports.cloudFormation.describeStack('app'));

    expect(error).toMatchObject({ operation: 'DescribeStacks', awsCode: NETWORK_ERROR, httpStatus: undefined });
    expect(error.message).toContain('ECONNREFUSED');
    expect(limiter.stats().acquired).toBe(3);
  });

  it('gives a refused connection three tries, not the whole throttling budget', async () => {
    const limiter = new RateLimiter({ ratePerSecond: 1000, burst: 1000 });
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const ports = createAwsPorts(
      { region: 'us-east-1', endpoint },
      { limiter, retry: { maxAttempts: 8, baseDelayMs: 1, maxDelayMs: 5 } },
    );

    const error = await rejection(ports.cloudFormation.describeStack('app'));

    expect(error).toMatchObject({ operation: 'DescribeStacks', awsCode: NETWORK_ERROR });
    expect(limiter.stats().acquired).toBe(3);
  });

  it.each([
    ['well-formed', '<html><head><title>Bad Gateway</title></head></html>'],
    ['malformed', '<html><head><title>500 Internal Server Error</head><body><p>crash<br></body></html>'],
  ])('maps a %s HTML error page to UnknownError with its HTTP status, retried as transient', async (_, body) => {
    const { ports, requests } = await portsFor(() => ({ status: 502, contentType: 'text/html', body }));

    const error = await rejection(ports.cloudFormation.getTemplate('app'));

    expect(error).toMatchObject({ operation: 'GetTemplate', awsCode: 'UnknownError', httpStatus: 502 });
    expect(requests).toHaveLength(MAX_ATTEMPTS);
  });
});

describe('error codes', () => {
  it('reports the wire code ChangeSetNotFound (the SDK names it ChangeSetNotFoundException)', async () => {
    const { ports } = await portsFor(() => errorReply('ChangeSetNotFound', `ChangeSet [${CS_ID}] does not exist`, 404));

    const error = await rejection(ports.cloudFormation.describeChangeSet(CS_ID));

    expect(error).toMatchObject({
      operation: 'DescribeChangeSet',
      awsCode: 'ChangeSetNotFound',
      httpStatus: 404,
      serviceMessage: `ChangeSet [${CS_ID}] does not exist`,
    });
    expect((error.cause as Error).name).toBe('ChangeSetNotFoundException');
  });

  it('reports the wire code InvalidChangeSetStatus (the SDK names it InvalidChangeSetStatusException)', async () => {
    const { ports } = await portsFor(() =>
      errorReply('InvalidChangeSetStatus', `ChangeSet [${CS_ID}] cannot be executed in its current status of [FAILED]`),
    );

    const error = await rejection(ports.cloudFormation.executeChangeSet(CS_ID, 'tok'));

    expect(error).toMatchObject({
      awsCode: 'InvalidChangeSetStatus',
      serviceMessage: `ChangeSet [${CS_ID}] cannot be executed in its current status of [FAILED]`,
    });
    expect((error.cause as Error).name).toBe('InvalidChangeSetStatusException');
  });

  it('answers undefined only for "Stack with id X does not exist", not for other ValidationErrors', async () => {
    const { ports } = await portsFor((request) =>
      request.params.get('StackName') === 'gone'
        ? errorReply('ValidationError', 'Stack with id gone does not exist')
        : errorReply(
            'ValidationError',
            "1 validation error detected: Value 'bad_name' at 'stackName' failed to satisfy constraint",
          ),
    );

    await expect(ports.cloudFormation.describeStack('gone')).resolves.toBeUndefined();
    await expect(ports.cloudFormation.describeStack('bad_name')).rejects.toMatchObject({ awsCode: 'ValidationError' });
  });
});

describe('shapes and request encoding', () => {
  it('converts a described stack to plain values', async () => {
    const { ports, requests } = await portsFor(() => resultReply('DescribeStacks', STACK_XML));

    const stack = await ports.cloudFormation.describeStack('app');

    expect(requests[0]?.params.get('StackName')).toBe('app');
    expect(stack).toEqual({
      stackId: STACK_ID,
      stackName: 'app',
      status: 'UPDATE_COMPLETE',
      statusReason: undefined,
      parameters: [{ key: 'Stage', value: 'prod' }],
      outputs: [
        { key: 'ApiUrl', value: 'https://x', exportName: 'app-api-url', description: 'the API' },
        { key: 'Plain', value: 'v', exportName: undefined, description: undefined },
      ],
      tags: { team: 'core', cost: '42' },
      capabilities: ['CAPABILITY_IAM'],
      terminationProtection: true,
      creationTime: new Date('2024-05-01T10:00:00.000Z'),
      lastUpdatedTime: new Date('2024-05-02T11:30:00.000Z'),
    });
  });

  it('sends every CreateChangeSet field in awsQuery form', async () => {
    const { ports, requests } = await portsFor(() =>
      resultReply('CreateChangeSet', `<Id>${CS_ID}</Id><StackId>${STACK_ID}</StackId>`),
    );

    const ref = await ports.cloudFormation.createChangeSet({
      stackName: 'app',
      changeSetName: 'cs-1',
      changeSetType: 'CREATE',
      templateBody: '{"Resources":{}}',
      parameters: [
        { key: 'Stage', value: 'prod' },
        { key: 'Size', value: '3' },
      ],
      tags: { team: 'core', env: 'prod' },
      capabilities: ['CAPABILITY_IAM', 'CAPABILITY_AUTO_EXPAND'],
      clientToken: 'token-1',
      description: 'deployed by stackpilot',
    });

    expect(ref).toEqual({ changeSetId: CS_ID, stackId: STACK_ID });
    expect(Object.fromEntries(requests[0]?.params ?? [])).toEqual({
      Action: 'CreateChangeSet',
      Version: '2010-05-15',
      StackName: 'app',
      ChangeSetName: 'cs-1',
      ChangeSetType: 'CREATE',
      TemplateBody: '{"Resources":{}}',
      'Parameters.member.1.ParameterKey': 'Stage',
      'Parameters.member.1.ParameterValue': 'prod',
      'Parameters.member.2.ParameterKey': 'Size',
      'Parameters.member.2.ParameterValue': '3',
      'Tags.member.1.Key': 'team',
      'Tags.member.1.Value': 'core',
      'Tags.member.2.Key': 'env',
      'Tags.member.2.Value': 'prod',
      'Capabilities.member.1': 'CAPABILITY_IAM',
      'Capabilities.member.2': 'CAPABILITY_AUTO_EXPAND',
      ClientToken: 'token-1',
      Description: 'deployed by stackpilot',
      IncludeNestedStacks: 'false',
    });
  });

  it('sends empty lists as empty values: no tags means "the stack has no tags", not "keep them"', async () => {
    const { ports, requests } = await portsFor(() =>
      resultReply('CreateChangeSet', `<Id>${CS_ID}</Id><StackId>${STACK_ID}</StackId>`),
    );

    await ports.cloudFormation.createChangeSet({
      stackName: 'app',
      changeSetName: 'cs-1',
      changeSetType: 'UPDATE',
      templateBody: '{}',
      parameters: [],
      tags: {},
      capabilities: [],
      clientToken: 't',
    });

    const params = requests[0]?.params;
    expect([params?.get('Tags'), params?.get('Parameters'), params?.get('Capabilities')]).toEqual(['', '', '']);
  });

  it('drains every page of DescribeChangeSet and keeps the other fields of the first', async () => {
    const change = (action: string, id: string, extra = '') =>
      `<member><Type>Resource</Type><ResourceChange><Action>${action}</Action><LogicalResourceId>${id}</LogicalResourceId><ResourceType>AWS::S3::Bucket</ResourceType>${extra}</ResourceChange></member>`;
    const header = `<ChangeSetId>${CS_ID}</ChangeSetId><ChangeSetName>cs-1</ChangeSetName><StackId>${STACK_ID}</StackId><Status>CREATE_COMPLETE</Status><ExecutionStatus>AVAILABLE</ExecutionStatus>`;
    const modify = change(
      'Modify',
      'Data',
      '<PhysicalResourceId>data-bucket-1</PhysicalResourceId><Replacement>True</Replacement><Scope><member>Properties</member></Scope>' +
        '<Details><member><Target><Attribute>Properties</Attribute><Name>BucketName</Name><RequiresRecreation>Always</RequiresRecreation></Target>' +
        '<Evaluation>Static</Evaluation><ChangeSource>DirectModification</ChangeSource></member>' +
        '<member><Target><Attribute>Properties</Attribute><Name>Tags</Name><RequiresRecreation>Never</RequiresRecreation></Target>' +
        '<Evaluation>Dynamic</Evaluation><ChangeSource>ParameterReference</ChangeSource><CausingEntity>Stage</CausingEntity></member></Details>',
    );
    const { ports, requests } = await portsFor((_, i) =>
      i === 0
        ? resultReply(
            'DescribeChangeSet',
            `${header}<Changes>${change('Add', 'Logs')}</Changes><NextToken>page-2</NextToken>`,
          )
        : resultReply(
            'DescribeChangeSet',
            `${header}<Changes>${modify}${change('Remove', 'Old', '<PhysicalResourceId>old-1</PhysicalResourceId>')}</Changes>`,
          ),
    );

    const description = await ports.cloudFormation.describeChangeSet(CS_ID);

    expect(requests.map((r) => [r.params.get('ChangeSetName'), r.params.get('NextToken')])).toEqual([
      [CS_ID, null],
      [CS_ID, 'page-2'],
    ]);
    expect(description).toEqual({
      changeSetId: CS_ID,
      changeSetName: 'cs-1',
      stackId: STACK_ID,
      status: 'CREATE_COMPLETE',
      statusReason: undefined,
      executionStatus: 'AVAILABLE',
      changes: [
        {
          action: 'Add',
          logicalId: 'Logs',
          physicalId: undefined,
          resourceType: 'AWS::S3::Bucket',
          replacement: undefined,
          scope: [],
          details: [],
        },
        {
          action: 'Modify',
          logicalId: 'Data',
          physicalId: 'data-bucket-1',
          resourceType: 'AWS::S3::Bucket',
          replacement: 'True',
          scope: ['Properties'],
          details: [
            {
              attribute: 'Properties',
              name: 'BucketName',
              requiresRecreation: 'Always',
              changeSource: 'DirectModification',
              causingEntity: undefined,
              evaluation: 'Static',
            },
            {
              attribute: 'Properties',
              name: 'Tags',
              requiresRecreation: 'Never',
              changeSource: 'ParameterReference',
              causingEntity: 'Stage',
              evaluation: 'Dynamic',
            },
          ],
        },
        {
          action: 'Remove',
          logicalId: 'Old',
          physicalId: 'old-1',
          resourceType: 'AWS::S3::Bucket',
          replacement: undefined,
          scope: [],
          details: [],
        },
      ],
    });
  });

  it('passes the events NextToken both ways and reads an empty PhysicalResourceId as none', async () => {
    const event = `<member><StackId>${STACK_ID}</StackId><EventId>Bucket-CREATE_IN_PROGRESS-2024-05-01T10:00:01.000Z</EventId><StackName>app</StackName>
      <LogicalResourceId>Bucket</LogicalResourceId><PhysicalResourceId></PhysicalResourceId><ResourceType>AWS::S3::Bucket</ResourceType>
      <Timestamp>2024-05-01T10:00:01.000Z</Timestamp><ResourceStatus>CREATE_IN_PROGRESS</ResourceStatus><ClientRequestToken>exec-1</ClientRequestToken></member>`;
    const { ports, requests } = await portsFor(() =>
      resultReply('DescribeStackEvents', `<StackEvents>${event}</StackEvents><NextToken>older</NextToken>`),
    );

    const page = await ports.cloudFormation.describeStackEvents(STACK_ID, 'newer');

    expect(requests[0]?.params.get('StackName')).toBe(STACK_ID);
    expect(requests[0]?.params.get('NextToken')).toBe('newer');
    expect(page).toEqual({
      nextToken: 'older',
      events: [
        {
          eventId: 'Bucket-CREATE_IN_PROGRESS-2024-05-01T10:00:01.000Z',
          stackId: STACK_ID,
          stackName: 'app',
          logicalId: 'Bucket',
          physicalId: undefined,
          resourceType: 'AWS::S3::Bucket',
          status: 'CREATE_IN_PROGRESS',
          reason: undefined,
          timestamp: new Date('2024-05-01T10:00:01.000Z'),
          clientRequestToken: 'exec-1',
        },
      ],
    });
  });

  it('sends the stack ARN and token of the calls moto does not implement', async () => {
    const { ports, requests } = await portsFor((request) =>
      request.action === 'UpdateTerminationProtection'
        ? resultReply(request.action, `<StackId>${STACK_ID}</StackId>`)
        : emptyReply(request.action),
    );

    await ports.cloudFormation.updateTerminationProtection(STACK_ID, true);
    await ports.cloudFormation.cancelUpdateStack(STACK_ID, 'cancel-1');
    await ports.cloudFormation.deleteStack(STACK_ID, 'delete-1');
    await ports.cloudFormation.deleteChangeSet(CS_ID);

    const sent = requests.map((r) => Object.fromEntries([...r.params].filter(([key]) => key !== 'Version')));
    expect(sent).toEqual([
      { Action: 'UpdateTerminationProtection', StackName: STACK_ID, EnableTerminationProtection: 'true' },
      { Action: 'CancelUpdateStack', StackName: STACK_ID, ClientRequestToken: 'cancel-1' },
      { Action: 'DeleteStack', StackName: STACK_ID, ClientRequestToken: 'delete-1' },
      { Action: 'DeleteChangeSet', ChangeSetName: CS_ID },
    ]);
  });
});

describe('ListImports over the wire (moto answers it with HTTP 500, so a stub speaks for AWS)', () => {
  const NS = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';
  const page = (names: string[], next?: string): { status: number; body: string } => ({
    status: 200,
    body: `<ListImportsResponse xmlns="${NS}"><ListImportsResult><Imports>${names.map((n) => `<member>${n}</member>`).join('')}</Imports>${next ? `<NextToken>${next}</NextToken>` : ''}</ListImportsResult><ResponseMetadata><RequestId>x</RequestId></ResponseMetadata></ListImportsResponse>`,
  });

  it('collects the importing stacks over every page', async () => {
    const { ports, requests } = await portsFor((request) =>
      request.params.get('NextToken') ? page(['orders-dev-backup']) : page(['orders-dev-app'], 'p2'),
    );
    expect(await ports.cloudFormation.listImports('orders-dev-TableArn')).toEqual([
      'orders-dev-app',
      'orders-dev-backup',
    ]);
    expect(requests.map((r) => r.action)).toEqual(['ListImports', 'ListImports']);
    expect(requests[0]?.params.get('ExportName')).toBe('orders-dev-TableArn');
  });

  it('turns "is not imported by any stack" into an empty list (§4)', async () => {
    const { ports } = await portsFor(() =>
      errorReply('ValidationError', "Export 'orders-dev-TableArn' is not imported by any stack."),
    );
    expect(await ports.cloudFormation.listImports('orders-dev-TableArn')).toEqual([]);
  });
});

describe('ListChangeSets over the wire', () => {
  const summary = (name: string, stackId: string, stackName: string): string =>
    `<member><StackId>${stackId}</StackId><StackName>${stackName}</StackName><ChangeSetId>arn:aws:cloudformation:us-east-1:123456789012:changeSet/${name}/1</ChangeSetId><ChangeSetName>${name}</ChangeSetName><ExecutionStatus>AVAILABLE</ExecutionStatus><Status>CREATE_COMPLETE</Status><CreationTime>2024-05-01T10:00:00.000Z</CreationTime></member>`;
  const OTHER = 'arn:aws:cloudformation:us-east-1:123456789012:stack/other/99999999-2222-3333-4444-555555555555';

  it("reads every page and keeps only the stack's own change sets (moto lists the whole account's)", async () => {
    const { ports, requests } = await portsFor((request) =>
      request.params.get('NextToken')
        ? resultReply('ListChangeSets', `<Summaries>${summary('other-tool', STACK_ID, 'app')}</Summaries>`)
        : resultReply(
            'ListChangeSets',
            `<Summaries>${summary('stackpilot-run1', STACK_ID, 'app')}${summary('stackpilot-x', OTHER, 'other')}</Summaries><NextToken>p2</NextToken>`,
          ),
    );

    const listed = await ports.cloudFormation.listChangeSets(STACK_ID);

    expect(listed).toEqual([
      {
        changeSetId: 'arn:aws:cloudformation:us-east-1:123456789012:changeSet/stackpilot-run1/1',
        changeSetName: 'stackpilot-run1',
        stackId: STACK_ID,
        stackName: 'app',
        status: 'CREATE_COMPLETE',
        executionStatus: 'AVAILABLE',
      },
      expect.objectContaining({ changeSetName: 'other-tool' }),
    ]);
    expect(requests.map((r) => [r.action, r.params.get('StackName'), r.params.get('NextToken')])).toEqual([
      ['ListChangeSets', STACK_ID, null],
      ['ListChangeSets', STACK_ID, 'p2'],
    ]);
  });
});

describe('drift detection and DescribeStacks without a name over the wire (moto implements neither drift call)', () => {
  it('starts a detection, reads its status and every page of drifted resources with their differences', async () => {
    const drift = (logicalId: string): string =>
      `<member><StackId>${STACK_ID}</StackId><LogicalResourceId>${logicalId}</LogicalResourceId><PhysicalResourceId>orders-dev-${logicalId}</PhysicalResourceId><ResourceType>AWS::DynamoDB::Table</ResourceType><StackResourceDriftStatus>MODIFIED</StackResourceDriftStatus><Timestamp>2024-05-01T10:00:00.000Z</Timestamp><PropertyDifferences><member><PropertyPath>/BillingMode</PropertyPath><ExpectedValue>PAY_PER_REQUEST</ExpectedValue><ActualValue>PROVISIONED</ActualValue><DifferenceType>NOT_EQUAL</DifferenceType></member></PropertyDifferences></member>`;
    const { ports, requests } = await portsFor((request) => {
      switch (request.action) {
        case 'DetectStackDrift':
          return resultReply('DetectStackDrift', '<StackDriftDetectionId>d-123</StackDriftDetectionId>');
        case 'DescribeStackDriftDetectionStatus':
          return resultReply(
            'DescribeStackDriftDetectionStatus',
            `<StackId>${STACK_ID}</StackId><StackDriftDetectionId>d-123</StackDriftDetectionId><StackDriftStatus>DRIFTED</StackDriftStatus><DetectionStatus>DETECTION_COMPLETE</DetectionStatus><DriftedStackResourceCount>2</DriftedStackResourceCount><Timestamp>2024-05-01T10:00:00.000Z</Timestamp>`,
          );
        default:
          return request.params.get('NextToken')
            ? resultReply('DescribeStackResourceDrifts', `<StackResourceDrifts>${drift('Other')}</StackResourceDrifts>`)
            : resultReply(
                'DescribeStackResourceDrifts',
                `<StackResourceDrifts>${drift('Table')}</StackResourceDrifts><NextToken>p2</NextToken>`,
              );
      }
    });
    const cf = ports.cloudFormation;
    expect(await cf.detectStackDrift(STACK_ID)).toBe('d-123');
    expect(await cf.describeStackDriftDetectionStatus('d-123')).toEqual({
      detectionStatus: 'DETECTION_COMPLETE',
      stackDriftStatus: 'DRIFTED',
      detectionStatusReason: undefined,
      driftedResourceCount: 2,
    });
    const drifts = await cf.describeStackResourceDrifts(STACK_ID);
    expect(drifts.map((d) => d.logicalId)).toEqual(['Table', 'Other']);
    expect(drifts[0]).toEqual({
      logicalId: 'Table',
      physicalId: 'orders-dev-Table',
      resourceType: 'AWS::DynamoDB::Table',
      driftStatus: 'MODIFIED',
      differences: [
        {
          propertyPath: '/BillingMode',
          expectedValue: 'PAY_PER_REQUEST',
          actualValue: 'PROVISIONED',
          differenceType: 'NOT_EQUAL',
        },
      ],
    });
    const driftRequest = requests.find((r) => r.action === 'DescribeStackResourceDrifts');
    expect(driftRequest?.params.get('StackResourceDriftStatusFilters.member.1')).toBe('MODIFIED');
    expect(driftRequest?.params.get('StackResourceDriftStatusFilters.member.2')).toBe('DELETED');
  });

  it('lists every stack over every page of DescribeStacks without a name, leaving deleted ones out', async () => {
    const deleted = STACK_XML.replace('UPDATE_COMPLETE', 'DELETE_COMPLETE');
    const { ports, requests } = await portsFor((request) =>
      request.params.get('NextToken')
        ? resultReply('DescribeStacks', deleted)
        : resultReply('DescribeStacks', `${STACK_XML}<NextToken>p2</NextToken>`),
    );
    const stacks = await ports.cloudFormation.listStacks();
    expect(stacks.map((s) => [s.stackName, s.status, s.tags])).toEqual([
      ['app', 'UPDATE_COMPLETE', { team: 'core', cost: '42' }],
    ]);
    expect(requests.map((r) => [r.action, r.params.get('StackName'), r.params.get('NextToken')])).toEqual([
      ['DescribeStacks', null, null],
      ['DescribeStacks', null, 'p2'],
    ]);
  });
});
