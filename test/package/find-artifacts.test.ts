import { describe, expect, it } from 'vitest';
import { findArtifacts, isLocalPath } from '../../src/package/find-artifacts.js';
import { rewriteTemplate } from '../../src/package/rewrite-template.js';
import { artifactKey, s3Uri, templateUrl } from '../../src/package/s3-location.js';
import { parseTemplate } from '../../src/template/parse-template.js';

describe('isLocalPath', () => {
  it('takes plain strings, not S3 or HTTP(S) locations, and never intrinsics', () => {
    expect(isLocalPath('./src')).toBe(true);
    expect(isLocalPath('/abs/src')).toBe(true);
    expect(isLocalPath('src/handler.zip')).toBe(true);
    expect(isLocalPath('s3://bucket/key.zip')).toBe(false);
    expect(isLocalPath('https://bucket.s3.amazonaws.com/t.yaml')).toBe(false);
    expect(isLocalPath('HTTP://example.com/t.yaml')).toBe(false);
    expect(isLocalPath({ 'Fn::Sub': './${Dir}' })).toBe(false);
    expect(isLocalPath({ S3Bucket: 'b', S3Key: 'k' })).toBe(false);
    expect(isLocalPath(undefined)).toBe(false);
  });
});

describe('findArtifacts', () => {
  it('finds the five properties, resolved against the template folder, with their lines', () => {
    const text = `Resources:
  A:
    Type: AWS::Lambda::Function
    Properties:
      Code: ./a
  B:
    Type: AWS::Lambda::LayerVersion
    Properties: { Content: /opt/layer }
  C:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: c
  D:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: ../d
  E:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: nested/e.yaml
  Intrinsic:
    Type: AWS::Lambda::Function
    Properties:
      Code: !Sub './\${Dir}'
  Inline:
    Type: AWS::Lambda::Function
    Properties:
      Code: { ZipFile: 'exports.handler = 1' }
  Other:
    Type: AWS::S3::Bucket
    Properties:
      Code: ./not-a-lambda
`;
    const { refs, problems } = findArtifacts(parseTemplate(text, 'stacks/app.yaml'), '/repo/stacks');
    expect(problems).toEqual([]);
    expect(refs.map((r) => [r.logicalId, r.property, r.kind, r.shape, r.absolutePath, r.location.line])).toEqual([
      ['A', 'Code', 'zip', 'bucket-key', '/repo/stacks/a', 5],
      ['B', 'Content', 'zip', 'bucket-key', '/opt/layer', 8],
      ['C', 'CodeUri', 'zip', 's3-uri', '/repo/stacks/c', 12],
      ['D', 'ContentUri', 'zip', 's3-uri', '/repo/d', 16],
      ['E', 'TemplateURL', 'template', 'template-url', '/repo/stacks/nested/e.yaml', 20],
    ]);
    expect(refs[0]?.location.file).toBe('stacks/app.yaml');
  });

  it('reports an empty path', () => {
    const text = 'Resources:\n  A:\n    Type: AWS::Lambda::Function\n    Properties:\n      Code: ""\n';
    const { refs, problems } = findArtifacts(parseTemplate(text, 't.yaml'), '/x');
    expect(refs).toEqual([]);
    expect(problems).toEqual([
      expect.objectContaining({
        path: 'Resources.A.Properties.Code',
        message: 'the path is an empty string',
        location: { file: 't.yaml', line: 5, column: 7 },
      }),
    ]);
  });
});

describe('rewriteTemplate', () => {
  it('changes only the replaced values: tags, comments and block scalars stay', () => {
    const text = `# head
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Code: ./src   # trailing
      Description: |
        multi
        line
      Tags: [{ Key: k, Value: !Ref V }]
  Block:
    Properties:
      CodeUri: >-
        ./folded
      Next: !GetAtt Fn.Arn
`;
    const out = rewriteTemplate(text, [
      { path: ['Resources', 'Fn', 'Properties', 'Code'], value: { S3Bucket: 'b', S3Key: 'k.zip' } },
      { path: ['Resources', 'Block', 'Properties', 'CodeUri'], value: 's3://b/k.zip' },
    ]);
    expect(out).toBe(
      text
        .replace('./src', '{"S3Bucket": "b", "S3Key": "k.zip"}')
        .replace('>-\n        ./folded\n', '"s3://b/k.zip"\n'),
    );
    expect(parseTemplate(out, 'x.yaml').body).toMatchObject({
      Resources: { Block: { Properties: { CodeUri: 's3://b/k.zip', Next: { 'Fn::GetAtt': ['Fn', 'Arn'] } } } },
    });
  });
});

describe('S3 locations', () => {
  it('joins the prefix once, whatever slashes it came with', () => {
    expect(artifactKey(undefined, 'abc', 'zip')).toBe('abc.zip');
    expect(artifactKey('', 'abc', 'zip')).toBe('abc.zip');
    expect(artifactKey('app', 'abc', 'template')).toBe('app/abc.template');
    expect(artifactKey('/team/app/', 'abc', 'zip')).toBe('team/app/abc.zip');
  });

  it('writes the canonical virtual-hosted URL, us-east-1 included, and s3:// URIs', () => {
    expect(templateUrl('bkt', 'us-east-1', 'p/k.template')).toBe('https://bkt.s3.us-east-1.amazonaws.com/p/k.template');
    expect(templateUrl('bkt', 'eu-west-1', 'k')).toBe('https://bkt.s3.eu-west-1.amazonaws.com/k');
    expect(s3Uri('bkt', 'p/k.zip')).toBe('s3://bkt/p/k.zip');
  });
});
