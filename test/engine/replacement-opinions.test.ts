/**
 * Guards take the worse of two opinions (issue 11, item 2): the change set's Replacement and the
 * resource spec's verdict on what changes. The fake CloudFormation answers a Modify as moto does
 * (Replacement False or nothing, no Details), so every combination is reproducible here.
 */
import { describe, expect, it } from 'vitest';
import type { ResourceChange, ResourceChangeDetail } from '../../src/aws/ports.js';
import { changedInputs, judgeReplacements } from '../../src/engine/guards/replacement-opinions.js';
import { planRun } from '../../src/engine/plan/plan-run.js';
import type { Approver } from '../../src/engine/guards/approvals.js';
import { loadResourceSpec } from '../../src/spec/resource-spec.js';
import { parseTemplate } from '../../src/template/parse-template.js';
import { deploy, doneOf, makeProject, methods, ofType, world } from './support.js';

const TABLE = `
Parameters:
  Mode:
    Type: String
    Default: PAY_PER_REQUEST
Resources:
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: !Ref Mode
      AttributeDefinitions:
        - AttributeName: pk
          AttributeType: S
      KeySchema:
        - AttributeName: pk
          KeyType: HASH
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: 30
`;
/** The table keyed by another attribute: KeySchema replaces a DynamoDB table (spec: createOnly). */
const REKEYED = TABLE.replaceAll('AttributeName: pk', 'AttributeName: id');

const refuse: Approver = (request) => Promise.resolve({ approved: false, reason: `refused: ${request.reason}` });

function modify(overrides: Partial<ResourceChange> = {}): ResourceChange {
  return {
    action: 'Modify',
    logicalId: 'Table',
    physicalId: 'orders-table',
    resourceType: 'AWS::DynamoDB::Table',
    replacement: undefined,
    scope: [],
    details: [],
    ...overrides,
  };
}

function detail(name: string, requiresRecreation: string, evaluation = 'Static'): ResourceChangeDetail {
  return {
    attribute: 'Properties',
    name,
    requiresRecreation,
    changeSource: 'DirectModification',
    causingEntity: undefined,
    evaluation,
  };
}

const body = (text: string) => parseTemplate(text, 'data.yaml').body;

async function deployedThen(next: string, stateful = true) {
  const w = world();
  const first = await makeProject({ data: { template: TABLE } });
  await deploy(first.project, w);
  const { project } = await makeProject({ data: { template: next } }, { dir: first.dir });
  const stack = project.config.stacks[0];
  if (!stack) throw new Error('no stack');
  stack.stateful = stateful;
  return { w, project, before: w.fake.calls.length };
}

describe('judgeReplacements: the worse of the change set and the spec', () => {
  it("raises a detail's RequiresRecreation Never to the spec's Always, and Replacement False to True", async () => {
    const spec = await loadResourceSpec();
    const { changes } = judgeReplacements({
      changes: [modify({ replacement: 'False', details: [detail('KeySchema', 'Never')] })],
      spec,
    });
    expect(changes[0]).toMatchObject({
      replacement: 'True',
      details: [{ name: 'KeySchema', requiresRecreation: 'Always' }],
    });
  });

  it('says Conditional for an Always property changed only dynamically, and for a "maybe" property', async () => {
    const spec = await loadResourceSpec();
    const { changes } = judgeReplacements({
      changes: [
        modify({ details: [detail('KeySchema', 'Never', 'Dynamic')] }),
        modify({
          logicalId: 'Vpc',
          resourceType: 'AWS::EC2::VPC',
          replacement: 'False',
          details: [detail('InstanceTenancy', 'Never')],
        }),
      ],
      spec,
    });
    expect(changes.map((c) => c.replacement)).toEqual(['Conditional', 'Conditional']);
  });

  it('keeps the change set when it says worse than the spec (True stays True; Never properties stay False)', async () => {
    const spec = await loadResourceSpec();
    const said = [
      modify({ replacement: 'True', details: [detail('BillingMode', 'Never')] }),
      modify({ replacement: 'False', details: [detail('BillingMode', 'Never')] }),
    ];
    const { changes, unexplained } = judgeReplacements({ changes: said, spec });
    expect(changes).toEqual(said);
    expect(unexplained.size).toBe(0);
  });

  it('without details, diffs the deployed template with the new one and names the property', async () => {
    const spec = await loadResourceSpec();
    const { changes, unexplained } = judgeReplacements({
      changes: [modify()],
      spec,
      deployedTemplate: body(TABLE),
      newTemplate: body(REKEYED),
    });
    expect(changes[0]?.replacement).toBe('True');
    expect(changes[0]?.details.filter((d) => d.requiresRecreation === 'Always').map((d) => d.name)).toEqual([
      'KeySchema',
    ]);
    expect(unexplained.size).toBe(0);
  });

  it('judges a Modify no property explains Conditional, unless its type cannot be replaced or is custom', async () => {
    const spec = await loadResourceSpec();
    const { changes, unexplained } = judgeReplacements({
      changes: [
        modify({ replacement: 'False' }),
        modify({ logicalId: 'Handle', resourceType: 'AWS::CloudFormation::WaitConditionHandle' }),
        modify({ logicalId: 'Custom', resourceType: 'Custom::Seed' }),
      ],
      spec,
      deployedTemplate: body(TABLE),
      newTemplate: body(TABLE),
    });
    expect(changes.map((c) => c.replacement)).toEqual(['Conditional', undefined, undefined]);
    expect([...unexplained]).toEqual(['Table']);
  });
});

describe('changedInputs and replacing properties fed by them', () => {
  it('counts changed, masked and SSM-typed parameters as changed, and defaults as sent', () => {
    const param = (name: string, type = 'String', def?: string) => ({
      name,
      type,
      default: def,
      noEcho: false,
      location: { file: 'data.yaml' },
    });
    const changed = changedInputs({
      deployed: [
        { key: 'Same', value: 'a' },
        { key: 'Edited', value: 'a' },
        { key: 'Secret', value: '****' },
        { key: 'Latest', value: '/ami' },
        { key: 'Defaulted', value: 'x' },
      ],
      template: [
        param('Same'),
        param('Edited'),
        param('Secret'),
        param('Latest', 'AWS::SSM::Parameter::Value<String>'),
        param('Defaulted', 'String', 'x'),
      ],
      sent: [
        { key: 'Same', value: 'a' },
        { key: 'Edited', value: 'b' },
        { key: 'Secret', value: 's' },
        { key: 'Latest', value: '/ami' },
      ],
    });
    expect([[...changed.changed], [...changed.uncertain].sort()]).toEqual([['Edited'], ['Latest', 'Secret']]);
  });

  it('names a replacing property whose parameter changed, beside a direct edit, as Conditional', async () => {
    const spec = await loadResourceSpec();
    const named = TABLE.replace(
      '    Properties:\n      BillingMode',
      '    Properties:\n      TableName: !Sub "${Mode}-orders"\n      BillingMode',
    );
    const { changes, unexplained } = judgeReplacements({
      changes: [modify({ replacement: 'False' })],
      spec,
      deployedTemplate: body(named),
      newTemplate: body(named.replace('VisibilityTimeout: 30', 'VisibilityTimeout: 60')),
      parameters: { changed: new Set(['Mode']), uncertain: new Set() },
    });
    expect(changes[0]).toMatchObject({
      replacement: 'Conditional',
      details: [
        { name: 'TableName', changeSource: 'ParameterReference', causingEntity: 'Mode', evaluation: 'Dynamic' },
      ],
    });
    expect(unexplained.size).toBe(0);
  });

  it('adds the Modify a change set without any detail leaves out (moto lists none for a parameter change)', async () => {
    const spec = await loadResourceSpec();
    const named = TABLE.replace('BillingMode: !Ref Mode', 'BillingMode: PAY_PER_REQUEST\n      TableName: !Ref Mode');
    const judge = (
      changes: ResourceChange[],
      parameters = { changed: new Set(['Mode']), uncertain: new Set<string>() },
    ) =>
      judgeReplacements({ changes, spec, deployedTemplate: body(named), newTemplate: body(named), parameters }).changes;

    expect(judge([])).toMatchObject([
      {
        action: 'Modify',
        logicalId: 'Table',
        replacement: 'Conditional',
        details: [{ name: 'TableName', changeSource: 'ParameterReference', causingEntity: 'Mode' }],
      },
    ]);
    // A change set with details is CloudFormation's full answer; a masked or SSM value is no known change.
    const detailed = modify({
      logicalId: 'Queue',
      resourceType: 'AWS::SQS::Queue',
      replacement: 'False',
      details: [detail('VisibilityTimeout', 'Never')],
    });
    expect(judge([detailed]).map((c) => c.logicalId)).toEqual(['Queue']);
    expect(judge([], { changed: new Set(), uncertain: new Set(['Mode']) })).toEqual([]);
  });
});

describe('the data guard and approvals on a server whose change sets omit Replacement and Details', () => {
  it('blocks a KeySchema change the change set calls Replacement False: property named, nothing executed', async () => {
    const { w, project, before } = await deployedThen(REKEYED);
    const { events, result } = await deploy(project, w);

    const done = doneOf(events, 'data');
    expect(done.status).toBe('blocked');
    expect(done.reason).toContain('Table (AWS::DynamoDB::Table) would be replaced because KeySchema changes');
    expect(done.reason).toContain('--allow-replace data.Table');
    expect(methods(w).slice(before)).not.toContain('executeChangeSet');
    expect(result.exitCode).toBe(1);
    // The deployed template was read once, for the same-deployment check and the diff alike.
    expect(
      methods(w)
        .slice(before)
        .filter((m) => m === 'getTemplate'),
    ).toHaveLength(1);
  });

  it('lets it through with --allow-replace data.Table (and asks, as for any replacement)', async () => {
    const { w, project } = await deployedThen(REKEYED);
    const { events, approvals } = await deploy(project, w, { allowReplace: new Set(['data.Table']) });
    expect(doneOf(events, 'data').status).toBe('updated');
    expect(approvals.map((a) => a.flagged.map((c) => `${c.logicalId} ${c.replacement ?? ''}`))).toEqual([
      ['Table True'],
    ]);
  });

  it('asks for approval when the spec says "may replace" for a resource outside the data guard', async () => {
    const w = world();
    const vpc = (tenancy: string) =>
      `Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: 10.0.0.0/16\n      InstanceTenancy: ${tenancy}\n`;
    const first = await makeProject({ net: { template: vpc('default') } });
    await deploy(first.project, w);
    const { project } = await makeProject({ net: { template: vpc('dedicated') } }, { dir: first.dir });
    const { events, approvals } = await deploy(project, w, { approve: refuse });

    expect(approvals.map((a) => a.flagged.map((c) => `${c.logicalId} ${c.replacement ?? ''}`))).toEqual([
      ['Vpc Conditional'],
    ]);
    expect(doneOf(events, 'net').status).toBe('blocked');
    const ready = ofType(events, 'stack:changeset').find((e) => e.phase === 'ready');
    expect(ready?.changes).toEqual([
      { action: 'Modify', logicalId: 'Vpc', resourceType: 'AWS::EC2::VPC', replacement: 'Conditional' },
    ]);
  });

  it('never executes silently a Modify of a stateful resource that no property explains (a parameter change)', async () => {
    const { w, project, before } = await deployedThen(TABLE);
    const stack = project.config.stacks[0];
    if (stack) stack.parameters = { Mode: 'PROVISIONED' };
    const { events, approvals } = await deploy(project, w, { approve: refuse });

    expect(approvals).toHaveLength(1);
    expect(approvals[0]?.flagged.map((c) => `${c.logicalId} ${c.replacement ?? ''}`)).toEqual(['Table Conditional']);
    expect(approvals[0]?.reason).toBe('1 resource is removed or replaced: Table (may be replaced)');
    expect(ofType(events, 'stack:warning').map((e) => e.message)).toContainEqual(
      expect.stringContaining(
        'Table (AWS::DynamoDB::Table) changes, but neither the change set nor the template names',
      ),
    );
    expect(doneOf(events, 'data').status).toBe('blocked');
    expect(methods(w).slice(before)).not.toContain('executeChangeSet');
  });

  it('blocks a table whose TableName comes from a changed parameter, beside a direct in-place edit', async () => {
    const named = TABLE.replace(
      '    Properties:\n      BillingMode: !Ref Mode',
      '    Properties:\n      TableName: !Ref Mode\n      BillingMode: PAY_PER_REQUEST',
    );
    const w = world();
    const first = await makeProject({ data: { template: named } });
    await deploy(first.project, w);
    const { project } = await makeProject(
      {
        data: {
          template: named.replace('BillingMode: PAY_PER_REQUEST', 'BillingMode: PROVISIONED'),
          parameters: { Mode: 'orders' },
        },
      },
      { dir: first.dir },
    );
    const { events } = await deploy(project, w);
    expect(doneOf(events, 'data').reason).toContain(
      'Table (AWS::DynamoDB::Table) may be replaced because TableName changes',
    );
  });

  it('makes plan exit 1 where deploy would block', async () => {
    const { w, project, before } = await deployedThen(REKEYED);
    const result = await planRun({
      project,
      stacks: ['data'],
      ports: w.fake.ports,
      clock: w.clock,
      emit: () => undefined,
    });
    expect(result.stacks[0]).toMatchObject({ status: 'blocked' });
    expect(result.stacks[0]?.reason).toContain('would be replaced because KeySchema changes');
    expect(result.detailedExitCode).toBe(1);
    expect(methods(w).slice(before)).not.toContain('executeChangeSet');
  });
});
