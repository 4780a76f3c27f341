/**
 * YAML 1.1 versus 1.2: stackpilot reads YAML templates as YAML 1.1, as CloudFormation does
 * (UserGuide, template-formats), and warns where a plain scalar reads differently in YAML 1.2.
 */
import { describe, expect, it } from 'vitest';
import { analyzeTemplate, parseTemplate } from '../../src/template/index.js';
import { dedent } from '../helpers/template-fixtures.js';

const template = dedent`
  AWSTemplateFormatVersion: 2010-09-09
  Parameters:
    Enabled:
      Type: String
      Default: Yes
      AllowedValues: [true, false]
    Mode:
      Type: String
      Default: 0755
    Account:
      Type: String
      Default: 012345678901
    Quoted:
      Type: String
      Default: 'Off'
    Letter:
      Type: String
      Default: y
    Big:
      Type: Number
      Default: 1_000
  Resources:
    Bucket:
      Type: AWS::S3::Bucket
      Properties:
        Tags:
          - Key: public
            Value: off
          - Key: count
            Value: 42
`;

describe('YAML 1.1, as CloudFormation reads templates', () => {
  const parsed = parseTemplate(template, 't.yaml');
  const info = analyzeTemplate(parsed);
  const defaults = Object.fromEntries(info.parameters.map((p) => [p.name, p.default]));

  it('reads Yes/Off as booleans, 0755 as octal, 012345678901 as a string, 1_000 as 1000', () => {
    expect(defaults).toEqual({
      Enabled: 'true',
      Mode: '493',
      Account: '012345678901',
      Quoted: 'Off',
      Letter: 'y',
      Big: '1000',
    });
    expect(parsed.body.AWSTemplateFormatVersion).toBe('2010-09-09');
  });

  it('warns, with the place, for each plain scalar that YAML 1.2 reads differently', () => {
    expect(info.warnings.map((w) => `${w.location?.line ?? ''}:${w.location?.column ?? ''} ${w.message}`)).toEqual([
      '5:14 `Yes` is read as true (YAML 1.1, as CloudFormation reads templates); a YAML 1.2 reader sees the string "Yes"',
      '9:14 `0755` is read as 493 (YAML 1.1, as CloudFormation reads templates); a YAML 1.2 reader sees 755',
      '12:14 `012345678901` is read as the string "012345678901" (YAML 1.1, as CloudFormation reads templates); a YAML 1.2 reader sees 12345678901',
      '21:14 `1_000` is read as 1000 (YAML 1.1, as CloudFormation reads templates); a YAML 1.2 reader sees the string "1_000"',
      '28:18 `off` is read as false (YAML 1.1, as CloudFormation reads templates); a YAML 1.2 reader sees the string "off"',
    ]);
    expect(info.warnings[0]?.hint).toMatch(/^quote the value/);
  });

  it.each([
    ['No', false],
    ['On', true],
    ['OFF', false],
    ['n', 'n'],
    ['0o755', '0o755'],
    ['1e3', '1e3'],
    ['1.5e+3', 1500],
    ['1:30', 90],
    ['09', '09'],
    ['0x1F', 31],
    ['2010-09-09', '2010-09-09'],
  ])('reads %s as YAML 1.1 does', (written, expected) => {
    const body = parseTemplate(`Metadata:\n  V: ${written}\nResources: {}\n`, 't.yaml').body;
    expect((body.Metadata as { V: unknown }).V).toEqual(expected);
  });

  it('reads JSON as JSON, without warnings', () => {
    const json = parseTemplate('{"Resources": {"B": {"Type": "AWS::S3::Bucket", "Properties": {"N": 10}}}}', 't.json');
    expect(json.warnings).toEqual([]);
  });

  it('still refuses a merge key with its own message', () => {
    expect(() => parseTemplate('Resources:\n  B:\n    <<: {Type: AWS::S3::Bucket}\n', 't.yaml')).toThrow(
      /YAML merge key << is not supported/,
    );
  });
});

describe('quoted values and flow lists continued at their key indentation', () => {
  const text = dedent`
    Resources:
      Topic:
        Type: AWS::SNS::Topic
        Properties:
          TopicName: !Sub "\${AWS::StackName}-
          orders"
          DisplayName: 'one
          two'
          Tags: [{Key: a, Value: b},
          {Key: c, Value: d}]
          Subscription:
            - Endpoint: !ImportValue
                Fn::Join: ["-", [shop,
              queue-arn]]
              Protocol: sqs
      Function:
        Type: AWS::Lambda::Function
        Properties:
          Code:
            ZipFile: |
              print("a quote that a block scalar keeps
              "as text
          Handler: index.handler
  `;

  it('are read as YAML 1.1 readers read them, with a warning per continued line', () => {
    const parsed = parseTemplate(text, 't.yaml');
    const properties = (parsed.body.Resources as Record<string, { Properties: Record<string, unknown> }>).Topic
      ?.Properties;
    expect(properties).toEqual({
      TopicName: { 'Fn::Sub': '${AWS::StackName}- orders' },
      DisplayName: 'one two',
      Tags: [
        { Key: 'a', Value: 'b' },
        { Key: 'c', Value: 'd' },
      ],
      Subscription: [
        { Endpoint: { 'Fn::ImportValue': { 'Fn::Join': ['-', ['shop', 'queue-arn']] } }, Protocol: 'sqs' },
      ],
    });
    expect(parsed.warnings?.map((w) => w.location?.line)).toEqual([6, 8, 10, 14]);
    const info = analyzeTemplate(parsed);
    expect(info.imports.map((i) => i.exportName.value)).toEqual(['shop-queue-arn']);
    const code = (parsed.body.Resources as Record<string, { Properties: { Code: { ZipFile: string } } }>).Function
      ?.Properties.Code.ZipFile;
    expect(code).toBe('print("a quote that a block scalar keeps\n"as text\n');
  });

  it('a template broken otherwise still fails with the parser error', () => {
    expect(() => parseTemplate('Resources:\n  A: "open\n  B: [x\n', 't.yaml')).toThrow(/YAML syntax error/);
  });
});
