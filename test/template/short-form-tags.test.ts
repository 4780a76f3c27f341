/**
 * Every short-form tag of the CloudFormation template reference, written out by hand from the
 * reference (intrinsic functions, condition functions, rule functions, AWS::LanguageExtensions)
 * rather than taken from the parser's own list, each read from a template as its long form.
 */
import { describe, expect, it } from 'vitest';
import { parseTemplate, SHORT_FORM_TAGS } from '../../src/template/index.js';
import type { TemplateValue } from '../../src/template/index.js';

const CASES: [tag: string, yaml: string, longForm: TemplateValue][] = [
  ['!Base64', '!Base64 hello', { 'Fn::Base64': 'hello' }],
  ['!Cidr', '!Cidr [10.0.0.0/16, 4, 8]', { 'Fn::Cidr': ['10.0.0.0/16', 4, 8] }],
  ['!Condition', '!Condition IsProd', { Condition: 'IsProd' }],
  ['!FindInMap', '!FindInMap [Map, Top, Second]', { 'Fn::FindInMap': ['Map', 'Top', 'Second'] }],
  ['!GetAtt', '!GetAtt Bucket.Arn', { 'Fn::GetAtt': ['Bucket', 'Arn'] }],
  ['!GetAZs', '!GetAZs ""', { 'Fn::GetAZs': '' }],
  [
    '!GetStackOutput',
    '!GetStackOutput {StackName: s, OutputName: o}',
    { 'Fn::GetStackOutput': { StackName: 's', OutputName: 'o' } },
  ],
  ['!ImportValue', '!ImportValue shared-name', { 'Fn::ImportValue': 'shared-name' }],
  ['!Join', '!Join ["-", [a, b]]', { 'Fn::Join': ['-', ['a', 'b']] }],
  ['!Length', '!Length [a, b]', { 'Fn::Length': ['a', 'b'] }],
  ['!Select', '!Select [0, [a, b]]', { 'Fn::Select': [0, ['a', 'b']] }],
  ['!Split', '!Split [",", "a,b"]', { 'Fn::Split': [',', 'a,b'] }],
  ['!Sub', '!Sub "${AWS::Region}-x"', { 'Fn::Sub': '${AWS::Region}-x' }],
  ['!ToJsonString', '!ToJsonString {a: 1}', { 'Fn::ToJsonString': { a: 1 } }],
  [
    '!Transform',
    '!Transform {Name: AWS::Include, Parameters: {Location: s3://b/k}}',
    { 'Fn::Transform': { Name: 'AWS::Include', Parameters: { Location: 's3://b/k' } } },
  ],
  ['!Ref', '!Ref Bucket', { Ref: 'Bucket' }],
  // Condition functions.
  ['!And', '!And [!Condition A, !Condition B]', { 'Fn::And': [{ Condition: 'A' }, { Condition: 'B' }] }],
  ['!Equals', '!Equals [a, b]', { 'Fn::Equals': ['a', 'b'] }],
  ['!If', '!If [IsProd, a, b]', { 'Fn::If': ['IsProd', 'a', 'b'] }],
  ['!Not', '!Not [!Condition A]', { 'Fn::Not': [{ Condition: 'A' }] }],
  ['!Or', '!Or [!Condition A, !Condition B]', { 'Fn::Or': [{ Condition: 'A' }, { Condition: 'B' }] }],
  // Rule functions (Rules section).
  ['!Contains', '!Contains [[a, b], !Ref P]', { 'Fn::Contains': [['a', 'b'], { Ref: 'P' }] }],
  [
    '!EachMemberEquals',
    '!EachMemberEquals [!RefAll AWS::EC2::VPC::Id, x]',
    { 'Fn::EachMemberEquals': [{ 'Fn::RefAll': 'AWS::EC2::VPC::Id' }, 'x'] },
  ],
  ['!EachMemberIn', '!EachMemberIn [[a], [a, b]]', { 'Fn::EachMemberIn': [['a'], ['a', 'b']] }],
  ['!RefAll', '!RefAll AWS::EC2::VPC::Id', { 'Fn::RefAll': 'AWS::EC2::VPC::Id' }],
  ['!ValueOf', '!ValueOf [Subnet, VpcId]', { 'Fn::ValueOf': ['Subnet', 'VpcId'] }],
  ['!ValueOfAll', '!ValueOfAll [AWS::EC2::Subnet::Id, VpcId]', { 'Fn::ValueOfAll': ['AWS::EC2::Subnet::Id', 'VpcId'] }],
];

function read(yaml: string): TemplateValue {
  const parsed = parseTemplate(`Metadata:\n  Value: ${yaml}\nResources:\n  B:\n    Type: AWS::S3::Bucket\n`, 't.yaml');
  return (parsed.body.Metadata as { Value: TemplateValue }).Value;
}

describe('short-form tags of the CloudFormation template reference', () => {
  it.each(CASES)('%s is read as its long form', (_tag, yaml, longForm) => {
    expect(read(yaml)).toEqual(longForm);
  });

  it('the parser knows exactly the tags of the reference', () => {
    expect([...SHORT_FORM_TAGS].map((t) => `!${t}`).sort()).toEqual(CASES.map(([tag]) => tag).sort());
  });

  it('a tag the reference does not have is still refused, with the list', () => {
    expect(() => read('!ForEach [a, [b], {}]')).toThrow(
      /Unresolved tag: !ForEach; CloudFormation knows only the short forms/,
    );
  });
});
