/**
 * The S3 adapter against a local HTTP server, for answers moto does not give: 403 on HEAD,
 * a 301 to another region, 503 SlowDown retried without the CloudFormation limiter.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createAwsPorts } from '../../src/aws/create-aws-ports.js';
import { AwsError } from '../../src/aws/errors.js';
import { RateLimiter } from '../../src/aws/rate-limiter.js';
import { useTestCredentials } from '../harness/test-credentials.js';

useTestCredentials();

interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

interface Server {
  endpoint: string;
  requests: { method: string; url: string }[];
  close(): Promise<void>;
}

let server: Server | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(answer: (index: number) => Answer): Promise<Server> {
  const requests: { method: string; url: string }[] = [];
  const http = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '' });
      const a = answer(requests.length - 1);
      res.writeHead(a.status, { 'content-type': 'application/xml', ...a.headers });
      res.end(req.method === 'HEAD' ? undefined : (a.body ?? ''));
    });
  });
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  const { port } = http.address() as AddressInfo;
  server = {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    close: async () => {
      http.closeAllConnections();
      http.close();
      await once(http, 'close');
    },
  };
  return server;
}

function s3(endpoint: string, limiter = new RateLimiter({ ratePerSecond: 100, burst: 100 })) {
  return createAwsPorts(
    { region: 'us-east-1', endpoint },
    { limiter, retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 } },
  ).s3;
}

async function rejection(promise: Promise<unknown>): Promise<AwsError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AwsError);
  return error as AwsError;
}

describe('S3 adapter on the wire', () => {
  it('sends path-style requests to a custom endpoint: `<bucket>.localhost` would not resolve', async () => {
    const { endpoint, requests } = await serve(() => ({
      status: 200,
      headers: { 'x-amz-bucket-region': 'eu-west-1' },
    }));
    await expect(s3(endpoint.replace('127.0.0.1', 'localhost')).bucketRegion('artifacts')).resolves.toBe('eu-west-1');
    expect(requests[0]).toEqual({ method: 'HEAD', url: '/artifacts/' });
  });

  it('turns a 403 on HeadBucket and HeadObject into AccessDenied', async () => {
    const { endpoint } = await serve(() => ({ status: 403 }));
    const bucket = await rejection(s3(endpoint).bucketRegion('theirs'));
    expect([bucket.awsCode, bucket.httpStatus, bucket.serviceMessage]).toEqual([
      'AccessDenied',
      403,
      'Access Denied to bucket theirs: these credentials may not read it',
    ]);
    const object = await rejection(s3(endpoint).objectExists('theirs', 'a/b.zip'));
    expect([object.awsCode, object.serviceMessage]).toEqual([
      'AccessDenied',
      'Access Denied to s3://theirs/a/b.zip: these credentials may not read it',
    ]);
  });

  it('keeps S3 error codes from a body (PutObject)', async () => {
    const body = '<?xml version="1.0"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>';
    const { endpoint } = await serve(() => ({ status: 403, body }));
    const error = await rejection(s3(endpoint).putObject({ bucket: 'theirs', key: 'k', body: new Uint8Array([1]) }));
    expect([error.operation, error.awsCode, error.serviceMessage]).toEqual([
      'PutObject',
      'AccessDenied',
      'Access Denied',
    ]);
  });

  it('retries 503 SlowDown without taking CloudFormation limiter tokens', async () => {
    const slowDown =
      '<?xml version="1.0"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>';
    const { endpoint, requests } = await serve((i) => (i < 2 ? { status: 503, body: slowDown } : { status: 200 }));
    const limiter = new RateLimiter({ ratePerSecond: 100, burst: 100 });
    await s3(endpoint, limiter).putObject({ bucket: 'artifacts', key: 'k', body: new Uint8Array([1, 2]) });
    expect(requests.map((r) => r.method)).toEqual(['PUT', 'PUT', 'PUT']);
    expect(limiter.stats().acquired).toBe(0);
  });
});
