/**
 * `npm run emulator` (scripts/emulator.ts) as a user runs it: a child process that prints the
 * endpoint, answers CloudFormation and S3 there, and takes its moto server down when stopped.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createAwsPorts } from '../../src/aws/create-aws-ports.js';
import { RateLimiter } from '../../src/aws/rate-limiter.js';
import { MOTO_REGION } from '../harness/aws-env.js';
import { useTestCredentials } from '../harness/test-credentials.js';

useTestCredentials();

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const JITI = fileURLToPath(new URL('../../node_modules/jiti/lib/jiti-cli.mjs', import.meta.url));
const START_TIMEOUT_MS = 30_000;

const children: ReturnType<typeof spawn>[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

function startEmulator(args: string[]): { child: ReturnType<typeof spawn>; endpoint: Promise<string> } {
  const child = spawn(process.execPath, [JITI, 'scripts/emulator.ts', ...args], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const endpoint = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no endpoint printed in time:\n${stdout}\n${stderr}`)),
      START_TIMEOUT_MS,
    );
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const found = /^export AWS_ENDPOINT_URL=(\S+)$/m.exec(stdout);
      if (found?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(found[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`emulator exited (${code}) before printing its endpoint:\n${stdout}\n${stderr}`));
    });
  });
  return { child, endpoint };
}

async function answers(endpoint: string): Promise<boolean> {
  try {
    await fetch(`${endpoint}/moto-api/config`, { signal: AbortSignal.timeout(2_000) });
    return true;
  } catch {
    return false;
  }
}

describe('npm run emulator', () => {
  it('prints an endpoint that answers CloudFormation and S3, with the bucket asked for, and stops on SIGTERM', async () => {
    const { child, endpoint: printed } = startEmulator(['--bucket', 'artifacts-emulator-test']);
    const endpoint = await printed;
    expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const ports = createAwsPorts(
      { region: MOTO_REGION, endpoint },
      {
        limiter: new RateLimiter({ ratePerSecond: 100, burst: 100 }),
        retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 },
      },
    );
    await expect(ports.cloudFormation.describeStack('not-deployed')).resolves.toBeUndefined();
    await expect(ports.s3.bucketRegion('artifacts-emulator-test')).resolves.toBeDefined();

    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code] = (await exited) as [number | null];
    expect(code).toBe(0);
    expect(await answers(endpoint)).toBe(false);
  });

  it('refuses an unknown argument with the usage line and exit code 2', async () => {
    const { child, endpoint } = startEmulator(['--port', '1']);
    endpoint.catch(() => undefined);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(2);
    expect(stderr).toContain('usage: npm run emulator');
  });
});
