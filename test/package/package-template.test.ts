import { chmod, mkdir, readFile, truncate, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import { packageTemplate } from '../../src/package/package-template.js';
import type { ArtifactStore, PackageInput } from '../../src/package/package-template.js';
import { sha256Hex, templateUrl } from '../../src/package/s3-location.js';
import { folderManifest, zipFolder, zipManifest } from '../../src/package/zip-folder.js';
import type * as ZipFolderModule from '../../src/package/zip-folder.js';
import { parseTemplate } from '../../src/template/parse-template.js';
import { testdir } from '../helpers/testdir.js';

// The real zipper, counted: a folder already in the store must not be zipped at all.
vi.mock('../../src/package/zip-folder.js', async (importOriginal) => {
  const actual = await importOriginal<typeof ZipFolderModule>();
  return { ...actual, zipManifest: vi.fn(actual.zipManifest) };
});

beforeEach(() => {
  vi.mocked(zipManifest).mockClear();
});

class MapStore implements ArtifactStore {
  readonly objects = new Map<string, { body: Uint8Array; contentType: string }>();
  readonly puts: string[] = [];
  readonly checks: string[] = [];
  exists(key: string): Promise<boolean> {
    this.checks.push(key);
    return Promise.resolve(this.objects.has(key));
  }
  put(key: string, body: Uint8Array, contentType: string): Promise<void> {
    this.puts.push(key);
    this.objects.set(key, { body, contentType });
    return Promise.resolve();
  }
  text(key: string): string {
    const object = this.objects.get(key);
    if (!object) throw new Error(`no object ${key}`);
    return new TextDecoder().decode(object.body);
  }
}

const ROOT = `# The app stack.
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Api:
    Type: AWS::Lambda::Function
    Properties:
      Code: ./functions/api   # the API handler
      Handler: index.handler
      Role: !GetAtt Role.Arn
      Environment:
        Variables:
          TABLE: !Ref Table
          NAME: !Sub '\${AWS::StackName}-api'
          BOTH: !Join [',', [!Ref A, !Ref B]]
  Shared:
    Type: AWS::Lambda::LayerVersion
    Properties:
      Content: layers/shared
  SamApi:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: functions/api
  SamShared:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: "./layers/shared"
  Child:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: nested/child.yaml
  Remote:
    Type: AWS::Lambda::Function
    Properties:
      Code: { S3Bucket: other, S3Key: k.zip }
  RemoteSam:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: s3://other/k.zip
  RemoteStack:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: !Sub 'https://\${Bucket}.s3.amazonaws.com/x.yaml'
`;

const CHILD = `Resources:
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Code: worker
      Role: !Ref RoleArn
  Grandchild:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: ./deeper/grand.yaml
`;

const GRAND = `Resources:
  Deep:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: ../../functions/api
`;

const FILES = {
  'template.yaml': ROOT,
  'functions/api/index.js': 'exports.handler = async () => ({ statusCode: 200 });\n',
  'layers/shared/nodejs/node_modules/dep/index.js': 'module.exports = 42;\n',
  'nested/child.yaml': CHILD,
  'nested/worker/main.py': 'def handler(e, c):\n    return 1\n',
  'nested/deeper/grand.yaml': GRAND,
};

function input(dir: string, store: ArtifactStore, overrides: Partial<PackageInput> = {}): PackageInput {
  return {
    templateFile: join(dir, 'template.yaml'),
    templateText: ROOT,
    bucket: 'bkt',
    prefix: '/app/',
    region: 'eu-west-1',
    store,
    ...overrides,
  };
}

/** Keyed by the sources, not by the zip's bytes. */
async function zipKey(folder: string): Promise<string> {
  return `app/${(await folderManifest(folder)).hash}.zip`;
}

describe('packageTemplate', () => {
  it('rewrites every supported property to content-hash S3 locations, keeping the YAML as written', async () => {
    const dir = await testdir(FILES);
    const store = new MapStore();
    const result = await packageTemplate(input(dir, store));
    const api = await zipKey(join(dir, 'functions/api'));
    const layer = await zipKey(join(dir, 'layers/shared'));
    const worker = await zipKey(join(dir, 'nested/worker'));

    const grandBody = GRAND.replace('../../functions/api', `"s3://bkt/${api}"`);
    const grandKey = `app/${sha256Hex(grandBody)}.template`;
    const childBody = CHILD.replace('Code: worker', `Code: {"S3Bucket": "bkt", "S3Key": "${worker}"}`).replace(
      './deeper/grand.yaml',
      `"${templateUrl('bkt', 'eu-west-1', grandKey)}"`,
    );
    const childKey = `app/${sha256Hex(childBody)}.template`;
    const expected = ROOT.replace('Code: ./functions/api', `Code: {"S3Bucket": "bkt", "S3Key": "${api}"}`)
      .replace('Content: layers/shared', `Content: {"S3Bucket": "bkt", "S3Key": "${layer}"}`)
      .replace('CodeUri: functions/api', `CodeUri: "s3://bkt/${api}"`)
      .replace('ContentUri: "./layers/shared"', `ContentUri: "s3://bkt/${layer}"`)
      .replace('TemplateURL: nested/child.yaml', `TemplateURL: "https://bkt.s3.eu-west-1.amazonaws.com/${childKey}"`);
    // Byte for byte: comments, short-form tags, flow sequences and quoting all as written.
    expect(result.body).toBe(expected);
    expect(store.text(childKey)).toBe(childBody);
    expect(store.text(grandKey)).toBe(grandBody);
    expect(result.nested.map((n) => [n.key, n.url])).toEqual([
      [grandKey, `https://bkt.s3.eu-west-1.amazonaws.com/${grandKey}`],
      [childKey, `https://bkt.s3.eu-west-1.amazonaws.com/${childKey}`],
    ]);

    // The packaged text still parses, tags and all, to the shapes CloudFormation wants.
    const parsed = parseTemplate(result.body, 'packaged.yaml').body as {
      Resources: Record<string, { Properties: Record<string, unknown> }>;
    };
    expect(parsed.Resources.Api?.Properties.Code).toEqual({ S3Bucket: 'bkt', S3Key: api });
    expect(parsed.Resources.Api?.Properties.Role).toEqual({ 'Fn::GetAtt': ['Role', 'Arn'] });
    expect(parsed.Resources.Remote?.Properties.Code).toEqual({ S3Bucket: 'other', S3Key: 'k.zip' });

    // One upload per distinct key: the same folder named twice is zipped and put once.
    expect([...store.puts].sort()).toEqual([api, layer, worker, grandKey, childKey].sort());
    expect(store.objects.get(api)?.contentType).toBe('application/zip');
    // What is stored under the source hash is the deterministic zip of those sources.
    const apiZip = await zipFolder(join(dir, 'functions/api'));
    expect(Buffer.from(store.objects.get(api)?.body ?? []).equals(Buffer.from(apiZip.bytes))).toBe(true);
    expect(vi.mocked(zipManifest)).toHaveBeenCalledTimes(3);
    expect(
      result.artifacts.map((a) => [a.template, a.logicalId, a.property, a.kind, a.key, a.uploaded, a.reused]),
    ).toEqual([
      [expect.stringMatching(/template\.yaml$/), 'Api', 'Code', 'zip', api, true, false],
      [expect.stringMatching(/template\.yaml$/), 'Shared', 'Content', 'zip', layer, true, false],
      [expect.stringMatching(/template\.yaml$/), 'SamApi', 'CodeUri', 'zip', api, false, true],
      [expect.stringMatching(/template\.yaml$/), 'SamShared', 'ContentUri', 'zip', layer, false, true],
      [expect.stringMatching(/nested\/child\.yaml$/), 'Worker', 'Code', 'zip', worker, true, false],
      [expect.stringMatching(/nested\/deeper\/grand\.yaml$/), 'Deep', 'CodeUri', 'zip', api, false, true],
      [expect.stringMatching(/nested\/child\.yaml$/), 'Grandchild', 'TemplateURL', 'template', grandKey, true, false],
      [expect.stringMatching(/template\.yaml$/), 'Child', 'TemplateURL', 'template', childKey, true, false],
    ]);
    const apiStat = result.artifacts.find((a) => a.logicalId === 'Api');
    expect(apiStat).toMatchObject({
      path: './functions/api',
      files: 1,
      unzippedBytes: FILES['functions/api/index.js'].length,
      hash: api.slice(4, -4),
      zipped: true,
      bytes: apiZip.bytes.length,
    });
    // Zipped once per key, and every property naming it says so.
    expect(result.artifacts.filter((a) => a.kind === 'zip').every((a) => a.zipped && a.bytes > 0)).toBe(true);
  });

  it('uploads nothing the store already has, and gives the same text again', async () => {
    const dir = await testdir(FILES);
    const store = new MapStore();
    const first = await packageTemplate(input(dir, store));
    const putsAfterFirst = store.puts.length;
    vi.mocked(zipManifest).mockClear();
    const second = await packageTemplate(input(dir, store));
    expect(store.puts.length).toBe(putsAfterFirst);
    expect(second.body).toBe(first.body);
    expect(second.artifacts.every((a) => a.reused && !a.uploaded)).toBe(true);
    // Found by the hash of its sources: nothing zipped, so no size either.
    expect(vi.mocked(zipManifest)).not.toHaveBeenCalled();
    const zips = second.artifacts.filter((a) => a.kind === 'zip');
    expect(zips).toHaveLength(6);
    expect(zips.every((a) => !a.zipped && a.bytes === 0)).toBe(true);
    expect(second.artifacts.filter((a) => a.kind === 'template').every((a) => a.bytes > 0)).toBe(true);
    // Checked once per distinct key, not per property.
    expect(new Set(store.checks).size).toBe(store.checks.length / 2);
  });

  it('changes only the keys of what changed, up through the nested templates', async () => {
    const dir = await testdir(FILES);
    const first = await packageTemplate(input(dir, new MapStore()));
    await writeFile(join(dir, 'nested/worker/main.py'), 'def handler(e, c):\n    return 2\n');
    const second = await packageTemplate(input(dir, new MapStore()));
    const keyOf = (result: typeof first, id: string): string | undefined =>
      result.artifacts.find((a) => a.logicalId === id)?.key;
    expect(keyOf(second, 'Api')).toBe(keyOf(first, 'Api'));
    expect(keyOf(second, 'Grandchild')).toBe(keyOf(first, 'Grandchild'));
    expect(keyOf(second, 'Worker')).not.toBe(keyOf(first, 'Worker'));
    expect(keyOf(second, 'Child')).not.toBe(keyOf(first, 'Child'));
  });

  it('rewrites a JSON template as JSON, without a prefix', async () => {
    const json = `{
  "Resources": {
    "Fn": {
      "Type": "AWS::Lambda::Function",
      "Properties": { "Code": "src", "Role": { "Fn::GetAtt": ["Role", "Arn"] } }
    }
  }
}
`;
    const dir = await testdir({ 'stack.json': json, 'src/index.js': 'x' });
    const store = new MapStore();
    const result = await packageTemplate({
      templateFile: join(dir, 'stack.json'),
      templateText: json,
      bucket: 'bkt',
      region: 'us-east-1',
      store,
    });
    const key = `${(await folderManifest(join(dir, 'src'))).hash}.zip`;
    expect(result.body).toBe(json.replace('"Code": "src"', `"Code": {"S3Bucket": "bkt", "S3Key": "${key}"}`));
    expect(JSON.parse(result.body)).toMatchObject({
      Resources: { Fn: { Properties: { Code: { S3Bucket: 'bkt', S3Key: key } } } },
    });
  });

  it('uploads a .zip named directly as it is', async () => {
    const dir = await testdir({
      'code/a.js': 'a',
      'template.yaml':
        'Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Code: build/fn.zip\n',
    });
    await mkdir(join(dir, 'build'));
    const zip = await zipFolder(join(dir, 'code'));
    await writeFile(join(dir, 'build/fn.zip'), zip.bytes);
    const store = new MapStore();
    const result = await packageTemplate({
      ...input(dir, store),
      templateText: await readFile(join(dir, 'template.yaml'), 'utf8'),
    });
    expect(result.artifacts[0]).toMatchObject({
      kind: 'file',
      files: 1,
      unzippedBytes: 1,
      key: `app/${sha256Hex(zip.bytes)}.zip`,
      bytes: zip.bytes.length,
      zipped: false,
    });
    expect(vi.mocked(zipManifest)).not.toHaveBeenCalled();
  });

  it('keys a folder by its sources: the same after a touch and a 600/644 chmod, new for new content or a 755 mode', async () => {
    const dir = await testdir(FILES);
    const keyNow = async (): Promise<string | undefined> =>
      (await packageTemplate(input(dir, new MapStore()))).artifacts.find((a) => a.logicalId === 'Api')?.key;
    const handler = join(dir, 'functions/api/index.js');
    const first = await keyNow();
    expect(first).toMatch(/^app\/[0-9a-f]{64}\.zip$/);

    const later = new Date('2031-05-06T07:08:09Z');
    await utimes(handler, later, later);
    await utimes(join(dir, 'functions/api'), later, later);
    await chmod(handler, 0o600);
    expect(await keyNow()).toBe(first);
    await chmod(handler, 0o644);
    expect(await keyNow()).toBe(first);

    await chmod(handler, 0o755);
    const executable = await keyNow();
    expect(executable).not.toBe(first);
    await chmod(handler, 0o644);
    await writeFile(handler, 'exports.handler = async () => ({ statusCode: 201 });\n');
    const edited = await keyNow();
    expect([first, executable]).not.toContain(edited);
  });

  it('refuses to store a zip of a file that changed after it was hashed, and puts nothing', async () => {
    const root = 'Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Code: src\n';
    const dir = await testdir({ 'template.yaml': root, 'src/index.js': 'v1' });
    const puts: string[] = [];
    // The check comes between the hash and the zip: a build writing into the folder right then.
    const store: ArtifactStore = {
      exists: async () => {
        await writeFile(join(dir, 'src/index.js'), 'v2');
        return false;
      },
      put: (key) => {
        puts.push(key);
        return Promise.resolve();
      },
    };
    const error = await packageTemplate({ ...input(dir, store), templateText: root }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).problems.map((p) => [p.path, p.message])).toEqual([
      ['Resources.Fn.Properties.Code', '`src` cannot be zipped: index.js changed while it was being packaged'],
    ]);
    expect(puts).toEqual([]);
  });

  it('reports every problem of the tree at once, with file, line, resource and property, and uploads nothing', async () => {
    const root = `Resources:
  Missing:
    Type: AWS::Lambda::Function
    Properties:
      Code: ./nope
  Empty:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: empty
  Huge:
    Type: AWS::Lambda::LayerVersion
    Properties:
      Content: huge
  NotAFile:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: nested
  Loop:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: nested/a.yaml
`;
    const dir = await testdir({
      'template.yaml': root,
      'huge/.keep': '',
      'nested/a.yaml':
        'Resources:\n  B:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: b.yaml\n',
      'nested/b.yaml':
        'Resources:\n  BackToA:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: ./a.yaml\n  Gone:\n    Type: AWS::Lambda::Function\n    Properties:\n      Code: gone\n',
    });
    await mkdir(join(dir, 'empty'));
    // Sparse: counts as 250 MB + 1 byte without writing it; refused before it is read.
    await writeFile(join(dir, 'huge/layer.bin'), '');
    await truncate(join(dir, 'huge/layer.bin'), 262_144_001);
    const store = new MapStore();
    const error = await packageTemplate({ ...input(dir, store), templateText: root }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    const problems = (error as ValidationError).problems;
    const summary = problems.map((p) => [p.location?.file.replace(`${dir}/`, ''), p.location?.line, p.path, p.message]);
    expect(summary).toEqual([
      [
        expect.stringMatching(/template\.yaml$/),
        5,
        'Resources.Missing.Properties.Code',
        expect.stringMatching(/^`\.\/nope` does not exist \(looked for .*\/nope\)$/),
      ],
      [
        expect.stringMatching(/template\.yaml$/),
        9,
        'Resources.Empty.Properties.CodeUri',
        '`empty` is an empty folder: there is nothing to deploy',
      ],
      [
        expect.stringMatching(/template\.yaml$/),
        13,
        'Resources.Huge.Properties.Content',
        expect.stringMatching(
          /^`huge` is over Lambda's unzipped limit \(250 MB\) for a function or a layer: .*262,144,001 bytes unzipped, over the limit of 262,144,000$/,
        ),
      ],
      [
        expect.stringMatching(/template\.yaml$/),
        17,
        'Resources.NotAFile.Properties.TemplateURL',
        '`nested` is not a file: TemplateURL needs a template file',
      ],
      [
        expect.stringMatching(/nested\/b\.yaml$/),
        5,
        'Resources.BackToA.Properties.TemplateURL',
        expect.stringMatching(
          /^`\.\/a\.yaml` makes nested templates include each other: .*nested\/a\.yaml → .*nested\/b\.yaml → .*nested\/a\.yaml$/,
        ),
      ],
      [
        expect.stringMatching(/nested\/b\.yaml$/),
        9,
        'Resources.Gone.Properties.Code',
        expect.stringMatching(/^`gone` does not exist/),
      ],
    ]);
    expect((error as ValidationError).message).toMatch(
      /^Cannot package .*template\.yaml: 6 problems with local artifacts\./,
    );
    expect(problems.every((p) => p.hint !== undefined)).toBe(true);
    expect(store.puts).toEqual([]);
    expect(store.checks).toEqual([]);
  });

  it('names the nested template and line when a nested template does not parse', async () => {
    const root =
      'Resources:\n  Child:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: child.yaml\n';
    const dir = await testdir({ 'template.yaml': root, 'child.yaml': 'Resources:\n  X: [unclosed\n' });
    const error = await packageTemplate({ ...input(dir, new MapStore()), templateText: root }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    const [problem] = (error as ValidationError).problems;
    expect(problem?.location?.file).toMatch(/child\.yaml$/);
    expect(problem?.message).toMatch(/^nested template of Child in .*template\.yaml: YAML syntax error/);
  });

  it('refuses YAML aliases in a nested template with its line, and puts nothing (issue 11)', async () => {
    const root =
      'Resources:\n  Child:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: child.yaml\n';
    const child =
      'Resources:\n  X:\n    Type: AWS::SNS::Topic\n    Properties: &p {}\n  Y:\n    Type: AWS::SNS::Topic\n    Properties: *p\n';
    const store = new MapStore();
    const dir = await testdir({ 'template.yaml': root, 'child.yaml': child });
    const error = await packageTemplate({ ...input(dir, store), templateText: root }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    const [problem] = (error as ValidationError).problems;
    expect(problem?.location).toEqual({ file: expect.stringMatching(/child\.yaml$/) as string, line: 4 });
    expect(problem?.message).toMatch(/^nested template of Child in .*template\.yaml: YAML anchor &p is not supported/);
    expect(store.puts).toEqual([]);
  });

  it('uploads under the concurrency limit', async () => {
    const files: Record<string, string> = {};
    let root = 'Resources:\n';
    for (let i = 0; i < 6; i += 1) {
      files[`f${i}/index.js`] = `exports.n = ${i};\n`;
      root += `  F${i}:\n    Type: AWS::Lambda::Function\n    Properties:\n      Code: f${i}\n`;
    }
    const dir = await testdir({ ...files, 'template.yaml': root });
    let running = 0;
    let most = 0;
    const store: ArtifactStore = {
      exists: async () => {
        running += 1;
        most = Math.max(most, running);
        await new Promise((r) => setTimeout(r, 10));
        running -= 1;
        return false;
      },
      put: () => Promise.resolve(),
    };
    const result = await packageTemplate({ ...input(dir, store), templateText: root, limit: 2 });
    expect(most).toBe(2);
    expect(result.artifacts.filter((a) => a.uploaded)).toHaveLength(6);
  });
});
