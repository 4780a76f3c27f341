/**
 * Issue 11, item 7, over the wire: the built CLI deploys through a proxy that throttles about
 * 60 % of the CloudFormation and SSM requests in front of moto. No stack fails, `apiCalls` is
 * the number of requests that reached the proxy (retries included), and every throttled request
 * is an `api:retry` event.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { motoEnv, useMoto } from '../harness/aws-env.js';
import { startThrottlingProxy } from '../harness/throttling-proxy.js';
import type { ThrottlingProxy } from '../harness/throttling-proxy.js';
import { runCli } from '../helpers/run-cli.js';
import { testdir } from '../helpers/testdir.js';

const { endpoint } = useMoto();

let proxy: ThrottlingProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
});

const TOPIC = 'Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n';
const CONFIG = [
  "import { defineConfig, output } from 'stackpilot';",
  'export default defineConfig({',
  "  project: 'throttled',",
  "  region: 'us-east-1',",
  '  stacks: {',
  "    base: { template: 'base.yaml' },",
  "    queue: { template: 'queue.yaml', parameters: { TopicName: output('base', 'TopicName') } },",
  "    other: { template: 'other.yaml' },",
  '  },',
  '});',
].join('\n');

interface Event {
  type: string;
  stack?: string;
  status?: string;
  apiCalls?: number;
  operation?: string;
  attempt?: number;
  error?: string;
  exitCode?: number;
}

describe('deploy through a proxy that throttles 60 % of the requests', () => {
  it('creates every stack; apiCalls equals the requests that reached the proxy; each throttled one is an api:retry', async () => {
    const dir = await testdir({
      'stacks.config.ts': CONFIG,
      'base.yaml': `${TOPIC}Outputs:\n  TopicName:\n    Value: !GetAtt Topic.TopicName\n`,
      'queue.yaml': 'Parameters:\n  TopicName:\n    Type: String\nResources:\n  Queue:\n    Type: AWS::SQS::Queue\n',
      'other.yaml': TOPIC,
      // Recorded durations (with no execute time, which would pace polling): no first-run read of
      // CloudFormation's events, whose calls, abandoned at their deadline, may give up unreported.
      '.stackpilot/durations-dev.json': JSON.stringify({ base: { changeSetMs: 1000 } }),
    });
    proxy = await startThrottlingProxy({
      target: endpoint,
      rate: 0.6,
      seed: 7,
      // Writes keep a bounded attempt count (8): the proxy lets the 7th identical request through.
      maxInARow: 6,
      // One poll refused beyond the SDK's 8 attempts: the read goes on, the stack does not fail.
      alwaysThrottleFirst: { DescribeStackEvents: 10 },
    });
    const env = { ...motoEnv(proxy.endpoint), GITHUB_ACTIONS: '' };

    const run = await runCli(
      ['deploy', '--endpoint-url', proxy.endpoint, '--yes', '--ci', '--output', 'json', '--api-rate', '50'],
      { cwd: dir, env },
    );

    expect(run.stderr).toBe('');
    const events = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Event);
    expect(Object.fromEntries(events.filter((e) => e.type === 'stack:done').map((e) => [e.stack, e.status]))).toEqual({
      base: 'created',
      queue: 'created',
      other: 'created',
    });
    expect(run.code).toBe(0);
    const done = events.at(-1);
    expect(done).toMatchObject({ type: 'run:done', exitCode: 0 });
    // Throttling really happened, on more than half of the requests ...
    expect(proxy.throttled()).toBeGreaterThan(0.5 * proxy.requests());
    // ... every request that reached the proxy is in apiCalls (before: calls, not attempts) ...
    expect(done?.apiCalls).toBe(proxy.requests());
    const perStack = events.filter((e) => e.type === 'stack:done').map((e) => e.apiCalls ?? 0);
    expect(perStack.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(proxy.requests());
    // ... and every throttled request was retried, as an event naming it.
    const retries = events.filter((e) => e.type === 'api:retry');
    expect(retries).toHaveLength(proxy.throttled());
    expect(retries.every((r) => r.error === 'Throttling' || r.error === 'ThrottlingException')).toBe(true);
    // The poll refused ten times in a row went past the SDK's 8 attempts.
    expect(retries.some((r) => r.operation === 'DescribeStackEvents' && (r.attempt ?? 0) >= 8)).toBe(true);
  }, 300_000);

  it('with no durations file, the first-run read of CloudFormation events counts in apiCalls too', async () => {
    const dir = await testdir({
      'stacks.config.ts': CONFIG,
      'base.yaml': `${TOPIC}Outputs:\n  TopicName:\n    Value: !GetAtt Topic.TopicName\n`,
      'queue.yaml': 'Parameters:\n  TopicName:\n    Type: String\nResources:\n  Queue:\n    Type: AWS::SQS::Queue\n',
      'other.yaml': TOPIC,
    });
    proxy = await startThrottlingProxy({ target: endpoint, rate: 0.6, seed: 7, maxInARow: 6 });
    const env = { ...motoEnv(proxy.endpoint), GITHUB_ACTIONS: '' };
    const run = await runCli(
      ['deploy', '--endpoint-url', proxy.endpoint, '--yes', '--ci', '--output', 'json', '--api-rate', '50'],
      { cwd: dir, env },
    );
    expect(run.code).toBe(0);
    const events = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Event);
    expect(events.some((e) => e.type === 'run:durations')).toBe(true);
    // Before: the read's attempts were counted when its calls settled, so those in flight at its
    // deadline were missing (65 counted, 89 sent).
    expect(events.at(-1)?.apiCalls).toBe(proxy.requests());
  }, 300_000);
});
