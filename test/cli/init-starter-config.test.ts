/** The config `stackpilot init --from-account` writes, from what DescribeStacks and GetTemplate said. */
import { describe, expect, it } from 'vitest';
import type { StackDescription } from '../../src/aws/ports.js';
import { namingOf } from '../../src/cli/command-init.js';
import { renderStarterConfig } from '../../src/cli/init/starter-config.js';
import { starterFromAccount, withoutNestedStacks } from '../../src/cli/init/starter-from-account.js';
import type { DeployedStack } from '../../src/cli/init/starter-from-account.js';
import { resolveParameters } from '../../src/engine/deploy/resolve-parameters.js';
import { loadProject } from '../../src/graph/load-project.js';
import { testdir } from '../helpers/testdir.js';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

function description(
  name: string,
  fields: Partial<Pick<StackDescription, 'parameters' | 'outputs' | 'tags' | 'capabilities' | 'terminationProtection'>>,
): StackDescription {
  return {
    stackId: `arn:aws:cloudformation:us-east-1:123456789012:stack/${name}/1`,
    stackName: name,
    status: 'UPDATE_COMPLETE',
    statusReason: undefined,
    parameters: [],
    outputs: [],
    tags: {},
    capabilities: [],
    terminationProtection: false,
    creationTime: undefined,
    lastUpdatedTime: undefined,
    ...fields,
  };
}

const out = (key: string, value: string) => ({ key, value, exportName: undefined, description: undefined });

const TEMPLATE = (params: string) => `Parameters:\n${params}Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n`;

function stack(id: string, desc: StackDescription, templateBody: string): DeployedStack {
  return { id, description: desc, templateBody, templateFile: `templates/${id}.yaml` };
}

describe('starterFromAccount', () => {
  it("turns a parameter equal to exactly one other stack's output into output(), and leaves defaults out", () => {
    const { stacks, warnings } = starterFromAccount([
      stack(
        'data',
        description('orders-dev-data', { outputs: [out('BucketName', 'orders-dev-bucket'), out('Same', 'x')] }),
        TEMPLATE(''),
      ),
      stack('logs', description('orders-dev-logs', { outputs: [out('Same', 'x')] }), TEMPLATE('')),
      stack(
        'app',
        description('orders-dev-app', {
          parameters: [
            { key: 'Bucket', value: 'orders-dev-bucket' },
            { key: 'Twice', value: 'x' },
            { key: 'Size', value: '3' },
            { key: 'Stage', value: 'dev' },
          ],
        }),
        TEMPLATE(
          '  Bucket:\n    Type: String\n  Twice:\n    Type: String\n  Size:\n    Type: Number\n    Default: 3\n  Stage:\n    Type: String\n',
        ),
      ),
    ]);
    expect(warnings).toEqual([]);
    const app = stacks.find((s) => s.id === 'app');
    expect(app?.parameters).toEqual([
      ['Bucket', { kind: 'output', stack: 'data', name: 'BucketName' }],
      ['Twice', { kind: 'literal', value: 'x' }],
      ['Stage', { kind: 'literal', value: 'dev' }],
    ]);
    expect(app?.notes).toEqual([
      "Twice equals several outputs (output('data', 'Same'), output('logs', 'Same')): kept as a literal; pick one if it comes from there",
    ]);
    const text = renderStarterConfig({ project: 'orders', stage: 'dev', header: [], stacks });
    expect(text).toContain("import { defineConfig, output } from 'stackpilot';");
    expect(text).toContain("        Bucket: output('data', 'BucketName'),\n");
  });

  it('never makes an output() that would close a cycle', () => {
    const { stacks } = starterFromAccount([
      stack(
        'a',
        description('p-s-a', { outputs: [out('Name', 'alpha')], parameters: [{ key: 'Other', value: 'beta' }] }),
        TEMPLATE('  Other:\n    Type: String\n'),
      ),
      stack(
        'b',
        description('p-s-b', { outputs: [out('Name', 'beta')], parameters: [{ key: 'Other', value: 'alpha' }] }),
        TEMPLATE('  Other:\n    Type: String\n'),
      ),
    ]);
    expect(stacks.map((s) => s.parameters[0]?.[1].kind)).toEqual(['output', 'literal']);
  });

  it('writes a NoEcho parameter as a marked placeholder with a warning, and never the masked value', () => {
    const { stacks, warnings } = starterFromAccount([
      stack(
        'db',
        description('orders-dev-db', {
          parameters: [
            { key: 'Password', value: '****' },
            { key: 'User', value: 'admin' },
          ],
          tags: {
            team: 'core',
            'stackpilot:project': 'orders',
            'stackpilot:stage': 'dev',
            'aws:cloudformation:x': 'y',
          },
          capabilities: ['CAPABILITY_NAMED_IAM'],
          terminationProtection: true,
        }),
        TEMPLATE('  Password:\n    Type: String\n    NoEcho: true\n  User:\n    Type: String\n'),
      ),
    ]);
    expect(warnings).toEqual([
      'db: parameter Password is NoEcho: its value cannot be read, so the config has a placeholder for it; fill it in before deploying',
    ]);
    const text = renderStarterConfig({ project: 'orders', stage: 'dev', header: ['from the account'], stacks });
    expect(text).not.toContain('****');
    expect(text).toContain(
      [
        '        // FILL IN: NoEcho parameter Password: CloudFormation does not return its value',
        "        Password: '<FILL IN: NoEcho parameter Password: CloudFormation does not return its value>',",
        "        User: 'admin',",
      ].join('\n'),
    );
    // stackpilot's own tags and CloudFormation's are not the user's to write.
    expect(text).toContain("      tags: { team: 'core' },\n");
    expect(text).toContain("      capabilities: ['CAPABILITY_NAMED_IAM'],\n      terminationProtection: true,\n");
  });
});

describe('withoutNestedStacks', () => {
  it('leaves out a stack named after an AWS::CloudFormation::Stack resource of another listed stack', () => {
    const parent = stack(
      'app',
      description('orders-dev-app', {}),
      'Resources:\n  Alarms:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: https://b.s3.amazonaws.com/k\n',
    );
    const nested = stack('app-Alarms-C0SZQ', description('orders-dev-app-Alarms-C0SZQ', {}), TEMPLATE(''));
    // Named like a nested stack, but its would-be parent has no such resource: a stack of its own.
    const lookalike = stack('app-Other-X', description('orders-dev-app-Other-X', {}), TEMPLATE(''));
    const { roots, nested: left } = withoutNestedStacks([parent, nested, lookalike]);
    expect(roots.map((s) => s.id)).toEqual(['app', 'app-Other-X']);
    expect(left.map((s) => s.id)).toEqual(['app-Alarms-C0SZQ']);
  });
});

describe('the placeholder', () => {
  it('is a warning when the project loads and refused when parameters are resolved', async () => {
    const { stacks } = starterFromAccount([
      stack(
        'db',
        description('orders-dev-db', { parameters: [{ key: 'Password', value: '****' }] }),
        TEMPLATE('  Password:\n    Type: String\n    NoEcho: true\n'),
      ),
    ]);
    const dir = await testdir({ 'templates/db.yaml': TEMPLATE('  Password:\n    Type: String\n    NoEcho: true\n') });
    await writeFile(
      join(dir, 'stacks.config.ts'),
      renderStarterConfig({ project: 'orders', stage: 'dev', header: [], stacks }),
    );
    const project = await loadProject({ cwd: dir, command: 'validate' });
    expect(project.warnings.map((w) => w.message)).toContain(
      'parameter Password is still the placeholder stackpilot init wrote: plan and deploy refuse it',
    );
    const db = project.config.stacks[0];
    const template = project.templates.get('db');
    if (db === undefined || template === undefined) throw new Error('no db stack');
    const ssm = { getParameter: () => Promise.resolve(undefined), putParameter: () => Promise.resolve() };
    await expect(resolveParameters(db, template, () => Promise.resolve({}), ssm)).rejects.toThrow(
      'parameter Password of db is still the placeholder stackpilot init wrote',
    );
  });
});

describe('namingOf', () => {
  it('reads <project>-<stage>- as the default pattern, and maps other prefixes part by part', () => {
    expect(namingOf('orders-dev-', undefined, undefined)).toEqual({
      project: 'orders',
      stage: 'dev',
      stackName: '${project}-${stage}-${id}',
    });
    expect(namingOf('acme-orders-prod-', 'orders', 'prod')).toEqual({
      project: 'orders',
      stage: 'prod',
      stackName: 'acme-${project}-${stage}-${id}',
    });
    expect(() => namingOf('acme-orders-prod-', undefined, undefined)).toThrow(
      'cannot tell the project and the stage from the prefix acme-orders-prod-',
    );
  });
});
