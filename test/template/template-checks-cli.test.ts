import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { testdir } from '../helpers/testdir.js';

/** A one-stack project whose template is `template`; `stack` adds fields to the stack. */
function project(template: string, stack = ''): Promise<string> {
  return testdir({
    'stacks.config.ts': `import { defineConfig } from 'stackpilot';
export default defineConfig({
  project: 'shop',
  region: 'us-east-1',
  stacks: { app: { template: 'templates/app.yaml'${stack} } },
});
`,
    'templates/app.yaml': template,
  });
}

const MISSING_RESOURCE = `Resources:
  Bucket:
    Type: AWS::S3::Bucket
Outputs:
  BucketArn:
    Value: !GetAtt Bukcet.Arn
`;

const UNKNOWN_PROPERTY = `Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketNam: orders
`;

describe('template checks on the command line', () => {
  it('validate: an undeclared resource is one error headed by the template file, with line:column and did-you-mean, exit 1', async () => {
    const dir = await project(MISSING_RESOURCE);
    const r = await runCli(['validate'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      [
        'error: 1 problem in templates/app.yaml:',
        '  - templates/app.yaml:6:20: Fn::GetAtt Bukcet.Arn names a resource the template does not declare [SP1002]',
        '        → did you mean "Bucket"?',
      ].join('\n'),
    );
    expect(r.stderr).not.toContain('stacks.config.ts');
  });

  it('validate: an unknown property is a warning (exit 0); --strict makes it fail (exit 1)', async () => {
    const dir = await project(UNKNOWN_PROPERTY);
    const loose = await runCli(['validate'], { cwd: dir });
    expect(loose.code).toBe(0);
    expect(loose.stderr).toContain(
      'warning: templates/app.yaml:5:7: Bucket (AWS::S3::Bucket) has no property BucketNam in the resource specification [SP2003]\n    → did you mean "BucketName"?',
    );
    expect(loose.stdout).toContain('1 warning');
    const strict = await runCli(['validate', '--strict'], { cwd: dir });
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('error: 1 warning with --strict');
  });

  it('validate --strict: ignoreChecks in the config silences the check for the stack', async () => {
    const dir = await project(UNKNOWN_PROPERTY, ", ignoreChecks: ['SP2003']");
    const r = await runCli(['validate', '--strict'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('deploy --simulate refuses the template before any call: exit 1, no simulated account touched', async () => {
    const dir = await project(MISSING_RESOURCE);
    const r = await runCli(['deploy', '--simulate', '--ci'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: 1 problem in templates/app.yaml:');
    expect(r.stderr).toContain('[SP1002]');
    expect(r.stdout).not.toMatch(/app.*(creat|change set)/i);
    expect(existsSync(join(dir, '.stackpilot', 'simulator-state.json'))).toBe(false);
  });

  it('graph shows structure without the resource spec: no index built, no SP2xxx; validate still finds it', async () => {
    const dir = await project(UNKNOWN_PROPERTY);
    const cache = join(dir, 'cache');
    const graph = await runCli(['graph'], { cwd: dir, env: { XDG_CACHE_HOME: cache } });
    expect(graph.code).toBe(0);
    expect(graph.stderr).not.toContain('[SP2003]');
    expect(readdirSync(join(cache, 'stackpilot')).filter((f) => f.endsWith('.bin'))).toEqual([]);
    const validate = await runCli(['validate'], { cwd: dir, env: { XDG_CACHE_HOME: cache } });
    expect(validate.stderr).toContain('[SP2003]');
  });

  it('the first run loads the spec in a worker and fills the cache; the next reads it, with the same findings', async () => {
    const dir = await project(UNKNOWN_PROPERTY);
    const cache = join(dir, 'cache');
    const first = await runCli(['validate'], { cwd: dir, env: { XDG_CACHE_HOME: cache } });
    expect(readdirSync(join(cache, 'stackpilot')).filter((f) => f.endsWith('.bin'))).toHaveLength(1);
    const second = await runCli(['validate'], { cwd: dir, env: { XDG_CACHE_HOME: cache } });
    expect(first.code).toBe(0);
    expect(second.stderr).toBe(first.stderr);
    expect(second.stderr).toContain('[SP2003]');
  });
});
