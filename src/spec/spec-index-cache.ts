import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { writeFileAtomic } from '../write-file-atomic.js';

/**
 * The boiled-down index of the resource specification, kept in the user's cache folder
 * (`$XDG_CACHE_HOME/stackpilot`, else `~/.cache/stackpilot`) so that only the first run after an
 * install pays for unzipping and parsing the whole database (most of a second of CPU); later runs
 * read the index in a tenth of that. The file's name holds the spec's version, the index format
 * and the V8 version that wrote it, so an upgrade never reads a stale one. The cache is an
 * optimisation only: any failure to read or write it is ignored and the database is loaded.
 */
const INDEX_FORMAT = 1;

export function specIndexCacheFile(specVersion: string): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  const v8 = process.versions.v8.replace(/[^0-9a-z.]/gi, '_');
  return join(base, 'stackpilot', `spec-index-${specVersion}-f${INDEX_FORMAT}-v8-${v8}.bin`);
}

export function readCachedIndex<T>(file: string): T | undefined {
  try {
    return deserialize(readFileSync(file)) as T;
  } catch {
    return undefined;
  }
}

export async function writeCachedIndex(file: string, index: unknown): Promise<void> {
  try {
    await writeFileAtomic(file, serialize(index));
  } catch {
    // Read-only home, full disk: the next run loads the database again, nothing worse.
  }
}
