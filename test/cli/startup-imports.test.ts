/**
 * What a run without the dashboard loads (issue 14: on a fast backend an unchanged rerun of 8
 * stacks is mostly start-up). Ink, React and their dependencies took ~0.4 s of CPU to load, about
 * a third of `stackpilot deploy` on moto with nothing to change, and only the dashboard uses them.
 * The built CLI runs with a module-resolution hook that logs every module it loads.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyExample } from '../helpers/example-project.js';
import { REPO_ROOT } from '../helpers/run-cli.js';

const HOOKS = `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(process.env.IMPORT_LOG, resolved.url + '\\n');
  return resolved;
}
`;

describe('stackpilot deploy --ci: start-up', () => {
  let hooksDir: string;
  beforeAll(async () => {
    hooksDir = await mkdtemp(join(tmpdir(), 'stackpilot-import-log-'));
    await writeFile(join(hooksDir, 'hooks.mjs'), HOOKS);
    await writeFile(
      join(hooksDir, 'register.mjs'),
      `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(hooksDir, 'hooks.mjs')).href)});\n`,
    );
  });
  afterAll(async () => {
    await rm(hooksDir, { recursive: true, force: true });
  });

  it('does not load Ink or React when there is no dashboard to draw', async () => {
    const cwd = await copyExample();
    const log = join(hooksDir, 'imports.log');
    const { FORCE_COLOR: _force, ...inherited } = process.env;
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [
          '--import',
          pathToFileURL(join(hooksDir, 'register.mjs')).href,
          join(REPO_ROOT, 'bin', 'stackpilot.js'),
          'deploy',
          '--simulate',
          '--ci',
        ],
        { cwd, env: { ...inherited, NO_COLOR: '1', IMPORT_LOG: log }, stdio: 'ignore' },
      );
      child.on('error', reject);
      child.on('close', resolve);
    });
    expect(code).toBe(0);
    const loaded = (await readFile(log, 'utf8')).split('\n');
    // The hook saw the CLI's own dependencies, so an absent module was really not loaded.
    expect(loaded.some((url) => url.includes('/node_modules/commander/'))).toBe(true);
    expect(loaded.filter((url) => /\/node_modules\/(ink|react|react-reconciler|yoga-layout)\//.test(url))).toEqual([]);
  });
});
