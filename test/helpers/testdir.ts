import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { onTestFinished } from 'vitest';

/**
 * Writes `files` (relative path → content) into a fresh folder under the OS temp directory and
 * returns the folder's real path. The folder is removed when the calling test finishes, so call
 * it from inside a test (or a hook that runs per test), not at module level.
 *
 * The folder is outside the repository on purpose: configs loaded from it cannot pick up this
 * repo's node_modules or tsconfig by accident.
 */
export async function testdir(files: Record<string, string> = {}): Promise<string> {
  // realpath: on macOS the temp dir is a symlink, and loaders report the resolved path.
  const dir = await realpath(await mkdtemp(join(tmpdir(), 'stackpilot-test-')));
  onTestFinished(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  for (const [name, content] of Object.entries(files)) {
    const file = join(dir, name);
    const inside = relative(dir, file);
    if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) {
      throw new Error(`testdir: "${name}" is not a path inside the test directory`);
    }
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, content);
  }
  return dir;
}
