/**
 * A corpus of templates written for this test (test/template/corpus/), one per form CloudFormation
 * reads that stackpilot must read too (issue 12, section 1): each asserts what the template
 * provides and needs, i.e. exports, imports, SSM names and stack-output reads.
 */
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadProject } from '../../src/graph/load-project.js';
import { analyzeTemplate, expandForEach, parseTemplate } from '../../src/template/index.js';
import type { AnalyzeOptions, ResolvedName, TemplateInfo } from '../../src/template/index.js';
import { copyExample } from '../helpers/example-project.js';

const corpus = join(import.meta.dirname, 'corpus');

function analyzeCorpus(file: string, options: AnalyzeOptions = {}): TemplateInfo {
  const info = analyzeTemplate(parseTemplate(readFileSync(join(corpus, file), 'utf8'), file), {
    stackName: 'shop-app',
    region: 'us-east-1',
    ...options,
  });
  expect(info.errors).toEqual([]);
  return info;
}

const exact = (value: string): ResolvedName => ({ value, unknowns: [] });
const exportsOf = (info: TemplateInfo): (string | undefined)[] => info.outputs.map((o) => o.exportName?.value);

describe('Fn::GetStackOutput', () => {
  let info: TemplateInfo;
  beforeAll(() => {
    info = analyzeCorpus('get-stack-output.yaml');
  });

  it('is read in the long and the short form, with Region and RoleArn when given', () => {
    expect(info.stackOutputReads.map(({ location: _location, ...read }) => read)).toEqual([
      { stackName: exact('shop-data'), outputName: exact('QueueBaseName'), usedBy: 'Queue' },
      { stackName: exact('shop-data'), outputName: exact('TopicName'), region: exact('eu-west-1'), usedBy: 'Topic' },
      {
        stackName: exact('shop-network'),
        outputName: exact('RoleArn'),
        region: exact('us-east-1'),
        roleArn: exact('arn:aws:iam::111122223333:role/read-outputs'),
        usedBy: 'Function',
      },
      { stackName: exact('shop-app-vpc'), outputName: exact('VpcId'), usedBy: 'output Vpc' },
    ]);
  });

  it('locates each read at the function', () => {
    expect(info.stackOutputReads.map((r) => r.location.line)).toEqual([12, 19, 26, 34]);
  });

  it('resolves the stack name through a parameter set in the config', () => {
    const configured = analyzeCorpus('get-stack-output.yaml', { parameterValues: new Map([['NetworkStack', 'net']]) });
    expect(configured.stackOutputReads[2]?.stackName).toEqual(exact('net'));
  });

  it('warns where the short form holds another short form, which CloudFormation does not accept', () => {
    const parsed = parseTemplate(
      [
        'Resources:',
        '  Q:',
        '    Type: AWS::SQS::Queue',
        '    Properties:',
        '      QueueName: !GetStackOutput',
        '        StackName: !Ref Other',
        '        OutputName: Name',
        '',
      ].join('\n'),
      't.yaml',
    );
    expect(parsed.warnings?.map((w) => [w.message, w.location])).toEqual([
      [
        '!GetStackOutput with a short-form function inside it is not accepted by CloudFormation',
        { file: 't.yaml', line: 6, column: 9 },
      ],
    ]);
    expect(info.warnings).toEqual([]);
  });

  it('warns about a malformed reference instead of inventing one', () => {
    const broken = analyzeTemplate(
      parseTemplate(
        'Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: !GetStackOutput {StackName: a}\n',
        't.yaml',
      ),
    );
    expect(broken.stackOutputReads).toEqual([]);
    expect(broken.warnings.map((w) => w.message)).toEqual(['Fn::GetStackOutput in Q: OutputName missing']);
  });
});

describe('rule functions in Rules', () => {
  it('parse in short and long form, and do not disturb what the template provides', () => {
    const info = analyzeCorpus('rules.yaml');
    expect(exportsOf(info)).toEqual(['test-rules-bucket']);
    expect(info.warnings).toEqual([]);
    const parsed = parseTemplate(readFileSync(join(corpus, 'rules.yaml'), 'utf8'), 'rules.yaml');
    const rules = parsed.body.Rules as Record<string, { Assertions: { Assert: unknown }[] }>;
    expect(rules.SubnetsInOneVpc?.Assertions[1]?.Assert).toEqual({
      'Fn::EachMemberIn': [
        { 'Fn::ValueOfAll': ['AWS::EC2::Subnet::Id', 'VpcId'] },
        { 'Fn::RefAll': 'AWS::EC2::VPC::Id' },
      ],
    });
  });
});

describe('AWS::LanguageExtensions', () => {
  let info: TemplateInfo;
  beforeAll(() => {
    info = analyzeCorpus('language-extensions.yaml');
  });

  it('expands Fn::ForEach in Resources, with ${Id}, &{Id} and nested loops', () => {
    expect(info.resources.map((r) => r.logicalId)).toEqual([
      'ordersTable',
      'ordersTableName',
      'usersTable',
      'usersTableName',
      'Subnet1001024',
      'Subnet1002024',
      'OrdersHighQueue',
      'OrdersLowQueue',
      'RefundsHighQueue',
      'RefundsLowQueue',
      'Settings',
    ]);
  });

  it('finds the SSM parameters the loops write, with Ref to the identifier, and FindInMap DefaultValue', () => {
    expect(info.ssmWrites.map((w) => [w.parameterName.value, w.logicalId])).toEqual([
      ['/dev/tables/orders', 'ordersTableName'],
      ['/dev/tables/users', 'usersTableName'],
      ['/dev/settings/7', 'Settings'],
    ]);
  });

  it('uses the mapped value rather than DefaultValue when the key exists', () => {
    const prod = analyzeCorpus('language-extensions.yaml', { parameterValues: new Map([['Stage', 'prod']]) });
    expect(prod.ssmWrites.at(-1)?.parameterName).toEqual(exact('/prod/settings/35'));
  });

  it('finds the exports generated in Outputs and the imports generated in Resources', () => {
    expect(exportsOf(info)).toEqual(['dev-orders-table-arn', 'dev-users-table-arn', 'dev-tables-2']);
    expect(info.imports.map((i) => [i.exportName.value, i.usedBy])).toEqual([
      ['dev-vpc-id', 'Subnet1001024'],
      ['dev-vpc-id', 'Subnet1002024'],
    ]);
  });

  it('expands Fn::ForEach in Conditions too, with Ref to the identifier replaced by the item', () => {
    const parsed = parseTemplate(readFileSync(join(corpus, 'language-extensions.yaml'), 'utf8'), 'l.yaml');
    expect(expandForEach(parsed, undefined).template.body.Conditions).toEqual({
      IsProd: { 'Fn::Equals': [{ Ref: 'Stage' }, 'prod'] },
      Hasorders: { 'Fn::Not': [{ 'Fn::Equals': ['orders', ''] }] },
      Hasusers: { 'Fn::Not': [{ 'Fn::Equals': ['users', ''] }] },
    });
  });

  it('takes the collection from the config when the parameter is set there', () => {
    const configured = analyzeCorpus('language-extensions.yaml', { parameterValues: new Map([['Tables', 'carts']]) });
    expect(exportsOf(configured)).toEqual(['dev-carts-table-arn', 'dev-tables-2']);
  });

  it('locates generated entries at the fragment they were copied from', () => {
    expect(info.outputs[0]?.location).toEqual({ file: 'language-extensions.yaml', line: 70, column: 7 });
    expect(info.ssmWrites[1]?.location).toEqual({ file: 'language-extensions.yaml', line: 32, column: 7 });
  });

  it('warns, naming the loop, when a collection is not known before deploy', () => {
    const unknown = analyzeTemplate(
      parseTemplate(
        [
          'Transform: AWS::LanguageExtensions',
          'Resources:',
          '  Fn::ForEach::Topics:',
          '    - Name',
          '    - !Split [",", !ImportValue names]',
          '    - Topic${Name}:',
          '        Type: AWS::SNS::Topic',
          '  Other:',
          '    Type: AWS::SNS::Topic',
          '',
        ].join('\n'),
        't.yaml',
      ),
    );
    expect(unknown.resources.map((r) => r.logicalId)).toEqual(['Other']);
    expect(unknown.warnings.map((w) => [w.message, w.location])).toEqual([
      [
        'Fn::ForEach::Topics: its collection is not known before deploy, so the exports, imports and SSM parameters it generates are not read',
        { file: 't.yaml', line: 3, column: 3 },
      ],
    ]);
  });
});

describe('SAM Globals', () => {
  it('count as the stack own imports and SSM reads', () => {
    const info = analyzeCorpus('sam-globals.yaml');
    expect(info.imports.map((i) => [i.exportName.value, i.usedBy])).toEqual([['shop-data-TableName', 'Globals']]);
    expect(info.ssmReads.map((r) => [r.parameterName.value, r.secure, r.version, r.usedBy])).toEqual([
      ['/shop/api-key', true, 2, 'Globals'],
      ['/shop/log-level', false, undefined, 'Globals'],
    ]);
  });
});

describe('SSM dynamic references', () => {
  let info: TemplateInfo;
  beforeAll(() => {
    info = analyzeCorpus('ssm-references.yaml');
  });
  interface Read {
    name: ResolvedName;
    secure: boolean;
    version: number | undefined;
    region: string | undefined;
    account: string | undefined;
    usedBy: string;
  }
  const reads = (): Read[] =>
    info.ssmReads.map((r) => ({
      name: r.parameterName,
      secure: r.secure,
      version: r.version,
      region: r.region,
      account: r.account,
      usedBy: r.usedBy,
    }));
  const read = (name: ResolvedName, usedBy: string, extra: Partial<Read> = {}): Read => ({
    name,
    secure: false,
    version: undefined,
    region: undefined,
    account: undefined,
    usedBy,
    ...extra,
  });

  it('are found when joined from !Join pieces, exact or as a pattern', () => {
    expect(reads().filter((r) => r.usedBy === 'Joined')).toEqual([
      read(exact('/shop/joined'), 'Joined'),
      read({ value: '/shop/${Unknown}', unknowns: ['Unknown'] }, 'Joined', { version: 4 }),
    ]);
  });

  it('read the parameter-ARN form as the parameter name, its region and account', () => {
    expect(reads().filter((r) => r.usedBy.startsWith('Arn'))).toEqual([
      read(exact('/shared/topic-name'), 'Arn', { region: 'eu-west-1', account: '111122223333' }),
      read(exact('FlatName'), 'Arn', { version: 7, region: 'us-east-1', account: '111122223333' }),
      read(exact('/shop/name'), 'ArnInSub', { region: 'us-east-1', account: '${AWS::AccountId}' }),
    ]);
  });

  it('keep versions apart from the name, and tell ssm-secure', () => {
    expect(reads().filter((r) => r.usedBy === 'Versions')).toEqual([
      read(exact('/shop/pinned'), 'Versions', { version: 3 }),
      read(exact('plain-name'), 'Versions'),
      read(exact('/shop/secret'), 'Versions', { secure: true, version: 1 }),
    ]);
  });
});

describe('Fn::If inside Fn::ImportValue', () => {
  let info: TemplateInfo;
  beforeAll(() => {
    info = analyzeCorpus('import-if.yaml');
  });

  it('yields both branches as candidates, each an import, each knowing the other', () => {
    expect(info.imports.map((i) => [i.exportName.value, i.usedBy, i.oneOf?.map((n) => n.value)])).toEqual([
      ['shared-queue-name', 'Queue', ['shared-queue-name', 'own-queue-name']],
      ['own-queue-name', 'Queue', ['shared-queue-name', 'own-queue-name']],
      ['shared-dlq-arn', 'Queue', ['shared-dlq-arn', 'own-dlq-arn']],
      ['own-dlq-arn', 'Queue', ['shared-dlq-arn', 'own-dlq-arn']],
      ['optional-name', 'Optional', undefined],
    ]);
    expect(info.warnings).toEqual([]);
  });
});

describe('nested templates', () => {
  it('count their exports and SSM parameter writes for the parent stack', async () => {
    const dir = await copyExample();
    const nested = join(dir, 'templates', 'nested', 'alarms.yaml');
    await writeFile(
      nested,
      (await readFile(nested, 'utf8'))
        .replace(
          'Resources:\n',
          [
            'Resources:',
            '  AlarmNameParameter:',
            '    Type: AWS::SSM::Parameter',
            '    Properties:',
            '      Type: String',
            '      Name: /orders/dev/create-order-alarm',
            '      Value: !Ref CreateOrderErrors',
            '',
          ].join('\n'),
        )
        .replace(
          'error alarm\n    Value: !Ref CreateOrderErrors\n',
          'error alarm\n    Value: !Ref CreateOrderErrors\n    Export:\n      Name: orders-dev-CreateOrderAlarm\n',
        ),
    );
    const backup = join(dir, 'templates', 'backup.yaml');
    await writeFile(
      backup,
      (await readFile(backup, 'utf8')).replace(
        /\nOutputs:\n/,
        [
          '',
          '  AlarmWatcher:',
          '    Type: AWS::SNS::Topic',
          '    Properties:',
          '      DisplayName: !ImportValue orders-dev-CreateOrderAlarm',
          '',
          'Outputs:',
          '',
        ].join('\n'),
      ),
    );
    const project = await loadProject({ cwd: dir, command: 'validate' });
    const app = project.templates.get('app');
    expect(app?.nestedExports.map((o) => [o.name, o.exportName?.value, o.location.file])).toEqual([
      ['CreateOrderErrorsAlarm', 'orders-dev-CreateOrderAlarm', 'templates/nested/alarms.yaml'],
    ]);
    expect(app?.ssmWrites.map((w) => [w.parameterName.value, w.location.file])).toEqual([
      ['/orders/dev/create-order-alarm', 'templates/nested/alarms.yaml'],
    ]);
    // Not an output of app: the config cannot name it with output().
    expect(app?.outputs.some((o) => o.name === 'CreateOrderErrorsAlarm')).toBe(false);
    const edge = project.graph.edges.find((e) => e.stack === 'backup' && e.dependsOn === 'app');
    expect(edge?.via).toBe('import');
  });
});
