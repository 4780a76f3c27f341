/**
 * `stackpilot deploy` as a user runs it: the built CLI in a child process, against the harness's
 * moto server given with --endpoint-url.
 */
import { describe, expect, it } from 'vitest';
import { motoEnv, useMoto } from '../harness/aws-env.js';
import { copyExample, createS3Bucket } from '../helpers/example-project.js';
import { runCli } from '../helpers/run-cli.js';

const { endpoint } = useMoto();

describe('stackpilot deploy against moto', () => {
  it('deploys the example system, then finds every stack unchanged; --output json is the event stream', async () => {
    const dir = await copyExample();
    await createS3Bucket(endpoint, 'orders-dev-artifacts');
    // A dead AWS_ENDPOINT_URL: only --endpoint-url can make this work.
    const env = { ...motoEnv(endpoint), AWS_ENDPOINT_URL: 'http://127.0.0.1:9' };

    const first = await runCli(['deploy', '--endpoint-url', endpoint, '--yes', '--ci'], { cwd: dir, env });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const lines = first.stdout.trim().split('\n');
    expect(lines[0]).toMatch(
      /^\d\d:\d\d:\d\d {2}run {9}deploy 4 stacks of orders \(stage dev, region us-east-1, account 123456789012\): order core-infra → data → app → backup$/,
    );
    for (const stack of ['core-infra', 'data', 'app', 'backup']) {
      expect(lines.some((l) => new RegExp(`^\\d\\d:\\d\\d:\\d\\d  ${stack} +created in `).test(l))).toBe(true);
    }
    expect(lines.at(-1)).toMatch(/run {9}done in .*: 4 created \(\d+ API calls\)$/);
    expect(first.stdout).toContain('wrote outputs to .stackpilot/outputs.json');

    const second = await runCli(['deploy', '--endpoint-url', endpoint, '--yes', '--ci', '--output', 'json'], {
      cwd: dir,
      env,
    });
    expect(second.code).toBe(0);
    const events = second.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; stack?: string; status?: string });
    expect(events[0]?.type).toBe('run:start');
    expect(Object.fromEntries(events.filter((e) => e.type === 'stack:done').map((e) => [e.stack, e.status]))).toEqual({
      'core-infra': 'unchanged',
      data: 'unchanged',
      app: 'unchanged',
      backup: 'unchanged',
    });
    expect(events.at(-1)).toMatchObject({
      type: 'run:done',
      exitCode: 0,
      summary: { created: 0, updated: 0, unchanged: 4, failed: 0, skipped: 0, blocked: 0 },
    });
  });
});
