import { describe, expect, it } from 'vitest';
import { asResourceChanges, predictChanges } from '../../src/engine/predict-changes.js';
import { checkStatefulChanges } from '../../src/engine/guards/stateful-guard.js';
import { loadResourceSpec } from '../../src/spec/resource-spec.js';
import type { TemplateObject } from '../../src/template/parse-template.js';

const spec = await loadResourceSpec();

const TABLE = {
  Type: 'AWS::DynamoDB::Table',
  DeletionPolicy: 'Retain',
  Properties: {
    TableName: { 'Fn::Sub': '${Project}-orders' },
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
  },
};
const QUEUE = { Type: 'AWS::SQS::Queue', Properties: { VisibilityTimeout: 30 } };
const TOPIC = { Type: 'AWS::SNS::Topic' };

function template(resources: Record<string, unknown>, outputs?: Record<string, unknown>): TemplateObject {
  return JSON.parse(
    JSON.stringify({ Resources: resources, ...(outputs ? { Outputs: outputs } : {}) }),
  ) as TemplateObject;
}

describe('predictChanges: the deployed template against the local one, as written', () => {
  it('finds nothing in identical templates', () => {
    const t = template({ Table: TABLE, Queue: QUEUE });
    expect(predictChanges({ deployed: t, local: template({ Table: TABLE, Queue: QUEUE }), spec })).toEqual({
      deployed: true,
      resources: [],
      outputs: [],
    });
  });

  it('counts the resources of a stack that is not deployed', () => {
    expect(predictChanges({ deployed: undefined, local: template({ Table: TABLE, Queue: QUEUE }), spec })).toEqual({
      deployed: false,
      resourceCount: 2,
    });
  });

  it('lists Add, Modify and Remove, with the replacement per changed property and the DeletionPolicy of removals', () => {
    const deployed = template({ Table: TABLE, Queue: QUEUE, Old: { ...TABLE, DeletionPolicy: 'Retain' }, Gone: TOPIC });
    const edited = {
      ...TABLE,
      Properties: {
        ...TABLE.Properties,
        BillingMode: 'PROVISIONED',
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      },
    };
    const local = template({ Table: edited, Queue: { ...QUEUE, Properties: { VisibilityTimeout: 60 } }, New: TOPIC });
    const p = predictChanges({ deployed, local, spec });
    if (!p.deployed) throw new Error('expected a deployed stack');
    expect(p.resources.map((r) => [r.action, r.logicalId, r.replacement ?? '-', r.deletionPolicy ?? '-'])).toEqual([
      ['Modify', 'Table', 'True', '-'],
      ['Modify', 'Queue', 'False', '-'],
      ['Add', 'New', '-', '-'],
      ['Remove', 'Old', '-', 'Retain'],
      ['Remove', 'Gone', '-', '-'],
    ]);
    expect(p.resources[0]?.properties).toEqual([
      { name: 'BillingMode', recreation: 'Never' },
      { name: 'KeySchema', recreation: 'Always' },
    ]);
  });

  it('compares intrinsic functions as expressions, and says Conditional for a "maybe" property', () => {
    const instance = { Type: 'AWS::EC2::Instance', Properties: { InstanceType: { Ref: 'Size' }, ImageId: 'ami-1' } };
    const deployed = template({ Table: TABLE, Vm: instance });
    const local = template({
      Table: { ...TABLE, Properties: { ...TABLE.Properties, TableName: { 'Fn::Sub': '${Project}-orders-v2' } } },
      Vm: { ...instance, Properties: { ...instance.Properties, InstanceType: { Ref: 'OtherSize' } } },
    });
    const p = predictChanges({ deployed, local, spec });
    if (!p.deployed) throw new Error('expected a deployed stack');
    expect(p.resources.map((r) => [r.logicalId, r.replacement])).toEqual([
      ['Table', 'True'],
      ['Vm', 'Conditional'],
    ]);
  });

  it('never replaces a custom resource for a property change, and reports attribute edits', () => {
    const custom = { Type: 'Custom::Seed', Properties: { ServiceToken: 'arn:a', Rows: 1 } };
    const deployed = template({ Seed: custom, Table: TABLE });
    const local = template({
      Seed: { ...custom, Properties: { ServiceToken: 'arn:b', Rows: 2 } },
      Table: { ...TABLE, DeletionPolicy: 'Delete' },
    });
    const p = predictChanges({ deployed, local, spec });
    if (!p.deployed) throw new Error('expected a deployed stack');
    expect(p.resources.map((r) => [r.logicalId, r.replacement, r.attributes])).toEqual([
      ['Seed', 'False', []],
      ['Table', 'False', ['DeletionPolicy']],
    ]);
  });

  it('lists removed and changed outputs and what happens to their exports', () => {
    const out = (value: unknown, exportName?: string) => ({
      Value: value,
      ...(exportName ? { Export: { Name: exportName } } : {}),
    });
    const deployed = template(
      { Queue: QUEUE },
      { A: out({ Ref: 'Queue' }, 'x-A'), B: out('b', 'x-B'), C: out('c'), D: out('d', 'x-D') },
    );
    const local = template(
      { Queue: QUEUE },
      { A: out({ 'Fn::GetAtt': ['Queue', 'Arn'] }, 'x-A'), C: out('c2'), D: out('d') },
    );
    const p = predictChanges({ deployed, local, spec });
    if (!p.deployed) throw new Error('expected a deployed stack');
    expect(p.outputs).toEqual([
      { action: 'Modify', name: 'A', exportName: 'x-A', exportChange: 'changed' },
      { action: 'Remove', name: 'B', exportName: 'x-B', exportChange: 'removed' },
      { action: 'Modify', name: 'C', exportName: undefined, exportChange: undefined },
      { action: 'Modify', name: 'D', exportName: 'x-D', exportChange: 'removed' },
    ]);
  });

  it('feeds the data guard of deploy: a replaced table is blocked, a retained removal only warned about', () => {
    const deployed = template({ Table: TABLE, Kept: TABLE });
    const local = template({
      Table: { ...TABLE, Properties: { ...TABLE.Properties, KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }] } },
    });
    const p = predictChanges({ deployed, local, spec });
    if (!p.deployed) throw new Error('expected a deployed stack');
    const guard = checkStatefulChanges({
      stack: 'data',
      stateful: true,
      changes: asResourceChanges(p.resources),
      deployedTemplate: deployed,
      allowReplace: new Set(),
    });
    expect(guard.blocked).toEqual([
      'Table (AWS::DynamoDB::Table) would be replaced because KeySchema changes, losing its data; to allow it: --allow-replace data.Table',
    ]);
    expect(guard.warnings).toEqual([
      expect.stringContaining('Kept (AWS::DynamoDB::Table) leaves the stack but is kept (DeletionPolicy Retain)'),
    ]);
    const allowed = checkStatefulChanges({
      stack: 'data',
      stateful: true,
      changes: asResourceChanges(p.resources),
      deployedTemplate: deployed,
      allowReplace: new Set(['data.Table']),
    });
    expect(allowed.blocked).toEqual([]);
  });
});
