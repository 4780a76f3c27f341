import { describe, expect, it } from 'vitest';
import { locateInSource } from '../../src/config/locate-in-source.js';
import { lineOf } from './fixtures.js';

const FILE = 'stacks.config.ts';

const SOURCE = `import { defineConfig, output } from 'stackpilot';

export default defineConfig({
  project: 'orders',
  defaults: {
    tags: { app: 'orders' },
  },
  stacks: {
    'core-infra': {
      template: 'templates/core-infra.yaml',
    },
    "data-store": {
      template: 'templates/data.yaml',
      dependsOn: ['core-infra'],
    },
    app: {
      template: 'templates/app.yaml',
      dependsOn: [
        'core-infra',

        // the bucket comes from here
        'data-store',
      ],
      parameters: {
        Bucket: output('data-store', 'BucketName'),
      },
    },
    backup: {
      template: 'templates/backup.yaml',
      dependsOn: ['core-infra', 'data-store'],
    },
  },
  stages: {
    prod: {
      stacks: {
        app: { stackName: 'orders-api' },
      },
    },
  },
});
`;

describe('locateInSource', () => {
  it('finds a top-level key', () => {
    expect(locateInSource(SOURCE, FILE, ['project'])).toEqual({
      file: FILE,
      line: lineOf(SOURCE, "project: 'orders'"),
    });
  });

  it('follows the path key by key, each found after the previous one', () => {
    // `app:` also appears earlier (a tag named app) and later (in stages); only the one after
    // `stacks:` is right.
    const line = locateInSource(SOURCE, FILE, ['stacks', 'app', 'template']).line;

    expect(line).toBe(lineOf(SOURCE, "template: 'templates/app.yaml'"));
  });

  it('finds keys nested in a stage', () => {
    expect(locateInSource(SOURCE, FILE, ['stages', 'prod', 'stacks', 'app', 'stackName'])).toEqual({
      file: FILE,
      line: lineOf(SOURCE, "app: { stackName: 'orders-api' }"),
    });
  });

  it('finds the n-th item of a multi-line array, skipping blank lines and comments', () => {
    expect(locateInSource(SOURCE, FILE, ['stacks', 'app', 'dependsOn', 0]).line).toBe(
      lineOf(SOURCE, "        'core-infra',"),
    );
    expect(locateInSource(SOURCE, FILE, ['stacks', 'app', 'dependsOn', 1]).line).toBe(
      lineOf(SOURCE, "        'data-store',"),
    );
  });

  it('gives the key line for any item of an inline array', () => {
    const keyLine = lineOf(SOURCE, "dependsOn: ['core-infra', 'data-store']");

    expect(locateInSource(SOURCE, FILE, ['stacks', 'backup', 'dependsOn', 0]).line).toBe(keyLine);
    expect(locateInSource(SOURCE, FILE, ['stacks', 'backup', 'dependsOn', 1]).line).toBe(keyLine);
  });

  it('finds an inline array that follows another key on the same line', () => {
    // The first `:` on the line belongs to `app`; the array starts after dependsOn's.
    const source = "stacks: {\n  app: { template: 'a.yaml', dependsOn: ['core', 'data'] },\n},\nstages: {},\n";

    expect(locateInSource(source, FILE, ['stacks', 'app', 'dependsOn', 1])).toEqual({ file: FILE, line: 2 });
  });

  it('stays on the key line when the index is past the end of a multi-line array', () => {
    const keyLine = lineOf(SOURCE, "        'core-infra',") - 1;

    expect(SOURCE.split('\n')[keyLine - 1]?.trim()).toBe('dependsOn: [');
    expect(locateInSource(SOURCE, FILE, ['stacks', 'app', 'dependsOn', 5]).line).toBe(keyLine);
  });

  it('finds single- and double-quoted keys (\'core-infra\': / "data-store":)', () => {
    expect(locateInSource(SOURCE, FILE, ['stacks', 'core-infra']).line).toBe(lineOf(SOURCE, "'core-infra': {"));
    expect(locateInSource(SOURCE, FILE, ['stacks', 'data-store', 'dependsOn']).line).toBe(
      lineOf(SOURCE, "dependsOn: ['core-infra'],"),
    );
  });

  it('finds keys in a JSON config', () => {
    const json =
      '{\n  "project": "orders",\n  "stacks": {\n    "app": {\n      "template": "app.yaml"\n    }\n  }\n}\n';

    expect(locateInSource(json, 'stacks.config.json', ['stacks', 'app', 'template'])).toEqual({
      file: 'stacks.config.json',
      line: 5,
    });
  });

  it('does not take a value, or a longer key, for the key', () => {
    const source = "stacks: {\n  apps: { template: 'app' },\n  other: { dependsOn: ['app'] },\n  app: {},\n}";

    expect(locateInSource(source, FILE, ['stacks', 'app']).line).toBe(4);
  });

  it('treats regular-expression characters in keys literally', () => {
    const source = "stacks: {\n  axb: {},\n  'a.b': {},\n}";

    expect(locateInSource(source, FILE, ['stacks', 'a.b']).line).toBe(3);
  });

  it('returns the file alone, without a line, when the first key is not in the source', () => {
    const location = locateInSource(SOURCE, FILE, ['outputs', 'values', 'API_URL']);

    expect(location).toEqual({ file: FILE });
    expect(location).not.toHaveProperty('line');
  });

  it('returns the file alone for the empty path and for an empty source', () => {
    expect(locateInSource(SOURCE, FILE, [])).toEqual({ file: FILE });
    expect(locateInSource('', FILE, ['project'])).toEqual({ file: FILE });
  });

  it('falls back to the deepest key it found when a later key is computed at run time', () => {
    // `template` of backup is missing from the source: the stack's own line is the best guess.
    const source = 'stacks: {\n  backup: {\n    ...shared,\n  },\n}';

    expect(locateInSource(source, FILE, ['stacks', 'backup', 'template'])).toEqual({ file: FILE, line: 2 });
  });
});
