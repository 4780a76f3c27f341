import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { TransformOptions, TransformResult } from 'jiti';
import { writeFileAtomicSync } from '../write-file-atomic.js';

/**
 * The config compiled to JavaScript, kept in the user's cache folder (`$XDG_CACHE_HOME/stackpilot/
 * config`, else `~/.cache/stackpilot/config`), never in the project: loading Babel and compiling a
 * config costs about half a second of CPU, most of what `graph` and `validate` spend on a small
 * project and a third on a thousand stacks, and a config changes far less often than it is read.
 * A file is named by a hash of the source, the compile options and jiti's version, so an edit or
 * an upgrade never reads a stale one. The folder and files are the user's alone (a config may hold
 * literal values). An optimisation only: any failure to read or write is ignored.
 */
export function compiledConfigCache(
  compile: (options: TransformOptions) => string,
  folder = defaultFolder(),
  limit = CACHE_LIMIT,
): (options: TransformOptions) => TransformResult {
  return (options) => {
    const { source, ...rest } = options;
    const key = createHash('sha256')
      .update(JSON.stringify({ jiti: JITI_VERSION, rest }))
      .update(source)
      .digest('hex');
    const file = join(folder, `${key.slice(0, 40)}.js`);
    try {
      return { code: readFileSync(file, 'utf8') };
    } catch {
      // Not compiled yet (or unreadable): compile below.
    }
    const code = compile(options);
    // jiti marks a failed compile in the code it returns; that is reported, never cached.
    if (!code.includes('__JITI_ERROR__')) {
      try {
        writeFileAtomicSync(file, code, { mode: 0o600 });
        pruneOldest(folder, limit);
      } catch {
        // A read-only home or a full disk: the next run compiles again, nothing worse.
      }
    }
    return { code };
  };
}

/**
 * Every edit of a config leaves a file behind (its hash changes), so the folder is kept to the
 * newest `limit` files. Pruned only after a compile, which is rare; a read never lists the folder.
 */
const CACHE_LIMIT = 100;

function pruneOldest(folder: string, limit: number): void {
  const names = readdirSync(folder).filter((name) => name.endsWith('.js'));
  if (names.length <= limit) return;
  const byAge = names
    .map((name) => ({
      file: join(folder, name),
      mtimeMs: statSync(join(folder, name), { throwIfNoEntry: false })?.mtimeMs ?? 0,
    }))
    .sort((a, b) => b.mtimeMs - a.mtimeMs);
  // Another process may prune at the same time: a file already gone is fine.
  for (const { file } of byAge.slice(limit)) rmSync(file, { force: true });
}

function defaultFolder(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'stackpilot', 'config');
}

/** jiti's version, in every cache key: a new jiti may compile differently. */
const JITI_VERSION = ((): string => {
  try {
    const require = createRequire(import.meta.url);
    const manifest = JSON.parse(readFileSync(join(dirname(require.resolve('jiti')), '..', 'package.json'), 'utf8')) as {
      version?: unknown;
    };
    return typeof manifest.version === 'string' ? manifest.version : 'unknown';
  } catch {
    return 'unknown';
  }
})();
