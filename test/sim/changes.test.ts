import { describe, expect, it } from 'vitest';
import { AwsError } from '../../src/aws/errors.js';
import type { CreateChangeSetInput, Parameter } from '../../src/aws/ports.js';
import { NO_CHANGES_REASON } from '../../src/sim/index.js';
import { deploy, readyChangeSet, setup, template } from './support.js';
import type { Sim } from './support.js';

let n = 0;
async function changeSet(s: Sim, body: string, extra: Partial<CreateChangeSetInput> = {}) {
  n += 1;
  const ref = await s.cf.createChangeSet({
    stackName: 'data',
    changeSetName: `c${n}`,
    changeSetType: 'UPDATE',
    templateBody: body,
    parameters: [],
    tags: {},
    capabilities: [],
    clientToken: `t${n}`,
    ...extra,
  });
  return { ref, described: await readyChangeSet(s, ref.changeSetId) };
}

const TABLE = (props: string, extra = '') =>
  template(
    {
      Table: `AWS::DynamoDB::Table\n    Properties:\n${props}`,
      Reader: 'AWS::IAM::Role\n    Properties:\n      Description: !GetAtt Table.Arn',
      Stream: 'AWS::SQS::Queue\n    Properties:\n      QueueName: !Sub "${Table}-events"',
    },
    extra,
  );
const BASE_PROPS = '      TableName: orders\n      BillingMode: PAY_PER_REQUEST\n';
const PARAMS =
  'Parameters:\n  Mode:\n    Type: String\n    Default: PAY_PER_REQUEST\n  Unused:\n    Type: String\n    Default: x\n';

describe('"no changes" and empty change sets (§2.3)', () => {
  it('fails an identical submission with the exact two-sentence reason, and refuses to execute it', async () => {
    const s = setup();
    const body = TABLE(BASE_PROPS);
    await deploy(s, 'data', body, { tags: { team: 'a' } });
    const { ref, described } = await changeSet(s, body, { tags: { team: 'a' } });
    expect(described).toMatchObject({
      status: 'FAILED',
      executionStatus: 'UNAVAILABLE',
      statusReason: NO_CHANGES_REASON,
      changes: [],
    });
    expect(NO_CHANGES_REASON).toBe(
      "The submitted information didn't contain changes. Submit different information to create a change set.",
    );
    const error = await s.cf.executeChangeSet(ref.changeSetId, 'x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsError);
    expect((error as AwsError).serviceMessage).toBe(
      `ChangeSet [${ref.changeSetId}] cannot be executed in its current status of [FAILED]`,
    );
    // Whitespace and comments are not changes: the template is compared as parsed.
    expect((await changeSet(s, `# edited comment\n${body}\n\n`, { tags: { team: 'a' } })).described.status).toBe(
      'FAILED',
    );
  });

  it('answers "No updates are to be performed." for a template with a Transform', async () => {
    const s = setup();
    const body = template({ Q: 'AWS::SQS::Queue' }, 'Transform: AWS::Serverless-2016-10-31');
    await deploy(s, 'data', body);
    expect((await changeSet(s, body)).described.statusReason).toBe('No updates are to be performed.');
  });

  it('makes output-, tag- and parameter-only edits ready with no Changes, and executes them', async () => {
    const s = setup();
    const body = TABLE(BASE_PROPS, `${PARAMS}Outputs:\n  Name:\n    Value: !Ref Table\n`);
    await deploy(s, 'data', body);
    const outputEdit = body.replace('Value: !Ref Table', 'Value: !GetAtt Table.Arn');
    for (const [label, edit] of [
      ['output', { templateBody: outputEdit }],
      ['tag', { tags: { team: 'b' } }],
      ['parameter', { parameters: [{ key: 'Unused', value: 'y' }] satisfies Parameter[] }],
    ] as const) {
      const { described } = await changeSet(s, body, edit);
      expect({
        label,
        status: described.status,
        executionStatus: described.executionStatus,
        changes: described.changes,
      }).toEqual({ label, status: 'CREATE_COMPLETE', executionStatus: 'AVAILABLE', changes: [] });
    }
    const updated = await deploy(s, 'data', outputEdit);
    expect(updated.status).toBe('UPDATE_COMPLETE');
    expect(updated.outputs[0]?.value).toBe('arn:aws:dynamodb:us-east-1:123456789012:table/orders');
  });
});

describe('changes (§2.4)', () => {
  it('tells a replacement (create-only property) from an in-place Modify, with Details', async () => {
    const s = setup();
    await deploy(s, 'data', TABLE(BASE_PROPS));
    const inPlace = (await changeSet(s, TABLE('      TableName: orders\n      BillingMode: PROVISIONED\n'))).described
      .changes;
    expect(inPlace).toEqual([
      {
        action: 'Modify',
        logicalId: 'Table',
        physicalId: 'orders',
        resourceType: 'AWS::DynamoDB::Table',
        replacement: 'False',
        scope: ['Properties'],
        details: [
          {
            attribute: 'Properties',
            name: 'BillingMode',
            requiresRecreation: 'Never',
            changeSource: 'DirectModification',
            evaluation: 'Static',
            causingEntity: undefined,
          },
        ],
      },
    ]);
    const renamed = (await changeSet(s, TABLE('      TableName: orders-v2\n      BillingMode: PAY_PER_REQUEST\n')))
      .described.changes;
    expect(renamed.map((c) => [c.action, c.logicalId, c.replacement])).toEqual([
      ['Modify', 'Table', 'True'],
      // Reader refers to the table's ARN, which a replacement changes: in place, as Description is not create-only.
      ['Modify', 'Reader', 'False'],
      // Stream's name is made from the table's: a dynamic change of a create-only property.
      ['Modify', 'Stream', 'Conditional'],
    ]);
    const stream = renamed.find((c) => c.logicalId === 'Stream');
    expect(stream?.details).toEqual([
      {
        attribute: 'Properties',
        name: 'QueueName',
        requiresRecreation: 'Always',
        changeSource: 'ResourceReference',
        evaluation: 'Dynamic',
        causingEntity: 'Table',
      },
    ]);
  });

  it('lists Add and Remove, and a parameter change as ParameterReference on the properties that use it', async () => {
    const s = setup();
    const body = TABLE('      TableName: orders\n      BillingMode: !Ref Mode\n', PARAMS);
    await deploy(s, 'data', body);
    const withQueue = body.replace('  Stream:', '  Extra:\n    Type: AWS::SNS::Topic\n  Stream:');
    const { described } = await changeSet(s, withQueue.replace(/ {2}Reader:\n.*\n.*\n.*\n/, ''), {
      parameters: [{ key: 'Mode', value: 'PROVISIONED' }],
    });
    expect(described.changes.map((c) => `${c.action} ${c.logicalId}`)).toEqual([
      'Modify Table',
      'Add Extra',
      'Remove Reader',
    ]);
    expect(described.changes[0]?.details).toEqual([
      {
        attribute: 'Properties',
        name: 'BillingMode',
        requiresRecreation: 'Never',
        changeSource: 'ParameterReference',
        evaluation: 'Static',
        causingEntity: 'Mode',
      },
      {
        attribute: 'Properties',
        name: 'BillingMode',
        requiresRecreation: 'Never',
        changeSource: 'DirectModification',
        evaluation: 'Dynamic',
        causingEntity: undefined,
      },
    ]);
    expect(described.changes[1]).toMatchObject({
      action: 'Add',
      physicalId: undefined,
      replacement: undefined,
      details: [],
      scope: [],
    });
    expect(described.changes[2]?.physicalId).toMatch(/^data-Reader-/);
  });

  it('pages Changes with small pages and returns them all through the port', async () => {
    const s = setup({ pageSize: { changes: 2 } });
    await s.cf.createChangeSet({
      stackName: 'data',
      changeSetName: 'create',
      changeSetType: 'CREATE',
      templateBody: template({
        A: 'AWS::SQS::Queue',
        B: 'AWS::SQS::Queue',
        C: 'AWS::SQS::Queue',
        D: 'AWS::SQS::Queue',
        E: 'AWS::SQS::Queue',
      }),
      parameters: [],
      tags: {},
      capabilities: [],
      clientToken: 'x',
    });
    await s.wait(5000);
    const id = s.sim.inspect.changeSets()[0]?.id ?? '';
    const before = s.sim.stats().callsByOperation.DescribeChangeSet ?? 0;
    const described = await s.cf.describeChangeSet(id);
    expect(described.changes.map((c) => c.logicalId)).toEqual(['A', 'B', 'C', 'D', 'E']);
    expect((s.sim.stats().callsByOperation.DescribeChangeSet ?? 0) - before).toBe(3);
  });
});

describe('CreateChangeSet validation (§5)', () => {
  it("refuses bad templates and parameters synchronously, with CloudFormation's wording", async () => {
    const s = setup();
    const refuse = async (input: Partial<CreateChangeSetInput>): Promise<string> => {
      const error = await s.cf
        .createChangeSet({
          stackName: 'data',
          changeSetName: 'c',
          changeSetType: 'CREATE',
          templateBody: template({ A: 'AWS::SQS::Queue' }),
          parameters: [],
          tags: {},
          capabilities: [],
          clientToken: 'x',
          ...input,
        })
        .catch((e: unknown) => e);
      return error instanceof AwsError ? `${error.awsCode}: ${error.serviceMessage}` : String(error);
    };
    expect(await refuse({ templateBody: 'Description: nothing\n' })).toBe(
      'ValidationError: Template format error: At least one Resources member must be defined.',
    );
    expect(
      await refuse({
        templateBody: template({ A: 'AWS::SQS::Queue\n    Properties:\n      QueueName: !Ref Missing' }),
      }),
    ).toBe(
      'ValidationError: Template format error: Unresolved resource dependencies [Missing] in the Resources block of the template',
    );
    expect(
      await refuse({
        templateBody: template({ A: 'AWS::SQS::Queue\n    DependsOn: B', B: 'AWS::SQS::Queue\n    DependsOn: A' }),
      }),
    ).toBe('ValidationError: Template format error: Circular dependency between resources: [A, B]');
    expect(
      await refuse({ templateBody: template({ A: 'AWS::SQS::Queue' }, 'Parameters:\n  Need:\n    Type: String\n') }),
    ).toBe('ValidationError: Parameters: [Need] must have values');
    expect(await refuse({ parameters: [{ key: 'Nope', value: '1' }] })).toBe(
      'ValidationError: Parameters: [Nope] do not exist in the template',
    );
    expect(await refuse({ stackName: '1bad' })).toMatch(
      /^ValidationError: 1 validation error detected: Value '1bad' at 'stackName' failed to satisfy constraint/,
    );
    expect(await refuse({ templateBody: `${template({ A: 'AWS::SQS::Queue' })}#${'x'.repeat(51_200)}` })).toMatch(
      /Member must have length less than or equal to 51200$/,
    );
    // Nothing was left behind by the refusals.
    expect(await s.cf.describeStack('data')).toBeUndefined();
  });
});
