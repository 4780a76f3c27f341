/**
 * `stackpilot init` through the built CLI on the simulator: the example deployed, then read back
 * from the account into a fresh folder, whose config plans no changes, validates and type-checks.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyExample } from '../helpers/example-project.js';
import { REPO_ROOT, runCli } from '../helpers/run-cli.js';
import { testdir } from '../helpers/testdir.js';

/** tsc over the generated config, with 'stackpilot' resolved to this build's type declarations. */
function typeCheck(dir: string): { status: number | null; output: string } {
  const tsconfig = {
    compilerOptions: {
      strict: true,
      noEmit: true,
      target: 'es2022',
      module: 'esnext',
      moduleResolution: 'bundler',
      skipLibCheck: true,
      types: [],
      paths: { stackpilot: [join(REPO_ROOT, 'dist', 'index.d.ts')] },
    },
    files: ['stacks.config.ts'],
  };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir], {
    encoding: 'utf8',
  });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe('stackpilot init --from-account on the simulator', () => {
  // Four CLI runs and tsc: minutes on a loaded 2-core machine, not seconds.
  it('reads the deployed example into a config that plans no changes, validates, type-checks, and is never replaced without --force', async () => {
    const example = await copyExample();
    const deploy = await runCli(['deploy', '--simulate', '--yes', '--ci'], { cwd: example });
    expect(deploy.code).toBe(0);
    const state = join(example, '.stackpilot', 'simulator-state.json');

    const dir = await testdir();
    const init = await runCli(
      ['init', '--from-account', '--prefix', 'orders-dev-', '--simulate', '--simulate-state', state],
      {
        cwd: dir,
      },
    );
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    expect(init.stdout).toContain('wrote stacks.config.ts (4 stacks) and 4 templates in templates/\n');
    // The graph of the result: app's bucket parameter became an output() edge.
    expect(init.stdout).toContain('app needs data [output]: parameter DataBucketName = output("data", "BucketName")');
    const config = await readFile(join(dir, 'stacks.config.ts'), 'utf8');
    expect(config).toContain("DataBucketName: output('data', 'BucketName'),");
    expect(await readFile(join(dir, 'templates', 'data.yaml'), 'utf8')).toBe(
      await readFile(join(example, 'templates', 'data.yaml'), 'utf8'),
    );

    const plan = await runCli(['plan', '--simulate', '--simulate-state', state, '--ci', '--detailed-exitcode'], {
      cwd: dir,
    });
    expect(plan.stdout).toContain('plan: 0 with changes, 4 unchanged');
    expect(plan.code).toBe(0);
    const validate = await runCli(['validate'], { cwd: dir });
    expect(validate.code).toBe(0);
    const tsc = typeCheck(dir);
    expect(tsc.output).toBe('');
    expect(tsc.status).toBe(0);

    await writeFile(join(dir, 'stacks.config.ts'), '// mine\n');
    const again = await runCli(
      ['init', '--from-account', '--prefix', 'orders-dev-', '--simulate', '--simulate-state', state],
      {
        cwd: dir,
      },
    );
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(
      'stacks.config.ts, templates/app.yaml, templates/backup.yaml, templates/core-infra.yaml, templates/data.yaml exist already: init replaces nothing',
    );
    expect(again.stderr).toContain('pass --force to replace them');
    expect(await readFile(join(dir, 'stacks.config.ts'), 'utf8')).toBe('// mine\n');

    const forced = await runCli(
      ['init', '--from-account', '--prefix', 'orders-dev-', '--simulate', '--simulate-state', state, '--force'],
      { cwd: dir },
    );
    expect(forced.code).toBe(0);
    expect(await readFile(join(dir, 'stacks.config.ts'), 'utf8')).toBe(config);
  }, 120_000);
});

describe('stackpilot init --templates', () => {
  it('lists one stack per template with its required parameters as placeholders, and the config validates with a warning', async () => {
    const dir = await testdir({
      'cfn/network.yaml':
        'Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: 10.0.0.0/16\n',
      'cfn/db.yaml':
        'Parameters:\n  Password:\n    Type: String\n    NoEcho: true\n  Size:\n    Type: Number\n    Default: 20\nResources:\n  Topic:\n    Type: AWS::SNS::Topic\n',
    });
    const r = await runCli(['init', '--templates', 'cfn/*.yaml', '--project', 'shop'], { cwd: dir });
    expect(r.stderr).toContain('parameter Password is still the placeholder stackpilot init wrote');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'wrote stacks.config.ts (2 stacks)\n  db  cfn/db.yaml  to fill in: Password\n  network  cfn/network.yaml\n',
    );
    const config = await readFile(join(dir, 'stacks.config.ts'), 'utf8');
    expect(config).toContain("Password: '<FILL IN: Password (String, NoEcho) has no Default in the template>',");
    expect(config).not.toContain('Size');
    const validate = await runCli(['validate'], { cwd: dir });
    expect(validate.code).toBe(0);
    expect(typeCheck(dir).status).toBe(0);
  });

  it('says "from 1 template" in the config header for one template', async () => {
    const dir = await testdir({ 'cfn/topic.yaml': 'Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n' });
    const r = await runCli(['init', '--templates', 'cfn/*.yaml', '--project', 'shop'], { cwd: dir });
    expect(r.stdout).toContain('wrote stacks.config.ts (1 stack)\n');
    expect(await readFile(join(dir, 'stacks.config.ts'), 'utf8')).toContain(
      'Written by stackpilot init from 1 template (cfn/*.yaml).',
    );
  });
});

describe('stackpilot init refuses', () => {
  it('to shadow another config file, and options that do not go together (exit 2)', async () => {
    const dir = await testdir({
      'stacks.config.json': '{"project":"shop","stacks":{}}\n',
      'templates/a.yaml': 'Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n',
    });
    const shadow = await runCli(['init'], { cwd: dir });
    expect(shadow.stderr).toContain('stacks.config.json exists already: init replaces nothing');
    expect(shadow.code).toBe(2);
    const prefixAlone = await runCli(['init', '--prefix', 'shop-dev-'], { cwd: dir });
    expect(prefixAlone.stderr).toContain('--prefix only means something with --from-account');
    expect(prefixAlone.code).toBe(2);
    const noPrefix = await runCli(['init', '--from-account', '--simulate'], { cwd: dir });
    expect(noPrefix.stderr).toContain('--from-account needs --prefix <name-prefix>');
    expect(noPrefix.code).toBe(2);
  });
});
