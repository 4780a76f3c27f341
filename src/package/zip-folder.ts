import { lstat, readFile, readdir, realpath, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { zipSync } from 'fflate';
import type { Zippable } from 'fflate';
import { StackpilotError } from '../errors.js';

/**
 * The DOS epoch, the earliest time a zip entry can hold. fflate encodes the date with the
 * *local* time getters, so the date is built in local time: every time zone then writes the same
 * fields (1980-01-01 00:00:00, which zip readers show as 1980-01-01T00:00:00 in UTC and local).
 */
const DOS_EPOCH = new Date(1980, 0, 1, 0, 0, 0);
/** Creator OS "Unix" (APPNOTE 4.4.2.2): readers then take the mode from the high 16 attribute bits. */
const OS_UNIX = 3;
const REGULAR_FILE = 0o100000;
/** fflate writes no ZIP64 records: past this many entries the archive would be corrupt. */
const MAX_ENTRIES = 65_535;

/**
 * Left out of every zip, and listed in `skipped`: Finder metadata and Python byte-code caches.
 * Neither is read by the code, both change without the sources changing (a .pyc records its
 * source's mtime), and since entries carry the DOS epoch as mtime a shipped .pyc would never
 * match its source anyway: Python would ignore it.
 */
const SKIPPED_FILES = new Set(['.DS_Store']);
const SKIPPED_FOLDERS = new Set(['__pycache__']);

export type ZipInputReason = 'not-found' | 'empty' | 'too-large' | 'too-many-files' | 'symlink-outside' | 'symlink-broken' | 'unsupported-file';

/** Something in the folder keeps it from being zipped; the packager turns it into a located problem. */
export class ZipInputError extends StackpilotError {
  readonly code = 'ZIP_INPUT';
  readonly source = 'user';
  constructor(readonly reason: ZipInputReason, message: string, hint?: string) {
    super(message, hint === undefined ? {} : { hint });
  }
}

export interface ZipOptions {
  /** Refuse (before reading any file) when the files add up to more than this many bytes. */
  maxUnzippedBytes?: number;
}

export interface ZipResult {
  bytes: Uint8Array;
  /** Entries in the zip (files only: folders are not stored as entries). */
  files: number;
  /** Sum of the file sizes, what Lambda counts against its unzipped limit. */
  unzippedBytes: number;
  /** Paths (POSIX, relative to the folder) left out on purpose; see SKIPPED_FILES. */
  skipped: string[];
}

interface Entry {
  /** POSIX path inside the zip. */
  name: string;
  file: string;
  size: number;
  executable: boolean;
}

/**
 * Zips a folder (or a single file, stored under its base name) so that the same contents always
 * give the same bytes: entries sorted by path, every timestamp the DOS epoch, modes reduced to
 * 0644/0755, no folder entries. Symlinks are followed when they stay inside the folder.
 */
export async function zipFolder(path: string, options: ZipOptions = {}): Promise<ZipResult> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new ZipInputError('not-found', `${path} does not exist`);
  const skipped: string[] = [];
  const entries: Entry[] = [];
  if (info.isFile()) {
    entries.push({ name: basename(path), file: path, size: info.size, executable: (info.mode & 0o111) !== 0 });
  } else {
    const root = await realpath(path);
    await walk(root, root, '', new Set([root]), entries, skipped);
  }
  if (entries.length === 0) {
    throw new ZipInputError('empty', `${path} is an empty folder${skipped.length > 0 ? ` (only ${skipped.join(', ')}, which are left out)` : ''}`,
      'put the code in it, or point the property at the right folder');
  }
  const unzippedBytes = entries.reduce((sum, e) => sum + e.size, 0);
  if (options.maxUnzippedBytes !== undefined && unzippedBytes > options.maxUnzippedBytes) {
    throw new ZipInputError('too-large', `${path} holds ${unzippedBytes.toLocaleString('en-US')} bytes unzipped, over the limit of ${options.maxUnzippedBytes.toLocaleString('en-US')}`);
  }
  if (entries.length > MAX_ENTRIES) {
    throw new ZipInputError('too-many-files', `${path} holds ${entries.length.toLocaleString('en-US')} files, more than a zip without ZIP64 can list (${MAX_ENTRIES.toLocaleString('en-US')})`,
      'bundle the code (esbuild, a wheel) or zip it yourself and name the .zip file');
  }
  // Code unit order, not locale order: the same on every machine.
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const zippable: Zippable = {};
  for (const entry of entries) {
    const mode = REGULAR_FILE | (entry.executable ? 0o755 : 0o644);
    zippable[entry.name] = [await readFile(entry.file), { mtime: DOS_EPOCH, os: OS_UNIX, attrs: mode << 16, level: 6 }];
  }
  // fflate writes entries in the object's key order, which is insertion order except for keys
  // that look like array indices ("0", "42"): a root-level file named that way comes first.
  // Still the same bytes every time, only not lexical for such names.
  return { bytes: zipSync(zippable), files: entries.length, unzippedBytes, skipped: skipped.sort() };
}

async function walk(root: string, dir: string, prefix: string, ancestors: Set<string>, entries: Entry[], skipped: string[]): Promise<void> {
  const names = (await readdir(dir)).sort();
  for (const name of names) {
    const file = join(dir, name);
    const inside = prefix === '' ? name : `${prefix}/${name}`;
    const link = await lstat(file);
    let target = file;
    let info = link;
    if (link.isSymbolicLink()) {
      const resolved = await realpath(file).catch(() => undefined);
      if (resolved === undefined) {
        throw new ZipInputError('symlink-broken', `${inside} is a symlink to nothing`, 'remove the link or create its target');
      }
      if (!isInside(root, resolved)) {
        throw new ZipInputError('symlink-outside', `${inside} is a symlink to ${resolved}, outside the folder being zipped`,
          'copy the file into the folder (a build step), or point the property at a folder that contains both');
      }
      target = resolved;
      info = await stat(resolved);
    }
    if (info.isDirectory()) {
      if (SKIPPED_FOLDERS.has(name)) {
        skipped.push(`${inside}/`);
        continue;
      }
      // A link back to a folder we are inside would walk forever.
      if (ancestors.has(target)) {
        throw new ZipInputError('symlink-outside', `${inside} is a symlink to one of its own parent folders`, 'remove the link');
      }
      await walk(root, target, inside, new Set([...ancestors, target]), entries, skipped);
    } else if (info.isFile()) {
      if (SKIPPED_FILES.has(name)) {
        skipped.push(inside);
        continue;
      }
      entries.push({ name: inside, file: target, size: info.size, executable: (info.mode & 0o111) !== 0 });
    } else {
      throw new ZipInputError('unsupported-file', `${inside} is neither a file nor a folder (a socket, FIFO or device)`, 'remove it from the folder');
    }
  }
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !rel.startsWith(sep) && !/^[a-zA-Z]:/.test(rel));
}
