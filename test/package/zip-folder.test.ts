import { createHash } from 'node:crypto';
import { chmod, mkdir, symlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { folderManifest, ZIP_FORMAT, zipFolder, ZipInputError, zipManifest } from '../../src/package/zip-folder.js';
import { testdir } from '../helpers/testdir.js';

const FILES = {
  'handler.py': 'def handler(event, context):\n    return {"ok": True}\n',
  'lib/util.py': 'X = 1\n',
  'lib/deep/data.json': '{"a": 1}\n',
  'README.md': '# readme\n',
};

/** Names, external attributes and DOS date/time of every central directory entry, in order. */
function centralDirectory(bytes: Uint8Array): { name: string; attrs: number; os: number; dosTime: number }[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const entries = [];
  let offset = bytes.length - 22;
  const count = view.getUint16(offset + 10, true);
  offset = view.getUint32(offset + 16, true);
  for (let i = 0; i < count; i += 1) {
    expect(view.getUint32(offset, true)).toBe(0x02014b50);
    const nameLength = view.getUint16(offset + 28, true);
    const extraLength = view.getUint16(offset + 30, true);
    const commentLength = view.getUint16(offset + 32, true);
    entries.push({
      name: new TextDecoder().decode(bytes.subarray(offset + 46, offset + 46 + nameLength)),
      os: view.getUint8(offset + 5),
      attrs: view.getUint32(offset + 38, true),
      dosTime: view.getUint32(offset + 12, true),
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

describe('zipFolder', () => {
  it('gives the same bytes twice, and after a touch of every file', async () => {
    const dir = await testdir(FILES);
    const first = await zipFolder(dir);
    const second = await zipFolder(dir);
    expect(Buffer.from(second.bytes).equals(Buffer.from(first.bytes))).toBe(true);

    const later = new Date('2031-05-06T07:08:09Z');
    for (const name of Object.keys(FILES)) await utimes(join(dir, name), later, later);
    await utimes(join(dir, 'lib'), later, later);
    const touched = await zipFolder(dir);
    expect(Buffer.from(touched.bytes).equals(Buffer.from(first.bytes))).toBe(true);
  });

  it('gives different bytes when one file changes', async () => {
    const dir = await testdir(FILES);
    const before = await zipFolder(dir);
    await writeFile(join(dir, 'lib/util.py'), 'X = 2\n');
    const after = await zipFolder(dir);
    expect(Buffer.from(after.bytes).equals(Buffer.from(before.bytes))).toBe(false);
  });

  it('stores files only, sorted by POSIX path, at the DOS epoch, with the content intact', async () => {
    const dir = await testdir({ 'b.txt': 'b', 'a/z.txt': 'z', 'a.txt': 'a', 'A.txt': 'A', 'a/b/c.txt': 'c' });
    const zip = await zipFolder(dir);
    const entries = centralDirectory(zip.bytes);
    expect(entries.map((e) => e.name)).toEqual(['A.txt', 'a.txt', 'a/b/c.txt', 'a/z.txt', 'b.txt']);
    // 1980-01-01 00:00:00 as DOS date (high half) and time (low half).
    expect(entries.every((e) => e.dosTime === ((1 << 21) | (1 << 16)) * 1)).toBe(true);
    expect(entries.every((e) => e.os === 3)).toBe(true);
    expect(zip.files).toBe(5);
    expect(zip.unzippedBytes).toBe(5);
    const unzipped = unzipSync(zip.bytes);
    expect(new TextDecoder().decode(unzipped['a/b/c.txt'])).toBe('c');
  });

  it('normalises modes: 600 and 644 zip the same, 755 does not', async () => {
    const dir = await testdir({ 'run.sh': 'echo hi\n' });
    await chmod(join(dir, 'run.sh'), 0o600);
    const privateMode = await zipFolder(dir);
    await chmod(join(dir, 'run.sh'), 0o644);
    const readable = await zipFolder(dir);
    await chmod(join(dir, 'run.sh'), 0o755);
    const executable = await zipFolder(dir);
    expect(Buffer.from(privateMode.bytes).equals(Buffer.from(readable.bytes))).toBe(true);
    expect(Buffer.from(executable.bytes).equals(Buffer.from(readable.bytes))).toBe(false);
    expect(centralDirectory(readable.bytes)[0]?.attrs).toBe((0o100644 << 16) >>> 0);
    expect(centralDirectory(executable.bytes)[0]?.attrs).toBe((0o100755 << 16) >>> 0);
  });

  it('zips a single file under its base name', async () => {
    const dir = await testdir({ 'src/index.js': 'exports.handler = async () => 1;\n' });
    const zip = await zipFolder(join(dir, 'src/index.js'));
    expect(centralDirectory(zip.bytes).map((e) => e.name)).toEqual(['index.js']);
  });

  it('leaves out .DS_Store and __pycache__, and says so', async () => {
    const dir = await testdir({
      'app.py': 'x',
      '.DS_Store': 'junk',
      '__pycache__/app.cpython-312.pyc': 'pyc',
      'pkg/__pycache__/m.pyc': 'pyc',
    });
    const zip = await zipFolder(dir);
    expect(centralDirectory(zip.bytes).map((e) => e.name)).toEqual(['app.py']);
    expect(zip.skipped).toEqual(['.DS_Store', '__pycache__/', 'pkg/__pycache__/']);
  });

  it('follows a symlink inside the folder and refuses one that leaves it', async () => {
    const dir = await testdir({ 'code/real.py': 'r', 'outside.py': 'o' });
    await symlink(join(dir, 'code/real.py'), join(dir, 'code/alias.py'));
    const zip = await zipFolder(join(dir, 'code'));
    expect(centralDirectory(zip.bytes).map((e) => e.name)).toEqual(['alias.py', 'real.py']);

    await symlink(join(dir, 'outside.py'), join(dir, 'code/escape.py'));
    const error = await zipFolder(join(dir, 'code')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZipInputError);
    expect((error as ZipInputError).reason).toBe('symlink-outside');
    expect((error as ZipInputError).message).toContain('escape.py');
  });

  it('refuses a symlink loop back to a parent folder', async () => {
    const dir = await testdir({ 'code/a/x.py': 'x' });
    await symlink(join(dir, 'code'), join(dir, 'code/a/loop'));
    await expect(zipFolder(join(dir, 'code'))).rejects.toThrow(/parent folders/);
  });

  it('refuses an empty folder, a missing one and one over the size limit', async () => {
    const dir = await testdir({ 'big/file.bin': 'x'.repeat(1000) });
    await mkdir(join(dir, 'empty'));
    await expect(zipFolder(join(dir, 'empty'))).rejects.toMatchObject({ reason: 'empty' });
    await expect(zipFolder(join(dir, 'missing'))).rejects.toMatchObject({ reason: 'not-found' });
    await expect(zipFolder(join(dir, 'big'), { maxUnzippedBytes: 999 })).rejects.toMatchObject({ reason: 'too-large' });
  });
});

describe('folderManifest', () => {
  const sha = (text: string): string => createHash('sha256').update(text).digest('hex');

  it("hashes a format tag, then each entry's path, mode, size and content hash, in zip order", async () => {
    const dir = await testdir({ 'b.txt': 'bb', 'a/z.txt': 'z', 'run.sh': 'echo\n' });
    await chmod(join(dir, 'run.sh'), 0o755);
    const manifest = await folderManifest(dir);
    expect(ZIP_FORMAT).toBe('stackpilot-zip-v1');
    expect(manifest.entries.map((e) => [e.name, e.mode, e.size, e.sha256])).toEqual([
      ['a/z.txt', 0o644, 1, sha('z')],
      ['b.txt', 0o644, 2, sha('bb')],
      ['run.sh', 0o755, 5, sha('echo\n')],
    ]);
    // Pinned: a change here changes every key in every bucket, so it must come with a new ZIP_FORMAT.
    const line = (...fields: (string | number)[]): string => `${fields.join('\u0000')}\n`;
    const canonical = `stackpilot-zip-v1\n${line('a/z.txt', '644', 1, sha('z'))}${line('b.txt', '644', 2, sha('bb'))}${line('run.sh', '755', 5, sha('echo\n'))}`;
    expect(manifest.hash).toBe(sha(canonical));
    expect(manifest).toMatchObject({ files: 3, unzippedBytes: 8, skipped: [] });
  });

  it('keeps its hash across a touch of every file and a 600/644 chmod; a 755 mode or new content changes it', async () => {
    const dir = await testdir(FILES);
    const first = (await folderManifest(dir)).hash;
    const later = new Date('2031-05-06T07:08:09Z');
    for (const name of Object.keys(FILES)) await utimes(join(dir, name), later, later);
    await utimes(join(dir, 'lib'), later, later);
    await chmod(join(dir, 'handler.py'), 0o600);
    expect((await folderManifest(dir)).hash).toBe(first);
    await chmod(join(dir, 'handler.py'), 0o644);
    expect((await folderManifest(dir)).hash).toBe(first);

    await chmod(join(dir, 'handler.py'), 0o755);
    const executable = (await folderManifest(dir)).hash;
    expect(executable).not.toBe(first);
    await chmod(join(dir, 'handler.py'), 0o644);
    await writeFile(join(dir, 'lib/util.py'), 'X = 2\n');
    expect([first, executable]).not.toContain((await folderManifest(dir)).hash);
  });

  it('lists exactly what zipFolder zips: same order, same skips, symlinks resolved', async () => {
    const dir = await testdir({
      'code/b.py': 'b',
      'code/A.py': 'A',
      'code/.DS_Store': 'junk',
      'code/pkg/__pycache__/m.pyc': 'pyc',
      'code/pkg/m.py': 'm',
    });
    await symlink(join(dir, 'code/b.py'), join(dir, 'code/alias.py'));
    const manifest = await folderManifest(join(dir, 'code'));
    const zip = await zipFolder(join(dir, 'code'));
    expect(manifest.entries.map((e) => e.name)).toEqual(centralDirectory(zip.bytes).map((e) => e.name));
    expect(manifest.entries.map((e) => e.name)).toEqual(['A.py', 'alias.py', 'b.py', 'pkg/m.py']);
    expect(manifest.skipped).toEqual(zip.skipped);
    expect(manifest.entries.find((e) => e.name === 'alias.py')?.file).toBe(join(dir, 'code/b.py'));
  });

  it('zips a manifest to the same bytes as zipFolder, twice', async () => {
    const dir = await testdir(FILES);
    const manifest = await folderManifest(dir);
    const once = await zipManifest(manifest);
    const twice = await zipManifest(manifest);
    const direct = await zipFolder(dir);
    expect(Buffer.from(once.bytes).equals(Buffer.from(twice.bytes))).toBe(true);
    expect(Buffer.from(once.bytes).equals(Buffer.from(direct.bytes))).toBe(true);
  });

  it('refuses to zip a file that changed since the manifest was made', async () => {
    const dir = await testdir(FILES);
    const manifest = await folderManifest(dir);
    await writeFile(join(dir, 'lib/util.py'), 'X = 9\n');
    const error = await zipManifest(manifest).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZipInputError);
    expect(error).toMatchObject({ reason: 'changed', message: 'lib/util.py changed while it was being packaged' });
  });

  it('refuses what zipFolder refuses', async () => {
    const dir = await testdir({ 'big/file.bin': 'x'.repeat(1000) });
    await mkdir(join(dir, 'empty'));
    await expect(folderManifest(join(dir, 'empty'))).rejects.toMatchObject({ reason: 'empty' });
    await expect(folderManifest(join(dir, 'missing'))).rejects.toMatchObject({ reason: 'not-found' });
    await expect(folderManifest(join(dir, 'big'), { maxUnzippedBytes: 999 })).rejects.toMatchObject({
      reason: 'too-large',
    });
  });
});
