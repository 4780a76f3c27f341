import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TemplateError } from '../../src/errors.js';
import { parseTemplate, readTemplate } from '../../src/template/index.js';
import type { TemplateValue } from '../../src/template/index.js';
import { arrayAt, dedent, objectAt, parseError, parseYaml, valueAt } from '../helpers/template-fixtures.js';

/** Parses `snippet` as the value of a resource property and returns it. */
function propertyValue(snippet: string): TemplateValue {
  const template = parseYaml(`Resources:\n  R:\n    Type: AWS::X::Y\n    Properties:\n      V: ${snippet}\n`);
  return valueAt(template.body, 'Resources', 'R', 'Properties', 'V');
}

describe('parseTemplate: short-form tags', () => {
  it.each<[string, string, TemplateValue]>([
    ['!Ref', '!Ref Stage', { Ref: 'Stage' }],
    ['!Ref to a pseudo parameter', "!Ref 'AWS::Region'", { Ref: 'AWS::Region' }],
    ['!GetAtt dotted', '!GetAtt Table.Arn', { 'Fn::GetAtt': ['Table', 'Arn'] }],
    ['!GetAtt list', '!GetAtt [Table, Arn]', { 'Fn::GetAtt': ['Table', 'Arn'] }],
    [
      '!GetAtt of a nested stack output (first dot only)',
      '!GetAtt Network.Outputs.VpcId',
      { 'Fn::GetAtt': ['Network', 'Outputs.VpcId'] },
    ],
    ['!Sub string', "!Sub '${Project}-${Stage}-vpc'", { 'Fn::Sub': '${Project}-${Stage}-vpc' }],
    [
      '!Sub list with variables',
      "!Sub ['${Name}-x', {Name: !Ref Stage}]",
      { 'Fn::Sub': ['${Name}-x', { Name: { Ref: 'Stage' } }] },
    ],
    ['!ImportValue', '!ImportValue shared-VpcId', { 'Fn::ImportValue': 'shared-VpcId' }],
    ['!Join', "!Join [',', [a, b]]", { 'Fn::Join': [',', ['a', 'b']] }],
    ['!Select', '!Select [1, [a, b]]', { 'Fn::Select': [1, ['a', 'b']] }],
    ['!Split', "!Split [',', 'a,b']", { 'Fn::Split': [',', 'a,b'] }],
    ['!If', '!If [IsProd, big, small]', { 'Fn::If': ['IsProd', 'big', 'small'] }],
    ['!Equals', '!Equals [!Ref Stage, prod]', { 'Fn::Equals': [{ Ref: 'Stage' }, 'prod'] }],
    ['!And', '!And [!Condition A, !Condition B]', { 'Fn::And': [{ Condition: 'A' }, { Condition: 'B' }] }],
    ['!Or', '!Or [!Condition A, !Equals [a, b]]', { 'Fn::Or': [{ Condition: 'A' }, { 'Fn::Equals': ['a', 'b'] }] }],
    ['!Not', '!Not [!Equals [!Ref Stage, prod]]', { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'Stage' }, 'prod'] }] }],
    ['!Condition (no Fn:: prefix)', '!Condition IsProd', { Condition: 'IsProd' }],
    [
      '!FindInMap',
      "!FindInMap [RegionMap, !Ref 'AWS::Region', Ami]",
      { 'Fn::FindInMap': ['RegionMap', { Ref: 'AWS::Region' }, 'Ami'] },
    ],
    ['!GetAZs with an empty string', "!GetAZs ''", { 'Fn::GetAZs': '' }],
    ['!GetAZs with a region', '!GetAZs eu-west-1', { 'Fn::GetAZs': 'eu-west-1' }],
    ['!Base64', '!Base64 hello', { 'Fn::Base64': 'hello' }],
    ['!Cidr', '!Cidr [10.0.0.0/16, 6, 5]', { 'Fn::Cidr': ['10.0.0.0/16', 6, 5] }],
    [
      '!Transform (mapping form)',
      '!Transform {Name: AWS::Include, Parameters: {Location: s3://b/k.yaml}}',
      { 'Fn::Transform': { Name: 'AWS::Include', Parameters: { Location: 's3://b/k.yaml' } } },
    ],
    ['!Length', '!Length [a, b]', { 'Fn::Length': ['a', 'b'] }],
    ['!ToJsonString', '!ToJsonString {a: 1}', { 'Fn::ToJsonString': { a: 1 } }],
  ])('%s', (_name, snippet, expected) => {
    expect(propertyValue(snippet)).toEqual(expected);
  });

  it('converts nested tags inside flow sequences', () => {
    expect(propertyValue("!Select [0, !GetAZs '']")).toEqual({ 'Fn::Select': [0, { 'Fn::GetAZs': '' }] });
    expect(propertyValue("!Join ['', [!Ref A, '-', !GetAtt B.Name]]")).toEqual({
      'Fn::Join': ['', [{ Ref: 'A' }, '-', { 'Fn::GetAtt': ['B', 'Name'] }]],
    });
    expect(propertyValue("!If [IsProd, !Ref Big, !Ref 'AWS::NoValue']")).toEqual({
      'Fn::If': ['IsProd', { Ref: 'Big' }, { Ref: 'AWS::NoValue' }],
    });
  });

  it('converts a short form under a long-form key (`Fn::ImportValue: !Sub ...`)', () => {
    const template = parseYaml(dedent`
      Resources:
        Fn:
          Type: AWS::Lambda::Function
          Properties:
            Role:
              Fn::ImportValue: !Sub '\${Project}-\${Stage}-RoleArn'
    `);
    expect(valueAt(template.body, 'Resources', 'Fn', 'Properties', 'Role')).toEqual({
      'Fn::ImportValue': { 'Fn::Sub': '${Project}-${Stage}-RoleArn' },
    });
  });

  it('converts tags on block sequences and block mappings', () => {
    const template = parseYaml(dedent`
      Resources:
        Policy:
          Type: AWS::IAM::Policy
          Properties:
            Resource: !Sub
              - 'arn:\${AWS::Partition}:s3:::\${BucketName}/*'
              - BucketName: !Ref DataBucketName
            SubnetIds: !Split
              - ','
              - Fn::ImportValue: !Sub '\${Project}-PrivateSubnetIds'
            Included: !Transform
              Name: AWS::Include
              Parameters:
                Location: s3://bucket/snippet.yaml
    `);
    const properties = objectAt(template.body, 'Resources', 'Policy', 'Properties');
    expect(properties.Resource).toEqual({
      'Fn::Sub': ['arn:${AWS::Partition}:s3:::${BucketName}/*', { BucketName: { Ref: 'DataBucketName' } }],
    });
    expect(properties.SubnetIds).toEqual({
      'Fn::Split': [',', { 'Fn::ImportValue': { 'Fn::Sub': '${Project}-PrivateSubnetIds' } }],
    });
    expect(properties.Included).toEqual({
      'Fn::Transform': { Name: 'AWS::Include', Parameters: { Location: 's3://bucket/snippet.yaml' } },
    });
  });

  it('leaves long forms untouched', () => {
    expect(propertyValue("{'Fn::GetAtt': [Table, Arn]}")).toEqual({ 'Fn::GetAtt': ['Table', 'Arn'] });
    expect(propertyValue('{Ref: Stage}')).toEqual({ Ref: 'Stage' });
  });

  // YAML 1.1, as CloudFormation reads templates (test/template/yaml-versions.test.ts has the rest).
  it('keeps scalars typed as YAML 1.1 reads them', () => {
    const template = parseYaml(dedent`
      AWSTemplateFormatVersion: '2010-09-09'
      Resources:
        R:
          Type: AWS::X::Y
          Properties:
            Count: 3
            Ratio: 0.5
            Enabled: true
            Nothing: null
            Quoted: '42'
            Word: yes
    `);
    expect(template.body.AWSTemplateFormatVersion).toBe('2010-09-09');
    expect(objectAt(template.body, 'Resources', 'R', 'Properties')).toEqual({
      Count: 3,
      Ratio: 0.5,
      Enabled: true,
      Nothing: null,
      Quoted: '42',
      Word: true,
    });
  });
});

describe('parseTemplate: JSON', () => {
  const yamlText = dedent`
    Parameters:
      Stage:
        Type: String
        Default: dev
    Resources:
      Table:
        Type: AWS::DynamoDB::Table
        Properties:
          TableName: !Sub '\${Stage}-orders'
          BillingMode: PAY_PER_REQUEST
          Tags:
            - Key: Az
              Value: !Select [0, !GetAZs '']
    Outputs:
      Arn:
        Value: !GetAtt Table.Arn
        Export:
          Name: !Join ['-', [!Ref Stage, TableArn]]
  `;
  const jsonText = JSON.stringify(
    {
      Parameters: { Stage: { Type: 'String', Default: 'dev' } },
      Resources: {
        Table: {
          Type: 'AWS::DynamoDB::Table',
          Properties: {
            TableName: { 'Fn::Sub': '${Stage}-orders' },
            BillingMode: 'PAY_PER_REQUEST',
            Tags: [{ Key: 'Az', Value: { 'Fn::Select': [0, { 'Fn::GetAZs': '' }] } }],
          },
        },
      },
      Outputs: {
        Arn: {
          Value: { 'Fn::GetAtt': ['Table', 'Arn'] },
          Export: { Name: { 'Fn::Join': ['-', [{ Ref: 'Stage' }, 'TableArn']] } },
        },
      },
    },
    null,
    2,
  );

  it('parses a JSON template to the same body as the equivalent YAML', () => {
    const fromJson = parseTemplate(jsonText, 'stack.json');
    const fromYaml = parseTemplate(yamlText, 'stack.yaml');
    expect(fromJson.body).toEqual(fromYaml.body);
    expect(fromJson.format).toBe('json');
    expect(fromYaml.format).toBe('yaml');
    expect(fromJson.file).toBe('stack.json');
  });

  it('decides the format by extension, case-insensitively', () => {
    expect(parseTemplate(jsonText, 'STACK.JSON').format).toBe('json');
    expect(parseTemplate(yamlText, 'stack.yml').format).toBe('yaml');
    expect(parseTemplate(yamlText, 'stack.template').format).toBe('yaml');
  });

  it('records positions in JSON too', () => {
    const template = parseTemplate(jsonText, 'stack.json');
    const resources = objectAt(template.body, 'Resources');
    // Line 1 is `{`, 2 `"Parameters": {`, 3 `"Stage": {`, 4-5 Type and Default, 6-7 closing braces.
    expect(template.positionOfEntry(template.body, 'Resources')).toEqual({ line: 8, column: 3 });
    expect(template.positionOfEntry(resources, 'Table')).toEqual({ line: 9, column: 5 });
  });
});

describe('parseTemplate: errors', () => {
  it('reports bad indentation as a YAML syntax error at its line and column', () => {
    const error = parseError(
      dedent`
      Resources:
        Bucket:
          Type: AWS::S3::Bucket
         Properties: {}
    `,
      'templates/bad.yaml',
    );
    expect(error).toBeInstanceOf(TemplateError);
    expect(error.code).toBe('TEMPLATE');
    expect(error.detail).toMatch(/^YAML syntax error: /);
    expect(error.location).toEqual({ file: 'templates/bad.yaml', line: 4, column: 1 });
    expect(error.message).toMatch(/^templates\/bad\.yaml:4:1: YAML syntax error: /);
  });

  it('reports an unclosed bracket where the parser finds it unclosed (the next line)', () => {
    const error = parseError(dedent`
      Resources:
        Bucket:
          Type: AWS::S3::Bucket
          Properties:
            Tags: [a, b
        Queue:
          Type: AWS::SQS::Queue
    `);
    expect(error.detail).toMatch(/^YAML syntax error: .*\]/);
    expect(error.location).toEqual({ file: 'template.yaml', line: 6, column: 3 });
  });

  it('reports a duplicate key at the second occurrence', () => {
    const error = parseError(dedent`
      Resources:
        Bucket:
          Type: AWS::S3::Bucket
        Bucket:
          Type: AWS::S3::Bucket
    `);
    expect(error.detail).toBe('YAML syntax error: Map keys must be unique');
    expect(error.location).toEqual({ file: 'template.yaml', line: 4, column: 3 });
  });

  it('reports invalid JSON as a JSON syntax error with line and column', () => {
    const error = parseError(
      [
        '{',
        '  "Resources": {',
        '    "Bucket": { "Type": "AWS::S3::Bucket" }',
        '    "Queue": { "Type": "AWS::SQS::Queue" }',
        '  }',
        '}',
      ].join('\n'),
      'stack.json',
    );
    // The wording is V8's and changes between Node versions; the place must not.
    expect(error.detail).toMatch(/^JSON syntax error: \S/);
    expect(error.location).toEqual({ file: 'stack.json', line: 4, column: 5 });
    expect(error.message).toMatch(/^stack\.json:4:5: JSON syntax error: /);
  });

  it('reports an unclosed JSON object', () => {
    const error = parseError('{\n  "Resources": {\n    "Bucket": { "Type": "AWS::S3::Bucket" }\n', 'stack.json');
    expect(error.detail).toMatch(/^JSON syntax error: \S/);
    // The parser notices at the end of the text, the line after the last one.
    expect(error.location).toEqual({ file: 'stack.json', line: 4, column: 1 });
  });

  it('refuses what the YAML parser would accept but JSON does not: trailing commas and comments', () => {
    const trailing = parseError('{\n  "Resources": {\n    "A": { "Type": "X" },\n  }\n}\n', 'stack.json');
    expect(trailing.detail).toMatch(/^JSON syntax error: /);
    expect(trailing.location).toEqual({ file: 'stack.json', line: 4, column: 3 });
    const comment = parseError('{\n  // a comment\n  "Resources": {}\n}\n', 'stack.json');
    expect(comment.location).toEqual({ file: 'stack.json', line: 2, column: 3 });
  });

  it('reports a duplicate key in JSON', () => {
    const error = parseError('{"Resources": {"A": {"Type": "X"}, "A": {"Type": "Y"}}}', 'stack.json');
    expect(error.detail).toBe('JSON syntax error: Map keys must be unique');
    expect(error.location).toEqual({ file: 'stack.json', line: 1, column: 36 });
  });

  it('refuses an unknown tag, naming it, its line and column and the known tags', () => {
    const error = parseError(dedent`
      Resources:
        Topic:
          Type: AWS::SNS::Topic
          Properties:
            TopicName: !Reff Stage
    `);
    expect(error.location).toEqual({ file: 'template.yaml', line: 5, column: 18 });
    expect(error.detail).toContain('!Reff');
    expect(error.detail).toContain('!Ref, !Condition, !GetAtt');
    expect(error.message).toMatch(/^template\.yaml:5:18: /);
  });

  it.each([
    ['a sequence', '- a\n- b\n'],
    ['a scalar', 'just text\n'],
    ['an empty document', ''],
  ])('refuses %s as the top level', (_name, text) => {
    const error = parseError(text);
    expect(error.detail).toBe('a template must be a mapping with a `Resources` section');
    expect(error.location).toEqual({ file: 'template.yaml', line: 1, column: 1 });
  });
});

describe('parseTemplate: positions', () => {
  const template = parseYaml(dedent`
    Description: positions
    Resources:
      Queue:
        Type: AWS::SQS::Queue
        Properties:
          Tags:
            - Key: a
              Value: b
            - Key: c
              Value: !Ref Stage
      Topic:
        Type: AWS::SNS::Topic
  `);
  const resources = objectAt(template.body, 'Resources');
  const queue = objectAt(resources, 'Queue');
  const tags = arrayAt(queue, 'Properties', 'Tags');

  it('gives the line and column of map entries (the key)', () => {
    expect(template.positionOfEntry(template.body, 'Description')).toEqual({ line: 1, column: 1 });
    expect(template.positionOfEntry(template.body, 'Resources')).toEqual({ line: 2, column: 1 });
    expect(template.positionOfEntry(resources, 'Queue')).toEqual({ line: 3, column: 3 });
    expect(template.positionOfEntry(resources, 'Topic')).toEqual({ line: 11, column: 3 });
    expect(template.positionOfEntry(queue, 'Properties')).toEqual({ line: 5, column: 5 });
  });

  it('gives the line of array items by index', () => {
    expect(template.positionOfEntry(tags, 0)).toEqual({ line: 7, column: 11 });
    expect(template.positionOfEntry(tags, 1)).toEqual({ line: 9, column: 11 });
  });

  it('gives the position of objects and arrays themselves', () => {
    expect(template.positionOf(queue)).toEqual({ line: 4, column: 5 });
    expect(template.positionOf(tags)).toEqual({ line: 7, column: 9 });
    expect(template.positionOf(objectAt(tags, 1, 'Value'))?.line).toBe(10);
  });

  it('knows nothing of unknown keys or foreign objects', () => {
    expect(template.positionOfEntry(resources, 'Missing')).toBeUndefined();
    expect(template.positionOfEntry(tags, 5)).toBeUndefined();
    expect(template.positionOf({ Type: 'AWS::SQS::Queue' })).toBeUndefined();
  });

  it('turns positions into locations in its file', () => {
    expect(template.locate({ line: 3, column: 3 })).toEqual({ file: 'template.yaml', line: 3, column: 3 });
    expect(template.locate(undefined)).toEqual({ file: 'template.yaml' });
  });
});

describe('readTemplate', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stackpilot-template-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads and parses a file, naming it by its display path', async () => {
    const file = join(dir, 'queue.yaml');
    await writeFile(file, 'Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n');
    const template = await readTemplate(file, 'templates/queue.yaml');
    expect(template.file).toBe('templates/queue.yaml');
    expect(template.body).toEqual({ Resources: { Queue: { Type: 'AWS::SQS::Queue' } } });
    expect(template.locate(template.positionOfEntry(objectAt(template.body, 'Resources'), 'Queue'))).toEqual({
      file: 'templates/queue.yaml',
      line: 2,
      column: 3,
    });
  });

  it('reports syntax errors under the display path', async () => {
    const file = join(dir, 'broken.json');
    await writeFile(file, '{"Resources": {"A": 1, "A": 2}}');
    await expect(readTemplate(file, 'templates/broken.json')).rejects.toMatchObject({
      location: { file: 'templates/broken.json', line: 1 },
      detail: 'JSON syntax error: Map keys must be unique',
    });
  });

  it('turns a missing file into a TemplateError with a hint', async () => {
    const error: unknown = await readTemplate(join(dir, 'missing.yaml'), 'templates/missing.yaml').catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TemplateError);
    expect(error).toMatchObject({
      location: { file: 'templates/missing.yaml' },
      detail: 'cannot read template: ENOENT',
      hint: expect.stringContaining('relative to the config file') as string,
    });
  });
});
