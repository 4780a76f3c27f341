/**
 * Parsing limits (issue 11): YAML anchors, aliases and merge keys are refused with their line
 * (CloudFormation refuses them too, and nothing is expanded, so an alias bomb costs nothing), and
 * nesting is capped for YAML and JSON before the parser could recurse into it.
 */
import { describe, expect, it } from 'vitest';
import { MAX_TEMPLATE_DEPTH } from '../../src/template/yaml-limits.js';
import { dedent, parseError, parseYaml } from '../helpers/template-fixtures.js';

/** Nine levels of nine aliases: 9^9 leaves once expanded. */
function aliasBomb(): string {
  let text = 'Resources:\n  R:\n    Type: AWS::SNS::Topic\nMetadata:\n  a0: &a0 [x, x, x, x, x, x, x, x, x]\n';
  for (let i = 1; i < 9; i++)
    text += `  a${i}: &a${i} [${Array<string>(9)
      .fill(`*a${i - 1}`)
      .join(', ')}]\n`;
  return text;
}

describe('parseTemplate: YAML anchors, aliases and merge keys', () => {
  it('refuses an anchor, naming its line', () => {
    const error = parseError(dedent`
      Resources:
        A:
          Type: AWS::SQS::Queue
          Properties:
            Tags: &tags
              - Key: Team
                Value: x
    `);
    expect(error.location).toEqual({ file: 'template.yaml', line: 5 });
    expect(error.message).toContain('YAML anchor &tags is not supported');
    expect(error.message).toContain('CloudFormation does not accept YAML anchors, aliases or merge keys');
  });

  it('refuses an alias to an anchor it never saw, naming its line', () => {
    const error = parseError('Resources:\n  A:\n    Type: AWS::SQS::Queue\n    Properties: *props\n');
    expect(error.location).toEqual({ file: 'template.yaml', line: 4 });
    expect(error.message).toContain('YAML alias *props is not supported');
  });

  it('refuses an alias bomb at once, naming the first anchor', () => {
    const error = parseError(aliasBomb());
    expect(error.location.line).toBe(5);
    expect(error.detail).toMatch(/^YAML anchor &a0 is not supported/);
  });

  it('refuses a merge key, naming its line', () => {
    const error = parseError('Resources:\n  A:\n    Type: AWS::SQS::Queue\n    Properties:\n      <<: {a: 1}\n');
    expect(error.location).toEqual({ file: 'template.yaml', line: 5, column: 7 });
    expect(error.detail).toContain('YAML merge key << is not supported');
  });

  it('keeps & and * inside strings, comments and block scalars', () => {
    const template = parseYaml(dedent`
      # &not-an-anchor *nor-an-alias [[[
      Resources:
        A:
          Type: AWS::SQS::Queue
          Properties:
            Quoted: "a&b *c [d"
            Plain: a&b
            Sub: !Sub 'x-&-*-\${AWS::Region}'
            Block: |
              &x *y [[[ {{{
            "<<": quoted keys are ordinary
    `);
    expect(template.body.Resources).toMatchObject({
      A: {
        Properties: { Quoted: 'a&b *c [d', Plain: 'a&b', Block: '&x *y [[[ {{{\n', '<<': 'quoted keys are ordinary' },
      },
    });
  });
});

describe('parseTemplate: nesting depth', () => {
  const flow = (levels: number): string => `${'['.repeat(levels)}${']'.repeat(levels)}`;

  it(`accepts ${MAX_TEMPLATE_DEPTH} levels`, () => {
    // Resources → R → Properties → V → the flow lists: 4 levels above them.
    const text = `Resources:\n  R:\n    Type: AWS::X::Y\n    Properties:\n      V: ${flow(MAX_TEMPLATE_DEPTH - 4)}\n`;
    expect(() => parseYaml(text)).not.toThrow();
  });

  it('refuses deeper YAML flow nesting before parsing it (a million levels)', () => {
    const error = parseError(`Resources:\n  R:\n    Type: AWS::X::Y\nMetadata:\n  V: ${flow(1_000_000)}\n`);
    expect(error.location).toEqual({ file: 'template.yaml', line: 5 });
    expect(error.detail).toBe(`the template nests more than ${MAX_TEMPLATE_DEPTH} levels deep`);
  });

  it('refuses deeper YAML block nesting, naming the line', () => {
    let text = 'Resources:\n  R:\n    Type: AWS::X::Y\nMetadata:\n';
    for (let level = 1; level <= MAX_TEMPLATE_DEPTH + 5; level++) text += `${' '.repeat(level)}k${level}:\n`;
    const error = parseError(text);
    expect(error.detail).toBe(`the template nests more than ${MAX_TEMPLATE_DEPTH} levels deep`);
    expect(error.location.line).toBe(4 + MAX_TEMPLATE_DEPTH);
  });

  it('refuses deep JSON nesting (a million levels) with the same message', () => {
    const error = parseError(`{"Resources": {}, "Metadata": ${flow(1_000_000)}}`, 'template.json');
    expect(error.location.file).toBe('template.json');
    expect(error.detail).toBe(`the template nests more than ${MAX_TEMPLATE_DEPTH} levels deep`);
  });
});
