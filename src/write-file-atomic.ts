/**
 * Every file stackpilot writes goes through here: the content is written to a temporary file in
 * the target's folder, flushed, and renamed over the target (npm's `write-file-atomic`). A reader
 * sees the old file or the new one, never an empty or half-written one, and a process killed
 * mid-write leaves the old file in place.
 */
import { mkdirSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import writeFileAtomicOriginal from 'write-file-atomic';
import { StackpilotError } from './errors.js';
import { duringIo } from './io-in-flight.js';
import type { StackpilotErrorOptions } from './errors.js';

/** A file could not be written; the message names it and the operating system's reason. */
export class FileWriteError extends StackpilotError {
  readonly code = 'FILE_WRITE';
  readonly source = 'user';
  readonly file: string;

  constructor(message: string, file: string, options: StackpilotErrorOptions = {}) {
    super(message, options);
    this.file = file;
  }
}

export interface WriteFileOptions {
  /**
   * Permission bits for a file created now (the temporary file is opened with them, so no other
   * reader ever sees the content with wider ones). Without it a replaced file keeps its mode.
   */
  mode?: number;
  /** How the file is named in the error (e.g. relative to the config). @default the path */
  display?: string;
  /**
   * Flush the content to the disk before the rename. Without it a killed process still leaves
   * the old file or the new one whole; only a crash of the machine itself could lose the write.
   * @default true
   */
  fsync?: boolean;
}

/** Writes `data` to `file` atomically, creating its folder. Failures are a `FileWriteError`. */
export async function writeFileAtomic(file: string, data: string | Uint8Array, options: WriteFileOptions = {}) {
  const display = options.display ?? file;
  try {
    await duringIo(mkdir(dirname(file), { recursive: true }));
    await duringIo(
      writeFileAtomicOriginal(file, typeof data === 'string' ? data : Buffer.from(data), {
        ...(options.mode === undefined ? {} : { mode: options.mode }),
        ...(options.fsync === undefined ? {} : { fsync: options.fsync }),
      }),
    );
  } catch (error) {
    throw new FileWriteError(`could not write ${display}: ${osReason(error)}`, file, {
      cause: error,
      hint: hintFor(error),
    });
  }
}

/**
 * `writeFileAtomic` for callers that cannot await (a compile hook called synchronously): the same
 * temp file and rename, with the folder created. Failures are a `FileWriteError`.
 */
export function writeFileAtomicSync(file: string, data: string, options: Pick<WriteFileOptions, 'mode'> = {}): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileAtomicOriginal.sync(file, data, options.mode === undefined ? {} : { mode: options.mode });
  } catch (error) {
    throw new FileWriteError(`could not write ${file}: ${osReason(error)}`, file, {
      cause: error,
      hint: hintFor(error),
    });
  }
}

/** `EISDIR: illegal operation on a directory` without the syscall and path Node appends. */
export function osReason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  const text = error.message.replace(/, \w+ '[^']*'( -> '[^']*')?$/, '');
  return code !== undefined && !text.startsWith(code) ? `${code}: ${text}` : text;
}

/** What to do about a failed file system call. */
export function hintFor(error: unknown): string {
  switch ((error as NodeJS.ErrnoException | undefined)?.code) {
    case 'EISDIR':
      return 'a folder is in the way: remove or rename it, or choose another path';
    case 'ENOTDIR':
      return 'a part of the path is a file, not a folder: choose another path';
    case 'EACCES':
    case 'EPERM':
      return 'check the permissions of the file and its folder';
    case 'ENOSPC':
    case 'EDQUOT':
      return 'the disk is full: free some space';
    case 'EROFS':
      return 'the file system is read-only: choose another path';
    default:
      return 'check the path and the permissions of its folder';
  }
}
