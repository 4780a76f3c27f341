/**
 * Own keys (issue 11): names that every JavaScript object inherits are user names like others.
 * As stack ids they are refused; as parameter, tag and output names they simply work (JSON.parse
 * makes `__proto__` an own key, and zod would leave it out of its records); and a reference to
 * an inherited property (`constructor`, `toString`) is an unknown name, not a match.
 */
import { describe, expect, it } from 'vitest';
import { configOf, projectDir, resolveIn, stackOf } from './fixtures.js';

const SOURCE = '{}';
const base = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  project: 'orders',
  stacks: { core: { template: 'templates/core.yaml' }, app: { template: 'templates/app.yaml' } },
  ...extra,
});

describe('resolveConfig: own keys', () => {
  it('keeps parameters and tags named __proto__ and constructor, also through a stage override', async () => {
    const dir = await projectDir();
    const value = JSON.parse(`{
      "project": "orders",
      "defaults": { "tags": { "__proto__": "d" } },
      "stacks": { "app": { "template": "templates/app.yaml",
        "parameters": { "__proto__": "p", "constructor": "c" },
        "tags": { "constructor": "t" } } },
      "stages": { "dev": { "stacks": { "app": { "tags": { "__proto__": "dev" } } } } },
      "outputs": { "file": "out.json", "values": { "__proto__": { "output": { "stack": "app", "name": "Url" } } } }
    }`) as unknown;
    const config = configOf(resolveIn(dir, value, SOURCE));
    const app = stackOf(config, 'app');
    expect(Object.entries(app.parameters)).toEqual([
      ['__proto__', 'p'],
      ['constructor', 'c'],
    ]);
    expect(Object.entries(app.tags)).toEqual([
      ['__proto__', 'dev'],
      ['constructor', 't'],
      ['stackpilot:project', 'orders'],
      ['stackpilot:stage', 'dev'],
    ]);
    expect(Object.entries(config.outputs?.values ?? {})).toEqual([['__proto__', { stack: 'app', name: 'Url' }]]);
    expect(Object.getPrototypeOf(app.parameters)).toBe(Object.prototype);
  });

  it.each(['__proto__', 'constructor', 'prototype'])('refuses %s as a stack id, saying why', async (id) => {
    const dir = await projectDir();
    const value = JSON.parse(
      `{"project": "orders", "stacks": {"${id}": {"template": "templates/app.yaml"}}}`,
    ) as unknown;
    const result = resolveIn(dir, value, SOURCE);
    expect(result.problems).toContainEqual(
      expect.objectContaining({
        path: `stacks.${id}`,
        message: `stack id "${id}" is a reserved name`,
        hint: '__proto__, constructor, prototype name built-in properties of JavaScript objects; choose another id',
      }),
    );
  });

  it('treats dependsOn, output() and outputs-file entries naming inherited properties as unknown stacks', async () => {
    const dir = await projectDir();
    const value = base({
      stacks: {
        core: { template: 'templates/core.yaml', dependsOn: ['constructor'] },
        app: { template: 'templates/app.yaml', parameters: { Url: { output: { stack: 'toString', name: 'Url' } } } },
      },
      outputs: { file: 'out.json', values: { X: { output: { stack: 'hasOwnProperty', name: 'Url' } } } },
    });
    const messages = resolveIn(dir, value, SOURCE).problems.map((p) => p.message);
    expect(messages).toEqual([
      'unknown stack "constructor" in dependsOn',
      'parameter Url takes an output of unknown stack "toString"',
      'output X comes from unknown stack "hasOwnProperty"',
    ]);
  });

  it('reports a stage override for a stack named constructor, with did-you-mean like other unknown names', async () => {
    const dir = await projectDir();
    const value = base({ stages: { prod: { stacks: { constructor: { stateful: true }, cor: { stateful: true } } } } });
    const problems = resolveIn(dir, value, SOURCE).problems;
    expect(problems.map((p) => [p.message, p.hint])).toEqual([
      ['stage "prod" overrides stack "constructor", which is not in `stacks`', 'stacks are: core, app'],
      ['stage "prod" overrides stack "cor", which is not in `stacks`', 'did you mean "core"?'],
    ]);
  });
});
