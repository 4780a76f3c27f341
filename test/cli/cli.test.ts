import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from '../helpers/run-cli.js';
import { testdir } from '../helpers/testdir.js';

const TOPIC = 'Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n';

describe('stackpilot CLI: usage', () => {
  it('prints help with every command and examples, exit 0', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('validate');
    expect(r.stdout).toContain('graph');
    expect(r.stdout).toContain('Examples:');
    expect(r.stdout).toContain('Exit codes: 0 ok, 1 failure, 2 bad usage.');
  });

  it('has help with examples on each command', async () => {
    for (const command of ['validate', 'graph']) {
      const r = await runCli([command, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Usage: stackpilot ${command}`);
      expect(r.stdout).toContain(`$ stackpilot ${command}`);
    }
  });

  it('prints its version', async () => {
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('exits 2 on an unknown command, with a suggestion', async () => {
    const r = await runCli(['valdate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command 'valdate'");
    expect(r.stderr).toContain('validate');
  });

  it('exits 2 on an unknown option and on a bad --format', async () => {
    expect((await runCli(['validate', '--frobnicate'])).code).toBe(2);
    const r = await runCli(['graph', '--format', 'png']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Allowed choices are text, mermaid, dot, json');
  });

  it('exits 2 on an unknown stack id, listing the valid ones', async () => {
    const r = await runCli(['graph', 'ap']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown stack "ap"');
    expect(r.stderr).toContain('did you mean "app"? the stacks are: core-infra, data, app, backup');
  });
});

describe('stackpilot CLI: the example system', () => {
  it('validates it', async () => {
    const r = await runCli(['validate']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('stacks.config.ts is valid: 4 stacks');
    expect(r.stdout).toContain('levels: [core-infra] [data] [app, backup]');
    expect(r.stderr).toBe('');
  });

  it('draws app and backup side by side after data in mermaid', async () => {
    const r = await runCli(['graph', '--format', 'mermaid']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('flowchart LR');
    // As graph --help says: an arrow points from a stack to the stack it needs.
    expect(lines[1]).toBe('  %% an arrow points from a stack to a stack it needs (that one deploys first)');
    expect(lines).toContain('  s_backup -->|import| s_data');
    expect(lines).toContain('  s_app -->|output, import| s_data');
    expect(lines).toContain('  s_data -->|declared| s_core_infra');
    expect(lines.some((l) => l.includes('s_app') && l.includes('s_backup'))).toBe(false);
  });

  it('prints the JSON contract', async () => {
    const r = await runCli(['graph', '--format', 'json']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(['stacks', 'edges', 'order', 'levels', 'criticalPath', 'external', 'setAside']);
    expect(json.stacks).toContainEqual({ id: 'app', stackName: 'orders-dev-app', dependsOn: ['data', 'core-infra'] });
    expect(json.edges).toContainEqual(expect.objectContaining({ stack: 'app', dependsOn: 'data', via: 'output' }));
    expect(json.edges).toContainEqual(expect.objectContaining({ stack: 'backup', dependsOn: 'data', via: 'import' }));
    expect(json.order).toEqual(['core-infra', 'data', 'app', 'backup']);
    expect(json.levels).toEqual([['core-infra'], ['data'], ['app', 'backup']]);
    expect(json.criticalPath).toEqual(['core-infra', 'data', 'app']);
  });

  it('prints dot and text formats', async () => {
    const dot = await runCli(['graph', '--format', 'dot']);
    expect(dot.stdout).toContain('digraph "orders" {');
    expect(dot.stdout).toContain('s_backup -> s_data [label="import"];');
    expect(dot.stdout).toContain('  // an arrow points from a stack to a stack it needs (that one deploys first)');
    const text = await runCli(['graph']);
    // A step's number on its first stack's line, not on a line of its own.
    expect(text.stdout).toContain(
      [
        'orders (stage dev): 4 stacks, deployed in 3 steps (the stacks of one step in parallel)',
        '  1. core-infra  orders-dev-core-infra',
        '  2. data        orders-dev-data        after core-infra',
        '  3. app         orders-dev-app         after data, core-infra',
        '     backup      orders-dev-backup      after data',
      ].join('\n'),
    );
    expect(text.stdout).toContain('critical path, in deploy order: core-infra → data → app');
  });

  it('names stacks and picks the region per stage', async () => {
    const r = await runCli(['graph', '--stage', 'prod', '--format', 'json']);
    const json = JSON.parse(r.stdout) as { stacks: { stackName: string }[] };
    expect(json.stacks.map((s) => s.stackName)).toEqual([
      'orders-prod-core-infra',
      'orders-prod-data',
      'orders-prod-app',
      'orders-prod-backup',
    ]);
    const v = await runCli(['validate', '--stage', 'prod']);
    expect(v.stdout).toContain('stage prod, region eu-west-1');
  });

  it('selects a stack with its upstream, exclusively, or with dependents', async () => {
    const order = async (...args: string[]): Promise<unknown> =>
      (JSON.parse((await runCli(['graph', '--format', 'json', ...args])).stdout) as { order: unknown }).order;
    expect(await order('backup')).toEqual(['core-infra', 'data', 'backup']);
    expect(await order('app', '--exclusively')).toEqual(['app']);
    expect(await order('data', '--with-dependents', '--exclusively')).toEqual(['data', 'app', 'backup']);
  });
});

describe('stackpilot CLI: configs elsewhere', () => {
  it('loads a TypeScript config outside the repo that imports from stackpilot', async () => {
    const dir = await testdir({
      'stacks.config.ts': [
        "import { defineConfig, output } from 'stackpilot';",
        'export default defineConfig({',
        "  project: 'outside',",
        '  stacks: {',
        "    base: { template: 'base.yaml' },",
        "    top: { template: 'top.yaml', parameters: { Name: output('base', 'TopicName') } },",
        '  },',
        '});',
      ].join('\n'),
      'base.yaml': `${TOPIC}Outputs:\n  TopicName:\n    Value: !GetAtt Topic.TopicName\n`,
      'top.yaml': `Parameters:\n  Name:\n    Type: String\n${TOPIC}`,
    });
    expect(REPO_ROOT.startsWith(dir)).toBe(false);
    const r = await runCli(['graph', '--format', 'json'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { edges: unknown[] }).edges).toEqual([
      expect.objectContaining({ stack: 'top', dependsOn: 'base', via: 'output' }),
    ]);
  });

  it('loads a JSON config given with --config', async () => {
    const dir = await testdir({
      'infra/stacks.config.json': JSON.stringify({
        project: 'json',
        stacks: {
          one: { template: 'one.yaml' },
          two: { template: 'one.yaml', dependsOn: ['one'], stackName: 'json-two' },
        },
      }),
      'infra/one.yaml': TOPIC,
    });
    const r = await runCli(['validate', '--config', 'infra/stacks.config.json'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('infra/stacks.config.json is valid: 2 stacks');
  });

  it('says how to start when there is no config', async () => {
    const dir = await testdir({ 'README.md': 'nothing here' });
    const r = await runCli(['validate'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`no stackpilot config in ${dir}`);
    expect(r.stderr).toContain('create one of stacks.config.ts');
  });
});

describe('stackpilot CLI: bad input', () => {
  const badConfig = [
    "import { defineConfig, output } from 'stackpilot';",
    'export default defineConfig({',
    "  project: 'bad',",
    '  stacks: {',
    '    network: {',
    "      template: 'network.yaml',",
    "      dependOn: ['data'],",
    '    },',
    '    data: {',
    "      template: 'missing.yaml',",
    '    },',
    '  },',
    '});',
  ].join('\n');

  it('reports every problem at once with file, line, field and a suggestion, and no stack trace', async () => {
    const dir = await testdir({ 'stacks.config.ts': badConfig, 'network.yaml': TOPIC });
    const r = await runCli(['validate'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('stacks.config.ts:7: stacks.network: unknown key "dependOn"');
    expect(r.stderr).toContain('did you mean "dependsOn"?');
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stdout).toBe('');
  });

  it('reports template, parameter and reference problems together', async () => {
    const dir = await testdir({
      'stacks.config.ts': [
        "import { defineConfig, output } from 'stackpilot';",
        'export default defineConfig({',
        "  project: 'bad',",
        '  stacks: {',
        "    network: { template: 'network.yaml', parameters: { Cidr: '10.0.0.0/16' } },",
        "    data: { template: 'missing.yaml', dependsOn: ['netwrk'] },",
        "    app: { template: 'broken.yaml' },",
        '  },',
        '});',
      ].join('\n'),
      'network.yaml': `Parameters:\n  VpcCidr:\n    Type: String\n${TOPIC}`,
      'broken.yaml': 'Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n    Properties: [oops\n',
    });
    const r = await runCli(['validate'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('problems in stacks.config.ts');
    expect(r.stderr).toContain(
      'stacks.config.ts:5: stacks.network.parameters.Cidr: parameter Cidr is not declared in network.yaml',
    );
    expect(r.stderr).toContain(
      'network.yaml:2:3: stacks.network.parameters: template parameter VpcCidr has no default',
    );
    expect(r.stderr).toContain('stacks.config.ts:6: stacks.data.template: template file not found: missing.yaml');
    expect(r.stderr).toContain('stacks.data.dependsOn[0]: unknown stack "netwrk" in dependsOn');
    expect(r.stderr).toContain('did you mean "network"?');
    expect(r.stderr).toMatch(/broken\.yaml:5:\d+: YAML syntax error/);
  });

  it('explains a cycle through imports and exits 1', async () => {
    const dir = await testdir({
      'stacks.config.ts':
        "export default { project: 'loop', stacks: { app: { template: 'app.yaml' }, data: { template: 'data.yaml' } } };",
      'app.yaml': `${TOPIC}    Properties:\n      DisplayName: !ImportValue loop-table\nOutputs:\n  Url:\n    Value: u\n    Export:\n      Name: loop-url\n`,
      'data.yaml': `${TOPIC}    Properties:\n      DisplayName: !ImportValue loop-url\nOutputs:\n  Table:\n    Value: t\n    Export:\n      Name: loop-table\n`,
    });
    const r = await runCli(['validate'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('dependency cycle between 2 stacks: app → data → app');
    expect(r.stderr).toContain(
      'app needs data: Fn::ImportValue "loop-table" in Topic, exported by output Table of data (app.yaml:5:',
    );
    expect(r.stderr).toContain('to break it, remove one link:');
  });

  it('shows the stack trace and cause only with --debug', async () => {
    const dir = await testdir({
      'stacks.config.ts': "export default { project: 'x', stacks: {} };\nthrow new Error('boom from config');\n",
    });
    const plain = await runCli(['validate'], { cwd: dir });
    expect(plain.code).toBe(1);
    expect(plain.stderr).toContain('stacks.config.ts');
    expect(plain.stderr).toContain('boom from config');
    expect(plain.stderr).toContain('run with --debug');
    expect(plain.stderr).not.toMatch(/^\s+at /m);
    const debug = await runCli(['validate', '--debug'], { cwd: dir });
    expect(debug.code).toBe(1);
    expect(debug.stderr).toContain('caused by: Error: boom from config');
    expect(debug.stderr).toMatch(/^\s+at /m);
  });
});

describe('stackpilot CLI: output into a closed pipe', () => {
  it('ends quietly when the reader stops early (graph | head)', async () => {
    const { spawn } = await import('node:child_process');
    const { fileURLToPath } = await import('node:url');
    const bin = fileURLToPath(new URL('../../bin/stackpilot.js', import.meta.url));
    const { FORCE_COLOR: _force, ...env } = process.env;
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [bin, 'deploy', '--help'], {
        cwd: REPO_ROOT,
        env: { ...env, NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      // Read one chunk, then close our end, as `head -1` does.
      child.stdout.once('data', () => child.stdout.destroy());
      child.on('close', (code) => resolve({ code, stderr }));
    });
    expect(result.stderr).not.toContain('EPIPE');
    expect(result.code).toBe(0);
  });
});
