import { readdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CONFIG_FILE_NAMES, findConfigFile, loadConfigFile } from '../../src/config/load-config.js';
import { ConfigError } from '../../src/errors.js';
import { testdir } from '../helpers/testdir.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ENV = { stage: 'dev', command: 'validate' };

/** Runs `fn`, expecting it to reject with a ConfigError, and returns that error. */
async function configError(fn: () => Promise<unknown>): Promise<ConfigError> {
  const error = await fn().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

function syncConfigError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

describe('loadConfigFile', () => {
  it("loads a TypeScript config outside the repo that imports from 'stackpilot'", async () => {
    const source = `import { defineConfig, output, ssm } from 'stackpilot';

interface Sizes { small: number }
const sizes: Sizes = { small: 1 };

export default defineConfig({
  project: 'orders',
  stacks: {
    data: { template: 'templates/data.yaml', parameters: { Size: sizes.small } },
    app: {
      template: 'templates/app.yaml',
      parameters: { Bucket: output('data', 'BucketName'), DbHost: ssm('/orders/db-host') },
    },
  },
});
`;
    const dir = await testdir({ 'stacks.config.ts': source });
    const file = join(dir, 'stacks.config.ts');
    // Nothing there could resolve 'stackpilot' by itself: no node_modules, not under the repo.
    expect(relative(REPO, dir).startsWith('..')).toBe(true);

    const loaded = await loadConfigFile(file, ENV);

    expect(loaded).toEqual({
      file,
      source,
      isFunction: false,
      value: {
        project: 'orders',
        stacks: {
          data: { template: 'templates/data.yaml', parameters: { Size: 1 } },
          app: {
            template: 'templates/app.yaml',
            parameters: {
              Bucket: { output: { stack: 'data', name: 'BucketName' } },
              DbHost: { ssm: '/orders/db-host' },
            },
          },
        },
      },
    });
    // No compile cache is written into the user's project.
    expect(await readdir(dir)).toEqual(['stacks.config.ts']);
  });

  it('calls a config function with env { stage, command } and says it did', async () => {
    const dir = await testdir({
      'stacks.config.ts': `import { defineConfig } from 'stackpilot';
import type { ConfigEnv } from 'stackpilot';

export default defineConfig((env: ConfigEnv) => ({
  project: \`orders-\${env.stage}-\${env.command}\`,
  stacks: {},
}));
`,
    });

    const loaded = await loadConfigFile(join(dir, 'stacks.config.ts'), { stage: 'prod', command: 'deploy' });

    expect(loaded.isFunction).toBe(true);
    expect(loaded.value).toEqual({ project: 'orders-prod-deploy', stacks: {} });
  });

  it('awaits an async config function', async () => {
    const dir = await testdir({
      'stacks.config.mts':
        "export default async ({ stage }: { stage: string }) => {\n  await new Promise((r) => setTimeout(r, 1));\n  return { project: 'orders', stage, stacks: {} };\n};\n",
    });

    const loaded = await loadConfigFile(join(dir, 'stacks.config.mts'), { stage: 'qa', command: 'graph' });

    expect(loaded).toMatchObject({ isFunction: true, value: { project: 'orders', stage: 'qa', stacks: {} } });
  });

  it('loads an .mjs config', async () => {
    const source = "export default {\n  project: 'orders',\n  stacks: { app: { template: 'app.yaml' } },\n};\n";
    const dir = await testdir({ 'stacks.config.mjs': source });

    const loaded = await loadConfigFile(join(dir, 'stacks.config.mjs'), ENV);

    expect(loaded).toEqual({
      file: join(dir, 'stacks.config.mjs'),
      source,
      isFunction: false,
      value: { project: 'orders', stacks: { app: { template: 'app.yaml' } } },
    });
  });

  it('loads a CommonJS .js config (module.exports)', async () => {
    const dir = await testdir({ 'stacks.config.js': "module.exports = { project: 'orders', stacks: {} };\n" });

    const loaded = await loadConfigFile(join(dir, 'stacks.config.js'), ENV);

    expect(loaded.value).toEqual({ project: 'orders', stacks: {} });
  });

  it('loads a default export re-exported from another file', async () => {
    const dir = await testdir({
      'stacks.config.ts': "export { default } from './shared.ts';\n",
      'shared.ts': "export default { project: 'shared', stacks: {} };\n",
    });

    expect((await loadConfigFile(join(dir, 'stacks.config.ts'), ENV)).value).toEqual({ project: 'shared', stacks: {} });
  });

  it('reads a fresh copy each time: an edited config is not served from a cache', async () => {
    const first = await testdir({ 'stacks.config.ts': "export default { project: 'one', stacks: {} };\n" });
    const file = join(first, 'stacks.config.ts');
    expect((await loadConfigFile(file, ENV)).value).toEqual({ project: 'one', stacks: {} });

    await writeFile(file, "export default { project: 'two', stacks: {} };\n");

    expect((await loadConfigFile(file, ENV)).value).toEqual({ project: 'two', stacks: {} });
  });

  it('loads a .json config without evaluating it', async () => {
    const source =
      '{\n  "project": "orders",\n  "stacks": {\n    "app": { "template": "app.yaml", "parameters": { "Bucket": { "output": { "stack": "data", "name": "B" } } } }\n  }\n}\n';
    const dir = await testdir({ 'stacks.config.json': source });

    const loaded = await loadConfigFile(join(dir, 'stacks.config.json'), ENV);

    expect(loaded).toEqual({
      file: join(dir, 'stacks.config.json'),
      source,
      isFunction: false,
      value: {
        project: 'orders',
        stacks: { app: { template: 'app.yaml', parameters: { Bucket: { output: { stack: 'data', name: 'B' } } } } },
      },
    });
  });

  describe('failures', () => {
    it('a JSON syntax error: ConfigError with the line and column', async () => {
      const dir = await testdir({
        'stacks.config.json':
          '{\n  "project": "orders",\n  "stacks": {\n    "app": { "template": "app.yaml", }\n  }\n}\n',
      });
      const file = join(dir, 'stacks.config.json');

      const error = await configError(() => loadConfigFile(file, ENV));

      expect(error.location).toEqual({ file, line: 4, column: expect.any(Number) as number });
      expect(error.message).toMatch(new RegExp(`^${escape(file)}:4:\\d+: invalid JSON: `));
      expect(error.message).not.toMatch(/at position/);
      expect(error).toMatchObject({ code: 'CONFIG', source: 'user' });
    });

    it('an empty JSON file: ConfigError naming the file', async () => {
      const dir = await testdir({ 'stacks.config.json': '' });
      const file = join(dir, 'stacks.config.json');

      const error = await configError(() => loadConfigFile(file, ENV));

      expect(error.location?.file).toBe(file);
      expect(error.message).toContain('invalid JSON');
    });

    it('a TypeScript syntax error: ConfigError naming the file and the line', async () => {
      const dir = await testdir({
        'stacks.config.ts':
          "import { defineConfig } from 'stackpilot';\n\nexport default defineConfig({\n  project: 'orders',,\n  stacks: {},\n});\n",
      });
      const file = join(dir, 'stacks.config.ts');

      const error = await configError(() => loadConfigFile(file, ENV));

      expect(error.location).toMatchObject({ file, line: 4 });
      expect(error.message).toMatch(new RegExp(`^${escape(file)}:4(:\\d+)?: cannot load the config: `));
    });

    it('a config that throws while loading: ConfigError with the line of the throw and the cause', async () => {
      const dir = await testdir({
        'stacks.config.ts':
          "const stage = process.env.NO_SUCH_VARIABLE_FOR_STACKPILOT_TESTS;\n\nif (!stage) throw new Error('STAGE is not set');\n\nexport default { project: 'orders', stacks: {} };\n",
      });
      const file = join(dir, 'stacks.config.ts');

      const error = await configError(() => loadConfigFile(file, ENV));

      expect(error.message).toMatch(/cannot load the config: STAGE is not set$/);
      expect(error.location).toMatchObject({ file, line: 3 });
      expect((error.cause as Error).message).toBe('STAGE is not set');
    });

    it('a config importing a package that is not installed: ConfigError naming the file', async () => {
      const dir = await testdir({
        'stacks.config.ts':
          "import { x } from 'no-such-package-stackpilot-test';\n\nexport default { project: x, stacks: {} };\n",
      });
      const file = join(dir, 'stacks.config.ts');

      const error = await configError(() => loadConfigFile(file, ENV));

      expect(error.location?.file).toBe(file);
      expect(error.message).toContain('no-such-package-stackpilot-test');
    });

    it('a config function that throws: ConfigError with the line', async () => {
      const dir = await testdir({
        'stacks.config.mjs':
          "export default (env) => {\n  if (env.stage === 'prod') {\n    throw new Error('prod needs an account id');\n  }\n  return {};\n};\n",
      });
      const file = join(dir, 'stacks.config.mjs');

      const error = await configError(() => loadConfigFile(file, { stage: 'prod', command: 'deploy' }));

      expect(error.message).toMatch(/the config function threw: prod needs an account id$/);
      expect(error.location).toMatchObject({ file, line: 3 });
    });

    it('a config without a default export: ConfigError with a hint', async () => {
      const dir = await testdir({
        'stacks.config.ts':
          "import { defineConfig } from 'stackpilot';\n\nexport const config = defineConfig({ project: 'orders', stacks: {} });\n",
      });
      const file = join(dir, 'stacks.config.ts');

      const error = await configError(() => loadConfigFile(file, ENV));

      expect(error.message).toBe(`${file}: the config file has no default export`);
      expect(error.location).toEqual({ file });
      expect(error.hint).toBe(
        "end it with `export default defineConfig({ ... })` (import { defineConfig } from 'stackpilot')",
      );
    });

    it('an empty config file: ConfigError "no default export"', async () => {
      const dir = await testdir({ 'stacks.config.ts': '// nothing yet\n' });

      const error = await configError(() => loadConfigFile(join(dir, 'stacks.config.ts'), ENV));

      expect(error.message).toContain('the config file has no default export');
    });
  });
});

describe('findConfigFile', () => {
  it('accepts stacks.config.{ts,mts,js,mjs,json}, in that order of preference', () => {
    expect(CONFIG_FILE_NAMES).toEqual([
      'stacks.config.ts',
      'stacks.config.mts',
      'stacks.config.js',
      'stacks.config.mjs',
      'stacks.config.json',
    ]);
  });

  it('picks stacks.config.ts first when several exist', async () => {
    const dir = await testdir({ 'stacks.config.json': '{}', 'stacks.config.mjs': '', 'stacks.config.ts': '' });

    expect(findConfigFile(dir)).toBe(join(dir, 'stacks.config.ts'));
  });

  it('falls through the list to the first that exists', async () => {
    const dir = await testdir({ 'stacks.config.json': '{}', 'stacks.config.mjs': '' });
    const jsonOnly = await testdir({ 'stacks.config.json': '{}' });

    expect(findConfigFile(dir)).toBe(join(dir, 'stacks.config.mjs'));
    expect(findConfigFile(jsonOnly)).toBe(join(jsonOnly, 'stacks.config.json'));
  });

  it('does not look in parent folders', async () => {
    const dir = await testdir({ 'stacks.config.ts': '', 'sub/readme.md': '' });

    expect(() => findConfigFile(join(dir, 'sub'))).toThrow(ConfigError);
  });

  it('honours an explicit path, relative to cwd, with any name, over the usual names', async () => {
    const dir = await testdir({ 'stacks.config.ts': '', 'infra/prod.config.mjs': '' });

    expect(findConfigFile(dir, 'infra/prod.config.mjs')).toBe(join(dir, 'infra', 'prod.config.mjs'));
    expect(findConfigFile(dir, join(dir, 'infra', 'prod.config.mjs'))).toBe(join(dir, 'infra', 'prod.config.mjs'));
  });

  it('errors on an explicit path that does not exist, even when a usual config is there', async () => {
    const dir = await testdir({ 'stacks.config.ts': '' });

    const error = syncConfigError(() => findConfigFile(dir, 'infra/missing.ts'));

    expect(error.message).toBe(`config file not found: ${join(dir, 'infra', 'missing.ts')}`);
    expect(error.hint).toBe('check the path given to --config');
  });

  it('errors when there is no config, with a hint naming every accepted file name', async () => {
    const dir = await testdir({ 'stacks.yaml': '', 'stack.config.ts': '' });

    const error = syncConfigError(() => findConfigFile(dir));

    expect(error.message).toBe(`no stackpilot config in ${dir}`);
    expect(error.hint).toBe(
      'create one of stacks.config.ts, stacks.config.mts, stacks.config.js, stacks.config.mjs, stacks.config.json here, or pass --config PATH',
    );
    expect(error).toMatchObject({ code: 'CONFIG', source: 'user' });
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
