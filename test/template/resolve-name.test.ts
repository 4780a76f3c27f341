import { describe, expect, it } from 'vitest';
import { isExact, resolveName } from '../../src/template/index.js';
import type { ResolveContext, TemplateObject } from '../../src/template/index.js';

const parameters = new Map([
  ['Project', 'orders'],
  ['Stage', 'dev'],
]);
const context: ResolveContext = { stackName: 'orders-dev-data', region: 'eu-west-1', parameters };

describe('resolveName: literals and Ref', () => {
  it('returns plain strings, numbers and booleans as they are', () => {
    expect(resolveName('orders-dev-TableName', context)).toEqual({ value: 'orders-dev-TableName', unknowns: [] });
    expect(resolveName(42, context)).toEqual({ value: '42', unknowns: [] });
    expect(resolveName(false, context)).toEqual({ value: 'false', unknowns: [] });
  });

  it('resolves a Ref to a known parameter', () => {
    expect(resolveName({ Ref: 'Stage' }, context)).toEqual({ value: 'dev', unknowns: [] });
  });

  it('keeps a Ref to an unknown parameter or a resource as a placeholder', () => {
    expect(resolveName({ Ref: 'Table' }, context)).toEqual({ value: '${Table}', unknowns: ['Table'] });
  });

  it.each([
    ['AWS::StackName', 'eu-west-1', 'orders-dev-data'],
    ['AWS::Region', 'eu-west-1', 'eu-west-1'],
    ['AWS::Partition', 'eu-west-1', 'aws'],
    ['AWS::Partition', 'cn-north-1', 'aws-cn'],
    ['AWS::Partition', 'us-gov-west-1', 'aws-us-gov'],
    ['AWS::URLSuffix', 'eu-west-1', 'amazonaws.com'],
    ['AWS::URLSuffix', 'cn-northwest-1', 'amazonaws.com.cn'],
  ])('resolves Ref %s in %s to %s', (pseudo, region, expected) => {
    expect(resolveName({ Ref: pseudo }, { ...context, region })).toEqual({ value: expected, unknowns: [] });
  });

  it('leaves AWS::AccountId unknown', () => {
    expect(resolveName({ Ref: 'AWS::AccountId' }, context)).toEqual({
      value: '${AWS::AccountId}',
      unknowns: ['AWS::AccountId'],
    });
  });

  it('leaves region-dependent pseudo parameters unknown without a region or stack name', () => {
    const bare: ResolveContext = { parameters };
    expect(
      resolveName({ 'Fn::Sub': '${AWS::StackName}/${AWS::Region}/${AWS::Partition}/${AWS::URLSuffix}' }, bare),
    ).toEqual({
      value: '${AWS::StackName}/${AWS::Region}/${AWS::Partition}/${AWS::URLSuffix}',
      unknowns: ['AWS::StackName', 'AWS::Region', 'AWS::Partition', 'AWS::URLSuffix'],
    });
  });

  it('lets a parameter never shadow a pseudo parameter', () => {
    const shadowed: ResolveContext = { ...context, parameters: new Map([['AWS::Region', 'xx-fake-1']]) };
    expect(resolveName({ Ref: 'AWS::Region' }, shadowed).value).toBe('eu-west-1');
  });
});

describe('resolveName: Fn::Sub', () => {
  it('substitutes parameters and pseudo parameters', () => {
    expect(resolveName({ 'Fn::Sub': '${AWS::StackName}-${Stage}-Url' }, context)).toEqual({
      value: 'orders-dev-data-dev-Url',
      unknowns: [],
    });
  });

  it('keeps ${!Literal} as the literal ${Literal}, which is not an unknown', () => {
    expect(resolveName({ 'Fn::Sub': '${!Literal}-${Stage}' }, context)).toEqual({
      value: '${Literal}-dev',
      unknowns: [],
    });
  });

  it('puts AWS::AccountId in the value and in unknowns', () => {
    expect(resolveName({ 'Fn::Sub': 'arn:aws:iam::${AWS::AccountId}:role/${Project}' }, context)).toEqual({
      value: 'arn:aws:iam::${AWS::AccountId}:role/orders',
      unknowns: ['AWS::AccountId'],
    });
  });

  it('uses the local variables of the list form, including intrinsic ones', () => {
    const expression = {
      'Fn::Sub': [
        '${Prefix}/${Name}/${Stage}',
        {
          Prefix: 'static',
          Name: { 'Fn::Join': ['-', [{ Ref: 'Project' }, { Ref: 'AWS::Region' }]] },
        },
      ],
    };
    expect(resolveName(expression, context)).toEqual({ value: 'static/orders-eu-west-1/dev', unknowns: [] });
  });

  it('prefers a local variable to a parameter of the same name', () => {
    expect(resolveName({ 'Fn::Sub': ['${Stage}', { Stage: 'prod' }] }, context).value).toBe('prod');
  });

  it('reports an unknown inside a local variable', () => {
    expect(resolveName({ 'Fn::Sub': ['${Arn}/x', { Arn: { 'Fn::GetAtt': ['Table', 'Arn'] } }] }, context)).toEqual({
      value: '${Table.Arn}/x',
      unknowns: ['Table.Arn'],
    });
  });

  it('leaves ${Resource.Attribute} unknown', () => {
    expect(resolveName({ 'Fn::Sub': '${Project}-${Bucket.Arn}' }, context)).toEqual({
      value: 'orders-${Bucket.Arn}',
      unknowns: ['Bucket.Arn'],
    });
  });

  it('lists each unknown once, in order of appearance', () => {
    expect(resolveName({ 'Fn::Sub': '${Missing}-${AWS::AccountId}-${Missing}' }, context)).toEqual({
      value: '${Missing}-${AWS::AccountId}-${Missing}',
      unknowns: ['Missing', 'AWS::AccountId'],
    });
  });

  it('resolves parameters whose names are Object.prototype keys', () => {
    const odd: ResolveContext = {
      parameters: new Map([
        ['constructor', 'c'],
        ['toString', 't'],
      ]),
    };
    expect(resolveName({ 'Fn::Sub': '${constructor}-${toString}' }, odd)).toEqual({ value: 'c-t', unknowns: [] });
  });

  it('gives up on a Sub whose template is not a string', () => {
    expect(resolveName({ 'Fn::Sub': [{ Ref: 'Stage' }] }, context)).toEqual({
      value: '${Fn::Sub}',
      unknowns: ['Fn::Sub'],
    });
  });
});

describe('resolveName: Fn::Join, Fn::FindInMap, Fn::Select', () => {
  it('joins resolved pieces with the delimiter', () => {
    expect(resolveName({ 'Fn::Join': ['-', [{ Ref: 'Project' }, { Ref: 'Stage' }, 'TableName']] }, context)).toEqual({
      value: 'orders-dev-TableName',
      unknowns: [],
    });
    expect(resolveName({ 'Fn::Join': ['', ['a', { Ref: 'AWS::AccountId' }]] }, context)).toEqual({
      value: 'a${AWS::AccountId}',
      unknowns: ['AWS::AccountId'],
    });
  });

  it('gives up on a malformed Join', () => {
    expect(resolveName({ 'Fn::Join': ['-', { Ref: 'List' }] }, context)).toEqual({
      value: '${Fn::Join}',
      unknowns: ['Fn::Join'],
    });
  });

  const mappings: TemplateObject = {
    Names: {
      dev: { Table: 'orders-dev', Shards: 2 },
      'eu-west-1': { Table: 'orders-ireland' },
    },
  };

  it('looks up Fn::FindInMap in the mappings, with resolved keys', () => {
    const withMappings: ResolveContext = { ...context, mappings };
    expect(resolveName({ 'Fn::FindInMap': ['Names', { Ref: 'Stage' }, 'Table'] }, withMappings)).toEqual({
      value: 'orders-dev',
      unknowns: [],
    });
    expect(resolveName({ 'Fn::FindInMap': ['Names', { Ref: 'AWS::Region' }, 'Table'] }, withMappings).value).toBe(
      'orders-ireland',
    );
    expect(resolveName({ 'Fn::FindInMap': ['Names', 'dev', 'Shards'] }, withMappings).value).toBe('2');
  });

  it('leaves a FindInMap with a missing key or without mappings unknown', () => {
    expect(resolveName({ 'Fn::FindInMap': ['Names', 'prod', 'Table'] }, { ...context, mappings })).toEqual({
      value: '${FindInMap Names}',
      unknowns: ['FindInMap Names'],
    });
    expect(resolveName({ 'Fn::FindInMap': ['Names', 'dev', 'Table'] }, context).unknowns).toEqual(['FindInMap Names']);
  });

  it('selects an item by number or by numeric string', () => {
    expect(resolveName({ 'Fn::Select': [1, ['a', { Ref: 'Stage' }, 'c']] }, context)).toEqual({
      value: 'dev',
      unknowns: [],
    });
    expect(resolveName({ 'Fn::Select': ['2', ['a', 'b', 'c']] }, context).value).toBe('c');
  });

  it('gives up on a Select out of range or over a list it cannot compute', () => {
    expect(resolveName({ 'Fn::Select': [3, ['a']] }, context).unknowns).toEqual(['Fn::Select']);
    expect(resolveName({ 'Fn::Select': [0, { 'Fn::GetAZs': '' }] }, context).unknowns).toEqual(['Fn::Select']);
  });
});

describe('resolveName: values known only after deploy', () => {
  it('names a GetAtt by Resource.Attribute', () => {
    expect(resolveName({ 'Fn::GetAtt': ['Table', 'StreamArn'] }, context)).toEqual({
      value: '${Table.StreamArn}',
      unknowns: ['Table.StreamArn'],
    });
  });

  it('names an ImportValue by its resolved export name', () => {
    expect(resolveName({ 'Fn::ImportValue': { 'Fn::Sub': '${Project}-VpcId' } }, context)).toEqual({
      value: '${ImportValue orders-VpcId}',
      unknowns: ['ImportValue orders-VpcId'],
    });
  });

  it('names any other function by its key', () => {
    expect(resolveName({ 'Fn::Base64': 'x' }, context)).toEqual({ value: '${Fn::Base64}', unknowns: ['Fn::Base64'] });
  });

  it('marks null, arrays and multi-key objects as ?', () => {
    expect(resolveName(null, context).unknowns).toEqual(['?']);
    expect(resolveName(['a'], context).unknowns).toEqual(['?']);
    expect(resolveName({ Ref: 'Stage', Extra: 'x' }, context).unknowns).toEqual(['?']);
  });
});

describe('isExact', () => {
  it('is true only without unknowns', () => {
    expect(isExact(resolveName({ Ref: 'Stage' }, context))).toBe(true);
    expect(isExact(resolveName({ Ref: 'AWS::AccountId' }, context))).toBe(false);
  });
});
