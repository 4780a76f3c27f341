/**
 * Scale (issue 14): a config is compiled once and kept, by a hash of its source, in the user's
 * cache folder (never the project), so later `graph` and `validate` runs skip Babel.
 */
import { readdir, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TransformOptions } from 'jiti';
import { compiledConfigCache } from '../../src/config/compiled-config-cache.js';
import { loadConfigFile } from '../../src/config/load-config.js';
import { testdir } from '../helpers/testdir.js';

const ENV = { stage: 'dev', command: 'graph' };
const options = (source: string): TransformOptions => ({ source, filename: '/p/stacks.config.ts', ts: true });

describe('the compiled config cache', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('compiles a source once; an edited source is compiled again; a failed compile is never kept', async () => {
    const folder = join(await testdir(), 'cache');
    const compiled: string[] = [];
    const compile = (o: TransformOptions): string => {
      compiled.push(o.source);
      return o.source.includes('oops') ? 'throw __JITI_ERROR__' : `/* js */ ${o.source}`;
    };

    expect(compiledConfigCache(compile, folder)(options('export default 1')).code).toBe('/* js */ export default 1');
    // A later process: a new cache over the same folder.
    expect(compiledConfigCache(compile, folder)(options('export default 1')).code).toBe('/* js */ export default 1');
    compiledConfigCache(compile, folder)(options('export default 2'));
    compiledConfigCache(compile, folder)(options('oops'));
    compiledConfigCache(compile, folder)(options('oops'));

    expect(compiled).toEqual(['export default 1', 'export default 2', 'oops', 'oops']);
    const files = await readdir(folder);
    expect(files).toHaveLength(2);
    // A config may hold literal values: the files are the user's alone.
    expect((await stat(join(folder, files[0] ?? ''))).mode & 0o077).toBe(0);
  });

  it('keeps the folder to the newest files: every config edit leaves one, so the oldest go', async () => {
    const folder = join(await testdir(), 'cache');
    const cache = compiledConfigCache((o) => `/* js */ ${o.source}`, folder, 3);
    for (const n of [1, 2, 3]) cache(options(`export default ${n}`));
    // Ages one second apart, oldest first, whatever the file system's timestamp resolution.
    const files = await readdir(folder);
    const ages = await Promise.all(files.map(async (f) => ({ f, m: (await stat(join(folder, f))).mtimeMs })));
    ages.sort((a, b) => a.m - b.m);
    const oldest = ages[0]?.f ?? '';
    await utimes(join(folder, oldest), new Date(1_000_000), new Date(1_000_000));
    cache(options('export default 4'));
    const left = await readdir(folder);
    expect(left).toHaveLength(3);
    expect(left).not.toContain(oldest);
  });

  it('is what loadConfigFile uses: the second load of an unchanged config compiles nothing, and the project gets no file', async () => {
    const cache = await testdir();
    vi.stubEnv('XDG_CACHE_HOME', cache);
    const dir = await testdir();
    const file = join(dir, 'stacks.config.ts');
    await writeFile(
      file,
      "const n: number = 1;\nexport default { project: 'p', stacks: { a: { template: `a${n}.yaml` } } };\n",
    );

    const first = await loadConfigFile(file, ENV);
    const kept = await readdir(join(cache, 'stackpilot', 'config'));
    const second = await loadConfigFile(file, ENV);

    expect(kept).toHaveLength(1);
    expect(await readdir(join(cache, 'stackpilot', 'config'))).toEqual(kept);
    expect(second.value).toEqual(first.value);
    expect(first.value).toEqual({ project: 'p', stacks: { a: { template: 'a1.yaml' } } });
    expect(await readdir(dir)).toEqual(['stacks.config.ts']);
  });
});
