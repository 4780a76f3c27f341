/**
 * The bad-input corpus (issue 11): each case is a malformed config, template, scenario or flag,
 * written into a fresh folder and run through the built CLI as a user would. Each must end with
 * its exit code and a message that says what is wrong and where, on one line: never a stack
 * trace, never "internal error". Slow configs use a short load deadline
 * (STACKPILOT_CONFIG_DEADLINE_MS), so no case waits on a clock.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { testdir } from '../helpers/testdir.js';

const TOPIC = 'Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n';
const WITH_OUTPUT = `${TOPIC}Outputs:\n  Url:\n    Value: !Ref Topic\n`;

/** A TypeScript config with stacks a (templates/a.yaml) and b. */
const tsConfig = (body: string, before = ''): string =>
  `${before}export default ${body.replace('STACKS', "{ a: { template: 'templates/a.yaml' }, b: { template: 'templates/b.yaml' } }")};\n`;

interface Case {
  name: string;
  files: Record<string, string>;
  args?: string[];
  code: number;
  /** Must appear whole on one line of stderr. */
  message: string;
}

const cases: Case[] = [
  // Config loading
  {
    name: 'a config whose top-level await never settles (was: exit 13, no output)',
    files: { 'stacks.config.ts': tsConfig("{ project: 'p', stacks: STACKS }", 'await new Promise(() => {});\n') },
    code: 1,
    message: 'stacks.config.ts: the config did not finish loading within 500 ms',
  },
  {
    name: 'an async config function awaiting an hour-long timer (was: hung)',
    files: {
      'stacks.config.ts': tsConfig(
        "async () => { await new Promise((resolve) => setTimeout(resolve, 3_600_000)); return { project: 'p', stacks: STACKS }; }",
      ),
    },
    code: 1,
    message: 'stacks.config.ts: the config did not finish loading within 500 ms',
  },
  {
    name: 'process.exit(0) in a config (was: exit 0, nothing said)',
    files: { 'stacks.config.ts': tsConfig("{ project: 'p', stacks: STACKS }", 'process.exit(0);\n') },
    code: 1,
    message: 'stacks.config.ts: the config called process.exit(0) while it was loading',
  },
  {
    name: 'process.exit in a config function that swallows the error',
    files: {
      'stacks.config.ts': tsConfig(
        "() => { try { process.exit(3); } catch {} return { project: 'p', stacks: STACKS }; }",
      ),
    },
    code: 1,
    message: 'the config called process.exit(3) while it was loading',
  },
  {
    name: 'a config getter that throws (was: internal error with a trace)',
    files: {
      'stacks.config.ts': tsConfig("{ project: 'p', get stacks(): never { throw new Error('no stacks today'); } }"),
    },
    code: 1,
    message: 'reading stacks threw: no stacks today',
  },
  {
    name: 'a config that refers to itself',
    files: {
      'stacks.config.ts': tsConfig(
        'config',
        "const config: Record<string, unknown> = { project: 'p', stacks: { a: { template: 'templates/a.yaml' } } };\nconfig.defaults = { tags: config };\n",
      ),
    },
    code: 1,
    message: 'the config refers to itself at defaults.tags',
  },
  // Flags
  {
    name: '--config naming a folder (was: internal error with a trace)',
    files: {},
    args: ['validate', '--config', 'templates'],
    code: 1,
    message: '--config names a folder, not a config file:',
  },
  {
    name: '--stage "" (was: deployed p--a)',
    files: {},
    args: ['deploy', '--simulate', '--stage', ''],
    code: 2,
    message: 'error: --stage needs a value, got an empty one',
  },
  // Own keys
  {
    name: "dependsOn: ['constructor']",
    files: {
      'stacks.config.ts': tsConfig(
        "{ project: 'p', stacks: { a: { template: 'templates/a.yaml', dependsOn: ['constructor'] } } }",
      ),
    },
    code: 1,
    message: 'unknown stack "constructor" in dependsOn',
  },
  {
    name: "output('toString', ...) as a parameter",
    files: {
      'stacks.config.ts': tsConfig(
        "{ project: 'p', stacks: { a: { template: 'templates/a.yaml', parameters: { Url: { output: { stack: 'toString', name: 'Url' } } } } } }",
      ),
    },
    code: 1,
    message: 'parameter Url takes an output of unknown stack "toString"',
  },
  {
    name: 'an outputs-file entry naming the output hasOwnProperty',
    files: {
      'stacks.config.ts': tsConfig(
        "{ project: 'p', stacks: STACKS, outputs: { file: 'out.json', values: { X: { output: { stack: 'b', name: 'hasOwnProperty' } } } } }",
      ),
    },
    code: 1,
    message: 'outputs file value X takes output "hasOwnProperty" of stack "b", but templates/b.yaml has no such output',
  },
  {
    name: 'a stage override for stack constructor',
    files: {
      'stacks.config.ts': tsConfig(
        "{ project: 'p', stacks: STACKS, stages: { prod: { stacks: { constructor: { stateful: true } } } } }",
      ),
    },
    code: 1,
    message: 'stage "prod" overrides stack "constructor", which is not in `stacks`',
  },
  {
    name: 'a stack id __proto__ (was: silently gone)',
    files: {
      'stacks.config.json':
        '{"project": "p", "stacks": {"a": {"template": "templates/a.yaml"}, "__proto__": {"template": "templates/b.yaml"}}}',
    },
    code: 1,
    message: 'stack id "__proto__" is a reserved name',
  },
  {
    name: 'a stack id constructor',
    files: {
      'stacks.config.ts': tsConfig("{ project: 'p', stacks: { constructor: { template: 'templates/a.yaml' } } }"),
    },
    code: 1,
    message: 'stack id "constructor" is a reserved name',
  },
  // Templates
  {
    name: 'a YAML alias bomb (was: minutes at 3 GB)',
    files: {
      'stacks.config.ts': tsConfig("{ project: 'p', stacks: STACKS }"),
      'templates/a.yaml': `${TOPIC}Metadata:\n  a0: &a0 [x, x, x, x, x, x, x, x, x]\n${Array.from(
        { length: 8 },
        (_, i) => `  a${i + 1}: &a${i + 1} [${Array<string>(9).fill(`*a${i}`).join(', ')}]\n`,
      ).join('')}`,
    },
    code: 1,
    message: 'templates/a.yaml:5: YAML anchor &a0 is not supported',
  },
  {
    name: 'a YAML merge key',
    files: {
      'stacks.config.ts': tsConfig("{ project: 'p', stacks: STACKS }"),
      'templates/a.yaml': `${TOPIC}Metadata:\n  m:\n    <<: {x: 1}\n`,
    },
    code: 1,
    message: 'templates/a.yaml:6:5: YAML merge key << is not supported',
  },
  {
    name: 'JSON nested 100,000 levels',
    files: {
      'stacks.config.ts': "export default { project: 'p', stacks: { a: { template: 'templates/a.json' } } };\n",
      'templates/a.json': `{"Resources": {"T": {"Type": "AWS::SNS::Topic"}}, "Metadata": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
    },
    code: 1,
    message: 'templates/a.json:1: the template nests more than 100 levels deep',
  },
  {
    name: 'a 2 MB template (was: uploaded to S3, then refused)',
    files: {
      'stacks.config.ts': tsConfig("{ project: 'p', stacks: STACKS, artifacts: { bucket: 'p-artifacts' } }"),
      'templates/a.yaml': `${TOPIC}Metadata:\n${Array.from({ length: 8_000 }, (_, i) => `  k${i}: '${'n'.repeat(250)}'\n`).join('')}`,
    },
    args: ['deploy', '--simulate', '--yes', '--ci'],
    code: 1,
    message: "over CloudFormation's limit of 1,048,576 bytes (1 MB) for a template in S3",
  },
  // Scenarios
  {
    name: 'a scenario failing a resource the template lacks (was: ignored)',
    files: {
      'stacks.config.ts': tsConfig("{ project: 'p', stacks: STACKS }"),
      'sc.json': '{"stacks": {"a": {"fail": {"logicalId": "Topik", "reason": "boom"}}}}',
    },
    args: ['deploy', '--simulate=sc.json', '--yes', '--ci'],
    code: 1,
    message: 'stacks.a.fail.logicalId: stack "a" is to fail resource "Topik", which its template does not have',
  },
  {
    name: 'a scenario with timeScale 1000 (was: accepted, never ended)',
    files: { 'stacks.config.ts': tsConfig("{ project: 'p', stacks: STACKS }"), 'sc.json': '{\n  "timeScale": 1000\n}' },
    args: ['deploy', '--simulate=sc.json', '--yes', '--ci'],
    code: 1,
    message: 'sc.json:2: timeScale: must be from 0 to 1',
  },
];

describe('bad inputs through the CLI', () => {
  it.each(cases)('$name', async ({ files, args, code, message }) => {
    const dir = await testdir({ 'templates/a.yaml': TOPIC, 'templates/b.yaml': WITH_OUTPUT, ...files });
    const r = await runCli(args ?? ['validate'], { cwd: dir, env: { STACKPILOT_CONFIG_DEADLINE_MS: '500' } });
    expect(
      r.stderr.split('\n').some((line) => line.includes(message)),
      r.stderr,
    ).toBe(true);
    expect(r.code, r.stderr).toBe(code);
    expect(r.stderr).not.toContain('internal error');
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });
});

describe('prototype-named keys through the CLI', () => {
  it('a parameter, a tag and an outputs-file entry named __proto__ or constructor reach the simulated change set and the file', async () => {
    const template = `Parameters:\n  constructor:\n    Type: String\nResources:\n  Topic:\n    Type: AWS::SNS::Topic\nOutputs:\n  toString:\n    Value: !Ref constructor\n`;
    const dir = await testdir({
      'templates/a.yaml': template,
      'stacks.config.json': JSON.stringify({
        project: 'p',
        stacks: {
          a: { template: 'templates/a.yaml', parameters: { constructor: 'c1' }, tags: { constructor: 'tc' } },
        },
        defaults: { tags: { placeholder: 'x' } },
        outputs: { file: 'out.json', values: { placeholder: { output: { stack: 'a', name: 'toString' } } } },
      })
        // JSON.stringify of an object literal cannot hold __proto__ as an own key; the text can.
        .replace('"placeholder":"x"', '"__proto__":"tp"')
        .replace('"placeholder":{', '"__proto__":{'),
    });
    const r = await runCli(['deploy', '--simulate', '--yes', '--ci'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(await readFile(join(dir, 'out.json'), 'utf8')).toBe('{\n  "__proto__": "c1"\n}\n');
    const state = JSON.parse(await readFile(join(dir, '.stackpilot', 'simulator-state.json'), 'utf8')) as unknown;
    const text = JSON.stringify(state);
    expect(text).toContain('"parameters":[{"key":"constructor","value":"c1"}]');
    expect(text).toContain(
      '"tags":{"__proto__":"tp","constructor":"tc","stackpilot:project":"p","stackpilot:stage":"dev"}',
    );
  });
});

describe('deep JSON in configs and scenarios', () => {
  const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;

  it('a JSON config nested 200,000 levels is refused with its path', async () => {
    const dir = await testdir({
      'templates/a.yaml': TOPIC,
      'stacks.config.json': `{"project": "p", "stacks": {"a": {"template": "templates/a.yaml", "tags": ${deep}}}}`,
    });
    const r = await runCli(['validate'], { cwd: dir });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/stacks\.config\.json: the config nests more than 32 levels deep at stacks\.a\.tags/);
    expect(r.stderr).not.toContain('internal error');
  });

  it('a scenario nested 200,000 levels is a scenario error', async () => {
    const dir = await testdir({
      'templates/a.yaml': TOPIC,
      'stacks.config.ts': "export default { project: 'p', stacks: { a: { template: 'templates/a.yaml' } } };\n",
      'sc.json': `{"ssm": {"x": ${deep}}}`,
    });
    const r = await runCli(['deploy', '--simulate=sc.json', '--yes', '--ci'], { cwd: dir });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('invalid simulator scenario sc.json');
    expect(r.stderr).not.toContain('internal error');
  });
});
