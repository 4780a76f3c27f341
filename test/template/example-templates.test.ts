import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeTemplate, readTemplate } from '../../src/template/index.js';
import type { AnalyzeOptions, TemplateInfo } from '../../src/template/index.js';

const STACKS = ['core-infra', 'data', 'app', 'backup'] as const;
type StackId = (typeof STACKS)[number];

const templatesDir = fileURLToPath(new URL('../../templates/', import.meta.url));

async function analyze(id: StackId, options: AnalyzeOptions): Promise<TemplateInfo> {
  const template = await readTemplate(`${templatesDir}${id}.yaml`, `templates/${id}.yaml`);
  return analyzeTemplate(template, options);
}

describe('the example templates', () => {
  const known = new Map<StackId, TemplateInfo>();
  const bare = new Map<StackId, TemplateInfo>();

  beforeAll(async () => {
    for (const id of STACKS) {
      known.set(
        id,
        await analyze(id, {
          stackName: `orders-dev-${id}`,
          region: 'eu-west-1',
          parameterValues: new Map([
            ['Project', 'orders'],
            ['Stage', 'dev'],
          ]),
        }),
      );
      bare.set(id, await analyze(id, {}));
    }
  });

  const info = (id: StackId): TemplateInfo => {
    const found = known.get(id);
    if (!found) throw new Error(`${id} was not analysed`);
    return found;
  };

  it.each(STACKS)('%s has no errors and, with Project and Stage known, no warnings', (id) => {
    expect(info(id).errors).toEqual([]);
    expect(info(id).warnings).toEqual([]);
    expect(info(id).file).toBe(`templates/${id}.yaml`);
  });

  it('app imports ${Project}-${Stage}-TableName, resolved to orders-dev-TableName, at its line', () => {
    const tableName = info('app').imports.filter((i) => i.exportName.value === 'orders-dev-TableName');
    expect(tableName).toEqual([
      {
        exportName: { value: 'orders-dev-TableName', unknowns: [] },
        usedBy: 'GetOrderFunction',
        location: { file: 'templates/app.yaml', line: 122, column: 13 },
      },
    ]);
  });

  it('app imports only what core-infra and data export', () => {
    const exported = new Set(
      (['core-infra', 'data'] as const).flatMap((id) =>
        info(id).outputs.flatMap((o) => (o.exportName ? [o.exportName.value] : [])),
      ),
    );
    const imported = [...new Set(info('app').imports.map((i) => i.exportName.value))];
    expect(imported.sort()).toEqual([
      'orders-dev-LambdaSecurityGroupId',
      'orders-dev-PrivateSubnetIds',
      'orders-dev-SubnetAId',
      'orders-dev-SubnetBId',
      'orders-dev-TableArn',
      'orders-dev-TableName',
    ]);
    for (const name of imported) expect(exported).toContain(name);
  });

  it('backup imports the table ARN from data', () => {
    expect(info('backup').imports.map((i) => [i.exportName.value, i.usedBy])).toEqual([
      ['orders-dev-TableArn', 'BackupSelection'],
    ]);
  });

  it('without Project and Stage, app import names stay patterns and are reported', () => {
    const app = bare.get('app');
    const tableName = app?.imports.find(
      (i) => i.usedBy === 'GetOrderFunction' && i.exportName.value.endsWith('-TableName'),
    );
    expect(tableName?.exportName).toEqual({ value: '${Project}-${Stage}-TableName', unknowns: ['Project', 'Stage'] });
    expect(app?.warnings.some((w) => w.message.includes('"${Project}-${Stage}-TableName"'))).toBe(true);
  });

  it('data writes /orders/dev/data/table-name', () => {
    expect(info('data').ssmWrites).toEqual([
      {
        parameterName: { value: '/orders/dev/data/table-name', unknowns: [] },
        logicalId: 'TableNameParam',
        location: { file: 'templates/data.yaml', line: 64, column: 3 },
      },
    ]);
  });

  it('no template reads SSM at deploy time (app reads the table name at run time only)', () => {
    for (const id of STACKS) expect(info(id).ssmReads).toEqual([]);
  });

  it('core-infra exports its network ids and imports nothing', () => {
    const coreInfra = info('core-infra');
    expect(coreInfra.imports).toEqual([]);
    expect(coreInfra.outputs.map((o) => o.exportName?.value)).toEqual([
      'orders-dev-VpcId',
      'orders-dev-SubnetAId',
      'orders-dev-SubnetBId',
      'orders-dev-PrivateSubnetIds',
      'orders-dev-LambdaSecurityGroupId',
    ]);
    expect(coreInfra.parameters.map((p) => [p.name, p.default])).toEqual([
      ['Project', undefined],
      ['Stage', undefined],
      ['VpcCidr', '10.0.0.0/16'],
      ['SubnetACidr', '10.0.0.0/20'],
      ['SubnetBCidr', '10.0.16.0/20'],
    ]);
  });

  it('data does not export TableNameParameter', () => {
    const output = info('data').outputs.find((o) => o.name === 'TableNameParameter');
    expect(output).toBeDefined();
    expect(output?.exportName).toBeUndefined();
  });
});
