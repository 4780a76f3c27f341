import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createJiti } from 'jiti';
import { ConfigError } from '../errors.js';
import type { SourceLocation } from '../errors.js';
import type { ConfigEnv } from './types.js';
import { parseJsonStrict } from './json-syntax.js';
import { snapshotConfig } from './snapshot-config.js';
import { compiledConfigCache } from './compiled-config-cache.js';

/** How long a config may take to load (import, top-level await, the config function's promise). */
export const CONFIG_DEADLINE_MS = 30_000;

export const CONFIG_FILE_NAMES = [
  'stacks.config.ts',
  'stacks.config.mts',
  'stacks.config.js',
  'stacks.config.mjs',
  'stacks.config.json',
];

export interface LoadedConfigFile {
  /** Absolute path. */
  file: string;
  /** The file's text, for locating fields in error messages. */
  source: string;
  /** What the file exports, after calling it if it is a function: not validated yet. */
  value: unknown;
  /** Whether the file exported a function (it then received `env`). */
  isFunction: boolean;
}

/** `--config PATH` if given, else the first `stacks.config.*` in `cwd`. */
export function findConfigFile(cwd: string, explicit?: string): string {
  if (explicit !== undefined) {
    const file = resolve(cwd, explicit);
    if (!existsSync(file)) {
      throw new ConfigError(`config file not found: ${file}`, undefined, { hint: 'check the path given to --config' });
    }
    if (statSync(file).isDirectory()) {
      throw new ConfigError(`--config names a folder, not a config file: ${file}`, undefined, {
        hint: `pass the file itself, e.g. --config ${join(explicit, CONFIG_FILE_NAMES[0] ?? 'stacks.config.ts')}`,
      });
    }
    return file;
  }
  for (const name of CONFIG_FILE_NAMES) {
    const file = join(cwd, name);
    if (existsSync(file)) return file;
  }
  throw new ConfigError(`no stackpilot config in ${cwd}`, undefined, {
    hint: `create one of ${CONFIG_FILE_NAMES.join(', ')} here, or pass --config PATH`,
  });
}

/**
 * Loads a config file. TypeScript is compiled on the fly (no build step), and
 * `import ... from 'stackpilot'` inside it resolves to this running copy of stackpilot, wherever
 * the config lives and whatever its folder has installed.
 */
export async function loadConfigFile(
  file: string,
  env: ConfigEnv,
  options: { deadlineMs?: number } = {},
): Promise<LoadedConfigFile> {
  const source = await readFile(file, 'utf8');
  const snapshot = (value: unknown): unknown => snapshotConfig(value, file, (error) => errorLocation(error, file));
  if (extname(file) === '.json') return { file, source, value: snapshot(parseJson(source, file)), isFunction: false };
  const { value, isFunction } = await guardedLoad(file, options.deadlineMs ?? CONFIG_DEADLINE_MS, async () => {
    const exported = await importModule(file);
    if (typeof exported !== 'function') return { value: exported, isFunction: false };
    try {
      const value: unknown = await (exported as (env: ConfigEnv) => unknown)(env);
      return { value, isFunction: true };
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      throw new ConfigError(`the config function threw: ${errorMessage(error)}`, errorLocation(error, file), {
        cause: error,
      });
    }
  });
  return { file, source, value: snapshot(value), isFunction };
}

/** Thrown in place of exiting when a config calls process.exit while it loads. */
class ConfigExit extends ConfigError {}

/**
 * Runs a config's code under a deadline, with process.exit intercepted: a config that never
 * settles (an unresolved top-level await would end Node with exit code 13 and no output) or that
 * waits on a long timer is an error that says so, and one that calls process.exit is an error
 * too, instead of ending the run with that code and nothing said.
 */
async function guardedLoad<T>(file: string, deadlineMs: number, load: () => Promise<T>): Promise<T> {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- put back as it was, never called here
  const realExit = process.exit;
  let exitCall: string | undefined;
  const exitError = (): ConfigError =>
    new ConfigExit(
      `the config called process.exit(${exitCall ?? ''}) while it was loading`,
      { file },
      {
        hint: 'a config must not end the process: throw an Error with a message instead, and stackpilot reports it',
      },
    );
  process.exit = (code?: number | string | null): never => {
    exitCall = code === undefined || code === null ? '' : JSON.stringify(code);
    throw exitError();
  };
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    // Referenced on purpose: it keeps Node from exiting with code 13 while the config's promise is pending.
    timer = setTimeout(() => {
      reject(
        new ConfigError(
          `the config did not finish loading within ${formatSeconds(deadlineMs)}`,
          { file },
          {
            hint: 'look for a promise that never resolves or a long wait in the config (top-level await, an async config function)',
          },
        ),
      );
    }, deadlineMs);
  });
  try {
    const value = await Promise.race([load(), deadline]);
    // The config caught the error process.exit threw and went on: still not a config to trust.
    if (exitCall !== undefined) throw exitError();
    return value;
  } catch (error) {
    if (exitCall !== undefined) throw exitError();
    throw error;
  } finally {
    clearTimeout(timer);
    process.exit = realExit;
  }
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

async function importModule(file: string): Promise<unknown> {
  const options = {
    alias: { stackpilot: selfEntry() },
    moduleCache: false,
    // Never write a compile cache into the user's project: ours is in the user's cache folder.
    fsCache: false,
    interopDefault: true,
  };
  const compiler = createJiti(import.meta.url, options);
  const jiti = createJiti(import.meta.url, {
    ...options,
    transform: compiledConfigCache((o) => compiler.transform(o)),
  });
  try {
    // Not `{ default: true }`: jiti then falls back to the whole module when there is no default
    // export, and named exports would be validated as if they were the config.
    // (Its interop proxy also answers `default` with the module itself when the default is nullish.)
    const mod = await jiti.import<{ default?: unknown }>(file);
    const exported = Object.hasOwn(mod, 'default') && mod.default !== mod ? mod.default : undefined;
    if (exported === undefined || exported === null) {
      throw new ConfigError(
        'the config file has no default export',
        { file },
        {
          hint: "end it with `export default defineConfig({ ... })` (import { defineConfig } from 'stackpilot')",
        },
      );
    }
    return exported;
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`cannot load the config: ${errorMessage(error)}`, errorLocation(error, file), {
      cause: error,
    });
  }
}

/** The package entry of the running stackpilot: `dist/index.js` when built, `src/index.ts` in tests. */
function selfEntry(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const built = join(here, '..', 'index.js');
  return existsSync(built) ? built : join(here, '..', 'index.ts');
}

function parseJson(source: string, file: string): unknown {
  const parsed = parseJsonStrict(source, file);
  if (!parsed.ok) throw new ConfigError(`invalid JSON: ${parsed.message}`, parsed.location);
  return parsed.value;
}

function errorLocation(error: unknown, file: string): SourceLocation {
  // Syntax errors from the TypeScript transform carry `loc`; runtime errors have a stack frame in the file.
  const loc = (error as { loc?: { line?: number; column?: number } } | null)?.loc;
  if (loc?.line !== undefined)
    return { file, line: loc.line, ...(loc.column === undefined ? {} : { column: loc.column + 1 }) };
  const stack = error instanceof Error ? (error.stack ?? '') : '';
  const frame = new RegExp(`${escapeRegExp(file)}:(\\d+):(\\d+)`).exec(stack);
  if (frame) return { file, line: Number(frame[1]), column: Number(frame[2]) };
  return { file };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? (error.message.split('\n')[0] ?? error.message) : String(error);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
