/**
 * Starts and resets a moto server (moto 5.2.1, patched for CloudFormation change sets by
 * moto-patched-server.py) for integration tests. The vitest globalSetup in global-setup.ts starts
 * one server per run; test files reach it through `useMoto()` in aws-env.ts.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const MOTO_INSTALL_COMMAND = "pip install 'moto[server]==5.2.1'";

/** Resolved from this module, so the harness works from any working directory. */
const LAUNCHER = fileURLToPath(new URL('./moto-patched-server.py', import.meta.url));
const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 30_000;
const POLL_INTERVAL_MS = 100;
const STOP_TIMEOUT_MS = 5_000;
/** Only the end of the server's stderr is kept (tracebacks of failed requests, startup errors). */
const STDERR_LIMIT = 64 * 1024;
/** The launcher's exit codes for "cannot import moto" and "wrong moto version". */
const EXIT_NO_MOTO = 2;
const EXIT_WRONG_MOTO = 3;
const PORT_ATTEMPTS = 3;

export interface MotoServer {
  /** `http://127.0.0.1:PORT` */
  endpoint: string;
  port: number;
  /** Stops the server (SIGTERM, then SIGKILL after 5 s). Safe to call twice. */
  stop(): Promise<void>;
}

/** Starts a patched moto server on a free loopback port and resolves once it answers. */
export async function startMoto(): Promise<MotoServer> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startOnce(await freePort());
    } catch (error) {
      // The port was free when we looked, but something else may have taken it before moto bound it.
      if (attempt < PORT_ATTEMPTS && error instanceof PortTakenError) continue;
      throw error;
    }
  }
}

/** Empties every moto backend (stacks, exports, SSM parameters, ...). */
export async function resetMoto(endpoint: string): Promise<void> {
  const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
  if (!response.ok) {
    throw new Error(`moto reset failed: HTTP ${response.status} ${await response.text()}`);
  }
}

class PortTakenError extends Error {}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, HOST);
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('could not read a free port');
  return address.port;
}

async function startOnce(port: number): Promise<MotoServer> {
  const endpoint = `http://${HOST}:${port}`;
  const child = spawn('python3', [LAUNCHER, HOST, String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PYTHONUNBUFFERED: '1' },
  });

  let output = '';
  const capture = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-STDERR_LIMIT);
  };
  child.stdout?.on('data', capture);
  child.stderr?.on('data', capture);

  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  let spawnError: Error | undefined;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve();
    });
    child.once('error', (error) => {
      spawnError = error;
      resolve();
    });
  });
  // If vitest dies without running the teardown, do not leave moto running.
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  const stop = async (): Promise<void> => {
    process.removeListener('exit', killOnExit);
    if (exited !== undefined || spawnError !== undefined) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exit;
    clearTimeout(timer);
  };

  const started = Date.now();
  while (Date.now() - started < READY_TIMEOUT_MS) {
    if (spawnError !== undefined) {
      await stop();
      throw startError(spawnError, output);
    }
    if (exited !== undefined) {
      await stop();
      throw exitError(exited, output);
    }
    if (await answers(endpoint)) {
      return { endpoint, port, stop };
    }
    await Promise.race([exit, sleep(POLL_INTERVAL_MS)]);
  }
  await stop();
  throw new Error(
    `moto server did not answer on ${endpoint} within ${READY_TIMEOUT_MS / 1000} s.\n` +
      `Server output:\n${output || '(none)'}`,
  );
}

async function answers(endpoint: string): Promise<boolean> {
  try {
    // A small JSON document from moto's own API; 2xx means moto's app is serving.
    const response = await fetch(`${endpoint}/moto-api/config`, { signal: AbortSignal.timeout(2_000) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

function startError(error: Error, output: string): Error {
  const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
  return new Error(
    missing
      ? `python3 was not found on PATH; the moto harness needs Python 3 with moto: ${MOTO_INSTALL_COMMAND}`
      : `could not start the moto server (python3 ${LAUNCHER}): ${error.message}\n${output}`,
    { cause: error },
  );
}

function exitError(exited: { code: number | null; signal: NodeJS.Signals | null }, output: string): Error {
  const how = exited.signal === null ? `exit code ${exited.code}` : `signal ${exited.signal}`;
  if (exited.code === EXIT_NO_MOTO || exited.code === EXIT_WRONG_MOTO) {
    return new Error(
      `moto 5.2.1 is not available to python3 (${how}). Install it with: ${MOTO_INSTALL_COMMAND}\n${output}`,
    );
  }
  if (/Address already in use/i.test(output)) {
    return new PortTakenError(`moto could not bind its port (${how}):\n${output}`);
  }
  return new Error(`moto server exited before answering (${how}). Server output:\n${output || '(none)'}`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
