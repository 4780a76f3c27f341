/** `validate` (every command's project load) checks the local code paths templates name, offline. */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import { loadProject } from '../../src/graph/load-project.js';
import { copyExample } from '../helpers/example-project.js';

async function problemsOf(dir: string): Promise<string[]> {
  try {
    await loadProject({ cwd: dir, command: 'validate' });
    return [];
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return error.problems.map(
      (p) =>
        `${p.stack ?? ''} ${p.location ? `${p.location.file}:${p.location.line ?? ''}` : ''} ${p.path ?? ''}: ${p.message}${p.hint ? ` → ${p.hint}` : ''}`,
    );
  }
}

async function editApp(dir: string, edit: (text: string) => string): Promise<void> {
  const file = join(dir, 'templates', 'app.yaml');
  await writeFile(file, edit(await readFile(file, 'utf8')));
}

describe('local code paths in templates', () => {
  it('are fine in the example as shipped', async () => {
    expect(await problemsOf(await copyExample())).toEqual([]);
  });

  it('reports a missing path and an empty folder together, with file, line, resource and property', async () => {
    const dir = await copyExample();
    await mkdir(join(dir, 'functions', 'empty'));
    await editApp(dir, (t) =>
      t
        .replace('Code: ../functions/get-order', 'Code: ../functions/nope')
        .replace('Code: ../functions/create-order', 'Code: ../functions/empty'),
    );
    const problems = await problemsOf(dir);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(
      /^app templates\/app\.yaml:\d+ Resources\.CreateOrderFunction\.Properties\.Code: `\.\.\/functions\/empty` is an empty folder/,
    );
    expect(problems[1]).toMatch(
      /^app templates\/app\.yaml:\d+ Resources\.GetOrderFunction\.Properties\.Code: `\.\.\/functions\/nope` does not exist \(looked for .*functions\/nope\) → paths are relative to the folder of the template/,
    );
  });

  it('needs an artifacts bucket in the config to package into', async () => {
    const dir = await copyExample();
    const config = join(dir, 'stacks.config.ts');
    await writeFile(config, (await readFile(config, 'utf8')).replace(/\n *artifacts: \{ bucket: .*\n/, '\n'));
    const problems = await problemsOf(dir);
    expect(problems).toEqual([
      expect.stringMatching(
        /^app templates\/app\.yaml:\d+ Resources\.SharedLayer\.Properties\.Content: `\.\.\/layers\/shared` is a local path, and no artifacts bucket is configured to package it and 3 more into → add `artifacts: \{ bucket: /,
      ),
    ]);
  });
});

describe('nested templates in the graph', () => {
  it('adds an edge for an import that only a nested template makes, located in the nested file', async () => {
    const dir = await copyExample();
    const nested = join(dir, 'templates', 'nested', 'alarms.yaml');
    await writeFile(
      nested,
      (await readFile(nested, 'utf8')).replace(
        "      AlarmDescription: !Sub 'Errors of ${CreateOrderFunctionName}'",
        '      AlarmDescription:\n        Fn::ImportValue: orders-dev-BackupVaultName',
      ),
    );
    const project = await loadProject({ cwd: dir, command: 'validate' });
    const edge = project.graph.edges.find((e) => e.stack === 'app' && e.dependsOn === 'backup');
    expect(edge?.via).toBe('import');
    expect(edge?.location?.file).toBe('templates/nested/alarms.yaml');
    expect(project.orderings.order.indexOf('backup')).toBeLessThan(project.orderings.order.indexOf('app'));
  });

  it('reports a nested template that does not parse, in its own file', async () => {
    const dir = await copyExample();
    await writeFile(join(dir, 'templates', 'nested', 'alarms.yaml'), 'Resources:\n  A: [unclosed\n');
    const problems = await problemsOf(dir);
    expect(problems).toEqual([expect.stringMatching(/^app templates\/nested\/alarms\.yaml:\d+/)]);
  });
});
