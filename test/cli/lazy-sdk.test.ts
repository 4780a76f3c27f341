/**
 * Issue 17, item 2: the dashboard's first frame waited for the AWS SDK to load (a good part of a
 * second), which a simulated run never uses. The SDK is now imported only when AWS is.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { copyExample } from '../helpers/example-project.js';

const BIN = fileURLToPath(new URL('../../bin/stackpilot.js', import.meta.url));

/** A module hook that names every AWS SDK client package the process resolves, on stderr. */
const HOOK = `export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  if (/@aws-sdk\\/client-/.test(resolved.url)) process.stderr.write('sdk-loaded ' + specifier + '\\n');
  return resolved;
}`;
const REGISTER = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(HOOK)}`)});`;

function runWatched(args: string[], cwd: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const { FORCE_COLOR: _force, ...env } = process.env;
    const child = spawn(
      process.execPath,
      ['--import', `data:text/javascript,${encodeURIComponent(REGISTER)}`, BIN, ...args],
      { cwd, env: { ...env, NO_COLOR: '1' }, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('the AWS SDK', () => {
  it('is not loaded by a simulated deploy, and is by one against AWS', async () => {
    const dir = await copyExample();
    const simulated = await runWatched(['deploy', '--simulate', '--ci'], dir);
    expect(simulated.code).toBe(0);
    expect(simulated.stderr).not.toContain('sdk-loaded');
    // The hook itself works: a run against AWS loads the clients (and fails on the missing profile).
    const aws = await runWatched(['deploy', '--ci', '--profile', 'stackpilot-test-missing'], dir);
    expect(aws.stderr).toContain('sdk-loaded @aws-sdk/client-cloudformation');
  });
});
