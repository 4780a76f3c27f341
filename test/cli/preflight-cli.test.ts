/**
 * The account check before a run (issue 13, item 4), as a user meets it: the built CLI against
 * servers that record whether anything reached them. Each mistake is one clear message before
 * any stack is touched.
 */
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { motoEnv } from '../harness/aws-env.js';
import { copyExample } from '../helpers/example-project.js';
import { runCli } from '../helpers/run-cli.js';
import { startSilentServer } from '../helpers/silent-server.js';
import type { SilentServer } from '../helpers/silent-server.js';

const SHORT = 'connect=300,response=300,call=1000';

let server: SilentServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as AddressInfo;
  probe.close();
  await once(probe, 'close');
  return port;
}

const errorLines = (stderr: string): string[] => stderr.split('\n').filter((l) => l.startsWith('error:'));

describe('an endpoint URL without a scheme', () => {
  it('is a usage error (exit 2) naming the flag, the value and a correct one; nothing is sent', async () => {
    server = await startSilentServer({ answerIdentity: true });
    const hostPort = server.endpoint.replace('http://', '');
    const dir = await copyExample();
    const r = await runCli(['deploy', '--endpoint-url', hostPort, '--yes', '--ci'], {
      cwd: dir,
      env: motoEnv(server.endpoint),
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `error: --endpoint-url "${hostPort}" has no scheme (http:// or https://)\n` +
        `  → give a full http(s) URL, e.g. --endpoint-url http://${hostPort}\n`,
    );
    expect(r.stdout).toBe('');
    expect(server.connections()).toBe(0);
  });

  it('in AWS_ENDPOINT_URL: the same, for plan', async () => {
    server = await startSilentServer({ answerIdentity: true });
    const dir = await copyExample();
    const r = await runCli(['plan'], {
      cwd: dir,
      env: { ...motoEnv(server.endpoint), AWS_ENDPOINT_URL: 'localhost:5102' },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error: AWS_ENDPOINT_URL "localhost:5102" has no scheme (http:// or https://)\n');
    expect(r.stderr).toContain('→ give a full http(s) URL, e.g. AWS_ENDPOINT_URL=http://localhost:5102');
    expect(server.connections()).toBe(0);
  });
});

describe('an endpoint that refuses connections', () => {
  it('is one error, quickly, before any stack call', async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const dir = await copyExample();
    const r = await runCli(['deploy', '--endpoint-url', endpoint, '--yes', '--ci'], {
      cwd: dir,
      env: { ...motoEnv(endpoint), STACKPILOT_AWS_DEADLINES: SHORT },
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(errorLines(r.stderr)).toEqual([`error: cannot reach ${endpoint}: the connection was refused`]);
    expect(r.stderr).toContain('→ is the emulator running on that port? (check --endpoint-url / AWS_ENDPOINT_URL)');
  });
});

describe('no credentials', () => {
  it('is one error naming what was tried, and nothing reaches the endpoint', async () => {
    server = await startSilentServer({ answerIdentity: true });
    const dir = await copyExample();
    await writeFile(join(dir, 'empty'), '');
    const r = await runCli(['deploy', '--endpoint-url', server.endpoint, '--yes', '--ci'], {
      cwd: dir,
      env: {
        ...motoEnv(server.endpoint),
        AWS_ACCESS_KEY_ID: '',
        AWS_SECRET_ACCESS_KEY: '',
        AWS_CONFIG_FILE: join(dir, 'empty'),
        AWS_SHARED_CREDENTIALS_FILE: join(dir, 'empty'),
        STACKPILOT_AWS_DEADLINES: SHORT,
      },
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(errorLines(r.stderr)).toEqual([
      `error: no AWS credentials found (tried: environment variables AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, profile "default" in ${join(dir, 'empty')}, SSO, web identity, container and instance metadata)`,
    ]);
    expect(r.stderr).toContain('→ run aws configure, pass --profile <name>, or aws sso login if the profile uses SSO');
    expect(server.connections()).toBe(0);
  });

  it('with --profile naming a profile that does not exist: says so', async () => {
    server = await startSilentServer({ answerIdentity: true });
    const dir = await copyExample();
    await writeFile(join(dir, 'config'), '[default]\nregion = us-east-1\n[profile orders-prod]\nregion = eu-west-1\n');
    const r = await runCli(['plan', '--endpoint-url', server.endpoint, '--profile', 'orders-prd'], {
      cwd: dir,
      env: {
        ...motoEnv(server.endpoint),
        AWS_ACCESS_KEY_ID: '',
        AWS_SECRET_ACCESS_KEY: '',
        AWS_CONFIG_FILE: join(dir, 'config'),
        AWS_SHARED_CREDENTIALS_FILE: join(dir, 'config'),
      },
    });
    expect(r.code).toBe(1);
    expect(errorLines(r.stderr)).toEqual([`error: AWS profile "orders-prd" is not in ${join(dir, 'config')}`]);
    expect(r.stderr).toContain('→ did you mean "orders-prod"?');
    expect(server.connections()).toBe(0);
  });
});

describe('a region the SDK does not know', () => {
  it('is a warning with the nearest region; the run goes on (here to a stack call that hangs)', async () => {
    server = await startSilentServer({ answerIdentity: true });
    const dir = await copyExample();
    const r = await runCli(
      [
        'deploy',
        'core-infra',
        '--exclusively',
        '--region',
        'us-eest-1',
        '--endpoint-url',
        server.endpoint,
        '--yes',
        '--ci',
      ],
      { cwd: dir, env: { ...motoEnv(server.endpoint), STACKPILOT_AWS_DEADLINES: SHORT } },
    );
    expect(r.stderr).toBe(
      'warning: region "us-eest-1" is not one the AWS SDK knows\n' +
        '    → did you mean "us-east-1"? (if "us-eest-1" is a region newer than this stackpilot, go on or upgrade)\n',
    );
    expect(r.stdout).toMatch(/run +deploy 1 stack of orders \(stage dev, region us-eest-1, account 123456789012\)/);
    expect(r.stdout).toMatch(/core-infra +failed in .*DescribeStacks: NoAnswer/);
    expect(r.code).toBe(1);
  });
});

describe('AWS_ENDPOINT_URL_CLOUDFORMATION alone', () => {
  it('takes the account check to the same endpoint, not to the real STS', async () => {
    server = await startSilentServer({ answerIdentity: true });
    const dir = await copyExample();
    const r = await runCli(['validate', 'core-infra', '--exclusively', '--against-deployed'], {
      cwd: dir,
      env: {
        ...motoEnv(server.endpoint),
        AWS_ENDPOINT_URL: '',
        AWS_ENDPOINT_URL_CLOUDFORMATION: server.endpoint,
        STACKPILOT_AWS_DEADLINES: SHORT,
      },
    });
    // Past the account check (answered by the server), to the stack read that hangs.
    expect(r.stderr).toContain(
      `error: DescribeStacks: NoAnswer: the endpoint did not answer within 1s: ${server.endpoint}`,
    );
    expect(r.code).toBe(1);
  });
});

describe('a stage the config does not name', () => {
  it('is allowed; the run header says so', async () => {
    const dir = await copyExample();
    const r = await runCli(['deploy', '--simulate', '--ci', '--stage', 'pr-42'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n')[0]).toMatch(
      /run +deploy 4 stacks of orders \(stage pr-42, not in the config, region us-east-1\): order core-infra → data → app → backup$/,
    );
  });

  it('is a note on stderr where there is no header (plan, --output json)', async () => {
    const dir = await copyExample();
    const r = await runCli(['plan', '--simulate', '--stage', 'pr-42'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      'note: stage "pr-42" is not in the config (it knows dev, prod): the top-level settings apply\n',
    );
    const known = await runCli(['plan', '--simulate', '--stage', 'prod'], { cwd: dir });
    expect(known.stderr).toBe('');
  });
});
