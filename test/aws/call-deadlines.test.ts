/**
 * Every AWS call ends by itself: connect and response deadlines per attempt, and one deadline per
 * call across its token waits, retries and backoffs (src/aws/call-deadline.ts). Deadlines are
 * shortened here, as STACKPILOT_AWS_DEADLINES does for the CLI.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createAwsPorts } from '../../src/aws/create-aws-ports.js';
import { DEFAULT_DEADLINES, parseDeadlines, uploadDeadlines } from '../../src/aws/deadlines.js';
import { AwsError, NO_ANSWER, NO_API_SLOT, NoAnswerError } from '../../src/aws/errors.js';
import { RateLimiter } from '../../src/aws/rate-limiter.js';
import { UsageError } from '../../src/errors.js';
import { useTestCredentials } from '../harness/test-credentials.js';
import { startSilentServer } from '../helpers/silent-server.js';
import type { SilentServer } from '../helpers/silent-server.js';
import { errorReply, startStub } from './stub-server.js';
import type { StubServer } from './stub-server.js';

useTestCredentials();

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function silent(): Promise<SilentServer> {
  const server = await startSilentServer();
  closers.push(() => server.close());
  return server;
}

async function stub(...args: Parameters<typeof startStub>): Promise<StubServer> {
  const server = await startStub(...args);
  closers.push(() => server.close());
  return server;
}

async function rejection(promise: Promise<unknown>): Promise<AwsError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AwsError);
  return error as AwsError;
}

const fastLimiter = (): RateLimiter => new RateLimiter({ ratePerSecond: 1000, burst: 1000 });

describe('a server that accepts connections and never answers', () => {
  it('fails the call with NoAnswer naming the endpoint, after retrying attempts that timed out', async () => {
    const server = await silent();
    const ports = createAwsPorts(
      { region: 'us-east-1', endpoint: server.endpoint },
      {
        limiter: fastLimiter(),
        retry: { maxAttempts: 100, baseDelayMs: 1, maxDelayMs: 5 },
        deadlines: { connectMs: 200, responseMs: 150, callMs: 1_000 },
      },
    );
    const error = await rejection(ports.cloudFormation.describeStack('orders-dev-core-infra'));
    expect(error).toBeInstanceOf(NoAnswerError);
    expect(error.awsCode).toBe(NO_ANSWER);
    expect(error.message).toBe(`DescribeStacks: NoAnswer: the endpoint did not answer within 1s: ${server.endpoint}`);
    expect(error.hint).toContain('STACKPILOT_AWS_DEADLINES');
    // The response deadline threw (it does not only log) and the attempt was retried...
    expect(server.connections()).toBeGreaterThanOrEqual(2);
    // ...until the call's deadline, long before 100 attempts.
    expect(server.connections()).toBeLessThan(100);
  });

  it('bounds SSM and S3 calls the same way', async () => {
    const server = await silent();
    const ports = createAwsPorts(
      { region: 'us-east-1', endpoint: server.endpoint },
      { limiter: fastLimiter(), deadlines: { connectMs: 200, responseMs: 100, callMs: 400 } },
    );
    const ssm = await rejection(ports.ssm.getParameter('/orders/dev/x'));
    expect(ssm.message).toBe(`GetParameter: NoAnswer: the endpoint did not answer within 400ms: ${server.endpoint}`);
    const s3 = await rejection(ports.s3.bucketRegion('orders-dev-artifacts'));
    expect(s3.message).toBe(`HeadBucket: NoAnswer: the endpoint did not answer within 400ms: ${server.endpoint}`);
  });
});

describe('the deadline of a call across its retries', () => {
  it('ends a call the server keeps throttling before its attempts run out, with the server’s own answer', async () => {
    const server = await stub(() => errorReply('Throttling', 'Rate exceeded'));
    const ports = createAwsPorts(
      { region: 'us-east-1', endpoint: server.endpoint },
      {
        limiter: fastLimiter(),
        // 1,000 attempts at ~50 ms each would take most of a minute. The deadline leaves a loaded
        // CI machine seconds for the first answers (with none, the call ends NoAnswer instead).
        retry: { maxAttempts: 1_000, baseDelayMs: 100, maxDelayMs: 100 },
        deadlines: { callMs: 4_000 },
      },
    );
    const error = await rejection(ports.cloudFormation.describeStack('x'));
    expect(error.awsCode).toBe('Throttling');
    expect(server.requests.length).toBeGreaterThanOrEqual(2);
    expect(server.requests.length).toBeLessThan(1_000);
  });

  it('ends a wait for a rate-limiter token at the deadline, saying so', async () => {
    const server = await stub(() => errorReply('ValidationError', 'Stack with id x does not exist'));
    // One token, the next in 100 s: the second call cannot get one within its 3 s (which leave a
    // loaded machine time for the first call's answer).
    const limiter = new RateLimiter({ ratePerSecond: 0.01, burst: 1 });
    const ports = createAwsPorts(
      { region: 'us-east-1', endpoint: server.endpoint },
      { limiter, deadlines: { callMs: 3_000 } },
    );
    await expect(ports.cloudFormation.describeStack('x')).resolves.toBeUndefined();
    const error = await rejection(ports.cloudFormation.describeStack('x'));
    expect(error.awsCode).toBe(NO_API_SLOT);
    expect(error.message).toContain('DescribeStacks: NoApiSlot:');
    expect(error.hint).toBe('raise --api-rate or lower --concurrency');
    expect(server.requests).toHaveLength(1);
  });
});

describe('S3 uploads', () => {
  /** An S3 stand-in that reads each request whole, then answers 200 after `delayMs`. */
  async function slowS3(delayMs: number): Promise<{ endpoint: string; puts: () => number }> {
    let puts = 0;
    const http = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        if (req.method === 'PUT') puts += 1;
        setTimeout(() => {
          res.writeHead(200, { 'x-amz-bucket-region': 'us-east-1' });
          res.end();
        }, delayMs);
      });
    });
    http.listen(0, '127.0.0.1');
    await once(http, 'listening');
    closers.push(async () => {
      http.closeAllConnections();
      http.close();
      await once(http, 'close');
    });
    return { endpoint: `http://127.0.0.1:${(http.address() as AddressInfo).port}`, puts: () => puts };
  }

  it('get deadlines scaled to their size: a 1 MB put waits for an answer a small call may not', async () => {
    const server = await slowS3(600);
    const ports = createAwsPorts(
      { region: 'us-east-1', endpoint: server.endpoint },
      {
        limiter: fastLimiter(),
        retry: { baseDelayMs: 1, maxDelayMs: 5 },
        // 1 MB at 0.5 MB/s: 2 s more per attempt, 4 s more per call.
        deadlines: { responseMs: 200, callMs: 500, uploadBytesPerSecond: 500_000 },
      },
    );
    await expect(
      ports.s3.putObject({ bucket: 'b', key: 'k.zip', body: new Uint8Array(1_000_000) }),
    ).resolves.toBeUndefined();
    expect(server.puts()).toBe(1);
    const error = await rejection(ports.s3.objectExists('b', 'k.zip'));
    expect(error.message).toBe(`HeadObject: NoAnswer: the endpoint did not answer within 500ms: ${server.endpoint}`);
  });

  it('add the time to send the body at the slowest accepted rate', () => {
    const deadlines = { ...DEFAULT_DEADLINES, responseMs: 1_000, callMs: 5_000, uploadBytesPerSecond: 1_000 };
    expect(uploadDeadlines(deadlines, 0)).toEqual({ responseMs: 1_000, callMs: 5_000 });
    expect(uploadDeadlines(deadlines, 2_500)).toEqual({ responseMs: 3_500, callMs: 10_000 });
  });
});

describe('STACKPILOT_AWS_DEADLINES', () => {
  it('reads deadlines in milliseconds and the upload rate in bytes per second', () => {
    expect(parseDeadlines('connect=200, response=500,call=2000,upload=65536')).toEqual({
      connectMs: 200,
      responseMs: 500,
      callMs: 2_000,
      uploadBytesPerSecond: 65_536,
    });
    expect(parseDeadlines('')).toEqual({});
  });

  it.each(['call=0', 'call=-1', 'call=1.5', 'call=', 'wait=10', 'constructor=5', 'call'])(
    'refuses "%s" as a usage error naming the variable',
    (text) => {
      expect(() => parseDeadlines(text)).toThrow(UsageError);
      expect(() => parseDeadlines(text)).toThrow(/^STACKPILOT_AWS_DEADLINES: /);
    },
  );
});
